"""The bench's chapter 6 conv nets: PyTorch's copy takes the steps ours takes, and the conv
table's seconds, ratios and targets follow from the timings (made up here; no real timing)."""

import numpy as np
import pytest

from nielsen_net.bench import conv
from nielsen_net.bench.summary import NOT_INSTALLED, conv_rows, conv_table, conv_targets
from nielsen_net.nn.convnet import ConvNet

NETS = {"a": dict(layers=["conv2", "fc3"], activation="sigmoid", dropout=0.0, eta=0.1,
                  target=8.0),
        "b": dict(layers=["conv2", "conv3", "fc4"], activation="relu", dropout=0.5, eta=0.03,
                  target=20.0)}


def rounds(torch=True):
    """Two rounds of conv workers' output, timed on 1,000 images (so x50 for an epoch)."""
    out = []
    for ours_a, ours_b, torch_a, torch_b in [(0.16, 0.5, 0.08, 0.4), (0.2, 0.3, 0.12, 0.2)]:
        out.append((1, {"conv_ours": {"a": ours_a, "b": ours_b}}))
        if torch:
            out.append((1, {"conv_torch": {"a": torch_a, "b": torch_b}}))
    return out


def test_conv_rows_scale_to_an_epoch_and_give_ours_over_the_prototype_and_pytorch():
    a, b = conv_rows(rounds(), NETS, examples=1_000)
    assert a["net"] == "a" and a["layers"] == ["conv2", "fc3"] and b["dropout"] == 0.5
    assert a["ours"]["seconds"] == pytest.approx([8.0, 10.0])
    assert a["ours"]["median"] == pytest.approx(9.0) and a["torch"]["median"] == pytest.approx(5.0)
    assert a["ratios"]["ours_over_target"] == pytest.approx(9.0 / 8.0)
    assert a["ratios"]["ours_over_torch"] == pytest.approx(9.0 / 5.0)
    assert b["ours"]["median"] == pytest.approx(20.0)
    assert (b["ours"]["min"], b["ours"]["max"]) == pytest.approx((15.0, 25.0))
    assert b["ratios"]["ours_over_target"] == pytest.approx(1.0)
    assert b["ratios"]["ours_over_torch"] == pytest.approx(20.0 / 15.0)


def test_the_conv_table_shows_seconds_and_ratios_and_the_targets_judge_them():
    rows = conv_rows(rounds(), NETS, examples=1_000)
    lines = conv_table(rows).splitlines()
    assert len(lines) == 3 and "prototype" in lines[0] and "ours/torch" in lines[0]
    assert lines[1].startswith("a (sigmoid, 0) ")
    assert lines[1].split()[3:] == ["8.00", "9.00", "10.00", "|", "8.0", "1.12x", "|", "5.00",
                                    "1.80x"]
    assert lines[2].startswith("b (relu, 0.5) ") and "1.33x" in lines[2]
    missed, met = conv_targets(rows)
    assert missed["met"] is False and missed["shortfall"] == pytest.approx(9.0 / 8.0)
    assert (missed["value"], missed["goal"]) == (pytest.approx(9.0), 8.0)
    assert met["met"] is True and met["shortfall"] is None  # 20 s against 20 s: met


def test_without_pytorch_the_conv_table_says_it_was_skipped():
    rows = conv_rows(rounds(torch=False), NETS, examples=1_000)
    assert all(r["torch"] is None and r["ratios"]["ours_over_torch"] is None for r in rows)
    lines = conv_table(rows).splitlines()
    assert lines[-1] == NOT_INSTALLED and NOT_INSTALLED.startswith("PyTorch not installed: skipped")
    assert lines[1].split()[-2:] == ["-", "-"]


def test_the_bench_nets_are_issue_24s():
    assert {name: (spec["layers"], spec["activation"], spec["dropout"], spec["target"])
            for name, spec in conv.CONV_NETS.items()} == {
        "conv20-fc100": (["conv20", "fc100"], "sigmoid", 0.0, 8.8),
        "conv20-conv40-fc100": (["conv20", "conv40", "fc100"], "sigmoid", 0.0, 16.0),
        "conv20-conv40-fc1000-fc1000": (["conv20", "conv40", "fc1000", "fc1000"], "relu", 0.5,
                                        38.0)}


def test_ours_is_timed_on_the_images_asked_for():
    rng = np.random.default_rng(0)
    X, y = rng.random((conv.WARMUP + 20, 784)).astype(np.float32), rng.integers(0, 10, 120)
    assert conv.ours_seconds(NETS["b"], X, y, 20) > 0


def test_pytorch_s_layout_of_the_first_fully_connected_layer_reads_channels_first():
    """Our conv output is flattened channels last, PyTorch's channels first: the permuted
    weights give the same z."""
    net = ConvNet(["conv2", "fc3"], seed=0, dtype="float64")
    (_, _), (w_torch, _), _ = conv.torch_parameters(net)
    x = np.random.default_rng(1).random((4, *net.layers[0].out_shape))  # (m, 12, 12, 2)
    ours = x.reshape(4, -1) @ net.layers[1].w.T
    theirs = x.transpose(0, 3, 1, 2).reshape(4, -1) @ w_torch.T
    np.testing.assert_allclose(theirs, ours, rtol=1e-13)


@pytest.mark.parametrize("layers", [["conv2", "fc3"], ["conv2", "conv3", "fc4", "fc3"]])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_pytorch_takes_the_same_steps_as_convnet(layers, activation):
    torch = pytest.importorskip("torch")
    net = ConvNet(layers, activation=activation, seed=0, dtype="float64")
    rng = np.random.default_rng(1)
    X, y, order = rng.random((30, 784)), rng.integers(0, 10, 30), rng.permutation(30)
    _, model = conv.torch_conv_steps(torch, net, X, y, order, 30, 0.5)  # three steps
    for k in range(0, 30, conv.MINI_BATCH):
        rows = order[k:k + conv.MINI_BATCH]
        net.update_mini_batch(X[rows], np.eye(10)[y[rows]], 0.5)
    theirs = [m for m in model if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert len(theirs) == len(net.layers)
    for (w, b), module in zip(conv.torch_parameters(net), theirs):
        np.testing.assert_allclose(module.weight.detach().numpy(), w, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(module.bias.detach().numpy(), b, rtol=1e-10, atol=1e-14)
