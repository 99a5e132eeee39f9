"""One experiment run on MNIST: a `RunConfig` in, a JSON-ready result record out.

`run` trains the config and records the history, the diagnostics of `nn.diagnostics` on a fixed
probe set (the first 1,000 training images) before the first epoch and after each one, the test
accuracy and timing. Left out: the environment (`environment.py`), files and scheduling
(`records.py`, `runner.py`).
"""

import time

import numpy as np

from ..nn.diagnostics import bias_gradient_norms, confusion, dead_fraction
from ..nn.reference import book_SGD

PROBE_SIZE = 1000


def run(config, mnist, *, progress=False):
    """Train `config` on `mnist` (from `load_mnist`); return (record, trained network).

    The record leaves out the environment: the caller takes it when it loads the code (a
    sweep at its start), so a commit made while a sweep runs is not credited with its runs."""
    if config.train_size > len(mnist.train.X):
        raise ValueError(f"train_size must be at most {len(mnist.train.X)}; "
                         f"got {config.train_size}")
    net = config.network()
    X, y = mnist.train.X[:config.train_size], mnist.train.y[:config.train_size]
    probe_X, probe_y = mnist.train.X[:PROBE_SIZE], mnist.train.y[:PROBE_SIZE]
    diagnostics = {"dead_fraction": [], "bias_gradient_norms": []}
    test_accuracy = []

    def record(epoch):  # epoch 0 is the state before training
        diagnostics["dead_fraction"].append(dead_fraction(net, probe_X))
        diagnostics["bias_gradient_norms"].append(bias_gradient_norms(net, probe_X, probe_y))
        if config.test_each_epoch and epoch > 0:
            test_accuracy.append(net.accuracy(*mnist.test))

    start = time.perf_counter()
    record(0)
    evaluation = getattr(mnist, config.evaluate)
    if config.trainer == "book_per_example":
        history = book_SGD(net, (X, y), config.epochs, config.mini_batch_size, config.eta,
                           config.lmbda, evaluation_data=evaluation, on_epoch=record)
    else:
        history = net.SGD((X, y), config.epochs, config.mini_batch_size, config.eta,
                          config.lmbda, evaluation_data=evaluation, progress=progress,
                          on_epoch=record, mu=config.mu,
                          no_improvement_in=config.no_improvement_in, halve_eta=config.halve_eta)
    if history.diverged and test_accuracy:  # the diverged epoch is the last: a blown-up
        test_accuracy[-1] = float("nan")      # network's accuracy is no measurement
    scored = config.score_test and not history.diverged
    result = {
        "config": config.to_dict(),
        "history": history.to_dict(),
        "diagnostics": diagnostics | {"probe_size": PROBE_SIZE},
        "test_accuracy_per_epoch": test_accuracy,
        # tuning runs never score the test set (None); a diverged run's score is NaN
        "test_accuracy": net.accuracy(*mnist.test) if scored else (
            float("nan") if config.score_test else None),
        "test_confusion": confusion(net, *mnist.test) if scored else None,
        "seconds": {"wall": time.perf_counter() - start,
                    "train_per_epoch": float(np.mean(history.seconds))},
    }
    return result, net
