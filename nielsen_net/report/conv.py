"""Chapter 6's section: the ladder against the book row by row, what we take from network3 and
where we depart, the vote of the dropout nets, and the figures (curves, filters, the vote's
confusion matrix and mistakes).

Left out: the findings (nielsen_net.analysis.ladder) and the vote's record (scripts/ensemble.py
writes <results>/conv/ensemble.json from the dropout runs' test predictions).
"""

import numpy as np

from ..analysis.ladder import BOOK_RUNS, VOTERS, ladder_row
from ..analysis.verdicts import mode_label
from ..experiments.records import read_if_present
from .book import bound
from .drawing import (COLOURS, Missing, empty, figure, plt, present, seeds_text, series, zoom)
from .markdown import Figure, pm, table

TITLE = "Chapter 6: the convolutional ladder"
ENSEMBLE = "ensemble.json"  # the vote's record, in the sweep's folder
BOOK_VOTE = 99.67           # the book's vote of 5 dropout nets (chapter 6)

NETWORK3 = """How this follows the book's network3.py, and where it departs:

- Followed: weights N(0, 1/n_out) with n_out = filters x 25 / 4 for a convolutional layer
  (network3's count after pooling), biases N(0, 1), the softmax layer's weights and biases at
  zero; valid 5x5 convolutions, 2x2 max-pooling, bias and activation after pooling; the cost the
  mean log-likelihood plus 0.5 lmbda sum ||w||^2 / (number of training mini-batches); dropout on
  the inputs of every fully connected and the softmax layer without rescaling in training, and
  those inputs scaled by (1 - p) at test; mini-batch 10; the score is the test accuracy at the
  epoch of best validation accuracy; the expanded set is each training image and its one-pixel
  shifts down, up, right and left (250,000 images).
- Departed: the training images are shuffled every epoch (network3 keeps one order); a tie for
  the best validation accuracy is scored at its first epoch (network3 keeps the last); the vote
  uses each dropout net as it ends training (the book does not say which epoch's net voted);
  float32 throughout, as network3 on a GPU; every row runs over several seeds.
"""


def net_words(config):
    """A rung's net in the book's terms, e.g. 'conv20, conv40, fc100; ReLU, eta 0.03'."""
    c = config
    words = [", ".join(c["layers"]) + ", softmax", c["activation"], f"eta {c['eta']:g}"]
    words += [f"lmbda {c['lmbda']:g}"] * bool(c["lmbda"])
    words += [f"dropout {c['dropout']:g}"] * bool(c["dropout"])
    words += ["expanded data"] * c["expanded"] + [f"{c['epochs']} epochs"]
    return "; ".join(words)


def rung(check, row):
    """[row, net, book, ours, best epoch, interval, verdict, best of 3, minutes] of one rung."""
    ours, epoch = row["ours"], row["best_epoch"]
    if row["interval"] is None:
        interval = f"{row['n']} run" + ("" if row["mode"] is None
                                        else f" ({mode_label(row['mode'])})")
    else:
        interval = " to ".join(bound(x, check["value"]) for x in row["interval"])
    best = "n/a" if row["best_of"] is None else f"{row['best_of']:.2f}"
    value = f"{pm(ours)} ({ours['n']})" if ours["n"] > 1 else f"{ours['mean']:.2f} (1)"
    return [check["row"], f"{check['value']:.2f}", value,
            f"{epoch['mean']:.0f}", interval, row["verdict"], best,
            f"{row['wall'] / 60:.0f}"]


def body(results, runs, sweep):
    rows, nets = [], []
    for name, checks in sweep.notes.items():
        for check in checks:
            records = runs.get(name)
            if records is None:
                rows.append([check["row"], f"{check['value']:.2f}", "not run yet", "", "", "",
                             "", ""])
                continue
            rows.append(rung(check, ladder_row(check, records, runs)))
            nets.append(f"- **{check['row']}**: {net_words(records[0]['config'])}; seeds "
                        + ", ".join(str(r["config"]["seed"]) for r in records) + ".")
    header = ["row", "book", "ours: test at best validation, mean ± sd (seeds)",
              "best epoch (mean)", "95% interval for one run of ours", "verdict",
              f"best of {BOOK_RUNS} (the book's procedure)", "minutes per run"]
    return ("The verdict is the report's one rule (a book number inside the 95% prediction "
            "interval of our seeds is *reproduced*); beside it, the book's own procedure, "
            f"the best of our first {BOOK_RUNS} seeds (n/a with fewer). Minutes per run are one "
            "core's wall time, two runs sharing the machine.\n\n"
            + table(header, rows) + "\n" + "\n".join(nets) + "\n\n"
            + vote_section(results) + "\n" + NETWORK3 + "\n")


def vote_section(results):
    record = read_if_present(results / "conv" / ENSEMBLE)
    if record is None:
        return (f"**The vote of {VOTERS} dropout nets** (book: {BOOK_VOTE:.2f}%): not counted "
                f"yet; it needs {VOTERS} finished ch6-dropout runs, then "
                "`scripts/ensemble.py`.\n")
    members = record["members"]
    return (f"**The vote of {VOTERS} dropout nets** (seeds "
            + ", ".join(map(str, record["seeds"])) + f"): {record['accuracy']:.2f}% on the "
            f"test set (book: {BOOK_VOTE:.2f}%), against {min(members):.2f}-{max(members):.2f}% "
            f"for its members alone; {len(record['wrong'])} of 10,000 test images wrong. A "
            "single vote, so no interval: it is a number beside the book's, not a verdict.\n")


# ----- figures -----------------------------------------------------------------------------------

def ladder_curves(data):
    """Per rung: validation and test accuracy per epoch with the book's number, and the training
    cost (on the first 10,000 training images) beside it."""
    names = list(data.sweep.configurations)
    runs = present(data.runs, names)
    fig, axes = figure(len(names), 2, (11, 2.6 * len(names)),
                       f"Chapter 6 ladder ({seeds_text(runs)})")
    for (accuracy, cost), name in zip(axes, names):
        if name not in runs:
            empty(accuracy, f"{name}: no runs yet")
            empty(cost)
            continue
        records, book = runs[name], data.sweep.notes[name][0]["value"]
        series(accuracy, records, "evaluation_accuracy", "validation", color=COLOURS[0])
        test = np.array([r["test_accuracy_per_epoch"] for r in records], dtype=float)
        accuracy.plot(np.arange(1, test.shape[1] + 1), 100 * test.mean(axis=0),
                      color=COLOURS[1], linestyle="--", linewidth=1, label="test", gid="test")
        accuracy.axhline(book, color="black", linestyle=":", linewidth=1,
                         label=f"book {book:.2f}%")
        zoom(accuracy, [book, *(100 * test.max(axis=1))])
        accuracy.set(title=name, ylabel="accuracy (%)")
        accuracy.legend(loc="lower right", fontsize="small")
        series(cost, records, "training_cost", "training cost", color=COLOURS[2])
        cost.set(title=f"{name}: cost as trained (with the L2 term)", yscale="log")
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    return fig


def filters(data):
    """The learned 5x5 filters of the first convolutional layer, one row per rung that has one
    (its first seed's record with filters)."""
    found = {name: next((r for r in records if "first_layer_filters" in r), None)
             for name, records in data.runs.items()}
    found = {name: r for name, r in found.items() if r is not None}
    if not found:
        raise Missing("no record with first-layer filters yet")
    count = max(len(r["first_layer_filters"]) for r in found.values())
    fig, axes = figure(len(found), count, (count * 0.7, 1.1 * len(found) + 0.6),
                       "Learned first-layer filters (dark: positive weight)")
    for row, (name, record) in zip(axes, found.items()):
        for ax, w in zip(row, record["first_layer_filters"]):
            ax.imshow(np.asarray(w), cmap="gray_r")
        row[0].set_ylabel(f"{name}\nseed {record['config']['seed']}", fontsize="small")
        for ax in row:
            ax.set(xticks=[], yticks=[])
    return fig


def vote_figure(data):
    """The vote's confusion matrix and every test image it gets wrong."""
    record = read_if_present(data.folder / ENSEMBLE)
    if record is None:
        raise Missing(f"no {ENSEMBLE} yet (scripts/ensemble.py writes it)")
    wrong, cols = record["wrong"], 10
    rows = max(1, -(-len(wrong) // cols))
    fig = plt.figure(figsize=(12, 6 + 1.3 * rows), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[6, 1.3 * rows])
    ax = top.subplots()
    confusion = np.asarray(record["confusion"])
    shade = np.log1p(confusion)
    ax.imshow(shade, cmap="Blues")
    ax.grid(False)
    for (i, j), n in np.ndenumerate(confusion):
        ax.text(j, i, n, ha="center", va="center", fontsize=8,
                color="white" if shade[i, j] > shade.max() / 2 else "black")
    ax.set(xlabel="the vote's digit", ylabel="true digit", xticks=range(10), yticks=range(10),
           title=f"Vote of {len(record['seeds'])} dropout nets: {record['accuracy']:.2f}%, "
           f"{len(wrong)} test images wrong (below: true digit as voted digit)")
    cells = bottom.subplots(rows, cols, squeeze=False).flat
    for ax, image, label, voted in zip(cells, record["wrong_images"], record["wrong_labels"],
                                       record["wrong_votes"]):
        ax.imshow(np.asarray(image).reshape(28, 28), cmap="gray_r", vmin=0, vmax=255)
        ax.set_title(f"{label} as {voted}", fontsize=7)
    for ax in bottom.axes:
        ax.set(xticks=[], yticks=[])
        ax.set_frame_on(bool(ax.images))
    return fig


FIGURES = {
    "curves.png": Figure(
        ladder_curves, "chapter 6 learning curves",
        "each rung of the ladder epoch by epoch, validation and test accuracy against the "
        "book's number, and the cost as trained"),
    "filters.png": Figure(
        filters, "learned first-layer filters",
        "what the first convolutional layer's 5x5 filters learned, per rung"),
    "vote.png": Figure(
        vote_figure, "the dropout nets' vote",
        "the vote of the dropout nets: its confusion matrix and every test image it gets wrong"),
}
