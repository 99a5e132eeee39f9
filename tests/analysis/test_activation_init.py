"""Activation x initialisation (nielsen_net.analysis.activation_init): the best pair per depth
against the runner-up, He against the large init, and ReLU nets that start with dead units."""

from types import SimpleNamespace

import pytest

from nielsen_net.analysis import activation_init
from test_analysis import record


def configuration(activation, init, hidden=1):
    return SimpleNamespace(sizes=[784] + [30] * hidden + [10], activation=activation, init=init)


SWEEP = SimpleNamespace(configurations={
    "relu-he": configuration("relu", "he"), "leaky-he": configuration("leaky_relu", "he"),
    "relu-large": configuration("relu", "gaussian"), "sigmoid-he": configuration("sigmoid", "he"),
    "deep": configuration("relu", "he", hidden=3), "not-run": configuration("tanh", "he"),
    "relu-he-biased": configuration("relu", "he_gaussian_biases")})


def runs(tests, dead=((0.0, 0.0), (0.2, 0.4))):
    """A configuration's records with these test accuracies (%) and dead-unit shares."""
    return [record([0.9], seed=seed, test=t / 100, dead=dead) for seed, t in enumerate(tests)]


RUNS = {"relu-he": runs([98.3, 98.4, 98.35]), "leaky-he": runs([98.0, 98.05, 97.95]),
        "relu-large": runs([96.0, 96.2, 96.1], dead=((0.3, 0.1), (0.6, 0.8))),
        "sigmoid-he": runs([99.0]),          # one seed: no claim
        "deep": runs([97.0, 97.1]),          # alone at its depth: no ranking
        "relu-he-biased": runs([98.35, 98.45, 98.4])}


def test_summaries_follow_the_sweep_and_keep_each_configuration_s_test_accuracies():
    found = activation_init.summaries(RUNS, SWEEP)
    assert list(found) == ["relu-he", "leaky-he", "relu-large", "sigmoid-he", "deep",
                           "relu-he-biased"]
    assert found["relu-he"]["tests"] == pytest.approx([98.3, 98.4, 98.35])
    assert found["deep"]["config"] is SWEEP.configurations["deep"]


def test_the_best_per_depth_is_compared_with_the_runner_up_and_he_with_the_large_init():
    ranking = activation_init.ranking(activation_init.summaries(RUNS, SWEEP))
    assert [r["hidden"] for r in ranking] == [1]
    rank, = ranking
    names = {k: rank[k]["config"] for k in ("best", "runner_up", "lowest")}
    assert names == {"best": SWEEP.configurations["relu-he-biased"],
                     "runner_up": SWEEP.configurations["relu-he"],
                     "lowest": SWEEP.configurations["relu-large"]}
    assert rank["comparison"]["difference"] == pytest.approx(0.05)
    assert rank["comparison"]["word"] == "not distinguishable"
    (activation, he, large, c), = rank["he_vs_large"]    # sigmoid has no N(0,1) run
    assert activation == "relu" and c["difference"] == pytest.approx(2.25) and c["lo"] > 0
    (activation, he, biased, c), = rank["he_biases"]     # zero biases against N(0,1) ones
    assert activation == "relu" and biased["config"].init == "he_gaussian_biases"
    assert c["difference"] == pytest.approx(-0.05) and c["word"] == "not distinguishable"


def test_no_claim_at_a_depth_without_two_configurations_of_two_seeds():
    found = activation_init.summaries({"relu-he": RUNS["relu-he"], "sigmoid-he": runs([99.0])},
                                      SWEEP)
    assert activation_init.ranking(found) == []


def test_dead_units_at_the_start_and_the_most_at_the_end_are_relu_s():
    found = activation_init.summaries(RUNS, SWEEP)
    assert [s["config"] for s in activation_init.dead_at_start(found)] == [
        SWEEP.configurations["relu-large"]]                  # 20% dead at initialisation
    assert activation_init.most_dead(found)["config"] is SWEEP.configurations["relu-large"]
    assert activation_init.most_dead({"l": found["leaky-he"]}) is None


def test_the_sampling_error_is_the_binomial_error_at_the_best_mean_accuracy():
    accuracy, error = activation_init.sampling_error(activation_init.summaries(RUNS, SWEEP))
    assert accuracy == pytest.approx(0.99)                   # sigmoid-he's single seed
    assert error == pytest.approx(100 * (0.99 * 0.01 / 10_000) ** 0.5)
