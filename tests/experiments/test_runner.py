"""The sweep runner (nielsen_net.experiments.runner) and its command line, scripts/sweep.py:
resume, claims, tuning, shards, --only, the invocation log, and MNIST that cannot be used."""

import json
import os
import re
import socket
import subprocess
import sys
import types

import numpy as np
import pytest

from helpers import ROOT, TINY_SWEEP, idx_bytes, write_sweep
from nielsen_net.data.mnist import MNISTError
from nielsen_net.experiments import runner
from nielsen_net.experiments.claims import lock_path
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.records import load_runs, read_record, write_record
from nielsen_net.experiments.sweeps import load_sweep, shard_configurations, shard_from_env
from nielsen_net.experiments.tuning import choose_eta


@pytest.fixture
def fake_mnist_dir(tmp_path):
    """A folder of raw IDX files, 10,100 training and 50 test images (random pixels): 100
    training images after the validation split."""
    rng = np.random.default_rng(0)
    for name, n in (("train", 10_100), ("t10k", 50)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        (tmp_path / f"{name}-images-idx3-ubyte").write_bytes(idx_bytes(0x803, images))
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        (tmp_path / f"{name}-labels-idx1-ubyte").write_bytes(idx_bytes(0x801, labels))
    return tmp_path


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
    todo = [run_id for run_id, *_ in runner.pending(jobs, out)]
    assert todo == [jobs[1][0], jobs[2][0], jobs[3][0]]
    reported = capsys.readouterr().err
    assert f"bad record {out / jobs[2][0]}.json" in reported and "redone" in reported
    assert f"bad record {out / jobs[3][0]}.json: a JSON object was expected" in reported


def test_pending_starts_the_longest_runs_first(tmp_path):
    short = RunConfig(sizes=[784, 8, 10], epochs=2)
    wide = RunConfig(sizes=[784, 30, 10], epochs=2)
    long = RunConfig(sizes=[784, 8, 10], epochs=5)
    jobs = [("short", short), ("wide", wide), ("long", long), ("short2", short)]
    todo = [run_id for run_id, *_ in runner.pending(jobs, tmp_path)]
    assert todo == ["wide", "long", "short", "short2"]


def test_a_setting_added_to_runconfig_does_not_redo_finished_runs(tmp_path):
    config = RunConfig(sizes=[784, 8, 10])
    old = config.to_dict()
    del old["test_each_epoch"]  # as written before that setting existed
    path = tmp_path / "run.json"
    write_record(path, {"config": old, "history": {}})
    assert runner.finished(path, config)




def run_sweep_cli(sweep_file, results, data_dir, *options, env=None):
    outside_slurm = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_ARRAY_")}
    env = outside_slurm | {"MNIST_DIR": str(data_dir)} | (env or {})
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"), str(sweep_file),
                           "--jobs", "1", "--results", str(results), *options],
                          env=env, capture_output=True, text=True, check=True).stdout


def run_tiny_sweep(tmp_path, text, data_dir):
    """Run the sweep file `text` into tmp_path/results; (that folder, the sweep's log)."""
    results = tmp_path / "results"
    run_sweep_cli(write_sweep(tmp_path, text), results, data_dir)
    return results, read_record(results / "tiny" / "sweep.json")


def test_the_sweep_runner_resumes_without_redoing_finished_runs(tmp_path, fake_mnist_dir):
    sweep_file = write_sweep(tmp_path, TINY_SWEEP)
    results = tmp_path / "results"
    out = run_sweep_cli(sweep_file, results, fake_mnist_dir)
    assert "4 runs, 0 done, 4 to run, 1 job" in out and "shard" not in out  # no sharding here
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
    results, manifest = run_tiny_sweep(tmp_path, text, fake_mnist_dir)
    grid = manifest["tuning_grid"]["activation=relu"]
    eta = manifest["chosen_eta"]["activation=relu"]
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
    results, manifest = run_tiny_sweep(tmp_path, text, fake_mnist_dir)
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
    assert "to run in shard 1/2" in run_sweep_cli(sweep_file, results, fake_mnist_dir,
                                                 env=slurm_env(1, 2))
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
    sweep = types.SimpleNamespace(name="tiny", description="d")
    first = runner.InvocationLog(tmp_path, sweep, 2, (0, 1), {}, {"git_commit": "x"})
    first.update()
    first.update()
    entries = read_record(tmp_path / "sweep.json")["invocations"]
    assert len(entries) == 1 and entries[0]["finished"] is False   # killed here: still logged
    assert entries[0]["seconds"] > 0 and "after" in entries[0]["load_average"]
    second = runner.InvocationLog(tmp_path, sweep, 2, (0, 1), {}, {"git_commit": "y"})
    second.update({"a": 0.3}, {"a": [0.1, 0.3, 1.0]}, finished=True)
    manifest = read_record(tmp_path / "sweep.json")
    assert [e["finished"] for e in manifest["invocations"]] == [False, True]
    assert manifest["chosen_eta"] == {"a": 0.3} and manifest["chosen_at_edge"] == []


# ----- claims: what another process holds or finished is left alone ------------------------------

def write_lock(path, pid):
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"host": socket.gethostname(), "pid": pid, "time": 0}))


def test_the_runner_skips_a_run_another_process_holds(tmp_path):
    """The worker trains nothing (and loads no data) for a claimed run."""
    path = tmp_path / "runs" / "a,seed=0.json"
    write_lock(path, os.getpid())  # this live process holds it
    assert runner.run_one(("runs/a,seed=0", RunConfig(), path, {})) is False
    assert not path.exists() and lock_path(path).exists()


def test_the_runner_skips_a_run_finished_since_it_looked(tmp_path):
    path = tmp_path / "a,seed=0.json"
    config = RunConfig(sizes=[784, 8, 10])
    write_record(path, {"config": config.to_dict(), "history": {}})
    assert runner.run_one(("a,seed=0", config, path, {})) is False
    assert not lock_path(path).exists()  # released


def test_two_sweep_processes_on_one_sweep_train_each_run_once(tmp_path, fake_mnist_dir):
    """Started together, the two runners split the runs: their trained counts add up to the
    number of runs (each process reports what another process took)."""
    sweep = tmp_path / "pair.toml"
    sweep.write_text("name = 'pair'\nseeds = [0, 1, 2, 3, 4, 5]\n[defaults]\n"
                     "sizes = [784, 8, 10]\nepochs = 1\ntrain_size = 100\n")
    command = [sys.executable, str(ROOT / "scripts" / "sweep.py"), str(sweep), "--jobs", "1",
               "--results", str(tmp_path / "results")]
    env = os.environ | {"MNIST_DIR": str(fake_mnist_dir)}
    runners = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    trained = 0
    for process in runners:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        to_run = int(re.search(r"(\d+) to run", out).group(1))
        taken = re.search(r"(\d+) of \d+ runs were claimed or finished by another", err)
        trained += to_run - (int(taken.group(1)) if taken else 0)
    assert trained == 6
    runs = tmp_path / "results" / "pair" / "runs"
    assert len(list(runs.glob("*.json"))) == 6 and not list(runs.glob("*.lock"))



def test_a_layered_run_checkpoints_beside_its_record_and_drops_the_checkpoint_once_written(
        tmp_path, monkeypatch):
    seen = []

    def fake_run(config, mnist, checkpoint=None):
        seen.append(checkpoint)
        if checkpoint is not None:
            checkpoint.write_bytes(b"saved after an epoch")
        return {"config": config.to_dict(), "history": {}}, None
    monkeypatch.setattr(runner, "run", fake_run)
    monkeypatch.setattr(runner, "_mnist", {"float32": None, "float64": None})
    layered = RunConfig(layers=["conv2", "fc6"], cost="log_likelihood", dtype="float32")
    path = tmp_path / "runs" / "c,seed=0.json"
    assert runner.run_one(("runs/c,seed=0", layered, path, {}))
    assert seen == [tmp_path / "runs" / "c,seed=0.checkpoint.npz"]
    assert path.exists() and not seen[0].exists() and not lock_path(path).exists()
    assert runner.run_one(("runs/f,seed=0", RunConfig(), tmp_path / "runs" / "f,seed=0.json", {}))
    assert seen[1] is None  # a fully connected run is short: no checkpoint


def test_workers_start_with_one_blas_thread_and_keep_freed_memory(tmp_path, fake_mnist_dir,
                                                                  monkeypatch):
    """Set before the environment is taken, so that each record states the workers' threads."""
    from nielsen_net.threads import BLAS_THREAD_VARIABLES, MALLOC_VARIABLES
    for var in (*BLAS_THREAD_VARIABLES, *MALLOC_VARIABLES):
        monkeypatch.setenv(var, "7")  # (restored after the test)
    monkeypatch.setenv("MNIST_DIR", str(fake_mnist_dir))
    sweep = load_sweep(write_sweep(tmp_path, TINY_SWEEP))
    assert runner.run_sweep(sweep, tmp_path, ["activation=relu"], jobs=1, shard=(0, 1),
                            overrides={}) == 2
    assert all(os.environ[var] == "1" for var in BLAS_THREAD_VARIABLES)
    assert all(os.environ[var] == value for var, value in MALLOC_VARIABLES.items())
    environment = read_record(tmp_path / "tiny" / "runs" / "activation=relu,seed=0.json")[
        "environment"]
    assert environment["blas"]["threads"] == 1 and environment["threads"][
        "OPENBLAS_NUM_THREADS"] == "1"

# ----- MNIST that cannot be used -----------------------------------------------------------------

def corrupt(folder):
    """Cut the training images of the fake MNIST in `folder` short; their path."""
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    return path


def test_a_corrupt_mnist_file_stops_the_sweep_with_one_line_and_no_lock(tmp_path,
                                                                       fake_mnist_dir):
    path = corrupt(fake_mnist_dir)
    results = tmp_path / "results"
    outside_slurm = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_ARRAY_")}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"),
                           str(write_sweep(tmp_path, TINY_SWEEP)), "--jobs", "2",
                           "--results", str(results)], capture_output=True, text=True,
                          env=outside_slurm | {"MNIST_DIR": str(fake_mnist_dir)})
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {path}") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "Fix: " in done.stderr
    assert not results.exists()  # no record, no log, no lock file


def test_a_worker_whose_mnist_went_bad_raises_the_loader_error_with_its_claim_released(
        tmp_path, fake_mnist_dir, monkeypatch):
    corrupt(fake_mnist_dir)
    monkeypatch.setenv("MNIST_DIR", str(fake_mnist_dir))
    monkeypatch.setattr(runner, "_mnist", {})
    path = tmp_path / "runs" / "a,seed=0.json"
    with pytest.raises(MNISTError):
        runner.run_one(("runs/a,seed=0", RunConfig(sizes=[784, 8, 10]), path, {}))
    assert not lock_path(path).exists() and not path.exists()
