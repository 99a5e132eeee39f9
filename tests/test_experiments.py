"""Run configs, diagnostics, sweep files and the resumable sweep runner."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT, load_script
from mnist_fixtures import idx_bytes
from nielsen_net import Network
from nielsen_net.diagnostics import bias_gradient_norms, dead_fraction
from nielsen_net.experiment import RunConfig, run
from nielsen_net.mnist import MNIST, Split
from nielsen_net.sweep import choose_eta, load_sweep

sweep_script = load_script("sweep")


def fake_mnist(m=300, seed=0):
    rng = np.random.default_rng(seed)
    split = lambda n: Split(rng.random((n, 784)), rng.integers(0, 10, n))  # noqa: E731
    return MNIST(split(m), split(50), split(50))


# ----- RunConfig ---------------------------------------------------------------------------------

def test_unknown_config_keys_fail_listing_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown config keys \['learning_rate'\]; valid: sizes"):
        RunConfig.from_dict({"learning_rate": 0.1})


@pytest.mark.parametrize("changes,match", [
    ({"eta": 0}, "eta must be > 0"),
    ({"epochs": 1.5}, "epochs must be an integer"),
    ({"evaluate": "train"}, "unknown evaluate split 'train'; valid: 'validation', 'test'"),
    ({"sizes": [10, 10]}, "sizes must start with 784 and end with 10"),
    ({"activation": "swish"}, "unknown activation 'swish'"),
    ({"train_size": 0}, "train_size must be > 0"),
])
def test_bad_config_values_fail_at_once(changes, match):
    with pytest.raises(ValueError, match=match):
        RunConfig.from_dict(changes)


def test_config_round_trips_through_a_dict():
    config = RunConfig(sizes=[784, 20, 10], activation="relu", eta=0.1)
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


# ----- one run and its diagnostics ---------------------------------------------------------------

def test_run_records_history_diagnostics_and_environment():
    config = RunConfig(sizes=[784, 12, 11, 10], activation="relu", epochs=2, train_size=200,
                       test_each_epoch=True, eta=0.1)
    record, net = run(config, fake_mnist())
    assert record["config"] == config.to_dict()
    assert len(record["history"]["evaluation_accuracy"]) == 2
    diagnostics = record["diagnostics"]
    assert len(diagnostics["dead_fraction"]) == 3  # before training, then after each epoch
    assert [len(d) for d in diagnostics["bias_gradient_norms"]] == [2, 2, 2]  # hidden layers
    assert len(record["test_accuracy_per_epoch"]) == 2
    assert record["test_accuracy"] == record["test_accuracy_per_epoch"][-1]
    assert "environment" not in record  # the caller adds it when it loads the code


def test_same_config_gives_the_same_record():
    config = RunConfig(sizes=[784, 8, 10], epochs=2, train_size=100)
    a, _ = run(config, fake_mnist())
    b, _ = run(config, fake_mnist())
    assert a["history"]["training_cost"] == b["history"]["training_cost"]
    assert a["diagnostics"] == b["diagnostics"]


def test_dead_fraction_counts_relu_units_that_never_fire():
    net = Network([4, 6, 3], activation="relu", seed=0)
    net.biases[0][:3] = -1e3  # three units with z < 0 for every input below ...
    net.biases[0][3:] = 1e3   # ... and three with z > 0 for every one
    X = np.random.default_rng(0).random((20, 4))
    assert dead_fraction(net, X) == [0.5]
    leaky = Network([4, 6, 3], activation="leaky_relu", seed=0)
    leaky.biases[0][:3] = -1e3
    leaky.biases[0][3:] = 1e3
    assert dead_fraction(leaky, X) == [0.0]  # a leaky unit always passes some gradient


def test_bias_gradient_norms_are_the_norms_of_backprop():
    net = Network([4, 5, 5, 3], seed=0)
    X, y = np.random.default_rng(0).random((10, 4)), np.arange(10) % 3
    nabla_b, _ = net.backprop(X, y)
    assert bias_gradient_norms(net, X, y) == pytest.approx(
        [np.linalg.norm(nabla_b[0]), np.linalg.norm(nabla_b[1])])


# ----- sweep files -------------------------------------------------------------------------------

def write_sweep(tmp_path, text):
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    return path


TINY_SWEEP = """
name = "tiny"
seeds = [0, 1]
[defaults]
sizes = [784, 8, 10]
epochs = 1
train_size = 100
[grid]
activation = ["sigmoid", "relu"]
"""


def test_a_grid_expands_into_named_configurations_and_seeds(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, TINY_SWEEP))
    assert list(sweep.configurations) == ["activation=sigmoid", "activation=relu"]
    runs = sweep.runs("activation=relu")
    assert [run_id for run_id, _ in runs] == ["runs/activation=relu,seed=0",
                                              "runs/activation=relu,seed=1"]
    assert runs[1][1].seed == 1 and runs[1][1].activation == "relu"


def test_overrides_apply_to_every_run_and_to_tuning(tmp_path):
    text = TINY_SWEEP + "[tune]\neta = [0.1, 1.0]\nepochs = 5\n"
    sweep = load_sweep(write_sweep(tmp_path, text), overrides={"epochs": 2, "train_size": 50})
    config = sweep.configurations["activation=relu"]
    assert (config.epochs, config.train_size) == (2, 50)
    assert [c.epochs for _, c in sweep.tuning_runs("activation=relu")] == [2, 2]


@pytest.mark.parametrize("text,match", [
    ("name = 'x'\n[grids]\neta = [1]\n", r"top-level keys \['grids'\] are unknown"),
    ("name = 'x'\n[defaults]\netta = 1\n", r"configuration 'default': unknown config keys"),
    ("name = 'x'\n[grid]\neta = [-1.0]\n", r"configuration 'eta=-1.0': eta must be > 0"),
    ("name = 'x'\n[tune]\neta = [1]\nseeds = 2\n", r"\[tune\] keys \['seeds'\] are unknown"),
])
def test_bad_sweep_files_fail_naming_the_problem(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_sweep(write_sweep(tmp_path, text))


def test_unknown_sweep_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown sweep 'nope'; valid: .*activation_init"):
        load_sweep("nope")


def test_the_committed_sweeps_load():
    assert len(load_sweep("activation_init").configurations) == 18
    book = load_sweep("book")
    assert all(len(seeds) >= 3 for name, seeds in book.seeds.items()
               if not name.endswith("float32"))
    assert all(len(book.seeds[row]) >= 5 for row in ("ch1-30", "ch3-l2-30", "ch3-98"))


def tuning_record(final_accuracy, diverged=False):
    return {"history": {"evaluation_accuracy": [0.1, final_accuracy], "diverged": diverged}}


def test_choose_eta_takes_the_best_final_accuracy_and_never_a_diverged_run():
    assert choose_eta({0.1: tuning_record(0.90), 0.3: tuning_record(0.95),
                       1.0: tuning_record(0.99, diverged=True)}) == 0.3
    assert choose_eta({0.3: tuning_record(0.95), 0.1: tuning_record(0.95)}) == 0.1  # tie
    assert choose_eta({1.0: tuning_record(0.5, diverged=True)}) is None


# ----- the sweep runner --------------------------------------------------------------------------

def test_pending_skips_finished_runs_and_redoes_stale_or_broken_ones(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, TINY_SWEEP))
    jobs = sweep.runs("activation=relu") + sweep.runs("activation=sigmoid")
    out = tmp_path / "out"
    (out / "runs").mkdir(parents=True)
    finished_id, finished_config = jobs[0]
    (out / f"{finished_id}.json").write_text(json.dumps({"config": finished_config.to_dict()}))
    stale_id, stale_config = jobs[1]
    (out / f"{stale_id}.json").write_text(json.dumps({"config": finished_config.to_dict()}))
    (out / f"{jobs[2][0]}.json").write_text('{"config": {"siz')  # cut off mid-write
    todo = [run_id for run_id, *_ in sweep_script.pending(jobs, out, (0, 1))]
    assert todo == [jobs[1][0], jobs[2][0], jobs[3][0]]
    assert [r for r, *_ in sweep_script.pending(jobs, out, (1, 2))] == [jobs[1][0], jobs[3][0]]


def test_pending_starts_the_longest_runs_first(tmp_path):
    short = RunConfig(sizes=[784, 8, 10], epochs=2)
    wide = RunConfig(sizes=[784, 30, 10], epochs=2)
    long = RunConfig(sizes=[784, 8, 10], epochs=5)
    jobs = [("short", short), ("wide", wide), ("long", long), ("short2", short)]
    todo = [run_id for run_id, *_ in sweep_script.pending(jobs, tmp_path, (0, 1))]
    assert todo == ["wide", "long", "short", "short2"]


def test_a_setting_added_to_runconfig_does_not_redo_finished_runs(tmp_path):
    config = RunConfig(sizes=[784, 8, 10])
    old = config.to_dict()
    del old["test_each_epoch"]  # as written before that setting existed
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"config": old}))
    assert sweep_script.finished(path, config)


@pytest.fixture
def fake_mnist_dir(tmp_path):
    """A folder of raw IDX files, 10,100 training and 50 test images (random pixels)."""
    rng = np.random.default_rng(0)
    for name, n in (("train", 10_100), ("t10k", 50)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        (tmp_path / f"{name}-images-idx3-ubyte").write_bytes(idx_bytes(0x803, images))
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        (tmp_path / f"{name}-labels-idx1-ubyte").write_bytes(idx_bytes(0x801, labels))
    return tmp_path


def run_sweep_cli(sweep_file, results, data_dir):
    env = os.environ | {"MNIST_DIR": str(data_dir)}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"), str(sweep_file),
                           "--jobs", "1", "--results", str(results)],
                          env=env, capture_output=True, text=True, check=True).stdout


def test_the_sweep_runner_resumes_without_redoing_finished_runs(tmp_path, fake_mnist_dir):
    sweep_file = write_sweep(tmp_path, TINY_SWEEP)
    results = tmp_path / "results"
    assert "4 runs, 0 done, 4 to run" in run_sweep_cli(sweep_file, results, fake_mnist_dir)
    files = sorted((results / "tiny" / "runs").glob("*.json"))
    assert len(files) == 4
    record = json.loads(files[0].read_text())
    assert {"numpy", "python", "git_commit", "date"} <= set(record["environment"])
    kept = files[0].stat().st_mtime_ns
    files[1].unlink()  # as if that run had been interrupted
    assert "4 runs, 3 done, 1 to run" in run_sweep_cli(sweep_file, results, fake_mnist_dir)
    assert files[0].stat().st_mtime_ns == kept and files[1].exists()
    manifest = json.loads((results / "tiny" / "sweep.json").read_text())
    assert len(manifest["invocations"]) == 2
