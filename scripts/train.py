"""Train one network on MNIST and write its result record (JSON).

    python scripts/train.py --sizes 784 30 10 --activation relu --init he --eta 0.1 --epochs 10
    python scripts/train.py --sweep book --run ch1-30 --seed 0

Every setting of `RunConfig` is a flag (its default is the RunConfig default), or comes from a
named configuration of a sweep file, with flags given on the command line overriding it. The
record (config, seed, versions, git commit, history, diagnostics, test accuracy, timing) goes
to --out (default: scratch/train/<timestamp>.json, outside the committed results/); --save-model
also writes the network (.npz), into a folder checked before training starts.
"""

import argparse
import datetime
import os
import sys
from dataclasses import fields
from pathlib import Path

from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.run import run
from nielsen_net.experiments.records import write_record
from nielsen_net.data.mnist import load_mnist
from nielsen_net.experiments.sweeps import load_sweep

DEFAULT_OUT_DIR = PROJECT_ROOT / "scratch" / "train"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", help="take the configuration from this sweep file ...")
    parser.add_argument("--run", help="... named this (as in its runs/ file names)")
    for f in fields(RunConfig):
        if f.name == "sizes":
            parser.add_argument("--sizes", type=int, nargs="+")
        elif f.type is bool:
            parser.add_argument(f"--{f.name.replace('_', '-')}", action="store_true",
                                default=None)
        else:
            kind = {int: int, float: float}.get(type(f.default), str)
            parser.add_argument(f"--{f.name.replace('_', '-')}", type=kind)
    parser.add_argument("--out", type=Path, help="where to write the JSON record")
    parser.add_argument("--save-model", type=Path, help="also save the trained network (.npz)")
    return parser.parse_args()


def config_from(args):
    flags = {f.name: getattr(args, f.name) for f in fields(RunConfig)
             if getattr(args, f.name) is not None}
    if args.sweep is None:
        return RunConfig.from_dict(flags)
    sweep = load_sweep(args.sweep, Path(__file__).resolve().parent / "sweeps")
    if args.run not in sweep.configurations:
        raise ValueError(f"sweep {sweep.name!r} has no configuration {args.run!r}; valid: "
                         f"{', '.join(sweep.configurations)}")
    return RunConfig.from_dict(sweep.configurations[args.run].to_dict() | flags)


def check_model_path(path):
    """Refuse a --save-model path that saving would fail on, so no training is lost to it."""
    if path.is_dir():
        raise ValueError(f"--save-model {path} is a folder; give a file name such as "
                         f"{path / 'model.npz'}")
    folder = path.parent
    if not folder.is_dir():
        raise ValueError(f"--save-model {path}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"--save-model {path}: folder {folder} is not writable")


def main():
    args = parse_args()
    try:
        config = config_from(args)
        if args.save_model:
            check_model_path(args.save_model)
    except ValueError as error:
        sys.exit(f"error: {error}")
    print(f"training {config}")
    env = environment()
    result, net = run(config, load_mnist(dtype=config.dtype), progress=True)
    result["environment"] = env
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or DEFAULT_OUT_DIR / f"{stamp}.json"
    write_record(out, result)
    history = result["history"]
    print(f"test accuracy {result['test_accuracy']:.4f} after {len(history['seconds'])} epochs"
          f"{' (diverged)' if history['diverged'] else ''}; "
          f"{result['seconds']['train_per_epoch']:.2f} s per epoch; wrote {out}")
    if args.save_model:
        net.save(args.save_model)
        print(f"saved the network to {args.save_model}")


if __name__ == "__main__":
    main()
