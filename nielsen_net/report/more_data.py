"""Chapter 3's more-data figure (`make more_data`): its figure and report section.

Left out: the comparisons with the SVM (nielsen_net.analysis.more_data).
"""

from ..analysis.more_data import ahead_of_svm, by_size
from .drawing import COLOURS, errorbar_line, figure
from .markdown import NOT_RUN, Figure, image_lines, pm, table, use_case


def accuracy_by_size(record):
    """Validation accuracy against the training-set size (log scale): our nets' mean with
    their min-max and every seed, the SVM's one fit."""
    rows = by_size(record)
    fig, axes = figure(1, 1, (8, 5), "Chapter 3's more-data figure: validation accuracy "
                       "against training-set size")
    ax = axes[0][0]
    ax.set_xscale("log")  # before errorbar_line, which sets the seeds beside by the scale
    errorbar_line(ax, [r["size"] for r in rows], [r["nets"] for r in rows], marker="o",
                  color=COLOURS[0], label=f"our {record['config']['network']['sizes']} net "
                  f"({len(record['config']['seeds'])} seeds; points = seeds)")
    fitted = [r for r in rows if r["svm"] is not None]
    if fitted:
        ax.plot([r["size"] for r in fitted], [r["svm"] for r in fitted], "s--",
                color=COLOURS[1], label="SVM, SVC(gamma='auto'): one deterministic fit")
    ax.set(xlabel="training images (log scale)",
           ylabel="validation accuracy after training (%)")
    ax.legend(loc="lower right")
    return fig


FIGURES = {"accuracy.png": Figure(
    accuracy_by_size, "validation accuracy against training-set size",
    "how much each tenfold of training data buys, and whether the net stays ahead of the SVM "
    "at every size")}


def section(results):
    head, record = use_case(results, "more_data", "Chapter 3: more training data")
    if record is None:
        return head + NOT_RUN
    c, rows = record["config"], by_size(record)
    lines = []
    for r in rows:
        k = r["comparison"]
        lines.append((f"{r['size']:,}", f"{r['epochs']:,}",
                      f"{pm(r['spread'])} ({r['spread']['n']})",
                      "not fitted" if r["svm"] is None else f"{r['svm']:.2f}",
                      f"{k['difference']:+.2f} [{k['lo']:+.2f}, {k['hi']:+.2f}]: {k['word']}"
                      if k else ""))
    ahead, compared = ahead_of_svm(rows)
    behind = [s for s in compared if s not in ahead]
    verdict = ("The book finds its network ahead of the SVM at every training-set size. "
               f"Ours is higher than the SVM at {len(ahead)} of the {len(compared)} sizes "
               "compared" + (": the claim holds here." if compared and not behind else
                            f"; not at {', '.join(f'{s:,}' for s in behind)}." if behind
                            else "."))
    return (head + f"The book's more_data.py: a {c['network']['sizes']} cross-entropy net, "
            f"large N(0,1) init, on the first n training images for {c['examples']:,} / n "
            f"epochs (the same number of examples at every size), mini-batch "
            f"{c['mini_batch_size']}, eta {c['eta']:g}, lmbda = {c['lmbda_per_image']:g} n; "
            f"beside it scikit-learn's {c['svm']} on the same images "
            f"(scikit-learn {record['scikit_learn'] or 'absent: not fitted'}). Scored on the "
            "10,000 validation images after training; the test set is never scored. Ours minus "
            "the SVM: the one-sample 95% t interval over the seeds (the SVM is one "
            "deterministic number).\n\n"
            + table(["training images", "epochs", "our net, validation % (seeds)", "SVM %",
                     "ours - SVM [95% interval]"], lines)
            + "\n" + verdict + "\n" + image_lines(results, "more_data", FIGURES)
            + "\nRegenerate: `make more_data`, then `make plots report`.\n")
