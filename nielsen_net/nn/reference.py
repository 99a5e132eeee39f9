"""The book's own algorithm, written independently of `Network`, to check ours against.

`book_SGD` trains a network the way the book's network2.py does: every example a column vector,
its gradient computed alone (BP1-BP4 for one x), the gradients of a mini-batch summed, then one
step with the book's L2 decay (eq. 93). Only what network2.py has: sigmoid units everywhere,
the quadratic or cross-entropy cost, no momentum, no schedule. It starts from `net`'s weights,
shuffles with `net.rng` (so a seed fixes the run), writes the weights back into `net` after
each epoch, and monitors through `net`'s public `cost`, `accuracy` and `diverged`, so the
records of the two trainers are measured and judged the same way; only the training step
differs.

Left out: speed. It is the slow per-example loop on purpose.
"""

import time

import numpy as np

from .history import History

SUPPORTED = {"activation": "sigmoid", "output_activation": "sigmoid",
             "costs": ("quadratic", "cross_entropy")}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def check_supported(activation, output_activation, cost):
    """ValueError unless network2.py has this network."""
    if (activation != SUPPORTED["activation"]
            or output_activation not in (None, SUPPORTED["output_activation"])
            or cost not in SUPPORTED["costs"]):
        raise ValueError(f"the book's per-example trainer has sigmoid units and the quadratic or "
                         f"cross_entropy cost only; got activation={activation!r}, "
                         f"output_activation={output_activation!r}, cost={cost!r}")


def backprop(weights, biases, x, y, cost):
    """(nabla_b, nabla_w) for one example: columns x (n_in, 1) and y (n_out, 1)."""
    activations, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w @ activations[-1] + b)              # z^l = w^l a^{l-1} + b^l
        activations.append(sigmoid(zs[-1]))
    delta = activations[-1] - y                          # BP1, cross-entropy (book eq. 66)
    if cost == "quadratic":
        delta = delta * sigmoid_prime(zs[-1])            # BP1, quadratic: (a - y) * sigma'(z)
    nabla_b, nabla_w = [delta], [delta @ activations[-2].T]   # BP3, BP4
    for l in range(len(weights) - 2, -1, -1):
        delta = (weights[l + 1].T @ delta) * sigmoid_prime(zs[l])  # BP2
        nabla_b.insert(0, delta)
        nabla_w.insert(0, delta @ activations[l].T)
    return nabla_b, nabla_w


def update_mini_batch(weights, biases, batch, eta, lmbda, n, cost):
    """network2.py's step: per-example gradients summed, then
    w -> (1 - eta lmbda / n) w - (eta / m) sum nabla_w, b -> b - (eta / m) sum nabla_b."""
    nabla_b = [np.zeros_like(b) for b in biases]
    nabla_w = [np.zeros_like(w) for w in weights]
    for x, y in batch:
        delta_b, delta_w = backprop(weights, biases, x, y, cost)
        nabla_b = [nb + d for nb, d in zip(nabla_b, delta_b)]
        nabla_w = [nw + d for nw, d in zip(nabla_w, delta_w)]
    m = len(batch)
    weights[:] = [(1 - eta * lmbda / n) * w - (eta / m) * nw for w, nw in zip(weights, nabla_w)]
    biases[:] = [b - (eta / m) * nb for b, nb in zip(biases, nabla_b)]


def book_SGD(net, training_data, epochs, mini_batch_size, eta, lmbda=0.0,
             evaluation_data=None, on_epoch=None):
    """Train `net` with the per-example algorithm; return a `History` like `Network.SGD`'s."""
    check_supported(net.config["activation"], net.config["output_activation"],
                    net.config["cost"])
    X, y = training_data
    n = len(X)
    targets = np.eye(net.sizes[-1], dtype=net.dtype)[y]
    weights = [w.copy() for w in net.weights]
    biases = [b[:, None].copy() for b in net.biases]
    history = History()
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            order = net.rng.permutation(n)
            data = [(X[i][:, None], targets[i][:, None]) for i in order]
            for k in range(0, n, mini_batch_size):
                update_mini_batch(weights, biases, data[k:k + mini_batch_size], eta, lmbda, n,
                                  net.config["cost"])
            history.seconds.append(time.perf_counter() - start)
            history.eta.append(eta)
            for w, b, new_w, new_b in zip(net.weights, net.biases, weights, biases):
                w[...], b[...] = new_w, new_b[:, 0]
            for split, data_xy in (("training", training_data), ("evaluation", evaluation_data)):
                if data_xy is not None:
                    getattr(history, f"{split}_cost").append(net.cost(*data_xy, lmbda))
                    getattr(history, f"{split}_accuracy").append(net.accuracy(*data_xy))
            if on_epoch is not None:
                on_epoch(epoch)
            if net.diverged(history):  # the same divergence rule as Network.SGD
                history.mark_diverged(epoch)
                break
    return history
