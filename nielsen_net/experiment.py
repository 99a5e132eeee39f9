"""One experiment run on MNIST: a config record in, a JSON-ready result record out.

`RunConfig` holds every setting of a run, with defaults that are the book's chapter 3 network;
`run` trains it and records the history, the diagnostics of `diagnostics.py` on a fixed probe
set (the first 1,000 training images) before the first epoch and after each one, the test
accuracy and timing; `environment` gives the versions, git commit, machine and date.

Left out: files and process management (`sweep.py` and the scripts do those).
"""

import datetime
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, fields

import numpy as np

from . import __version__
from .diagnostics import bias_gradient_norms, confusion, dead_fraction
from .mnist import PROJECT_ROOT
from .network import Network
from .reference import book_SGD, check_supported
from .validation import check_bool, check_positive, check_sgd, choose

PROBE_SIZE = 1000
TRAIN_IMAGES = 50_000  # MNIST's training split (the book's; load_mnist's default)
SPLITS = ("validation", "test")
TRAINERS = ("network", "book_per_example")


@dataclass(frozen=True)
class RunConfig:
    """Every setting of one run. Unknown keys and bad values raise ValueError at once."""

    sizes: tuple = (784, 30, 10)        # layer sizes, input first
    activation: str = "sigmoid"         # hidden layers
    output_activation: str | None = None  # None: the cost's partner (sigmoid / softmax)
    cost: str = "cross_entropy"
    init: str = "scaled_gaussian"
    leaky_slope: float = 0.01           # used by leaky_relu only
    epochs: int = 30
    mini_batch_size: int = 10           # the book's choice throughout
    eta: float = 0.5
    lmbda: float = 0.0                  # L2, the book's convention (divided by n)
    mu: float = 0.0                     # momentum coefficient; 0 is plain SGD
    no_improvement_in: int = 0          # stop after n epochs without a better evaluation
                                        # accuracy (0: never) ...
    halve_eta: bool = False             # ... or rather halve eta then, down to 1/128 of it
    train_size: int = 50_000            # train on the first train_size of the 50,000 images
    evaluate: str = "validation"        # the split scored after every epoch
    test_each_epoch: bool = False       # also score test after every epoch, to report the test
                                        # accuracy at the best validation epoch (book ch. 6)
    seed: int = 0                       # fixes initial weights and shuffling
    dtype: str = "float64"
    trainer: str = "network"            # or "book_per_example": the book's per-example loop
                                        # (reference.py), to check ours against
    score_test: bool = True             # False for tuning runs: they never see the test set

    def __post_init__(self):
        object.__setattr__(self, "sizes", tuple(self.sizes))
        if self.sizes[0] != 784 or self.sizes[-1] != 10:
            raise ValueError(f"sizes must start with 784 and end with 10 for MNIST; "
                             f"got {list(self.sizes)}")
        self.network()  # checks sizes, names, slope, seed and dtype the way Network does
        check_sgd(self.epochs, self.mini_batch_size, self.eta, self.lmbda, self.mu,
                  self.no_improvement_in, self.halve_eta)
        check_positive("train_size", self.train_size, integer=True)
        check_bool("test_each_epoch", self.test_each_epoch)
        if self.train_size > TRAIN_IMAGES:
            raise ValueError(f"train_size must be at most {TRAIN_IMAGES:,} (the training split); "
                             f"got {self.train_size:,}")
        choose("evaluate split", self.evaluate, dict.fromkeys(SPLITS))
        choose("trainer", self.trainer, dict.fromkeys(TRAINERS))
        if self.trainer == "book_per_example":
            check_supported(self.activation, self.output_activation, self.cost)
            if self.mu or self.no_improvement_in:
                raise ValueError("the book's per-example trainer has no momentum and no "
                                 "stopping rule; set mu = 0 and no_improvement_in = 0")
        if not self.score_test and (self.evaluate == "test" or self.test_each_epoch):
            raise ValueError("score_test = false forbids evaluate = 'test' and "
                             "test_each_epoch = true")

    @classmethod
    def from_dict(cls, data):
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise ValueError(f"unknown config keys {unknown}; valid: {', '.join(valid)}")
        return cls(**data)

    def to_dict(self):
        return asdict(self) | {"sizes": list(self.sizes)}

    def network(self):
        """A new, untrained Network with this config's architecture and seed."""
        return Network(self.sizes, activation=self.activation,
                       output_activation=self.output_activation, cost=self.cost,
                       init=self.init, leaky_slope=self.leaky_slope, seed=self.seed,
                       dtype=self.dtype)


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


def environment():
    """Versions, git commit, machine and date: what a result needs to be traced back."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except OSError:
            return ""
    return {
        "nielsen_net": __version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "git_commit": git("rev-parse", "HEAD") or "unknown",
        # the code differs from the commit; results/ changing while sweeps run does not count
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".",
                              ":(exclude)results")),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }

