"""Write results/README.md from the run files: what was run, tables, plots and findings.

    python scripts/report.py [--results DIR] [--out FILE]

The text is `nielsen_net.report.document.report`: every number comes from the JSON records under
results/ and every finding is computed from them (nielsen_net.analysis), so regenerating the
report after new runs keeps it true. A part whose runs are missing says so; a sweep file without
a study (`nielsen_net.report.studies`) is left out, with a printed line.
"""

import argparse
import sys
from pathlib import Path

from nielsen_net.experiments.records import BadRecord
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.report.document import report
from nielsen_net.report.studies import not_studied_note, studied


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results")
    parser.add_argument("--out", type=Path, help="where to write (default: <results>/README.md)")
    args = parser.parse_args(argv)
    for name in studied()[1]:
        print(not_studied_note(name))
    try:
        text = report(args.results)
    except BadRecord as error:  # the rule of nielsen_net/experiments/records.py: stop, naming it
        sys.exit(f"error: {error}")
    out = args.out or args.results / "README.md"
    out.write_text(text)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
