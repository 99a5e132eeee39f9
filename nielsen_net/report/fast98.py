"""The fastest way to 98%: training methods ranked by epochs to the target, figure and report.

Left out: the ranking and its rules (nielsen_net.analysis.fast98).
"""

import numpy as np

from ..analysis.fast98 import (TARGET, against_runner_up, most_often, ranked_by_epochs, reaching,
                               same_settings)
from ..analysis.measures import numbers, summary
from ..experiments.sweeps import load_sweep
from ..paths import SWEEPS
from .drawing import (COLOURS, MARKERS, figure, figure_legend, legend_handles, nth, present,
                      seeds_text, series)
from .markdown import Figure, pm, table

TITLE = "The fastest way to 98%"


def fast98_curves(data):
    """Validation accuracy per epoch and per second of training, and both costs per epoch. A
    configuration with the same settings as an earlier one (`same_settings`) ran the same runs:
    it is drawn once, under both names."""
    runs = present(data.runs, list(data.sweep.configurations))
    repeats = {}
    for first, later in same_settings(runs):
        repeats.setdefault(first, []).append(later)
    drawn = {name: records for name, records in runs.items()
             if not any(name in later for later in repeats.values())}
    fig, axes = figure(2, 2, (13, 8), f"The fastest way to 98% ({seeds_text(drawn)})")
    (by_epoch, by_time), (training, scored) = axes
    for k, (name, records) in enumerate(drawn.items()):
        style = {"color": nth(COLOURS, k), "marker": nth(MARKERS, k)}
        if name in repeats:
            name = " = ".join([name, *repeats[name]]) + "\n(same settings: the same runs)"
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
        ax.set(yscale="log", xlabel="epoch", ylabel=f"{split} cost (log)",
               title=f"{split} cost, as trained (L2 term included)")
    figure_legend(fig, legend_handles(axes))
    return fig


FIGURES = {
    "fast98.png": Figure(
        fast98_curves, "accuracy per epoch and per second, cost",
        "which training method reaches 98% in the fewest epochs, and in how many seconds"),
}


def book_words():
    """The book's best fully connected result, from the book sweep: 'against the book's ...'."""
    book = load_sweep("book", SWEEPS)
    value = book.notes["ch3-98"][0]["value"]
    return (f"against the book's {book.configurations['ch3-98'].epochs} epochs for "
            f"{value:g}% (row ch3-98)")


def none_reached_words(reached, runs):
    """The negative result, in words, when no configuration of {configuration: `reaching`}
    reached TARGET in every seed: which came closest (`most_often`)."""
    ties, others = most_often(reached)
    epochs = max(r["config"]["epochs"] for records in runs.values() for r in records)
    if not ties:
        return (f"**No configuration reached {100 * TARGET:g}% validation accuracy in any seed "
                f"within {epochs} epochs** (a negative result).")
    rest = [f"{n} ({reached[n]['reached']} of {reached[n]['n']})" for n in others]
    return (f"**No configuration reached {100 * TARGET:g}% validation accuracy in every seed "
            f"within {epochs} epochs** (a negative result), so none is ranked. Most often: "
            + ", ".join(f"**{n}**, {reached[n]['reached']} of {reached[n]['n']} seeds after "
                        f"{reached[n]['epochs']['mean']:.1f} epochs on average" for n in ties)
            + (f"; then {', '.join(rest)}" if rest else "")
            + ".")


def body(results, runs, sweep):
    rows, reached = [], {}
    for name, records in runs.items():
        c, s = records[0]["config"], summary(records)
        r = reached[name] = reaching(records, TARGET)
        schedule = f"halve on no improvement in {c['no_improvement_in']}" if c["halve_eta"] \
            else "none"
        rows.append((name, f"{c['eta']:g}", f"{c['mu']:g}", c["mini_batch_size"], schedule,
                     f"{r['reached']} of {r['n']}",
                     pm(r["epochs"], 1) if r["reached"] else "never",
                     pm(s["peak"]), pm(s["test"])))
    ranked = ranked_by_epochs(reached)
    finding = ""
    if ranked:
        best = ranked[0]
        e = reached[best]["epochs"]
        finding = (f"\nRanked by epochs (seconds depend on what else shares the cores; the "
                   f"benchmark below times epochs on idle cores): every seed of **{best}** "
                   f"reached {100 * TARGET:g}% validation accuracy, after {e['mean']:.1f} epochs "
                   f"on average ({e['min']:.0f}-{e['max']:.0f}), {book_words()}.")
        if len(ranked) > 1:
            c = against_runner_up(runs, reached, ranked)
            finding += (f" Against the runner-up, **{ranked[1]}**, it saves "
                        f"{c['difference']:.1f} epochs (95% interval {c['lo']:.1f} to "
                        f"{c['hi']:.1f}, Welch): "
                        + ("fewer epochs." if c["word"] == "higher" else
                           "not distinguishable." if c["word"] == "not distinguishable" else
                           "more epochs.") if c else
                        f" The runner-up is **{ranked[1]}** (too few seeds or no spread for an "
                        f"interval).")
        finding += "\n"
    elif reached:
        finding = "\n" + none_reached_words(reached, runs) + "\n"
    return (table(["configuration", "eta", "mu", "mini-batch", "schedule", "seeds reaching 98%",
                     "epochs to 98%", "peak validation %", "test % (after training)"], rows)
            + finding + same_runs_words(runs) + "\n")


def same_runs_words(runs):
    """A sentence for each configuration whose runs have the same settings as an earlier
    one's (`same_settings`): its rows repeat, by determinism."""
    words = [f"**{b}** has the same settings as **{a}** (eta {runs[b][0]['config']['eta']:g} "
             f"in both), so the same seeds gave the same runs and its row repeats **{a}**'s.\n"
             for a, b in same_settings(runs)]
    return "\n" + "".join(words) if words else ""
