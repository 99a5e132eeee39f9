"""The activation x initialisation study: its figures and its report section.

Left out: the findings themselves (nielsen_net.analysis.activation_init computes them).
"""

import numpy as np
from matplotlib.lines import Line2D

from ..analysis.activation_init import (dead_at_start, hidden_layers, most_dead, ranking,
                                       sampling_error, summaries)
from ..analysis.measures import dead_percent, measure, spread
from .drawing import (ACTIVATION_COLOURS, ACTIVATION_MARKERS, INIT_COLOURS, INIT_LABELS,
                      INIT_MARKERS, INIT_STYLES, LAYER_STYLES, Missing, by_depth, config_of,
                      depth_title, diagnostic, diverged_note, empty, figure, figure_legend,
                      layer_norms, learning_curves, legend_handles, line_style, nth, seed_count,
                      seed_points, seeds_text, short, used, zoom)
from .markdown import Figure, jobs_words, manifest, pm, table

TITLE = "Activation x initialisation"


def activation_curves(data):
    return learning_curves({str(list(s)): runs for s, runs in by_depth(data).items()},
                           "Validation accuracy and cost per epoch", line_style, short)


def dot_plot(ax, runs, measure_name):
    """Per configuration: every seed's value as a point, the mean as a wide bar with the std
    as error bars; x ticks name the configuration (activation, init, eta)."""
    configs = [config_of(rs) for rs in runs.values()]
    for x, records in enumerate(runs.values()):
        config = config_of(records)
        values = [measure(r, measure_name) for r in records]
        s = spread(values)
        style = {"color": ACTIVATION_COLOURS[config["activation"]],
                 "marker": ACTIVATION_MARKERS[config["activation"]]}
        seed_points(ax, x + 0.15, values, **style)
        ax.errorbar(x, s["mean"], s["std"], capsize=3, ms=7, mfc="none", gid="mean", **style)
    ax.set_xticks(range(len(configs)), [f"{c['activation']}\n{INIT_LABELS[c['init']]}\n"
                                        f"eta={c['eta']:g}" for c in configs], fontsize=7)


def test_accuracy(data):
    groups = by_depth(data)
    fig, axes = figure(len(groups), 2, (13, 3.8 * len(groups)),
                       f"Test accuracy after the last epoch (open marker = mean over "
                       f"{seed_count(data.runs)}, error bar = std, small points = single "
                       "seeds; eta chosen on validation)")
    for (left, right), (sizes, runs) in zip(axes, groups.items()):
        for ax in (left, right):
            dot_plot(ax, runs, "test")
            ax.set(ylabel="test accuracy (%)")
        left.set_title(f"{depth_title(sizes)}: every configuration")
        means = [spread([measure(r, "test") for r in rs])["mean"] for rs in runs.values()]
        bottom = zoom(right, means)
        right.set_title(f"{depth_title(sizes)}: top of the range "
                        f"({sum(m < bottom for m in means)} below it: see left)")
    return fig


def dead_units(data):
    activations = ["relu", "leaky_relu"]
    groups = {sizes: {n: rs for n, rs in runs.items()
                      if config_of(rs)["activation"] in activations}
              for sizes, runs in by_depth(data).items()}
    if not any(groups.values()):
        raise Missing("no ReLU or Leaky ReLU runs yet")
    fig, axes = figure(len(groups), 2, (10, 3.3 * len(groups)),
                       "Dead hidden units (zero derivative on all 1,000 probe images)\n"
                       f"({seeds_text(data.runs)})", sharey=True)
    most_layers = max(len(sizes) - 2 for sizes in groups)
    for row, (sizes, runs) in zip(axes, groups.items()):
        for ax, activation in zip(row, activations):
            matching = [rs for rs in runs.values() if config_of(rs)["activation"] == activation]
            for records in matching:
                init = config_of(records)["init"]
                for layer in range(len(sizes) - 2):
                    diagnostic(ax, records, "dead_fraction", layer, None, scale=100,
                               color=INIT_COLOURS[init], marker=INIT_MARKERS[init],
                               linestyle=nth(LAYER_STYLES, layer))
            if not matching:
                empty(ax)
            elif all(np.nanmax(ln.get_ydata()) == 0 for ln in ax.get_lines()):
                ax.text(0.5, 0.5, "no dead units", transform=ax.transAxes, ha="center")
            ax.set(xlabel="epoch (0 = initialisation)", ylabel="dead units (%)")
            ax.set_title(f"{activation}, {depth_title(sizes)}")
    axes[0, 0].set_ylim(-2, max(10, axes[0, 0].get_ylim()[1]))  # shared: 0% stays visible
    handles = ([Line2D([], [], color=INIT_COLOURS[i], marker=INIT_MARKERS[i],
                       label=f"init {INIT_LABELS[i]}")
                for i in used(INIT_COLOURS, data.sweep, "init")]
               + [Line2D([], [], color="black", linestyle=nth(LAYER_STYLES, k),
                         label=f"hidden layer {k + 1}") for k in range(most_layers)])
    figure_legend(fig, handles)
    return fig


def activation_gradient_norms(data):
    groups = by_depth(data)
    sizes = max(groups, key=len)
    runs = {(config_of(rs)["activation"], config_of(rs)["init"]): rs
            for rs in groups[sizes].values()}
    activations, inits = used(ACTIVATION_COLOURS, data.sweep, "activation"), \
        used(INIT_STYLES, data.sweep, "init")
    fig, axes = figure(len(activations), len(inits), (10, 8),
                       f"Bias-gradient norm per hidden layer, {list(sizes)}\n"
                       f"({seeds_text(groups[sizes])})")
    for row, activation in zip(axes, activations):
        for ax, init in zip(row, inits):
            records = runs.get((activation, init))
            if records:
                layer_norms(ax, records, len(sizes) - 2)
            else:
                empty(ax)
            ax.set_title(f"{activation}, init {INIT_LABELS[init]}{diverged_note(records or [])}")
    for ax in axes[-1]:
        ax.set_xlabel("epoch (0 = initialisation)")
    for ax in axes[:, 0]:
        ax.set_ylabel("||dC/db||")
    figure_legend(fig, legend_handles(axes))
    return fig


def eta_tuning(data):
    """Mean validation accuracy after the tuning budget against eta, per depth; the chosen eta
    circled. An eta at which a seed diverged is marked with an x on the mean; where every seed
    diverged there is no mean, so the configuration's marker goes into a strip of its own below
    0%, one row per configuration, named on the axis."""
    groups = by_depth(data, "tune")
    seeds = {len(rs) for tuned in groups.values() for by_eta in tuned.values()
             for rs in by_eta.values()}
    fig, axes = figure(1, len(groups), (12, 5.2), "Learning-rate tuning: mean validation "
                       f"accuracy after the tuning budget\n({'/'.join(map(str, sorted(seeds)))} "
                       f"seed{'s' * (max(seeds) > 1)} per eta, small points = single seeds)")
    for ax, (sizes, tuned) in zip(axes[0], groups.items()):
        lost = []  # (label, [etas at which every seed diverged], style) per configuration
        for name, by_eta in tuned.items():
            etas = sorted(by_eta)
            config = config_of(by_eta[etas[0]])
            finals = [[measure(r, "final") for r in by_eta[eta]] for eta in etas]
            accuracy = [np.nanmean(f) if np.isfinite(f).any() else np.nan for f in finals]
            line, = ax.plot(etas, accuracy, label=short(config), gid="mean", **line_style(config))
            for eta, values, mean in zip(etas, finals, accuracy):
                seed_points(ax, eta * 1.06, values, color=line.get_color())
                if any(r["history"]["diverged"] for r in by_eta[eta]) and np.isfinite(mean):
                    ax.plot(eta, mean, "x", color=line.get_color(), ms=8, gid="diverged")
            every = [eta for eta, mean in zip(etas, accuracy) if np.isnan(mean)]
            if every:
                lost.append((short(config), every, line_style(config)))
            chosen = config_of(data.runs[name])["eta"] if name in data.runs else None
            if chosen in by_eta:  # the eta the runs/ of this configuration trained with
                ax.plot(chosen, accuracy[etas.index(chosen)], "o", ms=11, mfc="none",
                        color=line.get_color())
        rows = [-6.0 * (k + 1) for k in range(len(lost))]
        for y, (_, etas, style) in zip(rows, lost):
            ax.plot(etas, [y] * len(etas), linestyle="none", color=style["color"],
                    marker=style["marker"], ms=7, gid="diverged")
        ax.set(xscale="log", ylim=(min(rows, default=0) - 4, 100),
               xlabel="learning rate eta (log)", ylabel="validation accuracy (%)")
        ax.set_yticks([*rows, *range(0, 101, 20)],
                      [f"{label}: all diverged" for label, _, _ in lost]
                      + [str(v) for v in range(0, 101, 20)])
        if lost:
            ax.axhline(-3, color="black", linewidth=0.8)
        ax.set_title(f"{depth_title(sizes)}, after {config['epochs']} epochs")
    marks = [Line2D([], [], color="black", marker="o", ms=10, mfc="none", ls="none",
                    label="chosen eta"),
             Line2D([], [], color="black", marker="x", ms=8, ls="none",
                    label="a seed diverged (x on the mean;\nevery seed: in the strip below 0%)")]
    figure_legend(fig, legend_handles(axes) + marks)
    return fig


FIGURES = {
    "curves.png": Figure(
        activation_curves, "validation accuracy and cost per epoch",
        "which activation and init pairs learn at all (full range), how the good ones differ "
        "(top), and whether the validation cost turns up while the accuracy stays flat"),
    "test_accuracy.png": Figure(
        test_accuracy, "test accuracy per seed",
        "every seed's test accuracy: the spread within a configuration next to the gaps "
        "between configurations"),
    "dead_units.png": Figure(
        dead_units, "dead units",
        "when ReLU units die (at initialisation or during training), per init and layer"),
    "gradient_norms.png": Figure(
        activation_gradient_norms, "per-layer gradient norms",
        "how fast each layer of the 3-hidden-layer nets learns, per activation and init, "
        "exact zeros included"),
    "eta_tuning.png": Figure(
        eta_tuning, "learning-rate tuning",
        "where each configuration's learning rate was chosen on validation, and whether the "
        "choice sits inside its grid"),
}


def body(results, runs, sweep):
    chosen = (manifest(results, "activation_init") or {}).get("chosen_eta", {})
    found = summaries(runs, sweep)
    rows = [(hidden_layers(s), s["config"].activation, s["config"].init,
             f"{chosen.get(name, s['records'][0]['config']['eta']):g}", pm(s["epoch1"]),
             pm(s["test"]), f"{s['best_epoch']:.1f}", s["diverged"],
             f"{s['dead_init']['mean']:.1f} → {s['dead_end']['mean']:.1f}",
             f"{s['seconds_per_epoch']:.2f}") for name, s in found.items()]
    return (table(["hidden layers", "activation", "init", "chosen eta",
                     "validation % after epoch 1", "test accuracy % (mean ± std)",
                     "best validation epoch", "diverged runs", "dead units %: init → end",
                     "s / epoch"], rows)
            + "\nSeconds per epoch are training time only, measured while other runs shared "
              f"the machine ({jobs_words(results, 'activation_init')}).\n\n"
            + "### Findings\n\n" + findings(found) + "\n")


def label(s):
    return f"{s['config'].activation} with {s['config'].init} init"


WORDS = {"higher": "higher.", "not distinguishable": "not distinguishable, so no single best.",
         "lower": "lower."}


SMALL_WEIGHTS_BOOK_BIASES = ("scaled_gaussian", "he_gaussian_biases")  # N(0,1) biases


def findings(summaries):
    """Plain sentences of the findings (nielsen_net.analysis.activation_init): the best per
    depth against the runner-up, He against the large init and against He's weights with
    N(0,1) biases, dead units. Every "better" comes
    with a 95% interval."""
    sentences = []
    for rank in ranking(summaries):
        best, second, worst, c = (rank[k] for k in ("best", "runner_up", "lowest", "comparison"))
        hidden = rank["hidden"]
        sentences.append(
            f"- With {hidden} hidden layer{'s' * (hidden > 1)}, the highest mean test accuracy "
            f"is {label(best)} ({pm(best['test'])}%), against the runner-up {label(second)} "
            f"({pm(second['test'])}%) {c['difference']:+.2f} points, 95% interval "
            f"{c['lo']:+.2f} to {c['hi']:+.2f} (Welch): " + WORDS[c["word"]]
            + f" The lowest is {label(worst)} ({pm(worst['test'])}%).")
        for activation, he, large, c in rank["he_vs_large"]:
            sentences.append(
                f"  - {activation}: He init {pm(he['test'])}% against the large N(0,1) "
                f"init {pm(large['test'])}%: {c['difference']:+.2f} points, 95% interval "
                f"{c['lo']:+.2f} to {c['hi']:+.2f}, {c['word']}.")
        for activation, he, biased, c in rank["he_biases"]:
            sentences.append(
                f"  - {activation}: He init (zero biases) {pm(he['test'])}% against He's "
                f"weights with N(0,1) biases {pm(biased['test'])}%: {c['difference']:+.2f} "
                f"points, 95% interval {c['lo']:+.2f} to {c['hi']:+.2f}, {c['word']}.")
    accuracy, error = sampling_error(summaries)
    sentences.append(
        f"- Beside the spread over seeds, each test accuracy carries the test set's own "
        f"sampling error: ±{error:.2f} points (one standard error) at {100 * accuracy:.1f}% on "
        "10,000 images.")
    for s in dead_at_start(summaries):
        sentences.append(
            f"- ReLU with {s['config'].init} init and {hidden_layers(s)} hidden layer(s) starts "
            f"with {s['dead_init']['mean']:.1f}% of its units dead and ends with "
            f"{s['dead_end']['mean']:.1f}%" + (" (this init keeps the book's N(0,1) biases "
            "while it shrinks the weights, so a unit with a bias well below zero starts "
            "dead)." if s["config"].init in SMALL_WEIGHTS_BOOK_BIASES else "."))
    most = most_dead(summaries)
    if most:
        first = most["records"][0]
        sentences.append(
            f"- Dead ReLU units: the most at the end of training is "
            f"{most['dead_end']['mean']:.1f}% (mean over hidden layers and seeds) for "
            f"{hidden_layers(most)} hidden layer(s) with {most['config'].init} init; in its "
            f"first seed, {dead_percent(first, 0):.1f}% were dead at initialisation and "
            f"{dead_percent(first, 1):.1f}% after the first epoch.")
    return "\n".join(sentences) + "\n"
