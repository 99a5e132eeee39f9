"""Every figure the report states, as plain functions on run records.

A run record is the dict `scripts/sweep.py` writes (see `results.py`): its `config`,
`history`, `diagnostics` and test accuracy. Numbers come out in percent where the report
prints percent. A non-finite value (stored as null) reads as NaN.

Left out: reading files (`results.py`) and wording or drawing (the scripts).
"""

import numpy as np


def numbers(values):
    """`values` (lists, possibly with None for a non-finite number) as a float array."""
    return np.array(values, dtype=float)


def measure(record, name):
    """One figure of a run, in percent (NaN if the run has none):
    peak / final / epoch1: evaluation accuracy at the best, last or first epoch;
    final_training: training accuracy after the last epoch; test: test accuracy after training;
    test_at_best_validation: test accuracy at the epoch of best evaluation accuracy."""
    history = record["history"]
    evaluation = numbers(history["evaluation_accuracy"])
    if len(evaluation) == 0 or np.isnan(evaluation).all():
        return float("nan")
    value = {
        "peak": lambda: np.nanmax(evaluation),
        "final": lambda: evaluation[-1],
        "epoch1": lambda: evaluation[0],
        "final_training": lambda: numbers(history["training_accuracy"])[-1],
        "test": lambda: numbers(record["test_accuracy"]),
        "test_at_best_validation": lambda: numbers(record["test_accuracy_per_epoch"])[
            int(np.nanargmax(evaluation))],
    }[name]()
    return 100 * float(value)


def best_epoch(record):
    """The 1-based epoch of the best evaluation accuracy."""
    return int(np.nanargmax(numbers(record["history"]["evaluation_accuracy"]))) + 1


def stack(rows):
    """Per-epoch lists of one value or of one value per layer, over seeds, as one array
    (n_seeds, n_epochs[, n_layers]), NaN-padded where a diverged run stopped early."""
    arrays = [numbers(row) for row in rows]
    out = np.full((len(arrays), max(map(len, arrays))) + arrays[0].shape[1:], np.nan)
    for i, array in enumerate(arrays):
        out[i, :len(array)] = array
    return out


def curve(records, series):
    """A History series stacked over seeds, (n_seeds, n_epochs); e.g. "evaluation_accuracy"."""
    return stack([r["history"][series] for r in records])


def spread(values):
    """{mean, std, min, max, n} of the finite values (std with ddof=1; 0 for one value)."""
    values = numbers(values)
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return {"mean": float("nan"), "std": float("nan"), "min": float("nan"),
                "max": float("nan"), "n": 0}
    return {"mean": float(finite.mean()),
            "std": float(finite.std(ddof=1)) if len(finite) > 1 else 0.0,
            "min": float(finite.min()), "max": float(finite.max()), "n": len(finite)}
