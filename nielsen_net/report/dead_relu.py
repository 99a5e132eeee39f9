"""The dead-ReLU study: dead units against the learning rate, their figures and report section.

Left out: the fit of what dead units cost (nielsen_net.analysis.dead_relu).
"""

import numpy as np
from matplotlib.lines import Line2D

from ..analysis.measures import curve, dead_percent, measure, stack, summary
from ..analysis.dead_relu import dead_unit_cost
from .drawing import (COLOURS, INIT_LABELS, INIT_MARKERS, INIT_STYLES, LAYER_COLOURS, LAYER_STYLES,
                      Missing, config_of, depth_title, errorbar_line, figure, figure_legend,
                      full_range_inset, legend_handles, mark_diverged, nth, present, seed_count,
                      seeds_text, series, used, zoom)
from .markdown import Figure, table

TITLE = "Dead ReLUs"


VARIANTS = ["relu", "leaky_relu 0.01", "leaky_relu 0.1"]


def variant(config):
    """relu, or leaky_relu with its slope."""
    slope = f" {config['leaky_slope']:g}" if config["activation"] == "leaky_relu" else ""
    return config["activation"] + slope


def variant_style(config):
    """Colour by ReLU variant, marker and line style by init: 9 series, each told apart by
    two cues."""
    return {"color": COLOURS[VARIANTS.index(variant(config))],
            "marker": INIT_MARKERS[config["init"]], "linestyle": INIT_STYLES[config["init"]]}


def variant_label(config):
    return f"{variant(config)}, {INIT_LABELS[config['init']]}"


def dead_vs_eta(data):
    """Dead units at the end and test accuracy against eta, per depth."""
    groups = {}
    for records in present(data.runs, list(data.sweep.configurations)).values():
        c = config_of(records)
        groups.setdefault(tuple(c["sizes"]), {}).setdefault(variant_label(c), []).append(
            (c["eta"], records))
    fig, axes = figure(len(groups), 2, (12, 4 * len(groups)),
                       f"Dead ReLUs against the learning rate (mean over "
                       f"{seed_count(data.runs)}, bars = min-max, small points = seeds; "
                       "dead units: diverged runs left out)")
    for row, (sizes, lines) in zip(axes, groups.items()):
        row[0].set_xscale("log")
        row[1].set_xscale("log")
        for label, points in lines.items():
            points.sort(key=lambda p: p[0])
            etas = [eta for eta, _ in points]
            style = variant_style(config_of(points[0][1])) | {"label": label}
            # A diverged run's NaN weights make every unit look dead: left out here.
            dead = [np.array([dead_percent(r) for r in rs if not r["history"]["diverged"]])
                    for _, rs in points]
            errorbar_line(row[0], etas, dead, **style)
            errorbar_line(row[1], etas, [np.array([measure(r, "test") for r in rs])
                                         for _, rs in points], **style)
            for eta, (_, rs) in zip(etas, points):
                if all(r["history"]["diverged"] for r in rs):
                    for ax in row:
                        mark_diverged(ax, eta, style["color"])
        row[0].set(xlabel="eta (log)", ylabel="dead units at the end (%)",
                   title=depth_title(sizes))
        row[1].set(xlabel="eta (log)", ylabel="test accuracy (%)", title=depth_title(sizes))
    marks = [Line2D([], [], color="black", marker="x", mew=2, ls="none",
                    label="every seed diverged\n(at its eta, on the axis)")]
    figure_legend(fig, legend_handles(axes) + marks)
    return fig


def dead_relu_curves(data):
    """Accuracy and cost per epoch, one row of panels per (depth, eta) cell that has a finite
    value: the validation accuracy at the top of its range (a full-range inset where curves
    leave it), the training and the validation cost (log). Colour = ReLU variant, marker and
    line style = init, so the legend names each cue once. A cell whose every run diverged in
    its first epoch has nothing to draw: the title names it."""
    cells = {}
    for records in present(data.runs, list(data.sweep.configurations)).values():
        c = config_of(records)
        cells.setdefault((len(c["sizes"]) - 2, c["eta"]), []).append(records)
    drawn = {key: group for key, group in sorted(cells.items())
             if any(np.isfinite(curve(rs, "evaluation_accuracy")).any() for rs in group)}
    if not drawn:
        raise Missing("no dead-ReLU run with a finite accuracy")
    blank = [f"{hidden} hidden layer{'s' * (hidden > 1)}, eta {eta:g}"
             for hidden, eta in sorted(set(cells) - set(drawn))]
    every = dict(enumerate(rs for group in cells.values() for rs in group))
    fig, axes = figure(len(drawn), 3, (13, 2.9 * len(drawn) + 1.2),
                       "Dead-ReLU sweep: validation accuracy and cost per epoch\n"
                       f"({seeds_text(every)}; x = where a diverged run stopped)"
                       + (f"\nnot drawn, every run diverged in its first epoch: "
                          f"{'; '.join(blank)}" if blank else ""))
    for (accuracy, training, validation), ((hidden, eta), group) in zip(axes, drawn.items()):
        for records in group:
            style = variant_style(config_of(records))
            for ax, key in ((accuracy, "evaluation_accuracy"), (training, "training_cost"),
                            (validation, "evaluation_cost")):
                series(ax, records, key, variant_label(config_of(records)), **style)
        runs = [r for rs in group for r in rs]
        diverged = sum(r["history"]["diverged"] for r in runs)
        zoom(accuracy, [np.nanmax(np.append(line.get_ydata(), 0.0))
                        for line in accuracy.get_lines() if line.get_gid() == "mean"])
        full_range_inset(accuracy)
        cell = f"{hidden} hidden layer{'s' * (hidden > 1)}, eta {eta:g}"
        accuracy.set(xlabel="epoch", ylabel=f"{cell}\nvalidation accuracy (%)")
        accuracy.set_title("accuracy, top of the range"
                           + (f" ({diverged} of {len(runs)} runs diverged)" if diverged else ""))
        for ax, split in ((training, "training"), (validation, "validation")):
            ax.set(yscale="log", xlabel="epoch", ylabel="cost", title=f"{split} cost (log)")
    variants = [v for v in VARIANTS if any(variant(config_of(rs)) == v
                                           for group in cells.values() for rs in group)]
    handles = ([Line2D([], [], color=COLOURS[VARIANTS.index(v)], linewidth=3, label=v)
                for v in variants]
               + [Line2D([], [], color="black", marker=INIT_MARKERS[i], linestyle=INIT_STYLES[i],
                         label=f"init {INIT_LABELS[i]}")
                  for i in used(INIT_LABELS, data.sweep, "init")]
               + [Line2D([], [], color="black", marker="x", ms=8, ls="none",
                         label="a diverged run stopped")])
    figure_legend(fig, handles)
    return fig


def dead_histogram(data):
    """How many ReLU runs end with a given share of dead units, per hidden layer."""
    runs = [r for rs in present(data.runs, list(data.sweep.configurations)).values() for r in rs
            if r["config"]["activation"] == "relu" and not r["history"]["diverged"]]
    if not runs:
        raise Missing("no ReLU run that did not diverge")
    depths = sorted({len(r["config"]["sizes"]) - 2 for r in runs})
    fig, axes = figure(1, len(depths), (11, 4), "ReLU runs (every init and eta, diverged runs "
                       "left out): dead units per hidden layer at the end")
    bins = np.linspace(0, 100, 21)
    for ax, hidden in zip(axes[0], depths):
        chosen = [r for r in runs if len(r["config"]["sizes"]) - 2 == hidden]
        dead = 100 * stack([r["diagnostics"]["dead_fraction"][-1] for r in chosen])
        for layer in range(hidden):
            ax.hist(dead[:, layer], bins=bins, histtype="step", linewidth=1.6,
                    color=nth(LAYER_COLOURS, layer), linestyle=nth(LAYER_STYLES, layer),
                    label=f"hidden layer {layer + 1}", gid="layer")
        ax.set(xlabel="dead units at the end (%)", ylabel="runs",
               title=f"{hidden} hidden layer{'s' * (hidden > 1)} ({len(chosen)} runs)")
        ax.legend()
    return fig


FIGURES = {
    "dead_vs_eta.png": Figure(
        dead_vs_eta, "dead units against learning rate",
        "how the share of dead units and the test accuracy change with the learning rate, "
        "and which configurations diverge"),
    "dead_histogram.png": Figure(
        dead_histogram, "dead units per layer",
        "how dead units spread over the ReLU runs and over their layers"),
    "curves.png": Figure(
        dead_relu_curves, "accuracy and cost per epoch",
        "accuracy and cost per epoch of every ReLU variant, init and learning rate"),
}


def body(results, runs, sweep):
    etas = sorted({rs[0]["config"]["eta"] for rs in runs.values()})
    cells = {}
    for records in runs.values():
        c, s = records[0]["config"], summary(records)
        dead = s["dead_end_finished"]
        cells[(len(c["sizes"]) - 2, variant(c), c["init"]), c["eta"]] = (
            f"all {s['n']} diverged" if not s["test"]["n"] else
            (f"{dead['mean']:.1f}" if dead["n"] else "-") + f" / {s['test']['mean']:.2f}"
            + (f" ({s['diverged']} div.)" if s["diverged"] else ""))
    rows = [(*key, *(cells.get((key, eta), "") for eta in etas))
            for key in sorted({k for k, _ in cells})]
    return ("Each cell: dead hidden units at the end, % (mean over layers) / test accuracy, % "
              "(both means over the seeds that did not diverge: a diverged run stops with no "
              "test accuracy, and its NaN weights would make every unit look dead); div. = "
              "diverged runs.\n\n"
            + table(["hidden layers", "activation", "init"] + [f"eta {e:g}" for e in etas], rows)
            + "\n" + dead_relu_cost(runs) + "\n")


def dead_relu_cost(runs):
    """What dead units cost, like with like: within each learning rate and depth."""
    cost = dead_unit_cost([r for records in runs.values() for r in records])
    if cost is None:
        return ("What dead units cost is fitted within each learning rate and depth once "
                "there are more finished ReLU runs than such cells plus one; not yet.\n")
    return ("What it costs, comparing like with like: a least-squares fit of the test accuracy "
            "on the share of hidden units dead at the end, with one intercept per (learning "
            f"rate, depth) cell, over the {cost['runs']} ReLU runs that did not diverge "
            f"({cost['cells']} cells; Leaky ReLU units never die). Every 10 points more of dead "
            f"units go with {cost['slope']:+.2f} points of test accuracy (95% interval "
            f"{cost['lo']:+.2f} to {cost['hi']:+.2f}): "
            + {"lower": "dead units cost accuracy.",
               "higher": "more dead units go with higher accuracy, within a cell.",
               "not distinguishable": "not distinguishable from no cost at all."}[cost["word"]]
            + " Pooling runs across learning rates and depths would mix the learning rate's "
              "own effect into this (a large eta both kills units and changes what is "
              "learned).\n")
