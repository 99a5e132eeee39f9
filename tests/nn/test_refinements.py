"""The book's chapter 3 refinements to SGD: momentum, early stopping, the eta schedule."""

import numpy as np
import pytest

from nielsen_net import Network
from nielsen_net.nn.history import NoImprovement


def data(m=30, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, 5)), rng.integers(0, 3, m)


def test_defaults_are_the_books_plain_update():
    X, y = data()
    net = Network([5, 4, 3], cost="cross_entropy", seed=1)
    net.SGD((X, y), epochs=3, mini_batch_size=7, eta=0.3, lmbda=0.2)
    ref = Network([5, 4, 3], cost="cross_entropy", seed=1)
    n, decay = len(X), 1 - 0.3 * 0.2 / len(X)
    for _ in range(3):
        order = ref.rng.permutation(n)
        for k in range(0, n, 7):
            rows = order[k:k + 7]
            nabla_b, nabla_w = ref.backprop(X[rows], y[rows])
            ref.weights = [w * decay - nw * 0.3 for w, nw in zip(ref.weights, nabla_w)]
            ref.biases = [b - nb * 0.3 for b, nb in zip(ref.biases, nabla_b)]
    # SGD folds eta into BP1's delta: the same step, up to the rounding of that reordering.
    for a, b in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-16)


def test_momentum_follows_the_books_velocity_update():
    x, y = np.array([[0.5, -1.0, 0.3, 0.0, 2.0]]), np.array([2])
    net = Network([5, 3], seed=0)
    ref = Network([5, 3], seed=0)
    eta, mu, lmbda = 0.4, 0.6, 0.5
    net.SGD((x, y), epochs=2, mini_batch_size=1, eta=eta, lmbda=lmbda, mu=mu)
    v_w, v_b = 0.0, 0.0
    for _ in range(2):  # v -> mu v - eta (grad + lmbda/n w); w -> w + v   (n = 1)
        nabla_b, nabla_w = ref.backprop(x, y)
        v_w = mu * v_w - eta * (nabla_w[0] + lmbda * ref.weights[0])
        v_b = mu * v_b - eta * nabla_b[0]
        ref.weights[0] = ref.weights[0] + v_w
        ref.biases[0] = ref.biases[0] + v_b
    np.testing.assert_allclose(net.weights[0], ref.weights[0], rtol=1e-12)
    np.testing.assert_allclose(net.biases[0], ref.biases[0], rtol=1e-12)


def test_momentum_speeds_up_a_slow_descent():
    X, y = data(200)
    plain = Network([5, 8, 3], cost="cross_entropy", seed=0)
    fast = Network([5, 8, 3], cost="cross_entropy", seed=0)
    h_plain = plain.SGD((X, y), epochs=5, mini_batch_size=20, eta=0.05)
    h_fast = fast.SGD((X, y), epochs=5, mini_batch_size=20, eta=0.05, mu=0.9)
    assert h_fast.training_cost[-1] < h_plain.training_cost[-1]


def test_no_improvement_rule_counts_epochs_since_the_best():
    rule = NoImprovement(3)
    fired = [rule.fires(a) for a in [0.5, 0.6, 0.6, 0.55, 0.6, 0.7, 0.7]]
    assert fired == [False, False, False, False, True, False, False]


def flat_evaluation():
    """Identical rows, half labelled 0, half 1: the accuracy is 0.5 whatever the net learns."""
    return np.zeros((4, 5)), np.array([0, 0, 1, 1])


def test_early_stopping_ends_training_after_n_epochs_without_improvement():
    X, y = data()
    history = Network([5, 4, 3], seed=0).SGD((X, y), epochs=50, mini_batch_size=10, eta=0.1,
                                             evaluation_data=flat_evaluation(),
                                             no_improvement_in=4)
    assert history.epochs == 5  # the best at epoch 1, then four without improvement
    assert history.stop_reason == "no improvement in 4 epochs"


def test_schedule_halves_eta_until_it_falls_to_1_128_of_its_start():
    X, y = data()
    history = Network([5, 4, 3], seed=0).SGD((X, y), epochs=100, mini_batch_size=10, eta=0.8,
                                             evaluation_data=flat_evaluation(),
                                             no_improvement_in=2, halve_eta=True)
    # The rule fires at epochs 3, 5, ..., 15; the seventh halving reaches 0.8 / 128: stop.
    assert history.epochs == 15
    assert history.eta[:6] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.2]
    assert history.eta[-1] == 0.8 / 64
    assert history.stop_reason == "eta fell to 1/128 of its start"


@pytest.mark.parametrize("kwargs,match", [
    (dict(mu=1.0), r"mu must lie in \[0, 1\); got 1.0"),
    (dict(mu=-0.1), r"mu must lie in \[0, 1\)"),
    (dict(no_improvement_in=3), "pass evaluation_data"),
    (dict(no_improvement_in=-1), "no_improvement_in must be >= 0"),
    (dict(halve_eta=True, evaluation_data=flat_evaluation()), "halve_eta needs no_improvement"),
])
def test_bad_refinement_arguments_are_refused(kwargs, match):
    X, y = data()
    with pytest.raises(ValueError, match=match):
        Network([5, 4, 3]).SGD((X, y), epochs=1, mini_batch_size=10, eta=0.1, **kwargs)
