"""The book study's figures: each book row against the book's numbers, per epoch.

Which rows a figure draws, and in which panel, the sweep file says: its [panels] table, under
the figure's file name (`rows`). A row's float32 twin is the configuration whose `book` notes
repeat the row's with `float32 = true`.

Left out: the verdicts (`book` and nielsen_net.analysis.verdicts).
"""

import numpy as np
from matplotlib.lines import Line2D

from ..analysis.measures import curve, measure, spread, stack
from ..analysis.verdicts import LEARNED_ALL, mode, mode_label, modes, unlearned_digits
from .drawing import (COLOURS, LAYER_STYLES, MARKERS, Missing, band, config_of, empty, figure,
                      full_range_inset, layer_norms, log_axis, nth, present, seed_count,
                      seed_points, seeds_text, series)

# Where a book figure sits on an accuracy-vs-epoch axis: None = a level (dashed line),
# "first"/"last" = a point at that epoch (star). Other measures are not on such an axis.
BOOK_EPOCH = {"peak": None, "test_at_best_validation": None, "final": "last",
              "final_training": "last", "epoch1": "first"}
RELATION = {"approx": "", "above": "> ", "below": "< "}


def rows(data, figure):
    """The rows the sweep file names for `figure` ([panels.<figure>]): a list, or {panel title:
    list}; Missing if it names none."""
    if figure not in data.sweep.panels:
        raise Missing(f"the sweep file names no rows for it ([panels] {figure})")
    return data.sweep.panels[figure]


def float32_twin(data, name):
    """The records of row `name` rerun in float32 (see the module docstring), or None."""
    twins = [other for other, notes in data.sweep.notes.items()
             if any(n.get("float32") and n["row"] == name for n in notes)]
    return data.runs.get(twins[0]) if twins else None


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
        twin = float32_twin(data, name)
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


def book_figure(data, panels, title, size=(11, 10)):
    """One `book_panel` per {panel title: row names}, accuracy above and cost below; Missing if
    no row has runs."""
    groups = present(data.runs, [n for names in panels.values() for n in names])
    known = any(r.get("test_confusion") is not None for rs in groups.values() for r in rs)
    modes_note = "" if known else "; these records hold no test confusion, so no modes"
    fig, axes = figure(2, len(panels), size,
                       f"{title}\n({seeds_text(groups)}{modes_note})")
    for ax, cost_ax, (panel, names) in zip(axes[0], axes[1], panels.items()):
        if not book_panel(ax, cost_ax, data, names):
            empty(ax)
            empty(cost_ax)
        ax.set_title(f"{panel}: accuracy")
        cost_ax.set_title(f"{panel}: cost as trained")
    return fig


def ch1_curves(data):
    return book_figure(data, rows(data, "ch1_curves"), "Chapter 1 networks: test accuracy and "
                       "cost per epoch, one line per mode of runs")


def ch3_curves(data):
    return book_figure(data, rows(data, "ch3_curves"),
                       "Chapters 3 and 6: accuracy and cost per epoch", size=(11, 11))


def init_comparison(data):
    return book_figure(data, rows(data, "init_comparison"), "Chapter 3: large N(0,1) vs "
                       "default N(0,1/n_in) weights, validation accuracy and cost per epoch")


def overfitting(data):
    """The book's four chapter 3 panels per run: training cost, test cost, test accuracy,
    training accuracy; without L2 the test cost turns up while the test accuracy stalls."""
    names = rows(data, "overfitting")
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
    """Validation accuracy and cost per epoch (`book_panel`) beside each depth's peak against
    the book's, in one row."""
    names = rows(data, "depth")
    runs = present(data.runs, names)
    fig, axes = figure(1, 3, (17, 6.5), "Chapter 5: 1 to 4 hidden layers of 30 units\n"
                       f"({seeds_text(runs)})")
    accuracy, cost, right = axes[0]
    book_panel(accuracy, cost, data, names)
    accuracy.set_title("validation accuracy per epoch")
    cost.set_title("cost as trained, per epoch")
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
    right.set_title("peak accuracy per depth, ours and the book's\n"
                    "(error bar = min-max, points = seeds)")
    right.legend(handles=[Line2D([], [], color="gray", marker="o", ls="none", label="ours"),
                          Line2D([], [], color="gray", marker="*", ms=13, mec="black", ls="none",
                                 label="book")])
    return fig


def book_gradient_norms(data):
    names = rows(data, "gradient_norms")
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
    """Row-normalised test confusion matrices of two seeds of the row [panels] names: the first
    with the most unlearned digits and the first that learned every digit."""
    name, = rows(data, "confusion")
    records = [r for r in present(data.runs, [name])[name]
               if r.get("test_confusion") is not None]
    if not records:
        raise Missing(f"the {name} records hold no test_confusion (made before it was "
                      "recorded): re-run the book sweep to draw it")
    collapsed = max(records, key=unlearned_digits)
    learned = [r for r in records if unlearned_digits(r) == LEARNED_ALL]
    if unlearned_digits(collapsed) == LEARNED_ALL or not learned:
        raise Missing(f"{name} has no collapsed seed and a successful one to set side by side")
    fig, axes = figure(1, 2, (11, 5), f"{name}: test confusion matrices, % of each true digit "
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


def eta_cost(data):
    """Chapter 3's learning-rate figure: the training cost (as trained, with its L2 term) per
    epoch at each learning rate of the rows [panels] names, linear as the book draws it and on a
    log scale, where the oscillations of the large rate show."""
    names = rows(data, "eta_cost")
    runs = present(data.runs, names)
    if not runs:
        raise Missing(f"no runs of {', '.join(names)} yet")
    fig, axes = figure(1, 2, (12, 4.8), "Chapter 3: training cost per epoch at three learning "
                       f"rates ({seeds_text(runs)})")
    for ax, scale in zip(axes[0], ("linear", "log")):
        for k, name in enumerate(names):
            if name in runs:
                series(ax, runs[name], "training_cost",
                       f"eta {config_of(runs[name])['eta']:g}", color=nth(COLOURS, k),
                       marker=nth(MARKERS, k))
        ax.set(yscale=scale, xlabel="epoch", ylabel="training cost as trained")
        ax.set_title(f"{scale} scale (line = mean, band = min-max, thin = seeds)")
        ax.legend()
    return fig


def learning_speed(data):
    """Chapter 5's learning-speed figures: each hidden layer's ||dC/db|| on the 1,000 training
    images at every epoch of batch gradient descent, one panel per row [panels] names."""
    names = rows(data, "learning_speed")
    runs = present(data.runs, names)
    if not runs:
        raise Missing(f"no runs of {', '.join(names)} yet")
    fig, axes = figure(1, len(names), (5 * len(names), 4.6), "Chapter 5: speed of learning "
                       f"per hidden layer during training ({seeds_text(runs)})")
    for ax, name in zip(axes[0], names):
        if name not in runs:
            empty(ax)
            continue
        config = config_of(runs[name])
        layer_norms(ax, runs[name], len(config["sizes"]) - 2)
        ax.set(xlabel="epoch (0 = initialisation)", ylabel="||dC/db||")
        ax.set_title(f"{name}: {config['sizes']}")
        ax.legend(loc="upper right")
    return fig
