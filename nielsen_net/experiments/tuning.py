"""Choosing a learning rate on the validation set, and growing the grid until the choice is
inside it.

A configuration's tuning runs train each candidate eta over a few seeds on a short budget; the
eta with the best mean final validation accuracy wins (an eta for which any seed diverged never
wins; ties go to the smaller eta). A winner at an edge of the grid means the grid was too small:
`next_grid` adds the next value beyond that edge, in the grid's own spacing, and tuning goes on,
at most MAX_EXTENSIONS times. Tuning never scores the test set.
"""

import math

import numpy as np

MAX_EXTENSIONS = 6


def score(records):
    """The mean final validation accuracy over a candidate's seeds, or None if any diverged."""
    if any(r["history"]["diverged"] for r in records):
        return None
    finals = [r["history"]["evaluation_accuracy"][-1] for r in records]
    if not all(math.isfinite(f) for f in finals):
        return None
    return float(np.mean(finals))


def choose_eta(results):
    """The best eta of {eta: [records over seeds]}, or None if every candidate diverged."""
    scores = {eta: score(records) for eta, records in results.items()}
    finished = {eta: s for eta, s in scores.items() if s is not None}
    if not finished:
        return None
    return min(finished, key=lambda eta: (-finished[eta], eta))


def at_edge(grid, chosen):
    """Whether `chosen` is the smallest or the largest of the grid (or None: all diverged)."""
    return chosen is None or chosen in (min(grid), max(grid))


def next_grid(grid, chosen):
    """The grid with one value added beyond the edge the choice sits at (below the smallest when
    every candidate diverged). The step repeats the grid's spacing over its last period, so
    0.1, 0.3, 1.0 grows to 3.0, then 10.0; a grid whose choice is inside is returned as is."""
    grid = sorted(grid)
    if len(grid) < 2:
        raise ValueError(f"a tuning grid needs at least 2 values to extend; got {grid}")
    if not at_edge(grid, chosen):
        return grid
    # one period of the spacing: the ratio of the edge value to the one two steps inside
    # (so 1-3-10 patterns repeat), or to its neighbour when the grid has only two values
    inner = 2 if len(grid) >= 3 else 1
    if chosen is not None and chosen == grid[-1]:
        new = grid[-1 - inner + 1] * grid[-1] / grid[-1 - inner]
        return grid + [float(f"{new:.12g}")]
    new = grid[inner - 1] * grid[0] / grid[inner]
    return [float(f"{new:.12g}")] + grid
