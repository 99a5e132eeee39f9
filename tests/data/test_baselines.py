"""The average-darkness baseline on hand-worked numbers (the real-data check is in
test_mnist.py: 2,225 of 10,000, the book's 22.25%)."""
import numpy as np
import pytest

from nielsen_net.data.baselines import average_darkness, predict_darkness


def images(*darknesses):
    """One (784,) row per darkness, all of it in the first pixel."""
    X = np.zeros((len(darknesses), 784))
    X[:, 0] = darknesses
    return X


def test_averages_and_nearest_guesses():
    y = np.arange(10).repeat(2)  # two images of each digit
    X = images(*[value for d in range(10) for value in (10 * d, 10 * d + 2)])
    averages = average_darkness(X, y)
    np.testing.assert_array_equal(averages, 10 * np.arange(10) + 1)  # 1, 11, ..., 91
    np.testing.assert_array_equal(predict_darkness(averages, images(0, 14, 95, 54)), [0, 1, 9, 5])


def test_ties_go_to_the_smaller_digit():
    averages = 10.0 * np.arange(10)
    assert predict_darkness(averages, images(15, 35)).tolist() == [1, 3]


def test_float32_input_is_summed_in_float64():
    rng = np.random.default_rng(0)
    X32 = rng.random((50, 784), dtype=np.float32)
    y = np.arange(50) % 10
    averages = average_darkness(X32, y)
    # summing in float32 would round differently from these float64 sums of the same values
    np.testing.assert_array_equal(averages, average_darkness(X32.astype(np.float64), y))
    assert averages.dtype == np.float64


def test_a_digit_without_training_images_is_an_error():
    with pytest.raises(ValueError, match=r"digit\(s\) \[3\]"):
        average_darkness(images(*range(9)), np.array([0, 1, 2, 4, 5, 6, 7, 8, 9]))
