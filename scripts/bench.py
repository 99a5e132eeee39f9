"""Time training epochs of this project's nets against peers and write results/bench.json.

    python scripts/bench.py [--quick] [--repeats N] [--threads T ...] [--out JSON]

The fully connected net ([784, 30, 10] and [784, 100, 10], mini-batch 10, 100 and 1000, float64
and float32) against a hand-fused numpy loop, the book's per-example algorithm and PyTorch; the
chapter 6 conv nets (mini-batch 10, float32, one thread) against a prototype's seconds and
PyTorch. PyTorch runs where it is installed (`pip install -r requirements-bench.txt`). Every
measurement runs in a spawned process with its BLAS thread count; nielsen_net/bench/ says how
and what is scaled from a subset. Quote a run made on idle cores.
"""

import argparse
from pathlib import Path

from nielsen_net.bench.plan import HEADLINE, full_plan, quick_plan
from nielsen_net.bench.run import run_bench, thread_counts
from nielsen_net.paths import RESULTS, SCRATCH

OUT = RESULTS / "bench.json"
QUICK_OUT = SCRATCH / "bench_quick.json"


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
        plan = quick_plan(args.repeats or 2, args.threads)
    else:
        plan = full_plan(args.repeats or 5, args.threads)
    run_bench(plan, args.quick, args.out or (QUICK_OUT if args.quick else OUT))


if __name__ == "__main__":
    main()
