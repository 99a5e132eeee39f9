"""Run configs, diagnostics, sweep files and the resumable sweep runner."""

import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

from helpers import ROOT, SWEEPS, idx_bytes, load_script
from nielsen_net import Network
from nielsen_net.nn.diagnostics import bias_gradient_norms, confident_mistakes, dead_fraction
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.run import run
from nielsen_net.data.mnist import MNIST, Split
from nielsen_net.experiments.records import load_runs, read_record, write_record
from nielsen_net.experiments.sweeps import load_sweep, shard_configurations, shard_from_env
from nielsen_net.experiments.tuning import choose_eta

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
    assert len(activation_init.configurations) == 18
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


# ----- the sweep runner --------------------------------------------------------------------------

def test_pending_skips_finished_runs_and_redoes_stale_or_broken_ones(tmp_path, capsys):
    sweep = load_sweep(write_sweep(tmp_path, TINY_SWEEP))
    jobs = sweep.runs("activation=relu") + sweep.runs("activation=sigmoid")
    out = tmp_path / "out"
    (out / "runs").mkdir(parents=True)
    finished_id, finished_config = jobs[0]
    write_record(out / f"{finished_id}.json", {"config": finished_config.to_dict(),
                                                "history": {}})
    stale_id, stale_config = jobs[1]
    write_record(out / f"{stale_id}.json", {"config": finished_config.to_dict(), "history": {}})
    (out / f"{jobs[2][0]}.json").write_text('{"config": {"siz')  # cut off mid-write
    (out / f"{jobs[3][0]}.json").write_text('[]')  # not a record at all
    todo = [run_id for run_id, *_ in sweep_script.pending(jobs, out)]
    assert todo == [jobs[1][0], jobs[2][0], jobs[3][0]]
    reported = capsys.readouterr().err
    assert f"bad record {out / jobs[2][0]}.json" in reported and "redone" in reported
    assert f"bad record {out / jobs[3][0]}.json: a JSON object was expected" in reported


def test_pending_starts_the_longest_runs_first(tmp_path):
    short = RunConfig(sizes=[784, 8, 10], epochs=2)
    wide = RunConfig(sizes=[784, 30, 10], epochs=2)
    long = RunConfig(sizes=[784, 8, 10], epochs=5)
    jobs = [("short", short), ("wide", wide), ("long", long), ("short2", short)]
    todo = [run_id for run_id, *_ in sweep_script.pending(jobs, tmp_path)]
    assert todo == ["wide", "long", "short", "short2"]


def test_a_setting_added_to_runconfig_does_not_redo_finished_runs(tmp_path):
    config = RunConfig(sizes=[784, 8, 10])
    old = config.to_dict()
    del old["test_each_epoch"]  # as written before that setting existed
    path = tmp_path / "run.json"
    write_record(path, {"config": old, "history": {}})
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


def run_sweep_cli(sweep_file, results, data_dir, *options, env=None):
    outside_slurm = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_ARRAY_")}
    env = outside_slurm | {"MNIST_DIR": str(data_dir)} | (env or {})
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"), str(sweep_file),
                           "--jobs", "1", "--results", str(results), *options],
                          env=env, capture_output=True, text=True, check=True).stdout


def test_the_sweep_runner_resumes_without_redoing_finished_runs(tmp_path, fake_mnist_dir):
    sweep_file = write_sweep(tmp_path, TINY_SWEEP)
    results = tmp_path / "results"
    assert "4 runs, 0 done, 4 to run" in run_sweep_cli(sweep_file, results, fake_mnist_dir)
    files = sorted((results / "tiny" / "runs").glob("*.json"))
    assert len(files) == 4
    record = read_record(files[0])
    assert {"numpy", "python", "git_commit", "date"} <= set(record["environment"])
    kept = files[0].stat().st_mtime_ns
    files[1].unlink()  # as if that run had been interrupted
    assert "4 runs, 3 done, 1 to run" in run_sweep_cli(sweep_file, results, fake_mnist_dir)
    assert files[0].stat().st_mtime_ns == kept and files[1].exists()
    manifest = read_record(results / "tiny" / "sweep.json")
    assert len(manifest["invocations"]) == 2
    run_sweep_cli(sweep_file, results, fake_mnist_dir)  # nothing left to run: nothing logged
    assert read_record(results / "tiny" / "sweep.json") == manifest


def test_tuning_grows_a_grid_whose_choice_sits_at_an_edge(tmp_path, fake_mnist_dir):
    # Two candidates: whichever wins sits at an edge, so the grid must grow.
    text = TINY_SWEEP.replace('["sigmoid", "relu"]', '["relu"]') + \
        "[tune]\neta = [0.1, 0.3]\nepochs = 1\nseeds = [100, 101]\n"
    results = tmp_path / "results"
    run_sweep_cli(write_sweep(tmp_path, text), results, fake_mnist_dir)
    manifest = json.loads((results / "tiny" / "sweep.json").read_text())
    grid, eta = manifest["tuning_grid"]["activation=relu"], manifest["chosen_eta"]["activation=relu"]
    assert len(grid) > 2 and eta in grid
    assert (min(grid) < eta < max(grid)) != (manifest["chosen_at_edge"] == ["activation=relu"])
    tuned = sorted((results / "tiny" / "tune").glob("*.json"))
    assert len(tuned) == 2 * len(grid)           # every eta of the grown grid on both seeds
    for path in tuned:
        record = json.loads(path.read_text())
        assert record["test_accuracy"] is None and record["test_confusion"] is None
    runs = [json.loads(p.read_text()) for p in (results / "tiny" / "runs").glob("*.json")]
    assert [r["config"]["eta"] for r in runs] == [eta, eta]
    assert eta == choose_eta(load_runs(results / "tiny", "tune")["activation=relu"])


def test_the_runner_trains_eta_from_at_the_other_configurations_choice(tmp_path, fake_mnist_dir):
    text = TINY_SWEEP.replace("[grid]\nactivation = [\"sigmoid\", \"relu\"]\n", "") + \
        "[runs.a]\n[runs.b]\neta_from = 'a'\n[tune]\neta = [0.1, 0.3, 1.0]\nepochs = 1\n"
    results = tmp_path / "results"
    run_sweep_cli(write_sweep(tmp_path, text), results, fake_mnist_dir)
    manifest = json.loads((results / "tiny" / "sweep.json").read_text())
    assert manifest["chosen_eta"]["b"] == manifest["chosen_eta"]["a"]
    assert list(manifest["tuning_grid"]) == ["a"]
    assert not list((results / "tiny" / "tune").glob("b,*"))
    b = json.loads((results / "tiny" / "runs" / "b,seed=1.json").read_text())
    assert b["config"]["eta"] == manifest["chosen_eta"]["a"]


# ----- shards (machines, or the tasks of a Slurm job array) --------------------------------------

def test_shards_split_the_configurations_into_disjoint_covering_parts():
    names = ["a", "b", "c", "d", "e"]
    shards = [shard_configurations(names, (i, 3)) for i in range(3)]
    assert shards == [["a", "d"], ["b", "e"], ["c"]]
    assert shard_configurations(names, (0, 1)) == names
    assert shard_configurations(["a"], (1, 2)) == []  # more shards than configurations


def slurm_env(task, count, first=0, last=None):
    last = count - 1 if last is None else last
    return {"SLURM_ARRAY_TASK_ID": str(task), "SLURM_ARRAY_TASK_COUNT": str(count),
            "SLURM_ARRAY_TASK_MIN": str(first), "SLURM_ARRAY_TASK_MAX": str(last)}


def test_the_shard_comes_from_a_slurm_array_task_and_only_from_a_0_to_n_minus_1_array():
    assert shard_from_env({"HOME": "/root"}) is None
    assert shard_from_env(slurm_env(2, 3)) == (2, 3)
    with pytest.raises(ValueError, match="must be --array=0-2 .* got ids 1-3"):
        shard_from_env(slurm_env(1, 3, first=1, last=3))
    with pytest.raises(ValueError, match="must be --array=0-1 .* got ids 0-2"):
        shard_from_env(slurm_env(2, 2, last=2))  # e.g. --array=0,2: shard 1 would never run
    with pytest.raises(ValueError, match="SLURM_ARRAY_TASK_COUNT.*pass --shard"):
        shard_from_env({"SLURM_ARRAY_TASK_ID": "0"})


TUNED_SWEEP = TINY_SWEEP + """
[tune]
eta = [0.1, 1.0]
epochs = 1
"""


def run_files(results):
    return sorted(str(p.relative_to(results)) for p in results.glob("tiny/*/*.json"))


def test_a_shard_runs_its_configurations_tuning_and_seeds_and_an_explicit_shard_wins(
        tmp_path, fake_mnist_dir):
    sweep_file = write_sweep(tmp_path, TUNED_SWEEP)
    results = tmp_path / "results"
    run_sweep_cli(sweep_file, results, fake_mnist_dir, env=slurm_env(1, 2))
    files = run_files(results)
    assert [f for f in files if f.startswith("tiny/runs/")] == [
        "tiny/runs/activation=relu,seed=0.json", "tiny/runs/activation=relu,seed=1.json"]
    assert all(f.startswith("tiny/tune/activation=relu,eta=") for f in files[2:])
    assert "tiny/tune/activation=relu,eta=0.1,seed=101.json" in files
    run_sweep_cli(sweep_file, results, fake_mnist_dir, "--shard", "0/2", env=slurm_env(1, 2))
    assert len([f for f in run_files(results) if f.startswith("tiny/runs/")]) == 4
    manifest = json.loads((results / "tiny" / "sweep.json").read_text())
    assert [i["shard"] for i in manifest["invocations"]] == [[1, 2], [0, 2]]
    assert set(manifest["chosen_eta"]) == {"activation=sigmoid", "activation=relu"}


def test_a_bad_slurm_array_stops_the_sweep_before_any_run(tmp_path, fake_mnist_dir):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_sweep_cli(write_sweep(tmp_path, TUNED_SWEEP), tmp_path / "results", fake_mnist_dir,
                      env=slurm_env(1, 3, first=1, last=3))
    assert "must be --array=0-2" in failure.value.stderr
    assert not (tmp_path / "results").exists()


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


def test_only_runs_the_named_configurations_and_refuses_unknown_ones(tmp_path, fake_mnist_dir):
    sweep_file = write_sweep(tmp_path, TINY_SWEEP)
    results = tmp_path / "results"
    out = run_sweep_cli(sweep_file, results, fake_mnist_dir, "--only", "activation=relu")
    assert "2 runs, 0 done, 2 to run" in out
    assert sorted(p.name for p in (results / "tiny" / "runs").glob("*.json")) == [
        "activation=relu,seed=0.json", "activation=relu,seed=1.json"]
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_sweep_cli(sweep_file, results, fake_mnist_dir, "--only", "activation=tanh")
    assert "--only: activation=tanh not in sweep 'tiny'" in failure.value.stderr


def test_an_invocation_is_logged_after_each_run_so_a_killed_one_keeps_its_time(tmp_path):
    sweep_script = load_script("sweep")
    sweep = types.SimpleNamespace(name="tiny", description="d")
    args = types.SimpleNamespace(jobs=2, shard=(0, 1))
    first = sweep_script.InvocationLog(tmp_path, sweep, args, {}, {"git_commit": "x"})
    first.update()
    first.update()
    entries = read_record(tmp_path / "sweep.json")["invocations"]
    assert len(entries) == 1 and entries[0]["finished"] is False   # killed here: still logged
    assert entries[0]["seconds"] > 0 and "after" in entries[0]["load_average"]
    second = sweep_script.InvocationLog(tmp_path, sweep, args, {}, {"git_commit": "y"})
    second.update({"a": 0.3}, {"a": [0.1, 0.3, 1.0]}, finished=True)
    manifest = read_record(tmp_path / "sweep.json")
    assert [e["finished"] for e in manifest["invocations"]] == [False, True]
    assert manifest["chosen_eta"] == {"a": 0.3} and manifest["chosen_at_edge"] == []
