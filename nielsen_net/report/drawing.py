"""The figures' one style and the drawing pieces every study's figures share.

Every figure follows the same rules:
- cost beside accuracy, training and the scored split, per epoch;
- every seed shown: curves are the mean over seeds with a min-max band and each seed as a thin
  line, summaries a mean marker with every seed as a small point beside it;
- every configuration visible: a zoomed panel always has a full-range panel (or inset) beside
  it; runs in different modes (`analysis.verdicts.mode`) get a line each; log axes that would
  lose exact zeros become symlog; a run that diverged is marked with an x where it stopped and
  counted in its legend label (or its panel's title), a configuration whose every seed diverged
  with an x at the foot of the axis (or in a strip of its own);
- colours from matplotlib's colour-blind-safe tableau-colorblind10, always with a second cue
  (marker or line style). Drawn artists carry a gid ("mean", "seed", "diverged") so tests can
  count what a panel shows.

Left out: any one study's figures (its own module here) and writing files (`studies.draw`).
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..analysis.measures import curve, stack  # noqa: E402
from ..experiments.sweeps import Sweep  # noqa: E402
from .markdown import seed_words  # noqa: E402

DPI = 110

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
               "xavier": "Xavier", "he_gaussian_biases": "He, N(0,1) biases"}
INIT_STYLES = {"gaussian": ":", "scaled_gaussian": "--", "he": "-", "xavier": "-.",
               "he_gaussian_biases": (0, (5, 1, 1, 1, 1, 1))}
INIT_COLOURS = {i: COLOURS[k] for k, i in enumerate(INIT_LABELS)}
INIT_MARKERS = {i: MARKERS[k] for k, i in enumerate(INIT_LABELS)}
LAYER_STYLES = ["-", "--", ":", "-."]
LAYER_COLOURS = COLOURS[:4]


def nth(cues, k):
    """The k-th of a list of colours, markers or line styles, cycling when a figure has more
    series (layers, modes, rows) than the list has cues."""
    return cues[k % len(cues)]


class Missing(Exception):
    """A figure's runs are not there (yet)."""


@dataclass
class Data:
    sweep: Sweep   # the definition: configurations in order, the book's notes
    runs: dict     # configuration -> [record per seed]
    tune: dict     # configuration -> {eta: [record per seed]}
    folder: Path | None = None  # the sweep's results folder, for a figure of another record there


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
    return seed_words([len(records) for records in groups.values()])


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


def layer_norms(ax, records, layers):
    """||dC/db|| per epoch of each hidden layer of `records` on a log axis that shows zeros."""
    for layer in range(layers):
        diagnostic(ax, records, "bias_gradient_norms", layer, f"hidden layer {layer + 1}",
                   color=nth(LAYER_COLOURS, layer), linestyle=nth(LAYER_STYLES, layer),
                   marker=nth(MARKERS, layer))
    log_axis(ax)


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
