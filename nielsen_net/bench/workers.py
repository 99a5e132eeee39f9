"""The bench's measurements, each kind in a worker process of its own.

A BLAS thread count only takes effect before numpy loads, so every measurement runs in a process
spawned (as the sweep runner's are) with the thread setting of `threads`. A numpy worker times
every fully connected configuration once (ours and the fused loop alternating between rounds,
the per-example references on a subset), the large matrix-multiply rate that turns an epoch's
floating-point work into a floor, and what monitoring costs (one epoch at mini-batch 10 scored on
the 50,000 training and 10,000 validation images, less the same call unmonitored, against that
epoch's training time). A PyTorch worker times its two variants; a conv worker (ours or
PyTorch's, one thread) times the conv nets; a memory worker measures the peak resident set of
loading MNIST and training one monitored epoch.

Left out: the rounds (`run`) and the arithmetic on their timings (`summary`).
"""

import multiprocessing
import resource
import threading
import time

import numpy as np
from tqdm import tqdm

from ..data.mnist import load_mnist
from ..nn.network import EVAL_CHUNK, Network
from ..threads import set_blas_threads
from . import conv
from .peers import REFERENCES, fused_seconds, reference_seconds, torch_steps
from .plan import DTYPES, ETA, MATMUL_N, MINI_BATCHES, MONITORED_SIZES, N_TRAIN, \
    WARMUP_EXAMPLES, key

tqdm.set_lock(threading.RLock())  # as the sweep runner: tqdm's default lock would leak a
                                  # multiprocessing semaphore from each worker


def load_data(dtype):
    """(training, validation, source): the first 50,000 MNIST training images and the 10,000
    after them as (X, y) pairs in `dtype`, or random data of those shapes when MNIST is absent."""
    try:
        mnist = load_mnist(download=False, dtype=dtype)
        return tuple(mnist.train), tuple(mnist.validation), "MNIST"
    except FileNotFoundError:
        rng = np.random.default_rng(0)
        X, y = rng.random((60_000, 784)).astype(dtype), rng.integers(0, 10, 60_000)
        return (X[:N_TRAIN], y[:N_TRAIN]), (X[N_TRAIN:], y[N_TRAIN:]), "random"


def configs(sizes_list, round_):
    """Every (sizes, mbs, dtype), rotated by the round so no config always runs first."""
    grid = [(s, m, d) for s in sizes_list for m in MINI_BATCHES for d in DTYPES]
    shift = round_ % len(grid)
    return grid[shift:] + grid[:shift]


def matmul_gflops(dtype, repeats=3):
    """The BLAS rate on large square matrices (GFLOP/s): the limit an epoch is read against."""
    a = np.random.default_rng(0).random((MATMUL_N, MATMUL_N)).astype(dtype)
    c = a @ a  # warm-up, and the output buffer
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, a, out=c)
        seconds.append(time.perf_counter() - start)
    return 2 * MATMUL_N ** 3 / min(seconds) / 1e9


def products_seconds(net, inputs):
    """Seconds of the matrix products alone of one forward pass over every row of `inputs`,
    in the evaluation's chunks of EVAL_CHUNK rows: what scoring them cannot go below."""
    buffers = [np.empty((EVAL_CHUNK, n), net.dtype) for n in net.sizes[1:]]
    start = time.perf_counter()
    for X in inputs:
        for k in range(0, len(X) - EVAL_CHUNK + 1, EVAL_CHUNK):
            a = X[k:k + EVAL_CHUNK]
            for w, out in zip(net.weights, buffers):
                a = np.dot(a, w.T, out=out)
    return time.perf_counter() - start


def monitoring(net, X, y, validation, mbs):
    """(what scoring adds to an SGD call over the epoch's training time, the same for the
    matrix products alone): its time outside training, less that of the same call
    unmonitored (the checks of the training data, paid once per call, cancel out)."""
    outside = {}
    for monitored in (False, True):
        start = time.perf_counter()
        history = Network(net.sizes, cost="cross_entropy", seed=0, dtype=net.dtype).SGD(
            (X, y), 1, mbs, ETA, monitor_training=monitored,
            evaluation_data=validation if monitored else None)
        training = history.seconds[0]
        outside[monitored] = time.perf_counter() - start - training
    return ((outside[True] - outside[False]) / training,
            products_seconds(net, (X, validation[0])) / training)


def numpy_worker(plan, round_):
    """Every numpy trainer on every config once, the matmul rate, and the monitoring cost."""
    data = {dt: load_data(dt) for dt in DTYPES}
    out = {"source": data[DTYPES[0]][2], "matmul_gflops": {dt: matmul_gflops(dt) for dt in DTYPES}}
    out |= {name: {} for name in ("ours", "fused", *REFERENCES, "monitoring_fraction",
                                  "monitoring_floor")}
    for sizes, mbs, dtype in configs(plan.sizes, round_):
        (X, y), validation, _ = data[dtype]
        Y = np.eye(sizes[-1], dtype=dtype)[y]  # (n, 10) one-hot, as the book stores targets
        order = np.random.default_rng(round_).permutation(len(X))
        k = key(sizes, mbs, dtype)
        net = Network(sizes, cost="cross_entropy", seed=0, dtype=dtype)
        for name, update in REFERENCES.items():
            reference_seconds(update, net, X, Y, order, mbs, WARMUP_EXAMPLES // 10)
            seconds = reference_seconds(update, net, X, Y, order, mbs, plan.reference_examples)
            out[name][k] = seconds * len(X) / plan.reference_examples
        warm = slice(WARMUP_EXAMPLES)
        Network(sizes, cost="cross_entropy", seed=1, dtype=dtype).SGD(
            (X[warm], y[warm]), 1, mbs, ETA, monitor_training=False)
        fused_seconds(net, X[warm], Y[warm], np.arange(WARMUP_EXAMPLES), mbs)
        timers = {  # side by side, in an order that alternates between rounds
            "ours": lambda: net.SGD((X, y), 1, mbs, ETA, monitor_training=False).seconds[0],
            "fused": lambda: fused_seconds(net, X, Y, order, mbs)[0]}
        for name in sorted(timers, reverse=round_ % 2 == 1):
            out[name][k] = timers[name]()
        if k == key(MONITORED_SIZES, 10, "float64"):
            out["monitoring_fraction"][k], out["monitoring_floor"][k] = monitoring(
                net, X, y, validation, mbs)
    return out


def torch_worker(plan, round_, threads):
    """PyTorch's two variants on every config once, on `threads` threads."""
    import torch
    torch.set_num_threads(threads)
    out = {"torch_step": {}, "torch_optim": {}}
    for dtype in DTYPES:
        (X, y), _, _ = load_data(dtype)
        for sizes, mbs, _ in [c for c in configs(plan.sizes, round_) if c[2] == dtype]:
            Y = np.eye(sizes[-1], dtype=dtype)[y]
            order = np.random.default_rng(round_).permutation(len(X))
            examples = plan.torch_examples_at_10 if mbs == 10 else len(X)
            net = Network(sizes, cost="cross_entropy", seed=0, dtype=dtype)
            for name, optimizer in (("torch_step", False), ("torch_optim", True)):
                torch_steps(torch, net, X, Y, order, mbs, WARMUP_EXAMPLES, optimizer)
                seconds, _ = torch_steps(torch, net, X, Y, order, mbs, examples, optimizer)
                out[name][key(sizes, mbs, dtype)] = seconds * len(X) / examples
    return out


def conv_worker(plan):
    """{"conv_ours": {net: seconds}}: ours trains each conv net on plan.conv_examples images."""
    (X, y), _, _ = load_data(conv.DTYPE)
    return {"conv_ours": {name: conv.ours_seconds(spec, X, y, plan.conv_examples)
                          for name, spec in conv.CONV_NETS.items()}}


def torch_conv_worker(plan, round_):
    """{"conv_torch": {net: seconds}}: PyTorch, one thread, the same nets and images."""
    import torch
    torch.set_num_threads(1)
    (X, y), _, _ = load_data(conv.DTYPE)
    order = np.random.default_rng(round_).permutation(len(X))
    return {"conv_torch": {name: conv.torch_seconds(torch, spec, X, y, order, plan.conv_examples)
                           for name, spec in conv.CONV_NETS.items()}}


def memory_worker(dtype):
    """Peak resident set of loading MNIST in `dtype` and one monitored epoch of [784, 30, 10]."""
    train, validation, _ = load_data(dtype)
    net = Network([784, 30, 10], cost="cross_entropy", seed=0, dtype=dtype)
    net.SGD(train, 1, 10, ETA, evaluation_data=validation)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return {"dtype": dtype, "peak_rss_bytes": peak, "training_data_bytes": train[0].nbytes}


def run_worker(threads, worker, *args):
    """`worker(*args)` in a fresh spawned process whose BLAS runs `threads` threads."""
    set_blas_threads(threads)  # read by the BLAS the spawned process loads
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(worker, args)
