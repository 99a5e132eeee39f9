"""The benchmark's fully connected peers train the same network as ours: one SGD step of the
per-example references, the fused loop (and PyTorch, when installed) gives the weights Network
gives. No timings here."""

import numpy as np
import pytest

from nielsen_net import Network
from nielsen_net.bench import peers
from nielsen_net.bench.plan import ETA, flops_per_epoch


def setup(sizes=(6, 5, 4, 3), m=7, seed=0):
    """A net with two hidden layers (so BP2 runs twice), nonzero biases, and one mini-batch."""
    net = Network(list(sizes), cost="cross_entropy", seed=seed)
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b += 0.3 * rng.standard_normal(b.shape)
    X = rng.standard_normal((m, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]  # (m, n_out) one-hot
    return net, X, Y


@pytest.mark.parametrize("update", sorted(peers.REFERENCES))
def test_per_example_reference_takes_the_same_step_as_network(update):
    net, X, Y = setup()
    weights = [w.copy() for w in net.weights]
    biases = [b[:, None].copy() for b in net.biases]  # the book's column biases
    batch = [(x[:, None], y[:, None]) for x, y in zip(X, Y)]
    peers.REFERENCES[update](weights, biases, batch, ETA)
    net.update_mini_batch(X, Y, ETA, 0.0, len(X))
    # Same algorithm, different summation order: equal up to rounding.
    for ours, theirs in zip(net.weights + net.biases, weights + [b[:, 0] for b in biases]):
        np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("optimizer", [False, True])
def test_pytorch_takes_the_same_steps_as_network(optimizer):
    torch = pytest.importorskip("torch")
    net, X, Y = setup(m=12)
    order = np.random.default_rng(1).permutation(len(X))
    _, model = peers.torch_steps(torch, net, X, Y, order, 5, len(X), optimizer)  # 5, 5, 2
    for k in range(0, len(X), 5):
        rows = order[k:k + 5]
        net.update_mini_batch(X[rows], Y[rows], ETA, 0.0, len(X))
    linears = [layer for layer in model if isinstance(layer, torch.nn.Linear)]
    assert len(linears) == len(net.weights)
    for w, b, linear in zip(net.weights, net.biases, linears):
        np.testing.assert_allclose(linear.weight.detach().numpy(), w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(linear.bias.detach().numpy(), b, rtol=1e-12, atol=1e-15)


def test_flops_per_epoch_counts_forward_bp4_and_bp2():
    # [784, 30, 10]: forward and BP4 each 784*30 + 30*10 multiply-adds per example, BP2 only
    # through the second layer, 30*10; two flops per multiply-add, 50,000 examples.
    assert flops_per_epoch([784, 30, 10]) == 2 * 50_000 * (2 * (23_520 + 300) + 300)


def test_fused_loop_takes_the_same_steps_as_network():
    net, X, Y = setup(m=12)
    order = np.random.default_rng(1).permutation(len(X))
    _, weights, biases = peers.fused_seconds(net, X, Y, order, 4)
    for k in range(0, len(X), 4):
        rows = order[k:k + 4]
        net.update_mini_batch(X[rows], Y[rows], ETA, 0.0, len(X))
    for ours, theirs in zip(net.weights + net.biases, weights + biases):
        np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-15)
