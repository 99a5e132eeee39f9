"""Reading run records back: a sweep's runs grouped by configuration, and figures over seeds.

`load_runs` gives {configuration: [record per seed]}; `measure` reads one figure off a record
(peak, final, ...); `curve` stacks a per-epoch series over seeds; `spread` summarises a list of
numbers. Used by the plots and the report.

Left out: training and drawing; everything here reads JSON written by `scripts/sweep.py`.
"""

import json
from pathlib import Path

import numpy as np


def load_runs(sweep_dir, kind="runs"):
    """{configuration: [records, by seed]} from <sweep_dir>/runs/ (or tune/: {configuration:
    {eta: [records, by seed]}}, etas in increasing order)."""
    grouped = {}
    for path in sorted(Path(sweep_dir, kind).glob("*.json")):
        record = json.loads(path.read_text())
        name = path.stem.rpartition(",seed=" if kind == "runs" else ",eta=")[0]
        grouped.setdefault(name, []).append(record)
    by_seed = {n: sorted(rs, key=lambda r: r["config"]["seed"]) for n, rs in grouped.items()}
    if kind == "runs":
        return by_seed
    return {n: {eta: [r for r in rs if r["config"]["eta"] == eta]
                for eta in sorted({r["config"]["eta"] for r in rs})}
            for n, rs in by_seed.items()}


def measure(record, name):
    """One figure of a run, in percent (NaN if the run has none):
    peak / final / epoch1: evaluation accuracy at the best, last or first epoch;
    final_training: training accuracy after the last epoch; test: test accuracy after training;
    test_at_best_validation: test accuracy at the epoch of best evaluation accuracy."""
    history = record["history"]
    evaluation = np.array(history["evaluation_accuracy"], dtype=float)
    if len(evaluation) == 0:
        return float("nan")
    value = {
        "peak": lambda: np.nanmax(evaluation),
        "final": lambda: evaluation[-1],
        "epoch1": lambda: evaluation[0],
        "final_training": lambda: history["training_accuracy"][-1],
        "test": lambda: record["test_accuracy"],
        "test_at_best_validation": lambda: record["test_accuracy_per_epoch"][
            int(np.nanargmax(evaluation))],
    }[name]()
    return 100 * float(value)


def best_epoch(record):
    """The 1-based epoch of the best evaluation accuracy."""
    return int(np.nanargmax(record["history"]["evaluation_accuracy"])) + 1


def curve(records, series):
    """A per-epoch series stacked over seeds: (n_seeds, n_epochs), NaN-padded where a diverged
    run stopped early. `series` is a History key, e.g. "evaluation_accuracy"."""
    rows = [r["history"][series] for r in records]
    out = np.full((len(rows), max(map(len, rows))), np.nan)
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    return out


def spread(values):
    """{mean, std, min, max, n} of the finite values (std with ddof=1; 0 for one value)."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return {"mean": float("nan"), "std": float("nan"), "min": float("nan"),
                "max": float("nan"), "n": 0}
    return {"mean": float(finite.mean()),
            "std": float(finite.std(ddof=1)) if len(finite) > 1 else 0.0,
            "min": float(finite.min()), "max": float(finite.max()), "n": len(finite)}
