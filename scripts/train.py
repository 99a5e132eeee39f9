"""Train one network on MNIST and write its result record (JSON).

    python scripts/train.py --sizes 784 30 10 --activation relu --init he --eta 0.1 --epochs 10
    python scripts/train.py --sweep book --run ch1-30 --seed 0

Every setting of `RunConfig` is a flag (--help lists the accepted values and the RunConfig
defaults), or comes from a named configuration of a sweep file, with flags given on the command
line overriding it. The
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
from nielsen_net.experiments.config import SPLITS, TRAINERS, RunConfig
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.run import run
from nielsen_net.experiments.records import write_record
from nielsen_net.data.cli import load_or_exit
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.nn.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from nielsen_net.nn.checks import DTYPES
from nielsen_net.nn.costs import COSTS
from nielsen_net.nn.initializers import INITIALIZERS

DEFAULT_OUT_DIR = PROJECT_ROOT / "scratch" / "train"


# the accepted values of each option that names something, from the library's own tables
CHOICES = {"activation": list(HIDDEN_ACTIVATIONS), "output_activation": list(OUTPUT_ACTIVATIONS),
           "cost": list(COSTS), "init": list(INITIALIZERS), "evaluate": list(SPLITS),
           "dtype": list(DTYPES), "trainer": list(TRAINERS)}
HELP = {  # one line per RunConfig setting (nielsen_net/experiments/config.py says more)
    "sizes": "layer sizes, input first", "activation": "hidden layers' activation",
    "output_activation": "None: the cost's partner", "cost": "the cost function",
    "init": "weight initialiser", "leaky_slope": "used by leaky_relu only",
    "epochs": "epochs to train", "mini_batch_size": "examples per SGD step",
    "eta": "learning rate", "lmbda": "L2 weight decay (divided by n)",
    "mu": "momentum (0: plain SGD)", "no_improvement_in": "stop (or halve eta) after this many "
    "epochs without a better evaluation accuracy (0: never)",
    "halve_eta": "halve eta instead of stopping, down to 1/128", "train_size": "train on the "
    "first this many of the 50,000 training images", "evaluate": "the split scored each epoch",
    "test_each_epoch": "also score test each epoch", "seed": "initial weights and shuffling",
    "dtype": "floating-point precision", "trainer": "book_per_example: the book's loop",
    "score_test": "score the test set at the end", "layers": "a chapter 6 net instead of "
    "--sizes, e.g. conv20 fc100", "dropout": "chapter 6 nets: dropout on fc and softmax inputs",
    "expanded": "train on each image and its four one-pixel shifts",
    "rotations": "and on copies rotated by these angles (degrees), e.g. -15 15"}


class DefaultsShown(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in its help, except where there is none."""

    def _get_help_string(self, action):
        return action.help if action.default is None else super()._get_help_string(action)


def build_parser():
    """The command line; every RunConfig setting is a flag showing its accepted values (where it
    names something) and its RunConfig default."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=DefaultsShown)
    parser.add_argument("--sweep", help="take the configuration from this sweep file ...")
    parser.add_argument("--run", help="... named this (as in its runs/ file names)")
    for f in fields(RunConfig):
        flag, extra = f"--{f.name.replace('_', '-')}", {"help": HELP[f.name]}
        if isinstance(f.default, tuple):
            extra |= {"nargs": "+", "type": {"sizes": int, "rotations": float}.get(f.name, str),
                      "default": list(f.default)}
        elif isinstance(f.default, bool):
            extra |= {"action": argparse.BooleanOptionalAction, "default": f.default}
        else:
            kind = {int: int, float: float}.get(type(f.default), str)
            extra |= {"type": kind, "default": f.default, "choices": CHOICES.get(f.name)}
        parser.add_argument(flag, **extra)
    parser.add_argument("--out", type=Path, help="where to write the JSON record (default: "
                        f"{DEFAULT_OUT_DIR.relative_to(PROJECT_ROOT)}/<timestamp>.json)")
    parser.add_argument("--save-model", type=Path, help="also save the trained network (.npz)")
    return parser


def parse_args(argv=None):
    """The parsed command line, in which a RunConfig setting not given is None (so that a sweep
    configuration's value stands), although --help shows its default."""
    parser = build_parser()
    parser.parse_args(argv)  # --help and bad values end here
    parser.set_defaults(**dict.fromkeys((f.name for f in fields(RunConfig)), None))
    return parser.parse_args(argv)


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
    result, net = run(config, load_or_exit(dtype=config.dtype), progress=True)
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
