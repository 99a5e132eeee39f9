"""What the one-class record shows (nielsen_net/one_class/findings.py): each finding's numbers,
and both outcomes of each comparison, on small made-up records."""

import numpy as np
import pytest

from nielsen_net.one_class import findings
from nielsen_net.one_class import protocol as oc
from nielsen_net.analysis import stats

COUNTS = np.array([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])  # MNIST's test set


def test_grid_size_multiplies_the_axes_and_the_grown_eta_grid_is_told_apart():
    assert findings.grid_size({"eta": [0.1, 1.0], "sizes": [[784, 8, 784]], "cost": [1, 2, 3]}) == 6
    assert findings.eta_grid_grown({"grid": {"eta": [0.1, 0.3, 1.0]},
                                    "first_grid": {"eta": [0.3, 1.0]}})
    assert not findings.eta_grid_grown({"grid": {"eta": [0.3, 1.0]},
                                        "first_grid": {"eta": [0.3, 1.0]}})


def test_an_interval_is_over_seeds_alone_without_a_test_error_and_wider_with_one():
    values = [0.9, 0.92, 0.94]
    assert findings.interval(values) == oc.auc_summary(values)
    mean, lo, hi = findings.interval(values, 0.05)
    assert mean == pytest.approx(0.92)
    assert (lo, hi) == pytest.approx(stats.with_known_error(0.92, 0.02 ** 2 / 3, 2, 0.05 ** 2))
    assert hi - lo > oc.auc_summary(values)[2] - oc.auc_summary(values)[1]
    assert findings.interval([0.8]) == (0.8, 0.8, 0.8)


def test_autoencoder_intervals_per_digit_and_for_the_mean_over_digits():
    auc = {"autoencoder": {str(d): [0.9, 0.91, 0.92] for d in range(10)},
           "pca": {str(d): [0.8] for d in range(10)}}
    auc["autoencoder"]["3"] = [0.5, 0.51, 0.52]
    seeds_only = findings.autoencoder_intervals(auc)
    assert set(seeds_only) == {str(d) for d in range(10)} | {"mean"}
    assert seeds_only["3"] == pytest.approx(oc.auc_summary([0.5, 0.51, 0.52]))
    assert seeds_only["mean"] == pytest.approx(oc.auc_summary([0.86, 0.87, 0.88]))
    both = findings.autoencoder_intervals(auc, COUNTS)
    error = oc.test_errors(auc, COUNTS)["autoencoder"]["3"]
    assert both["3"] == pytest.approx(oc.auc_interval([0.5, 0.51, 0.52], error))
    assert both["3"] != pytest.approx(seeds_only["3"])


def test_digits_by_word_sorts_each_digit_under_its_word_in_order():
    words = ["higher"] * 4 + ["lower"] * 2 + ["not distinguishable"] * 4
    differences = {str(d): {"word": w} for d, w in zip([9, 0, 5, 2, 7, 1, 3, 4, 6, 8], words)}
    assert findings.digits_by_word(differences) == {
        "higher": ["0", "2", "5", "9"], "lower": ["1", "7"],
        "not distinguishable": ["3", "4", "6", "8"]}
    none_lower = {str(d): {"word": "higher"} for d in range(10)}
    assert findings.digits_by_word(none_lower)["lower"] == []


def test_published_auc_turns_percent_into_fractions_and_averages_them():
    per_digit, mean = findings.published_auc({"auc_percent": [98.0, 99.0] + [90.0] * 8})
    assert per_digit == pytest.approx([0.98, 0.99] + [0.9] * 8)
    assert mean == pytest.approx(0.917)


def test_chosen_k_range_is_the_fewest_and_most_components_chosen():
    pca = {"per_digit": {"0": {"components": 20}, "1": {"components": 9},
                         "2": {"components": 31}}}
    assert findings.chosen_k_range(pca) == (9, 31)


def fixed_k_record(ae_mean):
    """PCA's mean AUC over two digits is 0.6, 0.75, 0.85 at k = 1, 2, 4."""
    per_digit = {"0": {"auc_at_each_k_not_for_choosing": [0.5, 0.9, 0.8]},
                 "1": {"auc_at_each_k_not_for_choosing": [0.7, 0.6, 0.9]}}
    return {"methods": {"pca": {"per_digit": per_digit, "components_candidates": [1, 2, 4]}},
            "mean_auc": {"autoencoder": ae_mean}}


def test_pca_at_its_best_fixed_k_lies_above_or_below_the_autoencoder():
    k, best, word = findings.fixed_k_against_autoencoder(fixed_k_record(0.8))
    assert (k, best, word) == (4, pytest.approx(0.85), "above")
    assert findings.fixed_k_against_autoencoder(fixed_k_record(0.9))[2] == "below"


def hard_case(autoencoder, ink=None):
    """A made-up hard case: the 9s are the anomalies."""
    return {"anomaly_digit": 9, "auc": {"autoencoder": autoencoder},
            "mean_ink_per_digit": ink or [0.1] * 10}


def test_the_hard_case_auc_against_chance_is_higher_lower_or_not_distinguishable():
    assert findings.hard_case_auc(hard_case([0.70, 0.71, 0.72]))[3] == "higher"
    assert findings.hard_case_auc(hard_case([0.40, 0.41, 0.42]))[3] == "lower"
    assert findings.hard_case_auc(hard_case([0.49, 0.50, 0.51]))[3] == "not distinguishable"
    values = [0.51, 0.511, 0.512]   # +/- 0.0025 over seeds; the test set's error is ~0.01
    assert findings.hard_case_auc(hard_case(values))[3] == "higher"
    mean, lo, hi, word = findings.hard_case_auc(hard_case(values), COUNTS)
    assert word == "not distinguishable"
    assert (mean, lo, hi) == pytest.approx(oc.auc_interval(
        values, stats.auc_standard_error(0.511, 1009, 10_000 - 1009)))


def test_the_anomaly_digit_carries_less_or_more_ink_than_the_others():
    less = findings.hard_case_ink(hard_case([0.5], [0.1] * 9 + [0.05]))
    assert less == (0.05, pytest.approx(0.1), "less")
    more = findings.hard_case_ink(hard_case([0.5], [0.1, 0.3] + [0.2] * 7 + [0.25]))
    assert more == (0.25, pytest.approx(0.2), "more")


def test_the_hard_case_is_negative_only_when_its_interval_lies_below_every_one_class_auc():
    one_class_auc = {"0": [0.9, 0.92, 0.94], "1": [0.7], "2": [0.8]}
    lowest, negative = findings.hard_case_negative(hard_case([0.5]), one_class_auc, COUNTS)
    assert (lowest, negative) == (0.7, True)                 # 0.5 + ~0.02 < 0.7
    assert not findings.hard_case_negative(hard_case([0.69, 0.70, 0.71]), one_class_auc)[1]
    # over seeds alone [0.685, 0.695] lies below 0.7; the test set's error reaches it
    close = hard_case([0.689, 0.69, 0.691])
    assert findings.hard_case_negative(close, one_class_auc)[1]
    assert not findings.hard_case_negative(close, one_class_auc, COUNTS)[1]
