"""Re-run finished runs of a sweep with the current code and compare them with their records.

    python scripts/rerun_check.py book [--runs 3] [--pick 0] [--results DIR]

Picks `--runs` finished runs (every k-th, starting at `--pick`), trains each again from its
recorded config, and compares every recorded number (per-epoch costs and accuracies,
diagnostics, test accuracy and confusion) with the stored record. A run that is not
bit-identical is reported field by field (how many values differ, by how much, from which
epoch), with whether this machine's CPU, BLAS and BLAS threads are the record's (BLAS runs on
one thread, as the sweep's workers ran, unless OPENBLAS_NUM_THREADS says otherwise), and is
judged statistically: its test accuracy must lie inside its row's 95% prediction interval (and
the mean of several reruns of one row inside the interval for that many new runs). Exits
non-zero if a run differs on the record's own CPU, BLAS and threads, or falls outside
(nielsen_net/analysis/verify.py has the rules).
"""

import argparse
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the sweep workers ran

from nielsen_net.data.cli import load_or_exit  # noqa: E402
from nielsen_net.experiments.environment import environment  # noqa: E402
from nielsen_net.experiments.records import BadRecord  # noqa: E402
from nielsen_net.experiments.run import run  # noqa: E402
from nielsen_net.analysis.verify import pick, verify  # noqa: E402
from nielsen_net.paths import RESULTS  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep")
    parser.add_argument("--runs", type=int, default=3, help="how many runs to re-run")
    parser.add_argument("--pick", type=int, default=0, help="offset of the first one")
    parser.add_argument("--results", type=os.path.abspath, default=RESULTS,
                        help="results folder (default: results/)")
    args = parser.parse_args()
    sweep_dir = os.path.join(args.results, args.sweep)
    paths = pick(sweep_dir, args.runs, args.pick)
    if not paths:
        sys.exit(f"error: no finished runs under {sweep_dir}/runs")
    data = {}

    def train(config):
        if config.dtype not in data:
            data[config.dtype] = load_or_exit(dtype=config.dtype)
        return run(config, data[config.dtype])[0]

    try:
        ok = verify(sweep_dir, paths, train, environment(), lambda line: print(line, flush=True))
    except BadRecord as error:
        sys.exit(f"error: {error}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
