"""Cost functions and the output error delta^L they give with an output activation (BP1).

Each cost has `total(a, y) -> float`, the cost summed over the rows of `a` and `y` (both
(m, n)), `fn(a, y)`, its mean per example, and next to it `grad(a, y) -> dC/da`, per example,
(m, n). Sums, not means, are what add up over the chunks an evaluation runs in.

The output error is BP1, delta^L = (dC/da) * sigma'(z^L). For three matching pairs it simplifies
to delta^L = a - y, because sigma' cancels against the denominator of dC/da:
  quadratic + identity       sigma' = 1
  cross_entropy + sigmoid    dC/da = (a - y) / (a (1 - a)) and sigmoid' = a (1 - a)  (book eq. 66)
  log_likelihood + softmax   the softmax Jacobian turns -y / a into a - y            (book eq. 81)
(the last needs each target row to sum to 1, as one-hot labels do). Any other valid pair uses
BP1 in full through the activation's `backward`.

Left out: costs for outputs outside (0, 1) other than the quadratic one; the book has none.
"""

import numpy as np

from .activations import into


def _log(x):
    """ln x, floored at the smallest normal number so a saturated unit gives a finite cost."""
    return np.log(np.maximum(x, np.finfo(x.dtype).tiny))


class Cost:
    def fn(self, a, y):
        return self.total(a, y) / len(a)


class Quadratic(Cost):
    """C = 0.5 * ||a - y||^2 per example (book eq. 6)."""

    name = "quadratic"
    outputs = ("sigmoid", "identity", "tanh", "relu", "softmax")

    def total(self, a, y):
        return 0.5 * float(np.sum((a - y) ** 2))

    def grad(self, a, y):
        return a - y


class CrossEntropy(Cost):
    """C = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)] per example (book eq. 63)."""

    name = "cross_entropy"
    outputs = ("sigmoid", "softmax")

    def total(self, a, y):
        return -float(np.sum(y * _log(a) + (1 - y) * _log(1 - a)))

    def grad(self, a, y):
        tiny = np.finfo(a.dtype).tiny
        return (a - y) / np.maximum(a * (1 - a), tiny)


class LogLikelihood(Cost):
    """C = -ln a_y per example, i.e. -sum_j y_j ln a_j for one-hot y (book eq. 80)."""

    name = "log_likelihood"
    outputs = ("softmax", "sigmoid")

    def total(self, a, y):
        return -float(np.sum(y * _log(a)))

    def grad(self, a, y):
        return -y / np.maximum(a, np.finfo(a.dtype).tiny)


COSTS = {c.name: c for c in (Quadratic(), CrossEntropy(), LogLikelihood())}

# The output activation each cost gets when none is named: the book's pairings.
DEFAULT_OUTPUT = {"quadratic": "sigmoid", "cross_entropy": "sigmoid", "log_likelihood": "softmax"}

SIMPLE_PAIRS = {("quadratic", "identity"), ("cross_entropy", "sigmoid"),
                ("log_likelihood", "softmax")}


def check_target_rows(cost, output, Y, name="y"):
    """Refuse targets the simplified output error would get silently wrong: log_likelihood +
    softmax gives a - y only when each target row sums to 1."""
    if (cost.name, output.name) != ("log_likelihood", "softmax"):
        return
    sums = Y.sum(axis=1)  # (m,)
    bad = np.flatnonzero(np.abs(sums - 1) > np.sqrt(np.finfo(Y.dtype).eps))
    if bad.size:
        raise ValueError(f"{name} rows must each sum to 1 with log_likelihood and softmax (a "
                         f"probability distribution, as one-hot labels are); row {bad[0]} sums "
                         f"to {sums[bad[0]]:g}")


def output_error(cost, output):
    """BP1 for this (cost, output activation) pair: a function (z, a, y, out=None) -> delta^L,
    (m, n_L), written into `out` when given."""
    if output.name not in cost.outputs:
        raise ValueError(f"cost {cost.name!r} cannot pair with output_activation "
                         f"{output.name!r}; valid: {', '.join(map(repr, cost.outputs))}")
    if (cost.name, output.name) in SIMPLE_PAIRS:
        return lambda z, a, y, out=None: np.subtract(a, y, out=out)
    return lambda z, a, y, out=None: into(out, output.backward(z, a, cost.grad(a, y)))
