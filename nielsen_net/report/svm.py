"""The book's SVM baseline (chapter 1), as a report paragraph."""

from ..experiments.records import read_if_present


def section(results):
    d = read_if_present(results / "baseline_svm.json")
    if d is None:
        return ""
    book, today = d["fits"]
    gap = book["correct"] - d["book_images"]
    return ("## The SVM baseline (`make svm`)\n\n"
            f"scikit-learn {d['scikit_learn']}'s `SVC` at its defaults, fitted on the "
            f"first {d['config']['training_images']:,} training images as the book's "
            f"mnist_svm.py does: with the book's gamma = 1/784 (`gamma=\"auto\"`, the default "
            f"when the book ran it) {book['correct']:,} of {book['total']:,} test images, "
            f"{100 * book['accuracy']:.2f}% (the book: {d['book_percent']}%, "
            + ("the same count" if gap == 0 else f"{gap:+d} images") + "); with today's "
            f"default (`gamma=\"scale\"`) {100 * today['accuracy']:.2f}%. libsvm's solver is "
            "deterministic, so each is one number, not a distribution; pixels here are x/255 in "
            "float64, the book's pickle holds float32.\n")
