"""The regression and anomaly-detection scripts' own arithmetic."""

import numpy as np
import pytest

from helpers import load_script

anomaly = load_script("anomaly")
regression = load_script("regression")


def test_auc_is_the_probability_a_positive_outscores_a_negative():
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    positive = np.array([False, False, True, True])
    # pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
    assert anomaly.roc_auc(scores, positive) == 0.75
    assert anomaly.roc_auc(np.ones(4), positive) == 0.5  # all tied: chance
    assert anomaly.roc_auc(-scores, positive) == 0.25


def test_roc_curve_runs_from_origin_to_one_one_and_its_area_is_the_auc():
    rng = np.random.default_rng(0)
    scores = rng.random(200)
    positive = rng.random(200) < scores  # informative scores
    fpr, tpr = anomaly.roc_curve(scores, positive)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    area = np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)
    assert area == pytest.approx(anomaly.roc_auc(scores, positive))


def test_regression_data_follow_the_stated_formula():
    x, y = regression.make_data(20_000, 0.1, np.random.default_rng(0))
    assert x.min() >= -3 and x.max() <= 3
    residual = y - (np.sin(2 * x) + 0.3 * x)
    assert residual.std() == pytest.approx(0.1, rel=0.03)
