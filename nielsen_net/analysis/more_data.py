"""Chapter 3's more-data figure: our net's validation accuracy at each training-set size against
the SVM's, and the book's claim that the net is ahead at every size.

A size's nets (one per seed) are compared with the SVM's single number (libsvm is
deterministic) by Welch's interval with the SVM as a constant, i.e. the one-sample t interval of
ours minus it. The book's claim holds at a size when that interval lies above 0.

Left out: training (scripts/more_data.py) and any wording (nielsen_net.report.more_data).
"""

from .measures import spread
from .stats import decide, welch


def by_size(record):
    """[{size, epochs, nets (validation %, by seed), spread (of nets), svm (% or None),
    comparison (ours - the SVM: Welch with its word; None without an SVM fit or two nets)}],
    by increasing size."""
    svm = {r["size"]: 100 * r["validation_accuracy"] for r in record["svm"]}
    rows = []
    for size in sorted({r["size"] for r in record["nets"]}):
        runs = sorted((r for r in record["nets"] if r["size"] == size), key=lambda r: r["seed"])
        nets = [100 * r["validation_accuracy"] for r in runs]
        comparison = None
        if size in svm and len(nets) > 1:
            result = welch(nets, [svm[size]])
            comparison = result | {"word": decide(result["lo"], result["hi"])}
        rows.append({"size": size, "epochs": runs[0]["epochs"], "nets": nets,
                     "spread": spread(nets), "svm": svm.get(size), "comparison": comparison})
    return rows


def ahead_of_svm(rows):
    """(sizes where our nets are higher than the SVM, sizes compared)."""
    compared = [r for r in rows if r["comparison"]]
    return [r["size"] for r in compared if r["comparison"]["word"] == "higher"], \
        [r["size"] for r in compared]
