"""The book's average-darkness baseline, as a report paragraph.
"""


from ..experiments.records import read_if_present


def section(results):
    d = read_if_present(results / "baseline_darkness.json")
    if d is None:
        return ""
    return ("## The darkness baseline (`make baseline`)\n\n"
            f"Guessing the digit whose average darkness is closest: {d['correct']:,} of "
            f"{d['total']:,} test images, {100 * d['accuracy']:.2f}% (the book: "
            f"{d['book_percent']}%). {d['note']}\n")
