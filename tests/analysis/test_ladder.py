"""Chapter 6's findings: the vote, the book's best-of-3, one rung's row."""

import numpy as np
import pytest

from helpers import layered_record
from nielsen_net.analysis.ladder import VOTERS, best_of, ensemble, ladder_row, vote


def test_the_vote_is_the_plurality_and_a_tie_goes_to_the_first_net_or_the_lowest_digit():
    predictions = [[1, 2, 3, 5],
                   [1, 4, 4, 6],
                   [7, 4, 3, 7],
                   [7, 2, 9, 8],
                   [1, 9, 9, 9]]
    # image 0: 1 has three votes; image 1: 2 and 4 tie, the first net chose 2;
    # image 2: 3 and 9 tie (and 4 has one), the first chose 3; image 3: all differ, first wins
    assert vote(predictions).tolist() == [1, 2, 3, 5]
    assert vote([[0, 3], [2, 1]]).tolist() == [0, 3]
    # a tie the first net is not part of goes to the lowest tied digit
    assert vote([[5], [2], [2], [8], [8]]).tolist() == [2]


def test_best_of_takes_the_best_of_the_first_three_seeds_and_needs_three():
    assert best_of([98.1, 98.9, 98.5, 99.9]) == 98.9
    assert best_of([98.1, 98.9]) is None
    assert best_of([98.1, float("nan"), 98.5]) is None


def test_the_ensemble_waits_for_five_nets_then_counts_its_own_and_its_members_accuracy():
    labels = np.array([0, 1, 2, 3])
    right = [0, 1, 2, 3]
    nets = [layered_record(s, [0.9], [0.9], predictions=p) for s, p in
            enumerate([right, [0, 1, 2, 0], [0, 1, 0, 0], right, [1, 1, 2, 3]])]
    assert ensemble(nets[:VOTERS - 1], labels) is None
    result = ensemble(nets, labels)
    assert result["accuracy"] == 100.0
    assert result["members"] == [100.0, 75.0, 50.0, 100.0, 75.0]
    assert result["seeds"] == [0, 1, 2, 3, 4]
    assert np.trace(result["confusion"]) == 4 and result["wrong"] == []
    wrong = [layered_record(s, [0.9], [0.9], predictions=[0, 1, 2, 9]) for s in range(5)]
    result = ensemble(wrong, labels)
    assert (result["wrong"], result["wrong_labels"], result["wrong_votes"]) == ([3], [3], [9])
    assert result["confusion"][3][9] == 1


def test_a_rung_is_judged_at_the_best_validation_epoch_with_the_book_s_best_of_three():
    check = {"row": "ch6-conv1", "chapter": 6, "measure": "test_at_best_validation",
             "value": 98.78}
    records = [layered_record(0, [0.97, 0.99, 0.98], [0.980, 0.988, 0.990], wall=600),
               layered_record(1, [0.99, 0.98, 0.97], [0.986, 0.990, 0.991], wall=660),
               layered_record(2, [0.96, 0.97, 0.99], [0.980, 0.981, 0.987], wall=720)]
    row = ladder_row(check, records, {"ch6-conv1": records})
    assert row["ours"]["mean"] == pytest.approx((98.8 + 98.6 + 98.7) / 3)
    assert row["best_of"] == pytest.approx(98.8)
    assert row["best_epoch"]["mean"] == pytest.approx(2.0)  # epochs 2, 1 and 3
    assert row["seeds"] == [0, 1, 2] and row["wall"] == 660
    assert row["verdict"] == "reproduced"
    check_far = check | {"value": 99.6}
    assert ladder_row(check_far, records, {})["verdict"] == "differs"
