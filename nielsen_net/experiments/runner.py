"""The sweep runner: a sweep's runs trained in worker processes, resumably.

Each run's JSON is written atomically to <results>/<sweep>/runs/ (tuning runs to tune/). A run
whose file exists with the same config is never redone; an interrupted run left no file and is
redone, except a chapter 6 net's, which resumes from the checkpoint it saved after its last
finished epoch (<run>.checkpoint.npz beside the JSON, removed when the JSON is written), so a
stop loses nothing that finished. Each run is claimed with a lock file first (`claims`), so
several processes started on one sweep, even on machines sharing the folder, split its runs.
With a [tune] table, the tuning runs go first and each configuration then trains its chosen
eta over its seeds. A shard (I, N) runs only every N-th configuration (from the I-th, 0-based),
its tuning and its seeds (a configuration with `eta_from` goes with the one it takes its eta
from), so a sweep can be spread over machines and the result folders merged by copying them
together. Workers use single-threaded BLAS so they do not fight over cores. MNIST that cannot
be used stops the sweep before any run is claimed, with the loader's error.

Left out: the command line and where a shard comes from (scripts/sweep.py), what a sweep file
holds (`sweeps`), how one run trains (`run`) and how eta is chosen (`tuning`).
"""

import fcntl
import multiprocessing
import os
import sys
import threading
import time

from tqdm import tqdm

from ..data.mnist import load_mnist
from ..threads import keep_freed_memory, set_blas_threads
from .claims import claim, release
from .config import RunConfig
from .environment import environment
from .records import RUN_FIELDS, BadRecord, read_if_present, write_record
from .run import run
from .sweeps import shard_configurations
from .tuning import MAX_EXTENSIONS, at_edge, choose_eta, next_grid

_mnist = {}  # per worker process: dtype -> MNIST
tqdm.set_lock(threading.RLock())  # only the parent draws bars; tqdm's default would leak a
                                  # multiprocessing semaphore at exit


def plan(sweep, results, shard, only=None):
    """The configurations of `sweep` this shard runs, in the sweep's order, narrowed to `only`
    (and what their eta_from needs tuned). A ValueError, before any work, for a bad log in
    <results>/<sweep>/sweep.json (rather than resetting it) or a name of `only` not in the
    sweep."""
    read_if_present(results / sweep.name / "sweep.json")
    unknown = sorted(set(only or []) - set(sweep.configurations))
    if unknown:
        raise ValueError(f"--only: {', '.join(unknown)} not in sweep {sweep.name!r}; valid: "
                         f"{', '.join(sweep.configurations)}")
    own = shard_configurations([n for n in sweep.configurations if n not in sweep.eta_from],
                               shard)
    wanted = set(only or sweep.configurations)
    wanted |= {sweep.eta_from[n] for n in wanted if n in sweep.eta_from}
    return [n for n in sweep.configurations if sweep.eta_from.get(n, n) in own and n in wanted]


def run_sweep(sweep, results, names, *, jobs, shard, overrides):
    """Train what is missing of configurations `names` of `sweep` (tuning first) into
    <results>/<sweep>/ in `jobs` processes, logging this invocation (its `shard` and the
    `overrides` the sweep was loaded with) in its sweep.json. Returns the number of runs this
    process trained."""
    out_dir = results / sweep.name
    # Spawned workers import numpy afresh, so these settings reach their BLAS and malloc; set
    # first, so that the environment recorded with every run states the workers' threads.
    set_blas_threads(1)
    keep_freed_memory()
    env = environment()  # the code the workers will import: taken once, before they start
    log = InvocationLog(out_dir, sweep, jobs, shard, overrides, env)
    chosen, grids, trained = tune(sweep, names, out_dir, jobs, env, log.update) \
        if sweep.tune else ({}, {}, 0)
    if sweep.tune:
        names = [n for n in names if n in chosen]
    runs = [job for name in names for job in sweep.runs(name, chosen.get(name))]
    todo = pending(runs, out_dir, env)
    where = f" in shard {shard[0]}/{shard[1]}" if shard[1] > 1 else ""
    print(f"{sweep.name}: {len(runs)} runs, {len(runs) - len(todo)} done, "
          f"{len(todo)} to run{where}, {jobs} job{'s' * (jobs > 1)}")
    trained += execute(todo, jobs, sweep.name, log.update)
    if trained:  # if nothing ran, the log (and git status) stay as they were
        log.update(chosen, grids, finished=True)
    return trained


def run_one(job):
    """Worker: claim one run, train it and write its JSON. Returns whether it trained: a run
    claimed by another process, or finished by one since `pending` looked, is left alone. An
    error (MNIST that no longer loads, say) reaches the parent with the claim released."""
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
    images = config.train_size * (5 if config.expanded else 1) * (1 + len(config.rotations))
    if config.layers:
        return config.epochs * images * config.network().multiply_adds()
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(config.sizes[:-1],
                                                                config.sizes[1:]))
    return config.epochs * images * parameters


def finished(path, config):
    """Whether `path` holds a result of `config`. Settings added to RunConfig since the file
    was written read as their defaults, so adding a setting does not redo finished runs.
    A bad record is reported and its run redone (the rule in `records`)."""
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
    each run this process trained; return how many it trained. MNIST is loaded here once
    first, so that a file that cannot be used stops the sweep (its error raised) before any
    run is claimed, and a missing one is downloaded once, not by every worker."""
    if not todo:
        return 0
    load_mnist(dtype="float32")
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(jobs, len(todo))) as pool:  # leaving it terminates the workers
        trained = 0
        for ran in tqdm(pool.imap_unordered(run_one, todo), total=len(todo), desc=desc,
                        unit="run"):
            trained += ran
            if ran:
                on_run()
    if trained < len(todo):
        print(f"{desc}: {len(todo) - trained} of {len(todo)} runs were claimed or finished by "
              f"another process", file=sys.stderr)
    return trained


def tune(sweep, names, out_dir, jobs, env, on_run):
    """Choose each configuration's eta by the rule of `tuning`, growing its grid (and running
    the new candidates) while the choice sits at an edge, at most MAX_EXTENSIONS times.
    `names`: this shard's configurations. Returns ({configuration: chosen eta},
    {configuration: the grid it was chosen on}, the number of runs trained); configurations
    waiting for tuning runs another process holds are left out of both."""
    grids = {name: sorted(sweep.tune["eta"]) for name in sweep.tuned() if name in names}
    chosen, trained = {}, 0
    for extension in range(MAX_EXTENSIONS + 1):
        open_ = [name for name in grids if name not in chosen]
        candidates = [job for name in open_ for job in sweep.tuning_runs(name, grids[name])]
        trained += execute(pending(candidates, out_dir, env), jobs,
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

    def __init__(self, out_dir, sweep, jobs, shard, overrides, env):
        self.out_dir, self.sweep = out_dir, sweep
        self.start = time.perf_counter()
        self.entry = {"seconds": 0.0, "finished": False,
                      "load_average": {"before": os.getloadavg()}, "jobs": jobs,
                      "shard": list(shard), "overrides": overrides, "environment": env}
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
