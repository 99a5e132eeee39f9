"""Run a sweep (a TOML file under scripts/sweeps/) in parallel, resumably.

    python scripts/sweep.py activation_init [--jobs N] [--shard I/N] [--only NAME ...]
                            [--epochs E] [--limit-train N] [--results DIR]

Finished runs are never redone, each run is claimed with a lock file, tuning runs go first and
a chapter 6 run resumes from its checkpoint (nielsen_net/experiments/runner.py says how).
`--shard I/N` runs every N-th configuration from the I-th, with its tuning and seeds; in a
Slurm array task the shard comes from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (an
explicit --shard wins). A bad sweep file, log, option or MNIST file stops it with one line.
"""

import argparse
import os
import sys
from pathlib import Path

from nielsen_net.data.cli import DATA_ERRORS
from nielsen_net.experiments.runner import plan, run_sweep
from nielsen_net.experiments.sweeps import load_sweep, shard_from_env
from nielsen_net.paths import RESULTS, SWEEPS


def parse_shard(text):
    try:
        index, count = map(int, text.split("/"))
        if not 0 <= index < count:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard must be I/N with 0 <= I < N; got {text!r}")
    return index, count


def positive_int(text):
    try:
        value = int(text)
        if value < 1:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {text!r}")
    return value


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", help="a name in scripts/sweeps/ or a path to a .toml file")
    parser.add_argument("--jobs", type=positive_int, default=os.cpu_count(),
                        help="worker processes")
    parser.add_argument("--shard", type=parse_shard,
                        help="I/N: this share of the configurations (default: Slurm's, or 0/1)")
    parser.add_argument("--only", nargs="+", metavar="CONFIGURATION",
                        help="run only these configurations of the sweep (and what their "
                             "eta_from needs tuned), e.g. to finish one row first")
    parser.add_argument("--epochs", type=int, help="override every run's epochs")
    parser.add_argument("--limit-train", type=int, help="train on the first N images only")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="results folder (default: results/)")
    return parser.parse_args()


def main():
    args = parse_args()
    overrides = {k: v for k, v in [("epochs", args.epochs), ("train_size", args.limit_train)]
                 if v is not None}
    try:
        sweep = load_sweep(args.sweep, SWEEPS, overrides=overrides)
        shard = args.shard or shard_from_env(os.environ) or (0, 1)
        names = plan(sweep, args.results, shard, args.only)
    except ValueError as error:
        sys.exit(f"error: {error}")
    try:
        run_sweep(sweep, args.results, names, jobs=args.jobs, shard=shard, overrides=overrides)
    except DATA_ERRORS as error:
        sys.exit(f"error: {error}")
    except KeyboardInterrupt:
        sys.exit("interrupted: finished runs are kept; run the same command to resume")


if __name__ == "__main__":
    main()
