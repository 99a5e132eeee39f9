"""Activation functions, each next to its derivative, looked up by name.

Every activation has `fn(z) -> a` and `prime(z, a) -> sigma'(z)`, both elementwise on arrays of
shape (m, n). `prime` takes the stored activation `a` as well as `z` because some derivatives
are cheapest from it: sigmoid'(z) = a (1 - a) needs no second `exp`. Both take an optional
`out` array to write into (as numpy's ufuncs do), so training reuses its buffers.

`backward(z, a, grad)` applies the transposed Jacobian of the layer to `grad` (= dC/da): for an
elementwise activation that is the Hadamard product `grad * sigma'(z)` of the book's BP1; softmax
couples its outputs, so it overrides it. Softmax is an output activation only: it has no
elementwise derivative, so it cannot sit in a hidden layer.

Left out: parametric activations learned during training, and anything not in the book or the
mission (ELU, GELU, ...). Adding one is one class and one table entry.
"""

import numpy as np

from .checks import choose


def into(out, value):
    """`value`, written into `out` when one is given."""
    if out is None:
        return value
    out[...] = value
    return out


class Activation:
    """The interface: subclasses define `fn` and `prime`."""

    name = "activation"

    def backward(self, z, a, grad):
        """(dC/dz) for (dC/da) = `grad`; all (m, n). BP1's Hadamard product for elementwise
        units."""
        return grad * self.prime(z, a)

    def __repr__(self):
        return self.name


class Sigmoid(Activation):
    name = "sigmoid"

    def fn(self, z, out=None):
        # 1 / (1 + exp(-z)), in one array. exp(-z) overflows to inf for z < -709, and
        # 1 / (1 + inf) = 0 is the right limit: callers silence that overflow (the Network
        # once per call; a context manager here, twice per mini-batch, cost 6% of an epoch).
        out = np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def prime(self, z, a, out=None):
        out = np.subtract(1, a, out=out)
        out *= a
        return out


class Tanh(Activation):
    name = "tanh"

    def fn(self, z, out=None):
        return np.tanh(z, out=out)

    def prime(self, z, a, out=None):
        out = np.multiply(a, a, out=out)
        return np.subtract(1, out, out=out)


class LeakyReLU(Activation):
    """max(z, slope * z) for a slope in [0, 1); slope 0 is the plain ReLU."""

    def __init__(self, slope, name):
        if not 0 <= slope < 1:
            raise ValueError(f"leaky_slope must lie in [0, 1); got {slope!r}")
        self.slope = slope
        self.name = name

    def fn(self, z, out=None):
        out = np.multiply(z, self.slope, out=out)
        return np.maximum(z, out, out=out)

    def prime(self, z, a, out=None):
        # At z = 0 we take the left derivative, so a unit with z <= 0 counts as dead.
        return into(out, np.where(z > 0, 1, self.slope).astype(z.dtype))


class Identity(Activation):
    name = "identity"

    def fn(self, z, out=None):
        return into(out, z)

    def prime(self, z, a, out=None):
        return into(out, np.ones_like(z))


class Softmax(Activation):
    """a_j = exp(z_j) / sum_k exp(z_k) over each row (the book's eq. 78)."""

    name = "softmax"

    def fn(self, z, out=None):
        out = np.subtract(z, z.max(axis=1, keepdims=True), out=out)  # shift: no overflow
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def prime(self, z, a, out=None):
        raise ValueError("softmax has no elementwise derivative; use it as the output activation")

    def backward(self, z, a, grad):
        # Jacobian da_j/dz_k = a_j (delta_jk - a_k), so J^T g = a * (g - sum_j g_j a_j).
        return a * (grad - (grad * a).sum(axis=1, keepdims=True))


# Hidden activations by name; each entry makes one from the network's leaky_slope (which only
# leaky_relu uses). The tests gradient-check every entry.
HIDDEN_ACTIVATIONS = {
    "sigmoid": lambda leaky_slope: Sigmoid(),
    "tanh": lambda leaky_slope: Tanh(),
    "relu": lambda leaky_slope: LeakyReLU(0.0, "relu"),
    "leaky_relu": lambda leaky_slope: LeakyReLU(leaky_slope, "leaky_relu"),
    "identity": lambda leaky_slope: Identity(),
}


def hidden_activation(name, leaky_slope=0.01):
    """The hidden-layer activation called `name`. A bad `leaky_slope` is refused whatever the
    name, where it is given, not later when leaky_relu is chosen."""
    make = choose("activation", name, HIDDEN_ACTIVATIONS)
    LeakyReLU(leaky_slope, "leaky_relu")  # raises on a bad slope
    return make(leaky_slope)


OUTPUT_ACTIVATIONS = {
    "sigmoid": Sigmoid(),
    "softmax": Softmax(),
    "identity": Identity(),
    "tanh": Tanh(),
    "relu": LeakyReLU(0.0, "relu"),
}
