"""A network of chapter 6 layers (the book's network3.py) trained by matrix-based mini-batch SGD.

The architecture is a list such as ["conv20", "conv40", "fc100"]: 5x5 convolutions of that many
filters pooled 2x2 (`layers.ConvPool`), then fully connected layers of that many units, then a
softmax layer of 10 with the log-likelihood cost, on 28x28 MNIST images given as (m, 784) rows.
SGD follows network3: the cost is the mean log-likelihood plus 0.5 lmbda sum ||w||^2 /
(number of training mini-batches), so each step decays w by eta lmbda / batches; `dropout` is
network3's p_dropout on the inputs of every fully connected and the softmax layer. It departs
from network3 in one place: the training data are shuffled each epoch (network3 keeps one order).

`save` writes the random generator's state with the parameters, so a network loaded from a file
saved after an epoch continues exactly as the saved one would have: that is the checkpoint.
Left out: the fully connected `Network`'s extras (momentum, stopping rules, other costs).
"""

import json
import re
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .activations import hidden_activation
from .checks import check_dtype, check_inputs, check_positive, check_seed, check_targets
from .history import History
from .layers import ConvPool, FullyConnected, SoftmaxOutput
from .network import DIVERGENCE_BOUND, mini_batches
from ..files import atomic

IMAGE = (28, 28, 1)  # MNIST, channels last
CLASSES = 10
EVAL_CHUNK = 100     # rows per forward pass when evaluating (larger chunks are no faster)
LAYER = re.compile(r"(conv|fc)([1-9][0-9]*)")


def check_layers(layers):
    """`layers` as a list of "conv<filters>" and "fc<units>" names, convolutions first."""
    names = layers if isinstance(layers, (list, tuple)) else []
    kinds = [LAYER.fullmatch(name)[1] if isinstance(name, str) and LAYER.fullmatch(name)
             else None for name in names]
    if not kinds or kinds != ["conv"] * kinds.count("conv") + ["fc"] * kinds.count("fc"):
        raise ValueError(f"layers must be a non-empty list of 'conv<filters>' and 'fc<units>' "
                         f"names, convolutions first, e.g. ['conv20', 'fc100']; got {layers!r}")
    return [str(name) for name in names]


class ConvNet:
    """Layers named by `layers`, then the softmax output; `activation` for every hidden layer.
    `seed` (an int, None or an np.random.Generator) fixes the initial weights, every shuffle and
    every dropout mask."""

    def __init__(self, layers, *, activation="sigmoid", dropout=0.0, seed=None, dtype="float32"):
        layers = check_layers(layers)
        check_seed(seed)
        self.dtype = check_dtype(dtype)
        f = hidden_activation(activation)
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) \
                or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1); got {dropout!r}")
        self.config = dict(layers=layers, activation=activation, dropout=dropout,
                           dtype=self.dtype.name)
        self.rng = np.random.default_rng(seed)
        self.layers, shape = [], IMAGE
        for name in layers:
            kind, size = LAYER.fullmatch(name).groups()
            if kind == "conv":
                self.layers.append(ConvPool(shape, int(size), f, self.rng, self.dtype))
                shape = self.layers[-1].out_shape
            else:
                self.layers.append(FullyConnected(int(np.prod(shape)), int(size), f, self.rng,
                                                  self.dtype, dropout))
                shape = (int(size),)
        self.layers.append(SoftmaxOutput(int(np.prod(shape)), CLASSES, self.dtype, dropout))

    def __repr__(self):
        return (f"ConvNet({self.config['layers']}, activation={self.config['activation']!r}, "
                f"dropout={self.config['dropout']})")

    def multiply_adds(self):
        """Multiply-adds of one image's forward pass (a measure of a step's work)."""
        return sum(layer.w.size * (int(np.prod(layer.conv_shape))
                                   if isinstance(layer, ConvPool) else 1)
                   for layer in self.layers)

    @property
    def weights(self):
        return [layer.w for layer in self.layers]

    @property
    def biases(self):
        return [layer.b for layer in self.layers]

    # ----- computing -------------------------------------------------------------------------

    def feedforward(self, X):
        """The softmax outputs for the rows of X, as at test time: (m, 784) -> (m, 10)."""
        return self._forward(self._inputs(X), training=False)[0]

    def predict(self, X):
        return self.feedforward(X).argmax(axis=1)

    def evaluate(self, X, y):
        """The number of rows whose prediction matches `y` (the book's `evaluate`)."""
        return self._scores(*self._data(X, y))[1]

    def accuracy(self, X, y):
        return self.evaluate(X, y) / len(X)

    def cost(self, X, y, lmbda=0.0, batches=1):
        """network3's cost: mean log-likelihood + 0.5 lmbda sum ||w||^2 / `batches` (the number
        of training mini-batches)."""
        check_positive("lmbda", lmbda, allow_zero=True)
        X, Y = self._data(X, y)
        return self._scores(X, Y)[0] / len(X) + self._l2(lmbda, batches)

    def backprop(self, X, y):
        """The gradient of the mean log-likelihood over (X, y), no L2 term, in training mode
        (dropout masks drawn from the network's generator): [(nabla_b, nabla_w)] per layer."""
        return self._backprop(*self._data(X, y), 1 / len(X))

    def _forward(self, X, training):
        """The output (m, 10) and each layer's cache, for checked rows X (m, 784)."""
        a = X.reshape(len(X), *IMAGE) if isinstance(self.layers[0], ConvPool) else X
        caches = []
        for layer in self.layers:
            a, cache = layer.forward(a, training, self.rng)
            caches.append(cache)
        return a, caches

    def _backprop(self, X, Y, scale):
        """The summed cost's gradient times `scale` (1/m: the mean; SGD passes eta/m)."""
        a, caches = self._forward(X, training=True)
        delta = (a - Y) * scale  # BP1 for softmax + log-likelihood (book eq. 81)
        top = len(self.layers) - 1
        grad, nabla_b, nabla_w = self.layers[top].backward_delta(delta, caches[top], top > 0)
        gradients = [(nabla_b, nabla_w)]
        for l in range(top - 1, -1, -1):  # BP2 walks down, each layer passing dC/da below
            grad, nabla_b, nabla_w = self.layers[l].backward(grad, caches[l], l > 0)
            gradients.append((nabla_b, nabla_w))
        return gradients[::-1]

    def _scores(self, X, Y):
        """(summed log-likelihood, number correct) in chunks of EVAL_CHUNK rows."""
        total, correct = 0.0, 0
        for k in range(0, len(X), EVAL_CHUNK):
            a = self._forward(X[k:k + EVAL_CHUNK], training=False)[0]
            rows = Y[k:k + EVAL_CHUNK]
            total -= float(np.sum(np.log(np.maximum(a[rows > 0], np.finfo(a.dtype).tiny))))
            correct += int(np.count_nonzero(a.argmax(axis=1) == rows.argmax(axis=1)))
        return total, correct

    def _l2(self, lmbda, batches):
        return 0.5 * lmbda / batches * sum(float(np.sum(w * w)) for w in self.weights)

    # ----- training --------------------------------------------------------------------------

    def SGD(self, training_data, epochs, mini_batch_size, eta, lmbda=0.0, evaluation_data=None,
            monitor_data=None, on_epoch=None, history=None, progress=False):
        """Train by mini-batch SGD until `epochs` epochs are done; return the `History`.

        `training_data`, `evaluation_data` and `monitor_data` are (X, y) pairs; after each epoch
        the history records the cost and accuracy on `evaluation_data` and, as its training
        metrics, on `monitor_data` (e.g. a fixed part of the training set: scoring all of it
        each epoch would cost a third of the epoch). `history`: the History of the epochs this
        network has already trained (after `load`), to go on from there. The divergence rule
        and `on_epoch(epoch)` are `Network.SGD`'s."""
        for name, value in (("epochs", epochs), ("mini_batch_size", mini_batch_size)):
            check_positive(name, value, integer=True)
        check_positive("eta", eta)
        check_positive("lmbda", lmbda, allow_zero=True)
        X, Y = self._data(*training_data, "training_data ")
        watched = [self._data(*data, f"{name} ") if data is not None else None for name, data
                   in (("monitor_data", monitor_data), ("evaluation_data", evaluation_data))]
        history = history or History()
        n = len(X)
        batches = max(n // mini_batch_size, 1)  # network3's num_training_batches
        bar = tqdm(range(history.epochs + 1, epochs + 1), desc="SGD", unit="epoch",
                   disable=not progress)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is recorded, not raised
            for epoch in bar:
                start = time.perf_counter()
                for rows in mini_batches(self.rng, n, mini_batch_size):
                    self.update_mini_batch(X[rows], Y[rows], eta, 1 - eta * lmbda / batches)
                history.seconds.append(time.perf_counter() - start)
                history.eta.append(eta)
                self._monitor(history, *watched, lmbda, batches)
                if history.evaluation_accuracy:
                    bar.set_postfix(eval_acc=f"{history.evaluation_accuracy[-1]:.4f}")
                if on_epoch is not None:
                    on_epoch(epoch)
                if self.diverged(history):
                    history.mark_diverged(epoch)
                    break
        return history

    def update_mini_batch(self, X, Y, eta, decay=1.0):
        """One step on the checked mini-batch (X, Y): w -> decay w - eta nabla_w (network3's L2
        gives decay = 1 - eta lmbda / batches), b -> b - eta nabla_b."""
        for layer, (step_b, step_w) in zip(self.layers, self._backprop(X, Y, eta / len(X))):
            if decay != 1:
                layer.w *= decay
            layer.w -= step_w
            layer.b -= step_b

    def _monitor(self, history, monitor, evaluation, lmbda, batches):
        for data, costs, accuracies in ((monitor, history.training_cost,
                                         history.training_accuracy),
                                        (evaluation, history.evaluation_cost,
                                         history.evaluation_accuracy)):
            if data is not None:
                total, correct = self._scores(*data)
                costs.append(total / len(data[0]) + self._l2(lmbda, batches))
                accuracies.append(correct / len(data[0]))

    def diverged(self, history):
        """`Network.diverged`'s rule: a cost that is not finite, or a parameter that is NaN or
        beyond DIVERGENCE_BOUND."""
        costs = history.training_cost[-1:] + history.evaluation_cost[-1:]
        return (not all(np.isfinite(c) for c in costs)
                or not all(np.abs(p).max() <= DIVERGENCE_BOUND
                           for p in self.weights + self.biases))

    # ----- input checks ----------------------------------------------------------------------

    def _inputs(self, X, name="X"):
        return check_inputs(X, int(np.prod(IMAGE)), self.dtype, name)

    def _data(self, X, y, prefix=""):
        X = self._inputs(X, f"{prefix}X")
        if len(X) == 0:
            raise ValueError(f"{prefix}X must hold at least one example; got 0")
        return X, check_targets(y, len(X), CLASSES, self.dtype, f"{prefix}y")

    # ----- files -----------------------------------------------------------------------------

    def save(self, path, notes=None):
        """Write config, parameters, the generator's state and `notes` (JSON-ready data, e.g.
        the history so far) to one .npz file, atomically (`files.atomic`)."""
        arrays = {f"{p}{l}": getattr(layer, p) for l, layer in enumerate(self.layers)
                  for p in "wb"}
        meta = {"config": self.config, "rng": self.rng.bit_generator.state, "notes": notes}
        with atomic(Path(path)) as f:
            np.savez(f, meta=np.array(json.dumps(meta)), **arrays)

    @classmethod
    def load(cls, path):
        """(the network `save` wrote to `path`, its notes): it computes, and goes on training,
        exactly as the saved one would have. A file that does not match is a ValueError."""
        with np.load(path, allow_pickle=False) as f:
            if "meta" not in f.files:
                raise ValueError(f"{path}: no 'meta' array, so not a file ConvNet.save wrote")
            meta = json.loads(str(f["meta"]))
            try:
                net = cls(**meta["config"])
                net.rng.bit_generator.state = meta["rng"]
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}: bad config: {error}") from None
            for l, layer in enumerate(net.layers):
                for p in "wb":
                    a, want = f.get(f"{p}{l}"), getattr(layer, p)
                    if a is None or a.shape != want.shape or a.dtype != want.dtype:
                        raise ValueError(f"{path}: {p}{l} is missing or not {want.dtype} of "
                                         f"shape {want.shape}, as the config needs")
                    setattr(layer, p, a)
        return net, meta["notes"]
