"""Draw every figure of the sweeps and use cases from their JSON records; never trains.

    python scripts/plots.py [--results DIR] [--sweep NAME ...]

A use case (regression, anomaly) is drawn from its one record, which holds what its figures
show (curves, ROC points, reconstructions).

Each figure is one small function, registered under its file name in FIGURES[<sweep>]: it gets
the sweep's records (runs/ and tune/, read with `nielsen_net.results`) and returns a matplotlib
figure, written to <results>/<sweep>/<file>. Curves are the mean over seeds with a min-max band;
a run that diverged stops early, is marked with an x where it stopped and counted in its legend
label. The book's numbers come from the sweep file's `book` notes. Results may be partial while a
sweep runs: a figure with none of its runs yet is skipped with a printed line, and a figure with
some of them draws those.

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

from nielsen_net.experiment import PROJECT_ROOT  # noqa: E402
from nielsen_net.analysis import curve, gradient_ratio, measure, spread, stack  # noqa: E402
from nielsen_net.results import BadRecord, load_runs, read_if_present, stray_files  # noqa: E402
from nielsen_net.sweep import Sweep, load_sweep  # noqa: E402

DPI = 110
SWEEP_FILES = Path(__file__).resolve().parent / "sweeps"  # the sweep files, by name
ACTIVATION_COLOURS = {"sigmoid": "tab:blue", "relu": "tab:red", "leaky_relu": "tab:green",
                      "tanh": "tab:olive"}
INIT_STYLES = {"gaussian": ":", "scaled_gaussian": "--", "he": "-", "xavier": "-."}
INIT_COLOURS = {"gaussian": "tab:purple", "scaled_gaussian": "tab:orange", "he": "tab:cyan",
                "xavier": "tab:brown"}
INIT_LABELS = {"gaussian": "N(0,1)", "scaled_gaussian": "N(0,1/n_in)", "he": "He",
               "xavier": "Xavier"}
LAYER_STYLES = ["-", "--", ":", "-."]
LAYER_COLOURS = ["tab:brown", "tab:pink", "tab:olive", "tab:gray"]
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


def band(ax, x, values, label=None, each=False, **style):
    """The mean over seeds as a line and the min-max over seeds as a shaded band (and with
    `each`, every seed as a thin line: a mean hides seeds that split into groups);
    values is (n_seeds, len(x)). Returns the line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # epochs after every seed diverged
        mean, low, high = (f(values, axis=0) for f in (np.nanmean, np.nanmin, np.nanmax))
    line, = ax.plot(x, mean, label=label, marker="." if len(x) < 10 else None, **style)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.15, linewidth=0)
    for row in values if each else []:
        ax.plot(x, row, color=line.get_color(), linewidth=0.5, alpha=0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    return line


def series(ax, records, key, label, each=False, **style):
    """A history series (accuracies in %) per epoch as `band`, each diverged seed marked with
    an x where it stopped and counted in the label."""
    values = curve(records, key) * (100 if key.endswith("accuracy") else 1)
    epochs = np.arange(1, values.shape[1] + 1)
    line = band(ax, epochs, values, label=label + diverged_note(records), each=each, **style)
    for row, record in zip(values, records):
        finite = np.flatnonzero(np.isfinite(row))
        if record["history"]["diverged"] and len(finite):
            ax.plot(epochs[finite[-1]], row[finite[-1]], "x", color=line.get_color(), ms=8)
    return line


def diagnostic(ax, records, key, layer, label, scale=1, **style):
    """A diagnostics series of one hidden layer per epoch (epoch 0 = initialisation) as `band`."""
    values = stack([r["diagnostics"][key] for r in records])[:, :, layer] * scale
    return band(ax, np.arange(values.shape[1]), values, label=label, **style)


def diverged_note(records):
    count = sum(r["history"]["diverged"] for r in records)
    return f" [diverged {count}/{len(records)}]" if count else ""


def seed_count(groups):
    """'3 seeds' (or '1-5 seeds') for the records of `groups` {name: records}."""
    counts = sorted({len(records) for records in groups.values()})
    n = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    return f"{n} seed{'s' * (n != '1')}"


def seeds_text(groups):
    return f"mean over {seed_count(groups)}, band = min-max"


def zoom(ax, values):
    """Show the top of the accuracy range, in 5-point steps: from about 7 points below the best
    of `values` to just above it (at most 100). Returns the lower limit; what lies below it is
    off the axis."""
    best = np.nanmax([*values, 0.0])
    bottom = max(0.0, 5 * np.floor((best - 7) / 5))
    ax.set_ylim(bottom, min(100.0, 5 * np.ceil((best + 1) / 5)))
    return bottom


def side_legend(ax, **kwargs):
    """A small legend to the right of the axes, off the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, title_fontsize=8,
              borderaxespad=0, **kwargs)


def empty(ax):
    """Mark a panel whose runs are not there yet (axis off: its ticks would mean nothing)."""
    ax.text(0.5, 0.5, "no runs yet", transform=ax.transAxes, ha="center", va="center",
            color="gray")
    ax.set_axis_off()


def figure(rows, cols, size, title, **kwargs):
    fig, axes = plt.subplots(rows, cols, figsize=size, layout="constrained", squeeze=False,
                             **kwargs)
    fig.suptitle(title, fontsize=11)
    for ax in axes.flat:  # shared axes too: a neighbour may stay empty while a sweep runs
        ax.tick_params(labelleft=True, labelbottom=True)
    return fig, axes


def figure_legend(fig, handles):
    """One small legend for the whole figure, right of the panels (clear of the title)."""
    fig.legend(handles=handles, loc="outside right center", fontsize=8)


# ---------------------------------------------------------------- activation_init figures

def config_of(records):
    return records[0]["config"]


def used(table, sweep, key):
    """The keys of `table` (e.g. INIT_LABELS) that some configuration of `sweep` uses as its
    `key` setting, in the table's order: panels and legends for what the sweep has."""
    values = {getattr(config, key) for config in sweep.configurations.values()}
    return [name for name in table if name in values]


def line_style(config):
    """Colour by activation, line style by init."""
    return {"color": ACTIVATION_COLOURS[config["activation"]],
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


def validation_accuracy(data):
    groups = by_depth(data)
    fig, axes = figure(len(groups), 1, (10, 3.8 * len(groups)),
                       f"Validation accuracy per epoch ({seeds_text(data.runs)})")
    for ax, (sizes, runs) in zip(axes[:, 0], groups.items()):
        finals = {n: spread([measure(r, "final") for r in rs])["mean"] for n, rs in runs.items()}
        bottom = zoom(ax, finals.values())
        for name, records in runs.items():
            below = " (below axis)" if finals[name] < bottom else ""
            series(ax, records, "evaluation_accuracy",
                   f"{short(config_of(records))}: {finals[name]:.2f}%{below}",
                   **line_style(config_of(records)))
        ax.set(title=depth_title(sizes), xlabel="epoch", ylabel="validation accuracy (%)")
        side_legend(ax, title="activation, init: final mean")
    return fig


def cost(data):
    groups = by_depth(data)
    fig, axes = figure(len(groups), 2, (10, 3.3 * len(groups)),
                       f"Cost per epoch ({seeds_text(data.runs)})")
    for row, (sizes, runs) in zip(axes, groups.items()):
        for ax, split in zip(row, ("training", "validation")):
            for name, records in runs.items():
                series(ax, records, f"{split.replace('validation', 'evaluation')}_cost",
                       short(config_of(records)), **line_style(config_of(records)))
            ax.set(yscale="log", xlabel="epoch", ylabel=f"{split} cost (cross-entropy, log)")
            ax.set_title(f"{depth_title(sizes)}, {split} set", fontsize=9)
    handles = {short(c): Line2D([], [], label=short(c), **line_style(c))
               for c in map(config_of, present(data.runs, list(data.sweep.configurations))
                            .values())}
    figure_legend(fig, list(handles.values()))
    return fig


def test_accuracy(data):
    groups = by_depth(data)
    fig, axes = figure(len(groups), 1, (10, 3.8 * len(groups)),
                       f"Test accuracy after the last epoch (bar = mean over "
                       f"{seed_count(data.runs)}, error bar = std; eta chosen on validation)")
    for ax, (sizes, runs) in zip(axes[:, 0], groups.items()):
        stats = [spread([measure(r, "test") for r in rs]) for rs in runs.values()]
        configs = [config_of(rs) for rs in runs.values()]
        x = np.arange(len(runs))
        bottom = zoom(ax, [s["mean"] + s["std"] for s in stats])
        ax.bar(x, [s["mean"] for s in stats], yerr=[s["std"] for s in stats], capsize=3,
               color=[ACTIVATION_COLOURS[c["activation"]] for c in configs], alpha=0.45)
        for xi, s in zip(x, stats):
            off = " (below axis)" if s["mean"] < bottom else ""
            # left of the error bar, so the two do not cross
            ax.text(xi - 0.22, bottom + 0.3, f"{s['mean']:.2f} ± {s['std']:.2f}%{off}",
                    rotation=90, ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, [f"{c['activation']}\n{INIT_LABELS[c['init']]}\neta={c['eta']:g}"
                          for c in configs], fontsize=8)
        ax.set(title=depth_title(sizes), ylabel="test accuracy (%)")
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
                for layer in range(len(sizes) - 2):
                    diagnostic(ax, records, "dead_fraction", layer, None, scale=100,
                               color=INIT_COLOURS[config_of(records)["init"]],
                               linestyle=LAYER_STYLES[layer])
            if not matching:
                empty(ax)
            elif all(np.nanmax(ln.get_ydata()) == 0 for ln in ax.get_lines()):
                ax.text(0.5, 0.5, "no dead units", transform=ax.transAxes, ha="center")
            ax.set(xlabel="epoch (0 = initialisation)", ylabel="dead units (%)")
            ax.set_title(f"{activation}, {depth_title(sizes)}", fontsize=9)
    axes[0, 0].set_ylim(-2, max(10, axes[0, 0].get_ylim()[1]))  # shared: 0% stays visible
    handles = ([Line2D([], [], color=INIT_COLOURS[i], label=f"init {INIT_LABELS[i]}")
                for i in used(INIT_COLOURS, data.sweep, "init")]
               + [Line2D([], [], color="black", linestyle=LAYER_STYLES[k],
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
                       f"Bias-gradient norm per hidden layer, {list(sizes)} "
                       f"({seeds_text(groups[sizes])})", sharey=True)
    for row, activation in zip(axes, activations):
        for ax, init in zip(row, inits):
            records = runs.get((activation, init))
            for layer in range(len(sizes) - 2) if records else []:
                diagnostic(ax, records, "bias_gradient_norms", layer,
                           f"hidden layer {layer + 1}", color=LAYER_COLOURS[layer])
            if not records:
                empty(ax)
            ax.set_yscale("log")
            ax.set_title(f"{activation}, init {INIT_LABELS[init]}{diverged_note(records or [])}",
                         fontsize=9)
    for ax in axes[-1]:
        ax.set_xlabel("epoch (0 = initialisation)")
    for ax in axes[:, 0]:
        ax.set_ylabel("||dC/db|| (log)")
    figure_legend(fig, [Line2D([], [], color=LAYER_COLOURS[k], label=f"hidden layer {k + 1}")
                        for k in range(len(sizes) - 2)])
    return fig


def eta_tuning(data):
    groups = by_depth(data, "tune")
    seeds = {len(rs) for tuned in groups.values() for by_eta in tuned.values()
             for rs in by_eta.values()}
    fig, axes = figure(1, len(groups), (10, 4.5), "Learning-rate tuning: mean validation "
                       f"accuracy after the tuning budget ({'/'.join(map(str, sorted(seeds)))} "
                       "seeds per eta)")
    for ax, (sizes, tuned) in zip(axes[0], groups.items()):
        for name, by_eta in tuned.items():
            etas = sorted(by_eta)
            config = config_of(by_eta[etas[0]])
            accuracy = [np.mean([measure(r, "final") for r in by_eta[eta]]) for eta in etas]
            line, = ax.plot(etas, accuracy, marker=".", label=short(config), **line_style(config))
            for eta, value in zip(etas, accuracy):
                if any(r["history"]["diverged"] for r in by_eta[eta]):
                    ax.plot(eta, value, "x", color=line.get_color(), ms=8)
            chosen = config_of(data.runs[name])["eta"] if name in data.runs else None
            if chosen in by_eta:  # the eta the runs/ of this configuration trained with
                ax.plot(chosen, accuracy[etas.index(chosen)], "o", ms=10, mfc="none",
                        color=line.get_color())
        ax.set(xscale="log", ylim=(0, 100), xlabel="learning rate eta (log)",
               ylabel="validation accuracy (%)")
        ax.set_title(f"{depth_title(sizes)}, after {config['epochs']} epochs", fontsize=9)
    lines = {h.get_label(): h for ax in axes[0] for h in ax.get_legend_handles_labels()[0]}
    marks = [Line2D([], [], color="black", marker="o", ms=10, mfc="none", ls="none",
                    label="chosen eta"),
             Line2D([], [], color="black", marker="x", ms=8, ls="none", label="diverged")]
    figure_legend(fig, list(lines.values()) + marks)
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


def book_panel(ax, data, names, each=False):
    """Accuracy per epoch (on the split each run scores) of the book rows `names`, each with the
    book's figures, its float32 twin (thin) if there is one, and the test accuracy too where it
    was scored every epoch (ch6-softmax). `each`: also every seed, thin. Returns whether any of
    the rows had runs."""
    settled = []  # the mean curves after their first quarter, and the book's figures
    for k, name in enumerate(names):
        records = data.runs.get(name)
        if not records:
            continue
        colour, config = f"C{k}", config_of(records)
        line = series(ax, records, "evaluation_accuracy", f"{name} ({config['evaluate']})",
                      each=each, color=colour)
        settled += list(line.get_ydata()[len(line.get_ydata()) // 4:])
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
    # The first epochs' climb may run off the bottom: the comparison is in the settled part.
    low, high = np.nanmin(settled), max(np.nanmax(settled), ax.dataLim.y1)
    ax.set_ylim(low - 0.1 * (high - low), high + 0.05 * (high - low))
    ax.set(xlabel="epoch", ylabel="accuracy (%)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize=8)
    return True


def book_figure(data, panels, title, size=(10, 5.5), extra=0, each=False):
    """One `book_panel` per {panel title: row names}, then `extra` empty axes for the caller;
    Missing if no row has runs. Returns (figure, [axes])."""
    groups = present(data.runs, [n for names in panels.values() for n in names])
    seeds = seeds_text(groups) + (", thin lines = single seeds" if each else "")
    fig, axes = figure(1, len(panels) + extra, size, f"{title}\n({seeds})")
    for ax, (panel, names) in zip(axes[0], panels.items()):
        if not book_panel(ax, data, names, each):
            empty(ax)
        ax.set_title(panel, fontsize=10)
    return fig, list(axes[0])


def ch1_curves(data):
    return book_figure(data, {"chapter 1: quadratic cost, eta 3": ["ch1-30", "ch1-100"],
                              "chapter 1: eta too small / too large":
                                  ["ch1-eta-small", "ch1-eta-large"]},
                       "Chapter 1 networks: test accuracy per epoch", each=True)[0]


def ch3_curves(data):
    return book_figure(data, {"chapter 3: cross-entropy (+ L2), scored on test":
                                  ["ch3-ce-30", "ch3-ce-100", "ch3-l2-30"],
                              "chapter 3 L2 and chapter 6 softmax, on validation":
                                  ["ch3-l2-100", "ch3-98", "ch6-softmax"]},
                       "Chapters 3 and 6: accuracy per epoch", size=(10, 6))[0]


def init_comparison(data):
    return book_figure(data, {"[784, 30, 10]": ["ch3-init-30-large", "ch3-init-30-default"],
                              "[784, 100, 10]": ["ch3-init-100-large", "ch3-init-100-default"]},
                       "Chapter 3: large N(0,1) vs default N(0,1/n_in) weights, validation "
                       "accuracy per epoch")[0]


def overfitting(data):
    names = ["ch3-overfit", "ch3-overfit-l2"]
    runs = present(data.runs, names)
    fig, axes = figure(1, 2, (10, 4.5), "Chapter 3: 1,000 training images, 400 epochs "
                       f"({seeds_text(runs)})")
    for ax, name in zip(axes[0], names):
        records = runs.get(name)
        if records:
            for key, colour in (("training_accuracy", "C1"), ("evaluation_accuracy", "C0")):
                series(ax, records, key, key.split("_")[0].replace("evaluation", "test"),
                       color=colour)
            for note in book_notes(data, name):
                book_marker(ax, note, "C1" if note["measure"] == "final_training" else "C0",
                            config_of(records)["epochs"])
            ax.legend(loc="lower right", fontsize=8)
        else:
            empty(ax)
        ax.set(title=f"{name}: lmbda = {data.sweep.configurations[name].lmbda:g}",
               xlabel="epoch", ylabel="accuracy (%)")
    return fig


def depth(data):
    names = [f"ch5-depth-{k}" for k in range(1, 5)]
    fig, (left, right) = book_figure(data, {"validation accuracy per epoch": names},
                                     "Chapter 5: 1 to 4 hidden layers of 30 units", extra=1)
    for k, name in enumerate(names):
        if name not in data.runs:
            continue
        peak = spread([measure(r, "peak") for r in data.runs[name]])
        right.errorbar(k + 1, peak["mean"], [[peak["mean"] - peak["min"]],
                                             [peak["max"] - peak["mean"]]],
                       fmt="o", color=f"C{k}", capsize=4)
        for note in book_notes(data, name):
            right.plot(k + 1.15, note["value"], "*", ms=13, color=f"C{k}", mec="black")
    right.set(xticks=range(1, 5), xlabel="hidden layers", ylabel="peak validation accuracy (%)")
    right.set_title("peak accuracy: ours (error bar = min-max) and the book's", fontsize=10)
    right.legend(handles=[Line2D([], [], color="gray", marker="o", ls="none", label="ours"),
                          Line2D([], [], color="gray", marker="*", ms=13, mec="black", ls="none",
                                 label="book")], fontsize=8)
    return fig


def book_gradient_norms(data):
    names = ["ch5-depth-2", "ch5-depth-3", "ch5-depth-4"]
    runs = present(data.runs, names)
    fig, axes = figure(1, 2, (10, 4.5), "Chapter 5: bias-gradient norm ||dC/db|| per hidden "
                       f"layer ({seeds_text(runs)})")
    left, right = axes[0]
    for k, name in enumerate(names):
        if name not in runs:
            continue
        at_init = stack([r["diagnostics"]["bias_gradient_norms"][0] for r in runs[name]])
        layers = np.arange(1, at_init.shape[1] + 1)
        mean = at_init.mean(axis=0)
        left.errorbar(layers, mean, [mean - at_init.min(axis=0), at_init.max(axis=0) - mean],
                      marker="o", color=f"C{k}", capsize=3, label=f"{name}: ours")
        # The book gives per-layer values for 4 hidden layers only (book.toml's notes).
        for book in [n["value"] for n in data.sweep.notes[name]
                     if n["measure"] == "init_gradients"]:
            left.plot(np.arange(1, len(book) + 1), book, "*--", ms=11, color=f"C{k}",
                      mec="black", mew=0.6, linewidth=1, label=f"{name}: book")
    left.set(yscale="log", xticks=range(1, 5), xlabel="hidden layer (1 = next to the input)",
             ylabel="||dC/db|| at initialisation (log)")
    left.set_title("at initialisation, 1,000 training images", fontsize=10)
    left.legend(fontsize=8, loc="lower right")
    deepest = runs.get(names[-1])
    if deepest:
        for layer in range(len(config_of(deepest)["sizes"]) - 2):
            diagnostic(right, deepest, "bias_gradient_norms", layer, f"hidden layer {layer + 1}",
                       color=LAYER_COLOURS[layer])
        right.legend(fontsize=8)
    else:
        empty(right)
    right.set(yscale="log", xlabel="epoch (0 = initialisation)", ylabel="||dC/db|| (log)")
    right.set_title(f"{names[-1]} during training: per-layer speed of learning", fontsize=10)
    return fig


# ---------------------------------------------------------------- beyond the book

VARIANT_STYLES = {"relu": "-", "leaky_relu 0.01": "--", "leaky_relu 0.1": ":"}


def variant(config):
    """relu, or leaky_relu with its slope."""
    slope = f" {config['leaky_slope']:g}" if config["activation"] == "leaky_relu" else ""
    return config["activation"] + slope


def errorbar_line(ax, x, values, **style):
    """Mean over seeds at each x with min-max error bars; values is [[per seed] per x]."""
    mean = [np.nanmean(v) if np.isfinite(v).any() else np.nan for v in values]
    low = [m - np.nanmin(v) if np.isfinite(v).any() else 0 for m, v in zip(mean, values)]
    high = [np.nanmax(v) - m if np.isfinite(v).any() else 0 for m, v in zip(mean, values)]
    return ax.errorbar(x, mean, [low, high], capsize=3, marker="o", ms=4, **style)


def dead_vs_eta(data):
    """Dead units at the end and test accuracy against eta, per depth: colour init, style
    variant."""
    groups = {}
    for records in present(data.runs, list(data.sweep.configurations)).values():
        c = config_of(records)
        groups.setdefault(tuple(c["sizes"]), {}).setdefault((variant(c), c["init"]), []).append(
            (c["eta"], records))
    fig, axes = figure(len(groups), 2, (11, 3.8 * len(groups)),
                       f"Dead ReLUs against the learning rate (mean over "
                       f"{seed_count(data.runs)}, bars = min-max; dead units: diverged runs "
                       "left out)")
    for row, (sizes, lines) in zip(axes, groups.items()):
        for (name, init), points in lines.items():
            points.sort(key=lambda p: p[0])
            etas = [eta for eta, _ in points]
            style = {"color": INIT_COLOURS[init], "linestyle": VARIANT_STYLES[name],
                     "label": f"{name}, {INIT_LABELS[init]}"}
            # A diverged run's NaN weights make every unit look dead: left out here.
            dead = [np.array([100 * np.mean(r["diagnostics"]["dead_fraction"][-1]) for r in rs
                              if not r["history"]["diverged"]], dtype=float) for _, rs in points]
            errorbar_line(row[0], etas, dead, **style)
            errorbar_line(row[1], etas, [np.array([100 * r["test_accuracy"] for r in rs])
                                         for _, rs in points], **style)
        row[0].set(xscale="log", xlabel="eta (log)", ylabel="dead units at the end (%)",
                   title=depth_title(sizes))
        row[1].set(xscale="log", xlabel="eta (log)", ylabel="test accuracy (%)",
                   title=depth_title(sizes))
        side_legend(row[1])
    return fig


def vanishing_ratio(data):
    """First / last hidden layer gradient norm at initialisation against depth."""
    runs = present(data.runs, list(data.sweep.configurations))
    activations = list(dict.fromkeys(config_of(r)["activation"] for r in runs.values()))
    fig, axes = figure(1, len(activations), (3 * len(activations) + 1.5, 4),
                       "First / last hidden layer ||dC/db|| at initialisation "
                       f"(mean over {seed_count(runs)}, bars = min-max)", sharey=True)
    for ax, activation in zip(axes[0], activations):
        for init in used(INIT_COLOURS, data.sweep, "init"):
            chosen = [rs for rs in runs.values() if config_of(rs)["activation"] == activation
                      and config_of(rs)["init"] == init]
            chosen.sort(key=lambda rs: len(config_of(rs)["sizes"]))
            depths = [len(config_of(rs)["sizes"]) - 2 for rs in chosen]
            ratios = [np.array([gradient_ratio(r, 0) for r in rs]) for rs in chosen]
            errorbar_line(ax, depths, ratios, color=INIT_COLOURS[init], label=INIT_LABELS[init])
        ax.axhline(1, color="gray", lw=0.8)
        ax.set(yscale="log", xlabel="hidden layers", title=activation, xticks=range(1, 5))
    axes[0][0].set_ylabel("first / last layer (log; < 1: first learns slower)")
    side_legend(axes[0][-1])
    return fig


def vanishing_depth4(data):
    """Per-layer gradient norms during training for the 4-hidden-layer nets."""
    runs = {n: rs for n, rs in data.runs.items() if len(config_of(rs)["sizes"]) == 6}
    runs = present(runs, list(runs) or ["the 4-hidden-layer nets"])
    activations = list(dict.fromkeys(config_of(r)["activation"] for r in runs.values()))
    inits = used(INIT_LABELS, data.sweep, "init")
    fig, axes = figure(len(activations), len(inits), (11, 2.8 * len(activations)),
                       "4 hidden layers of 30: ||dC/db|| per layer during training "
                       f"({seeds_text(runs)})", sharey=True)
    for row, activation in zip(axes, activations):
        for ax, init in zip(row, inits):
            found = [rs for rs in runs.values() if config_of(rs)["activation"] == activation
                     and config_of(rs)["init"] == init]
            if not found:
                empty(ax)
                continue
            for layer in range(4):
                diagnostic(ax, found[0], "bias_gradient_norms", layer,
                           f"hidden layer {layer + 1}", color=LAYER_COLOURS[layer])
            ax.set(yscale="log", title=f"{activation}, {INIT_LABELS[init]}", xlabel="epoch")
    axes[0][0].set_ylabel("||dC/db|| (log)")
    side_legend(axes[0][-1])
    return fig


def fast98_curves(data):
    runs = present(data.runs, list(data.sweep.configurations))
    fig, axes = figure(1, 1, (10, 4.5), f"Validation accuracy per epoch ({seeds_text(runs)})")
    ax = axes[0][0]
    for name, records in runs.items():
        series(ax, records, "evaluation_accuracy", name)
    ax.axhline(98, color="black", lw=0.8, ls="--", label="98%")
    ax.set(xlabel="epoch", ylabel="validation accuracy (%)", ylim=(96, 98.6))
    side_legend(ax)
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
    """The best and worst reconstructed test images: original above, reconstruction below."""
    shown = record["reconstructions"]
    n = len(shown["best"]["error"])
    fig, axes = plt.subplots(4, n, figsize=(n * 1.1, 5), dpi=DPI)
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
    fig.suptitle(f"Best and worst reconstructions of test images (seed "
                 f"{record['config']['seeds'][0]})", fontsize=10)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- one-class MNIST (anomaly/one_class.json)

ONE_CLASS_METHODS = {"autoencoder": ("autoencoder", "tab:blue"), "pca": ("PCA", "tab:orange"),
                     "mean_distance": ("distance to mean image", "tab:green")}


def one_class_auc(record):
    """AUC per normal digit: the autoencoder (mean over seeds, min-max bar), the baselines,
    and the published Deep SVDD figures (another protocol: see the report)."""
    digits = np.arange(10)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=DPI)
    for i, (method, (label, colour)) in enumerate(ONE_CLASS_METHODS.items()):
        values = [record["auc"][method][str(d)] for d in digits]
        mean = np.array([np.mean(v) for v in values])
        bar = [mean - [min(v) for v in values], [max(v) for v in values] - mean]
        ax.errorbar(digits + 0.12 * (i - 1), mean, yerr=bar if len(values[0]) > 1 else None,
                    fmt="o", color=colour, capsize=2, ms=5,
                    label=f"{label} (mean {record['mean_auc'][method]:.3f})")
    for published, marker in zip(record["published"] or [], ("*", "x")):
        auc = np.array(published["auc_percent"]) / 100
        ax.plot(digits + 0.3, auc, marker, color="0.35", ms=7,
                label=f"{published['method']}, published (mean {auc.mean():.3f})")
    ax.set(xticks=digits, xlabel="normal digit (trained on it alone)",
           ylabel='test AUC of "not d" against d',
           title="One-class MNIST: AUC per digit")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def one_class_histograms(record):
    """Test scores of normal and anomalous images for the figure's digit, per method."""
    shown = record["figures"]
    fig, axes = plt.subplots(1, len(ONE_CLASS_METHODS), figsize=(11, 3.5), dpi=DPI)
    for ax, (method, (label, _)) in zip(axes, ONE_CLASS_METHODS.items()):
        h = shown["histograms"][method]
        for kind, colour in (("normal", "tab:blue"), ("anomalous", "tab:red")):
            counts = np.array(h[kind], dtype=float)
            ax.stairs(counts / counts.sum(), h["edges"], color=colour, fill=True, alpha=0.45,
                      label=f"{kind} ({int(counts.sum())})")
        ax.set(xlabel="score (mean squared error per pixel)", title=label)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("fraction of the images")
    fig.suptitle(f"Scores of the test images, normal digit {shown['digit']} "
                 f"(autoencoder seed {shown['seed']})", fontsize=10)
    fig.tight_layout()
    return fig


def one_class_reconstructions(record):
    """The autoencoder's best and worst reconstructed normal and anomalous test images."""
    shown = record["figures"]
    blocks = [(kind, which, shown["reconstructions"][kind][which])
              for kind in ("normal", "anomalous") for which in ("best", "worst")]
    n = len(blocks[0][2])
    fig, axes = plt.subplots(2 * len(blocks), n, figsize=(n * 1.1, 9.5), dpi=DPI)
    for b, (kind, which, images) in enumerate(blocks):
        for j, image in enumerate(images):
            for k, key in enumerate(("image", "reconstruction")):
                ax = axes[2 * b + k, j]
                ax.imshow(np.reshape(image[key], (28, 28)), cmap="gray_r", vmin=0, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if j == 0:
                    ax.set_ylabel(f"{kind} {which}\n{'rebuilt' if k else 'original'}",
                                  fontsize=7)
            axes[2 * b, j].set_title(f"{image['label']}: err {image['error']:.3f}", fontsize=7)
    fig.suptitle(f"Autoencoder for digit {shown['digit']} (seed {shown['seed']}): best and "
                 f"worst reconstructed test images", fontsize=10)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class Figure:
    draw: object   # Data -> matplotlib figure
    alt: str       # the alt text the report gives it
    record: str = ""  # a use case's record file it draws, if not <use case>.json


# Every figure, by sweep and file name, in the order the report shows them.
FIGURES = {
    "activation_init": {
        "validation_accuracy.png": Figure(validation_accuracy, "validation accuracy"),
        "test_accuracy.png": Figure(test_accuracy, "test accuracy"),
        "cost.png": Figure(cost, "training and validation cost"),
        "dead_units.png": Figure(dead_units, "dead units"),
        "gradient_norms.png": Figure(activation_gradient_norms, "per-layer gradient norms"),
        "eta_tuning.png": Figure(eta_tuning, "learning-rate tuning"),
    },
    "book": {
        "ch1_curves.png": Figure(ch1_curves, "chapter 1 learning curves"),
        "ch3_curves.png": Figure(ch3_curves, "chapter 3 learning curves"),
        "overfitting.png": Figure(overfitting, "overfitting with and without L2"),
        "init_comparison.png": Figure(init_comparison, "large vs default init"),
        "depth.png": Figure(depth, "depth comparison"),
        "gradient_norms.png": Figure(book_gradient_norms, "per-layer gradient norms"),
    },
    "dead_relu": {"dead_vs_eta.png": Figure(dead_vs_eta, "dead units against learning rate")},
    "vanishing_gradients": {
        "gradient_ratio.png": Figure(vanishing_ratio, "gradient ratio"),
        "gradient_norms_depth4.png": Figure(vanishing_depth4, "per-layer norms"),
    },
    "fast98": {"fast98.png": Figure(fast98_curves, "validation accuracy per epoch")},
    "regression": {"fit.png": Figure(regression_fit, "regression fit")},
    "anomaly": {"roc.png": Figure(anomaly_roc, "ROC curves"),
                "reconstructions.png": Figure(anomaly_reconstructions,
                                              "best and worst reconstructions"),
                "one_class_auc.png": Figure(one_class_auc, "one-class AUC per digit",
                                            "one_class.json"),
                "one_class_histograms.png": Figure(one_class_histograms,
                                                   "one-class score histograms",
                                                   "one_class.json"),
                "one_class_reconstructions.png": Figure(one_class_reconstructions,
                                                        "one-class reconstructions",
                                                        "one_class.json")},
}
USE_CASES = ("regression", "anomaly")  # one record, <name>/<name>.json, instead of runs


def markdown(name, record=""):
    """The Markdown image lines of the figures of `name` (of a use case: those drawn from
    `record`, "" for <name>.json), for the report."""
    return "".join(f"![{figure.alt}]({name}/{file})\n" for file, figure in FIGURES[name].items()
                   if figure.record == record)


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
