"""scripts/one_class.py: its record, end to end on a small fake MNIST; and the selection's stages
(nielsen_net/one_class/selection.py)."""

import json
import math
import os
import re
import subprocess
import sys

import numpy as np

from helpers import ROOT, idx_bytes
from nielsen_net.one_class import selection, workers
from nielsen_net.report import one_class as one_class_report


def small_config(tmp_path):
    """The committed config with a two-point grid, two epochs and two seeds."""
    text = (ROOT / "scripts" / "configs" / "one_class.toml").read_text()
    for pattern, new in [(r"max_epochs = \d+", "max_epochs = 2"),
                         (r"\nsizes = .*", "\nsizes = [[784, 8, 784]]"),
                         (r"\ncost = .*", '\ncost = ["cross_entropy"]'),
                         (r"\neta = .*", "\neta = [0.01, 0.1]"),
                         (r"seeds = \[0, 1, 2\]", "seeds = [0, 1]"),
                         (r"explained = [\d.]+", "explained = 0.01")]:  # random pixels
        text, n = re.subn(pattern, new, text)
        assert n >= 1, pattern
    path = tmp_path / "small.toml"
    path.write_text(text)
    return path


def fake_mnist(directory, n_train=10_300, n_test=200):
    """Random images; labels cycle through 0-9 so every digit has train and test images."""
    rng = np.random.default_rng(0)
    for name, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        (directory / f"{name}-images-idx3-ubyte").write_bytes(idx_bytes(0x803, images))
        labels = (np.arange(n) % 10).astype(np.uint8)
        (directory / f"{name}-labels-idx1-ubyte").write_bytes(idx_bytes(0x801, labels))


def test_the_script_writes_every_auc_the_selection_and_the_hard_case(tmp_path):
    data = tmp_path / "mnist"
    data.mkdir()
    fake_mnist(data)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "one_class.py"), "--jobs", "1",
                    "--results", str(tmp_path), "--config", str(small_config(tmp_path))],
                   env=os.environ | {"MNIST_DIR": str(data)}, check=True, capture_output=True)
    text = (tmp_path / "anomaly" / "one_class.json").read_text()
    record = json.loads(text, parse_constant=lambda c: pytest_fail(f"non-JSON constant {c}"))
    auc = record["auc"]
    assert set(auc) == {"autoencoder", "pca", "mean_distance"}
    for method, n in (("autoencoder", 2), ("pca", 1), ("mean_distance", 1)):
        assert list(auc[method]) == [str(d) for d in range(10)]
        assert all(len(v) == n and all(0 <= a <= 1 for a in v) for v in auc[method].values())
    stage1, stage2 = record["selection"]["stage1"], record["selection"]["stage2"]
    assert len(stage1["runs"]) == 2 * 2 * 2  # activations x etas x selection digits
    assert "reused_from" not in stage1
    eta = stage1["training"]["eta"]
    assert stage2["first_grid"]["eta"] == [float(f"{eta * f:.3g}") for f in (0.3, 1.0, 3.0)]
    assert set(stage2["first_grid"]["eta"]) <= set(stage2["grid"]["eta"])
    assert len(stage2["runs"]) == len(stage2["grid"]["eta"]) * 2  # etas x selection digits
    assert 1 <= stage2["chosen"]["epochs"] <= 2
    training = record["methods"]["autoencoder"]["training"]
    assert (training["eta"], training["epochs"]) == (stage2["chosen"]["eta"],
                                                     stage2["chosen"]["epochs"])
    assert record["methods"]["autoencoder"]["network"] == stage1["network"]
    assert set(record["hard_case"]["auc"]) >= {"autoencoder", "pca", "autoencoder_per_ink", "ink"}
    assert len(record["hard_case"]["auc"]["autoencoder"]) == 2
    figures = record["figures"]
    assert figures["digit"] == 4
    shown = figures["reconstructions"]["normal"]["best"]
    assert len(shown) == 6 and all(r["label"] == 4 and len(r["reconstruction"]) == 784
                                   for r in shown)
    assert all(r["label"] != 4 for r in figures["reconstructions"]["anomalous"]["worst"])
    histogram = figures["histograms"]["pca"]
    assert sum(histogram["normal"]) == 20 and sum(histogram["anomalous"]) == 180
    assert [p["method"] for p in record["published"]][0] == "One-Class Deep SVDD"
    assert {"git_commit", "numpy"} <= set(record["environment"])
    section = one_class_report.section(tmp_path)
    rows = [line for line in section.splitlines() if re.match(r"\| (\d|\*\*mean)", line)]
    assert len(rows) == 11 and all(line.count("|") == 9 for line in rows)  # 8 columns
    assert ("still at the edge" in section) == bool(record["selection"]["at_grid_edge"])
    assert "not run" not in section.lower()


def test_stage2_grows_its_eta_grid_until_the_choice_is_inside(monkeypatch):
    """Validation error lowest at eta 1e-4, below the first grid (3e-4, 1e-3, 3e-3): the grid
    grows downwards in its own spacing until a smaller eta does worse, every eta trained once."""
    trained = []

    def fake_run_all(tasks, config, jobs, desc):
        trained.extend(t["training"]["eta"] for t in tasks)
        return [{"validation_error": [1 + abs(np.log10(t["training"]["eta"]) + 4)] * 5,
                 "seconds": 0.0} for t in tasks]

    monkeypatch.setattr(workers, "run_all", fake_run_all)
    config = {"autoencoder": {"training": {"mini_batch_size": 64},
                              "selection": {"digits": [0, 5], "seed": 100},
                              "refine": {"eta_factors": [0.3, 1.0, 3.0], "max_epochs": 5,
                                         "tolerance": 0.01, "window": 2}}}
    stage1 = {"training": {"eta": 0.001}, "network": {}}
    stage2 = selection.refine(config, stage1, jobs=1)
    assert stage2["grid"]["eta"] == [3e-05, 1e-04, 3e-04, 1e-03, 3e-03]
    assert stage2["chosen"]["eta"] == 1e-04 and stage2["at_grid_edge"] == []
    assert sorted(trained) == sorted(2 * stage2["grid"]["eta"])  # each eta on both digits


def pytest_fail(message):
    raise AssertionError(message)


def test_the_grid_expands_to_every_combination_with_each_activation_s_init():
    table = {"grid": {"sizes": [[784, 8, 784]], "activation": ["sigmoid", "relu"],
                      "cost": ["quadratic"], "eta": [0.1, 1.0, 3.0]},
             "inits": {"sigmoid": "xavier", "relu": "he"}}
    grid = list(selection.candidates(table))
    assert len(grid) == 6
    assert {(n["activation"], n["init"]) for _, n, _ in grid} == {("sigmoid", "xavier"),
                                                                  ("relu", "he")}
    assert sorted({eta for *_, eta in grid}) == [0.1, 1.0, 3.0]


def test_the_committed_config_holds_ten_published_aucs_per_method():
    import tomllib
    config = tomllib.loads((ROOT / "scripts" / "configs" / "one_class.toml").read_text())
    for table in config["published"]:
        assert len(table["auc_percent"]) == 10 and all(50 < a <= 100 for a in table["auc_percent"])
        assert table["citation"] and table["source_checked"]
    assert math.isclose(np.mean(config["published"][0]["auc_percent"]), 94.8, abs_tol=0.05)


def test_stage1_is_reused_only_when_the_config_it_ran_is_unchanged():
    import tomllib
    config = tomllib.loads((ROOT / "scripts" / "configs" / "one_class.toml").read_text())
    stage1 = {"network": {"sizes": [784, 64, 784]}, "training": {"eta": 0.001}}
    environment = {"git_commit": "abc", "date": "then"}
    old = {"config": config, "selection": stage1, "environment": environment}
    new = {"config": config, "selection": {"stage1": stage1 | {"reused_from": {"git_commit": "x"}}},
           "environment": environment}
    assert selection.reusable_stage1(old, config) == stage1 | {
        "reused_from": {"git_commit": "abc", "date": "then"}}
    assert selection.reusable_stage1(new, config)["reused_from"] == {"git_commit": "x"}
    changed = config | {"autoencoder": config["autoencoder"] | {
        "selection": config["autoencoder"]["selection"] | {"seed": 7}}}
    assert selection.reusable_stage1(old, changed) is None
    refined = config | {"autoencoder": config["autoencoder"] | {"refine": {"max_epochs": 9}}}
    assert selection.reusable_stage1(old, refined) == selection.reusable_stage1(old, config)
    assert selection.reusable_stage1(None, config) is None

