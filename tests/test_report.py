"""The report's verdicts: computed from the runs by the stated rule, never by hand."""

import pytest

from helpers import load_script

report = load_script("report")
CONFIG = {"sizes": [784, 30, 10], "activation": "sigmoid", "cost": "quadratic",
          "init": "gaussian", "eta": 3.0, "lmbda": 0.0, "epochs": 3, "train_size": 50_000,
          "dtype": "float64", "evaluate": "test", "seed": 0}


def record(curve, seed=0):
    return {"config": CONFIG | {"seed": seed},
            "history": {"evaluation_accuracy": curve, "training_accuracy": curve},
            "test_accuracy": curve[-1]}


SEEDS = [record([0.90, 0.952, 0.950]), record([0.91, 0.948, 0.945], seed=1)]  # peaks 95.2, 94.8


@pytest.mark.parametrize("value,verdict", [
    (95.0, "reproduced"),   # inside [94.8, 95.2]
    (95.49, "reproduced"),  # within 0.3 points above the best seed
    (94.51, "reproduced"),  # within 0.3 points below the worst seed
    (95.6, "differs"),
    (94.4, "differs"),
])
def test_approx_verdict_widens_the_range_over_seeds_by_the_tolerance(value, verdict):
    row = report.verdict_row({"row": "r", "measure": "peak", "value": value}, SEEDS, {})
    assert row[-1] == verdict
    assert row[3].startswith("95.00 ± 0.28 [94.80-95.20] (2)")


@pytest.mark.parametrize("relation,value,verdict", [
    ("above", 94.7, "reproduced"), ("above", 95.0, "differs"),
    ("below", 95.4, "reproduced"), ("below", 94.6, "differs"),
])
def test_above_and_below_hold_for_every_seed_up_to_the_tolerance(relation, value, verdict):
    check = {"row": "r", "measure": "final", "value": value, "relation": relation}
    assert report.verdict_row(check, SEEDS, {})[-1] == verdict  # finals 95.0 and 94.5


def test_above_run_compares_means():
    check = {"row": "r", "measure": "final", "relation": "above_run", "other": "low"}
    low = [record([0.5, 0.6, 0.7])]
    assert report.verdict_row(check, SEEDS, {"low": low})[-1] == "reproduced"
    assert report.verdict_row(check, low, {"low": SEEDS})[-1] == "differs"
