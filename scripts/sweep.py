"""Run a sweep (a TOML file under scripts/sweeps/) in parallel, resumably.

    python scripts/sweep.py activation_init [--jobs N] [--shard I/N] [--only NAME ...]
                            [--epochs E] [--limit-train N] [--results DIR]

Each run's JSON is written atomically to <results>/<sweep>/runs/ (tuning runs to tune/). A run
whose file exists with the same config is never redone; an interrupted run left no file and is
redone, except a chapter 6 net's, which resumes from the checkpoint it saved after its last
finished epoch (<run>.checkpoint.npz beside the JSON, removed when the JSON is written); Ctrl-C loses nothing that finished. Each run is claimed with a lock file first
(`nielsen_net.experiments.claims`), so several processes started on one sweep, even on machines sharing the
folder, split its runs. With a [tune] table, the tuning runs go first and each configuration
then trains its chosen eta over its seeds. `--shard I/N` runs only every N-th configuration
(from the I-th, 0-based), its tuning and its seeds (a configuration with `eta_from` goes with
the one it takes its eta from), so a sweep can be spread over machines and the result folders
merged by copying them together; in a Slurm array task the shard comes from
SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (an explicit --shard wins). Workers use
single-threaded BLAS so they do not fight over cores.
"""

import argparse
import fcntl
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

from tqdm import tqdm

from nielsen_net.experiments.claims import claim, release
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import RUN_FIELDS, BadRecord, read_if_present, write_record
from nielsen_net.experiments.sweeps import load_sweep, shard_configurations, shard_from_env
from nielsen_net.experiments.tuning import MAX_EXTENSIONS, at_edge, choose_eta, next_grid
from nielsen_net.threads import keep_freed_memory, set_blas_threads

SWEEP_FILES = Path(__file__).resolve().parent / "sweeps"  # the sweep files, by name
_mnist = {}  # per worker process: dtype -> MNIST
tqdm.set_lock(threading.RLock())  # only this process draws bars; tqdm's default would leak a
                                  # multiprocessing semaphore at exit


def run_one(job):
    """Worker: claim one run, train it and write its JSON. Returns whether it trained: a run
    claimed by another process, or finished by one since `pending` looked, is left alone."""
    from nielsen_net.experiments.run import run
    from nielsen_net.data.mnist import load_mnist
    run_id, config, path, env = job
    if not claim(path):
        return False
    try:
        if finished(path, config):
            return False
        if config.dtype not in _mnist:
            _mnist[config.dtype] = load_mnist(dtype=config.dtype)
        checkpoint = path.with_suffix(".checkpoint.npz") if config.layers else None
        result, _ = run(config, _mnist[config.dtype], checkpoint=checkpoint)
        write_record(path, result | {"run_id": run_id, "environment": env})
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
        return True
    finally:
        release(path)


def pending(jobs, out_dir, env=None):
    """The (run id, config, path, env) jobs whose result is missing or stale, longest first,
    so the last minutes of a sweep do not leave cores idle behind one long run; `env` (the
    environment at the sweep's start) is recorded with each."""
    todo = []
    for run_id, config in jobs:
        path = out_dir / f"{run_id}.json"
        if not finished(path, config):
            todo.append((run_id, config, path, env))
    return sorted(todo, key=lambda job: -work(job[1]))  # stable: ties keep the sweep's order


def work(config):
    """A run's length in arithmetic, up to a constant: epochs x images x multiply-adds."""
    images = config.train_size * (5 if config.expanded else 1)
    if config.layers:
        return config.epochs * images * config.network().multiply_adds()
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(config.sizes[:-1],
                                                                config.sizes[1:]))
    return config.epochs * images * parameters


def finished(path, config):
    """Whether `path` holds a result of `config`. Settings added to RunConfig since the file
    was written read as their defaults, so adding a setting does not redo finished runs.
    A bad record is reported and its run redone (the rule in nielsen_net/results.py)."""
    try:
        done = read_if_present(path, RUN_FIELDS)
        return done is not None and RunConfig.from_dict(done["config"]) == config
    except BadRecord as error:
        print(f"{error}; its run is redone", file=sys.stderr)
        return False
    except (ValueError, TypeError):  # a setting since removed or renamed: the run is stale
        return False


def execute(todo, jobs, desc, on_run):
    """Run `todo` in `jobs` worker processes under one progress bar, calling `on_run()` after
    each run this process trained; return how many it trained."""
    if not todo:
        return 0
    # Spawned workers import numpy afresh, so these settings reach their BLAS and malloc.
    set_blas_threads(1)
    keep_freed_memory()
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(jobs, len(todo))) as pool:
        try:
            trained = 0
            for ran in tqdm(pool.imap_unordered(run_one, todo), total=len(todo), desc=desc,
                            unit="run"):
                trained += ran
                if ran:
                    on_run()
        except KeyboardInterrupt:
            pool.terminate()
            sys.exit("interrupted: finished runs are kept; run the same command to resume")
    if trained < len(todo):
        print(f"{desc}: {len(todo) - trained} of {len(todo)} runs were claimed or finished by "
              f"another process", file=sys.stderr)
    return trained


def parse_shard(text):
    try:
        index, count = map(int, text.split("/"))
        if not 0 <= index < count:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard must be I/N with 0 <= I < N; got {text!r}")
    return index, count


def positive_int(text):
    try:
        value = int(text)
        if value < 1:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {text!r}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", help="a name in scripts/sweeps/ or a path to a .toml file")
    parser.add_argument("--jobs", type=positive_int, default=os.cpu_count(), help="worker processes")
    parser.add_argument("--shard", type=parse_shard,
                        help="I/N: this share of the configurations (default: Slurm's, or 0/1)")
    parser.add_argument("--only", nargs="+", metavar="CONFIGURATION",
                        help="run only these configurations of the sweep (and what their "
                             "eta_from needs tuned), e.g. to finish one row first")
    parser.add_argument("--epochs", type=int, help="override every run's epochs")
    parser.add_argument("--limit-train", type=int, help="train on the first N images only")
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results",
                        help="results folder (default: results/)")
    args = parser.parse_args()
    overrides = {k: v for k, v in [("epochs", args.epochs), ("train_size", args.limit_train)]
                 if v is not None}
    try:
        sweep = load_sweep(args.sweep, SWEEP_FILES, overrides=overrides)
        # A bad log stops the sweep here, before any work, rather than being reset.
        read_if_present(args.results / sweep.name / "sweep.json")
        args.shard = args.shard or shard_from_env(os.environ) or (0, 1)
        unknown = sorted(set(args.only or []) - set(sweep.configurations))
        if unknown:
            raise ValueError(f"--only: {', '.join(unknown)} not in sweep {sweep.name!r}; valid: "
                             f"{', '.join(sweep.configurations)}")
    except ValueError as error:
        sys.exit(f"error: {error}")
    own = shard_configurations([n for n in sweep.configurations if n not in sweep.eta_from],
                               args.shard)
    wanted = set(args.only or sweep.configurations)
    wanted |= {sweep.eta_from[n] for n in wanted if n in sweep.eta_from}
    names = [n for n in sweep.configurations if sweep.eta_from.get(n, n) in own and n in wanted]
    out_dir = args.results / sweep.name
    env = environment()  # the code the workers will import: taken once, before they start
    log = InvocationLog(out_dir, sweep, args, overrides, env)
    chosen, grids, trained = tune(sweep, names, out_dir, args, env, log.update) \
        if sweep.tune else ({}, {}, 0)
    if sweep.tune:
        names = [n for n in names if n in chosen]
    runs = [job for name in names for job in sweep.runs(name, chosen.get(name))]
    todo = pending(runs, out_dir, env)
    print(f"{sweep.name}: {len(runs)} runs, {len(runs) - len(todo)} done, "
          f"{len(todo)} to run in this shard, {args.jobs} jobs")
    trained += execute(todo, args.jobs, sweep.name, log.update)
    if trained:  # if nothing ran, the log (and git status) stay as they were
        log.update(chosen, grids, finished=True)


def tune(sweep, names, out_dir, args, env, on_run):
    """Choose each configuration's eta by the rule of nielsen_net.experiments.tuning, growing its grid
    (and running the new candidates) while the choice sits at an edge, at most MAX_EXTENSIONS
    times. `names`: this shard's configurations. Returns ({configuration: chosen eta},
    {configuration: the grid it was chosen on}, the number of runs trained); configurations
    waiting for tuning runs another process holds are left out of both."""
    grids = {name: sorted(sweep.tune["eta"]) for name in sweep.tuned() if name in names}
    chosen, trained = {}, 0
    for extension in range(MAX_EXTENSIONS + 1):
        open_ = [name for name in grids if name not in chosen]
        jobs = [job for name in open_ for job in sweep.tuning_runs(name, grids[name])]
        trained += execute(pending(jobs, out_dir, env), args.jobs,
                           f"{sweep.name}: tune eta"
                           + (f" (grid grown {extension}x)" if extension else ""), on_run)
        for name in open_:
            results = {}
            for run_id, config in sweep.tuning_runs(name, grids[name]):
                path = out_dir / f"{run_id}.json"
                results.setdefault(config.eta, []).append(read_if_present(path, RUN_FIELDS))
            if any(None in records for records in results.values()):
                print(f"{name}: waiting for tuning runs another process holds", file=sys.stderr)
                grids.pop(name)
                continue
            eta = choose_eta(results)
            if at_edge(grids[name], eta) and extension < MAX_EXTENSIONS:
                grids[name] = next_grid(grids[name], eta)
            else:
                # Every candidate diverged even after growing down: train the smallest, so that
                # its failure is the recorded result.
                chosen[name] = min(grids[name]) if eta is None else eta
        if len(chosen) == len(grids):
            break
    for name, other in sweep.eta_from.items():
        if name in names and other in chosen:
            chosen[name] = chosen[other]
    return chosen, grids, trained


class InvocationLog:
    """This invocation's entry in <sweep>/sweep.json: its timing, the load averages around it
    (whether the cores were idle), jobs, shard and environment, and at the end the chosen etas
    with the tuning grid each was chosen on (and which choices still sit at their grid's
    edge). The entry is written when the first run finishes and brought up to date after every
    run, so an invocation that is killed still counts its time up to its last finished run
    (`finished` stays false). Shards running at once (array tasks) each keep theirs, one write
    at a time under a lock."""

    def __init__(self, out_dir, sweep, args, overrides, env):
        self.out_dir, self.sweep = out_dir, sweep
        self.start = time.perf_counter()
        self.entry = {"seconds": 0.0, "finished": False,
                      "load_average": {"before": os.getloadavg()}, "jobs": args.jobs,
                      "shard": list(args.shard), "overrides": overrides, "environment": env}
        self.index = None  # the entry's place in the log, once written (entries only append)

    def update(self, chosen=None, grids=None, finished=False):
        self.entry["seconds"] = time.perf_counter() - self.start
        self.entry["finished"] = finished
        self.entry["load_average"]["after"] = os.getloadavg()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with open(self.out_dir / ".sweep.json.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            manifest = read_if_present(self.out_dir / "sweep.json") or {"invocations": []}
            manifest |= {"name": self.sweep.name, "description": self.sweep.description}
            if chosen is not None:
                chosen = manifest.get("chosen_eta", {}) | chosen
                grids = manifest.get("tuning_grid", {}) | grids
                manifest |= {"chosen_eta": chosen, "tuning_grid": grids,
                             "chosen_at_edge": [name for name in grids if name in chosen
                                                and at_edge(grids[name], chosen[name])]}
            if self.index is None:
                self.index = len(manifest["invocations"])
                manifest["invocations"].append(self.entry)
            else:
                manifest["invocations"][self.index] = self.entry
            write_record(self.out_dir / "sweep.json", manifest)

if __name__ == "__main__":
    main()
