"""One experiment run on MNIST: a `RunConfig` in, a JSON-ready result record out.

`run` trains the config and records the history, the diagnostics of `nn.diagnostics` on a fixed
probe set (the first 1,000 training images) before the first epoch and after each one, the test
accuracy and timing. A chapter 6 net (`layers` set) records no diagnostics, monitors its
training cost and accuracy on the probe set of MONITOR_SIZE images (scoring all 50,000 or
250,000 each epoch would cost a third of an epoch), and can checkpoint after every epoch and
resume from it bit for bit; its record adds the test predictions (what an ensemble votes with)
and the filters of a first convolutional layer. Left out: the environment (`environment.py`),
files and scheduling (`records.py`, `runner.py`).
"""

import os
import time

import numpy as np

from ..data.expand import expand, with_rotations
from ..data.mnist import Split
from ..nn.convnet import ConvNet
from ..nn.layers import ConvPool
from ..nn.diagnostics import bias_gradient_norms, confusion, dead_fraction
from ..nn.history import History
from ..nn.reference import book_SGD
from .config import RunConfig

PROBE_SIZE = 1000
MONITOR_SIZE = 10_000


def run(config, mnist, *, progress=False, checkpoint=None):
    """Train `config` on `mnist` (from `load_mnist`); return (record, trained network).
    `checkpoint` (a path, chapter 6 nets only): where each epoch's state is saved, and resumed
    from if it holds this config's; the caller removes it once the record is written.

    The record leaves out the environment: the caller takes it when it loads the code (a
    sweep at its start), so a commit made while a sweep runs is not credited with its runs."""
    if config.train_size > len(mnist.train.X):
        raise ValueError(f"train_size must be at most {len(mnist.train.X)}; "
                         f"got {config.train_size}")
    if config.layers:
        return run_layered(config, mnist, progress, checkpoint)
    net = config.network()
    X, y = training_split(config, mnist)
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
    return record_of(config, net, mnist, history, diagnostics | {"probe_size": PROBE_SIZE},
                     test_accuracy, time.perf_counter() - start), net


def record_of(config, net, mnist, history, diagnostics, test_accuracy, wall, predictions=False):
    """The record of a finished run; with the test predictions too if `predictions` is set."""
    if history.diverged and test_accuracy:  # the diverged epoch is the last: a blown-up
        test_accuracy[-1] = float("nan")      # network's accuracy is no measurement
    scored = config.score_test and not history.diverged
    X, y = mnist.test
    predicted = net.predict(X) if scored else None  # one pass for the confusion and the vote
    record = {
        "config": config.to_dict(),
        "history": history.to_dict(),
        "diagnostics": diagnostics,
        "test_accuracy_per_epoch": test_accuracy,
        # tuning runs never score the test set (None); a diverged run's score is NaN
        "test_accuracy": net.accuracy(X, y) if scored else (
            float("nan") if config.score_test else None),
        "test_confusion": confusion(y, predicted) if scored else None,
        "seconds": {"wall": wall, "train_per_epoch": float(np.mean(history.seconds))},
    }
    if predictions and scored:  # what an ensemble votes with
        record["test_predictions"] = predicted.tolist()
    return record


def training_split(config, mnist):
    """The images a run trains on: the first train_size, with the one-pixel shifts and the
    rotated copies its config asks for (`data.expand`)."""
    train = Split(mnist.train.X[:config.train_size], mnist.train.y[:config.train_size])
    if config.expanded:
        train = expand(train)
    if config.rotations:
        train = with_rotations(train, config.rotations)
    return train


def same_config(saved, config):
    """Whether a checkpoint's config dict is `config`; settings added to RunConfig since it
    was saved read as their defaults (as `runner.finished` reads a record)."""
    try:
        return RunConfig.from_dict(saved) == config
    except (ValueError, TypeError):  # a setting since removed or renamed
        return False


def run_layered(config, mnist, progress, checkpoint):
    """`run` for a chapter 6 net, resuming from `checkpoint` when it holds this config."""
    train = training_split(config, mnist)
    n = min(config.train_size, MONITOR_SIZE)  # the first images, before any expansion
    monitor = Split(mnist.train.X[:n], mnist.train.y[:n])
    net, notes = config.network(), None
    if checkpoint is not None and os.path.exists(checkpoint):
        saved, notes = ConvNet.load(checkpoint)
        if same_config(notes["config"], config):
            net = saved
        else:
            notes = None  # another config's: start afresh, and overwrite it
    history = History.from_dict(notes["history"]) if notes else History()
    test_accuracy = notes["test_accuracy_per_epoch"] if notes else []
    before = notes["seconds"] if notes else 0.0
    start = time.perf_counter()

    def on_epoch(epoch):
        if config.test_each_epoch:
            test_accuracy.append(net.accuracy(*mnist.test))
        if checkpoint is not None:
            net.save(checkpoint, {"config": config.to_dict(), "history": history.to_dict(),
                                  "test_accuracy_per_epoch": test_accuracy,
                                  "seconds": before + time.perf_counter() - start})

    net.SGD(train, config.epochs, config.mini_batch_size, config.eta, config.lmbda,
            evaluation_data=getattr(mnist, config.evaluate), monitor_data=monitor,
            on_epoch=on_epoch, history=history, progress=progress)
    wall = before + time.perf_counter() - start
    result = record_of(config, net, mnist, history, {"monitor_size": len(monitor.X)},
                       test_accuracy, wall, predictions=True)
    first = net.layers[0]
    if isinstance(first, ConvPool):  # the learned 5x5 filters, for the report's figure
        result["first_layer_filters"] = first.w[..., 0].tolist()
    return result, net
