"""make verify's judgement (nielsen_net/analysis/verify.py): a rerun with a forced last-bit
difference is reported field by field, with this machine against the record's and the
statistical check; and scripts/rerun_check.py end to end on real MNIST (skipped without it)."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT
from nielsen_net.analysis import stats
from nielsen_net.data.mnist import MNIST, Split
from nielsen_net.analysis import verify as v
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import write_record
from nielsen_net.experiments.run import run

HERE = environment()
SEEDS = (0, 1, 2)


def tiny_mnist(m=200, seed=0):
    """Random images whose label is their brightest of the first ten pixels: learnable."""
    rng = np.random.default_rng(seed)

    def split(n):
        X = rng.random((n, 784))
        return Split(X, X[:, :10].argmax(axis=1))
    return MNIST(split(m), split(100), split(100))


MNIST_SET = tiny_mnist()


def train(config):
    return run(config, MNIST_SET)[0]


def config(seed):
    return RunConfig(sizes=[784, 30, 10], epochs=3, train_size=200, eta=3.0, seed=seed)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A sweep folder with one row ("tiny") of three seeds, recorded on this machine."""
    folder = tmp_path_factory.mktemp("results") / "tiny"
    for seed in SEEDS:
        write_record(folder / "runs" / f"tiny,seed={seed}.json",
                     train(config(seed)) | {"environment": HERE})
    return folder


def last_bit(record, epoch=2):
    """The record with the training cost of `epoch` moved by one unit in the last place."""
    cost = record["history"]["training_cost"]
    cost[epoch - 1] = float(np.nextafter(cost[epoch - 1], math.inf))
    return record


def verify(sweep, seeds, trainer, here=HERE):
    lines = []
    paths = [sweep / "runs" / f"tiny,seed={s}.json" for s in seeds]
    ok = v.verify(sweep, paths, trainer, here, lines.append)
    return ok, lines


def test_an_exact_rerun_is_bit_identical(sweep):
    ok, lines = verify(sweep, SEEDS, train)
    assert ok and lines[-1] == "3 of 3 runs bit-identical"
    assert all(line.startswith(f"tiny,seed={s}: identical") for s, line in zip(SEEDS, lines))


def test_a_last_bit_difference_on_another_cpu_is_reported_and_judged_statistically(sweep):
    elsewhere = HERE | {"cpu": "Another CPU", "blas": HERE["blas"] | {"core": "Zen"}}
    ok, lines = verify(sweep, [1], lambda c: last_bit(train(c)), here=elsewhere)
    text = "\n".join(lines)
    print(text)  # the report, as make verify prints it
    assert lines[0].startswith("tiny,seed=1: DIFFERS")
    ulp = float(np.spacing(train(config(1))["history"]["training_cost"][1]))
    assert f"  history.training_cost: 1 of 3 values differ from epoch 2, by at most {ulp:.3g}" \
        in text
    assert len([line for line in lines if " values differ" in line]) == 1  # nothing else
    assert "this machine: not the record's CPU, BLAS or threads: cpu 'Another CPU' here, " \
           f"{HERE['cpu']!r} in the record; blas core 'Zen' here, " \
           f"{HERE['blas']['core']!r} in the record" in text
    committed = [train(config(s))["test_accuracy"] for s in SEEDS]
    lo, hi = stats.prediction_interval(committed)
    assert (f"across machines: test accuracy {committed[1]:.4f} against [{lo:.4f}, {hi:.4f}], "
            f"the 95% interval for one new run from the 3 committed: inside: consistent") in text
    assert ok and lines[-1] == "0 of 1 runs bit-identical; the others statistically consistent"


def test_a_last_bit_difference_on_the_record_s_own_cpu_and_blas_fails(sweep):
    ok, lines = verify(sweep, [1], lambda c: last_bit(train(c)))
    assert not ok and "  this machine: the record's CPU, BLAS and threads: the bits should " \
                      "have been the same" in lines
    assert lines[-1].endswith("FAIL (see above)")


def test_a_record_without_the_machine_fields_is_judged_on_unknown_arithmetic(sweep):
    old = json.loads((sweep / "runs" / "tiny,seed=0.json").read_text())
    old["environment"] = {k: old["environment"][k] for k in ("numpy", "machine", "git_commit")}
    assert v.same_arithmetic(old["environment"], HERE) == ("unknown", [])
    assert v.same_arithmetic(old["environment"] | {"numpy": "1.0"}, HERE)[0] == "different"


def test_a_rerun_outside_the_row_s_interval_fails(sweep):
    def worse(c):
        record = train(c)
        return record | {"test_accuracy": record["test_accuracy"] - 0.5}
    ok, lines = verify(sweep, [0], worse, here=HERE | {"cpu": "Another CPU"})
    assert not ok and any("OUTSIDE: not consistent" in line for line in lines)
    assert any(line.startswith("  test_accuracy: ") and " here, " in line for line in lines)


def test_several_reruns_of_a_row_are_judged_by_their_mean_too(sweep):
    ok, lines = verify(sweep, [0, 2], lambda c: last_bit(train(c)),
                       here=HERE | {"cpu": "Another CPU"})
    committed = [train(config(s))["test_accuracy"] for s in SEEDS]
    lo, hi = v.mean_prediction_interval(committed, 2)
    mean = (committed[0] + committed[2]) / 2
    assert ok and (f"tiny: mean test accuracy of 2 reruns {mean:.4f} against [{lo:.4f}, "
                   f"{hi:.4f}], the 95% interval for that many from the 3 committed: "
                   f"inside: consistent") in lines


def test_the_interval_for_a_mean_of_k_new_runs():
    values = [0.95, 0.952, 0.949, 0.955, 0.951]
    assert v.mean_prediction_interval(values, 1) == stats.prediction_interval(values)
    widths = [np.diff(v.mean_prediction_interval(values, k))[0] for k in (1, 2, 5, 10**9)]
    assert widths == sorted(widths, reverse=True)
    _, lo, hi = stats.mean_interval(values)  # infinitely many new runs: the mean's interval
    assert widths[-1] == pytest.approx(hi - lo)


def test_differences_in_length_and_kind_are_named():
    stored = {"history": {"evaluation_accuracy": [0.5, 0.6, 0.7], "diverged": False},
              "diagnostics": {"dead_fraction": [[0.0], [0.1]]}, "test_accuracy": 0.7,
              "seconds": {"wall": 1.0}, "environment": {"cpu": "a"}}
    fresh = {"history": {"evaluation_accuracy": [0.5, None], "diverged": True},
             "diagnostics": {"dead_fraction": [[0.0], [0.1]]}, "seconds": {"wall": 2.0},
             "environment": {"cpu": "b"}}
    found = {d.field: d.describe() for d in v.differences(stored, fresh)}
    assert found == {
        "history.evaluation_accuracy": "history.evaluation_accuracy: 2 of 3 values differ "
                                       "from epoch 2; 2 values here, 3 stored; 1 differ in "
                                       "kind (e.g. null against a number)",
        "history.diverged": "history.diverged: True here, False stored",
        "test_accuracy": "test_accuracy: missing from the rerun"}


def test_a_diverged_row_is_repeated_by_a_rerun_that_diverges():
    assert v.interval_check([None], [None, None, None])["inside"] is True
    assert v.interval_check([0.9], [None, None])["inside"] is None      # nothing to judge by
    assert v.interval_check([None], [0.9, 0.91, 0.92])["inside"] is False


def test_rerun_check_on_real_mnist_reports_a_forced_last_bit_difference(mnist_dir, tmp_path):
    """Two runs trained by scripts/train.py, then verified: identical; one stored cost moved
    by one unit in its last place: the field, and a failure (the same CPU and BLAS)."""
    env = os.environ | {"MNIST_DIR": str(mnist_dir), "OPENBLAS_NUM_THREADS": "1"}
    runs = tmp_path / "tiny" / "runs"
    for seed in (0, 1):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "train.py"), "--sizes", "784",
                        "10", "10", "--epochs", "2", "--train-size", "500", "--seed", str(seed),
                        "--out", str(runs / f"tiny,seed={seed}.json")],
                       env=env, check=True, capture_output=True)

    def check():
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "rerun_check.py"), "tiny",
                               "--runs", "2", "--results", str(tmp_path)],
                              env=env, capture_output=True, text=True)
    done = check()
    assert done.returncode == 0 and done.stdout.endswith("2 of 2 runs bit-identical\n"), done
    path = runs / "tiny,seed=1.json"
    path.write_text(json.dumps(last_bit(json.loads(path.read_text()), epoch=1)))
    done = check()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "tiny,seed=1: DIFFERS" in done.stdout
    assert "history.training_cost: 1 of 2 values differ from epoch 1" in done.stdout
    assert "the bits should have been the same" in done.stdout
    assert "across machines: test accuracy" in done.stdout
