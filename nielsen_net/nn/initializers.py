"""Weight and bias initialisers, looked up by name.

Each is `init(rng, n_in, n_out) -> (w, b)` with w of shape (n_out, n_in) (the book's w_jk: row j
is the neuron, column k its input) and b of shape (n_out,), drawn in float64 from the given
`np.random.Generator`; the network casts them to its dtype, so a float32 net starts from the
float64 net's weights, rounded.

Left out: uniform variants and orthogonal init; none is in the book or the mission.
"""

import numpy as np


def gaussian(rng, n_in, n_out):
    """Weights and biases N(0, 1): the book's "large" init (chapter 1)."""
    return rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out)


def scaled_gaussian(rng, n_in, n_out):
    """Weights N(0, 1/n_in), biases N(0, 1): the book's default from chapter 3."""
    return rng.standard_normal((n_out, n_in)) / np.sqrt(n_in), rng.standard_normal(n_out)


def he(rng, n_in, n_out):
    """Weights N(0, 2/n_in), biases 0 (He et al. 2015, for ReLU units)."""
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros(n_out)


def he_gaussian_biases(rng, n_in, n_out):
    """He's weights N(0, 2/n_in) with the book's biases N(0, 1): tells what He's weights change
    from what its zero biases change."""
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), rng.standard_normal(n_out)


def xavier(rng, n_in, n_out):
    """Weights N(0, 2/(n_in + n_out)), biases 0 (Glorot and Bengio 2010)."""
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2 / (n_in + n_out)), np.zeros(n_out)


INITIALIZERS = {f.__name__: f for f in (gaussian, scaled_gaussian, he, he_gaussian_biases,
                                        xavier)}
