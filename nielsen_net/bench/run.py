"""One bench run: rounds of workers, then the summary, printed and written as one record.

Each round starts a numpy worker and a PyTorch worker per thread count (the order alternating
between rounds) and then the conv workers (ours and PyTorch's, one thread each, the order
alternating too), and each worker times every configuration once, so repeats interleave and a
slow spell hits all trainers alike. Then a memory worker per dtype.

Left out: the command line (scripts/bench.py).
"""

import importlib.metadata
import os
import time

from ..experiments.environment import environment
from ..experiments.records import write_record
from . import conv
from .plan import DTYPES, ETA, MATMUL_N, MONITORED_SIZES, N_TRAIN, flops_per_epoch, key
from .summary import NOT_INSTALLED, TRAINERS, best, collect, conv_rows, conv_targets, \
    print_report, summarise, targets
from .workers import conv_worker, memory_worker, numpy_worker, run_worker, torch_conv_worker, \
    torch_worker


def thread_counts():
    """1, each power of two up to the cores, and the cores."""
    n = os.cpu_count() or 1
    return sorted({1, n} | {2 ** i for i in range(1, n.bit_length()) if 2 ** i <= n})


def version(package):
    """The installed version of `package`, or None."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def run_rounds(plan, torch_version):
    """[(threads, worker output)]: every round runs each worker kind at each thread count,
    then the conv workers at one thread."""
    rounds = []

    def timed(r, threads, kind, worker, *args):
        tick = time.perf_counter()
        rounds.append((threads, run_worker(threads, worker, *args)))
        print(f"  round {r + 1}/{plan.repeats}, {threads} thread(s): {kind} worker"
              f" {time.perf_counter() - tick:.0f} s", flush=True)

    for r in range(plan.repeats):
        for t in plan.threads if r % 2 == 0 else plan.threads[::-1]:
            timed(r, t, "numpy", numpy_worker, plan, r)
            if torch_version:
                timed(r, t, "torch", torch_worker, plan, r, t)
        conv_workers = [("conv", conv_worker, plan)]
        if torch_version:
            conv_workers.append(("torch conv", torch_conv_worker, plan, r))
        for kind, worker, *args in conv_workers if r % 2 == 0 else conv_workers[::-1]:
            timed(r, 1, kind, worker, *args)
    return rounds


def run_bench(plan, quick, out):
    """Measure `plan`, print the tables and targets, and write the record to `out`."""
    torch_version = version("torch")
    print(f"{plan.repeats} rounds x BLAS threads {plan.threads}. Ours: {N_TRAIN:,} images an"
          f" epoch; per-example references: timed on {plan.reference_examples:,} and scaled to"
          f" {N_TRAIN:,}; PyTorch: at mini-batch 10 timed on {plan.torch_examples_at_10:,} and"
          f" scaled, else on {N_TRAIN:,}; conv nets (ours and PyTorch, one thread): timed on"
          f" {plan.conv_examples:,} and scaled.")
    if not torch_version:
        print(NOT_INSTALLED)
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
    conv_results = conv_rows(rounds, conv.CONV_NETS, plan.conv_examples)
    report = {
        "benchmark": "seconds per training epoch", "quick": quick,
        "data": rounds[0][1]["source"], "epoch_examples": N_TRAIN, "trainers": TRAINERS,
        "net": {"activation": "sigmoid", "cost": "cross_entropy", "eta": ETA, "seed": 0},
        "repeats": plan.repeats, "thread_counts": plan.threads,
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
        "conv": {"examples": plan.conv_examples, "mini_batch_size": conv.MINI_BATCH,
                 "dtype": conv.DTYPE, "threads": 1, "rows": conv_results},
        "targets": targets(results, memory, monitoring) + conv_targets(conv_results),
        "environment": environment(),
    }
    print_report(report, results)
    write_record(out, report)
    print(f"wrote {out}")
