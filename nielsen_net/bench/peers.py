"""The fully connected net's peers, each training a copy of a `Network` the same way:

- reference: the book's per-example algorithm as network2.py has it (column vectors, `np.dot`,
  sigma'(z) from z, a new array per summed gradient), written here, not copied;
- reference_tuned: the same loop at its best (a (1 - a), gradients summed in place), so the
  ratio does not rest on the book's waste;
- fused: Network.SGD's mini-batch algorithm hand-fused into one loop (buffers allocated once,
  `np.dot(..., out=)`, sigmoid in place, eta folded into the output delta): the numpy floor of
  the algorithm, a benchmark reference and not a second trainer;
- PyTorch on the CPU, with the data preloaded as tensors and gathered by index:
  torch.optim.SGD, and a hand-written in-place step (its faster form).

Sigmoid layers, cross-entropy, no L2, learning rate `plan.ETA`. Left out: timing rounds and
processes (`workers`).
"""

import time

import numpy as np

from ..nn import reference
from .plan import ETA


def book_update_mini_batch(weights, biases, batch, eta):
    """One SGD step of network2.py on `batch`, a list of (x, y) column pairs: the per-example
    gradients summed into new arrays, as the book does (nielsen_net/nn/reference.py;
    cross-entropy, no L2). Updates the lists in place."""
    reference.update_mini_batch(weights, biases, batch, eta, 0.0, len(batch), "cross_entropy")


def tuned_update_mini_batch(weights, biases, batch, eta):
    """The same step with the per-example loop tuned: sigma' = a (1 - a) from the stored
    activation (one exp, not three), nablas summed in place, one pass per layer."""
    nabla_b = [np.zeros_like(b) for b in biases]
    nabla_w = [np.zeros_like(w) for w in weights]
    for x, y in batch:
        activations = [x]
        for w, b in zip(weights, biases):
            activations.append(reference.sigmoid(np.dot(w, activations[-1]) + b))  # (n_out, 1)
        delta = activations[-1] - y
        for l in range(len(weights) - 1, -1, -1):
            nabla_b[l] += delta
            nabla_w[l] += np.dot(delta, activations[l].T)
            if l > 0:
                a = activations[l]
                delta = np.dot(weights[l].T, delta) * (a * (1 - a))
    step = eta / len(batch)
    for w, b, nw, nb in zip(weights, biases, nabla_w, nabla_b):
        w -= step * nw
        b -= step * nb


REFERENCES = {"reference": book_update_mini_batch, "reference_tuned": tuned_update_mini_batch}


def reference_seconds(update, net, X, Y, order, mbs, examples):
    """Seconds a per-example trainer takes for `examples` rows of one epoch, the book's way:
    the data as a list of column pairs, shuffled, then stepped through in mini-batches."""
    weights = [w.copy() for w in net.weights]
    biases = [b[:, None].copy() for b in net.biases]  # (n_out, 1)
    data = [(X[i][:, None], Y[i][:, None]) for i in order[:examples]]
    start = time.perf_counter()
    with np.errstate(over="ignore"):  # once per epoch, not per call: its best case
        for k in range(0, examples, mbs):
            update(weights, biases, data[k:k + mbs], ETA)
    return time.perf_counter() - start


def fused_seconds(net, X, Y, order, mbs):
    """Seconds of one epoch of `net`'s mini-batch SGD (sigmoid layers, cross-entropy, no L2)
    written as one loop over buffers allocated once; trains copies of net's parameters and
    returns them too."""
    weights = [w.copy() for w in net.weights]
    biases = [b.copy() for b in net.biases]
    x, y = np.empty((mbs, X.shape[1]), X.dtype), np.empty((mbs, Y.shape[1]), Y.dtype)
    acts = [x] + [np.empty((mbs, len(b)), X.dtype) for b in biases]
    deltas = [np.empty_like(a) for a in acts]
    primes = [np.empty_like(a) for a in acts]
    nabla_w = [np.empty_like(w) for w in weights]
    nabla_b = [np.empty_like(b) for b in biases]
    start = time.perf_counter()
    with np.errstate(over="ignore"):
        for k in range(0, len(X) - mbs + 1, mbs):  # whole mini-batches only
            np.take(X, order[k:k + mbs], axis=0, out=x, mode="clip")
            np.take(Y, order[k:k + mbs], axis=0, out=y, mode="clip")
            for l, (w, b) in enumerate(zip(weights, biases)):
                a = np.dot(acts[l], w.T, out=acts[l + 1])
                a += b
                np.negative(a, out=a)  # the sigmoid, in place
                np.exp(a, out=a)
                a += 1
                np.reciprocal(a, out=a)
            delta = np.subtract(acts[-1], y, out=deltas[-1])
            delta *= ETA / mbs
            for l in range(len(weights) - 1, -1, -1):
                np.dot(delta.T, acts[l], out=nabla_w[l])
                np.add.reduce(delta, axis=0, out=nabla_b[l])
                if l > 0:
                    np.dot(delta, weights[l], out=deltas[l])
                    np.subtract(1, acts[l], out=primes[l])
                    primes[l] *= acts[l]
                    deltas[l] *= primes[l]
                    delta = deltas[l]
                weights[l] -= nabla_w[l]
                biases[l] -= nabla_b[l]
    return time.perf_counter() - start, weights, biases


def torch_model(torch, net):
    """nn.Sequential with `net`'s weights; the output sigmoid sits inside the loss, which is
    BCEWithLogitsLoss: PyTorch's own fused form of the a - y output error."""
    layers = []
    for w, b in zip(net.weights, net.biases):
        linear = torch.nn.Linear(w.shape[1], w.shape[0], dtype=getattr(torch, w.dtype.name))
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers[:-1])


def torch_steps(torch, net, X, Y, order, mbs, examples, optimizer):
    """Train a copy of `net` in PyTorch on `examples` rows of `order`; return the seconds and
    the model. `optimizer`: torch.optim.SGD if True, else the in-place step p -= eta * grad."""
    model = torch_model(torch, net)
    params = list(model.parameters())
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")  # sum over outputs; / m below
    sgd = torch.optim.SGD(params, lr=ETA)
    X_t, Y_t, order_t = torch.from_numpy(X), torch.from_numpy(Y), torch.from_numpy(order)
    start = time.perf_counter()
    for k in range(0, examples, mbs):
        rows = order_t[k:k + mbs]
        loss = loss_fn(model(X_t[rows]), Y_t[rows]) / len(rows)
        if optimizer:
            sgd.zero_grad()
            loss.backward()
            sgd.step()
        else:
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p.sub_(p.grad, alpha=ETA)
    return time.perf_counter() - start, model
