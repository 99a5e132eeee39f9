"""Chapter 6's ladder: each row judged by the one rule, the book's own best-of-3 beside it, and
the vote of the dropout nets.

A row's figure is the test accuracy at the epoch of best validation accuracy (network3's score).
The book ran each row a few times and reported the best run; `best_of` is that procedure on our
first seeds, shown beside the verdict, never instead of it. `vote` is the book's ensemble: every
net predicts each test image and the digit most of them chose wins.

Left out: the rule itself (`verdicts`) and any wording (nielsen_net.report.conv).
"""

import numpy as np

from .measures import best_epoch, measure, spread
from .verdicts import book_row

BOOK_RUNS = 3      # how many runs the book took the best of
VOTERS = 5         # how many dropout nets the book let vote
CLASSES = 10


def best_of(values, k=BOOK_RUNS):
    """The book's procedure: the best of the first `k` values (seeds in order); None with fewer
    than k."""
    values = [v for v in values[:k] if np.isfinite(v)]
    return max(values) if len(values) == k else None


def ladder_row(check, records, runs):
    """What the report states of one rung: the verdict of `book_row` (on the check's measure),
    the best of 3, the mean 1-based epoch of the best validation accuracy, the seeds and the
    mean wall time per run (s)."""
    values = [measure(r, check["measure"]) for r in records]
    return book_row(check, records, runs) | {
        "best_of": best_of(values),
        "best_epoch": spread([best_epoch(r) for r in records]),
        "seeds": [r["config"]["seed"] for r in records],
        "wall": float(np.mean([r["seconds"]["wall"] for r in records])),
    }


def vote(predictions):
    """The digit each test image gets most votes for, over nets (rows of `predictions`, in seed
    order). A tie goes to the first net's choice if it is among the tied digits, else to the
    lowest tied digit."""
    predictions = np.asarray(predictions)
    images = np.arange(predictions.shape[1])
    counts = np.zeros((predictions.shape[1], CLASSES))
    for net in predictions:
        np.add.at(counts, (images, net), 1.0)
    counts[images, predictions[0]] += 0.5  # less than one vote: decides ties only
    return counts.argmax(axis=1)


def ensemble(records, labels):
    """The vote of the first VOTERS records with test predictions (None until there are that
    many): {accuracy, members (each net's own test accuracy), seeds, confusion (rows: true
    digit), wrong (indices of the misclassified test images), wrong_labels, wrong_votes},
    accuracies in percent."""
    voters = [r for r in records if r.get("test_predictions") is not None][:VOTERS]
    if len(voters) < VOTERS:
        return None
    labels = np.asarray(labels)
    chosen = vote([r["test_predictions"] for r in voters])
    confusion = np.bincount(labels * CLASSES + chosen, minlength=CLASSES ** 2)
    wrong = np.flatnonzero(chosen != labels)
    return {"accuracy": 100 * float(np.mean(chosen == labels)),
            "members": [100 * float(np.mean(np.asarray(r["test_predictions"]) == labels))
                        for r in voters],
            "seeds": [r["config"]["seed"] for r in voters],
            "confusion": confusion.reshape(CLASSES, CLASSES).tolist(),
            "wrong": wrong.tolist(), "wrong_labels": labels[wrong].tolist(),
            "wrong_votes": chosen[wrong].tolist()}
