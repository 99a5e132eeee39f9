"""What the use-case scripts (regression.py, anomaly.py) share: the command line, the TOML
config under scripts/configs/, and not retraining when the record is up to date.

Left out: training and drawing (each script trains; scripts/plots.py draws from the record).
"""

import argparse
import sys
import tomllib
from pathlib import Path

from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import read_if_present

CONFIGS = PROJECT_ROOT / "scripts" / "configs"


def start(name, doc):
    """Parse the command line of use case `name`; return (config, record path, environment),
    or exit when the record there already holds this config (unless --force). The environment
    is taken now, before training, so a commit made meanwhile is not credited with the run."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results")
    parser.add_argument("--force", action="store_true", help="retrain even if up to date")
    args = parser.parse_args()
    with open(CONFIGS / f"{name}.toml", "rb") as f:
        config = tomllib.load(f)
    path = args.results / name / f"{name}.json"
    try:
        done = read_if_present(path)
    except ValueError as error:
        sys.exit(f"error: {error}")
    if done is not None and done.get("config") == config and not args.force:
        print(f"{path} is up to date with scripts/configs/{name}.toml; --force retrains")
        sys.exit(0)
    return config, path, environment()
