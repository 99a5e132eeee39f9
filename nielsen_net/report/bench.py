"""The speed benchmark (`make bench`), as a report section: seconds per epoch against the
peers, the targets and peak memory.

Left out: the ratios' arithmetic (nielsen_net.analysis.measures.bench_ratios).
"""


from ..analysis.measures import bench_ratios
from ..experiments.records import read_if_present
from .markdown import table


def section(results):
    bench = read_if_present(results / "bench.json")
    if bench is None:
        return ""
    trainers = ["fused", "reference", "reference_tuned", "torch_step", "torch_optim"]
    rows = []
    for r in bench["results"]:
        ratio = bench_ratios(bench, r, trainers)
        cells = [f"{r[t]['median']:.3f} ({ratio[t]:.1f}x)" if ratio[t] else "n/a"
                 for t in trainers]
        rows.append(("-".join(map(str, r["sizes"])), r["mini_batch_size"], r["dtype"],
                     f"{r['ours']['min']:.3f} / {r['ours']['median']:.3f} / "
                     f"{r['ours']['max']:.3f} ({r['ours']['threads']})", *cells,
                     f"{ratio['floor']:.2f}x"))
    targets = [(t["target"], f"{t['value']:.2f}", t["goal"], "met" if t["met"] else
                f"short by {t['shortfall']:.2f}x"
                + (f"; floor {t['floor']:.2f}" if t.get("floor") is not None else ""))
               for t in bench["targets"]]
    memory = [(m["dtype"], f"{m['peak_rss_bytes'] / 1e6:.0f} MB",
               f"{m['training_data_bytes'] / 1e6:.0f} MB",
               f"{m['peak_rss_bytes'] / m['training_data_bytes']:.2f}x")
              for m in bench["peak_memory"]]
    rate = bench["matmul_gflops"]
    return ("## Speed (`make bench`)\n\n"
            f"Seconds per training epoch on {bench['epoch_examples']:,} {bench['data']} images "
            f"(sigmoid hidden layer, cross-entropy, plain SGD), {bench['repeats']} repeats, "
            f"each trainer at its best BLAS thread count; in brackets each peer's time over ours "
            f"(same run; PyTorch {bench.get('torch') or 'not installed'}). The per-example "
            f"references are timed on "
            f"{bench['reference_examples']:,} examples and PyTorch at mini-batch 10 on "
            f"{bench['torch_examples_at_mini_batch_10']:,}, scaled to a full epoch. Floor = the "
            f"epoch's floating-point work at the large matrix-multiply rate measured at the "
            f"BLAS thread count ours ran with (in brackets after ours' times; "
            + "; ".join(f"{dt}: " + ", ".join(f"{r:.0f} GFLOP/s on {n} thread{'s' * (n != '1')}"
                                              for n, r in by_threads.items())
                        for dt, by_threads in rate.items())
            + "), so \"ours / floor\" is the same ratio as the target \"epoch / (flops / "
            f"matmul rate)\". Load average (1 min) {bench['load_average']['before'][0]:.1f} before "
            f"the run and {bench['load_average']['after'][0]:.1f} after; whole run "
            f"{bench['wall_seconds'] / 60:.1f} min.\n\n"
            + table(["net", "mini-batch", "dtype", "ours min / median / max (s) (threads)",
                     "hand-fused loop", "book's per-example algorithm", "per-example, tuned",
                     "PyTorch, in-place step",
                     "PyTorch, optim.SGD", "ours / floor"], rows)
            + "\n" + table(["target", "measured", "goal", "result"], targets)
            + "\nA missed target's floor: for PyTorch, the same ratio for the hand-fused loop "
              "(numpy's best for the algorithm); for monitoring, the matrix products alone of "
              "one forward pass over the same 60,000 images, timed in the evaluation's chunks.\n"
            + "\nPeak resident memory of loading MNIST and training one monitored epoch of "
              "[784, 30, 10]:\n\n"
            + table(["dtype", "peak RSS", "training data", "ratio"], memory)
            + conv_section(bench.get("conv")))


def conv_section(conv):
    """The chapter 6 nets' table: ours against the numpy prototype's seconds and PyTorch's."""
    if conv is None:
        return ""
    rows = [(" ".join(r["layers"]) + f" ({r['activation']}"
             + (f", dropout {r['dropout']:g})" if r["dropout"] else ")"),
             f"{r['ours']['min']:.2f} / {r['ours']['median']:.2f} / {r['ours']['max']:.2f}",
             f"{r['target_seconds']:.1f}", f"{r['ratios']['ours_over_target']:.2f}",
             f"{r['torch']['median']:.2f}" if r["torch"] else "not installed",
             f"{r['ratios']['ours_over_torch']:.2f}" if r["torch"] else "n/a")
            for r in conv["rows"]]
    return (f"\nChapter 6's nets: seconds per 50,000-image training epoch at mini-batch "
            f"{conv['mini_batch_size']}, {conv['dtype']}, {conv['threads']} BLAS thread (timed "
            f"on {conv['examples']:,} images and scaled), against the seconds a numpy prototype "
            "reached (issue 24's targets) and PyTorch's CPU time for the same net and steps:\n\n"
            + table(["net", "ours min / median / max (s)", "prototype (s)", "ours / prototype",
                     "PyTorch (s)", "ours / PyTorch"], rows))
