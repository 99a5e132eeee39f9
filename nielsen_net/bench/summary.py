"""The bench's arithmetic on its timings: medians at each trainer's best thread count, ratios
of the same run, the targets the issues set, and the tables it prints.

Each trainer is quoted at its best thread count (lowest median); ratios are medians of the same
run. A target that is missed records its floor where there is one: for PyTorch, the ratio the
fused loop reaches; for monitoring, the forward pass's matrix products alone. The conv nets
(one thread) are quoted against the prototype's seconds and PyTorch's.

Left out: taking the timings (`workers`).
"""

import os
import statistics

from .plan import DTYPES, HEADLINE, MATMUL_N, MINI_BATCHES, MONITORED_SIZES, N_TRAIN, \
    flops_per_epoch, key

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
NOT_INSTALLED = "PyTorch not installed: skipped (pip install -r requirements-bench.txt)"


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
    """One row per fully connected config: each trainer at its best thread count, ratios,
    floor."""
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


def conv_rows(rounds, nets, examples):
    """One row per conv net of `nets` (name: spec, as conv.CONV_NETS): ours and PyTorch's
    seconds (per round, timed on `examples` images) scaled to an epoch of N_TRAIN, with ours
    over the prototype's target and over PyTorch. PyTorch's entries are None where it did not
    run."""
    scale = N_TRAIN / examples
    rows = []
    for name, spec in nets.items():
        timed = {peer: [out[f"conv_{peer}"][name] * scale for _, out in rounds
                        if name in out.get(f"conv_{peer}", {})] for peer in ("ours", "torch")}
        ours = stats(timed["ours"])
        torch = stats(timed["torch"]) if timed["torch"] else None
        rows.append({"net": name, "layers": spec["layers"], "activation": spec["activation"],
                     "dropout": spec["dropout"], "eta": spec["eta"],
                     "target_seconds": spec["target"], "ours": ours, "torch": torch,
                     "ratios": {"ours_over_target": ours["median"] / spec["target"],
                                "ours_over_torch": torch and ours["median"] / torch["median"]}})
    return rows


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


def conv_targets(rows):
    """Issue 24's: each conv net's seconds per epoch at most the prototype's."""
    return [target(f"{row['net']}, float32, mini-batch 10, one thread: seconds per epoch, "
                   f"at most the prototype's", row["ours"]["median"], row["target_seconds"],
                   at_least=False) for row in rows]


def table(results):
    """The fully connected configurations, one line each."""
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


def conv_table(rows):
    """The conv nets, one line each: ours (min, median, max), the prototype's seconds and
    ours over them, PyTorch's median and ours over it ("-" where PyTorch did not run)."""
    lines = [f"{'conv net (activation, dropout)':46s} {'ours: min':>11} {'median':>7} {'max':>7} |"
             f" {'prototype':>9} {'ours/proto':>10} | {'PyTorch':>7} {'ours/torch':>10}"]
    for r in rows:
        o, x, t = r["ours"], r["ratios"], r["torch"]
        label = f"{r['net']} ({r['activation']}, {r['dropout']:g})"
        torch = f"{t['median']:7.2f} {x['ours_over_torch']:9.2f}x" if t else f"{'-':>7} {'-':>10}"
        lines.append(f"{label:46s} {o['min']:11.2f} {o['median']:7.2f} {o['max']:7.2f} |"
                     f" {r['target_seconds']:9.1f} {x['ours_over_target']:9.2f}x | {torch}")
    if not any(r["torch"] for r in rows):
        lines.append(NOT_INSTALLED)
    return "\n".join(lines)


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
    conv = report["conv"]
    print(f"conv nets, seconds per {N_TRAIN:,}-image epoch at mini-batch 10, float32, one "
          f"thread (timed on {conv['examples']:,} images and scaled); prototype = a numpy "
          f"prototype's seconds\n" + conv_table(conv["rows"]) + "\n")
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
