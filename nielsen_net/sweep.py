"""Sweeps as data: a TOML file of shared defaults, named runs and axes to cross.

    name = "activation_init"
    description = "..."
    seeds = [0, 1, 2]                  # every configuration runs once per seed
    [defaults]                         # RunConfig settings shared by every run
    cost = "cross_entropy"
    [grid]                             # axes to cross: each combination is a configuration
    activation = ["sigmoid", "relu"]
    [runs.ch1-30]                      # optional named configurations (crossed with the grid)
    eta = 3.0
    seeds = [0, 1, 2, 3, 4]            # a named run may set its own seeds
    book = {reported = 95.42, ...}     # notes for the report, not settings
    [tune]                             # optional: choose eta per configuration first
    eta = [0.1, 0.3, 1.0]              # candidates, each trained once ...
    epochs = 10                        # ... on this shorter budget ...
    seed = 100                         # ... with this seed; best final validation accuracy wins

A run is identified by its configuration's name and seed, and its result is stored as
`<results>/<sweep>/runs/<configuration>,seed=<seed>.json` (tuning runs under `tune/`).

Left out: running anything, and where sweep files live (the caller passes their folder).
"""

import itertools
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .experiment import RunConfig

TOP_KEYS = {"name", "description", "seeds", "defaults", "grid", "runs", "tune"}
RUN_EXTRA_KEYS = {"seeds", "book"}
TUNE_KEYS = {"eta", "epochs", "seed"}


@dataclass
class Sweep:
    name: str
    description: str
    configurations: dict            # configuration name -> RunConfig (seed not yet set)
    seeds: dict                     # configuration name -> [seeds]
    notes: dict = field(default_factory=dict)  # configuration name -> the run's `book` table
    tune: dict | None = None

    def tuning_runs(self, name):
        """[(run id, RunConfig)] that choose eta for configuration `name`."""
        config = replace(self.configurations[name], epochs=self.tune["epochs"],
                         seed=self.tune["seed"])
        return [(f"tune/{name},eta={eta:g}", replace(config, eta=eta))
                for eta in self.tune["eta"]]

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
    "train_size": 300}) apply to every run, tuning included, for quick versions of a sweep."""
    path = sweep_path(name_or_path, folder)
    with open(path, "rb") as f:
        spec = tomllib.load(f)
    _refuse_unknown(spec, TOP_KEYS, f"{path.name}: top-level")
    defaults, grid = spec.get("defaults", {}), spec.get("grid", {})
    named = spec.get("runs", {"": {}})
    overrides = overrides or {}
    configurations, seeds, notes = {}, {}, {}
    for run_name, entry in named.items():
        settings = {k: v for k, v in entry.items() if k not in RUN_EXTRA_KEYS}
        for combination in itertools.product(*grid.values()):
            axes = dict(zip(grid, combination))
            name = ",".join(filter(None, [run_name] + [f"{k}={_label(v)}"
                                                       for k, v in axes.items()])) or "default"
            try:
                config = RunConfig.from_dict(defaults | settings | axes | overrides)
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path.name}: configuration {name!r}: {error}") from None
            configurations[name] = config
            seeds[name] = entry.get("seeds", spec.get("seeds", [0]))
            notes[name] = entry.get("book", {})
    tune = spec.get("tune")
    if tune is not None:
        _refuse_unknown(tune, TUNE_KEYS, f"{path.name}: [tune]")
        tune = {"epochs": tune.get("epochs", 10), "seed": tune.get("seed", 100),
                "eta": tune["eta"]} | {k: v for k, v in overrides.items() if k == "epochs"}
    return Sweep(spec.get("name", path.stem), spec.get("description", ""), configurations,
                 seeds, notes, tune)


def _label(value):
    return "-".join(map(str, value)) if isinstance(value, list) else f"{value}"


def _refuse_unknown(table, valid, where):
    unknown = sorted(set(table) - valid)
    if unknown:
        raise ValueError(f"{where} keys {unknown} are unknown; valid: {', '.join(sorted(valid))}")
