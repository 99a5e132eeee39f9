"""Chapter 6 runs: the config's checks, the record, and a checkpointed run that is stopped and
resumed giving the record of a run straight through; and the expanded training sets (shifts,
rotations) a run trains on."""

import numpy as np
import pytest

from helpers import SWEEPS
from nielsen_net.data.mnist import MNIST, Split
from nielsen_net.experiments import run as run_module
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.run import run, same_config
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.nn.convnet import ConvNet
from nielsen_net.nn.network import Network

LAYERED = dict(layers=["conv2", "fc6"], cost="log_likelihood", dtype="float32", epochs=3,
               eta=0.1, lmbda=0.1, dropout=0.5, train_size=40, test_each_epoch=True)


def fake_mnist(seed=0):
    rng = np.random.default_rng(seed)

    def split(m):
        return Split(rng.random((m, 784)).astype(np.float32), rng.integers(0, 10, m))
    return MNIST(split(40), split(15), split(15))


def test_a_layered_config_builds_a_convnet_and_refuses_settings_it_would_ignore():
    config = RunConfig(**LAYERED)
    assert isinstance(config.network(), ConvNet)
    assert RunConfig.from_dict(config.to_dict()) == config
    for key, value in [("init", "he"), ("mu", 0.5), ("sizes", [784, 50, 10])]:
        with pytest.raises(ValueError, match=f"{key} does not apply to a chapter 6 net"):
            RunConfig(**LAYERED | {key: value})
    with pytest.raises(ValueError, match="set cost = 'log_likelihood'"):
        RunConfig(**LAYERED | {"cost": "cross_entropy"})
    with pytest.raises(ValueError, match="dropout needs a chapter 6 net"):
        RunConfig(dropout=0.5)
    with pytest.raises(ValueError, match="expanded must be true or false"):
        RunConfig(**LAYERED | {"expanded": "yes"})


def test_a_layered_run_records_test_accuracy_each_epoch_and_its_predictions():
    record, net = run(RunConfig(**LAYERED), fake_mnist())
    assert len(record["history"]["evaluation_accuracy"]) == 3
    assert len(record["test_accuracy_per_epoch"]) == 3
    assert record["test_accuracy_per_epoch"][-1] == record["test_accuracy"]
    assert len(record["test_predictions"]) == 15
    assert record["diagnostics"] == {"monitor_size": 40}
    assert np.array_equal(record["first_layer_filters"], net.layers[0].w[..., 0])
    assert np.shape(record["first_layer_filters"]) == (2, 5, 5)


def images_trained_on(monkeypatch, net_class):
    """The list each `net_class.SGD` call appends its number of training images to."""
    seen = []
    original = net_class.SGD

    def spy(self, training_data, *args, **kwargs):
        seen.append(len(training_data[0]))
        return original(self, training_data, *args, **kwargs)
    monkeypatch.setattr(net_class, "SGD", spy)
    return seen


def test_an_expanded_run_trains_on_five_times_the_images(monkeypatch):
    seen = images_trained_on(monkeypatch, ConvNet)
    run(RunConfig(**LAYERED | {"expanded": True, "epochs": 1}), fake_mnist())
    assert seen == [200]


def test_a_run_with_rotations_trains_on_each_image_and_its_rotated_copies(monkeypatch):
    seen = images_trained_on(monkeypatch, Network)
    run(RunConfig(sizes=(784, 10, 10), epochs=1, train_size=40, rotations=[-15, 15]),
        fake_mnist())
    assert seen == [3 * 40]


@pytest.mark.parametrize("bad", [15, [0], [90], ["15"], [True]])
def test_rotations_must_be_small_nonzero_angles(bad):
    with pytest.raises(ValueError, match="rotations must be a list of angles in degrees, each "
                                         "non-zero and between -90 and 90"):
        RunConfig(rotations=bad)


def test_a_checkpoint_saved_before_a_setting_existed_still_resumes():
    config = RunConfig(**LAYERED)
    saved = {k: v for k, v in config.to_dict().items() if k != "rotations"}  # an older file
    assert same_config(saved, config)
    assert not same_config(saved | {"epochs": 99}, config)
    assert not same_config(saved | {"removed_setting": 1}, config)


def test_a_stopped_run_resumes_from_its_checkpoint_to_the_same_record(tmp_path, monkeypatch):
    config, mnist, checkpoint = RunConfig(**LAYERED), fake_mnist(), tmp_path / "run.npz"
    straight, _ = run(config, mnist)

    class Stop(Exception):
        pass
    original = ConvNet.save

    def save_then_stop(self, path, notes=None):  # killed right after epoch 2's checkpoint
        original(self, path, notes)
        if len(notes["history"]["seconds"]) == 2:
            raise Stop
    monkeypatch.setattr(ConvNet, "save", save_then_stop)
    with pytest.raises(Stop):
        run(config, mnist, checkpoint=checkpoint)
    monkeypatch.setattr(ConvNet, "save", original)
    resumed, _ = run(config, mnist, checkpoint=checkpoint)
    for record in (straight, resumed):
        record["history"]["seconds"] = record["seconds"] = None
    assert resumed == straight


def test_a_checkpoint_of_another_config_is_not_resumed(tmp_path):
    checkpoint, mnist = tmp_path / "run.npz", fake_mnist()
    run(RunConfig(**LAYERED | {"epochs": 1, "seed": 5}), mnist, checkpoint=checkpoint)
    record, _ = run(RunConfig(**LAYERED), mnist, checkpoint=checkpoint)
    fresh, _ = run(RunConfig(**LAYERED), mnist)
    assert record["history"]["evaluation_cost"] == fresh["history"]["evaluation_cost"]


def test_the_conv_sweep_file_is_the_books_ladder():
    sweep = load_sweep("conv", SWEEPS)
    books = {name: sweep.notes[name][0]["value"] for name in sweep.configurations}
    assert books == {"ch6-fc100": 97.80, "ch6-conv1": 98.78, "ch6-conv2": 99.06,
                     "ch6-relu": 99.23, "ch6-expanded": 99.37, "ch6-fc100x2": 99.43,
                     "ch6-dropout": 99.60}
    assert all(len(sweep.seeds[n]) >= 3 for n in ["ch6-fc100", "ch6-conv1", "ch6-conv2",
                                                 "ch6-relu"])
    dropout = sweep.configurations["ch6-dropout"]
    assert (dropout.layers, dropout.dropout, dropout.epochs, dropout.expanded) == (
        ("conv20", "conv40", "fc1000", "fc1000"), 0.5, 40, True)
    assert run_module.MONITOR_SIZE == 10_000
