"""Dead ReLUs: whether dead units cost test accuracy, comparing like with like.

A unit is dead when its derivative is zero on every probe image (the share per hidden layer is
in each record's diagnostics). A large learning rate both kills units and changes what is
learned, so pooling runs across learning rates would mix its own effect into the cost; the fit
compares runs within one (learning rate, depth) cell.

Left out: any wording (nielsen_net.report.dead_relu).
"""

import numpy as np

from .stats import decide, least_squares


def dead_unit_cost(records):
    """What dead ReLU units cost, comparing like with like: least squares of the test accuracy
    (%) on the share of hidden units dead at the end (%), with one intercept per (learning rate,
    depth) cell, over the ReLU runs that did not diverge. Returns {slope (accuracy points per 10
    points of dead units), lo, hi (95%), word, runs, cells}; the word says whether more dead
    units go with "lower" or "higher" accuracy, or "not distinguishable". None while there
    are too few runs to fit (no more than the fit's coefficients, as while a sweep runs)."""
    rows = [r for r in records
            if r["config"]["activation"] == "relu" and not r["history"]["diverged"]
            and r.get("test_accuracy") is not None]
    cells = sorted({(r["config"]["eta"], len(r["config"]["sizes"])) for r in rows})
    if len(rows) <= 1 + len(cells):
        return None
    X = np.array([[100 * np.mean(r["diagnostics"]["dead_fraction"][-1])]
                  + [float((r["config"]["eta"], len(r["config"]["sizes"])) == c) for c in cells]
                  for r in rows])
    y = np.array([100 * r["test_accuracy"] for r in rows])
    fit = least_squares(X, y)
    slope, lo, hi = (10 * float(fit[k][0]) for k in ("coef", "lo", "hi"))
    return {"slope": slope, "lo": lo, "hi": hi, "word": decide(lo, hi),
            "runs": len(rows), "cells": len(cells)}
