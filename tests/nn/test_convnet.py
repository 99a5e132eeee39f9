"""The chapter 6 layers and ConvNet: gradients against finite differences (float64), each layer
and the whole net, network3's init and dropout rules, the 1x1 convolution = fully connected
identity, determinism, save/load and resume bit for bit."""

import numpy as np
import pytest

from nielsen_net.nn.activations import hidden_activation
from nielsen_net.nn.convnet import ConvNet, check_layers
from nielsen_net.nn.history import History
from nielsen_net.nn.layers import ConvPool, FullyConnected

EPS = 1e-5


def numeric_gradient(f, P):
    """Central differences of the scalar f() in every entry of the array P (changed in place)."""
    grad = np.zeros_like(P)
    for idx in np.ndindex(P.shape):
        old = P[idx]
        P[idx] = old + EPS
        plus = f()
        P[idx] = old - EPS
        minus = f()
        P[idx] = old
        grad[idx] = (plus - minus) / (2 * EPS)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a + b), 1e-12)


def perturbed(net, rng):
    """`net` with every parameter moved off network3's start (the softmax layer's zeros make
    many gradients vanish), so the check sees every term."""
    for layer in net.layers:
        layer.w += rng.normal(0, 0.3, layer.w.shape)
        layer.b += rng.normal(0, 0.3, layer.b.shape)
    return net


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
@pytest.mark.parametrize("spec, dropout", [(["conv3", "fc5"], 0.0),
                                           (["conv2", "conv3", "fc4"], 0.0),
                                           (["conv2", "fc4", "fc3"], 0.5), (["fc6"], 0.3)])
def test_convnet_backprop_matches_finite_differences(activation, spec, dropout):
    rng = np.random.default_rng(1)
    X, y = rng.random((3, 784)), rng.integers(0, 10, 3)
    net = perturbed(ConvNet(spec, activation=activation, dropout=dropout, seed=2,
                            dtype="float64"), rng)
    state = net.rng.bit_generator.state  # the same dropout masks in every evaluation

    def cost():  # the training-mode cost that backprop differentiates
        net.rng.bit_generator.state = state
        a = net._forward(X, training=True)[0]
        return -np.mean(np.log(a[np.arange(len(y)), y]))

    gradients = net.backprop(X, y)
    for layer, (nabla_b, nabla_w) in zip(net.layers, gradients):
        assert relative_error(nabla_b, numeric_gradient(cost, layer.b)) < 1e-6
        assert relative_error(nabla_w, numeric_gradient(cost, layer.w)) < 1e-6


@pytest.mark.parametrize("pool", [1, 2])
def test_conv_layer_input_gradient_matches_finite_differences(pool):
    rng = np.random.default_rng(3)
    layer = ConvPool((8 if pool == 2 else 7, 8 if pool == 2 else 7, 3), 4,
                     hidden_activation("tanh"), rng, np.float64, pool=pool)
    x = rng.random((2, *layer.in_shape))
    upstream = rng.standard_normal((2, *layer.out_shape))  # C = sum(upstream * a)

    def cost():
        return float(np.sum(upstream * layer.forward(x, True, None)[0]))

    a, cache = layer.forward(x, True, None)
    dx, nabla_b, nabla_w = layer.backward(upstream, cache)
    assert relative_error(dx, numeric_gradient(cost, x)) < 1e-7
    assert relative_error(nabla_w, numeric_gradient(cost, layer.w)) < 1e-7
    assert relative_error(nabla_b, numeric_gradient(cost, layer.b)) < 1e-7


def test_a_conv_layer_over_a_kernel_sized_input_is_a_fully_connected_layer():
    rng = np.random.default_rng(4)
    f = hidden_activation("sigmoid")
    conv = ConvPool((5, 5, 2), 3, f, rng, np.float64, pool=1)
    fc = FullyConnected(50, 3, f, rng, np.float64)
    fc.w[:], fc.b[:] = conv.w.reshape(3, -1), conv.b  # the same numbers, flattened (K, K, C)
    x = rng.random((4, 5, 5, 2))
    a_conv, conv_cache = conv.forward(x, True, None)
    a_fc, fc_cache = fc.forward(x, True, None)
    np.testing.assert_allclose(a_conv.reshape(4, 3), a_fc, rtol=1e-12)
    grad = rng.standard_normal((4, 3))
    for g_conv, g_fc in zip(conv.backward(grad.reshape(4, 1, 1, 3), conv_cache),
                            fc.backward(grad, fc_cache)):
        np.testing.assert_allclose(g_conv.reshape(g_fc.shape), g_fc, rtol=1e-12)


def test_max_pooling_passes_the_gradient_to_every_tied_maximum_as_theano_does():
    layer = ConvPool((6, 6, 1), 1, hidden_activation("identity"), np.random.default_rng(0),
                     np.float64)
    x = np.zeros((1, 6, 6, 1))  # a blank patch: all four conv outputs of each window tie
    a, cache = layer.forward(x, True, None)
    _, nabla_b, _ = layer.backward(np.ones_like(a), cache)
    dx, _, _ = layer.backward(np.ones_like(a), cache)
    assert nabla_b[0] == 1.0  # one pooled output
    # each of the 4 tied conv outputs sends w back: dx sums w over the 4 placements
    expected = np.zeros((6, 6))
    for i in range(2):
        for j in range(2):
            expected[i:i + 5, j:j + 5] += layer.w[0, :, :, 0]
    np.testing.assert_allclose(dx[0, :, :, 0], expected)


def test_init_follows_network3():
    net = ConvNet(["conv20", "conv40", "fc1000"], seed=0, dtype="float64")
    conv1, conv2, fc, softmax = net.layers
    assert conv1.w.shape == (20, 5, 5, 1) and conv2.w.shape == (40, 5, 5, 20)
    assert fc.w.shape == (1000, 40 * 4 * 4) and softmax.w.shape == (10, 1000)
    assert conv2.w.std() == pytest.approx(np.sqrt(4 / (40 * 25)), rel=0.02)  # N(0, 1/n_out)
    assert fc.w.std() == pytest.approx(np.sqrt(1 / 1000), rel=0.02)
    assert fc.b.std() == pytest.approx(1, rel=0.1)                            # biases N(0, 1)
    assert not softmax.w.any() and not softmax.b.any()                        # softmax at zero


def test_dropout_keeps_half_the_inputs_in_training_and_scales_at_test():
    rng = np.random.default_rng(0)
    layer = FullyConnected(2000, 1, hidden_activation("identity"), rng, np.float64, dropout=0.5)
    layer.w[:], layer.b[:] = 1, 0
    x = np.ones((50, 2000))
    trained = layer.forward(x, True, rng)[0]
    assert trained.mean() == pytest.approx(1000, rel=0.01)   # about half kept, not rescaled
    assert np.all(layer.forward(x, False, rng)[0] == 1000)   # every input, times (1 - p)


def test_l2_decays_weights_by_eta_lmbda_over_the_number_of_mini_batches():
    rng = np.random.default_rng(0)
    X, y = rng.random((20, 784)), rng.integers(0, 10, 20)
    net = ConvNet(["fc5"], seed=0, dtype="float64")
    before = [w.copy() for w in net.weights]
    net.SGD((X, y), 1, 20, eta=0.5, lmbda=4.0)  # one mini-batch: decay 1 - 0.5 * 4 / 1
    other = ConvNet(["fc5"], seed=0, dtype="float64")
    other.rng.permutation(20)  # the shuffle SGD drew
    steps = other.backprop(X, y)
    for w, w0, (_, nabla_w) in zip(net.weights, before, steps):
        np.testing.assert_allclose(w, (1 - 0.5 * 4.0) * w0 - 0.5 * nabla_w, atol=1e-12)


def test_same_seed_gives_identical_training():
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 784)), rng.integers(0, 10, 40)
    runs = [ConvNet(["conv2", "fc5"], dropout=0.5, seed=7).SGD((X, y), 2, 10, 0.1,
                                                               evaluation_data=(X, y))
            for _ in range(2)]
    assert runs[0].evaluation_cost == runs[1].evaluation_cost
    assert runs[0].evaluation_cost != ConvNet(["conv2", "fc5"], dropout=0.5, seed=8).SGD(
        (X, y), 2, 10, 0.1, evaluation_data=(X, y)).evaluation_cost


def test_resuming_from_a_saved_epoch_equals_training_straight_through(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.random((30, 784)), rng.integers(0, 10, 30)
    data = dict(evaluation_data=(X[:10], y[:10]), monitor_data=(X[:10], y[:10]))
    straight = ConvNet(["conv2", "fc4"], dropout=0.5, seed=3)
    whole = straight.SGD((X, y), 3, 10, 0.1, 0.5, **data)
    first = ConvNet(["conv2", "fc4"], dropout=0.5, seed=3)
    history = first.SGD((X, y), 1, 10, 0.1, 0.5, **data)
    first.save(tmp_path / "net.npz", {"history": history.to_dict()})
    resumed, notes = ConvNet.load(tmp_path / "net.npz")
    rest = resumed.SGD((X, y), 3, 10, 0.1, 0.5, history=History.from_dict(notes["history"]),
                       **data)
    assert rest.to_dict() | {"seconds": None} == whole.to_dict() | {"seconds": None}
    for a, b in zip(resumed.weights + resumed.biases, straight.weights + straight.biases):
        assert np.array_equal(a, b)


def test_load_refuses_a_file_that_does_not_match(tmp_path):
    net = ConvNet(["conv2", "fc4"], seed=0)
    net.save(tmp_path / "net.npz")
    arrays = dict(np.load(tmp_path / "net.npz"))
    arrays["w1"] = arrays["w1"][:2]
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match="w1 is missing or not float32 of shape"):
        ConvNet.load(tmp_path / "bad.npz")
    np.savez(tmp_path / "other.npz", w0=np.zeros(3))
    with pytest.raises(ValueError, match="not a file ConvNet.save wrote"):
        ConvNet.load(tmp_path / "other.npz")


@pytest.mark.parametrize("layers", [[], ["fc10", "conv20"], ["conv"], "conv20", ["pool2"], [20]])
def test_bad_layer_lists_are_refused_with_what_is_accepted(layers):
    with pytest.raises(ValueError, match="convolutions first, e.g. \\['conv20', 'fc100'\\]"):
        check_layers(layers)


def test_bad_dropout_and_activation_are_refused():
    with pytest.raises(ValueError, match="dropout must be a number in \\[0, 1\\)"):
        ConvNet(["fc10"], dropout=1.0)
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        ConvNet(["fc10"], activation="softmax")


def test_float32_net_trains_in_float32():
    rng = np.random.default_rng(0)
    X, y = rng.random((20, 784)), rng.integers(0, 10, 20)
    net = ConvNet(["conv2", "fc4"], seed=0)
    net.SGD((X, y), 1, 10, 0.1, 0.1)
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    assert net.feedforward(X).dtype == np.float32


def test_a_net_whose_weights_blow_up_is_marked_diverged_and_stops():
    rng = np.random.default_rng(0)
    data = (rng.random((20, 784)).astype(np.float32), rng.integers(0, 10, 20))
    net = ConvNet(["fc5"], activation="relu", seed=0)
    history = net.SGD(data, 10, 5, 1e9, 0.0, evaluation_data=data)
    assert history.diverged and history.epochs < 10
    steady = ConvNet(["fc5"], activation="relu", seed=0).SGD(data, 3, 5, 0.1, 0.0)
    assert not steady.diverged and steady.epochs == 3
