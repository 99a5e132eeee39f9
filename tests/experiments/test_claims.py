"""Exclusive run claims: two processes never train the same run, and a dead claimant's lock is
taken over."""

import json
import os
import socket
import subprocess
import sys
import time

from helpers import load_script
from nielsen_net.experiments import claims
from nielsen_net.experiments.claims import claim, lock_path, release
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.records import write_record

sweep_script = load_script("sweep")


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


def test_the_runner_skips_a_run_another_process_holds(tmp_path):
    """The worker trains nothing (and loads no data) for a claimed run."""
    path = tmp_path / "runs" / "a,seed=0.json"
    write_lock(path, socket.gethostname(), os.getpid())  # this live process holds it
    assert sweep_script.run_one(("runs/a,seed=0", RunConfig(), path, {})) is False
    assert not path.exists() and lock_path(path).exists()


def test_the_runner_skips_a_run_finished_since_it_looked(tmp_path):
    path = tmp_path / "a,seed=0.json"
    config = RunConfig(sizes=[784, 8, 10])
    write_record(path, {"config": config.to_dict(), "history": {}})
    assert sweep_script.run_one(("a,seed=0", config, path, {})) is False
    assert not lock_path(path).exists()  # released


def test_two_sweep_processes_on_one_sweep_train_each_run_once(tmp_path):
    """Started together, the two runners split the runs: their trained counts add up to the
    number of runs (each process reports what another process took)."""
    import re
    import numpy as np
    from helpers import ROOT, idx_bytes
    rng = np.random.default_rng(0)
    for name, n in (("train", 10_100), ("t10k", 50)):  # 100 training images after validation
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        (tmp_path / f"{name}-images-idx3-ubyte").write_bytes(idx_bytes(0x803, images))
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        (tmp_path / f"{name}-labels-idx1-ubyte").write_bytes(idx_bytes(0x801, labels))
    sweep = tmp_path / "pair.toml"
    sweep.write_text("name = 'pair'\nseeds = [0, 1, 2, 3, 4, 5]\n[defaults]\n"
                     "sizes = [784, 8, 10]\nepochs = 1\ntrain_size = 100\n")
    command = [sys.executable, str(ROOT / "scripts" / "sweep.py"), str(sweep), "--jobs", "1",
               "--results", str(tmp_path / "results")]
    env = os.environ | {"MNIST_DIR": str(tmp_path)}
    runners = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    trained = 0
    for runner in runners:
        out, err = runner.communicate(timeout=300)
        assert runner.returncode == 0, err
        to_run = int(re.search(r"(\d+) to run", out).group(1))
        taken = re.search(r"(\d+) of \d+ runs were claimed or finished by another", err)
        trained += to_run - (int(taken.group(1)) if taken else 0)
    assert trained == 6
    runs = tmp_path / "results" / "pair" / "runs"
    assert len(list(runs.glob("*.json"))) == 6 and not list(runs.glob("*.lock"))
