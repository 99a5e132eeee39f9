"""Tuning: the choice over seeds, and the grid grown until the choice is inside it."""

import pytest

from nielsen_net.experiments import tuning


def records(*finals, diverged=False):
    return [{"history": {"evaluation_accuracy": [0.5, f], "diverged": diverged}} for f in finals]


def test_the_best_mean_over_seeds_wins_not_the_best_single_seed():
    results = {0.1: records(0.95, 0.95), 0.3: records(0.99, 0.90), 1.0: records(0.93, 0.94)}
    assert tuning.choose_eta(results) == 0.1


def test_an_eta_with_a_diverged_seed_never_wins_and_ties_go_to_the_smaller():
    results = {0.1: records(0.95, 0.95), 0.3: records(0.95, 0.95),
               1.0: records(0.99) + records(0.1, diverged=True)}
    assert tuning.choose_eta(results) == 0.1
    assert tuning.choose_eta({1.0: records(0.1, diverged=True)}) is None


def test_a_non_finite_final_accuracy_counts_as_diverged():
    assert tuning.score(records(0.9, float("nan"))) is None


@pytest.mark.parametrize("grid, chosen, grown", [
    ([0.1, 0.3, 1.0], 1.0, [0.1, 0.3, 1.0, 3.0]),
    ([0.1, 0.3, 1.0, 3.0], 3.0, [0.1, 0.3, 1.0, 3.0, 10.0]),
    ([0.001, 0.003, 0.01], 0.001, [0.0003, 0.001, 0.003, 0.01]),
    ([0.0003, 0.001, 0.003], 0.0003, [0.0001, 0.0003, 0.001, 0.003]),
    ([0.5, 1.0, 2.0], 2.0, [0.5, 1.0, 2.0, 4.0]),
    ([1.0, 2.0], 2.0, [1.0, 2.0, 4.0]),
    ([1.0, 2.0], None, [0.5, 1.0, 2.0]),          # every candidate diverged: go down
    ([0.1, 0.3, 1.0], 0.3, [0.1, 0.3, 1.0])])     # inside: nothing to add
def test_next_grid_repeats_the_grid_spacing_beyond_the_edge(grid, chosen, grown):
    assert tuning.next_grid(grid, chosen) == grown
    assert tuning.at_edge(grid, chosen) == (grown != grid)


def test_next_grid_needs_two_values():
    with pytest.raises(ValueError, match="at least 2 values"):
        tuning.next_grid([0.1], 0.1)
