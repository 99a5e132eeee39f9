"""Exclusive run claims: two processes never train the same run, and a dead claimant's lock is
taken over (the runner's use of them is tested in test_runner.py)."""

import json
import os
import socket
import subprocess
import sys
import time

from nielsen_net.experiments import claims
from nielsen_net.experiments.claims import claim, lock_path, release


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(path, host, pid, age=0.0):
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"host": host, "pid": pid, "time": time.time() - age}))
    os.utime(lock, (time.time() - age, time.time() - age))


def test_a_claim_is_exclusive_until_released(tmp_path):
    run = tmp_path / "runs" / "a,seed=0.json"
    assert claim(run)
    assert lock_path(run).exists() and not claim(run)
    release(run)
    assert not lock_path(run).exists() and claim(run)


def test_another_process_cannot_claim_a_held_run(tmp_path):
    run = tmp_path / "a,seed=0.json"
    assert claim(run)
    code = f"from nielsen_net.experiments.claims import claim; print(claim({str(run)!r}))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True).stdout.strip() == "False"


def test_a_lock_of_a_dead_process_on_this_host_is_taken_over(tmp_path):
    run = tmp_path / "a,seed=0.json"
    write_lock(run, socket.gethostname(), dead_pid())
    assert claim(run)
    assert json.loads(lock_path(run).read_text())["pid"] == os.getpid()


def test_a_lock_of_another_host_is_respected_until_it_is_old(tmp_path):
    run = tmp_path / "a,seed=0.json"
    write_lock(run, "elsewhere", 1)
    assert not claim(run)
    write_lock(run, "elsewhere", 1, age=claims.STALE_SECONDS + 60)
    assert claim(run)


def test_an_unreadable_lock_counts_by_its_age(tmp_path):
    run = tmp_path / "a,seed=0.json"
    lock_path(run).write_text('{"host": "x", "pi')  # cut short while written
    assert not claim(run)
    old = time.time() - claims.STALE_SECONDS - 60
    os.utime(lock_path(run), (old, old))
    assert claim(run)
