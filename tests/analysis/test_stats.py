"""The statistics behind the verdicts, against closed forms and scipy's values (copied here, so
the tests need no scipy)."""

import math

import numpy as np
import pytest

from nielsen_net.analysis import stats


@pytest.mark.parametrize("t", [-3.0, -0.4, 0.0, 1.0, 2.5])
def test_t_cdf_matches_closed_forms_for_one_and_two_degrees_of_freedom(t):
    assert stats.t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)
    assert stats.t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-12)


@pytest.mark.parametrize("t, df, expected", [(-1.3, 7, 0.11738391769618862),
                                             (3.1, 30, 0.9979077575697246)])
def test_t_cdf_matches_scipy(t, df, expected):
    assert stats.t_cdf(t, df) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("p, df, expected", [(0.975, 4, 2.7764451051977934),
                                             (0.975, 9, 2.262157162798205),
                                             (0.95, 9, 1.833112932656237),
                                             (0.975, 2.5, 3.5746548420036817)])
def test_t_quantile_matches_scipy(p, df, expected):
    assert stats.t_quantile(p, df) == pytest.approx(expected, abs=1e-9)
    assert stats.t_quantile(1 - p, df) == pytest.approx(-expected, abs=1e-9)


def test_normal_quantile():
    assert stats.normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-10)
    assert stats.normal_quantile(0.5) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("p", [0.0, 1.0, 1.5])
def test_quantiles_reject_probabilities_outside_0_1(p):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        stats.t_quantile(p, 3)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        stats.normal_quantile(p)


def test_mean_interval_is_mean_plus_minus_t_standard_error():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    mean, lo, hi = stats.mean_interval(values)
    half = 2.7764451051977934 * np.std(values, ddof=1) / math.sqrt(5)
    assert (mean, lo, hi) == pytest.approx((3.0, 3.0 - half, 3.0 + half))


def test_prediction_interval_is_wider_than_the_mean_interval_by_sqrt_n_plus_1():
    values = [97.9, 98.1, 98.0, 97.8, 98.2]
    lo, hi = stats.prediction_interval(values)
    _, mlo, mhi = stats.mean_interval(values)
    assert (hi - lo) / (mhi - mlo) == pytest.approx(math.sqrt(6))


def test_prediction_interval_one_sided():
    values = [97.9, 98.1, 98.0, 97.8, 98.2]
    lo, hi = stats.prediction_interval(values, side="upper")
    assert lo == -math.inf
    s = np.std(values, ddof=1) * math.sqrt(1.2)
    assert hi == pytest.approx(98.0 + 2.131846786326649 * s)
    lo, hi = stats.prediction_interval(values, side="lower")
    assert (lo, hi) == (pytest.approx(98.0 - 2.131846786326649 * s), math.inf)
    with pytest.raises(ValueError, match="side must be"):
        stats.prediction_interval(values, side="left")


def test_intervals_ignore_non_finite_values_and_need_two():
    assert stats.prediction_interval([1.0, 2.0, float("nan"), 3.0]) == \
        pytest.approx(stats.prediction_interval([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="at least 2 finite values; got 1"):
        stats.prediction_interval([1.0, float("nan")])


def test_wilson_interval():
    lo, hi = stats.wilson_interval(8, 10)
    assert (lo, hi) == pytest.approx((0.4901624, 0.9433178), abs=1e-6)
    assert stats.wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
    assert stats.wilson_interval(10, 10)[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        stats.wilson_interval(11, 10)


def test_binomial_error_of_98_percent_on_10000_images_is_0_14_points():
    assert 100 * stats.binomial_error(0.98, 10_000) == pytest.approx(0.14, abs=0.001)


def test_welch_matches_scipy():
    a, b = [97.9, 98.1, 98.0, 97.8, 98.2], [97.5, 97.7, 97.6, 97.9]
    result = stats.welch(a, b)
    assert result["t"] == pytest.approx(2.931419509211151)
    assert result["p"] == pytest.approx(0.024781191660178198, abs=1e-9)
    assert result["df"] == pytest.approx(6.30235365117675)
    assert (result["lo"], result["hi"]) == pytest.approx((0.05684009103455734,
                                                          0.5931599089654768))
    assert stats.decide(result["lo"], result["hi"]) == "higher"


def test_paired_is_the_t_interval_of_the_differences_and_matches_scipy():
    a, b = [96.2, 96.4, 96.1, 96.3, 96.0], [96.1, 96.2, 96.15, 96.1, 95.9]
    result = stats.paired(a, b)
    # scipy.stats.ttest_rel(a, b): t = 2.4004, p = 0.0743
    assert result["difference"] == pytest.approx(0.11)
    assert result["t"] == pytest.approx(2.4003967925957723)
    assert result["p"] == pytest.approx(0.07432433482638043, abs=1e-9)
    assert result["n"] == 5 and result["df"] == 4
    assert (result["lo"], result["hi"]) == pytest.approx(stats.mean_interval(
        np.subtract(a, b))[1:])
    # the same numbers as independent groups: a shared seed's noise no longer cancels
    assert stats.welch(a, b)["p"] > result["p"]


def test_paired_needs_pairs():
    with pytest.raises(ValueError, match="one length"):
        stats.paired([1.0, 2.0], [1.0])


@pytest.mark.parametrize("k, n, p", [(5, 5, 0.0625), (0, 5, 0.0625), (4, 5, 0.375),
                                     (3, 6, 1.0), (10, 10, 2 / 1024)])
def test_sign_test(k, n, p):
    assert stats.sign_test(k, n) == pytest.approx(p)


def test_an_interval_with_a_known_error_part():
    # no known part: the t interval of the sample
    mean, lo, hi = stats.mean_interval([1.0, 2.0, 3.0])
    assert stats.with_known_error(mean, np.var([1.0, 2.0, 3.0], ddof=1) / 3, 2, 0.0) == \
        pytest.approx((lo, hi))
    # only a known part: the normal interval
    assert stats.with_known_error(0.5, 0.0, 2, 0.01 ** 2) == pytest.approx(
        (0.5 - 0.0196, 0.5 + 0.0196), abs=1e-4)
    # a known part much larger than the sample's: nearly normal, however few the seeds
    lo, hi = stats.with_known_error(0.5, 1e-8, 2, 1e-4)
    assert hi - 0.5 == pytest.approx(1.96e-2, rel=0.01)
    assert stats.with_known_error(0.5, 0.0, 2, 0.0) == (0.5, 0.5)


def test_auc_standard_error_hanley_mcneil():
    # Hanley and McNeil (1982), table 1: A = 0.9 on 50 and 50 cases, SE 0.032
    assert stats.auc_standard_error(0.9, 50, 50) == pytest.approx(0.032, abs=5e-4)
    # chance on 1,000 and 9,000 images: about sqrt((1/m + 1/n) / 12)
    assert stats.auc_standard_error(0.5, 1000, 9000) == pytest.approx(
        np.sqrt((1 / 1000 + 1 / 9000) / 12), rel=1e-3)
    assert stats.auc_standard_error(0.9, 200, 200) < stats.auc_standard_error(0.9, 50, 50)


@pytest.mark.parametrize("lo, hi, word", [(0.1, 0.5, "higher"), (-0.5, -0.1, "lower"),
                                          (-0.1, 0.3, "not distinguishable"),
                                          (0.0, 0.3, "not distinguishable")])
def test_decide(lo, hi, word):
    assert stats.decide(lo, hi) == word


def test_least_squares_matches_scipy_linregress():
    x = np.array([1, 2, 3, 4, 5, 6.0])
    y = np.array([2.1, 3.9, 6.2, 7.8, 10.1, 12.2])
    fit = stats.least_squares(np.column_stack([np.ones(6), x]), y)
    assert fit["coef"] == pytest.approx([-0.02, 2.02])
    assert fit["se"] == pytest.approx([0.16653327995729902, 0.04276179870599006])
    assert fit["df"] == 4
