"""The one-class protocol's autoencoder runs, in worker processes: each loads MNIST once and
trains the runs it is handed (`run_all`), so the digits, seeds and grid points of a stage
spread over `jobs` processes.

A task is a dict: `normal` (a digit, or "not <digit>" for the hard case), `seed`, `network`
and `training` (Network's and Network.SGD's keyword arguments), `score` (also score the test
images) and optionally `examples` (keep that many best and worst reconstructions for the
figures). Left out: which tasks to run (`selection.py`, `study.py`).
"""

import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from tqdm.auto import tqdm

from ..data.mnist import load_mnist
from . import protocol as oc

_WORKER = {}  # per process: the config and MNIST, loaded once by _setup


def _setup(config):
    _WORKER["config"] = config
    _WORKER["mnist"] = load_mnist(dtype=config["data"]["dtype"])


def normal_data(mnist, config, normal):
    """(fit, validation) images of `normal`: a digit, or "not <digit>" for the hard case."""
    y = mnist.train.y
    mask = y != int(normal[4:]) if isinstance(normal, str) else y == normal
    rng = np.random.default_rng([config["data"]["split_seed"], split_key(normal)])
    return oc.normal_split(mnist.train.X, mask, config["data"]["validation_fraction"], rng)


def split_key(normal):
    """A fixed integer per normal class, for seeding its split: d, or 10 + d for "not d"."""
    return 10 + int(normal[4:]) if isinstance(normal, str) else normal


def train(task):
    """One autoencoder run (in a worker): its validation curve, and with task["score"] its
    test reconstruction errors (and, with task["examples"], images for the figures)."""
    config, mnist = _WORKER["config"], _WORKER["mnist"]
    fit, val = normal_data(mnist, config, task["normal"])
    start = time.perf_counter()
    net, curve = oc.train_autoencoder(task["network"], task["training"], fit, val, task["seed"])
    out = {"validation_error": curve, "seconds": time.perf_counter() - start}
    if task["score"]:
        out["test_error"] = oc.autoencoder_error(net, mnist.test.X)
        if task.get("examples"):
            out["reconstructions"] = reconstructions(net, mnist.test, out["test_error"],
                                                     task["normal"], task["examples"])
    return out


def reconstructions(net, test, error, digit, n):
    """The n best and n worst reconstructed normal and anomalous test images, with their
    reconstructions and errors: {"normal"|"anomalous": {"best"|"worst": [...]}}."""
    out = {}
    for name, rows in (("normal", np.flatnonzero(test.y == digit)),
                       ("anomalous", np.flatnonzero(test.y != digit))):
        order = rows[np.argsort(error[rows], kind="stable")]
        out[name] = {which: [{"index": int(i), "label": int(test.y[i]),
                              "error": float(error[i]),
                              "image": np.round(test.X[i], 3).tolist(),
                              "reconstruction": np.round(net.feedforward(test.X[i:i + 1])[0],
                                                         3).tolist()}
                             for i in picks]
                     for which, picks in (("best", order[:n]), ("worst", order[::-1][:n]))}
    return out


def run_all(tasks, config, jobs, desc):
    """train() over `tasks`, in order, on `jobs` processes, with a progress bar."""
    if jobs == 1:
        _setup(config)
        return [train(t) for t in tqdm(tasks, desc=desc)]
    with ProcessPoolExecutor(jobs, initializer=_setup, initargs=(config,)) as pool:
        return list(tqdm(pool.map(train, tasks), total=len(tasks), desc=desc))


def chunks(items, n):
    """`items` in consecutive lists of n."""
    return [items[i:i + n] for i in range(0, len(items), n)]
