"""Sweep hardening: a sweep file is checked whole before any work, and no name it holds can
become a path outside the results folder."""

import os
import subprocess
import sys

import pytest

from helpers import ROOT, SWEEPS
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.sweeps import RUN_NAME_PATTERN, check_name, load_sweep

HEAD = "name = 'x'\n[defaults]\nsizes = [784, 8, 10]\n"


def sweep_file(tmp_path, text):
    path = tmp_path / "x.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text,match", [
    ("name = '../../x'\n", r"sweep name '../../x' is not a safe file name"),
    ("name = '/tmp/x'\n", r"sweep name '/tmp/x' is not a safe file name"),
    ("name = 5\n", r"sweep name 5 is not a safe file name"),
    (HEAD + "[runs.'../../../x']\n", r"run name '../../../x' is not a safe file name"),
    (HEAD + "[runs.'.hidden']\n", r"run name '.hidden' is not a safe file name"),
    (HEAD + "[grid]\nactivation = ['../x']\n", r"configuration name 'activation=../x' is not"),
])
def test_names_that_would_leave_the_results_folder_are_refused(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_sweep(sweep_file(tmp_path, text))


def test_the_name_pattern_takes_every_committed_name():
    for name in ("book", "activation_init"):
        sweep = load_sweep(name, SWEEPS)
        assert RUN_NAME_PATTERN.fullmatch(sweep.name)
        assert all(RUN_NAME_PATTERN.fullmatch(c) for c in sweep.configurations)
    assert check_name("run", "sizes=784-30-10,eta=1e-05") == "sizes=784-30-10,eta=1e-05"


@pytest.mark.parametrize("text,match", [
    (HEAD + "[grid]\nactivation = 'relu'\n",
     r"grid axis 'activation' must be a non-empty list .* activation = \['relu'\]"),
    (HEAD + "[grid]\neta = []\n", r"grid axis 'eta' must be a non-empty list"),
    (HEAD.replace("\n[", "\nseeds = []\n[", 1), r"seeds must be a non-empty list"),
    (HEAD.replace("\n[", "\nseeds = 3\n[", 1), r"seeds must be .* got 3"),
    (HEAD.replace("\n[", "\nseeds = ['a']\n[", 1), r"seeds must be .* got \['a'\]"),
    (HEAD.replace("\n[", "\nseeds = [-1]\n[", 1), r"seeds must be .* integers >= 0; got \[-1\]"),
    (HEAD.replace("\n[", "\nseeds = [1, 1]\n[", 1), r"seeds must be .* distinct"),
    (HEAD.replace("\n[", "\nseeds = [true]\n[", 1), r"seeds must be"),
    (HEAD + "[runs.a]\nseeds = [-2]\n", r"\[runs.a\] seeds must be"),
    ("name = 'x'\nruns = [1, 2]\n", r"\[runs\] must be a table; got \[1, 2\]"),
    ("name = 'x'\n[runs]\n", r"\[runs\] holds no run"),
    ("name = 'x'\ndefaults = 3\n", r"\[defaults\] must be a table"),
    ("name = 'x'\ndescription = 3\n", r"description must be a string"),
    (HEAD + "[runs.a]\nbook = 3\n", r"\[runs.a\] book must be a list of tables"),
    (HEAD + "[tune]\neta = []\n", r"\[tune\] eta must be a list of at least 2"),
    (HEAD + "[tune]\neta = 0.1\n", r"\[tune\] eta must be a list of at least 2"),
    (HEAD + "[tune]\neta = [0.1]\n", r"\[tune\] eta must be a list of at least 2"),
    (HEAD + "[tune]\neta = [0.0, 1.0]\n", r"\[tune\] eta must be > 0"),
    (HEAD + "[tune]\neta = ['a', 1.0]\n", r"\[tune\] eta must be a number"),
    (HEAD + "[tune]\neta = [1.0, 2.0]\nepochs = 0\n", r"\[tune\] epochs must be > 0"),
    (HEAD + "[tune]\neta = [1.0, 2.0]\nepochs = 2.5\n", r"\[tune\] epochs must be an integer"),
    (HEAD + "[tune]\neta = [1.0, 2.0]\nseed = 1\n", r"\[tune\] keys \['seed'\] are unknown"),
    (HEAD + "[tune]\neta = [1.0, 2.0]\nseeds = []\n", r"\[tune\] seeds must be a non-empty"),
    (HEAD + "[tune]\neta = [1.0, 2.0]\nseeds = [-1, 2]\n", r"\[tune\] seeds must be a non-emp"),
    (HEAD + "[tune]\neta = [1.0, 2.0]\nseeds = [2]\n", r"\[tune\] needs at least 2 seeds"),
    (HEAD + "train_size = 60000\n", r"train_size must be at most 50,000"),
    (HEAD + "halve_eta = 'no'\n", r"halve_eta must be true or false; got 'no'"),
    (HEAD + "test_each_epoch = 1\n", r"test_each_epoch must be true or false; got 1"),
    (HEAD + "evaluate = 5\n", r"unknown evaluate split 5"),
    ("name = 'x'\n[defaults\n", r"x.toml: not valid TOML"),
])
def test_bad_sweep_files_are_refused_whole_with_the_problem_named(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_sweep(sweep_file(tmp_path, text))


def test_tune_takes_several_seeds_and_book_entries_with_extra_keys(tmp_path):
    text = (HEAD + "[runs.a]\nbook = [{row = 'r', chapter = 1, reason = 'why'}]\n"
            "[tune]\neta = [0.1, 1.0]\nseeds = [7, 8, 9]\n")
    sweep = load_sweep(sweep_file(tmp_path, text))
    assert sweep.tune["seeds"] == [7, 8, 9]
    assert sweep.notes["a"] == [{"row": "r", "chapter": 1, "reason": "why"}]


def test_train_size_beyond_the_training_split_is_refused_by_the_config():
    with pytest.raises(ValueError, match="train_size must be at most 50,000"):
        RunConfig(train_size=60_000)


def sweep_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"), *map(str, args)],
                          capture_output=True, text=True, env=os.environ | {"MNIST_DIR": "/nope"})


@pytest.mark.parametrize("args,message", [
    (["book", "--jobs", "0"], "argument --jobs: must be an integer >= 1; got '0'"),
    (["book", "--limit-train", "60000"], "error: book.toml: configuration 'ch1-30': train_size"),
    (["book", "--epochs", "0"], "error: book.toml: configuration 'ch1-30': epochs must be > 0"),
    (["nope.toml"], "error: sweep file nope.toml does not exist"),
])
def test_the_runner_refuses_bad_arguments_before_any_work(args, message, tmp_path):
    done = sweep_cli(*args, "--results", tmp_path)
    assert done.returncode != 0 and message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
