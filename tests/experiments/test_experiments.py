"""Run configs, one run and its diagnostics, sweep files, and the environment a record keeps
(the sweep runner's tests are in test_runner.py)."""

import json
import subprocess

import numpy as np
import pytest

from helpers import SWEEPS, TINY_SWEEP, write_sweep
from nielsen_net import Network
from nielsen_net.nn.diagnostics import bias_gradient_norms, confident_mistakes, dead_fraction
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.run import run
from nielsen_net.data.mnist import MNIST, Split
from nielsen_net.experiments.sweeps import load_sweep


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


def test_confident_mistakes_are_the_wrong_rows_with_the_largest_output_first():
    net = Network([2, 3], activation="relu", seed=0)
    net.weights[0][:] = np.eye(3, 2)  # output j = sigmoid(x_j), output 2 = sigmoid(0)
    net.biases[0][:] = 0
    X = np.array([[5.0, 0], [0, 9.0], [1.0, 0], [0, 2.0], [0, 3.0]])
    y = np.array([0, 0, 1, 1, 1])   # rows 1 (predicts 1 at sigmoid(9)) and 2 are wrong
    rows, predicted, outputs = confident_mistakes(net, X, y, k=5)
    assert rows.tolist() == [1, 2] and predicted.tolist() == [1, 0]
    assert outputs == pytest.approx([1 / (1 + np.exp(-9)), 1 / (1 + np.exp(-1))])
    assert confident_mistakes(net, X, y, k=1)[0].tolist() == [1]


def test_bias_gradient_norms_are_the_norms_of_backprop():
    net = Network([4, 5, 5, 3], seed=0)
    X, y = np.random.default_rng(0).random((10, 4)), np.arange(10) % 3
    nabla_b, _ = net.backprop(X, y)
    assert bias_gradient_norms(net, X, y) == pytest.approx(
        [np.linalg.norm(nabla_b[0]), np.linalg.norm(nabla_b[1])])


# ----- sweep files -------------------------------------------------------------------------------

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
    tuning = sweep.tuning_runs("activation=relu")
    assert [c.epochs for _, c in tuning] == [2, 2, 2, 2]  # 2 etas x the default 2 seeds
    assert [run_id for run_id, _ in tuning][:2] == ["tune/activation=relu,eta=0.1,seed=100",
                                                    "tune/activation=relu,eta=0.1,seed=101"]
    assert all(c.evaluate == "validation" and not c.score_test for _, c in tuning)


@pytest.mark.parametrize("text,match", [
    ("name = 'x'\n[grids]\neta = [1]\n", r"top-level keys \['grids'\] are unknown"),
    ("name = 'x'\n[defaults]\netta = 1\n", r"configuration 'default': unknown config keys"),
    ("name = 'x'\n[grid]\neta = [-1.0]\n", r"configuration 'eta=-1.0': eta must be > 0"),
    ("name = 'x'\n[tune]\neta = [1, 2]\nseed = 2\n", r"\[tune\] keys \['seed'\] are unknown"),
    ("name = 'x'\n[tune]\neta = [1, 2]\nseeds = [3]\n", r"\[tune\] needs at least 2 seeds"),
])
def test_bad_sweep_files_fail_naming_the_problem(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_sweep(write_sweep(tmp_path, text))


def test_unknown_sweep_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown sweep 'nope'; valid: .*activation_init"):
        load_sweep("nope", SWEEPS)


def test_the_committed_sweeps_run_enough_seeds():
    activation_init = load_sweep("activation_init", SWEEPS)
    assert len(activation_init.configurations) == 24  # 3 activations x 4 inits x 2 depths
    assert all(len(seeds) >= 5 for seeds in activation_init.seeds.values())
    assert all(len(seeds) >= 5 for seeds in load_sweep("fast98", SWEEPS).seeds.values())
    book = load_sweep("book", SWEEPS)
    for name, checks in book.notes.items():
        if not any(check.get("float32") for check in checks):
            assert len(book.seeds[name]) >= 10, name
    for sweep in ("activation_init", "fast98"):
        assert len(load_sweep(sweep, SWEEPS).tune["seeds"]) >= 2


def test_eta_from_takes_a_tuned_configurations_eta(tmp_path):
    text = TINY_SWEEP.replace("[grid]\nactivation = [\"sigmoid\", \"relu\"]\n", "") + \
        "[runs.a]\n[runs.b]\neta_from = 'a'\n[tune]\neta = [0.1, 0.3]\n"
    sweep = load_sweep(write_sweep(tmp_path, text))
    assert sweep.tuned() == ["a"] and sweep.eta_from == {"b": "a"}
    for bad in ("'c'", "'b'"):
        with pytest.raises(ValueError, match="eta_from must name a tuned configuration"):
            load_sweep(write_sweep(tmp_path, text.replace("eta_from = 'a'", f"eta_from = {bad}")))


# ----- the environment a record keeps ------------------------------------------------------------

def test_git_dirty_means_the_code_differs_not_the_results(tmp_path, monkeypatch):
    from nielsen_net.experiments import environment as experiment

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    git("init", "-q")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "run.json").write_text("{}")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    monkeypatch.setattr(experiment, "PROJECT_ROOT", tmp_path)
    (tmp_path / "results" / "run.json").unlink()       # a sweep replacing its runs
    assert experiment.environment()["git_dirty"] is False
    (tmp_path / "code.py").write_text("x = 2\n")
    assert experiment.environment()["git_dirty"] is True

