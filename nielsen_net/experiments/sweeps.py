"""Sweeps as data: a TOML file of shared defaults, named runs and axes to cross.

    name = "activation_init"
    description = "..."
    seeds = [0, 1, 2]                  # every configuration runs once per seed
    order = 1                          # optional: where the report and figures place it
    [defaults]                         # RunConfig settings shared by every run
    cost = "cross_entropy"
    [grid]                             # axes to cross: each combination is a configuration
    activation = ["sigmoid", "relu"]
    [runs.ch1-30]                      # optional named configurations (crossed with the grid)
    eta = 3.0
    seeds = [0, 1, 2, 3, 4]            # a named run may set its own seeds
    book = {reported = 95.42, ...}     # notes for the report, not settings
    eta_from = "other"                 # with [tune]: not tuned, trains at other's chosen eta
    [tune]                             # optional: choose eta per configuration first
    eta = [0.1, 0.3, 1.0]              # candidates, each trained ...
    epochs = 10                        # ... on this shorter budget ...
    seeds = [100, 101]                 # ... once per seed (>= 2); see tuning.py for the rule
    [panels]                           # optional: the configurations a figure draws, keyed
    confusion = ["ch1-100"]            # by its file name: a list, in drawing order ...
    [panels.ch1_curves]                # ... or a table of panel titles, each with its list
    "chapter 1" = ["ch1-30", "ch1-100"]

A run is identified by its configuration's name and seed, and its result is stored as
`<results>/<sweep>/runs/<configuration>,seed=<seed>.json`; tuning runs as
`tune/<configuration>,eta=<eta>,seed=<seed>.json`. Tuning runs score the validation set after
each epoch and never the test set, whatever the configuration's `evaluate`. The whole file is
checked before anything runs: its structure here, each configuration by `RunConfig`; and every
name that becomes part of a path (the sweep's, each configuration's) must match
RUN_NAME_PATTERN, so none can reach outside the results folder.

A sweep can be split into N shards (machines, or the tasks of a Slurm job array) by
configuration: a configuration's tuning runs and its main runs always fall in the same shard, so
no shard waits for another's tuning, and shards never write the same file.

Left out: running anything, and where sweep files live (the caller passes their folder).
"""

import itertools
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import RunConfig
from ..nn.checks import check_positive

TOP_KEYS = {"name", "description", "seeds", "order", "defaults", "grid", "runs", "tune",
            "panels"}
RUN_EXTRA_KEYS = {"seeds", "book", "eta_from"}
TUNE_KEYS = {"eta", "epochs", "seeds"}
# Sweep and configuration names become file names: letters, digits and _ . , = + -, never
# starting with a dot (no hidden files, no "..") or holding a slash.
RUN_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.,=+-]*")


@dataclass
class Sweep:
    name: str
    description: str
    configurations: dict            # configuration name -> RunConfig (seed not yet set)
    seeds: dict                     # configuration name -> [seeds]
    notes: dict = field(default_factory=dict)  # configuration name -> the run's `book` table
    tune: dict | None = None
    eta_from: dict = field(default_factory=dict)  # configuration -> the one whose eta it takes
    order: int | None = None        # its place in the report and the figures (None: last)
    panels: dict = field(default_factory=dict)  # figure -> [configurations] or {title: [...]}

    def tuned(self):
        """The configurations that choose their own eta (all of them when there is a [tune])."""
        return [name for name in self.configurations
                if self.tune and name not in self.eta_from]

    def tuning_runs(self, name, grid=None):
        """[(run id, RunConfig)] that choose eta for configuration `name`: every eta of `grid`
        (default: the [tune] grid) on every tuning seed, scored on validation only."""
        config = replace(self.configurations[name], epochs=self.tune["epochs"],
                         evaluate="validation", test_each_epoch=False, score_test=False)
        return [(f"tune/{name},eta={eta:g},seed={seed}", replace(config, eta=eta, seed=seed))
                for eta in (self.tune["eta"] if grid is None else grid)
                for seed in self.tune["seeds"]]

    def runs(self, name, eta=None):
        """[(run id, RunConfig)] of configuration `name` over its seeds (with eta, if given)."""
        config = self.configurations[name]
        if eta is not None:
            config = replace(config, eta=eta)
        return [(f"runs/{name},seed={seed}", replace(config, seed=seed))
                for seed in self.seeds[name]]


def sweep_path(name_or_path, folder=None):
    """The TOML file for a path, or for a sweep name: `<folder>/<name>.toml`."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        if not path.is_file():
            raise ValueError(f"sweep file {path} does not exist")
        return path
    if folder is None:
        raise ValueError(f"sweep {name_or_path!r} is a name, not a .toml file; a name needs the "
                         f"folder of sweep files")
    path = Path(folder) / f"{name_or_path}.toml"
    if not path.exists():
        known = sorted(p.stem for p in Path(folder).glob("*.toml"))
        raise ValueError(f"unknown sweep {name_or_path!r}; valid: {', '.join(known)}")
    return path


def load_sweep(name_or_path, folder=None, *, overrides=None):
    """Read a sweep file (a path, or a name in `folder`); `overrides` (e.g. {"epochs": 1,
    "train_size": 300}) apply to every run, tuning included, for quick versions of a sweep.
    Any problem anywhere in the file is a ValueError naming the file, before anything runs."""
    path = sweep_path(name_or_path, folder)
    try:
        with open(path, "rb") as f:
            spec = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path.name}: not valid TOML: {error}") from None
    _check_spec(spec, path)
    defaults, grid = spec.get("defaults", {}), spec.get("grid", {})
    named = spec.get("runs", {"": {}})
    overrides = overrides or {}
    configurations, seeds, notes, eta_from = {}, {}, {}, {}
    for run_name, entry in named.items():
        settings = {k: v for k, v in entry.items() if k not in RUN_EXTRA_KEYS}
        for combination in itertools.product(*grid.values()):
            axes = dict(zip(grid, combination))
            name = ",".join(filter(None, [run_name] + [f"{k}={_label(v)}"
                                                       for k, v in axes.items()])) or "default"
            try:
                check_name("configuration name", name)
                config = RunConfig.from_dict(defaults | settings | axes | overrides)
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path.name}: configuration {name!r}: {error}") from None
            configurations[name] = config
            seeds[name] = entry.get("seeds", spec.get("seeds", [0]))
            notes[name] = entry.get("book", {})
            if "eta_from" in entry:
                eta_from[name] = entry["eta_from"]
    for name, other in eta_from.items():
        if other not in configurations or other in eta_from or "tune" not in spec:
            raise ValueError(f"{path.name}: configuration {name!r}: eta_from must name a tuned "
                             f"configuration of a sweep with [tune]; got {other!r}")
    _check_panels(spec.get("panels", {}), configurations, path)
    tune = spec.get("tune")
    if tune is not None:
        tune = {"epochs": tune.get("epochs", 10), "seeds": tune.get("seeds", [100, 101]),
                "eta": tune["eta"]} | {k: v for k, v in overrides.items() if k == "epochs"}
    return Sweep(spec.get("name", path.stem), spec.get("description", ""), configurations,
                 seeds, notes, tune, eta_from, spec.get("order"), spec.get("panels", {}))


def check_name(kind, name):
    """`name`, if it matches RUN_NAME_PATTERN (safe as a file name); else a ValueError."""
    if not isinstance(name, str) or not RUN_NAME_PATTERN.fullmatch(name):
        raise ValueError(f"{kind} {name!r} is not a safe file name: use letters, digits and "
                         f"_ . , = + -, starting with a letter or digit")
    return name


def _check_spec(spec, path):
    """Refuse a sweep file whose structure is wrong; RunConfig checks the settings."""
    where = path.name
    _refuse_unknown(spec, TOP_KEYS, f"{where}: top-level")
    try:
        check_name("sweep name", spec.get("name", path.stem))
        if not isinstance(spec.get("description", ""), str):
            raise ValueError(f"description must be a string; got {spec['description']!r}")
        for key in ("defaults", "grid", "runs"):
            if not isinstance(spec.get(key, {}), dict):
                raise ValueError(f"[{key}] must be a table; got {spec[key]!r}")
        _check_seeds("seeds", spec.get("seeds", [0]))
        order = spec.get("order", 0)
        if not isinstance(order, int) or isinstance(order, bool):
            raise ValueError(f"order must be an integer; got {order!r}")
        if spec.get("runs") == {}:
            raise ValueError("[runs] holds no run: add [runs.<name>] tables or drop [runs]")
        for axis, values in spec.get("grid", {}).items():
            if not isinstance(values, list) or not values:
                raise ValueError(f"grid axis {axis!r} must be a non-empty list of values; got "
                                 f"{values!r} (for one value write {axis} = [{values!r}])")
        for run_name, entry in spec.get("runs", {}).items():
            check_name("run name", run_name)
            if not isinstance(entry, dict):
                raise ValueError(f"[runs.{run_name}] must be a table; got {entry!r}")
            _check_seeds(f"[runs.{run_name}] seeds", entry.get("seeds", [0]))
            book = entry.get("book", [])
            if not (isinstance(book, list) and all(isinstance(b, dict) for b in book)):
                raise ValueError(f"[runs.{run_name}] book must be a list of tables; got {book!r}")
        if "tune" in spec:
            _check_tune(spec["tune"])
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _check_panels(panels, configurations, path):
    """Refuse a [panels] table that is not {figure: [configurations] or {panel title:
    [configurations]}}, or that names a configuration the file does not define."""
    if not isinstance(panels, dict):
        raise ValueError(f"{path.name}: panels must be a table; got {panels!r}")
    for figure, entry in panels.items():
        lists = entry.items() if isinstance(entry, dict) else [(None, entry)]
        for title, names in lists:
            key = f"panels.{figure}" + (f".{title!r}" if title is not None else "")
            if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
                raise ValueError(f"{path.name}: {key} must be a non-empty list of configuration "
                                 f"names (or a table of such lists); got {names!r}")
            unknown = [n for n in names if n not in configurations]
            if unknown:
                raise ValueError(f"{path.name}: {key} names {unknown}, not configurations of "
                                 f"this sweep")


def _check_tune(tune):
    if not isinstance(tune, dict):
        raise ValueError(f"[tune] must be a table; got {tune!r}")
    _refuse_unknown(tune, TUNE_KEYS, "[tune]")
    etas = tune.get("eta")
    if not isinstance(etas, list) or len(etas) < 2:
        raise ValueError(f"[tune] eta must be a list of at least 2 learning rates; got {etas!r}")
    for eta in etas:
        check_positive("[tune] eta", eta)
    check_positive("[tune] epochs", tune.get("epochs", 10), integer=True)
    _check_seeds("[tune] seeds", tune.get("seeds", [100, 101]))
    if len(tune.get("seeds", [100, 101])) < 2:
        raise ValueError(f"[tune] needs at least 2 seeds (the choice is made on their mean); "
                         f"got {tune['seeds']!r}")


def _check_seeds(where, seeds):
    if (not isinstance(seeds, list) or not seeds or not all(map(_is_seed, seeds))
            or len(set(seeds)) < len(seeds)):
        raise ValueError(f"{where} must be a non-empty list of distinct integers >= 0; "
                         f"got {seeds!r}")


def _is_seed(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def shard_configurations(names, shard):
    """The configurations of `names` that shard (I, N) runs: every N-th, from the I-th."""
    index, count = shard
    return [name for k, name in enumerate(names) if k % count == index]


def shard_from_env(env):
    """The shard (I, N) of a Slurm array task, from its environment `env`; None outside one.

    Task I of N is SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT. The array must be 0-(N-1):
    any other set of ids (1-N, 0-8:2, a resubmitted subset) would leave shards unrun, so it
    fails, naming the array to submit instead."""
    if "SLURM_ARRAY_TASK_ID" not in env:
        return None
    try:
        ids = {k: int(env[f"SLURM_ARRAY_TASK_{k}"]) for k in ("ID", "COUNT", "MIN", "MAX")}
    except KeyError as missing:
        raise ValueError(f"{missing} is not set in this array task; pass --shard I/N") from None
    if ids["MIN"] != 0 or ids["MAX"] != ids["COUNT"] - 1:
        raise ValueError(f"a sweep's job array must be --array=0-{ids['COUNT'] - 1} (task ids "
                         f"0 to N-1); got ids {ids['MIN']}-{ids['MAX']} for {ids['COUNT']} tasks."
                         f" To rerun some shards only, pass --shard I/N to each")
    return ids["ID"], ids["COUNT"]


def _label(value):
    return "-".join(map(str, value)) if isinstance(value, list) else f"{value}"


def _refuse_unknown(table, valid, where):
    unknown = sorted(set(table) - valid)
    if unknown:
        raise ValueError(f"{where} keys {unknown} are unknown; valid: {', '.join(sorted(valid))}")
