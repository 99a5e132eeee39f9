"""The eta-horizon check: the tuning rule applied at two budgets to the same runs."""

import pytest

from nielsen_net.analysis import eta_horizon


def run(eta, seed, curve, diverged=False, activation="relu"):
    return {"config": {"sizes": [784, 100, 10], "activation": activation, "eta": eta,
                       "seed": seed, "epochs": len(curve)},
            "history": {"evaluation_accuracy": curve, "diverged": diverged}}


# eta 0.1 leads after 2 epochs, eta 0.01 catches up and wins by epoch 4
SLOW = [run(0.01, 100 + k, [0.80, 0.85, 0.95, 0.97 + 0.001 * k]) for k in (0, 1)]
FAST = [run(0.1, 100 + k, [0.90, 0.92, 0.93, 0.94 - 0.001 * k]) for k in (0, 1)]


def test_cells_group_the_candidates_of_one_configuration_by_eta():
    other = [run(0.1, 100, [0.5], activation="sigmoid")]
    found = eta_horizon.cells({"b": FAST, "a": SLOW, "c": other})
    assert [list(by_eta) for by_eta in found.values()] == [[0.01, 0.1], [0.1]]


def test_a_choice_that_flips_with_the_budget_does_not_hold():
    found = eta_horizon.horizon({0.01: SLOW, 0.1: FAST}, short=2)
    assert found["chosen_short"] == 0.1 and found["chosen_full"] == 0.01
    assert not found["holds"]
    assert found["short"][0.1] == pytest.approx(0.92)
    assert found["cost"]["difference"] == pytest.approx(100 * (0.9705 - 0.9395))
    assert found["cost"]["word"] == "higher"


def test_a_choice_that_wins_at_both_budgets_holds():
    found = eta_horizon.horizon({0.01: SLOW, 0.1: FAST}, short=4)
    assert found["holds"] and found["cost"] is None


def test_a_run_that_diverges_after_the_short_budget_counts_only_at_the_full_one():
    late = [run(0.1, s, [0.90, 0.92, float("nan")], diverged=True) for s in (100, 101)]
    found = eta_horizon.horizon({0.01: SLOW, 0.1: late}, short=2)
    assert found["short"][0.1] == pytest.approx(0.92) and found["full"][0.1] is None
    assert found["chosen_short"] == 0.1 and found["chosen_full"] == 0.01
    assert found["cost"] is None  # no accuracy to compare with: the short choice diverged


def test_the_first_epochs_are_checked_against_the_tuning_runs_exactly():
    tuned = {0.01: [run(0.01, 100, [0.80, 0.85]), run(0.01, 101, [0.80, 0.86])]}
    k, n, largest = eta_horizon.same_as_tuning({0.01: SLOW, 0.1: FAST}, tuned, 2)
    assert (k, n) == (1, 2) and largest == pytest.approx(0.01)


def test_tuning_runs_are_found_whatever_their_budget():
    short, full = run(0.1, 100, [0.5]), run(0.3, 101, [0.5, 0.6])
    assert eta_horizon.cell_of(short["config"], eta_horizon.BUDGET_FREE) == \
        eta_horizon.cell_of(full["config"], eta_horizon.BUDGET_FREE)
    assert eta_horizon.cell_of(short["config"]) != eta_horizon.cell_of(full["config"])
