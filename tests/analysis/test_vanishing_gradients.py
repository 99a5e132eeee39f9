"""Vanishing gradients (nielsen_net.analysis.vanishing_gradients): the first/last layer ratio,
its classes, a configuration's row and the classes of the deepest nets."""

import math

import pytest

from nielsen_net.analysis import vanishing_gradients as vg
from test_analysis import record


@pytest.mark.parametrize("r0,r1,accuracy,expected", [
    (0.05, 1.0, 95.0, "vanishing"),
    (20.0, 1.0, 95.0, "exploding"),
    (1.0, 0.5, 95.0, "kept"),
    (1.0, 0.05, 95.0, None),   # vanishes during training
    (1.0, 1.0, 80.0, None),    # does not learn well enough
    (float("nan"), 1.0, 95.0, None),
])
def test_gradient_classes(r0, r1, accuracy, expected):
    assert vg.gradient_class(r0, r1, accuracy) == expected


def test_gradient_ratio_is_first_over_last_and_nan_without_gradient():
    r = record([0.9], norms=((0.1, 1.0), (0.0, 0.0)))
    assert vg.gradient_ratio(r, 0) == pytest.approx(0.1)
    assert math.isnan(vg.gradient_ratio(r, -1))


def run(norms, accuracy=0.95, diverged=False, init="gaussian"):
    return {"config": {"sizes": [784, 30, 30, 30, 30, 10], "activation": "sigmoid",
                       "init": init},
            "history": {"evaluation_accuracy": [accuracy], "diverged": diverged},
            "diagnostics": {"bias_gradient_norms": norms}}


def test_a_row_takes_the_ratio_after_training_and_the_accuracy_over_seeds_that_did_not_diverge():
    row = vg.depth_row([run([[0.01, 1.0], [0.5, 1.0]]), run([[0.03, 1.0], [0.2, 1.0]]),
                        run([[0.02, 1.0], [5.0, 1.0]], accuracy=None, diverged=True)])
    assert (row["hidden"], row["activation"], row["init"]) == (4, "sigmoid", "gaussian")
    assert (row["n"], row["diverged"]) == (3, 1)
    assert row["ratio_init"]["mean"] == pytest.approx(0.02)      # every seed at initialisation
    assert row["ratio_end"]["mean"] == pytest.approx(0.35)       # the two that did not diverge
    assert row["final"]["n"] == 2 and row["class"] == "vanishing"


def test_the_classes_are_those_of_the_deepest_nets_in_order():
    rows = [{"hidden": 4, "activation": "relu", "init": "he", "class": "kept"},
            {"hidden": 4, "activation": "relu", "init": "gaussian", "class": "exploding"},
            {"hidden": 2, "activation": "relu", "init": "xavier", "class": "vanishing"},
            {"hidden": 4, "activation": "sigmoid", "init": "he", "class": "vanishing"},
            {"hidden": 4, "activation": "relu", "init": "gaussian", "class": "vanishing"},
            {"hidden": 4, "activation": "tanh", "init": "he", "class": None}]
    classes = vg.deepest_classes(rows)
    assert {cls: [(r["activation"], r["init"]) for r in found]
            for cls, found in classes.items()} == {
        "vanishing": [("relu", "gaussian"), ("sigmoid", "he")],
        "exploding": [("relu", "gaussian")], "kept": [("relu", "he")]}
