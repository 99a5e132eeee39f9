"""scripts/train.py: a bad --save-model path is refused before training, and its default output
stays out of the committed results/."""

import os
import subprocess
import sys

import pytest

from helpers import ROOT, load_script

train = load_script("train")


def train_cli(*args):
    # MNIST_DIR names no folder: reaching the data at all would be a different error.
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "train.py"), *map(str, args)],
                          capture_output=True, text=True,
                          env=os.environ | {"MNIST_DIR": "/nonexistent"})


@pytest.mark.parametrize("target,message", [
    ("nodir/m.npz", "folder {tmp}/nodir does not exist"),
    ("", "--save-model {tmp} is a folder"),
])
def test_a_bad_save_model_path_fails_before_training(tmp_path, target, message):
    done = train_cli("--epochs", "1", "--save-model", tmp_path / target)
    assert done.returncode != 0
    assert f"error: --save-model {tmp_path / target}" in done.stderr
    assert message.format(tmp=tmp_path) in done.stderr
    assert "training" not in done.stdout


def test_the_default_output_is_outside_results():
    assert train.DEFAULT_OUT_DIR == ROOT / "scratch" / "train"
    assert "scratch/" in (ROOT / ".gitignore").read_text()


def test_help_lists_every_option_s_accepted_values_and_default():
    text = train.build_parser().format_help()
    for names in train.CHOICES.values():
        assert "{" + ",".join(names) + "}" in text
    assert "(default: [784, 30, 10])" in text and "(default: scaled_gaussian)" in text
    assert "(default: None)" not in text


def test_a_setting_not_given_stays_unset_so_a_sweep_s_value_stands():
    args = train.parse_args(["--eta", "0.1", "--no-score-test", "--layers", "conv20", "fc100"])
    assert (args.eta, args.score_test, args.layers) == (0.1, False, ["conv20", "fc100"])
    assert args.epochs is None and args.activation is None and args.halve_eta is None
