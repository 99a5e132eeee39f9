"""scripts/ensemble.py: the vote of the dropout nets, from their records, on the real test set."""

import subprocess
import sys

import numpy as np

from helpers import ROOT, layered_record
from nielsen_net.experiments.records import read_record, write_record


def ensemble(results, mnist_dir):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "ensemble.py"),
                           "--results", str(results)], capture_output=True, text=True,
                          env={"MNIST_DIR": str(mnist_dir), "PATH": ""})


def test_the_vote_waits_for_five_nets_then_records_its_mistakes_with_their_pixels(
        tmp_path, mnist_dir, mnist):
    labels = mnist.test.y
    runs = tmp_path / "conv" / "runs"
    for seed in range(5):
        predictions = labels.copy()
        predictions[seed] = (labels[seed] + 1) % 10   # each net errs once, where no other does
        if seed < 3:
            predictions[100] = (labels[100] + 1) % 10  # three of five err together: the vote errs
        record = layered_record(seed, [0.99], [0.99], predictions=predictions.tolist())
        write_record(runs / f"ch6-dropout,seed={seed}.json", record | {"run_id": f"r{seed}"})
        done = ensemble(tmp_path, mnist_dir)
        if seed < 4:
            assert done.returncode == 1
            assert f"needs 5 finished ch6-dropout runs; {seed + 1} in" in done.stderr
    assert done.returncode == 0, done.stderr
    vote = read_record(tmp_path / "conv" / "ensemble.json")
    assert vote["wrong"] == [100] and vote["wrong_labels"] == [int(labels[100])]
    assert vote["accuracy"] == 99.99 and vote["run_ids"] == ["r0", "r1", "r2", "r3", "r4"]
    assert np.array_equal(np.asarray(vote["wrong_images"][0]) / 255, mnist.test.X[100])
    written = (tmp_path / "conv" / "ensemble.json").read_bytes()
    again = ensemble(tmp_path, mnist_dir)
    assert "is up to date" in again.stdout
    assert (tmp_path / "conv" / "ensemble.json").read_bytes() == written
