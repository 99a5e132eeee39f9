"""Time training epochs of this project's Network against peers and write results/bench.json.

Every trainer runs the same net (sigmoid hidden layer, sigmoid output, cross-entropy cost, plain
SGD, eta 0.5) on the first 50,000 MNIST training images (random data of that shape when MNIST
is absent), for each size, mini-batch size and dtype of the grid:

- ours: `Network.SGD`, evaluation off, timed by its own per-epoch clock on all 50,000;
- fused: the same mini-batch algorithm hand-fused into one loop (buffers allocated once,
  `np.dot(..., out=)`, sigmoid in place, eta folded into the output delta), timed side by side
  with ours: the numpy floor of the algorithm, a benchmark reference and not a second trainer;
- reference: the book's per-example algorithm as network2.py has it (column vectors, `np.dot`,
  sigma'(z) from z, a new array per summed gradient), written here, not copied;
- reference_tuned: the same loop at its best (a (1 - a), gradients summed in place), so the
  ratio does not rest on the book's waste; both timed on REFERENCE_EXAMPLES and scaled;
- PyTorch on the CPU when it is installed (`pip install -r requirements-bench.txt`), with the
  data preloaded as tensors and gathered by index: torch.optim.SGD, and a hand-written in-place
  step (its faster form); at mini-batch 10 timed on TORCH_EXAMPLES_AT_10 and scaled.

A BLAS thread count only takes effect before numpy loads, so every measurement runs in a worker
process spawned (as scripts/sweep.py does) with OPENBLAS/OMP/MKL_NUM_THREADS set. Each round
starts a numpy worker and a PyTorch worker per thread count (`--threads`; the order alternating
between rounds) and each worker times every configuration once, so repeats interleave and a
slow spell hits all trainers alike; ours and the fused loop alternate within each worker. Each
trainer is quoted at its best thread count (lowest median); ratios are medians of the same run.
Each target the issues set is checked, and one that is missed records its floor: for PyTorch,
the ratio the fused loop reaches; for monitoring, the forward pass's matrix products alone,
timed on the same images in the evaluation's chunks.
Numpy workers also measure the large matrix-multiply rate that turns an epoch's floating-point
work into a floor and what monitoring costs (one epoch at mini-batch 10 scored on the 50,000
training and 10,000 validation images, less the same call unmonitored, against that epoch's
training time), and memory workers
the peak resident set of loading MNIST and training one monitored epoch.

Left out: GPUs, and conclusions from a busy machine: quote a run made on idle cores.
"""
import argparse
import importlib.metadata
import multiprocessing
import os
import resource
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from nielsen_net import Network, load_mnist
from nielsen_net.nn import reference
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.experiments.environment import environment
from nielsen_net.nn.network import EVAL_CHUNK
from nielsen_net.experiments.records import write_record

SIZES = ([784, 30, 10], [784, 100, 10])
MINI_BATCHES = (10, 100, 1000)
DTYPES = ("float64", "float32")
ETA = 0.5
N_TRAIN = 50_000
REFERENCE_EXAMPLES = 5_000      # the per-example loops take seconds an epoch: time a tenth
TORCH_EXAMPLES_AT_10 = 10_000   # likewise PyTorch at mini-batch 10
WARMUP_EXAMPLES = 1_000         # an untimed run before each timing: BLAS buffers, caches
MATMUL_N = 2048                 # square matrices large enough to run at the BLAS peak
HEADLINE = "784-30-10"
MONITORED_SIZES = [784, 100, 10]  # the net whose monitoring cost has a target
OUT = PROJECT_ROOT / "results" / "bench.json"
QUICK_OUT = PROJECT_ROOT / "scratch" / "bench_quick.json"
tqdm.set_lock(threading.RLock())  # as scripts/sweep.py: tqdm's default lock would leak a
                                  # multiprocessing semaphore from each worker


@dataclass(frozen=True)
class Plan:
    """What every worker of one run measures."""
    sizes: list                # the nets, e.g. [[784, 30, 10]]
    repeats: int               # rounds
    threads: list              # BLAS thread counts, each tried every round
    reference_examples: int    # rows the per-example references are timed on
    torch_examples_at_10: int  # rows PyTorch is timed on at mini-batch 10


def key(sizes, mbs, dtype):
    return f"{'-'.join(map(str, sizes))}/{mbs}/{dtype}"


def flops_per_epoch(sizes, n=N_TRAIN):
    """Multiply-adds (x2) of an epoch's matrix products: forward, BP4 for every layer and BP2
    for every layer but the first. Elementwise work is left out: it is what the floor is not."""
    products = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * n * (2 * sum(products) + sum(products[1:]))


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


# ----- the per-example reference: the book's algorithm, our code ---------------------------------

def book_update_mini_batch(weights, biases, batch, eta):
    """One SGD step of network2.py on `batch`, a list of (x, y) column pairs: the per-example
    gradients summed into new arrays, as the book does (nielsen_net/reference.py; cross-entropy,
    no L2). Updates the lists in place."""
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


# ----- the fused loop: Network.SGD's algorithm by hand, its numpy floor --------------------------

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


# ----- PyTorch, the same net ---------------------------------------------------------------------

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
    """Train a copy of `net` in PyTorch on `examples` rows of `order`; return the seconds.
    `optimizer`: torch.optim.SGD if True, else the in-place step p -= eta * grad."""
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


# ----- workers (one process each) ----------------------------------------------------------------

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
            # What scoring adds to an SGD call: its time outside training, less that of the
            # same call unmonitored (the checks of the training data, paid once per call and
            # not per epoch, cancel out).
            outside = {}
            for monitored in (False, True):
                start = time.perf_counter()
                history = Network(sizes, cost="cross_entropy", seed=0, dtype=dtype).SGD(
                    (X, y), 1, mbs, ETA, monitor_training=monitored,
                    evaluation_data=validation if monitored else None)
                training = history.seconds[0]
                outside[monitored] = time.perf_counter() - start - training
            out["monitoring_fraction"][k] = (outside[True] - outside[False]) / training
            out["monitoring_floor"][k] = products_seconds(net, (X, validation[0])) / training
    return out


def torch_worker(plan, round_, threads):
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


def memory_worker(dtype):
    """Peak resident set of loading MNIST in `dtype` and one monitored epoch of [784, 30, 10]."""
    train, validation, _ = load_data(dtype)
    net = Network([784, 30, 10], cost="cross_entropy", seed=0, dtype=dtype)
    net.SGD(train, 1, 10, ETA, evaluation_data=validation)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return {"dtype": dtype, "peak_rss_bytes": peak, "training_data_bytes": train[0].nbytes}


def run_worker(threads, worker, *args):
    """`worker(*args)` in a fresh spawned process whose BLAS runs `threads` threads."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)  # read by the BLAS the spawned process loads
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(worker, args)


# ----- the parent: rounds of workers, then the table ---------------------------------------------

TRAINERS = {  # name in the JSON: what it is
    "ours": "Network.SGD, monitor_training=False, no evaluation data",
    "fused": "the same mini-batch algorithm hand-fused into one loop (a reference, not a trainer)",
    "reference": "the book's per-example algorithm as network2.py has it (np.dot, columns)",
    "reference_tuned": "the same per-example algorithm tuned: a (1 - a), nablas summed in place",
    "torch_step": "PyTorch, in-place step p -= eta * grad",
    "torch_optim": "PyTorch, torch.optim.SGD",
}
PEERS = {"fused": "fused", "reference": "reference", "reference_tuned": "reference_tuned",
         "torch": ("torch_step", "torch_optim")}  # a ratio against each; torch: its faster one


def stats(seconds):
    return {"min": min(seconds), "median": statistics.median(seconds), "max": max(seconds),
            "seconds": seconds}


def collect(rounds, trainer):
    """{config key: {threads: stats}} for one trainer, from every worker that timed it."""
    times = {}
    for threads, out in rounds:
        for k, seconds in out.get(trainer, {}).items():
            times.setdefault(k, {}).setdefault(str(threads), []).append(seconds)
    return {k: {t: stats(s) for t, s in per.items()} for k, per in times.items()}


def best(per_threads):
    """The thread count with the lowest median, and its stats; None if never timed."""
    if not per_threads:
        return None
    threads = min(per_threads, key=lambda t: per_threads[t]["median"])
    return {"threads": int(threads)} | per_threads[threads]


def summarise(rounds, rates, sizes_list):
    """One row per config: each trainer at its best thread count, ratios, floor."""
    timed = {name: collect(rounds, name) for name in TRAINERS}
    results = {}
    for sizes in sizes_list:
        for mbs in MINI_BATCHES:
            for dtype in DTYPES:
                k = key(sizes, mbs, dtype)
                row = {"sizes": sizes, "mini_batch_size": mbs, "dtype": dtype,
                       "flops": flops_per_epoch(sizes)}
                row |= {name: best(timed[name].get(k)) for name in TRAINERS}
                row["per_thread"] = {name: timed[name].get(k) for name in TRAINERS}
                ours = row["ours"]["median"]
                row["floor_seconds"] = row["flops"] / (rates[dtype][str(row["ours"]["threads"])]
                                                       * 1e9)
                row["ratios"] = {"ours_over_floor": ours / row["floor_seconds"]}
                for peer, names in PEERS.items():
                    medians = [row[n]["median"] for n in
                               ([names] if isinstance(names, str) else names) if row[n]]
                    row["ratios"][f"{peer}_over_ours"] = min(medians) / ours if medians else None
                results[k] = row
    return results


def target(name, value, goal, at_least=True, floor=None):
    """A target record; `shortfall` is the factor still missing (None when met or unknown);
    `floor`, the best value measured for what stops it, when there is one."""
    record = {"target": name, "value": value, "goal": goal, "met": None, "shortfall": None,
              "floor": floor}
    if value is None:
        return record
    met = value >= goal if at_least else value <= goal
    shortfall = None if met else (goal / value if at_least else value / goal)
    return record | {"met": met, "shortfall": shortfall}


def targets(results, memory, monitoring):
    """The issues' targets, from this run's medians (value None when a trainer did not run)."""
    f64, f32 = results[f"{HEADLINE}/10/float64"], results[f"{HEADLINE}/10/float32"]
    big = results[f"{HEADLINE}/1000/float32"]
    out = [
        target(f"{HEADLINE}, float64, mini-batch 10: ours vs the per-example reference",
               f64["ratios"]["reference_over_ours"], 7),
        target(f"{HEADLINE}, float64, mini-batch 10: ours vs PyTorch (its faster variant)",
               f64["ratios"]["torch_over_ours"], 5),
        target(f"{HEADLINE}, mini-batch 10: float32 speed-up over float64",
               f64["ours"]["median"] / f32["ours"]["median"], 1.3),
        target(f"{HEADLINE}, float32, mini-batch 1000: epoch / (flops / matmul rate)",
               big["ratios"]["ours_over_floor"], 3, at_least=False),
    ]
    for m in memory:
        out.append(target(f"peak RSS / training data, {m['dtype']}",
                          m["peak_rss_bytes"] / m["training_data_bytes"], 3, at_least=False))
    for k, r in results.items():
        fused = r["ratios"]["fused_over_ours"]
        if r["mini_batch_size"] == 10:
            out.append(target(f"{k}: ours / the fused loop", fused and 1 / fused, 1.1,
                              at_least=False))
        else:  # floor: the same ratio for the hand-fused loop, numpy's best
            torch_ratio = r["ratios"]["torch_over_ours"]
            out.append(target(f"{k}: PyTorch (its faster variant) / ours", torch_ratio, 1,
                              floor=torch_ratio and fused and torch_ratio / fused))
    out.append(target(f"{key(MONITORED_SIZES, 10, 'float64')}: monitoring (training and "
                      f"validation data) / the epoch's training time",
                      monitoring and monitoring["median"], 0.1, at_least=False,
                      floor=monitoring and monitoring["floor"]["median"]))
    return out


def table(results):
    def cell(s):
        return f"{s['median']:6.3f} ({s['threads']})" if s else "    -     "

    def ratio(r):
        return f"{r:5.2f}x" if r else "    -  "

    lines = ["config (sizes/batch/dtype)   ours: min median   max (thr) | fused     (thr)"
             " | book ref  (thr)  tuned ref (thr)  torch step (thr) torch optim (thr) |"
             " fused ref  tuned torch | floor"]
    for k, r in results.items():
        o, x = r["ours"], r["ratios"]
        lines.append(
            f"{k:26s} {o['min']:6.3f} {o['median']:6.3f} {o['max']:6.3f} ({o['threads']}) |"
            f" {cell(r['fused'])} | {cell(r['reference'])}  {cell(r['reference_tuned'])}"
            f"   {cell(r['torch_step'])}   {cell(r['torch_optim'])} |"
            f" {ratio(x['fused_over_ours'])} {ratio(x['reference_over_ours'])}"
            f" {ratio(x['reference_tuned_over_ours'])} {ratio(x['torch_over_ours'])} |"
            f" {x['ours_over_floor']:4.1f}x")
    return "\n".join(lines)


def thread_counts():
    n = os.cpu_count() or 1
    return sorted({1, n} | {2 ** i for i in range(1, n.bit_length()) if 2 ** i <= n})


def run_rounds(plan, torch_version):
    """[(threads, worker output)]: every round runs each worker kind at each thread count."""
    rounds = []
    for r in range(plan.repeats):
        for t in plan.threads if r % 2 == 0 else plan.threads[::-1]:
            workers = {"numpy": (numpy_worker, plan, r)}
            if torch_version:
                workers["torch"] = (torch_worker, plan, r, t)
            for kind, (worker, *args) in workers.items():
                tick = time.perf_counter()
                rounds.append((t, run_worker(t, worker, *args)))
                print(f"  round {r + 1}/{plan.repeats}, {t} thread(s): {kind} worker"
                      f" {time.perf_counter() - tick:.0f} s", flush=True)
    return rounds


def version(package):
    """The installed version of `package`, or None."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def parent(plan, quick, out):
    torch_version = version("torch")
    threads = plan.threads
    print(f"{plan.repeats} rounds x BLAS threads {threads}. Ours: {N_TRAIN:,} images an epoch;"
          f" per-example references: timed on {plan.reference_examples:,} and scaled to"
          f" {N_TRAIN:,}; PyTorch: at mini-batch 10 timed on {plan.torch_examples_at_10:,} and"
          f" scaled, else on {N_TRAIN:,}.")
    if not torch_version:
        print("PyTorch: not installed, skipped (pip install -r requirements-bench.txt)")
    load_before, start = os.getloadavg(), time.perf_counter()
    rounds = run_rounds(plan, torch_version)
    rates = {dt: {} for dt in DTYPES}  # GFLOP/s by thread count: the best of all rounds
    for t, worker_out in rounds:
        for dt, rate in worker_out.get("matmul_gflops", {}).items():
            rates[dt][str(t)] = max(rates[dt].get(str(t), 0), rate)
    memory = [run_worker(1, memory_worker, dt) for dt in DTYPES]
    results = summarise(rounds, rates, plan.sizes)
    monitored = key(MONITORED_SIZES, 10, "float64")
    monitoring = best(collect(rounds, "monitoring_fraction").get(monitored))
    if monitoring:  # the floor measured alongside, in the same workers
        monitoring["floor"] = best(collect(rounds, "monitoring_floor")[monitored])
    report = {
        "benchmark": "seconds per training epoch", "quick": quick,
        "data": rounds[0][1]["source"], "epoch_examples": N_TRAIN, "trainers": TRAINERS,
        "net": {"activation": "sigmoid", "cost": "cross_entropy", "eta": ETA, "seed": 0},
        "repeats": plan.repeats, "thread_counts": threads,
        "reference_examples": plan.reference_examples,
        "torch_examples_at_mini_batch_10": plan.torch_examples_at_10,
        "torch": torch_version,
        "ratios_from": "medians, each trainer at its best thread count, same run",
        "matmul_gflops": rates, "matmul_size": MATMUL_N,
        "flops_per_epoch": {"-".join(map(str, s)): flops_per_epoch(s) for s in plan.sizes},
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "wall_seconds": time.perf_counter() - start,
        "results": list(results.values()), "peak_memory": memory,
        "monitoring_fraction": monitoring,
        "targets": targets(results, memory, monitoring), "environment": environment(),
    }
    print_report(report, results)
    write_record(out, report)
    print(f"wrote {out}")


def print_report(report, results):
    load = report["load_average"]
    print(f"\ndata: {report['data']}; 1-minute load average before / after:"
          f" {load['before'][0]:.1f} / {load['after'][0]:.1f} on {os.cpu_count()} cores")
    for dt, per in report["matmul_gflops"].items():
        print(f"large matmul ({MATMUL_N}^2) rate, {dt}: "
              + ", ".join(f"{g:.0f} GFLOP/s at {t} thread(s)" for t, g in per.items()))
    for s, f in report["flops_per_epoch"].items():
        print(f"floating-point work of one epoch (matrix products), {s}: {f / 1e9:.2f} GFLOP")
    print("\nseconds per epoch: medians at each trainer's best thread count (thr); ratios ="
          " peer median / ours; floor = flops / matmul rate at ours' thread count\n"
          + table(results) + "\n")
    for m in report["peak_memory"]:
        print(f"peak RSS, load + one monitored epoch, {m['dtype']}: "
              f"{m['peak_rss_bytes'] / 2**20:.0f} MiB for "
              f"{m['training_data_bytes'] / 2**20:.0f} MiB of training data")
    print("\ntargets:")
    for t in report["targets"]:
        if t["value"] is None:
            print(f"  n/a   {t['target']} (not measured)")
            continue
        short = "" if t["met"] else f"  (short by {t['shortfall']:.2f}x)"
        if not t["met"] and t["floor"] is not None:
            short += f"; floor {t['floor']:.2f}"
        print(f"  {'met ' if t['met'] else 'MISS'}  {t['target']}: {t['value']:.2f}"
              f" (goal {t['goal']}){short}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"2 rounds, {HEADLINE} only, smaller subsets; writes {QUICK_OUT}")
    parser.add_argument("--repeats", type=int, help="rounds (default 5, or 2 with --quick)")
    parser.add_argument("--threads", type=int, nargs="+", default=thread_counts(),
                        help="BLAS thread counts to try (default: 1 and each power of two up to "
                             "the cores; on a machine others share, 1)")
    parser.add_argument("--out", type=Path, help=f"where to write the JSON (default {OUT})")
    args = parser.parse_args()
    if args.quick:
        plan = Plan([list(SIZES[0])], args.repeats or 2, args.threads, 2_000, 5_000)
    else:
        plan = Plan([list(s) for s in SIZES], args.repeats or 5, args.threads,
                    REFERENCE_EXAMPLES, TORCH_EXAMPLES_AT_10)
    parent(plan, args.quick, args.out or (QUICK_OUT if args.quick else OUT))


if __name__ == "__main__":
    main()
