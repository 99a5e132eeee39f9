"""Re-run finished runs of a sweep with the current code and compare them bit for bit.

    python scripts/rerun_check.py book [--runs 3] [--pick 0]

Picks `--runs` finished runs (every k-th, starting at `--pick`), trains each again from its
recorded config, and compares the per-epoch costs and accuracies, the diagnostics and the test
accuracy with the stored record. Exits non-zero if any differs. This is how a result is shown to
follow from the committed code, and how a speed-up is shown to change no result.
"""

import argparse
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the sweep workers ran

from nielsen_net.paths import PROJECT_ROOT  # noqa: E402
from nielsen_net.experiments.config import RunConfig  # noqa: E402
from nielsen_net.experiments.run import run  # noqa: E402
from nielsen_net.data.mnist import load_mnist  # noqa: E402
from nielsen_net.experiments.records import (RUN_FIELDS, BadRecord, read_record, run_files,  # noqa: E402
                                 strict)

FIELDS = ["training_cost", "training_accuracy", "evaluation_cost", "evaluation_accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep")
    parser.add_argument("--runs", type=int, default=3, help="how many runs to re-run")
    parser.add_argument("--pick", type=int, default=0, help="offset of the first one")
    args = parser.parse_args()
    paths = list(run_files(PROJECT_ROOT / "results" / args.sweep))
    if not paths:
        sys.exit(f"error: no finished runs under results/{args.sweep}/runs")
    step = max(1, len(paths) // args.runs)
    differ = 0
    for path in paths[args.pick::step][:args.runs]:
        try:
            stored = read_record(path, RUN_FIELDS)
        except BadRecord as error:
            sys.exit(f"error: {error}")
        config = RunConfig.from_dict(stored["config"])
        fresh = strict(run(config, load_mnist(dtype=config.dtype))[0])  # as stored: NaN -> null
        same = (all(fresh["history"][k] == stored["history"][k] for k in FIELDS)
                and fresh["diagnostics"] == stored["diagnostics"]
                and fresh["test_accuracy"] == stored["test_accuracy"]
                and fresh.get("test_confusion") == stored.get("test_confusion"))
        differ += not same
        print(f"{path.stem}: {'identical' if same else 'DIFFERS'} "
              f"(stored with commit {stored['environment']['git_commit'][:10]})", flush=True)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
