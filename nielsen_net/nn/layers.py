"""The layers of the book's chapter 6 network (network3.py), each with its backward pass beside
its forward pass.

Images are (m, H, W, C) arrays, examples first and channels last (network3 puts channels
second); flat layers take (m, n) rows as `Network` does, z = x @ w.T + b. Every layer has
`forward(x, training, rng) -> (a, cache)` and `backward(grad, cache, input_grad=True) ->
(dC/dx or None, nabla_b, nabla_w)`, where `grad` is dC/da for the layer's output a. A hidden
layer's delta = grad * sigma'(z) is the book's BP2 with the (w^T delta) part done by the layer
above; nabla_b is BP3 and nabla_w BP4, summed over the mini-batch.

The initialisation is network3's: weights N(0, 1/n_out), with n_out = filters * 25 / 4 for a
5x5 convolution pooled 2x2 (the outputs each input reaches, per network3), biases N(0, 1); the
softmax layer starts at zero. Left out: padding, strides other than 1, other pooling; none is
in the book.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .activations import Softmax

KERNEL = 5  # the book's 5x5 local receptive fields


class ConvPool:
    """`filters` valid KERNEL x KERNEL convolutions, `pool` x `pool` max-pooling, then bias and
    activation (network3's ConvPoolLayer: the bias is added after pooling).

    w: (filters, KERNEL, KERNEL, C), channels last like the images (network3's filter_shape is
    (filters, C, KERNEL, KERNEL)); b: (filters,). The convolution is one matrix product: the
    input's KERNEL x KERNEL patches (im2col, from a strided view) times the flattened filters.
    It is a cross-correlation, as in most libraries; Theano's conv2d flips the kernel, which
    changes nothing learned from a symmetric random start."""

    def __init__(self, in_shape, filters, activation, rng, dtype, pool=2):
        H, W, C = in_shape
        if H < KERNEL or W < KERNEL or (H - KERNEL + 1) % pool or (W - KERNEL + 1) % pool:
            raise ValueError(f"a {KERNEL}x{KERNEL} convolution pooled {pool}x{pool} needs an "
                             f"input whose side - {KERNEL - 1} divides by {pool}; got {H}x{W}")
        self.in_shape, self.filters, self.pool = in_shape, filters, pool
        self.activation = activation
        self.conv_shape = (H - KERNEL + 1, W - KERNEL + 1)
        self.out_shape = (self.conv_shape[0] // pool, self.conv_shape[1] // pool, filters)
        n_out = filters * KERNEL * KERNEL / pool ** 2
        self.w = (rng.standard_normal((filters, KERNEL, KERNEL, C)) / np.sqrt(n_out)).astype(dtype)
        self.b = rng.standard_normal(filters).astype(dtype)

    def forward(self, x, training, rng):
        m, (Ho, Wo), (Hp, Wp, F), p = len(x), self.conv_shape, self.out_shape, self.pool
        # (m Ho Wo, K K C): every patch as a row, in the order of w's (K, K, C)
        windows = sliding_window_view(x, (KERNEL, KERNEL), axis=(1, 2))  # (m, Ho, Wo, C, K, K)
        cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(m * Ho * Wo, -1)
        conv = (cols @ self.w.reshape(F, -1).T).reshape(m, Hp, p, Wp, p, F)
        pooled = conv[:, :, 0, :, 0]                         # (m, Hp, Wp, F)
        for i, j in np.ndindex(p, p):  # the window's maximum, one position at a time (fast)
            if i or j:
                pooled = np.maximum(pooled, conv[:, :, i, :, j])
        z = pooled + self.b
        a = self.activation.fn(z)
        return a, (x.shape, cols, conv, pooled, z, a)

    def backward(self, grad, cache, input_grad=True):
        x_shape, cols, conv, pooled, z, a = cache
        (Ho, Wo), F = self.conv_shape, self.filters
        delta = self.activation.backward(z, a, grad)        # (m, Hp, Wp, F)
        nabla_b = delta.sum(axis=(0, 1, 2))                  # BP3
        # Max-pooling passes each delta to its window's maximum, to every tied maximum as
        # Theano's pooling gradient does (a background window of equal values gets it 4 times).
        at_max = conv == pooled[:, :, None, :, None]
        delta_conv = (at_max * delta[:, :, None, :, None]).reshape(-1, F)  # (m Ho Wo, F)
        nabla_w = (delta_conv.T @ cols).reshape(self.w.shape)  # BP4, each patch its a_in
        if not input_grad:
            return None, nabla_b, nabla_w
        # BP2's w^T delta, per patch, then each patch's share added back where it came from
        patches = (delta_conv @ self.w.reshape(F, -1)).reshape(len(z), Ho, Wo, KERNEL, KERNEL, -1)
        dx = np.zeros(x_shape, delta.dtype)                  # (m, H, W, C)
        for i in range(KERNEL):
            for j in range(KERNEL):
                dx[:, i:i + Ho, j:j + Wo] += patches[:, :, :, i, j]
        return dx, nabla_b, nabla_w


class FullyConnected:
    """n_in -> n_out units, z = x @ w.T + b, with dropout on the layer's input as network3 does
    it: in training each input is kept with probability 1 - `dropout` and not rescaled; at test
    every input is kept and x @ w.T is scaled by (1 - dropout) instead.

    w: (n_out, n_in), the book's w_jk; b: (n_out,). Image inputs are flattened first."""

    def __init__(self, n_in, n_out, activation, rng, dtype, dropout=0.0):
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must lie in [0, 1); got {dropout!r}")
        self.activation, self.dropout = activation, dropout
        if rng is None:  # the softmax layer's zero start
            self.w, self.b = np.zeros((n_out, n_in), dtype), np.zeros(n_out, dtype)
        else:
            self.w = (rng.standard_normal((n_out, n_in)) / np.sqrt(n_out)).astype(dtype)
            self.b = rng.standard_normal(n_out).astype(dtype)

    def forward(self, x, training, rng):
        x_shape, keep = x.shape, None
        x = x.reshape(len(x), -1)                            # (m, n_in)
        if training and self.dropout:
            keep = rng.random(x.shape) >= self.dropout       # each input kept w.p. 1 - p
            x = x * keep
        z = x @ self.w.T
        if not training and self.dropout:
            z *= 1 - self.dropout
        z += self.b                                          # (m, n_out)
        a = self.activation.fn(z)
        return a, (x_shape, keep, x, z, a)

    def backward(self, grad, cache, input_grad=True):
        return self.backward_delta(self.activation.backward(cache[3], cache[4], grad), cache,
                                   input_grad)

    def backward_delta(self, delta, cache, input_grad=True):
        """backward from the layer's delta = dC/dz (m, n_out) rather than dC/da."""
        x_shape, keep, x, z, a = cache
        nabla_b = delta.sum(axis=0)                          # BP3
        nabla_w = delta.T @ x                                # BP4 (x is the dropped-out input)
        if not input_grad:
            return None, nabla_b, nabla_w
        # BP2's w^T delta; a dropped input got no signal, so it gets no gradient
        dx = delta @ self.w
        if keep is not None:
            dx *= keep
        return dx.reshape(x_shape), nabla_b, nabla_w


class SoftmaxOutput(FullyConnected):
    """The softmax output layer, paired with the log-likelihood cost: its delta is a - y
    (BP1, book eq. 81), which the network passes to `backward_delta`. Starts at zero
    (network3's SoftmaxLayer)."""

    def __init__(self, n_in, n_out, dtype, dropout=0.0):
        super().__init__(n_in, n_out, Softmax(), None, dtype, dropout)
