"""The Network: gradients three ways, determinism, save/load, and the book's arithmetic."""

import json
import warnings

import numpy as np
import pytest

import nielsen_net.nn.network as network_module
from nielsen_net import History, Network
from nielsen_net.nn.activations import (HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Softmax,
                                     hidden_activation)
from nielsen_net.nn.costs import COSTS

HIDDEN = list(HIDDEN_ACTIVATIONS)  # a new activation is gradient-checked with no test edit
PAIRS = [(cost.name, out) for cost in COSTS.values() for out in cost.outputs]


def small_data(n_in=4, n_out=3, m=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n_in)), rng.integers(0, n_out, m)


def numerical_gradient(net, X, y, param, eps=1e-6):
    """Central differences of net.cost(X, y) with respect to every entry of `param`."""
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        saved = param[i]
        param[i] = saved + eps
        up = net.cost(X, y)
        param[i] = saved - eps
        down = net.cost(X, y)
        param[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)


# ----- gradients ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cost,output", PAIRS)
@pytest.mark.parametrize("activation", HIDDEN)
def test_backprop_matches_finite_differences(activation, cost, output):
    net = Network([4, 5, 4, 3], activation=activation, cost=cost, output_activation=output,
                  init="xavier", leaky_slope=0.1, seed=1)
    for b in net.biases:  # nonzero biases, so the check covers BP3 fully
        b += np.random.default_rng(2).standard_normal(b.shape) * 0.3
    X, y = small_data()
    nabla_b, nabla_w = net.backprop(X, y)
    for params, nablas in ((net.weights, nabla_w), (net.biases, nabla_b)):
        for p, g in zip(params, nablas):
            assert g.shape == p.shape
            assert relative_error(g, numerical_gradient(net, X, y, p)) < 1e-6


def test_backprop_with_target_matrix_matches_finite_differences():
    net = Network([2, 6, 2], activation="tanh", cost="quadratic", output_activation="identity",
                  seed=0)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    nabla_b, nabla_w = net.backprop(X, Y)
    assert relative_error(nabla_w[0], numerical_gradient(net, X, Y, net.weights[0])) < 1e-6
    assert relative_error(nabla_b[1], numerical_gradient(net, X, Y, net.biases[1])) < 1e-6


def per_example_gradient(net, x, y_onehot):
    """The book's backprop for one example, with column vectors and BP1 in full (no a - y)."""
    activation, zs, activations = x[:, None], [], [x[:, None]]
    for w, b, f in zip(net.weights, net.biases, net.layer_activations):
        z = np.dot(w, activation) + b[:, None]
        activation = f.fn(z.T).T
        zs.append(z)
        activations.append(activation)
    a, y = activations[-1].T, y_onehot[None, :]
    delta = net.output_activation.backward(zs[-1].T, a, net.cost_function.grad(a, y)).T
    nabla_b, nabla_w = [None] * len(zs), [None] * len(zs)
    for l in range(len(zs) - 1, -1, -1):
        nabla_b[l], nabla_w[l] = delta[:, 0], np.dot(delta, activations[l].T)
        if l > 0:
            delta = np.dot(net.weights[l].T, delta) * net.activation.prime(zs[l - 1],
                                                                           activations[l])
    return nabla_b, nabla_w


@pytest.mark.parametrize("activation,cost", [("sigmoid", "quadratic"), ("relu", "cross_entropy"),
                                             ("tanh", "log_likelihood")])
def test_matrix_backprop_equals_mean_of_per_example_gradients(activation, cost):
    net = Network([4, 6, 5, 3], activation=activation, cost=cost, seed=3)
    X, y = small_data(m=9)
    nabla_b, nabla_w = net.backprop(X, y)
    per_example = [per_example_gradient(net, x, np.eye(3)[label]) for x, label in zip(X, y)]
    for l in range(3):
        np.testing.assert_allclose(nabla_b[l], np.mean([g[0][l] for g in per_example], axis=0),
                                   rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(nabla_w[l], np.mean([g[1][l] for g in per_example], axis=0),
                                   rtol=1e-10, atol=1e-14)


def test_one_sgd_step_worked_by_hand():
    # A [1, 1, 1] sigmoid net, quadratic cost, w1 = 0.5, b1 = 0, w2 = 2, b2 = -1; x = 1, y = 1.
    net = Network([1, 1, 1], activation="sigmoid", cost="quadratic")
    net.weights = [np.array([[0.5]]), np.array([[2.0]])]
    net.biases = [np.array([0.0]), np.array([-1.0])]
    # Forward: z1 = 0.5, a1 = sigmoid(0.5) = 0.622459; z2 = 2 * 0.622459 - 1 = 0.244919,
    #          a2 = sigmoid(0.244919) = 0.560925.
    # BP1: delta2 = (a2 - y) a2 (1 - a2) = -0.439075 * 0.560925 * 0.439075 = -0.108139.
    # BP2: delta1 = w2 delta2 a1 (1 - a1) = 2 * -0.108139 * 0.622459 * 0.377541 = -0.050826.
    # BP3/BP4 with eta = 1: w2 -= delta2 a1 -> 2.067312, b2 -= delta2 -> -0.891861,
    #                       w1 -= delta1 x  -> 0.550826, b1 -= delta1 -> 0.050826.
    net.SGD(([[1.0]], [[1.0]]), epochs=1, mini_batch_size=1, eta=1.0, monitor_training=False)
    assert net.weights[1][0, 0] == pytest.approx(2.067312, abs=1e-6)
    assert net.biases[1][0] == pytest.approx(-0.891861, abs=1e-6)
    assert net.weights[0][0, 0] == pytest.approx(0.550826, abs=1e-6)
    assert net.biases[0][0] == pytest.approx(0.050826, abs=1e-6)


def test_l2_step_decays_weights_as_in_the_book():
    # With a zero gradient (targets equal to outputs) only the decay (1 - eta lmbda / n) acts.
    net = Network([2, 2], cost="quadratic", output_activation="identity", seed=0)
    X = np.eye(2)
    w0 = net.weights[0].copy()
    net.SGD((X, net.feedforward(X)), epochs=1, mini_batch_size=2, eta=0.5, lmbda=2.0,
            monitor_training=False)
    np.testing.assert_allclose(net.weights[0], (1 - 0.5 * 2.0 / 2) * w0)


# ----- activations and initialisers --------------------------------------------------------------

@pytest.mark.parametrize("name", HIDDEN)
def test_activation_derivative_matches_finite_differences(name):
    f = hidden_activation(name, leaky_slope=0.2)
    z = np.array([[-3.0, -0.7, -0.1, 0.2, 1.5, 4.0]])
    eps = 1e-6
    numeric = (f.fn(z + eps) - f.fn(z - eps)) / (2 * eps)
    np.testing.assert_allclose(f.prime(z, f.fn(z)), numeric, rtol=1e-6, atol=1e-9)


def test_softmax_backward_is_the_jacobian_transpose():
    z = np.array([[0.3, -1.2, 2.0, 0.1]])
    g = np.array([[0.5, -1.0, 0.25, 2.0]])
    f, eps = Softmax(), 1e-6
    jacobian = np.stack([(f.fn(z + eps * e) - f.fn(z - eps * e))[0] / (2 * eps)
                         for e in np.eye(4)], axis=1)  # [j, k] = da_j / dz_k
    np.testing.assert_allclose(f.backward(z, f.fn(z), g)[0], jacobian.T @ g[0], rtol=1e-7)


def test_activations_are_stable_for_large_inputs():
    z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]])
    # Only the sigmoid's exp(-z) may overflow (to inf, giving its limit 0); callers silence it.
    with np.errstate(over="ignore", invalid="raise", divide="raise"):
        for f in [hidden_activation(n) for n in HIDDEN] + list(OUTPUT_ACTIVATIONS.values()):
            assert np.isfinite(f.fn(z)).all()
        np.testing.assert_array_equal(hidden_activation("sigmoid").fn(z), [[0, 0, 0.5, 1, 1]])


def test_a_saturated_network_computes_without_warnings():
    net = Network([1, 2, 2], cost="cross_entropy", seed=0)
    net.weights[0][:] = [[1e4], [-1e4]]
    x, y = [[1.0], [-1.0]], [0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(net.forward(x)[1][1], [[1, 0], [0, 1]])
        assert np.isfinite(net.feedforward(x)).all() and np.isfinite(net.cost(x, y))
        assert all(np.isfinite(g).all() for g in sum(net.backprop(x, y), []))
        net.SGD((x, y), 1, 2, 0.1)


def test_costs_stay_finite_when_outputs_saturate():
    net = Network([1, 2], cost="cross_entropy")
    net.weights[0][:] = [[1e4], [-1e4]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.isfinite(net.cost([[1.0]], [1]))  # sigmoid outputs exactly 1 and 0
    softmax_net = Network([1, 2], cost="log_likelihood")
    softmax_net.weights[0][:] = [[1e4], [-1e4]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.isfinite(softmax_net.cost([[1.0]], [1]))


def test_relu_and_leaky_relu_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(hidden_activation("relu").fn(z), [[0, 0, 3]])
    np.testing.assert_array_equal(hidden_activation("leaky_relu", 0.1).fn(z), [[-0.2, 0, 3]])
    np.testing.assert_array_equal(hidden_activation("relu").prime(z, None), [[0, 0, 1]])


@pytest.mark.parametrize("init,w_std,b_std", [
    ("gaussian", lambda n_in, n_out: 1.0, 1.0),
    ("scaled_gaussian", lambda n_in, n_out: 1 / np.sqrt(n_in), 1.0),
    ("he", lambda n_in, n_out: np.sqrt(2 / n_in), 0.0),
    ("he_gaussian_biases", lambda n_in, n_out: np.sqrt(2 / n_in), 1.0),
    ("xavier", lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)), 0.0),
])
def test_initialiser_spread_matches_its_formula(init, w_std, b_std):
    net = Network([400, 3000, 50], init=init, seed=0)
    for w, b, (n_in, n_out) in zip(net.weights, net.biases, [(400, 3000), (3000, 50)]):
        assert w.std() == pytest.approx(w_std(n_in, n_out), rel=0.02)
        assert abs(w.mean()) < 0.02 * w_std(n_in, n_out)
        assert b.std() == pytest.approx(b_std, abs=0.07)
    assert net.biases[0].std() == pytest.approx(b_std, abs=0.04)


def test_parameters_have_the_books_layout_and_are_live():
    net = Network([5, 4, 3], seed=0)
    assert [w.shape for w in net.weights] == [(4, 5), (3, 4)]
    assert [b.shape for b in net.biases] == [(4,), (3,)]
    X = np.ones((2, 5))
    before = net.feedforward(X)
    net.weights[1][0, 0] += 1.0
    assert not np.array_equal(before, net.feedforward(X))


# ----- determinism, dtype, save and load ---------------------------------------------------------

def train_small(seed, **kwargs):
    X, y = small_data(n_in=6, n_out=3, m=40, seed=5)
    net = Network([6, 8, 3], seed=seed, **kwargs)
    history = net.SGD((X, y), epochs=3, mini_batch_size=7, eta=0.5, lmbda=0.1,
                      evaluation_data=(X[:10], y[:10]))
    return net, history


def without_seconds(history):
    return {k: v for k, v in history.to_dict().items() if k != "seconds"}


def test_same_seed_gives_bit_identical_weights_and_history():
    (a, ha), (b, hb) = train_small(7), train_small(7)
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(wa, wb)
    assert without_seconds(ha) == without_seconds(hb)
    c, hc = train_small(8)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_evaluation_in_chunks_equals_one_pass(monkeypatch):
    X, y = small_data(m=40)
    net = Network([4, 5, 3], cost="cross_entropy", seed=0)
    a = net.feedforward(X)
    l2 = 0.5 * 0.3 / len(X) * sum(float(np.sum(w * w)) for w in net.weights)
    monkeypatch.setattr(network_module, "EVAL_CHUNK", 3)  # 13 chunks of 3 and one of 1
    assert net.evaluate(X, y) == int(np.sum(a.argmax(axis=1) == y))
    assert net.cost(X, y, lmbda=0.3) == pytest.approx(
        COSTS["cross_entropy"].fn(a, np.eye(3)[y]) + l2, rel=1e-13)


def test_a_generator_seed_is_used_as_given():
    (a, _), (b, _) = train_small(np.random.default_rng(3)), train_small(3)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_float32_network_stays_float32():
    net, history = train_small(0, dtype="float32")
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    assert net.feedforward(np.ones((2, 6))).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.backprop(np.ones((2, 6)), [0, 1])[1])
    net64, history64 = train_small(0)
    np.testing.assert_allclose(net.weights[0], net64.weights[0], rtol=1e-3, atol=1e-4)


def test_save_and_load_round_trip(tmp_path):
    net, _ = train_small(0, activation="leaky_relu", leaky_slope=0.05, cost="log_likelihood",
                         init="he")
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = Network.load(path)
    X = np.random.default_rng(0).standard_normal((5, 6))
    np.testing.assert_array_equal(loaded.feedforward(X), net.feedforward(X))
    assert loaded.config == net.config
    assert loaded.activation.slope == 0.05


def test_history_round_trips_through_json():
    _, history = train_small(0)
    restored = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert restored == history
    assert restored.epochs == 3 and len(restored.evaluation_accuracy) == 3
    with pytest.raises(ValueError, match="unknown History fields"):
        History.from_dict({"training_cost": [], "bogus": 1})


def test_a_last_partial_mini_batch_is_used():
    # 5 examples in mini-batches of 2: the fifth example alone must still move the weights.
    X = np.zeros((5, 2))
    X[4] = 1.0  # only the last example has a nonzero input, so only it changes w
    y = np.ones((5, 1))
    net = Network([2, 1], seed=0)
    w0 = net.weights[0].copy()
    net.SGD((X, y), epochs=1, mini_batch_size=2, eta=1.0, monitor_training=False)
    assert not np.array_equal(w0, net.weights[0])


# ----- divergence --------------------------------------------------------------------------------

def test_divergence_is_recorded_not_raised():
    X, y = small_data(n_in=4, n_out=3, m=50)
    net = Network([4, 20, 3], activation="relu", cost="quadratic", output_activation="identity",
                  init="gaussian", seed=0)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no warning escapes SGD
        history = net.SGD((X * 50, y), epochs=20, mini_batch_size=5, eta=50.0)
    assert history.diverged
    assert history.diverged_epoch == history.epochs < 20
    assert not np.isfinite(history.training_cost[-1])


# ----- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,match", [
    (dict(sizes=[784]), "at least two layer sizes"),
    (dict(sizes=[784, 0, 10]), "at least two layer sizes"),
    (dict(sizes=[784, 2.5, 10]), "at least two layer sizes"),
    (dict(activation="softplus"), r"unknown activation 'softplus'; valid: 'sigmoid', 'tanh'"),
    (dict(cost="hinge"), "unknown cost 'hinge'; valid: 'quadratic'"),
    (dict(init="uniform"), "unknown init 'uniform'; valid: 'gaussian'"),
    (dict(output_activation="relu6"), "unknown output_activation 'relu6'"),
    (dict(cost="cross_entropy", output_activation="identity"),
     "cost 'cross_entropy' cannot pair with output_activation 'identity'; valid: 'sigmoid'"),
    (dict(dtype="float16"), "dtype must be one of float64, float32; got 'float16'"),
    (dict(leaky_slope=-0.1), r"leaky_slope must lie in \[0, 1\); got -0.1"),
    (dict(seed="abc"), "seed must be an int"),
])
def test_bad_network_arguments_are_refused(kwargs, match):
    kwargs = {"sizes": [4, 3, 2]} | kwargs
    with pytest.raises(ValueError, match=match):
        Network(kwargs.pop("sizes"), **kwargs)


@pytest.mark.parametrize("change,match", [
    (dict(eta=0), "eta must be > 0; got 0"),
    (dict(eta=-1.0), "eta must be > 0; got -1.0"),
    (dict(lmbda=-0.5), "lmbda must be >= 0; got -0.5"),
    (dict(mini_batch_size=0), "mini_batch_size must be > 0; got 0"),
    (dict(mini_batch_size=2.5), "mini_batch_size must be an integer; got 2.5"),
    (dict(epochs=0), "epochs must be > 0; got 0"),
    (dict(X=np.ones((6, 3))), r"training_data X must have shape \(m, 4\); got \(6, 3\)"),
    (dict(y=np.zeros(5, int)), "training_data y has 5 rows but X has 6; they must match"),
    (dict(y=np.array([0, 1, 2, 0, 1, 3])), r"labels must lie in \[0, 3\); got values from 0 to 3"),
    (dict(y=np.array([0, 1, -1, 0, 1, 2])), r"labels must lie in \[0, 3\)"),
    (dict(X=np.full((6, 4), np.nan)), "training_data X contains NaN or infinite values"),
    (dict(X=np.full((6, 4), np.inf)), "training_data X contains NaN or infinite values"),
    (dict(evaluation_data=(np.ones((2, 5)), [0, 1])), r"evaluation_data X must have shape"),
    (dict(evaluation_data=np.ones((2, 4))), r"evaluation_data must be an \(X, y\) pair"),
])
def test_bad_training_arguments_are_refused_and_change_nothing(change, match):
    X, y = small_data(n_in=4, n_out=3, m=6)
    args = dict(X=X, y=y, epochs=1, mini_batch_size=2, eta=0.1, lmbda=0.0,
                evaluation_data=None) | change
    net = Network([4, 5, 3], seed=0)
    weights = [w.copy() for w in net.weights + net.biases]
    rng_state = net.rng.bit_generator.state
    with pytest.raises(ValueError, match=match):
        net.SGD((args.pop("X"), args.pop("y")), **args)
    for before, after in zip(weights, net.weights + net.biases):
        np.testing.assert_array_equal(before, after)
    assert net.rng.bit_generator.state == rng_state


def test_bad_inputs_to_the_computing_methods_are_refused():
    net = Network([4, 3], seed=0)
    with pytest.raises(ValueError, match=r"X must have shape \(m, 4\); got \(4,\)"):
        net.feedforward(np.ones(4))
    with pytest.raises(ValueError, match="X contains NaN"):
        net.predict(np.array([[1.0, np.nan, 0, 0]]))
    with pytest.raises(ValueError, match=r"y must be labels of shape \(2,\) or targets of shape"):
        net.evaluate(np.ones((2, 4)), np.ones((2, 5)))
    with pytest.raises(ValueError, match="lmbda must be >= 0"):
        net.cost(np.ones((2, 4)), [0, 1], lmbda=-1)


def test_cost_includes_the_books_l2_term():
    net = Network([3, 2], cost="quadratic", seed=0)
    X, y = np.ones((4, 3)), np.array([0, 1, 1, 0])
    l2 = 0.5 * 2.0 / 4 * sum(np.sum(w ** 2) for w in net.weights)
    assert net.cost(X, y, lmbda=2.0) == pytest.approx(net.cost(X, y) + l2)
    a, Y = net.feedforward(X), np.eye(2)[y]
    assert net.cost(X, y) == pytest.approx(0.5 * np.sum((a - Y) ** 2) / 4)


def test_evaluate_counts_and_accuracy_is_a_fraction():
    net = Network([2, 2], output_activation="identity", cost="quadratic", seed=0)
    net.weights[0][:] = np.eye(2)
    net.biases[0][:] = 0
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    assert list(net.predict(X)) == [0, 1, 0]
    assert net.evaluate(X, [0, 1, 1]) == 2
    assert net.accuracy(X, [0, 1, 1]) == pytest.approx(2 / 3)
