"""The book's chapter 1 baseline: guess the digit whose training images are, on average, about
as dark as the image at hand.

What it does: an image's darkness is the sum of its pixel values; `average_darkness` averages it
per digit over a training set and `predict_darkness` picks, for each image, the digit with the
nearest average (ties go to the smaller digit, as `min` over Nielsen's dict of 0-9 does).
Sums are taken in float64 whatever the input dtype, so float32 MNIST guesses exactly as float64
does.

What it leaves out: the book's SVM baseline (it needs scikit-learn) and any other classifier.
"""
import numpy as np


def average_darkness(X, y):
    """Return (10,) mean darkness of the images of each digit; X (m, 784), y (m,) ints 0-9."""
    darkness = X.sum(axis=1, dtype=np.float64)  # (m,)
    counts = np.bincount(y, minlength=10)  # (10,)
    if not counts.all():  # an empty digit would average to nan, which argmin would then pick
        raise ValueError(f"no training images of digit(s) {np.flatnonzero(counts == 0).tolist()}")
    return np.bincount(y, weights=darkness, minlength=10) / counts


def predict_darkness(averages, X):
    """Return (m,) the digit whose average darkness (10,) is nearest each row of X (m, 784)."""
    darkness = X.sum(axis=1, dtype=np.float64)  # (m,)
    distances = np.abs(darkness[:, None] - averages[None, :])  # (m, 10)
    return distances.argmin(axis=1)  # the first (smallest digit) of any ties
