"""scripts/plots.py on a tiny hand-made results folder: figures whose runs exist are written,
the others are skipped without an error, and a diverged run does not break a figure."""

import shutil

import numpy as np
import pytest

from helpers import ROOT, SWEEPS, load_script
from nielsen_net import results
from nielsen_net.sweep import load_sweep

plots = load_script("plots")

RELU = "sizes=784-100-10,activation=relu,init=he"
SIGMOID = "sizes=784-100-10,activation=sigmoid,init=gaussian"


def write_run(path, config, epochs=3, diverged_at=None):
    """A run record of the schema scripts/sweep.py writes; with `diverged_at` (1-based) the
    history stops at that epoch with a NaN cost, as a diverged run's does."""
    n = diverged_at or epochs
    hidden = len(config["sizes"]) - 2
    accuracy = list(np.linspace(0.8, 0.9, n))
    cost = list(np.linspace(1.0, 0.5, n))
    if diverged_at:
        cost[-1], accuracy[-1] = float("nan"), 0.098
    record = {
        "run_id": path.stem,
        "config": config | {"epochs": epochs},
        "history": {"training_cost": cost, "training_accuracy": accuracy,
                    "evaluation_cost": cost, "evaluation_accuracy": accuracy,
                    "seconds": [1.0] * n, "diverged": bool(diverged_at),
                    "diverged_epoch": diverged_at},
        "diagnostics": {"dead_fraction": [[0.1 * k] * hidden for k in range(n + 1)],
                        "bias_gradient_norms": [[0.01 * (k + 1)] * hidden
                                                for k in range(n + 1)],
                        "probe_size": 1000},
        "test_accuracy_per_epoch": accuracy if config["test_each_epoch"] else [],
        "test_accuracy": accuracy[-1],
    }
    results.write_record(path, record)


def write_runs(folder, sweep, name, seeds, eta=None, diverged_seed=None):
    config = load_sweep(sweep, SWEEPS).configurations[name].to_dict()
    if eta is not None:
        config["eta"] = eta
    for seed in seeds:
        write_run(folder / sweep / "runs" / f"{name},seed={seed}.json",
                     config | {"seed": seed}, diverged_at=2 if seed == diverged_seed else None)


def test_figures_with_runs_are_written_and_the_others_skipped(tmp_path, capsys):
    write_runs(tmp_path, "activation_init", RELU, [0, 1], eta=0.1, diverged_seed=1)
    write_runs(tmp_path, "activation_init", SIGMOID, [0, 1], eta=1.0)
    base = load_sweep("activation_init", SWEEPS).configurations[RELU].to_dict()
    for eta, diverged in ((0.1, None), (1.0, 1)):
        write_run(tmp_path / "activation_init" / "tune" / f"{RELU},eta={eta:g}.json",
                     base | {"eta": eta, "seed": 100}, diverged_at=diverged)
    write_runs(tmp_path, "book", "ch1-30", [0, 1], diverged_seed=1)
    write_runs(tmp_path, "book", "ch5-depth-4", [0, 1])

    written = {p.relative_to(tmp_path).as_posix()
               for p in plots.draw(tmp_path, "activation_init") + plots.draw(tmp_path, "book")}

    assert written == {f"activation_init/{f}" for f in plots.FIGURES["activation_init"]} | {
        "book/ch1_curves.png", "book/depth.png", "book/gradient_norms.png"}
    for name in written:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    for skipped in ("ch3_curves", "overfitting", "init_comparison"):
        assert f"skip {tmp_path / 'book' / skipped}.png" in out


def test_a_missing_sweep_folder_is_skipped(tmp_path, capsys):
    assert plots.draw(tmp_path, "book") == []
    plots.main(["--results", str(tmp_path)])
    assert "nothing to draw" in capsys.readouterr().out


def test_a_bad_record_stops_plots_and_report_naming_the_file(tmp_path, capsys):
    write_runs(tmp_path, "book", "ch1-30", [0, 1])
    bad = tmp_path / "book" / "runs" / "ch1-30,seed=2.json"
    bad.write_text('{"config": {"seed": 2}, "history": {"evaluation_acc')  # cut off
    for script in (plots, load_script("report")):
        with pytest.raises(SystemExit) as stop:
            script.main(["--results", str(tmp_path)])
        assert str(stop.value.code).startswith(f"error: bad record {bad}")


def test_a_stray_copy_is_reported_and_not_drawn_as_a_seed(tmp_path, capsys):
    write_runs(tmp_path, "book", "ch1-30", [0, 1])
    runs = tmp_path / "book" / "runs"
    copy = runs / "ch1-30,seed=1 (copy).json"
    copy.write_text((runs / "ch1-30,seed=1.json").read_text())
    plots.draw(tmp_path, "book")
    out = capsys.readouterr().out
    assert f"ignored {copy}: not named as a run" in out
    assert plots.seed_count(results.load_runs(tmp_path / "book")) == "2 seeds"


def test_the_one_class_figures_are_drawn_from_their_own_record(tmp_path, capsys):
    folder = tmp_path / "anomaly"
    folder.mkdir()
    shutil.copy(ROOT / "results" / "anomaly" / "one_class.json", folder)  # no anomaly.json
    plots.main(["--results", str(tmp_path), "--sweep", "anomaly"])
    out = capsys.readouterr().out
    drawn = {f.name for f in folder.glob("*.png")}
    assert drawn == {"one_class_auc.png", "one_class_histograms.png",
                     "one_class_reconstructions.png"}
    assert out.count(f"no record {folder / 'anomaly.json'}") == 2  # roc.png, reconstructions.png
