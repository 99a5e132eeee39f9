"""The analysis layer on small hand-made records: each figure and verdict the report states."""

import math

import numpy as np
import pytest

from nielsen_net.analysis import measures as analysis

CONFIG = {"sizes": [784, 30, 30, 10], "activation": "relu", "eta": 3.0, "evaluate": "test"}


def record(curve, seed=0, dead=((0.0, 0.0), (0.2, 0.4)), norms=((0.1, 1.0), (1.0, 2.0)),
           diverged=False, seconds=None, test=None):
    """A run record: `curve` is the evaluation accuracy per epoch (fractions)."""
    return {"config": CONFIG | {"seed": seed},
            "history": {"evaluation_accuracy": curve, "training_accuracy": curve,
                        "seconds": seconds or [2.0] * len(curve), "diverged": diverged},
            "diagnostics": {"dead_fraction": [list(d) for d in dead],
                            "bias_gradient_norms": [list(n) for n in norms]},
            "test_accuracy": curve[-1] if test is None else test,
            "seconds": {"train_per_epoch": 2.0}}


SEEDS = [record([0.90, 0.952, 0.950]), record([0.91, 0.948, 0.945], seed=1)]  # peaks 95.2, 94.8


def test_measures_read_the_stated_epoch_in_percent_and_null_as_nan():
    r = record([0.5, 0.9, None, 0.8])  # None: a non-finite value stored as null
    assert analysis.measure(r, "peak") == 90.0
    assert analysis.measure(r, "final") == 80.0
    assert analysis.measure(r, "epoch1") == 50.0
    assert analysis.best_epoch(r) == 2
    assert math.isnan(analysis.measure(record([None]), "peak"))
    assert math.isnan(analysis.best_epoch(record([None])))     # diverged in its first epoch


def test_training_measures_the_gap_and_the_cost_shape():
    r = record([0.5, 0.9, 0.8])
    r["history"]["training_accuracy"] = [0.6, 0.99, 0.97]
    r["history"]["training_cost"] = [2.0, 1.0, 1.5, 0.5, 0.7]
    assert analysis.measure(r, "peak_training") == 99.0
    assert analysis.measure(r, "train_test_gap") == pytest.approx(9.0)   # 99 - 90, in points
    assert analysis.measure(r, "cost_rises") == 2.0       # epochs 3 and 5 rise: a count
    assert analysis.measure(r, "final_cost") == 0.7       # the cost itself, not percent


def test_ordered_epochs_counts_the_epochs_whose_norms_rise_layer_by_layer():
    r = record([0.5], norms=((0.1, 1.0), (1.0, 2.0), (2.0, 1.0), (1.0, 1.0)))
    assert analysis.measure(r, "ordered_epochs") == 50.0  # a tie is not a rise


def test_the_mean_best_epoch_leaves_out_a_run_that_has_none():
    assert analysis.summary([record([0.5, 0.9, 0.8]), record([None], seed=1)])["best_epoch"] == 2


def test_spread_uses_only_finite_values():
    s = analysis.spread([1.0, 3.0, float("nan"), None])
    assert s == {"mean": 2.0, "std": pytest.approx(math.sqrt(2)), "min": 1.0, "max": 3.0, "n": 2}
    assert analysis.spread([None])["n"] == 0


def test_curves_of_runs_that_stopped_early_are_padded_with_nan():
    stacked = analysis.curve([record([0.1, 0.2, 0.3]), record([0.5])], "evaluation_accuracy")
    assert stacked.shape == (2, 3)
    assert np.isnan(stacked[1, 1:]).all() and stacked[1, 0] == 0.5


def test_summary_leaves_diverged_runs_out_of_the_dead_units_only():
    runs = [record([0.9]), record([0.1], seed=1, diverged=True, dead=((0, 0), (1, 1)))]
    s = analysis.summary(runs)
    assert (s["n"], s["diverged"]) == (2, 1)
    assert s["dead_end"]["mean"] == pytest.approx(65.0)          # (30 + 100) / 2
    assert s["dead_end_finished"]["mean"] == pytest.approx(30.0)
    assert s["test"]["mean"] == pytest.approx(50.0)


def test_auc_is_the_probability_a_positive_outscores_a_negative():
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    positive = np.array([False, False, True, True])
    # pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
    assert analysis.roc_auc(scores, positive) == 0.75
    assert analysis.roc_auc(np.ones(4), positive) == 0.5  # all tied: chance
    assert analysis.roc_auc(-scores, positive) == 0.25


def test_roc_curve_runs_from_origin_to_one_one_and_its_area_is_the_auc():
    rng = np.random.default_rng(0)
    scores = rng.random(200)
    positive = rng.random(200) < scores  # informative scores
    fpr, tpr = analysis.roc_curve(scores, positive)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    area = np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)
    assert area == pytest.approx(analysis.roc_auc(scores, positive))


def test_wall_time_sums_the_logged_invocations():
    log = {"invocations": [{"seconds": 60.0, "jobs": 2}, {"seconds": 30.0, "jobs": 1},
                           {"seconds": 5.0, "jobs": 2, "finished": False}]}
    assert analysis.wall_time(log) == {"seconds": 95.0, "jobs": [1, 2], "invocations": 3,
                                       "interrupted": 1}


def test_bench_ratios_are_peers_over_ours_and_ours_over_the_floor_at_ours_threads():
    bench = {"matmul_gflops": {"float64": {"1": 10.0, "2": 20.0}}}
    result = {"dtype": "float64", "flops": 2e9, "ours": {"median": 0.5, "threads": 1},
              "fused": {"median": 0.25}, "torch_step": None}
    ratios = analysis.bench_ratios(bench, result, ["fused", "torch_step"])
    assert ratios == {"fused": 0.5, "torch_step": None, "floor": pytest.approx(2.5)}
    # ours on two threads is held to the two-thread rate, as the bench's own target is
    result["ours"]["threads"] = 2
    assert analysis.bench_ratios(bench, result, [])["floor"] == pytest.approx(5.0)


def test_progress_counts_the_planned_runs_that_are_finished():
    from types import SimpleNamespace
    sweep = SimpleNamespace(seeds={"a": [0, 1, 2], "b": [0]})
    runs = {"a": [record([0.9], seed=0), record([0.9], seed=2)], "stale": [record([0.9])]}
    assert analysis.progress(runs, sweep) == (2, 4)


def test_run_seconds_sums_every_record_s_own_wall_time():
    runs = {"a": [{"seconds": {"wall": 10.0}}, {"seconds": {"wall": 20.0}}]}
    tune = {"a": {0.1: [{"seconds": {"wall": 1.5}}], 0.3: [{"seconds": {"wall": 2.5}}]}}
    assert analysis.run_seconds(runs, tune) == 34.0
    assert analysis.run_seconds({}, {}) == 0.0
