"""scripts/baseline_svm.py: the book's SVM baseline, skipped cleanly without scikit-learn."""

import subprocess
import sys

import pytest

from helpers import ROOT
from nielsen_net.experiments.records import read_record


def svm_script(*args, env):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "baseline_svm.py"), *args],
                          capture_output=True, text=True, env=env)


def test_without_scikit_learn_it_says_how_to_get_it_and_writes_nothing(tmp_path):
    blocker = tmp_path / "blocked" / "sklearn"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no scikit-learn here')\n")
    out = tmp_path / "svm.json"
    done = svm_script("--out", out, env={"PYTHONPATH": str(blocker.parent), "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert "SVM baseline skipped: scikit-learn is not installed" in done.stdout
    assert not out.exists()


def test_bad_limits_are_refused_with_the_accepted_range(tmp_path):
    done = svm_script("--limit-train", "60000", env={"PATH": ""})
    assert done.returncode == 2 and "--limit-train must be in 1..50000" in done.stderr


def test_both_gammas_are_fitted_and_scored_and_a_current_record_is_kept(tmp_path, mnist_dir):
    pytest.importorskip("sklearn")
    out, env = tmp_path / "svm.json", {"MNIST_DIR": str(mnist_dir), "PATH": ""}
    done = svm_script("--out", out, "--limit-train", "300", "--limit-test", "200", env=env)
    assert done.returncode == 0, done.stderr
    record = read_record(out)
    assert [f["gamma"] for f in record["fits"]] == ["auto", "scale"]
    for fit in record["fits"]:
        assert fit["total"] == 200 and fit["accuracy"] == fit["correct"] / 200
        assert 0.5 < fit["accuracy"] <= 1  # 300 images are enough to beat guessing by far
    assert record["config"]["training_images"] == 300 and record["book_percent"] == 94.35
    written = out.read_bytes()
    again = svm_script("--out", out, "--limit-train", "300", "--limit-test", "200", env=env)
    assert "is up to date" in again.stdout and out.read_bytes() == written
