"""The report's sections (nielsen_net.report, written by scripts/report.py): formatting rules
that a reader relies on."""

import pytest

from helpers import SWEEPS
from nielsen_net.experiments import records as results
from nielsen_net.experiments.records import load_runs
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.report import dead_relu, fast98, vanishing_gradients
from nielsen_net.report.book import bound, shallower_gradients
from nielsen_net.report.document import report
from nielsen_net.report.markdown import pm
from test_plots import write_runs


def test_an_interval_bound_shows_the_side_of_the_book_s_number_it_falls_on():
    assert bound(95.8123, 96.49) == "95.81"
    assert bound(96.48991, 96.49) == "96.4899"   # 96.49 would hide that it lies below
    assert bound(96.4912, 96.49) == "96.491"


def test_a_single_seed_shows_its_value_and_no_spread():
    assert pm({"n": 1, "mean": 30.0, "std": 0.0}, 1) == "30.0 (1 seed)"
    assert pm({"n": 2, "mean": 97.9, "std": 0.0}) == "97.90 ± 0.00"
    assert pm({"n": 0, "mean": float("nan"), "std": float("nan")}) == "n/a"


@pytest.mark.parametrize("configurations, seeds", [(1, [0, 1]), (3, [0])])
def test_a_report_on_sweeps_still_running_says_in_progress(tmp_path, configurations, seeds):
    """While a sweep runs, the report is drawn from what has finished: a few configurations
    of each sweep, even one seed each, must give a report, not a crash, and say how far each
    sweep is."""
    for sweep in ("activation_init", "dead_relu", "vanishing_gradients", "fast98", "book"):
        for name in list(load_sweep(sweep, SWEEPS).configurations)[:configurations]:
            write_runs(tmp_path, sweep, name, seeds, eta=0.1)
    text = report(tmp_path)
    assert text.count("**In progress:**") == 5


def reach_at(path, epoch):
    """Rewrite the run record at `path` so that its validation accuracy reaches 98% at
    `epoch` (1-based; None: never)."""
    record = results.read_record(path)
    n = len(record["history"]["evaluation_accuracy"])
    record["history"]["evaluation_accuracy"] = [
        0.985 if epoch and k + 1 >= epoch else 0.9 for k in range(n)]
    results.write_record(path, record)


def test_fast98_says_in_words_when_no_variant_reaches_98_in_every_seed(tmp_path):
    runs = tmp_path / "fast98" / "runs"
    for name, epochs in (("plain", [3, None]), ("momentum", [2, None]),
                         ("plain-schedule", [None, None])):
        write_runs(tmp_path, "fast98", name, [0, 1], eta=0.1)
        for seed, epoch in enumerate(epochs):
            reach_at(runs / f"{name},seed={seed}.json", epoch)
    text = fast98.body(tmp_path, load_runs(runs.parent), None)
    assert "No configuration reached 98% validation accuracy in every seed within 3 epochs" in text
    # tied on seeds: fewer epochs first; a variant that never reached it is not named after "then"
    assert ("Most often: **momentum**, 1 of 2 seeds after 2.0 epochs on average, **plain**, 1 of "
            "2 seeds after 3.0 epochs on average.") in text  # plain-schedule never: no "then"
    assert "Ranked by epochs" not in text

    reach_at(runs / "plain,seed=1.json", 3)
    text = fast98.body(tmp_path, load_runs(runs.parent), None)
    assert "every seed of **plain** reached 98%" in text and "No configuration" not in text


def test_fast98_says_when_two_variants_ran_the_same_settings(tmp_path):
    write_runs(tmp_path, "fast98", "plain", [0, 1], eta=0.3)
    write_runs(tmp_path, "fast98", "plain-at-schedule-eta", [0, 1], eta=0.3)
    write_runs(tmp_path, "fast98", "plain-schedule", [0, 1], eta=0.3)
    text = fast98.body(tmp_path, load_runs(tmp_path / "fast98"), None)
    assert ("**plain-at-schedule-eta** has the same settings as **plain** (eta 0.3 in both)"
            ) in text
    assert text.count("has the same settings") == 1     # the schedule differs


def test_a_dead_relu_cell_whose_every_seed_diverged_says_so(tmp_path):
    write_runs(tmp_path, "dead_relu", "relu,sizes=784-100-10,init=he,eta=1.0", [0, 1, 2],
               diverged_seed="all")
    write_runs(tmp_path, "dead_relu", "relu,sizes=784-100-10,init=he,eta=0.1", [0, 1, 2],
               diverged_seed=2)
    text = dead_relu.body(tmp_path, load_runs(tmp_path / "dead_relu"), None)
    row = next(line for line in text.splitlines() if line.startswith("| 1 | relu | he |"))
    # the two finished seeds: 30% dead after write_run's 3 epochs, 90% test accuracy
    assert row == "| 1 | relu | he | 30.0 / 90.00 (1 div.) | all 3 diverged |"
    assert "nan" not in text


def test_a_vanishing_gradients_row_whose_every_seed_diverged_shows_n_a(tmp_path):
    name = "sizes=784-30-30-30-30-10,activation=relu,init=gaussian"
    write_runs(tmp_path, "vanishing_gradients", name, [0, 1, 2], diverged_seed="all")
    for seed in (0, 1, 2):  # a run stopped by the parameter bound keeps finite gradients
        path = tmp_path / "vanishing_gradients" / "runs" / f"{name},seed={seed}.json"
        record = results.read_record(path)
        record["diagnostics"]["bias_gradient_norms"][0] = [30.0, 1.0, 1.0, 1.0]  # exploding
        record["diagnostics"]["bias_gradient_norms"][-1] = [0.0, 0.0, 0.0, 1.0]
        results.write_record(path, record)
    text = vanishing_gradients.body(tmp_path, load_runs(tmp_path / "vanishing_gradients"), None)
    row = next(line for line in text.splitlines() if line.startswith("| 4 | relu | gaussian |"))
    assert row == "| 4 | relu | gaussian | 30 | n/a | n/a | 3 |"
    assert "(exploding) for: relu with gaussian init (30; 3 of 3 seeds diverged)." in text
    assert "nan" not in text


def test_gradient_norms_without_a_book_number_are_given_as_ours_alone(tmp_path):
    write_runs(tmp_path, "book", "ch5-depth-2", [0, 1], gradient=0.01)
    write_runs(tmp_path, "book", "ch5-depth-4", [0, 1], gradient=0.01)
    text = shallower_gradients(load_runs(tmp_path / "book"), load_sweep("book", SWEEPS))
    assert "- **ch5-depth-2** (2 hidden layers, 2 seeds): 0.010, 0.010, first layer to last." \
        in text
    assert "ch5-depth-4" not in text  # the book's numbers judge it in the table
    assert shallower_gradients({}, load_sweep("book", SWEEPS)) == ""
