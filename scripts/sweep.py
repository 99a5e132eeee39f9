"""Run a sweep (a TOML file under scripts/sweeps/) in parallel, resumably.

    python scripts/sweep.py activation_init [--jobs N] [--shard I/N] [--epochs E]
                            [--limit-train N] [--results DIR]

Each run's JSON is written atomically to <results>/<sweep>/runs/ (tuning runs to tune/). A run
whose file exists with the same config is never redone; an interrupted run left no file and is
redone; Ctrl-C loses nothing that finished. With a [tune] table, the tuning runs go first and
each configuration then trains its chosen eta over its seeds. `--shard I/N` runs only every N-th
run (from the I-th, 0-based), so a sweep can be spread over machines and the result folders
merged by copying them together. Workers use single-threaded BLAS so they do not fight over
cores.
"""

import argparse
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

from tqdm import tqdm

from nielsen_net.experiment import PROJECT_ROOT, RunConfig, environment, write_json
from nielsen_net.sweep import choose_eta, load_result, load_sweep

_mnist = {}  # per worker process: dtype -> MNIST
tqdm.set_lock(threading.RLock())  # only this process draws bars; tqdm's default would leak a
                                  # multiprocessing semaphore at exit


def run_one(job):
    """Worker: train one run and write its JSON. Returns the run id."""
    from nielsen_net.experiment import run
    from nielsen_net.mnist import load_mnist
    run_id, config, path, env = job
    if config.dtype not in _mnist:
        _mnist[config.dtype] = load_mnist(dtype=config.dtype)
    result, _ = run(config, _mnist[config.dtype])
    write_json(path, result | {"run_id": run_id, "environment": env})
    return run_id


def pending(jobs, out_dir, shard, env=None):
    """The (run id, config, path, env) jobs of this shard whose result is missing or stale,
    longest first, so the last minutes of a sweep do not leave cores idle behind one long run;
    `env` (the environment at the sweep's start) is recorded with each."""
    index, count = shard
    todo = []
    for k, (run_id, config) in enumerate(jobs):
        path = out_dir / f"{run_id}.json"
        if k % count == index and not finished(path, config):
            todo.append((run_id, config, path, env))
    return sorted(todo, key=lambda job: -work(job[1]))  # stable: ties keep the sweep's order


def work(config):
    """A run's length in arithmetic, up to a constant: epochs x images x parameters."""
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(config.sizes[:-1],
                                                                config.sizes[1:]))
    return config.epochs * config.train_size * parameters


def finished(path, config):
    """Whether `path` holds a result of `config`. Settings added to RunConfig since the file
    was written read as their defaults, so adding a setting does not redo finished runs."""
    done = load_result(path)
    try:
        return done is not None and RunConfig.from_dict(done["config"]) == config
    except ValueError:  # a setting since removed or renamed: the run is stale
        return False


def execute(todo, jobs, desc):
    """Run `todo` in `jobs` worker processes under one progress bar."""
    if not todo:
        return
    # Spawned workers import numpy afresh, so these limits reach their BLAS.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(jobs, len(todo))) as pool:
        try:
            for _ in tqdm(pool.imap_unordered(run_one, todo), total=len(todo), desc=desc,
                          unit="run"):
                pass
        except KeyboardInterrupt:
            pool.terminate()
            sys.exit("interrupted: finished runs are kept; run the same command to resume")


def parse_shard(text):
    try:
        index, count = map(int, text.split("/"))
        if not 0 <= index < count:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard must be I/N with 0 <= I < N; got {text!r}")
    return index, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", help="a name in scripts/sweeps/ or a path to a .toml file")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="worker processes")
    parser.add_argument("--shard", type=parse_shard, default=(0, 1), help="I/N: this share")
    parser.add_argument("--epochs", type=int, help="override every run's epochs")
    parser.add_argument("--limit-train", type=int, help="train on the first N images only")
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results",
                        help="results folder (default: results/)")
    args = parser.parse_args()
    overrides = {k: v for k, v in [("epochs", args.epochs), ("train_size", args.limit_train)]
                 if v is not None}
    try:
        sweep = load_sweep(args.sweep, overrides=overrides)
    except ValueError as error:
        sys.exit(f"error: {error}")
    out_dir = args.results / sweep.name
    start, load_before = time.perf_counter(), os.getloadavg()
    env = environment()  # the code the workers will import: taken once, before they start
    chosen = {}
    if sweep.tune:
        tuning = [job for name in sweep.configurations for job in sweep.tuning_runs(name)]
        execute(pending(tuning, out_dir, args.shard, env), args.jobs, f"{sweep.name}: tune eta")
        for name in sweep.configurations:
            results = {c.eta: load_result(out_dir / f"{run_id}.json")
                       for run_id, c in sweep.tuning_runs(name)}
            if None in results.values():
                print(f"{name}: waiting for tuning runs of other shards", file=sys.stderr)
                continue
            # If every candidate diverged, train the smallest: its failure is the result.
            chosen[name] = choose_eta(results) or min(results)
    names = [n for n in sweep.configurations if not sweep.tune or n in chosen]
    runs = [job for name in names for job in sweep.runs(name, chosen.get(name))]
    todo = pending(runs, out_dir, args.shard, env)
    print(f"{sweep.name}: {len(runs)} runs, {len(runs) - len(todo)} done, "
          f"{len(todo)} to run in this shard, {args.jobs} jobs")
    execute(todo, args.jobs, sweep.name)
    load = {"before": load_before, "after": os.getloadavg()}
    log_invocation(out_dir, sweep, chosen, args, overrides, time.perf_counter() - start, load,
                   env)


def log_invocation(out_dir, sweep, chosen, args, overrides, seconds, load, env):
    """Append this invocation to <sweep>/sweep.json: its timing, the load averages around it
    (whether the cores were idle), jobs and chosen etas."""
    manifest = load_result(out_dir / "sweep.json") or {"invocations": []}
    manifest |= {"name": sweep.name, "description": sweep.description, "chosen_eta": chosen}
    manifest["invocations"].append({"seconds": seconds, "load_average": load, "jobs": args.jobs,
                                    "shard": list(args.shard), "overrides": overrides,
                                    "environment": env})
    write_json(out_dir / "sweep.json", manifest)


if __name__ == "__main__":
    main()
