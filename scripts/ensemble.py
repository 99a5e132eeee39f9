"""The book's last chapter 6 result: let the dropout nets vote (book: 99.67% for 5 nets), and
write <results>/conv/ensemble.json: the vote's test accuracy, each member's, its confusion
matrix and every test image it gets wrong (pixels 0-255), for the report and its figure.

The nets are the first 5 finished runs of the conv sweep's `ch6-dropout` row, in seed order;
each voted with its test predictions as it ended training (kept in its record). With fewer
than 5 finished, it says how many and writes nothing; a vote already written by the same 5 runs
is left as it is.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

from nielsen_net.analysis.ladder import VOTERS, ensemble
from nielsen_net.data.cli import load_or_exit
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import load_runs, read_if_present, write_record
from nielsen_net.paths import PROJECT_ROOT

ROW = "ch6-dropout"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results",
                        help="results folder holding conv/ (default: results/)")
    args = parser.parse_args()
    records = load_runs(args.results / "conv").get(ROW, []) if (
        args.results / "conv" / "runs").is_dir() else []
    out = args.results / "conv" / "ensemble.json"
    stored = read_if_present(out)
    voters = [r["run_id"] for r in records if r.get("test_predictions") is not None][:VOTERS]
    if stored is not None and stored["run_ids"] == voters:
        print(f"{out} is up to date (the same {VOTERS} runs voted)")
        return
    test = load_or_exit().test
    vote = ensemble(records, test.y)
    if vote is None:
        sys.exit(f"the vote needs {VOTERS} finished {ROW} runs; {len(records)} in "
                 f"{args.results / 'conv' / 'runs'} (make conv runs them)")
    images = np.rint(test.X[vote["wrong"]] * 255).astype(int)
    write_record(out, vote | {"row": ROW, "wrong_images": images.tolist(), "run_ids": voters,
                              "environment": environment()})
    print(f"vote of {VOTERS} {ROW} nets: {vote['accuracy']:.2f}% "
          f"(members {min(vote['members']):.2f}-{max(vote['members']):.2f}%); wrote {out}")


if __name__ == "__main__":
    main()
