"""The figures (nielsen_net.report, drawn by scripts/plots.py) on a tiny hand-made results
folder: figures whose runs exist are written, the others are skipped without an error, a
diverged run does not break a figure, and each figure's panels hold the series its records
imply (every seed drawn, every configuration, every mode, zeros on log axes, diverged
configurations marked)."""

import shutil

import numpy as np
import pytest

from helpers import ROOT, SWEEPS, load_script
from nielsen_net.experiments import records as results
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.report import (activation_init, anomaly, book, book_figures, dead_relu, fast98,
                                inspect, one_class, vanishing_gradients)
from nielsen_net.report.drawing import LAYER_STYLES, Data, seed_count
from nielsen_net.report.markdown import figure_list, image_lines
from nielsen_net.report.studies import draw, registry

plots = load_script("plots")

RELU = "sizes=784-100-10,activation=relu,init=he"
SIGMOID = "sizes=784-100-10,activation=sigmoid,init=gaussian"


def write_run(path, config, epochs=3, diverged_at=None, confusion=None, gradient=0.01):
    """A run record of the schema scripts/sweep.py writes; with `diverged_at` (1-based) the
    history stops at that epoch with NaN metrics and gradients, as a diverged run's does.
    `confusion`: its test confusion matrix; `gradient`: the bias-gradient norm of every layer
    per epoch step."""
    n = diverged_at or epochs
    hidden = len(config["sizes"]) - 2
    accuracy = list(np.linspace(0.8, 0.9, n))
    cost = list(np.linspace(1.0, 0.5, n))
    gradients = [[gradient * (k + 1)] * hidden for k in range(n + 1)]
    if diverged_at:  # the divergence rule: that epoch's metrics and gradients are NaN
        cost[-1], accuracy[-1] = float("nan"), float("nan")
        gradients[-1] = [float("nan")] * hidden
    record = {
        "run_id": path.stem,
        "config": config | {"epochs": epochs},
        "history": {"training_cost": cost, "training_accuracy": accuracy,
                    "evaluation_cost": cost, "evaluation_accuracy": accuracy,
                    "seconds": [1.0] * n, "diverged": bool(diverged_at),
                    "diverged_epoch": diverged_at},
        "diagnostics": {"dead_fraction": [[0.1 * k] * hidden for k in range(n + 1)],
                        "bias_gradient_norms": gradients,
                        "probe_size": 1000},
        "test_accuracy_per_epoch": accuracy if config["test_each_epoch"] else [],
        "test_accuracy": None if diverged_at else accuracy[-1],
        "test_confusion": confusion,
        "seconds": {"wall": 1.0 * n + 0.5, "train_per_epoch": 1.0},
    }
    results.write_record(path, record)


def write_runs(folder, sweep, name, seeds, eta=None, diverged_seed=None, **kwargs):
    config = load_sweep(sweep, SWEEPS).configurations[name].to_dict()
    if eta is not None:
        config["eta"] = eta
    diverged = seeds if diverged_seed == "all" else [diverged_seed]
    for seed in seeds:
        write_run(folder / sweep / "runs" / f"{name},seed={seed}.json", config | {"seed": seed},
                  diverged_at=2 if seed in diverged else None, **kwargs)


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
               for p in draw(tmp_path, "activation_init") + draw(tmp_path, "book")}

    assert written == {f"activation_init/{f}" for f in activation_init.FIGURES} | {
        "book/ch1_curves.png", "book/depth.png", "book/gradient_norms.png"}
    for name in written:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    for skipped in ("ch3_curves", "overfitting", "init_comparison"):
        assert f"skip {tmp_path / 'book' / skipped}.png" in out


def test_a_missing_sweep_folder_is_skipped(tmp_path, capsys):
    assert draw(tmp_path, "book") == []
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
    for in_progress in ("ch1-30,seed=2.json.lock", "ch1-30,seed=2.checkpoint.npz"):
        (runs / in_progress).write_text("")
    draw(tmp_path, "book")
    out = capsys.readouterr().out
    assert f"ignored {copy}: not named as a run" in out
    assert out.count("ignored") == 1  # a run in progress's claim and checkpoint are no strays
    assert seed_count(results.load_runs(tmp_path / "book")) == "2 seeds"


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
    auc = one_class.one_class_auc(results.read_if_present(folder / "one_class.json")).axes[0]
    record = results.read_if_present(folder / "one_class.json")
    seeds = sum(len(record["auc"]["autoencoder"][str(d)]) for d in range(10))
    assert seeds_drawn(auc) == seeds            # every autoencoder seed of every digit
    assert [len(line.get_xdata()) for line in gids(auc, "mean")] == [10, 10, 10]
    assert len(gids(auc, "published")) == len(record["published"])


# ----- what the figures hold ---------------------------------------------------------------------

def seeds_drawn(ax):
    """How many single-seed values the axes show: a thin seed line counts one, a row of seed
    points one per point."""
    return sum(1 if line.get_linestyle() != "None" else len(line.get_xdata())
               for line in ax.get_lines() if line.get_gid() == "seed")


def gids(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def figure_of(tmp_path, sweep, draw):
    data = Data(load_sweep(sweep, SWEEPS), results.load_runs(tmp_path / sweep),
                results.load_runs(tmp_path / sweep, "tune"))
    return draw(data)


def test_activation_init_figures_show_every_seed_of_every_configuration(tmp_path):
    write_runs(tmp_path, "activation_init", RELU, [0, 1, 2], eta=0.1)
    write_runs(tmp_path, "activation_init", SIGMOID, [0, 1], eta=1.0)
    curves = figure_of(tmp_path, "activation_init", activation_init.activation_curves).axes
    for ax in curves[:4]:   # full range, top, training cost, validation cost
        assert seeds_drawn(ax) == 5 and len(gids(ax, "mean")) == 2
    assert curves[0].get_ylim() == (0, 100)
    assert [ax.get_yscale() for ax in curves[2:4]] == ["log", "log"]
    dots = figure_of(tmp_path, "activation_init", activation_init.test_accuracy).axes
    assert [seeds_drawn(ax) for ax in dots] == [5, 5]
    dead = figure_of(tmp_path, "activation_init", activation_init.dead_units).axes
    assert seeds_drawn(dead[0]) == 3   # relu: one layer of 3 seeds; no leaky run
    norms = figure_of(tmp_path, "activation_init",
                      activation_init.activation_gradient_norms).axes
    assert sorted(seeds_drawn(ax) for ax in norms if ax.axison) == [2, 3]


def test_book_figures_draw_cost_beside_accuracy_and_one_line_per_mode(tmp_path):
    learned = np.diag([100] * 10).tolist()
    stalled = (np.diag([100] * 8 + [0, 0]) + np.eye(10, k=-1, dtype=int) * 100).tolist()
    write_runs(tmp_path, "book", "ch1-100", [0, 1], confusion=learned, epochs=8)
    write_runs(tmp_path, "book", "ch1-100", [2], confusion=stalled, epochs=8)
    accuracy, _, cost, _ = figure_of(tmp_path, "book", book_figures.ch1_curves).axes
    assert seeds_drawn(accuracy) == 3 and len(gids(accuracy, "mean")) == 2  # two modes
    assert seeds_drawn(cost) == 6 and cost.get_yscale() == "log"  # training and test cost
    inset = accuracy.child_axes[0]   # the axis starts above the first epochs: a full-range copy
    assert inset.get_ylim() == (0, 100) and len(gids(inset, "inset")) == 3 + 2
    left, right = figure_of(tmp_path, "book", book_figures.confusion_matrices).axes[:2]
    assert "2 digits unlearned" in left.get_title() and "every digit" in right.get_title()
    write_runs(tmp_path, "book", "ch3-overfit", [0, 1])
    panels = figure_of(tmp_path, "book", book_figures.overfitting).axes
    assert [p.get_ylabel() for p in panels[:4]] == [
        "training cost", "test cost", "test accuracy (%)", "training accuracy (%)"]
    assert [seeds_drawn(p) for p in panels[:4]] == [2, 2, 2, 2]


def test_confusion_matrices_are_skipped_when_the_records_lack_them(tmp_path, capsys):
    write_runs(tmp_path, "book", "ch1-100", [0, 1])
    draw(tmp_path, "book")
    assert "ch1-100 records hold no test_confusion" in capsys.readouterr().out
    assert not (tmp_path / "book" / "confusion.png").exists()


def test_dead_relu_marks_a_configuration_whose_every_seed_diverged(tmp_path):
    name = "relu,sizes=784-100-10,init=he,eta=1.0"
    write_runs(tmp_path, "dead_relu", name, [0, 1], diverged_seed="all")
    write_runs(tmp_path, "dead_relu", "relu,sizes=784-100-10,init=he,eta=0.1", [0, 1, 2])
    dead, accuracy = figure_of(tmp_path, "dead_relu", dead_relu.dead_vs_eta).axes[:2]
    for ax in (dead, accuracy):
        assert [m.get_xdata()[0] for m in gids(ax, "diverged")] == [1.0]
    assert seeds_drawn(dead) == 3 and seeds_drawn(accuracy) == 3  # diverged: no values
    histogram = figure_of(tmp_path, "dead_relu", dead_relu.dead_histogram).axes[0]
    assert len([p for p in histogram.patches if p.get_gid() == "layer"]) == 1


def test_dead_relu_curves_name_a_cell_whose_every_run_diverged_and_name_each_cue_once(tmp_path):
    """A (depth, eta) cell whose every run diverged in its first epoch has no finite value:
    the title names it instead of a row of empty panels; the legend names each colour (ReLU
    variant) and each marker and line style (init) once, not every combination."""
    config = load_sweep("dead_relu", SWEEPS).configurations
    for name in ("relu,sizes=784-100-10,init=he,eta=1.0",
                 "relu,sizes=784-100-10,init=gaussian,eta=1.0"):
        for seed in (0, 1):
            write_run(tmp_path / "dead_relu" / "runs" / f"{name},seed={seed}.json",
                      config[name].to_dict() | {"seed": seed}, diverged_at=1)
    for init in ("he", "gaussian"):
        write_runs(tmp_path, "dead_relu", f"relu,sizes=784-100-10,init={init},eta=0.1", [0, 1])
    write_runs(tmp_path, "dead_relu", "leaky_relu-0.01,sizes=784-100-10,init=he,eta=0.1", [0, 1],
               diverged_seed=1)
    fig = figure_of(tmp_path, "dead_relu", dead_relu.dead_relu_curves)
    fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.get_label() != "inset_axes"]
    assert len(panels) == 3                        # one row: the eta 1 cell is not drawn
    assert "every run diverged in its first epoch: 1 hidden layer, eta 1" in \
        fig._suptitle.get_text()
    accuracy, training, validation = panels
    assert "(1 of 6 runs diverged)" in accuracy.get_title()
    assert seeds_drawn(accuracy) == 6 and len(gids(accuracy, "diverged")) == 1
    assert [ax.get_yscale() for ax in (training, validation)] == ["log", "log"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["relu", "leaky_relu 0.01", "init N(0,1)", "init N(0,1/n_in)", "init He",
                      "a diverged run stopped"]


def test_exact_zeros_stay_visible_on_a_log_axis(tmp_path):
    name = "sizes=784-30-30-30-30-10,activation=relu,init=gaussian"
    write_runs(tmp_path, "vanishing_gradients", name, [0, 1], gradient=0.0)
    write_runs(tmp_path, "vanishing_gradients",
               "sizes=784-30-30-30-30-10,activation=relu,init=he", [0, 1])
    panels = figure_of(tmp_path, "vanishing_gradients",
                       vanishing_gradients.vanishing_depth4).axes
    scales = {ax.get_title(): ax.get_yscale() for ax in panels if ax.axison}
    assert scales == {"relu, N(0,1)": "symlog", "relu, He": "log"}


def test_fast98_draws_each_seed_against_seconds(tmp_path):
    write_runs(tmp_path, "fast98", "plain", [0, 1, 2])
    by_epoch, by_time, training, scored = figure_of(tmp_path, "fast98", fast98.fast98_curves).axes
    assert seeds_drawn(by_time) == 3
    assert list(gids(by_time, "seed")[0].get_xdata()) == [1.0, 2.0, 3.0]  # cumulative seconds
    assert seeds_drawn(training) == seeds_drawn(scored) == 3


def test_inspect_figures_draw_every_unit_and_mistake_of_the_record():
    rng = np.random.default_rng(0)
    net = {"first_layer": rng.normal(size=(5, 784)).tolist(), "test_accuracy": 0.9}
    record = {"config": {"shown_units": 5, "training": {"epochs": 1},
                         "networks": {"a": {"activation": "relu", "init": "he"},
                                      "b": {"activation": "sigmoid", "init": "gaussian"}}},
              "networks": {"a": net, "b": net},
              "mistakes": {"network": "a", "true": [1, 2, 3], "predicted": [7, 7, 8],
                           "output": [0.9, 0.8, 0.7], "image": rng.random((3, 784)).tolist()}}
    weights = inspect.inspect_weights(record)
    assert sum(im.get_gid() == "unit" for ax in weights.axes for im in ax.images) == 10
    mistakes = inspect.inspect_mistakes(record)
    titles = [ax.get_title() for ax in mistakes.axes if ax.images]
    assert titles == ["true 1, said 7\n(output 0.90)", "true 2, said 7\n(output 0.80)",
                      "true 3, said 8\n(output 0.70)"]


def test_anomaly_reconstructions_draw_every_block_of_the_record():
    images = np.random.default_rng(0).random((2, 784)).tolist()
    block = {"error": [0.1, 0.2], "original": images, "rebuilt": images}
    record = {"config": {"seeds": [0]},
              "reconstructions": {"best": block, "worst": block, "first 9s": block}}
    fig = anomaly.anomaly_reconstructions(record)
    assert sum(len(ax.images) for ax in fig.axes) == 3 * 2 * 2   # blocks x rows x images
    assert [ax.get_ylabel() for ax in fig.axes[::2]][4] == "first 9s\noriginal"


def test_the_report_links_only_drawn_figures_and_names_the_others(tmp_path):
    write_runs(tmp_path, "book", "ch1-30", [0, 1])
    draw(tmp_path, "book")
    assert image_lines(tmp_path, "book", book.FIGURES) == \
        "![chapter 1 accuracy and cost](book/ch1_curves.png)\n"
    listed = figure_list(tmp_path, registry())
    assert "- [book/ch1_curves.png](book/ch1_curves.png): " in listed
    assert "- book/ch3_curves.png (not drawn: " in listed
    assert listed.count("\n- ") + 1 == sum(len(figures) for figures in registry().values())


def test_more_modes_than_line_styles_still_draw_one_mean_each(tmp_path):
    # a tiny smoke run can leave each seed with a different number of unlearned digits
    for seed in range(6):
        confusion = np.diag([100] * (10 - seed) + [0] * seed) + np.eye(10, k=-1, dtype=int) * (
            np.arange(10) >= 10 - seed)[:, None] * 100
        write_runs(tmp_path, "book", "ch3-init-30-large", [seed], confusion=confusion.tolist())
    accuracy = figure_of(tmp_path, "book", book_figures.init_comparison).axes[0]
    assert len(gids(accuracy, "mean")) == 6 > len(LAYER_STYLES)


def test_fast98_draws_two_configurations_that_ran_the_same_runs_once(tmp_path):
    for name in ("plain", "plain-at-schedule-eta"):
        write_runs(tmp_path, "fast98", name, [0, 1], eta=0.3)
    by_epoch = figure_of(tmp_path, "fast98", fast98.fast98_curves).axes[0]
    labels = [line.get_label() for line in gids(by_epoch, "mean")]
    assert labels == ["plain = plain-at-schedule-eta\n(same settings: the same runs)"]
    assert seeds_drawn(by_epoch) == 2


def test_eta_tuning_puts_each_configuration_whose_every_seed_diverged_on_a_row_of_its_own(
        tmp_path):
    sizes = "sizes=784-100-10"
    for init in ("he", "gaussian"):
        name = f"{sizes},activation=relu,init={init}"
        for seed in (0, 1):
            for eta, diverged in ((0.1, None), (1.0, 1)):
                write_run(tmp_path / "activation_init" / "tune" / f"{name},eta={eta},seed={seed}"
                          ".json", load_sweep("activation_init", SWEEPS).configurations[name]
                          .to_dict() | {"seed": seed, "eta": eta}, diverged_at=diverged)
    ax = figure_of(tmp_path, "activation_init", activation_init.eta_tuning).axes[0]
    strip = [(line.get_xdata()[0], line.get_ydata()[0]) for line in gids(ax, "diverged")]
    assert strip == [(1.0, -6.0), (1.0, -12.0)]       # one row each, not stacked at 0
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["relu, N(0,1): all diverged", "relu, He: all diverged"]


def test_the_learning_rate_and_learning_speed_figures_draw_every_seed(tmp_path):
    for name in ("ch3-eta-0.025", "ch3-eta-2.5"):
        write_runs(tmp_path, "book", name, [0, 1])
    linear, log = figure_of(tmp_path, "book", book_figures.eta_cost).axes
    assert [linear.get_yscale(), log.get_yscale()] == ["linear", "log"]
    assert seeds_drawn(linear) == 4 and len(gids(linear, "mean")) == 2
    write_runs(tmp_path, "book", "ch5-speed-3", [0, 1, 2], epochs=4)
    panels = figure_of(tmp_path, "book", book_figures.learning_speed).axes
    drawn = [ax for ax in panels if ax.get_title().startswith("ch5-speed-3")]
    assert len(drawn) == 1 and len(gids(drawn[0], "mean")) == 3  # one line per hidden layer
    assert seeds_drawn(drawn[0]) == 9


def test_the_eta_horizon_figure_marks_the_tuning_budget(tmp_path):
    from nielsen_net.report import eta_horizon
    for name in ("3-relu-eta=1e-05", "3-relu-eta=3e-05"):
        write_runs(tmp_path, "eta_horizon", name, [100, 101], epochs=8)
    ax = figure_of(tmp_path, "eta_horizon", eta_horizon.horizon_curves).axes[0]
    assert seeds_drawn(ax) == 4 and len(gids(ax, "mean")) == 2
    assert any(line.get_label().startswith("tuning budget (5 epochs)") for line in ax.get_lines())


def test_every_initialiser_has_a_label_a_colour_a_marker_and_a_line_style():
    from nielsen_net.nn.initializers import INITIALIZERS
    from nielsen_net.report.drawing import INIT_COLOURS, INIT_LABELS, INIT_MARKERS, INIT_STYLES
    for table in (INIT_LABELS, INIT_STYLES, INIT_COLOURS, INIT_MARKERS):
        assert set(INITIALIZERS) <= set(table)
    assert len(set(INIT_COLOURS.values())) == len(INIT_COLOURS)  # told apart by colour
