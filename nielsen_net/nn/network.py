"""A fully connected network trained by matrix-based mini-batch SGD (the book's network2.py).

Examples are rows: a mini-batch X has shape (m, n_in) and each layer computes the book's
z = w a + b for all m examples at once as z = a @ w.T + b, shape (m, n_out). Backpropagation
(BP1-BP4) then runs on whole (m, n) matrices with Hadamard products: no loop over examples.
`SGD` computes each step in a `Workspace` allocated once per mini-batch size, and evaluates in
chunks of EVAL_CHUNK rows, one forward pass giving both cost and accuracy. Every computation
runs under np.errstate(over="ignore"): a saturated sigmoid's exp(-z) overflows to inf on the
way to its right limit, 0.

Left out: printing, plotting and files other than `save`/`load` (the scripts do those);
convolutions, dropout and other layer types.
"""

import json
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .activations import OUTPUT_ACTIVATIONS, hidden_activation
from .costs import COSTS, DEFAULT_OUTPUT, check_target_rows, output_error
from .history import History, NoImprovement
from .initializers import INITIALIZERS
from ..files import atomic
from .checks import (check_dtype, check_inputs, check_number, check_positive, check_seed,
                         check_sgd, check_sizes, check_targets, choose)

DIVERGENCE_BOUND = 1e6  # |parameter| beyond this counts as divergence; trained MNIST nets
                        # stay below 100

EVAL_CHUNK = 2000  # rows per forward pass when evaluating: large products, small buffers


def mini_batches(rng, n, size):
    """One epoch's mini-batches: the row indices of a fresh shuffle of n rows, `size` at a time
    (the last one shorter when size does not divide n)."""
    order = rng.permutation(n)
    return (order[k:k + size] for k in range(0, n, size))


class Workspace:
    """Every array that one forward and backward pass over m rows writes, allocated once:
    SGD reuses one for all its full mini-batches instead of allocating a dozen arrays a step."""

    def __init__(self, sizes, m, dtype):
        def empty(*shape):
            return np.empty(shape, dtype)
        self.zs = [empty(m, n) for n in sizes[1:]]
        self.activations = [None] + [empty(m, n) for n in sizes[1:]]  # [0]: the input rows
        self.deltas = [empty(m, n) for n in sizes[1:]]
        self.primes = [empty(m, n) for n in sizes[1:-1]]  # sigma'(z) of the hidden layers
        self.nabla_w = [empty(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.nabla_b = [empty(n) for n in sizes[1:]]


class Network:
    """A network of `sizes[0]` inputs, `sizes[-1]` outputs and any number of hidden layers.

    `weights[l]` (shape (sizes[l+1], sizes[l])) and `biases[l]` (shape (sizes[l+1],)) are the
    live parameters of layer l+1. `seed` (an int, None or an `np.random.Generator`) fixes the
    initial weights and every shuffle in `SGD`.
    """

    def __init__(self, sizes, *, activation="sigmoid", output_activation=None,
                 cost="quadratic", init="scaled_gaussian", leaky_slope=0.01, seed=None,
                 dtype="float64"):
        self.sizes = check_sizes(sizes)
        check_seed(seed)
        check_number("leaky_slope", leaky_slope)
        self.dtype = check_dtype(dtype)
        self.activation = hidden_activation(activation, leaky_slope)
        self.cost_function = choose("cost", cost, COSTS)
        if output_activation is None:
            output_activation = DEFAULT_OUTPUT[cost]
        self.output_activation = choose("output_activation", output_activation,
                                        OUTPUT_ACTIVATIONS)
        self.output_error = output_error(self.cost_function, self.output_activation)
        # The activation of each layer after the input: the hidden ones, then the output's.
        self.layer_activations = [self.activation] * (len(sizes) - 2) + [self.output_activation]
        initialize = choose("init", init, INITIALIZERS)
        self.rng = np.random.default_rng(seed)  # a Generator passes through as itself
        self.config = dict(sizes=self.sizes, activation=activation,
                           output_activation=output_activation, cost=cost, init=init,
                           leaky_slope=leaky_slope, dtype=self.dtype.name)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            w, b = initialize(self.rng, n_in, n_out)
            self.weights.append(w.astype(self.dtype))
            self.biases.append(b.astype(self.dtype))

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.activation.name!r}, "
                f"output_activation={self.output_activation.name!r}, "
                f"cost={self.cost_function.name!r}, init={self.config['init']!r})")

    # ----- computing -------------------------------------------------------------------------

    def feedforward(self, X):
        """The output activations a^L for the rows of X: (m, sizes[0]) -> (m, sizes[-1])."""
        return self.forward(X)[1][-1]

    def forward(self, X):
        """The forward half of backprop for the rows of X: the weighted inputs zs[l] and the
        activations activations[l] (activations[0] = X), each (m, sizes[l]) for its layer."""
        X = self._inputs(X)
        with np.errstate(over="ignore"):
            return self._forward(X)

    def predict(self, X):
        """The index of the largest output for each row: (m,) int."""
        return self.feedforward(X).argmax(axis=1)

    def evaluate(self, X, y):
        """The number of rows whose prediction matches `y` (the book's `evaluate`)."""
        X, Y = self._data(X, y)
        return self._scores(X, Y, Y.argmax(axis=1))[1]

    def accuracy(self, X, y):
        """The fraction of rows classified correctly."""
        return self.evaluate(X, y) / len(X)

    def cost(self, X, y, lmbda=0.0):
        """Mean cost per example plus the book's L2 term 0.5 * lmbda / m * sum ||w||^2."""
        check_positive("lmbda", lmbda, allow_zero=True)
        X, Y = self._data(X, y)
        return self._metrics(X, Y, Y.argmax(axis=1), lmbda)[0]

    def backprop(self, X, y):
        """The gradient of `cost(X, y)` (no L2 term): lists (nabla_b, nabla_w) shaped like
        `biases` and `weights`, for the whole batch at once."""
        X, Y = self._data(X, y)
        with np.errstate(over="ignore"):
            return self._backprop(X, Y, 1 / len(X))

    def _forward(self, X, work=None):
        """`forward` for checked X, computed in the Workspace `work` (a new one if None)."""
        work = work or Workspace(self.sizes, len(X), self.dtype)
        zs, activations = work.zs, work.activations
        activations[0] = X
        for l, (w, b, f) in enumerate(zip(self.weights, self.biases, self.layer_activations)):
            # (m, n_out): the book's w a, with examples as rows
            z = np.dot(activations[l], w.T, out=zs[l])
            z += b
            f.fn(z, out=activations[l + 1])
        return zs, activations

    def _backprop(self, X, Y, scale, work=None):
        """The gradient of the summed cost over the rows of (X, Y), times `scale` (1/m gives
        the mean; SGD passes eta/m, so its step needs no pass of its own), in `work`."""
        work = work or Workspace(self.sizes, len(X), self.dtype)
        zs, activations = self._forward(X, work)
        # BP1, scaled once here so every nabla below is already scaled.
        delta = self.output_error(zs[-1], activations[-1], Y, out=work.deltas[-1])  # (m, n_L)
        delta *= scale
        for l in range(len(zs) - 1, -1, -1):
            np.add.reduce(delta, axis=0, out=work.nabla_b[l])  # BP3: dC/db = delta, summed
            np.dot(delta.T, activations[l], out=work.nabla_w[l])  # BP4: dC/dw = delta a_in
            if l > 0:  # BP2: delta^l = (w^{l+1 T} delta^{l+1}) * sigma'(z^l)   (m, n_in)
                delta = np.dot(delta, self.weights[l], out=work.deltas[l - 1])
                delta *= self.activation.prime(zs[l - 1], activations[l], out=work.primes[l - 1])
        return work.nabla_b, work.nabla_w

    def _scores(self, X, Y, labels):
        """(summed cost, number of rows whose largest output is at `labels`), from one forward
        pass in chunks of EVAL_CHUNK rows."""
        total, correct = 0.0, 0
        work = Workspace(self.sizes, min(EVAL_CHUNK, len(X)), self.dtype)
        for k in range(0, len(X), EVAL_CHUNK):
            rows = slice(k, k + EVAL_CHUNK)  # views, no copies
            with np.errstate(over="ignore"):
                a = self._forward(X[rows], self._fits(work, X[rows]))[1][-1]
            total += self.cost_function.total(a, Y[rows])
            correct += int(np.count_nonzero(a.argmax(axis=1) == labels[rows]))
        return total, correct

    @staticmethod
    def _fits(work, rows):
        """`work` if it was made for as many rows as `rows` holds, else None (a last, smaller
        batch gets new arrays)."""
        return work if len(work.zs[0]) == len(rows) else None

    def _metrics(self, X, Y, labels, lmbda):
        """(mean cost with the L2 term, accuracy) from one forward pass."""
        total, correct = self._scores(X, Y, labels)
        l2 = 0.5 * lmbda / len(X) * sum(float(np.sum(w * w)) for w in self.weights)
        return total / len(X) + l2, correct / len(X)

    # ----- training --------------------------------------------------------------------------

    def SGD(self, training_data, epochs, mini_batch_size, eta, lmbda=0.0,
            evaluation_data=None, monitor_training=True, progress=False, on_epoch=None,
            mu=0.0, no_improvement_in=0, halve_eta=False):
        """Train by mini-batch stochastic gradient descent; return a `History`.

        `training_data` and `evaluation_data` are (X, y) pairs. Each epoch shuffles the training
        data, then steps through it in mini-batches of `mini_batch_size` (a last, smaller one
        included). L2 as in the book (eq. 93): w -> (1 - eta lmbda / n) w - eta nabla_w, with n
        the training-set size. After each epoch the history records the training cost and
        accuracy (unless `monitor_training` is False) and those on `evaluation_data`. An epoch
        that breaks the divergence rule (`diverged`) marks the history diverged, its metrics
        NaN, and ends training; the network keeps its diverged parameters.
        `progress=True` shows a progress bar with the latest accuracy. `on_epoch(epoch)`, if
        given, is called after each epoch's monitoring (the scripts record diagnostics with it).

        The book's chapter 3 refinements, all off by default:
        - `mu`: momentum (eqs. 107-108), v -> mu v - eta (nabla_w + lmbda / n w), w -> w + v.
        - `no_improvement_in`: early stopping by the book's "no improvement in n epochs" rule
          on the evaluation accuracy; needs `evaluation_data`.
        - `halve_eta`: instead of stopping when that rule fires, halve eta and go on, until
          eta has fallen to 1/128 of its start (the book's learning-rate schedule).
        """
        check_sgd(epochs, mini_batch_size, eta, lmbda, mu, no_improvement_in, halve_eta)
        if no_improvement_in and evaluation_data is None:
            raise ValueError("no_improvement_in and halve_eta watch the evaluation accuracy: "
                             "pass evaluation_data")
        X, Y = self._data(*self._pair(training_data, "training_data"), "training_data ")
        if evaluation_data is not None:
            evaluation_data = self._data(*self._pair(evaluation_data, "evaluation_data"),
                                         "evaluation_data ")
        n = len(X)
        labels = Y.argmax(axis=1)
        if evaluation_data is not None:
            evaluation_data += (evaluation_data[1].argmax(axis=1),)
        # Each mini-batch is gathered into the same two arrays and computed in one Workspace.
        X_batch = np.empty((min(mini_batch_size, n), X.shape[1]), self.dtype)
        Y_batch = np.empty((len(X_batch), Y.shape[1]), self.dtype)
        work = Workspace(self.sizes, len(X_batch), self.dtype)
        history = History()
        velocities = [np.zeros_like(p) for p in self.weights + self.biases] if mu else None
        rule = NoImprovement(no_improvement_in)
        eta_start = eta
        bar = tqdm(range(1, epochs + 1), desc="SGD", unit="epoch", disable=not progress)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is recorded, not raised
            for epoch in bar:
                start = time.perf_counter()
                # Gather each mini-batch by its shuffled rows (contiguous, in cache) instead of
                # first permuting a copy of all of X: with the full-size temporary that np.take
                # made for it, that copy took 40% of an epoch and twice X's memory. The rows
                # are a permutation, always in range: mode="clip" only spares numpy a buffer.
                for rows in mini_batches(self.rng, n, mini_batch_size):
                    X_k = X.take(rows, axis=0, out=X_batch[:len(rows)], mode="clip")
                    Y_k = Y.take(rows, axis=0, out=Y_batch[:len(rows)], mode="clip")
                    self.update_mini_batch(X_k, Y_k, eta, lmbda, n, mu, velocities,
                                           self._fits(work, rows))
                history.seconds.append(time.perf_counter() - start)
                history.eta.append(eta)
                self._monitor(history, (X, Y, labels) if monitor_training else None,
                              evaluation_data, lmbda)
                bar.set_postfix(self._latest(history))
                if on_epoch is not None:
                    on_epoch(epoch)
                if self.diverged(history):
                    history.mark_diverged(epoch)
                    break
                if no_improvement_in and rule.fires(history.evaluation_accuracy[-1]):
                    if not halve_eta:
                        history.stop_reason = f"no improvement in {no_improvement_in} epochs"
                        break
                    eta /= 2
                    if eta <= eta_start / 128:
                        history.stop_reason = "eta fell to 1/128 of its start"
                        break
        return history

    def update_mini_batch(self, X, Y, eta, lmbda, n, mu=0.0, velocities=None, work=None):
        """One gradient step on the mini-batch (X, Y), (m, n_in) and (m, n_out); with `mu`,
        a momentum step that updates `velocities` (shaped like weights + biases) in place.
        `work`: a Workspace for m rows to compute in (new arrays if None). Call it under
        np.errstate(over="ignore"), as SGD does, to silence a saturated sigmoid's overflow."""
        # eta nabla C, with eta folded into BP1's delta: no pass over the nablas to scale them.
        step_b, step_w = self._backprop(X, Y, eta / len(X), work)
        if mu:
            for p, v, g in zip(self.weights + self.biases, velocities, step_w + step_b):
                if lmbda and p.ndim == 2:  # L2 acts on weights only
                    g += eta * lmbda / n * p
                v *= mu  # book eq. 107: v -> mu v - eta nabla C
                v -= g
                p += v   # book eq. 108: w -> w + v
            return
        decay = 1 - eta * lmbda / n  # L2 weight decay, book eq. 93
        for w, b, sw, sb in zip(self.weights, self.biases, step_w, step_b):
            if lmbda:
                w *= decay
            w -= sw
            b -= sb

    def _monitor(self, history, training, evaluation, lmbda):
        """Append cost and accuracy on `training` and `evaluation`, each (X, Y, labels) or
        None, to the history."""
        if training is not None:
            cost, accuracy = self._metrics(*training, lmbda)
            history.training_cost.append(cost)
            history.training_accuracy.append(accuracy)
        if evaluation is not None:
            cost, accuracy = self._metrics(*evaluation, lmbda)
            history.evaluation_cost.append(cost)
            history.evaluation_accuracy.append(accuracy)

    @staticmethod
    def _latest(history):
        latest = {}
        if history.training_accuracy:
            latest["train_acc"] = f"{history.training_accuracy[-1]:.4f}"
        if history.evaluation_accuracy:
            latest["eval_acc"] = f"{history.evaluation_accuracy[-1]:.4f}"
        return latest

    def diverged(self, history):
        """The divergence rule: the latest cost is not finite, or some parameter is NaN or
        larger in magnitude than DIVERGENCE_BOUND. The bound catches blow-up that never turns
        into NaN: sigmoid, tanh and softmax outputs saturate, so weights can grow to 1e24 while
        every cost stays finite."""
        costs = history.training_cost[-1:] + history.evaluation_cost[-1:]
        return (not all(np.isfinite(c) for c in costs)
                or not all(np.abs(p).max() <= DIVERGENCE_BOUND
                           for p in self.weights + self.biases))

    # ----- input checks ----------------------------------------------------------------------

    def _inputs(self, X, name="X"):
        return check_inputs(X, self.sizes[0], self.dtype, name)

    def _data(self, X, y, prefix=""):
        """(X, Y) checked, with y one-hot encoded when it holds labels; `prefix` names the pair
        in error messages."""
        X = self._inputs(X, f"{prefix}X")
        if len(X) == 0:
            raise ValueError(f"{prefix}X must hold at least one example; got 0")
        Y = check_targets(y, len(X), self.sizes[-1], self.dtype, f"{prefix}y")
        check_target_rows(self.cost_function, self.output_activation, Y, f"{prefix}y")
        return X, Y

    @staticmethod
    def _pair(data, name):
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise ValueError(f"{name} must be an (X, y) pair; got {type(data).__name__}")
        return data

    # ----- files -----------------------------------------------------------------------------

    def save(self, path):
        """Write the parameters and configuration to one .npz file (no pickle).

        The bytes go to a temporary file in the same folder, reach the disk (fsync), and only
        then replace `path`: a kill or a full disk leaves the old file whole, never a partial one.
        """
        arrays = {f"w{l}": w for l, w in enumerate(self.weights)}
        arrays |= {f"b{l}": b for l, b in enumerate(self.biases)}
        with atomic(Path(path)) as f:
            np.savez(f, config=np.array(json.dumps(self.config)), **arrays)

    @classmethod
    def load(cls, path):
        """The network `save` wrote to `path`; it computes exactly what the saved one did.

        Every array is checked against the saved config (its name, shape, dtype and finiteness),
        so a file that does not describe one working network is refused with a ValueError.
        """
        f = np.load(path, allow_pickle=False)
        if not isinstance(f, np.lib.npyio.NpzFile):  # a plain .npy: one bare array
            raise ValueError(f"{path}: no 'config' array, so not a file Network.save wrote")
        with f:
            if "config" not in f.files:
                raise ValueError(f"{path}: no 'config' array, so not a file Network.save wrote")
            try:
                net = cls(**json.loads(str(f["config"])))
            except (TypeError, ValueError) as error:
                raise ValueError(f"{path}: bad config: {error}") from None
            layers = range(len(net.sizes) - 1)
            expected = {"config"} | {f"{p}{l}" for p in "wb" for l in layers}
            if set(f.files) != expected:
                raise ValueError(f"{path}: arrays {sorted(f.files)} do not match the config's "
                                 f"{len(layers)} layers; expected {sorted(expected)}")
            net.weights = [net._checked(f, path, f"w{l}", (net.sizes[l + 1], net.sizes[l]))
                           for l in layers]
            net.biases = [net._checked(f, path, f"b{l}", (net.sizes[l + 1],)) for l in layers]
        return net

    def _checked(self, arrays, path, name, shape):
        """`arrays[name]` if it has `shape`, this network's dtype and only finite values."""
        a = arrays[name]
        if a.shape != shape:
            raise ValueError(f"{path}: {name} has shape {a.shape}; the config needs {shape}")
        if a.dtype != self.dtype:
            raise ValueError(f"{path}: {name} has dtype {a.dtype}; the config needs {self.dtype}")
        if not np.isfinite(a).all():
            raise ValueError(f"{path}: {name} contains NaN or infinite values")
        return a
