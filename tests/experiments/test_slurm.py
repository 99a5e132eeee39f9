"""The Slurm job array path: the comparison `make slurm-check` relies on, and the check itself
against a real one-node Slurm (skipped, with the reason, where Slurm cannot be installed or
started)."""
import json
import subprocess
import sys

import pytest

from helpers import ROOT, load_script
from nielsen_net.experiments.slurm_check import compare

check = load_script("slurm/check")


def write_results(folder, records, chosen, invocations):
    for name, record in records.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record))
    (folder / "sweep.json").write_text(json.dumps({"chosen_eta": chosen,
                                                   "invocations": [{}] * invocations}))


def record(accuracy, seconds):
    return {"config": {"eta": 0.1}, "test_accuracy": accuracy, "seconds": {"wall": seconds},
            "environment": {"date": f"{seconds}"},
            "history": {"evaluation_accuracy": [accuracy], "seconds": [seconds]}}


def test_the_comparison_ignores_timing_and_catches_any_other_difference(tmp_path):
    single, array = tmp_path / "single", tmp_path / "array"
    write_results(single, {"runs/a.json": record(0.9, 1.0), "runs/b.json": record(0.8, 1.0)},
                  {"a": 0.1}, 1)
    write_results(array, {"runs/a.json": record(0.9, 7.0), "runs/b.json": record(0.8, 7.0)},
                  {"a": 0.1}, 3)
    assert compare(single, array, 3) == []
    write_results(array, {"runs/a.json": record(0.9 + 1e-16, 7.0)}, {"a": 0.3}, 2)
    (array / "runs" / "b.json").unlink()
    assert compare(single, array, 3) == [
        "runs/b.json: only in the single-process run", "runs/a.json: records differ",
        "chosen_eta differs: {'a': 0.1} vs {'a': 0.3}",
        "sweep.json logs 2 invocations for 3 tasks: concurrent tasks lost each other's entries"]


def test_a_slurm_job_array_gives_the_records_of_a_single_process_bit_for_bit():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "slurm" / "check.py")],
                          capture_output=True, text=True, timeout=600)
    if done.returncode == check.SKIP:
        pytest.skip(done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bit for bit" in done.stdout
