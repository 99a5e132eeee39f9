"""The book's per-example algorithm (reference.py) against our matrix-based Network: the same
gradients, the same training from the same seed, and a clear error for what it cannot train."""

import numpy as np
import pytest

from nielsen_net import Network
from nielsen_net.nn import reference
from nielsen_net.experiments.config import RunConfig


def tiny(seed=0, m=40):
    rng = np.random.default_rng(seed)
    return rng.random((m, 12)), rng.integers(0, 4, m)


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_per_example_gradients_sum_to_the_matrix_gradient(cost):
    net = Network([12, 7, 5, 4], cost=cost, init="gaussian", seed=3)
    X, y = tiny()
    nabla_b, nabla_w = net.backprop(X, y)
    weights, biases = net.weights, [b[:, None] for b in net.biases]
    targets = np.eye(4)[y]
    sums_b = [np.zeros_like(b) for b in biases]
    sums_w = [np.zeros_like(w) for w in weights]
    for x, t in zip(X, targets):
        db, dw = reference.backprop(weights, biases, x[:, None], t[:, None], cost)
        sums_b = [s + d for s, d in zip(sums_b, db)]
        sums_w = [s + d for s, d in zip(sums_w, dw)]
    for ours, book in zip(nabla_b + nabla_w, [s[:, 0] / len(X) for s in sums_b]
                          + [s / len(X) for s in sums_w]):
        np.testing.assert_allclose(ours, book, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_book_sgd_trains_like_network_sgd_from_the_same_seed(cost):
    X, y = tiny(m=60)
    ours = Network([12, 9, 4], cost=cost, seed=5)
    book = Network([12, 9, 4], cost=cost, seed=5)
    kwargs = dict(epochs=3, mini_batch_size=7, eta=0.8, lmbda=2.0, evaluation_data=(X, y))
    history_ours = ours.SGD((X, y), **kwargs)
    history_book = reference.book_SGD(book, (X, y), **kwargs)
    for a, b in zip(ours.weights + ours.biases, book.weights + book.biases):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert history_book.evaluation_cost == pytest.approx(history_ours.evaluation_cost, rel=1e-9)
    assert history_book.training_accuracy == history_ours.training_accuracy
    assert len(history_book.seconds) == 3 and not history_book.diverged


def test_book_sgd_refuses_what_network2_does_not_have():
    with pytest.raises(ValueError, match="sigmoid units and the quadratic or cross_entropy"):
        reference.book_SGD(Network([12, 4, 4], activation="relu", seed=0), tiny(), 1, 10, 0.1)
    with pytest.raises(ValueError, match="per-example trainer has sigmoid units"):
        RunConfig(cost="log_likelihood", trainer="book_per_example")
    with pytest.raises(ValueError, match="no momentum"):
        RunConfig(mu=0.5, trainer="book_per_example")
    with pytest.raises(ValueError, match="trainer"):
        RunConfig(trainer="torch")


def test_tuning_runs_cannot_score_the_test_set():
    with pytest.raises(ValueError, match="score_test = false forbids"):
        RunConfig(score_test=False, evaluate="test")
    with pytest.raises(ValueError, match="score_test = false forbids"):
        RunConfig(score_test=False, test_each_epoch=True)


def fake_mnist(m=200, seed=0):
    from nielsen_net.data.mnist import MNIST, Split
    rng = np.random.default_rng(seed)
    split = lambda n: Split(rng.random((n, 784)), rng.integers(0, 10, n))  # noqa: E731
    return MNIST(split(m), split(50), split(60))


def test_a_run_records_its_test_confusion_and_the_two_trainers_agree():
    from nielsen_net.experiments.run import run
    config = RunConfig(sizes=[784, 8, 10], epochs=2, train_size=100, eta=0.5, lmbda=1.0)
    ours, net = run(config, fake_mnist())
    book, _ = run(RunConfig(**(config.to_dict() | {"trainer": "book_per_example"})),
                  fake_mnist())
    confusion = np.array(ours["test_confusion"])
    assert confusion.shape == (10, 10) and confusion.sum() == 60
    assert np.trace(confusion) / 60 == ours["test_accuracy"]
    assert confusion.sum(axis=1).tolist() == np.bincount(fake_mnist().test.y, minlength=10).tolist()
    assert book["test_accuracy"] == ours["test_accuracy"]
    assert book["history"]["evaluation_cost"] == pytest.approx(ours["history"]["evaluation_cost"])


def test_a_run_without_the_test_set_records_no_test_figure():
    from nielsen_net.experiments.run import run
    record, _ = run(RunConfig(sizes=[784, 8, 10], epochs=1, train_size=100, score_test=False),
                    fake_mnist())
    assert record["test_accuracy"] is None and record["test_confusion"] is None


def test_book_sgd_applies_the_networks_divergence_rule():
    X, y = tiny(m=60)
    net = Network([12, 9, 4], cost="quadratic", init="gaussian", seed=0)
    history = reference.book_SGD(net, (X, y), 5, 5, eta=1e9, evaluation_data=(X, y))
    assert history.diverged and history.diverged_epoch == 1
    assert np.isnan(history.evaluation_accuracy[-1])
