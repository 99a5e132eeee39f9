"""Draw every figure of the sweeps and use cases from their JSON records; never trains.

    python scripts/plots.py [--results DIR] [--sweep NAME ...]

Each study's figures, with what a reader learns from each, live in its module of
`nielsen_net.report` (FIGURES); `nielsen_net.report.drawing` says the rules every figure
follows, and `nielsen_net.report.studies` which sweeps have a study. A use case (regression,
anomaly, inspect) is drawn from its one record. Results may be partial while a sweep runs: a
figure with none of its runs yet (or whose records lack what it needs) is skipped with a printed
line, and a figure with some of them draws those. A study whose results folder does not exist
yet, and a sweep file without a study, are skipped with a printed line.

Left out: training, and numbers in tables (scripts/report.py writes them).
"""

import argparse
import sys
from pathlib import Path

from nielsen_net.experiments.records import BadRecord
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.report.studies import USE_CASES, draw, not_studied_note, studied


def main(argv=None):
    sweeps, not_studied = studied()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results",
                        help="results folder (default: results/)")
    parser.add_argument("--sweep", nargs="+", choices=sweeps + list(USE_CASES),
                        help="sweeps and use cases to draw (default: every one with a folder)")
    args = parser.parse_args(argv)
    everything = sweeps + list(USE_CASES)
    names = args.sweep or [n for n in everything if (args.results / n).is_dir()]
    if not args.sweep:
        for name in not_studied:
            print(not_studied_note(name))
    if not names:
        print(f"nothing to draw: no folder of {', '.join(everything)} in {args.results}")
    try:
        for name in names:
            draw(args.results, name)
    except BadRecord as error:  # the rule of nielsen_net/experiments/records.py: stop, naming it
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
