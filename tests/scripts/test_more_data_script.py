"""scripts/more_data.py: the more-data figure's runs, resumable, validation only."""

import subprocess
import sys

from helpers import ROOT
from nielsen_net.experiments.records import read_record


def more_data(*args, env):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "more_data.py"), *args],
                          capture_output=True, text=True, env=env)


def test_bad_sizes_are_refused_with_the_accepted_range():
    done = more_data("--sizes", "0", "100", env={"PATH": ""})
    assert done.returncode == 2 and "--sizes must be in 1..50000" in done.stderr
    done = more_data("--sizes", "100", "--examples", "50", env={"PATH": ""})
    assert done.returncode == 2 and "--examples at least the largest size" in done.stderr


def test_it_trains_each_size_and_seed_once_and_resumes_what_is_missing(tmp_path, mnist_dir):
    out, env = tmp_path / "more.json", {"MNIST_DIR": str(mnist_dir), "PATH": "",
                                       "OPENBLAS_NUM_THREADS": "1"}
    args = ["--out", str(out), "--sizes", "50", "100", "--examples", "1000"]
    done = more_data(*args, "--seeds", "0", env=env)
    assert done.returncode == 0, done.stderr
    first = read_record(out)
    assert [(r["size"], r["seed"], r["epochs"]) for r in first["nets"]] == [(50, 0, 20),
                                                                          (100, 0, 10)]
    assert all(0.1 < r["validation_accuracy"] <= 1 for r in first["nets"])
    assert "test" not in str(sorted(first["config"]))  # scored on validation only
    again = more_data(*args, "--seeds", "0", env=env)
    assert "is up to date" in again.stdout
    more = more_data(*args, "--seeds", "0", "1", env=env)  # other settings: afresh
    assert "holds other settings" in more.stdout
    nets = read_record(out)["nets"]
    assert [(r["size"], r["seed"]) for r in nets] == [(50, 0), (50, 1), (100, 0), (100, 1)]
    same = [r for r in nets if r["seed"] == 0]
    assert [r["validation_accuracy"] for r in same] == \
        [r["validation_accuracy"] for r in first["nets"]]  # same seed, same numbers
