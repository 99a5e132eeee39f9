"""Draw every figure of the sweeps and use cases from their JSON records; never trains.

    python scripts/plots.py [--results DIR] [--sweep NAME ...]

A use case (regression, anomaly, inspect) is drawn from its one record, which holds what its
figures show (curves, ROC points, reconstructions, weights, mistakes).

Each figure is one small function, registered under its file name in FIGURES[<sweep>] with what
a reader learns from it: it gets the sweep's records (runs/ and tune/, read with
`nielsen_net.experiments.records`) and returns a matplotlib figure, written to <results>/<sweep>/<file>.
Every figure follows the same rules (the style is set once, below the imports):
- cost beside accuracy, training and the scored split, per epoch;
- every seed shown: curves are the mean over seeds with a min-max band and each seed as a thin
  line, summaries a mean marker with every seed as a small point beside it;
- every configuration visible: a zoomed panel always has a full-range panel beside it; runs in
  different modes (`nielsen_net.verdicts.mode`) get a line each; log axes that would lose exact
  zeros become symlog; a run that diverged is marked with an x where it stopped and counted in
  its legend label, a configuration whose every seed diverged with an x at the foot of the axis;
- colours from matplotlib's colour-blind-safe tableau-colorblind10, always with a second cue
  (marker or line style). Drawn artists carry a gid ("mean", "seed", "diverged") so tests can
  count what a panel shows.
The book's numbers come from the sweep file's `book` notes. Results may be partial while a
sweep runs: a figure with none of its runs yet (or whose records lack what it needs) is skipped
with a printed line, and a figure with some of them draws those.

Left out: training, and numbers in tables (scripts/report.py compares them with the book).
"""

import argparse
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from nielsen_net.paths import PROJECT_ROOT  # noqa: E402
from nielsen_net.analysis.measures import (  # noqa: E402
    curve, dead_percent, gradient_ratio, measure, numbers, spread, stack)
from nielsen_net.analysis.verdicts import (  # noqa: E402
    LEARNED_ALL, mode, mode_label, modes, unlearned_digits)
from nielsen_net.experiments.records import BadRecord, load_runs, read_if_present, stray_files  # noqa: E402
from nielsen_net.experiments.sweeps import Sweep, load_sweep  # noqa: E402

DPI = 110
SWEEP_FILES = Path(__file__).resolve().parent / "sweeps"  # the sweep files, by name

# One style for every figure: matplotlib's colour-blind-safe palette, and sizes legible at the
# width the report shows a figure (about 10 inches drawn into a page column).
plt.style.use("tableau-colorblind10")
plt.rcParams.update({"font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
                     "legend.fontsize": 9, "legend.title_fontsize": 9, "figure.titlesize": 12,
                     "xtick.labelsize": 9, "ytick.labelsize": 9, "lines.linewidth": 1.6,
                     "lines.markersize": 5, "axes.grid": True, "grid.alpha": 0.3,
                     "grid.linewidth": 0.5, "image.cmap": "cividis", "savefig.dpi": DPI})
# The palette's colours in an order that keeps neighbours apart (its 3rd and 7th are greys).
COLOURS = [plt.rcParams["axes.prop_cycle"].by_key()["color"][i]
           for i in (0, 1, 3, 5, 4, 8, 2, 7, 6, 9)]
# Markers are the second cue, for readers who cannot tell the colours apart (or print in grey).
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
ACTIVATIONS = ["sigmoid", "relu", "leaky_relu", "tanh"]
# tanh in light blue: the palette's dark orange sits too close to ReLU's orange
ACTIVATION_COLOURS = dict(zip(ACTIVATIONS, [COLOURS[k] for k in (0, 1, 2, 4)]))
ACTIVATION_MARKERS = {a: MARKERS[k] for k, a in enumerate(ACTIVATIONS)}
INIT_LABELS = {"gaussian": "N(0,1)", "scaled_gaussian": "N(0,1/n_in)", "he": "He",
               "xavier": "Xavier"}
INIT_STYLES = {"gaussian": ":", "scaled_gaussian": "--", "he": "-", "xavier": "-."}
INIT_COLOURS = {i: COLOURS[k] for k, i in enumerate(INIT_LABELS)}
INIT_MARKERS = {i: MARKERS[k] for k, i in enumerate(INIT_LABELS)}
LAYER_STYLES = ["-", "--", ":", "-."]
LAYER_COLOURS = COLOURS[:4]


def nth(cues, k):
    """The k-th of a list of colours, markers or line styles, cycling when a figure has more
    series (layers, modes, rows) than the list has cues."""
    return cues[k % len(cues)]

# Where a book figure sits on an accuracy-vs-epoch axis: None = a level (dashed line),
# "first"/"last" = a point at that epoch (star). Other measures are not on such an axis.
BOOK_EPOCH = {"peak": None, "test_at_best_validation": None, "final": "last",
              "final_training": "last", "epoch1": "first"}
RELATION = {"approx": "", "above": "> ", "below": "< "}


class Missing(Exception):
    """A figure's runs are not there (yet)."""


@dataclass
class Data:
    sweep: Sweep   # the definition: configurations in order, the book's notes
    runs: dict     # configuration -> [record per seed]
    tune: dict     # configuration -> {eta: record}


# ---------------------------------------------------------------- shared drawing helpers

def present(groups, names):
    """{name: groups[name]} for the names that have records; Missing if none has."""
    found = {n: groups[n] for n in names if n in groups}
    if not found:
        what = ", ".join(names) if len(names) <= 4 else f"its {len(names)} configurations"
        raise Missing(f"no records yet of {what}")
    return found


def band(ax, x, values, label=None, **style):
    """The mean over seeds as a line (gid "mean"), the min-max over seeds as a shaded band, and
    every seed as a thin line (gid "seed"): a mean hides seeds that split into groups. values is
    (n_seeds, len(x)); a `marker` in style marks about 8 points of the mean. Returns the line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # epochs after every seed diverged
        mean, low, high = (f(values, axis=0) for f in (np.nanmean, np.nanmin, np.nanmax))
    line, = ax.plot(x, mean, label=label, markevery=max(1, len(x) // 8), gid="mean", **style)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.12, linewidth=0)
    for row in values:
        ax.plot(x, row, color=line.get_color(), linestyle=line.get_linestyle(), linewidth=0.5,
                alpha=0.5, gid="seed")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    return line


def series(ax, records, key, label, **style):
    """A history series (accuracies in %) per epoch as `band`, each diverged seed marked with
    an x where it stopped and counted in the label."""
    values = curve(records, key) * (100 if key.endswith("accuracy") else 1)
    epochs = np.arange(1, values.shape[1] + 1)
    line = band(ax, epochs, values, label=label + diverged_note(records), **style)
    for row, record in zip(values, records):
        finite = np.flatnonzero(np.isfinite(row))
        if record["history"]["diverged"] and len(finite):
            ax.plot(epochs[finite[-1]], row[finite[-1]], "x", color=line.get_color(), ms=8,
                    gid="diverged")
    return line


def diagnostic(ax, records, key, layer, label, scale=1, **style):
    """A diagnostics series of one hidden layer per epoch (epoch 0 = initialisation) as `band`."""
    values = stack([r["diagnostics"][key] for r in records])[:, :, layer] * scale
    return band(ax, np.arange(values.shape[1]), values, label=label, **style)


def seed_points(ax, x, values, **style):
    """Every seed's finite value as a small point just beside x (gid "seed"), so a mean's
    marker does not hide them."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]  # a diverged seed has no value to show
    ax.plot(np.full(len(values), x), values, linestyle="none", marker=style.pop("marker", "o"),
            ms=3, alpha=0.6, mew=0, gid="seed", **style)


def log_axis(ax):
    """A log y axis that still shows exact zeros (a dead layer's gradient): symlog, linear
    below the smallest positive value drawn, with the zero line marked; plain log otherwise."""
    ys = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()]
                        or [np.array([])])
    ys = ys[np.isfinite(ys)]
    if (ys == 0).any():
        ax.set_yscale("symlog", linthresh=ys[ys > 0].min() if (ys > 0).any() else 1,
                      linscale=0.4)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.annotate("exact 0 (symlog)", xy=(0.99, 0), xycoords=("axes fraction", "data"),
                    ha="right", va="bottom", fontsize=7)
    else:
        ax.set_yscale("log")


def diverged_note(records):
    count = sum(r["history"]["diverged"] for r in records)
    return f" [diverged {count}/{len(records)}]" if count else ""


def seed_count(groups):
    """'3 seeds' (or '1-5 seeds') for the records of `groups` {name: records}."""
    counts = sorted({len(records) for records in groups.values()})
    n = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    return f"{n} seed{'s' * (n != '1')}"


def seeds_text(groups):
    return f"mean over {seed_count(groups)}, band = min-max, thin lines = single seeds"


def zoom(ax, values):
    """Show the top of the accuracy range, in 5-point steps: from about 7 points below the best
    of `values` to just above it (at most 100). Returns the lower limit; what lies below it is
    off this axis (a full-range panel beside it shows it)."""
    best = np.nanmax([*values, 0.0])
    bottom = max(0.0, 5 * np.floor((best - 7) / 5))
    ax.set_ylim(bottom, min(100.0, 5 * np.ceil((best + 1) / 5)))
    return bottom


def side_legend(ax, **kwargs):
    """A small legend to the right of the axes, off the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, **kwargs)


def empty(ax, text="no runs yet"):
    """Mark a panel without data (axis off: its ticks would mean nothing)."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="gray")
    ax.set_axis_off()


def figure(rows, cols, size, title, **kwargs):
    fig, axes = plt.subplots(rows, cols, figsize=size, layout="constrained", squeeze=False,
                             **kwargs)
    fig.suptitle(title)
    for ax in axes.flat:  # shared axes too: a neighbour may stay empty while a sweep runs
        ax.tick_params(labelleft=True, labelbottom=True)
    return fig, axes


def figure_legend(fig, handles):
    """One small legend for the whole figure, right of the panels (clear of the title)."""
    fig.legend(handles=handles, loc="outside right center")


def legend_handles(axes):
    """The labelled lines of `axes`, one per label, in drawing order."""
    return list({h.get_label(): h for ax in np.ravel(axes)
                 for h in ax.get_legend_handles_labels()[0]}.values())


def config_of(records):
    return records[0]["config"]


def used(table, sweep, key):
    """The keys of `table` (e.g. INIT_LABELS) that some configuration of `sweep` uses as its
    `key` setting, in the table's order: panels and legends for what the sweep has."""
    values = {getattr(config, key) for config in sweep.configurations.values()}
    return [name for name in table if name in values]


def line_style(config):
    """Colour and marker by activation, line style by init."""
    return {"color": ACTIVATION_COLOURS[config["activation"]],
            "marker": ACTIVATION_MARKERS[config["activation"]],
            "linestyle": INIT_STYLES[config["init"]]}


def short(config):
    return f"{config['activation']}, {INIT_LABELS[config['init']]}"


def depth_title(sizes):
    hidden = len(sizes) - 2
    return f"{list(sizes)}: {hidden} hidden layer{'s' * (hidden > 1)}"


def by_depth(data, kind="runs"):
    """{sizes: {configuration: records}} of runs/ (or tune/, {eta: [records]}) in the sweep's
    order, one group per architecture."""
    groups = {}
    for name, records in present(getattr(data, kind), list(data.sweep.configurations)).items():
        config = config_of(next(iter(records.values())) if kind == "tune" else records)
        groups.setdefault(tuple(config["sizes"]), {})[name] = records
    return groups


def learning_curves(rows, title, style_of, label_of):
    """Accuracy and cost per epoch, one row of panels per {row title: {configuration:
    records}}: the accuracy on the scored split over its full range (every configuration
    visible) and at the top of the range, then the training and the scored split's cost (log),
    each configuration styled by style_of(config) and named by label_of(config)."""
    every = {n: rs for runs in rows.values() for n, rs in runs.items()}
    fig, axes = figure(len(rows), 4, (15, 3.1 * len(rows) + 0.8),
                       f"{title}\n({seeds_text(every)})")
    for row, (heading, runs) in zip(axes, rows.items()):
        full, top, training, scored = row
        split = config_of(next(iter(runs.values())))["evaluate"]
        finals = []
        for records in runs.values():
            config = config_of(records)
            style, label = style_of(config), label_of(config)
            for ax in (full, top):
                line = series(ax, records, "evaluation_accuracy", label, **style)
            finite = line.get_ydata()[np.isfinite(line.get_ydata())]
            finals.append(finite.max() if len(finite) else np.nan)
            series(training, records, "training_cost", label, **style)
            series(scored, records, "evaluation_cost", label, **style)
        full.set(ylim=(0, 100), ylabel=f"{heading}\n{split} accuracy (%)", xlabel="epoch")
        bottom = zoom(top, finals)
        top.set(ylabel=f"{split} accuracy (%)", xlabel="epoch")
        for ax, what in ((full, "accuracy, full range"), (top, "accuracy, top of the range"),
                         (training, "training cost (log)"), (scored, f"{split} cost (log)")):
            ax.set_title(what)
        below = sum(f < bottom for f in finals)
        if below:
            top.text(0.02, 0.02, f"{below} below this range: see left", transform=top.transAxes,
                     fontsize=7)
        for ax in (training, scored):
            ax.set(yscale="log", xlabel="epoch", ylabel="cost")
        if not any(np.isfinite(line.get_ydata()).any() for line in training.lines):
            for ax in row:  # nothing to draw, and a log axis of no data would stop the figure
                ax.set(yscale="linear", xticks=[], yticks=[])
                ax.set_title(ax.get_title().replace(" (log)", ""))
                ax.text(0.5, 0.5, "every run diverged\nin its first epoch", ha="center",
                        va="center", transform=ax.transAxes, fontsize=8)
    figure_legend(fig, legend_handles(axes))
    return fig


# ---------------------------------------------------------------- activation_init figures

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


def layer_norms(ax, records, layers):
    """||dC/db|| per epoch of each hidden layer of `records` on a log axis that shows zeros."""
    for layer in range(layers):
        diagnostic(ax, records, "bias_gradient_norms", layer, f"hidden layer {layer + 1}",
                   color=nth(LAYER_COLOURS, layer), linestyle=nth(LAYER_STYLES, layer),
                   marker=nth(MARKERS, layer))
    log_axis(ax)


def activation_gradient_norms(data):
    groups = by_depth(data)
    sizes = max(groups, key=len)
    runs = {(config_of(rs)["activation"], config_of(rs)["init"]): rs
            for rs in groups[sizes].values()}
    activations, inits = used(ACTIVATION_COLOURS, data.sweep, "activation"), \
        used(INIT_STYLES, data.sweep, "init")
    fig, axes = figure(len(activations), len(inits), (10, 8),
                       f"Bias-gradient norm per hidden layer, {list(sizes)} "
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
    groups = by_depth(data, "tune")
    seeds = {len(rs) for tuned in groups.values() for by_eta in tuned.values()
             for rs in by_eta.values()}
    fig, axes = figure(1, len(groups), (11, 4.5), "Learning-rate tuning: mean validation "
                       f"accuracy after the tuning budget ({'/'.join(map(str, sorted(seeds)))} "
                       f"seed{'s' * (max(seeds) > 1)} per eta, small points = single seeds)")
    for ax, (sizes, tuned) in zip(axes[0], groups.items()):
        for name, by_eta in tuned.items():
            etas = sorted(by_eta)
            config = config_of(by_eta[etas[0]])
            finals = [[measure(r, "final") for r in by_eta[eta]] for eta in etas]
            accuracy = [np.nanmean(f) if np.isfinite(f).any() else np.nan for f in finals]
            line, = ax.plot(etas, accuracy, label=short(config), gid="mean", **line_style(config))
            for eta, values, mean in zip(etas, finals, accuracy):
                seed_points(ax, eta * 1.06, values, color=line.get_color())
                if any(r["history"]["diverged"] for r in by_eta[eta]):
                    ax.plot(eta, 0 if np.isnan(mean) else mean, "x", color=line.get_color(),
                            ms=8, gid="diverged")
            chosen = config_of(data.runs[name])["eta"] if name in data.runs else None
            if chosen in by_eta:  # the eta the runs/ of this configuration trained with
                ax.plot(chosen, accuracy[etas.index(chosen)], "o", ms=11, mfc="none",
                        color=line.get_color())
        ax.set(xscale="log", ylim=(0, 100), xlabel="learning rate eta (log)",
               ylabel="validation accuracy (%)")
        ax.set_title(f"{depth_title(sizes)}, after {config['epochs']} epochs")
    marks = [Line2D([], [], color="black", marker="o", ms=10, mfc="none", ls="none",
                    label="chosen eta"),
             Line2D([], [], color="black", marker="x", ms=8, ls="none",
                    label="a seed diverged (every seed: at 0)")]
    figure_legend(fig, legend_handles(axes) + marks)
    return fig


# ---------------------------------------------------------------- book figures

def book_notes(data, name):
    """The book's figures for a configuration that sit on an accuracy-vs-epoch axis (the
    float32 twins repeat their row's figure, so they are left to the float64 run)."""
    return [n for n in data.sweep.notes.get(name, [])
            if "value" in n and n["measure"] in BOOK_EPOCH and not n.get("float32")]


def book_marker(ax, note, colour, epochs):
    """The book's figure: a dashed level for a peak, a star at the epoch for the others."""
    label = (f"book: {RELATION[note.get('relation', 'approx')]}{note['value']:g}% "
             f"({note['measure'].replace('_', ' ')})")
    where = BOOK_EPOCH[note["measure"]]
    if where is None:
        ax.axhline(note["value"], color=colour, linestyle=(0, (5, 3)), linewidth=1, label=label)
    else:
        ax.plot(1 if where == "first" else epochs, note["value"], "*", ms=13, color=colour,
                mec="black", mew=0.6, label=label)


def by_mode(records):
    """{mode: records} (verdicts.mode: diverged, or how many digits a run never learned);
    one mode when the records hold no test confusion matrix."""
    return modes(records, [mode(r) for r in records])


def book_panel(ax, cost_ax, data, names):
    """Accuracy per epoch (on the split each run scores) of the book rows `names`, one line per
    mode of runs (see `by_mode`), each with the book's figures, its float32 twin (thin) if there
    is one, and the test accuracy too where it was scored every epoch (ch6-softmax); on
    `cost_ax` their training (dashed) and scored-split (solid) cost. Returns whether any of the
    rows had runs."""
    settled = []  # every seed after its first quarter, and the book's figures
    for k, name in enumerate(names):
        records = data.runs.get(name)
        if not records:
            continue
        colour, config = nth(COLOURS, k), config_of(records)
        grouped = by_mode(records)
        for j, (key, group) in enumerate(grouped.items()):
            what = f", {mode_label(key)}: {len(group)} runs" if len(grouped) > 1 else ""
            style = {"color": colour, "marker": nth(MARKERS, k),
                     "linestyle": nth(LAYER_STYLES, j)}
            series(ax, group, "evaluation_accuracy", f"{name} ({config['evaluate']}){what}",
                   **style)
        values = 100 * curve(records, "evaluation_accuracy")
        settled += list(values[:, values.shape[1] // 4:].ravel())
        series(cost_ax, records, "training_cost", f"{name} training", color=colour,
               marker=nth(MARKERS, k), linestyle="--")
        series(cost_ax, records, "evaluation_cost", f"{name} {config['evaluate']}",
               color=colour, marker=nth(MARKERS, k))
        if config["test_each_epoch"]:
            band(ax, np.arange(1, config["epochs"] + 1),
                 100 * stack([r["test_accuracy_per_epoch"] for r in records]),
                 f"{name} (test)", color=colour, linestyle=":")
        twin = data.runs.get(f"{name}-float32")
        if twin:
            series(ax, twin, "evaluation_accuracy", f"{name} float32 ({seed_count({0: twin})})",
                   color=colour, linewidth=1, linestyle="-.")
        for note in book_notes(data, name):
            book_marker(ax, note, colour, config["epochs"])
            settled.append(note["value"])
    if not settled:
        return False
    # The first epochs' climb may run off the bottom: the comparison is in the settled part,
    # and every seed's settled part stays on the axis.
    low, high = np.nanmin(settled), max(np.nanmax(settled), ax.dataLim.y1)
    ax.set_ylim(low - 0.1 * (high - low), min(100.5, high + 0.05 * (high - low)))
    full_range_inset(ax)
    ax.set(xlabel="epoch", ylabel="accuracy (%)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16))  # one column: labels are long
    cost_ax.set(yscale="log", xlabel="epoch", ylabel="cost as trained (log)")
    cost_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    return True


def full_range_inset(ax):
    """When the panel's axis cuts some of its curves off, a small copy of every curve over the
    full 0-100% range (gid "inset"), so nothing is hidden; in the corner that covers the
    fewest drawn points."""
    drawn = [line for line in ax.get_lines() if line.get_gid() in ("mean", "seed")]
    bottom = ax.get_ylim()[0]
    if not any(np.nanmin(np.append(line.get_ydata(), np.inf)) < bottom for line in drawn):
        return None
    points = np.concatenate([ax.transLimits.transform(line.get_xydata()) for line in drawn])
    size = np.array([0.35, 0.36])
    corners = [np.array(c) for c in ((0.62, 0.06), (0.08, 0.06), (0.08, 0.58), (0.62, 0.58))]
    corner = min(corners, key=lambda c: np.all((points >= c) & (points <= c + size),
                                               axis=1).sum())
    inset = ax.inset_axes([*corner, *size])
    inset.patch.set_alpha(0.7)  # what the corner covers still shows through
    for line in drawn:
        inset.plot(line.get_xdata(), line.get_ydata(), color=line.get_color(),
                   linestyle=line.get_linestyle(), linewidth=line.get_linewidth() * 0.6,
                   alpha=line.get_alpha(), gid="inset")
    inset.set_ylim(0, 100)
    inset.tick_params(labelsize=6)
    inset.set_title("full range", fontsize=7, pad=2)
    return inset


def book_figure(data, panels, title, size=(11, 10), extra=0):
    """One `book_panel` per {panel title: row names}, accuracy above and cost below, then
    `extra` empty columns for the caller; Missing if no row has runs. Returns (figure,
    [accuracy axes], [cost axes])."""
    groups = present(data.runs, [n for names in panels.values() for n in names])
    known = any(r.get("test_confusion") is not None for rs in groups.values() for r in rs)
    modes_note = "" if known else "; these records hold no test confusion, so no modes"
    fig, axes = figure(2, len(panels) + extra, size,
                       f"{title}\n({seeds_text(groups)}{modes_note})")
    for ax, cost_ax, (panel, names) in zip(axes[0], axes[1], panels.items()):
        if not book_panel(ax, cost_ax, data, names):
            empty(ax)
            empty(cost_ax)
        ax.set_title(f"{panel}: accuracy")
        cost_ax.set_title(f"{panel}: cost")
    return fig, list(axes[0]), list(axes[1])


def ch1_curves(data):
    return book_figure(data, {"chapter 1: quadratic cost, eta 3": ["ch1-30", "ch1-100"],
                              "chapter 1: eta too small / too large":
                                  ["ch1-eta-small", "ch1-eta-large"]},
                       "Chapter 1 networks: test accuracy and cost per epoch, one line per "
                       "mode of runs")[0]


def ch3_curves(data):
    return book_figure(data, {"chapter 3: cross-entropy (+ L2), scored on test":
                                  ["ch3-ce-30", "ch3-ce-100", "ch3-l2-30",
                                   "ch3-l2-30-per-example"],
                              "chapter 3 L2 and chapter 6 softmax, on validation":
                                  ["ch3-l2-100", "ch3-98", "ch6-softmax"]},
                       "Chapters 3 and 6: accuracy and cost per epoch", size=(11, 11))[0]


def init_comparison(data):
    return book_figure(data, {"[784, 30, 10]": ["ch3-init-30-large", "ch3-init-30-default"],
                              "[784, 100, 10]": ["ch3-init-100-large", "ch3-init-100-default"]},
                       "Chapter 3: large N(0,1) vs default N(0,1/n_in) weights, validation "
                       "accuracy and cost per epoch")[0]


def overfitting(data):
    """The book's four chapter 3 panels per run: training cost, test cost, test accuracy,
    training accuracy; without L2 the test cost turns up while the test accuracy stalls."""
    names = ["ch3-overfit", "ch3-overfit-l2"]
    runs = present(data.runs, names)
    fig, axes = figure(2, 4, (15, 7), "Chapter 3: 1,000 training images, 400 epochs "
                       f"({seeds_text(runs)})")
    panels = (("training_cost", "training cost"), ("evaluation_cost", "test cost"),
              ("evaluation_accuracy", "test accuracy (%)"),
              ("training_accuracy", "training accuracy (%)"))
    for row, name in zip(axes, names):
        records = runs.get(name)
        for k, (ax, (key, what)) in enumerate(zip(row, panels)):
            if not records:
                empty(ax)
                continue
            series(ax, records, key, what, color=nth(COLOURS, k), marker=nth(MARKERS, k))
            ax.set(xlabel="epoch", ylabel=what)
            ax.set_title(f"{name} (lmbda = {data.sweep.configurations[name].lmbda:g}): {what}")
            for note in book_notes(data, name):
                if (note["measure"] == "final_training") == (key == "training_accuracy") \
                        and key.endswith("accuracy"):
                    book_marker(ax, note, "black", config_of(records)["epochs"])
                    ax.legend(loc="lower right")
    return fig


def depth(data):
    names = [f"ch5-depth-{k}" for k in range(1, 5)]
    fig, (left, right), (_, below) = book_figure(data, {"validation per epoch": names},
                                                 "Chapter 5: 1 to 4 hidden layers of 30 units",
                                                 size=(12, 9), extra=1)
    below.set_axis_off()
    for k, name in enumerate(names):
        if name not in data.runs:
            continue
        peaks = [measure(r, "peak") for r in data.runs[name]]
        peak = spread(peaks)
        right.errorbar(k + 1, peak["mean"], [[peak["mean"] - peak["min"]],
                                             [peak["max"] - peak["mean"]]],
                       fmt=nth(MARKERS, k), color=nth(COLOURS, k), capsize=4, gid="mean")
        seed_points(right, k + 1.1, peaks, color=nth(COLOURS, k))
        for note in book_notes(data, name):
            right.plot(k + 1.25, note["value"], "*", ms=13, color=nth(COLOURS, k), mec="black")
    right.set(xticks=range(1, 5), xlabel="hidden layers", ylabel="peak validation accuracy (%)")
    right.set_title("peak accuracy: ours (error bar = min-max, points = seeds) and the book's")
    right.legend(handles=[Line2D([], [], color="gray", marker="o", ls="none", label="ours"),
                          Line2D([], [], color="gray", marker="*", ms=13, mec="black", ls="none",
                                 label="book")])
    return fig


def book_gradient_norms(data):
    names = ["ch5-depth-2", "ch5-depth-3", "ch5-depth-4"]
    runs = present(data.runs, names)
    fig, axes = figure(1, 2, (11, 4.8), "Chapter 5: bias-gradient norm ||dC/db|| per hidden "
                       f"layer ({seeds_text(runs)})")
    left, right = axes[0]
    for k, name in enumerate(names):
        if name not in runs:
            continue
        at_init = stack([r["diagnostics"]["bias_gradient_norms"][0] for r in runs[name]])
        layers = np.arange(1, at_init.shape[1] + 1)
        mean = at_init.mean(axis=0)
        left.errorbar(layers, mean, [mean - at_init.min(axis=0), at_init.max(axis=0) - mean],
                      marker=nth(MARKERS, k), color=nth(COLOURS, k), capsize=3,
                      label=f"{name}: ours",
                      gid="mean")
        for layer, values in zip(layers, at_init.T):
            seed_points(left, layer + 0.08, values, color=nth(COLOURS, k))
        # The book gives per-layer values for 4 hidden layers only (book.toml's notes).
        for book in [n["value"] for n in data.sweep.notes[name]
                     if n["measure"] == "init_gradients"]:
            left.plot(np.arange(1, len(book) + 1), book, "*--", ms=11, color=nth(COLOURS, k),
                      mec="black", mew=0.6, linewidth=1, label=f"{name}: book")
    log_axis(left)
    left.set(xticks=range(1, 5), xlabel="hidden layer (1 = next to the input)",
             ylabel="||dC/db|| at initialisation")
    left.set_title("at initialisation, 1,000 training images (points = seeds)")
    left.legend(loc="lower right")
    deepest = runs.get(names[-1])
    if deepest:
        layer_norms(right, deepest, len(config_of(deepest)["sizes"]) - 2)
        right.legend()
    else:
        empty(right)
    right.set(xlabel="epoch (0 = initialisation)", ylabel="||dC/db||")
    right.set_title(f"{names[-1]} during training: per-layer speed of learning")
    return fig


def confusion_matrices(data):
    """Row-normalised test confusion matrices of two ch1-100 seeds: the first with the most
    unlearned digits and the first that learned every digit."""
    records = [r for r in present(data.runs, ["ch1-100"])["ch1-100"]
               if r.get("test_confusion") is not None]
    if not records:
        raise Missing("the ch1-100 records hold no test_confusion (made before it was "
                      "recorded): re-run the book sweep to draw it")
    collapsed = max(records, key=unlearned_digits)
    learned = [r for r in records if unlearned_digits(r) == LEARNED_ALL]
    if unlearned_digits(collapsed) == LEARNED_ALL or not learned:
        raise Missing("ch1-100 has no collapsed seed and a successful one to set side by side")
    fig, axes = figure(1, 2, (11, 5), "ch1-100: test confusion matrices, % of each true digit "
                       "(rows) by predicted digit (columns)")
    for ax, record in zip(axes[0], (collapsed, learned[0])):
        counts = np.asarray(record["test_confusion"], dtype=float)
        share = 100 * counts / counts.sum(axis=1, keepdims=True)
        ax.imshow(share, vmin=0, vmax=100)
        for (i, j), value in np.ndenumerate(share):
            if value >= 0.5:
                ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=6,
                        color="white" if value < 60 else "black")
        ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit",
               ylabel="true digit")
        ax.grid(False)
        ax.set_title(f"seed {record['config']['seed']}: {mode_label(unlearned_digits(record))}, "
                     f"test {measure(record, 'test'):.2f}%")
    return fig


# ---------------------------------------------------------------- beyond the book

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


def errorbar_line(ax, x, values, **style):
    """Mean over seeds at each x with min-max error bars, every seed a small point beside it;
    values is [[per seed] per x]."""
    finite = [np.isfinite(v).any() for v in values]
    mean = [np.nanmean(v) if ok else np.nan for v, ok in zip(values, finite)]
    low = [m - np.nanmin(v) if ok else 0 for m, v, ok in zip(mean, values, finite)]
    high = [np.nanmax(v) - m if ok else 0 for m, v, ok in zip(mean, values, finite)]
    bars = ax.errorbar(x, mean, [low, high], capsize=3, ms=4, gid="mean", **style)
    for xi, v in zip(x, values):
        seed_points(ax, xi * 1.08 if ax.get_xscale() == "log" else xi + 0.08, v,
                    color=bars[0].get_color())
    return bars


def mark_diverged(ax, x, colour):
    """An x at the foot of the axis at `x`, where a configuration whose every seed diverged
    would have been drawn."""
    ax.plot(x, 0.03, "x", ms=9, mew=2, color=colour, transform=ax.get_xaxis_transform(),
            gid="diverged", clip_on=False)


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
    rows = {}
    for records in present(data.runs, list(data.sweep.configurations)).values():
        c = config_of(records)
        row = rows.setdefault(f"{list(c['sizes'])}, eta {c['eta']:g}", {})
        row[variant_label(c)] = records
    return learning_curves(rows, "Dead-ReLU sweep: validation accuracy and cost per epoch",
                           variant_style, variant_label)


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


def fast98_curves(data):
    """Validation accuracy per epoch and per second of training, and both costs per epoch."""
    runs = present(data.runs, list(data.sweep.configurations))
    fig, axes = figure(2, 2, (13, 8), f"The fastest way to 98% ({seeds_text(runs)})")
    (by_epoch, by_time), (training, scored) = axes
    for k, (name, records) in enumerate(runs.items()):
        style = {"color": nth(COLOURS, k), "marker": nth(MARKERS, k)}
        series(by_epoch, records, "evaluation_accuracy", name, **style)
        for j, record in enumerate(records):
            accuracy = 100 * numbers(record["history"]["evaluation_accuracy"])
            by_time.plot(np.cumsum(record["history"]["seconds"]), accuracy,
                         linewidth=0.8, alpha=0.7, gid="seed", color=nth(COLOURS, k),
                         marker=nth(MARKERS, k), markevery=[len(accuracy) - 1])
        series(training, records, "training_cost", name, **style)
        series(scored, records, "evaluation_cost", name, **style)
    for ax in (by_epoch, by_time):
        ax.axhline(98, color="black", lw=0.8, ls="--", label="98%")
        ax.set(ylabel="validation accuracy (%)")
    by_epoch.set(xlabel="epoch (the figure of merit: runs share the cores)")
    by_epoch.set_title("per epoch")
    by_time.set(xlabel="training seconds (each seed a line; marker = its last epoch)")
    by_time.set_title("per second of training")
    for ax, split in ((training, "training"), (scored, "validation")):
        ax.set(yscale="log", xlabel="epoch", ylabel=f"{split} cost (log)", title=f"{split} cost")
    figure_legend(fig, legend_handles(axes))
    return fig


# ---------------------------------------------------------------- use cases (one record each)

def regression_fit(record):
    """The training data, the true function, each seed's network and the least-squares line."""
    c, curves = record["config"]["network"], record["curves"]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=DPI)
    ax.scatter(record["training_data"]["x"], record["training_data"]["y"], s=4, color="0.7",
               label="training data")
    ax.plot(curves["x"], curves["truth"], color="black", lw=1.5, label="true function")
    for i, prediction in enumerate(curves["networks"]):
        ax.plot(curves["x"], prediction, color="tab:blue", lw=1, alpha=0.8,
                label=f"network, {len(curves['networks'])} seeds (test MSE "
                      f"{record['network_test_mse']['mean']:.4f})" if i == 0 else None)
    ax.plot(curves["x"], curves["line"], color="tab:red", ls="--",
            label=f"least-squares line (test MSE {record['linear_test_mse']:.4f})")
    ax.set(xlabel="x", ylabel="y",
           title=f"Regression: {c['sizes']} {c['activation']} net vs a straight line")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def anomaly_roc(record):
    """Each seed's ROC curve of the reconstruction error, the baseline's, and chance."""
    digit = record["config"]["anomaly_digit"]
    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=DPI)
    for i, (roc, auc) in enumerate(zip(record["roc"]["autoencoder"],
                                       record["autoencoder_auc_per_seed"])):
        ax.plot(roc["fpr"], roc["tpr"], color="tab:blue", lw=1,
                label=f"autoencoder, seed {record['config']['seeds'][i]} (AUC {auc:.3f})")
    ax.plot(record["roc"]["baseline"]["fpr"], record["roc"]["baseline"]["tpr"], color="tab:red",
            ls="--", label=f"distance to mean image (AUC {record['baseline_auc']:.3f})")
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, label="chance (AUC 0.5)")
    ax.set(xlabel=f"false positive rate (non-{digit}s flagged)",
           ylabel=f"true positive rate ({digit}s found)",
           title=f"Finding the {digit}s by reconstruction error")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def anomaly_reconstructions(record):
    """The best and worst reconstructed test images, and (in newer records) the first test
    images of the digit it never saw: original above, reconstruction below."""
    shown = record["reconstructions"]
    n = len(shown["best"]["error"])
    fig, axes = plt.subplots(2 * len(shown), n, figsize=(n * 1.1, 2.5 * len(shown)), dpi=DPI)
    for block, (name, images) in enumerate(shown.items()):
        for j, error in enumerate(images["error"]):
            for k, key in enumerate(("original", "rebuilt")):
                ax = axes[2 * block + k, j]
                ax.imshow(np.reshape(images[key][j], (28, 28)), cmap="gray_r", vmin=0, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if j == 0:
                    ax.set_ylabel(f"{name}\n{key}", fontsize=7)
            axes[2 * block, j].set_title(f"err {error:.3f}", fontsize=7)
    fig.suptitle(f"Test images rebuilt by the autoencoder (seed {record['config']['seeds'][0]}): "
                 f"{', '.join(shown)}", fontsize=10)
    fig.tight_layout()
    return fig


def inspect_weights(record):
    """The first-layer weights of the first units of each network, as 28x28 images (one
    diverging colour scale per network centred on 0: purple negative, orange positive)."""
    nets = record["networks"]
    units = record["config"]["shown_units"]
    side = int(np.ceil(np.sqrt(units)))
    fig = plt.figure(figsize=(5 * len(nets), 5.6), layout="constrained")
    fig.suptitle(f"First-layer weights of the first {units} hidden units, each a 28x28 image "
                 f"of what excites it (after {record['config']['training']['epochs']} epochs)")
    for sub, (name, net) in zip(fig.subfigures(1, len(nets)), nets.items()):
        c = record["config"]["networks"][name]
        weights = numbers(net["first_layer"])          # (units, 784)
        limit = np.abs(weights).max()
        axes = sub.subplots(side, side)
        for ax, unit in zip(axes.flat, range(side * side)):
            ax.set_axis_off()
            if unit < len(weights):
                ax.imshow(weights[unit].reshape(28, 28), cmap="PuOr", vmin=-limit, vmax=limit,
                          gid="unit")
        sub.suptitle(f"{c['activation']}, init {INIT_LABELS[c['init']]}: test "
                     f"{100 * net['test_accuracy']:.2f}%, |w| up to {limit:.2f}")
    return fig


def inspect_mistakes(record):
    """The test digits the better network (by validation) gets most confidently wrong."""
    mistakes = record["mistakes"]
    n = len(mistakes["true"])
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, axes = figure(rows, cols, (1.6 * cols + 0.5, 1.8 * rows + 0.8),
                       f"The {n} test digits the {mistakes['network']} network\n(better on "
                       "validation) gets most confidently wrong")
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, image, true, predicted, output in zip(axes.flat, mistakes["image"], mistakes["true"],
                                                  mistakes["predicted"], mistakes["output"]):
        ax.imshow(numbers(image).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1, gid="digit")
        ax.set_title(f"true {true}, said {predicted}\n(output {output:.2f})", fontsize=8)
    return fig


# ---------------------------------------------------------------- one-class MNIST (anomaly/one_class.json)

ONE_CLASS_METHODS = {"autoencoder": "autoencoder", "pca": "PCA",
                     "mean_distance": "distance to mean image"}


def one_class_auc(record):
    """AUC per normal digit: the autoencoder (mean marker, every seed a point beside it), the
    two baselines (deterministic: one point each), and the published figures (another
    protocol: see the report), each with its own colour and marker."""
    digits = np.arange(10)
    fig, axes = figure(1, 1, (10, 4.8), "One-class MNIST: test AUC per normal digit")
    ax = axes[0, 0]
    for i, (method, label) in enumerate(ONE_CLASS_METHODS.items()):
        style = {"color": COLOURS[i], "marker": MARKERS[i]}
        values = [record["auc"][method][str(d)] for d in digits]
        x = digits + 0.12 * (i - 1)
        for d, seeds in zip(x, values):
            if len(seeds) > 1:
                seed_points(ax, d + 0.05, seeds, **style)
        ax.plot(x, [np.mean(v) for v in values], linestyle="none", gid="mean",
                label=f"{label} (mean {record['mean_auc'][method]:.3f}"
                      + (f", {len(values[0])} seeds)" if len(values[0]) > 1 else ")"), **style)
    for k, published in enumerate(record["published"] or []):
        ax.plot(digits + 0.3, np.array(published["auc_percent"]) / 100, linestyle="none",
                color=nth(COLOURS, 3 + k), marker=nth(MARKERS, 3 + k), mfc="none", gid="published",
                label=f"{published['method']}, published (mean "
                      f"{np.mean(published['auc_percent']) / 100:.3f})")
    ax.set(xticks=digits, xlabel="normal digit (trained on it alone)",
           ylabel='test AUC of "not d" against d')
    side_legend(ax)
    return fig


def one_class_histograms(record):
    """Test scores of normal and anomalous images for the figure's digit, per method."""
    shown = record["figures"]
    fig, axes = figure(1, len(ONE_CLASS_METHODS), (13, 3.8),
                       f"Scores of the test images, normal digit {shown['digit']} (autoencoder "
                       f"seed {shown['seed']})")
    for ax, (method, label) in zip(axes.flat, ONE_CLASS_METHODS.items()):
        h = shown["histograms"][method]
        for k, (kind, hatch) in enumerate((("normal", None), ("anomalous", "//"))):
            counts = np.array(h[kind], dtype=float)
            ax.stairs(counts / counts.sum(), h["edges"], color=COLOURS[k], fill=True, alpha=0.45,
                      hatch=hatch, label=f"{kind} ({int(counts.sum())})")
        ax.set(xlabel="score (mean squared error per pixel)", title=label)
        ax.legend()
    axes[0, 0].set_ylabel("fraction of the images")
    return fig


def one_class_reconstructions(record):
    """The autoencoder's best and worst reconstructed normal and anomalous test images."""
    shown = record["figures"]
    blocks = [(kind, which, shown["reconstructions"][kind][which])
              for kind in ("normal", "anomalous") for which in ("best", "worst")]
    n = len(blocks[0][2])
    fig, axes = figure(2 * len(blocks), n, (n * 1.1, 10.5),
                       f"Autoencoder for digit {shown['digit']} (seed {shown['seed']}): best and "
                       f"worst reconstructed test images")
    for b, (kind, which, images) in enumerate(blocks):
        for j, image in enumerate(images):
            for k, key in enumerate(("image", "reconstruction")):
                ax = axes[2 * b + k, j]
                ax.imshow(np.reshape(image[key], (28, 28)), cmap="gray_r", vmin=0, vmax=1,
                          gid="digit")
                ax.set_xticks([])
                ax.set_yticks([])
                ax.grid(False)
                if j == 0:
                    ax.set_ylabel(f"{kind} {which}\n{'rebuilt' if k else 'original'}",
                                  fontsize=7)
            axes[2 * b, j].set_title(f"{image['label']}: err {image['error']:.3f}", fontsize=7)
    return fig


@dataclass(frozen=True)
class Figure:
    draw: object   # Data -> matplotlib figure
    alt: str       # the alt text the report gives it
    learn: str     # what a reader learns from it, for the report's list of figures
    record: str = ""  # a use case's record file it draws, if not <use case>.json


# Every figure, by sweep and file name, in the order the report shows them.
FIGURES = {
    "activation_init": {
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
    },
    "book": {
        "ch1_curves.png": Figure(
            ch1_curves, "chapter 1 accuracy and cost",
            "the chapter 1 runs seed by seed, one line per mode (every digit learned, or "
            "some never): which seeds stall far below the book's number, and their cost"),
        "confusion.png": Figure(
            confusion_matrices, "confusion matrices of two ch1-100 seeds",
            "which digits a collapsed ch1-100 seed never learns, beside a seed that learns all"),
        "ch3_curves.png": Figure(
            ch3_curves, "chapter 3 accuracy and cost",
            "the chapter 3 and 6 runs against the book's numbers, with their cost, and the "
            "book's own per-example algorithm beside ours on ch3-l2-30"),
        "overfitting.png": Figure(
            overfitting, "overfitting with and without L2",
            "the book's four overfitting panels: whether the test cost rises while the test "
            "accuracy stalls, and what L2 changes"),
        "init_comparison.png": Figure(
            init_comparison, "large vs default init",
            "how N(0,1/n_in) and N(0,1) weights compare epoch by epoch, in accuracy and cost"),
        "depth.png": Figure(
            depth, "depth comparison",
            "whether more hidden layers of 30 raise the peak accuracy, seed by seed"),
        "gradient_norms.png": Figure(
            book_gradient_norms, "per-layer gradient norms",
            "how much slower the first layers learn than the last (chapter 5), against the "
            "book's per-layer norms"),
    },
    "dead_relu": {
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
    },
    "vanishing_gradients": {
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
    },
    "fast98": {
        "fast98.png": Figure(
            fast98_curves, "accuracy per epoch and per second, cost",
            "which training method reaches 98% in the fewest epochs, and in how many seconds"),
    },
    "regression": {
        "fit.png": Figure(regression_fit, "regression fit",
                          "how the network's curve compares with a straight line and the truth"),
    },
    "anomaly": {
        "roc.png": Figure(anomaly_roc, "ROC curves",
                          "how well the reconstruction error finds the digit the autoencoder "
                          "never saw, against a simple baseline"),
        "reconstructions.png": Figure(anomaly_reconstructions, "best and worst reconstructions",
                                      "which test images the autoencoder rebuilds best and "
                                      "worst, and how it rebuilds the digit it never saw"),
        "one_class_auc.png": Figure(one_class_auc, "one-class AUC per digit",
                                    "how well each method, trained on one digit alone, ranks "
                                    "the other nine digits above it, against the published "
                                    "figures", "one_class.json"),
        "one_class_histograms.png": Figure(one_class_histograms, "one-class score histograms",
                                           "how far apart the normal and anomalous test scores "
                                           "lie for one digit, per method", "one_class.json"),
        "one_class_reconstructions.png": Figure(one_class_reconstructions,
                                                "one-class reconstructions",
                                                "which normal and anomalous test images the "
                                                "one-digit autoencoder rebuilds best and worst",
                                                "one_class.json"),
    },
    "inspect": {
        "weights.png": Figure(inspect_weights, "first-layer weights",
                              "what the first-layer units of a sigmoid net and of a ReLU net "
                              "respond to"),
        "mistakes.png": Figure(inspect_mistakes, "most confident mistakes",
                               "which test digits the better network gets wrong with the most "
                               "confidence, and what it takes them for"),
    },
}
USE_CASES = ("regression", "anomaly", "inspect")  # one record, <name>/<name>.json, instead of runs


def drawn(results, name):
    """{file: Figure} of the figures of `name` drawn into `results` (a figure whose records
    lack what it needs is skipped, so the report links only what is there)."""
    return {file: figure for file, figure in FIGURES[name].items()
            if (Path(results) / name / file).exists()}


def figure_list(results):
    """Every figure and what a reader learns from it, as a Markdown list: a link where it is
    drawn, a note where its records do not give it yet."""
    def line(name, file, figure):
        there = file in drawn(results, name)
        link = f"[{name}/{file}]({name}/{file})" if there else \
            f"{name}/{file} (not drawn: these records lack what it needs; `make plots` says what)"
        return f"- {link}: {figure.learn}\n"
    return "".join(line(name, file, figure) for name in FIGURES
                   for file, figure in FIGURES[name].items())


def markdown(results, name, record=""):
    """The Markdown image lines of every drawn figure of `name` (of a use case: those drawn
    from `record`, "" for <name>.json), for the report."""
    return "".join(f"![{figure.alt}]({name}/{file})\n"
                   for file, figure in drawn(results, name).items() if figure.record == record)


def draw(results, name):
    """Write every figure of sweep or use case `name` whose records exist; returns the paths
    written."""
    folder = Path(results) / name
    if not folder.is_dir():
        print(f"skip {name}: no folder {folder}")
        return []
    if name in USE_CASES:
        data = {}  # record file -> record, read as the figures ask for them
    else:
        data = Data(load_sweep(name, SWEEP_FILES), load_runs(folder), load_runs(folder, "tune"))
        for stray in stray_files(folder) + stray_files(folder, "tune"):
            print(f"ignored {stray}: not named as a run (<configuration>,seed=<n>.json)")
    written = []
    for file, figure in FIGURES[name].items():
        if name in USE_CASES:
            record = figure.record or f"{name}.json"
            if record not in data:
                data[record] = read_if_present(folder / record)
            if data[record] is None:
                print(f"skip {folder / file}: no record {folder / record}")
                continue
        try:
            fig = figure.draw(data[record] if name in USE_CASES else data)
        except Missing as why:
            print(f"skip {folder / file}: {why}")
            continue
        fig.savefig(folder / file, dpi=DPI)
        plt.close(fig)
        print(f"wrote {folder / file}")
        written.append(folder / file)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results",
                        help="results folder (default: results/)")
    parser.add_argument("--sweep", nargs="+", choices=list(FIGURES),
                        help="sweeps to draw (default: every one with a folder)")
    args = parser.parse_args(argv)
    names = args.sweep or [n for n in FIGURES if (args.results / n).is_dir()]
    if not names:
        print(f"nothing to draw: no sweep folder ({', '.join(FIGURES)}) in {args.results}")
    try:
        for name in names:
            draw(args.results, name)
    except BadRecord as error:  # the rule in nielsen_net/results.py: stop, naming the file
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
