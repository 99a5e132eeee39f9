"""The one-class protocol: AUC arithmetic, the split, PCA and its choice of k, the t interval,
and a synthetic one-class problem every method must solve."""

import numpy as np
import pytest

from nielsen_net import Network
from nielsen_net.one_class import protocol as oc
from nielsen_net.analysis.measures import roc_auc
from nielsen_net.analysis import stats


def test_auc_on_hand_made_scores():
    positive = np.array([False, False, True, True])
    # (pos, neg) pairs: 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
    assert roc_auc([0.1, 0.4, 0.35, 0.8], positive) == 0.75
    assert roc_auc([0.1, 0.4, 0.35, 0.8][::-1], positive[::-1]) == 0.75
    assert roc_auc([0.0, 0.0, 1.0, 1.0], positive) == 1.0
    assert roc_auc([1.0, 1.0, 0.0, 0.0], positive) == 0.0
    assert roc_auc(np.ones(4), positive) == 0.5  # all tied: chance


def test_auc_counts_ties_as_one_half():
    # positives 2, 2; negatives 1, 2: pairs 2>1 (1), 2=2 (1/2), twice -> 3/4
    assert roc_auc([2, 2, 1, 2], [True, True, False, False]) == 0.75
    # positive 1 ties the three negatives 1 and beats none: 1.5 / 3
    assert roc_auc([1, 1, 1, 1, 0], [True, False, False, False, True]) == pytest.approx(
        (1.5 + 0) / 6)


def test_auc_matches_the_pairwise_definition():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 20, 300).astype(float)  # many ties
    positive = rng.random(300) < 0.3
    diff = scores[positive][:, None] - scores[~positive][None, :]
    assert roc_auc(scores, positive) == pytest.approx(np.mean((diff > 0) + 0.5 * (diff == 0)))


@pytest.mark.parametrize("scores, positive, problem", [
    ([0.1, 0.2], [True, True], "need positives and negatives"),
    ([0.1, np.nan], [True, False], "NaN"),
    ([0.1, 0.2, 0.3], [True, False], "same length"),
])
def test_auc_refuses_bad_input(scores, positive, problem):
    with pytest.raises(ValueError, match=problem):
        roc_auc(scores, positive)


def test_normal_split_keeps_only_the_normal_rows_and_is_seeded():
    X = np.arange(20, dtype=float)[:, None]  # row i holds i
    odd = np.arange(20) % 2 == 1
    fit, val = oc.normal_split(X, odd, 0.25, np.random.default_rng(3))
    assert (len(fit), len(val)) == (8, 2)
    assert sorted(np.r_[fit[:, 0], val[:, 0]]) == list(range(1, 20, 2))
    again = oc.normal_split(X, odd, 0.25, np.random.default_rng(3))
    assert np.array_equal(val, again[1])
    with pytest.raises(ValueError, match="validation_fraction"):
        oc.normal_split(X, odd, 1.0, np.random.default_rng(3))
    with pytest.raises(ValueError, match="1 normal images; need at least 2"):
        oc.normal_split(X, np.arange(20) == 7, 0.25, np.random.default_rng(3))


def test_pca_error_is_zero_on_the_fitted_subspace_and_total_variance_at_k_zero():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 3)) @ rng.standard_normal((3, 10))  # rank 3
    pca = oc.PCA(X)
    assert np.allclose(pca.error(X, 3), 0, atol=1e-20)
    assert np.allclose(pca.error(X, 0), ((X - X.mean(axis=0)) ** 2).mean(axis=1))
    assert np.all(np.diff([pca.error(X, k).mean() for k in range(4)]) < 0)


def test_choose_components_takes_the_fewest_that_explain_the_fraction():
    rng = np.random.default_rng(2)
    basis = np.linalg.qr(rng.standard_normal((40, 3)))[0].T  # (3, 40) orthonormal
    def sample(m):  # variances 9, 4, 1 along the basis, nothing else
        return (rng.standard_normal((m, 3)) * [3, 2, 1]) @ basis
    pca = oc.PCA(sample(5000))
    explained = pca.explained(sample(5000), [1, 2, 3])
    assert explained == pytest.approx([9 / 14, 13 / 14, 1], abs=0.02)
    assert pca.choose_components(sample(2000), [1, 2, 3], 0.9)[0] == 2
    assert pca.choose_components(sample(2000), [1, 2, 3], 0.5)[0] == 1
    with pytest.raises(ValueError, match="no k in \\[1\\] explains 0.9"):
        pca.choose_components(sample(100), [1], 0.9)
    with pytest.raises(ValueError, match="fraction must lie in"):
        pca.choose_components(sample(100), [1], 1.0)


def synthetic_one_class(anomaly_distance):
    """(X_fit, X_val, X_test, positive): normal points near a 4-dimensional subspace of R^20
    (spread 0.5 along each of its axes, so about 1.0 from the mean), anomalies off it at
    `anomaly_distance` from the mean; 300 of each in the test set."""
    rng = np.random.default_rng(0)
    n = 20
    basis = np.linalg.qr(rng.standard_normal((n, 4)))[0].T  # (4, n)
    centre = np.full(n, 0.5)

    def normal(m):
        return (centre + (0.5 * rng.standard_normal((m, 4))) @ basis
                + 0.005 * rng.standard_normal((m, n)))

    def anomalous(m):
        off = rng.standard_normal((m, n))
        off -= (off @ basis.T) @ basis  # remove the subspace part
        off *= anomaly_distance / np.linalg.norm(off, axis=1, keepdims=True)
        return centre + off

    X_test = np.vstack([normal(300), anomalous(300)])
    return normal(2000), normal(200), X_test, np.r_[np.zeros(300, bool), np.ones(300, bool)]


def test_synthetic_one_class_problem_every_method_reaches_auc_near_one():
    """Anomalies twice as far from the mean as a typical normal point: all three scores."""
    X_fit, X_val, X_test, positive = synthetic_one_class(anomaly_distance=2.0)
    pca = oc.PCA(X_fit)
    k, _ = pca.choose_components(X_val, list(range(1, 12)), 0.99)
    assert k == 4
    assert roc_auc(pca.error(X_test, k), positive) > 0.99
    assert roc_auc(oc.mean_distance(X_fit, X_test), positive) > 0.99
    net, _ = oc.train_autoencoder(AUTOENCODER, TRAINING, X_fit, X_val, seed=0)
    assert roc_auc(oc.autoencoder_error(net, X_test), positive) > 0.99


AUTOENCODER = dict(sizes=[20, 4, 20], activation="identity", output_activation="identity",
                   cost="quadratic", init="xavier")
TRAINING = dict(epochs=30, mini_batch_size=20, eta=0.01, mu=0.9)


def test_a_trained_autoencoder_finds_anomalies_nearer_the_mean_than_normal_points():
    """Anomalies off the subspace but half as far from the mean as a typical normal point:
    reconstruction error finds them once the autoencoder has learned the subspace; the
    distance to the mean and the untrained network do not."""
    X_fit, X_val, X_test, positive = synthetic_one_class(anomaly_distance=0.5)
    net, errors = oc.train_autoencoder(AUTOENCODER, TRAINING, X_fit, X_val, seed=0)
    assert errors[-1] < errors[0] / 100
    assert roc_auc(oc.autoencoder_error(net, X_test), positive) > 0.99
    untrained = Network(seed=0, **AUTOENCODER)
    assert roc_auc(oc.autoencoder_error(untrained, X_test), positive) < 0.6
    assert roc_auc(oc.mean_distance(X_fit, X_test), positive) < 0.2
    assert roc_auc(oc.PCA(X_fit).error(X_test, 4), positive) > 0.99


def test_autoencoder_training_is_reproducible_from_its_seed():
    X = np.random.default_rng(0).random((30, 6))
    args = (dict(sizes=[6, 3, 6]), dict(epochs=2, mini_batch_size=5, eta=0.5), X, X[:5])
    assert oc.train_autoencoder(*args, seed=4)[1] == oc.train_autoencoder(*args, seed=4)[1]
    assert oc.train_autoencoder(*args, seed=4)[1] != oc.train_autoencoder(*args, seed=5)[1]


def test_a_diverged_autoencoder_pads_its_validation_curve_with_nan():
    X = np.random.default_rng(0).random((30, 6))
    _, errors = oc.train_autoencoder(dict(sizes=[6, 6, 6], output_activation="identity",
                                          init="gaussian"),
                                     dict(epochs=5, mini_batch_size=5, eta=1e6), X, X, seed=0)
    assert len(errors) == 5 and np.isnan(errors[-1])


def test_ink_normalised_divides_by_the_mean_pixel():
    X = np.array([[0.0, 1.0], [0.5, 0.5], [0.25, 0.25]])
    assert np.allclose(oc.ink(X), [0.5, 0.5, 0.25])
    assert np.allclose(oc.ink_normalised(np.array([1.0, 2.0, 1.0]), X), [2, 4, 4])


def test_welch_against_a_constant_is_the_one_sample_t_interval():
    """`differences` compares the autoencoder's AUCs over seeds with a deterministic baseline's
    single AUC: that must count as a constant."""
    w = stats.welch([0.9, 0.92, 0.94], [0.9])
    assert w["difference"] == pytest.approx(0.02)
    half = 4.302653 * 0.02 / np.sqrt(3)  # sd 0.02, df 2
    assert (w["lo"], w["hi"]) == pytest.approx((0.02 - half, 0.02 + half), rel=1e-5)
    with pytest.raises(ValueError, match="at least two values"):
        stats.welch([1.0], [2.0])


def test_select_takes_the_lowest_mean_validation_error_and_its_epoch():
    curves = [np.array([[3.0, 2.0, 2.5], [3.0, 2.0, 2.5]]),
              np.array([[3.0, 1.0, 1.5], [3.0, 2.0, 1.0]]),   # mean 3, 1.5, 1.25
              np.array([[np.nan] * 3, [0.1, 0.1, 0.1]]),  # one run diverged at once
              np.array([[9.0, 0.5, np.nan]])]  # best at epoch 2, before diverging
    assert oc.select(curves) == (3, 2)
    assert oc.select(curves[:3]) == (1, 3)
    with pytest.raises(ValueError, match="every candidate diverged"):
        oc.select([np.full((1, 2), np.nan)])


def test_grid_edges_flags_a_choice_at_either_end_of_a_numeric_axis():
    grid = {"eta": [0.01, 0.1, 1.0], "activation": ["sigmoid", "relu", "tanh"],
            "mu": [0.0, 0.9]}
    assert oc.grid_edges(grid, {"eta": 1.0, "activation": "relu", "mu": 0.9}) == ["eta"]
    assert oc.grid_edges(grid, {"eta": 0.1, "activation": "tanh", "mu": 0.0}) == []


def test_settled_epoch_is_the_first_within_the_tolerance_of_the_lowest():
    curve = [10.0, 5.0, 2.05, 2.02, 2.0, np.nan]
    assert oc.settled_epoch(curve, 0.03) == 3   # 2.05 <= 1.03 * 2.0
    assert oc.settled_epoch(curve, 0.02) == 4
    assert oc.settled_epoch(curve, 0.0) == 5
    with pytest.raises(ValueError, match="no finite value"):
        oc.settled_epoch([np.nan, np.nan], 0.01)


def test_still_falling_compares_the_last_value_with_the_one_a_window_earlier():
    curve = [4.0, 3.0, 2.0, 1.9, 1.89]
    assert oc.still_falling(curve, window=2, tolerance=0.01)       # 2.0 vs 1.89: 5.8% lower
    assert not oc.still_falling(curve, window=1, tolerance=0.01)   # 1.9 vs 1.89: 0.5% lower
    assert oc.still_falling(curve, window=100, tolerance=0.5)      # from the first: 4.0 vs 1.89
    assert not oc.still_falling([1.0, 1.0, 1.2], window=2, tolerance=0.0)  # rising
    assert oc.fall_over_window(curve, window=2) == pytest.approx(1 - 1.89 / 2.0)
    stage2 = {"chosen": {"eta": 0.1}, "window": 1,
              "runs": [{"eta": 0.1, "validation_error": [4.0, 2.0, 1.0]},
                       {"eta": 0.1, "validation_error": [4.0, 2.0, 3.0]},
                       {"eta": 0.3, "validation_error": [9.0, 9.0, 1.0]}]}
    assert oc.chosen_fall(stage2) == pytest.approx(0.0)  # mean curve 4, 2, 2


def test_differences_per_digit_and_over_the_mean_of_digits_with_a_word():
    auc = {"autoencoder": {"0": [0.9, 0.92, 0.94], "1": [0.5, 0.6, 0.7]},
           "pca": {"0": [0.8], "1": [0.8]}}
    out = oc.differences(auc, "pca")
    assert out["0"]["difference"] == pytest.approx(0.12)
    assert out["0"]["ci95"] == pytest.approx([0.12 - 4.302653 * 0.02 / np.sqrt(3),
                                              0.12 + 4.302653 * 0.02 / np.sqrt(3)], rel=1e-5)
    assert out["0"]["word"] == "higher"
    assert out["1"]["word"] == "not distinguishable"   # -0.2 +/- 0.248
    assert out["mean"]["difference"] == pytest.approx(np.mean([0.7, 0.76, 0.82]) - 0.8)
    assert out["mean"]["word"] == "not distinguishable"


def test_auc_summary_is_a_t_interval_or_the_one_value():
    assert oc.auc_summary([0.8]) == (0.8, 0.8, 0.8)
    mean, lo, hi = oc.auc_summary([0.9, 0.92, 0.94])
    assert mean == pytest.approx(0.92) and hi - mean == pytest.approx(4.302653 * 0.02 / np.sqrt(3))


def test_best_fixed_k_maximises_the_mean_auc_over_digits():
    per_digit = {"0": {"auc_at_each_k_not_for_choosing": [0.5, 0.9, 0.8]},
                 "1": {"auc_at_each_k_not_for_choosing": [0.7, 0.6, 0.9]}}
    k, best, means = oc.best_fixed_k(per_digit, [1, 2, 4])
    assert (k, best) == (4, pytest.approx(0.85))
    assert means == pytest.approx([0.6, 0.75, 0.85])


def test_lowest_errors_averages_the_digits_before_taking_the_minimum():
    runs = [{"eta": 0.1, "validation_error": [3.0, 1.0, 2.0]},
            {"eta": 0.1, "validation_error": [3.0, 2.0, 1.0]},   # mean 3, 1.5, 1.5
            {"eta": 1.0, "validation_error": [2.0, np.nan, 0.5]}]
    assert oc.lowest_errors(runs, "eta") == {"0.1": (1.5, 2), "1.0": (0.5, 3)}


def test_mean_over_digits_is_per_seed_and_ink_contrast_leaves_the_digit_out():
    assert oc.mean_over_digits({"1": [0.5, 0.7], "0": [0.9, 0.9]}) == pytest.approx([0.7, 0.8])
    assert oc.ink_contrast([0.1, 0.2, 0.6], 1) == (0.2, pytest.approx(0.35))


COUNTS = np.array([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])  # MNIST's test set


def test_digit_counts_are_the_rows_of_a_test_confusion_matrix():
    confusion = np.diag(COUNTS - 3) + 3 * np.eye(10, k=1, dtype=int)
    confusion[9, 0] += 3                                  # every row loses 3 to a wrong digit
    assert oc.digit_counts(confusion.tolist()).tolist() == COUNTS.tolist()


def test_test_errors_are_hanley_mcneil_per_digit_and_shrink_in_the_mean():
    auc = {"pca": {str(d): [0.9] for d in range(10)}}
    errors = oc.test_errors(auc, COUNTS)["pca"]
    assert errors["0"] == pytest.approx(stats.auc_standard_error(0.9, 10_000 - 980, 980))
    assert errors["mean"] == pytest.approx(np.sqrt(sum(errors[str(d)] ** 2 for d in range(10)))
                                           / 10)
    assert errors["mean"] < min(errors[str(d)] for d in range(10))


def test_differences_with_the_test_set_error_are_wider_and_bonferroni_per_digit():
    auc = {"autoencoder": {str(d): [0.909, 0.91, 0.911] for d in range(10)},
           "pca": {str(d): [0.9] for d in range(10)}}
    seeds_only = oc.differences(auc, "pca")
    both = oc.differences(auc, "pca", counts=COUNTS)
    assert seeds_only["0"]["word"] == "higher"            # 0.01 +/- 0.0025 over seeds alone
    assert both["0"]["word"] == "not distinguishable"     # the test set's error is ~0.005 each
    assert both["0"]["difference"] == seeds_only["0"]["difference"]
    lo, hi = both["0"]["ci95"]
    assert hi - lo > seeds_only["0"]["ci95"][1] - seeds_only["0"]["ci95"][0]
    # a digit's interval is at 99.5%, the mean's at 95%: the same variance gives a wider digit
    errors = oc.test_errors(auc, COUNTS)
    known = errors["autoencoder"]["0"] ** 2 + errors["pca"]["0"] ** 2
    assert (lo, hi) == pytest.approx(stats.with_known_error(0.01, 0.001 ** 2 / 3, 2, known,
                                                            oc.BONFERRONI))
    assert oc.BONFERRONI == pytest.approx(0.995)


def test_an_auc_interval_adds_the_test_set_error_and_the_hard_case_counts_the_digit():
    mean, lo, hi = oc.auc_interval([0.496], 0.0096)   # one value: the test set's error alone
    assert (lo, hi) == pytest.approx((0.496 - 1.96 * 0.0096, 0.496 + 1.96 * 0.0096), abs=1e-4)
    wide = oc.auc_interval([0.493, 0.496, 0.499], 0.0096)
    assert wide[1] < oc.auc_summary([0.493, 0.496, 0.499])[1]
    assert oc.hard_case_error([0.5], COUNTS, 9) == pytest.approx(
        stats.auc_standard_error(0.5, 1009, 8991))
