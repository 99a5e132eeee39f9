"""Network hardening: atomic save, validated load, constructor checks, the divergence rule and
targets that the simplified output error would get wrong."""

import json
import math

import numpy as np
import pytest

from nielsen_net import Network
from nielsen_net.nn.network import DIVERGENCE_BOUND


def data(n_in=4, n_out=3, m=12, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n_in)), rng.integers(0, n_out, m)


# ----- save ----------------------------------------------------------------------------------

def test_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    good = Network([4, 5, 3], seed=0)
    good.save(path)
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError, match="No space"):
        Network([4, 5, 3], seed=1).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left


def test_save_writes_through_a_synced_temporary_file_in_the_same_folder(tmp_path, monkeypatch):
    import os
    synced, replaced = [], []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    monkeypatch.setattr(os, "replace",
                        lambda a, b: replaced.append((a, b)) or real_replace(a, b))
    Network([4, 5, 3], seed=0).save(tmp_path / "net.npz")
    assert synced
    [(source, target)] = replaced
    assert os.path.dirname(source) == str(tmp_path) and str(target) == str(tmp_path / "net.npz")


# ----- load ----------------------------------------------------------------------------------

def saved(tmp_path, config, arrays):
    """A .npz like `save` writes for Network([4, 5, 3]), with `arrays` replaced or added
    (None removes one) and `config` changed."""
    net = Network([4, 5, 3], seed=0)
    content = {"config": np.array(json.dumps(net.config | (config or {})))}
    content |= {"w0": net.weights[0], "w1": net.weights[1], "b0": net.biases[0],
                "b1": net.biases[1]}
    content |= arrays
    path = tmp_path / "net.npz"
    np.savez(path, **{k: v for k, v in content.items() if v is not None})
    return path


W0 = np.zeros((5, 4))


@pytest.mark.parametrize("arrays,config,message", [
    ({}, {"sizes": [4, 6, 3]}, r"w0 has shape \(5, 4\); the config needs \(6, 4\)"),
    ({"b0": np.zeros((5, 1))}, None, r"b0 has shape \(5, 1\); the config needs \(5,\)"),
    ({"w0": W0.T.copy()}, None, r"w0 has shape \(4, 5\); the config needs \(5, 4\)"),
    ({"w0": W0.astype(np.int64)}, None, "w0 has dtype int64; the config needs float64"),
    ({}, {"dtype": "float32"}, "w0 has dtype float64; the config needs float32"),
    ({"w0": np.full((5, 4), np.nan)}, None, "w0 contains NaN or infinite values"),
    ({"b1": None}, None, r"arrays .* do not match the config's 2 layers"),
    ({"w2": W0}, None, r"arrays .* do not match the config's 2 layers"),
    ({}, {"colour": "red"}, "bad config: .*colour"),
    ({}, {"activation": "swish"}, "bad config: unknown activation 'swish'"),
    ({"config": None}, None, "no 'config' array"),
])
def test_load_refuses_arrays_that_disagree_with_the_config(tmp_path, arrays, config, message):
    path = saved(tmp_path, config, arrays)
    with pytest.raises(ValueError, match=message):
        Network.load(path)


def test_load_accepts_what_save_wrote_in_float32(tmp_path):
    net = Network([4, 5, 3], seed=0, dtype="float32")
    net.save(tmp_path / "n.npz")
    X, _ = data()
    np.testing.assert_array_equal(Network.load(tmp_path / "n.npz").feedforward(X),
                                  net.feedforward(X))


# ----- constructor ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,message", [
    ({"sizes": [784, True, 10]}, "sizes must be a list .* got \\[784, True, 10\\]"),
    ({"sizes": {784, 30, 10}}, "sizes must be a list"),
    ({"sizes": None}, "sizes must be a list .* got None"),
    ({"sizes": 5}, "sizes must be a list .* got 5"),
    ({"seed": -1}, "seed must be an integer >= 0, None or an np.random.Generator; got -1"),
    ({"seed": True}, "seed must be an integer >= 0"),
    ({"activation": ["relu"]}, r"unknown activation \['relu'\]; valid: 'sigmoid'"),
    ({"cost": {"a": 1}}, "unknown cost"),
    ({"init": ["he"]}, "unknown init"),
    ({"output_activation": ["softmax"]}, "unknown output_activation"),
    ({"leaky_slope": "0.1"}, "leaky_slope must be a finite number; got '0.1'"),
    ({"leaky_slope": float("nan")}, "leaky_slope must be a finite number"),
])
def test_constructor_refuses_bad_arguments_with_clear_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**({"sizes": [4, 5, 3]} | kwargs))


def test_sizes_may_be_a_tuple_or_an_integer_array():
    assert Network((4, 5, 3)).sizes == Network(np.array([4, 5, 3])).sizes == [4, 5, 3]


@pytest.mark.parametrize("mu", ["0.5", None, float("nan")])
def test_sgd_refuses_a_non_numeric_mu(mu):
    net = Network([4, 5, 3], seed=0)
    before = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match="mu must be a finite number"):
        net.SGD(data(), 1, 4, 0.1, mu=mu)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


# ----- divergence ----------------------------------------------------------------------------

@pytest.mark.parametrize("output,cost", [("sigmoid", "cross_entropy"),
                                         ("softmax", "log_likelihood")])
def test_blow_up_without_nan_is_divergence(output, cost):
    """Saturating outputs keep the cost finite while the parameters run away: caught in the
    first epoch, not epochs later when they finally overflow."""
    net = Network([4, 8, 3], activation="identity", output_activation=output, cost=cost, seed=0)
    history = net.SGD(data(m=40), 30, 4, 1e3)
    assert history.diverged and history.diverged_epoch == history.epochs == 1
    largest = max(np.abs(w).max() for w in net.weights)
    assert DIVERGENCE_BOUND < largest < np.inf


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "softmax"])
def test_a_finite_but_huge_parameter_is_divergence(output):
    net = Network([4, 5, 3], output_activation=output, cost="quadratic", seed=0)
    net.weights[1][0, 0] = 1e24
    history = net.SGD(data(), 3, 4, 1e-3)
    assert history.diverged and history.diverged_epoch == 1


def test_a_diverged_epoch_records_nan_metrics_not_numbers():
    net = Network([4, 8, 3], activation="relu", cost="quadratic", output_activation="identity",
                  seed=0)
    history = net.SGD(data(m=40), 5, 4, 1e3, evaluation_data=data(m=10, seed=1))
    assert history.diverged
    for metric in (history.training_cost, history.training_accuracy,
                   history.evaluation_cost, history.evaluation_accuracy):
        assert len(metric) == history.epochs and math.isnan(metric[-1])
        assert all(math.isfinite(v) for v in metric[:-1])


def test_a_sane_run_does_not_diverge():
    history = Network([4, 8, 3], seed=0).SGD(data(m=40), 5, 4, 0.5)
    assert not history.diverged and history.epochs == 5


# ----- targets that break the simplified output error ----------------------------------------

def test_log_likelihood_with_softmax_refuses_rows_that_do_not_sum_to_one():
    net = Network([4, 5, 3], cost="log_likelihood", seed=0)
    X, _ = data(m=3)
    Y = np.array([[1.0, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(ValueError, match="y rows must each sum to 1 .* row 2 sums to 1.5"):
        net.backprop(X, Y)
    with pytest.raises(ValueError, match="training_data y rows must each sum to 1"):
        net.SGD((X, Y), 1, 3, 0.1)
    soft = np.array([[1.0, 0, 0], [0.2, 0.3, 0.5], [0, 0, 1]])
    assert np.isfinite(net.backprop(X, soft)[1][0]).all()  # distributions are accepted


def test_a_diverged_run_records_no_test_accuracy():
    from nielsen_net.experiments.config import RunConfig
    from nielsen_net.experiments.run import run
    from nielsen_net.data.mnist import MNIST, Split
    rng = np.random.default_rng(0)
    split = lambda n: Split(rng.random((n, 784)), rng.integers(0, 10, n))  # noqa: E731
    config = RunConfig(sizes=[784, 8, 10], activation="identity", epochs=3, eta=1e4,
                       train_size=100, test_each_epoch=True)
    record, _ = run(config, MNIST(split(100), split(20), split(20)))
    assert record["history"]["diverged"]
    assert math.isnan(record["test_accuracy"]) and math.isnan(record["test_accuracy_per_epoch"][-1])


def test_rerun_check_counts_a_diverged_epoch_as_identical():
    # rerun_check compares records by this strict form
    from nielsen_net.experiments.records import strict as comparable
    fresh = {"cost": [0.5, float("nan")], "deep": {"x": [float("nan")]}}
    assert comparable(fresh) == comparable({"cost": [0.5, None], "deep": {"x": [None]}})
    assert comparable(fresh) == comparable({"cost": [0.5, float("nan")], "deep": {"x": [None]}})
    assert comparable(fresh) != comparable({"cost": [0.4, None], "deep": {"x": [None]}})


def test_save_into_a_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"folder {tmp_path / 'nodir'} does not exist"):
        Network([4, 5, 3]).save(tmp_path / "nodir" / "net.npz")


def test_load_refuses_a_plain_npy_file(tmp_path):
    np.save(tmp_path / "w.npy", np.zeros(3))
    with pytest.raises(ValueError, match="no 'config' array"):
        Network.load(tmp_path / "w.npy")


def test_a_saved_model_is_readable_by_everyone(tmp_path):
    Network([4, 5, 3]).save(tmp_path / "net.npz")
    assert (tmp_path / "net.npz").stat().st_mode & 0o777 == 0o644
