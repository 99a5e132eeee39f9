"""The regression use case's data."""

import numpy as np
import pytest

from helpers import load_script

regression = load_script("regression")


def test_regression_data_follow_the_stated_formula():
    x, y = regression.make_data(20_000, 0.1, np.random.default_rng(0))
    assert x.min() >= -3 and x.max() <= 3
    residual = y - (np.sin(2 * x) + 0.3 * x)
    assert residual.std() == pytest.approx(0.1, rel=0.03)
