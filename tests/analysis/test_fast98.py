"""The fastest way to 98% (nielsen_net.analysis.fast98): epochs to the target, the ranking, the
runner-up's interval, who came closest when no configuration got there in every seed, and
configurations that ran the same settings."""

import pytest

from nielsen_net.analysis import fast98
from test_analysis import record


def reaching_at(epoch, seed=0, epochs=6):
    """A run whose validation accuracy first reaches 98% at `epoch` (1-based; None: never)."""
    return record([0.985 if epoch and k + 1 >= epoch else 0.9 for k in range(epochs)], seed=seed)


def test_epochs_to_target_counts_epochs_and_training_seconds_up_to_the_first_hit():
    r = record([0.97, 0.981, 0.975, 0.99], seconds=[1.0, 2.0, 4.0, 8.0])
    assert fast98.epochs_to(r, 0.98) == (2, 3.0)
    assert fast98.epochs_to(record([0.97, None]), 0.98) is None
    reached = {"a": fast98.reaching([r, record([0.99], seconds=[5.0])], 0.98),
               "b": fast98.reaching([r, record([0.5])], 0.98),     # one seed never gets there
               "c": fast98.reaching([record([0.99], seconds=[4.0])], 0.98)}
    assert reached["b"]["reached"] == 1 and reached["a"]["seconds"]["mean"] == 4.0
    # ranked by epochs over the configurations every seed of which got there: c (1), a (1.5)
    assert fast98.ranked_by_epochs(reached) == ["c", "a"]
    assert fast98.ranked_by_epochs({"b": reached["b"]}) == []
    assert fast98.epochs_to_target([r, record([0.5])], 0.98) == [2, pytest.approx(float("nan"),
                                                                                 nan_ok=True)]


def ranking(epochs):
    """(runs, reached, ranked) of {configuration: [epoch per seed]}."""
    runs = {name: [reaching_at(e, seed) for seed, e in enumerate(seeds)]
            for name, seeds in epochs.items()}
    reached = {name: fast98.reaching(records, fast98.TARGET) for name, records in runs.items()}
    return runs, reached, fast98.ranked_by_epochs(reached)


def test_the_best_saves_epochs_against_the_runner_up_with_a_welch_interval():
    runs, reached, ranked = ranking({"slow": [4, 5, 4], "fast": [1, 2, 1]})
    assert ranked == ["fast", "slow"]
    c = fast98.against_runner_up(runs, reached, ranked)
    assert c["difference"] == pytest.approx(3.0)    # the runner-up's epochs minus the best's
    assert c["word"] == "higher" and 0 < c["lo"] < 3 < c["hi"]


@pytest.mark.parametrize("epochs", [
    {"fast": [1, 1], "slow": [2, 2]},     # no spread: no interval
    {"fast": [1], "slow": [3]},           # one seed a side
    {"fast": [1, 2]},                     # no runner-up
])
def test_no_interval_against_the_runner_up_without_two_seeds_a_side_and_some_spread(epochs):
    assert fast98.against_runner_up(*ranking(epochs)) is None


def test_when_none_reached_it_in_every_seed_the_most_often_come_first():
    _, reached, ranked = ranking({"a": [2, None], "b": [None, 3], "never": [None, None],
                                  "e": [4, 5, None, None]})
    assert ranked == []
    assert fast98.most_often(reached) == (["e"], ["a", "b"])   # 2 seeds, then 1 (fewer epochs)
    assert fast98.most_often({"never": reached["never"]}) == ([], [])


def test_configurations_with_the_same_settings_are_paired_in_order():
    def runs(eta):
        return [{"config": {"eta": eta, "mu": 0.0, "seed": seed}} for seed in (0, 1)]
    found = {"plain": runs(0.3), "other": runs(0.1), "twin": runs(0.3), "again": runs(0.3)}
    assert fast98.same_settings(found) == [("plain", "twin"), ("plain", "again"),
                                           ("twin", "again")]
