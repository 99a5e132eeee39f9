"""A tiny run of the whole pipeline (`make smoke`): sweeps, plots and report into scratch/.

The sweeps (of chapter 6, its first conv rung) run for one epoch on a few hundred training
images, then the plots and the report are drawn from their files, exactly as `make reproduce`
does at full size. It fails if any step fails, if a run file or figure is missing, or if the
best configuration of the activation x init sweep scores below BAR on the test set.

    python scripts/smoke.py [--out scratch]
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from nielsen_net.experiments.records import load_runs
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.paths import PROJECT_ROOT, SWEEPS

BAR = 0.80  # test accuracy the best configuration must reach after 1 epoch on 1,000 images
STEPS = [
    ["sweep.py", "activation_init", "--epochs", "1", "--limit-train", "1000"],
    ["sweep.py", "book", "--epochs", "1", "--limit-train", "300"],
    ["sweep.py", "conv", "--only", "ch6-conv1", "--epochs", "1", "--limit-train", "300"],
    ["plots.py"],
    ["report.py"],
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "scratch")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    for step in STEPS:
        command = [sys.executable, str(PROJECT_ROOT / "scripts" / step[0]), *step[1:],
                   "--results", str(args.out)]
        print("$", " ".join(command[1:]), flush=True)
        subprocess.run(command, check=True)
    runs = load_runs(args.out / "activation_init")
    best = max((r["test_accuracy"] for records in runs.values() for r in records
                if not r["history"]["diverged"]), default=0.0)  # a diverged run scores NaN
    figures = sorted(args.out.glob("*/*.png"))
    problems = []
    planned = len(load_sweep("activation_init", SWEEPS).configurations)
    if len(runs) != planned:
        problems.append(f"expected {planned} activation_init configurations, found {len(runs)}")
    if best < BAR:
        problems.append(f"best test accuracy {best:.3f} is below the bar {BAR}")
    if len(load_runs(args.out / "conv").get("ch6-conv1", [])) != 3:
        problems.append("expected 3 ch6-conv1 runs")
    if not figures or not (args.out / "README.md").exists():
        problems.append("no figures or no report were written")
    print(f"smoke: best test accuracy {best:.3f} (bar {BAR}), {len(figures)} figures")
    if problems:
        sys.exit("smoke FAILED: " + "; ".join(problems))
    print("smoke passed")


if __name__ == "__main__":
    main()
