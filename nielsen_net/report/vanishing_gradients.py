"""The vanishing-gradients study: first/last layer gradients across depth, figures and report.

Left out: the ratios, the classes and their thresholds (nielsen_net.analysis.vanishing_gradients).
"""

import numpy as np

from ..analysis.vanishing_gradients import (KEEPS_LEARNING, RATIO_BAND, deepest_classes,
                                            depth_row, gradient_ratio)
from .drawing import (INIT_COLOURS, INIT_LABELS, INIT_MARKERS, by_depth, config_of, diverged_note,
                      empty, errorbar_line, figure, figure_legend, layer_norms, learning_curves,
                      legend_handles, line_style, log_axis, present, seed_count, seeds_text, short,
                      side_legend, used)
from .markdown import Figure, pm, seed_words, table

TITLE = "Vanishing gradients across depth"


def vanishing_ratio(data):
    """First / last hidden layer gradient norm at initialisation against depth."""
    runs = present(data.runs, list(data.sweep.configurations))
    activations = list(dict.fromkeys(config_of(r)["activation"] for r in runs.values()))
    fig, axes = figure(1, len(activations), (3 * len(activations) + 2, 4.2),
                       "First / last hidden layer ||dC/db|| at initialisation "
                       f"(mean over {seed_count(runs)}, bars = min-max, small points = seeds)",
                       sharey=True)
    for ax, activation in zip(axes[0], activations):
        for init in used(INIT_COLOURS, data.sweep, "init"):
            chosen = [rs for rs in runs.values() if config_of(rs)["activation"] == activation
                      and config_of(rs)["init"] == init]
            chosen.sort(key=lambda rs: len(config_of(rs)["sizes"]))
            depths = [len(config_of(rs)["sizes"]) - 2 for rs in chosen]
            ratios = [np.array([gradient_ratio(r, 0) for r in rs]) for rs in chosen]
            errorbar_line(ax, depths, ratios, color=INIT_COLOURS[init], marker=INIT_MARKERS[init],
                          label=INIT_LABELS[init])
        ax.axhline(1, color="gray", lw=0.8)
        log_axis(ax)
        ax.set(xlabel="hidden layers", title=activation, xticks=range(1, 5))
    axes[0][0].set_ylabel("first / last layer (< 1: first learns slower)")
    side_legend(axes[0][-1])
    return fig


def vanishing_depth4(data):
    """Per-layer gradient norms during training for the 4-hidden-layer nets."""
    runs = {n: rs for n, rs in data.runs.items() if len(config_of(rs)["sizes"]) == 6}
    runs = present(runs, list(runs) or ["the 4-hidden-layer nets"])
    activations = list(dict.fromkeys(config_of(r)["activation"] for r in runs.values()))
    inits = used(INIT_LABELS, data.sweep, "init")
    fig, axes = figure(len(activations), len(inits), (12, 2.9 * len(activations)),
                       "4 hidden layers of 30: ||dC/db|| per layer during training "
                       f"({seeds_text(runs)})")
    for row, activation in zip(axes, activations):
        for ax, init in zip(row, inits):
            found = [rs for rs in runs.values() if config_of(rs)["activation"] == activation
                     and config_of(rs)["init"] == init]
            if not found:
                empty(ax)
                continue
            layer_norms(ax, found[0], 4)
            ax.set(title=f"{activation}, {INIT_LABELS[init]}{diverged_note(found[0])}",
                   xlabel="epoch")
    axes[0][0].set_ylabel("||dC/db||")
    figure_legend(fig, legend_handles(axes))
    return fig


def vanishing_curves(data):
    return learning_curves({str(list(s)): runs for s, runs in by_depth(data).items()},
                           "Vanishing-gradient sweep: validation accuracy and cost per epoch",
                           line_style, short)


FIGURES = {
    "gradient_ratio.png": Figure(
        vanishing_ratio, "gradient ratio",
        "how the first/last layer gradient ratio at initialisation changes with depth, per "
        "activation and init"),
    "gradient_norms_depth4.png": Figure(
        vanishing_depth4, "per-layer norms",
        "each layer's gradient while the 4-hidden-layer nets train, dead layers included"),
    "curves.png": Figure(
        vanishing_curves, "accuracy and cost per epoch",
        "which of the deeper nets still learn, and their cost"),
}


def body(results, runs, sweep):
    rows = sorted((depth_row(records) for records in runs.values()),
                  key=lambda r: (r["hidden"], r["activation"], r["init"]))
    table_rows = [(r["hidden"], r["activation"], r["init"],
                   *(f"{s['mean']:.3g}" if s["n"] else "n/a"
                     for s in (r["ratio_init"], r["ratio_end"])),
                   pm(r["final"]), r["diverged"]) for r in rows]
    return ("How fast the first hidden layer learns relative to the last: the ratio of their "
              "bias-gradient norms (1 = equally fast; below 1 = the first layer learns slower), "
              f"at initialisation and after the last epoch, mean over "
              f"{seed_words({r['n'] for r in rows})} (after the last epoch and in the accuracy, "
              "over the seeds that did not diverge: a diverged run stops with no value; n/a "
              "when none is left).\n\n"
            + table(["hidden layers", "activation", "init", "first/last at init",
                     "first/last at end", "validation accuracy % (final)", "diverged runs"],
                    table_rows)
            + "\n" + (findings(rows) if rows else ""))


def findings(rows):
    """Which configurations of the deepest nets fall in each class (`deepest_classes`)."""
    named = {cls: [f"{r['activation']} with {r['init']} init"
                   + (f" ({r['ratio_init']['mean']:.3g}{diverged_words(r)})" if cls != "kept"
                      else "") for r in chosen]
             for cls, chosen in deepest_classes(rows).items()}
    return (f"### Findings, {max(r['hidden'] for r in rows)} hidden layers\n\n"
            f"- The first layer's gradient is under 1/{RATIO_BAND:g} of the last's at "
            f"initialisation (vanishing) for: {', '.join(named['vanishing']) or 'none'}.\n"
            f"- It is over {RATIO_BAND:g} times the last's (exploding) for: "
            f"{', '.join(named['exploding']) or 'none'}.\n"
            f"- Within a factor {RATIO_BAND:g} at initialisation and after training, with "
            f"over {KEEPS_LEARNING:g}% validation accuracy, so the first layer keeps "
            f"learning: {', '.join(named['kept']) or 'none'}.\n\n")


def diverged_words(row):
    return f"; {row['diverged']} of {row['n']} seeds diverged" if row["diverged"] else ""
