"""The "11 lines of Python" toy problems and a small regression fit."""

import numpy as np
import pytest

from helpers import load_script
from nielsen_net import Network

toy = load_script("toy")


def test_no_hidden_layer_learns_a_linearly_separable_target():
    outputs = toy.train([3, 1], [0, 0, 1, 1])
    assert np.abs(outputs - [0, 0, 1, 1]).max() < 0.05


@pytest.mark.parametrize("seed", range(4))
def test_no_hidden_layer_cannot_learn_xor(seed):
    outputs = toy.train([3, 1], [0, 1, 1, 0], seed=seed)
    assert np.abs(outputs - [0, 1, 1, 0]).max() >= 0.45  # some row always stays wrong


def test_no_hidden_layer_on_xor_settles_at_one_half():
    outputs = toy.train([3, 1], [0, 1, 1, 0], seed=0)
    np.testing.assert_allclose(outputs, 0.5, atol=0.02)


@pytest.mark.parametrize("seed", range(3))
def test_one_hidden_layer_learns_xor(seed):
    outputs = toy.train([3, 4, 1], [0, 1, 1, 0], seed=seed)
    assert np.abs(outputs - [0, 1, 1, 0]).max() < 0.05


def test_regression_fits_sine_with_tanh_hidden_units_and_identity_output():
    x = np.linspace(-np.pi, np.pi, 200)[:, None]  # (200, 1)
    net = Network([1, 20, 1], activation="tanh", output_activation="identity",
                  cost="quadratic", init="xavier", seed=0)
    net.SGD((x, np.sin(x)), epochs=500, mini_batch_size=10, eta=0.1, monitor_training=False)
    assert np.mean((net.feedforward(x) - np.sin(x)) ** 2) < 0.01
