"""The book study's report section: every check of the book against our seeds, the chapter 3
offset, our implementation against the book's algorithm, and the float32 reruns.

Left out: the verdict rule, the offset and the comparisons themselves
(nielsen_net.analysis.verdicts) and the figures (`book_figures`).
"""

from ..analysis.measures import measure, spread
from ..analysis.stats import binomial_error
from ..analysis.verdicts import (UNLEARNED, book_row, chapter3_offset, implementation_comparisons,
                                 mode_label)
from .book_figures import (book_gradient_norms, ch1_curves, ch3_curves, confusion_matrices, depth,
                           init_comparison, overfitting)
from .markdown import Figure, pm, table

TITLE = "Reproducing the book"


INIT_NAMES = {"gaussian": "large init N(0,1)", "scaled_gaussian": "default init N(0,1/n_in)",
              "he": "He init", "xavier": "Xavier init"}
COST_NAMES = {"quadratic": "quadratic cost", "cross_entropy": "cross-entropy",
              "log_likelihood": "softmax + log-likelihood"}


FIGURES = {
    "ch1_curves.png": Figure(
        ch1_curves, "chapter 1 accuracy and cost",
        "the chapter 1 runs seed by seed, one line per mode (every digit learned, or "
        "some never): which seeds stall far below the book's number, and their cost"),
    "confusion.png": Figure(
        confusion_matrices, "confusion matrices of two ch1-100 seeds",
        "which digits a collapsed ch1-100 seed never learns, beside a seed that learns all"),
    "ch3_curves.png": Figure(
        ch3_curves, "chapter 3 accuracy and cost",
        "the chapter 3 and 6 runs against the book's numbers, with their cost, and the "
        "book's own per-example algorithm beside ours on ch3-l2-30"),
    "overfitting.png": Figure(
        overfitting, "overfitting with and without L2",
        "the book's four overfitting panels: whether the test cost rises while the test "
        "accuracy stalls, and what L2 changes"),
    "init_comparison.png": Figure(
        init_comparison, "large vs default init",
        "how N(0,1/n_in) and N(0,1) weights compare epoch by epoch, in accuracy and cost"),
    "depth.png": Figure(
        depth, "depth comparison",
        "whether more hidden layers of 30 raise the peak accuracy, seed by seed"),
    "gradient_norms.png": Figure(
        book_gradient_norms, "per-layer gradient norms",
        "how much slower the first layers learn than the last (chapter 5), against the "
        "book's per-layer norms"),
}


def setting(config):
    """A configuration in words, as the book states it."""
    c = config
    words = [str(c["sizes"]), f"{c['activation']} hidden", COST_NAMES[c["cost"]],
             INIT_NAMES[c["init"]], f"eta {c['eta']:g}"]
    if c["lmbda"]:
        words.append(f"lmbda {c['lmbda']:g}")
    words.append(f"{c['epochs']} epochs")
    if c["train_size"] != 50_000:
        words.append(f"first {c['train_size']:,} images")
    if c["dtype"] != "float64":
        words.append(c["dtype"])
    return ", ".join(words)


def body(results, runs, sweep):
    rows, float32_rows, reasons, modal, judged = [], [], [], [], []
    for name, checks in sweep.notes.items():
        records = runs.get(name)
        for check in checks:
            if check.get("float32"):
                float32_rows.append(float32_row(check, records[0], runs.get(check["row"], []))
                                    if records else (check["row"], name, "not run yet"))
            elif records is None:
                rows.append((check["row"], name, book_text(check), "not run yet", "", "", "",
                             "not run yet"))
            else:
                row = book_row(check, records, runs)
                judged.append((name, check, row, records))
                rows.append(verdict_row(name, check, row, records))
                if row["verdict"] == "differs":
                    reasons.append(f"- **{check['row']}** ({check['measure']}): "
                                   + check.get("reason", "not investigated yet."))
                if len(row.get("frequencies", {})) > 1:
                    modal.append(modes_line(name, row))
    verdicts = [r[-1] for r in rows]
    header = ["row", "setting", "book", "peak: mean ± sd (seeds)", "final: mean ± sd",
              "book's measure (split)", "95% interval for one run of ours", "verdict"]
    return (RULE + "\n\n"
            + ", ".join(f"{verdicts.count(w)} {w}" for w in
                        ("reproduced", "differs", "not distinguishable", "undetermined")
                        if verdicts.count(w))
            + f" of {len(rows)} checks"
            + (f"; {verdicts.count('not run yet')} not run yet" if "not run yet" in verdicts
               else "") + ".\n\n"
            + table(header, rows)
            + ("\n### Modes\n\nRows whose seeds fall into distinct modes; the verdict above "
               "is taken within the mode named in its interval column:\n\n"
               + "\n".join(modal) + "\n" if modal else "")
            + ("\n### Why these rows differ\n\nThe most likely reason, found by checking "
               "(the check is in `scripts/sweeps/book.toml` beside the row):\n\n"
               + "\n".join(reasons) + "\n" if reasons else "")
            + offset_section(judged) + implementations_section(runs)
            + "\nThe runs were made while the repository moved on, so their records name "
              "several commits; `make verify SWEEP=book` re-runs a sample at the current "
              "commit and compares it bit for bit.\n"
            + "\n### Float32\n\nThe headline rows once more in float32 (one seed; the float64 "
              "seed 0 run beside it):\n\n"
            + table(["row", "book", "float32, seed 0", "float64, seed 0", "float32 - float64",
                     "measure"], float32_rows) + "\n")


RULE = (
    "*Reproduced* means the book's number is a plausible single run of ours: it lies inside "
    "the 95% prediction interval for one new run, mean ± t(n-1) · s · sqrt(1 + 1/n) over our "
    "n seeds; otherwise *differs*. No widening. A claim that the book's run was over (under) a "
    "number uses the one-sided 95% bound; a claim that one setting ends higher than another, "
    "Welch's 95% interval of the difference of means (*not distinguishable* when it covers 0). "
    "Gradient norms: the same rule per layer on a log scale, every layer inside. Runs that "
    f"never learn some digit (final test recall under {100 * UNLEARNED:g}% for it) form a mode "
    "of their own; the rule is applied within the mode whose mean is nearest the book's number "
    "(*undetermined* when that mode holds one run), and the modes are listed below. Records "
    "without a confusion matrix count as one mode. Verdicts are computed, never edited. A "
    "single run's test accuracy also carries the test set's own sampling error, "
    f"±{100 * binomial_error(0.96, 10_000):.2f} points (one standard error) at 96% on 10,000 "
    "images. The book's numbers, and the chapter that states each, are in "
    "`scripts/sweeps/book.toml` beside the runs that answer them.")


def book_text(check):
    """The book's claim of one check, with its chapter."""
    relation, chapter = check.get("relation", "approx"), f" (ch. {check['chapter']})"
    if check["measure"] == "init_gradients":
        return ", ".join(f"{x:g}" for x in check["value"]) + chapter
    if relation == "above_run":
        return f"ends higher than {check['other']}" + chapter
    return {"approx": "{:g}%", "above": "over {:g}%", "below": "under {:g}%"}[relation].format(
        check["value"]) + chapter


def verdict_row(name, check, row, records):
    """[row, setting, book, peak, final, measure, interval, verdict] for one check."""
    config, what = records[0]["config"], check["measure"]
    peak, final = row["peak"], row["final"]
    cells = [check["row"], setting(config) + ("" if name == check["row"] else f" ({name})"),
             book_text(check), f"{pm(peak)} ({peak['n']})", pm(final)]
    if what == "init_gradients":
        return cells + [f"||dC/db|| per hidden layer at initialisation, first "
                        f"{records[0]['diagnostics']['probe_size']:,} training images",
                        ", ".join(f"{lo:.3f}-{hi:.3f}" for lo, hi in row["intervals"]),
                        row["verdict"]]
    split = "test" if what.startswith("test") else (
        "training" if what == "final_training" else config["evaluate"])
    if check.get("relation") == "above_run":
        c = row["comparison"]
        interval = (f"ours - {check['other']}: {c['difference']:+.2f} "
                    f"[{c['lo']:+.2f}, {c['hi']:+.2f}]")
    elif row["interval"] is None:
        interval = f"{row['n']} run in the mode nearest the book ({mode_label(row['mode'])})" \
            if row["mode"] is not None else "no finite value"
    else:
        lo, hi = (bound(x, check["value"]) for x in row["interval"])
        interval = (f"{lo} to {hi}" if check.get("relation", "approx") == "approx"
                    else f"up to {hi}" if check["relation"] == "above" else f"from {lo}")
        if len(row["frequencies"]) > 1:
            interval += f" ({mode_label(row['mode'])}, {row['n']} runs)"
    return cells + [f"{what} ({split})", interval, row["verdict"]]


def bound(x, book):
    """An interval bound to 2 decimals, or to more (up to 4) where 2 would print the book's
    own number, so the side it falls on shows."""
    for digits in (2, 3, 4):
        if f"{x:.{digits}f}" != f"{book:.{digits}f}":
            break
    return f"{x:.{digits}f}"


def modes_line(name, row):
    """'- ch1-100: learns every digit 3 of 10 (11-60%), ...' with Wilson intervals."""
    parts = [f"{mode_label(key)} {k} of {n} ({100 * lo:.0f}-{100 * hi:.0f}%)"
             for key, (k, n, lo, hi) in row["frequencies"].items()]
    return f"- **{name}** ({row['check']['row']}, {row['check']['measure']}): " + \
        ", ".join(parts) + "; 95% Wilson intervals of each mode's frequency."


def offset_section(judged):
    """The chapter 3 offset (`verdicts.chapter3_offset`) in words."""
    found = chapter3_offset(judged)
    if found is None:
        return ""
    word = {"lower": "below the book", "higher": "above the book",
            "not distinguishable": "not distinguishable from the book"}[found["word"]]
    return ("\n### The chapter 3 offset\n\n"
            f"Over the {len(found['rows'])} chapter 3 rows trained on all 50,000 images "
            f"({', '.join(f'{n} {d:+.2f}' for n, d in found['rows'])}), our mean peak lies "
            f"{found['mean']:+.2f} points from the book's number (95% t interval over the rows "
            f"{found['lo']:+.2f} to {found['hi']:+.2f}): {word}.\n")


def implementations_section(runs):
    """The book's per-example algorithm against ours on the same row, seeds against seeds
    (`verdicts.implementation_comparisons`)."""
    lines = []
    for pair in implementation_comparisons(runs):
        c, theirs, ours = pair["comparison"], pair["book_peaks"], pair["our_peaks"]
        lines.append(
            f"- **{pair['ours']}**, peak accuracy: the book's per-example algorithm "
            f"(`{pair['book']}`, an independent implementation in `nielsen_net/reference.py`) "
            f"{pm(spread(theirs))}% over {len(theirs)} seeds, ours {pm(spread(ours))}% over "
            f"{len(ours)}; difference {c['difference']:+.2f} points, 95% interval "
            f"{c['lo']:+.2f} to {c['hi']:+.2f} (Welch, p = {c['p']:.2f}; bootstrap "
            f"{c['bootstrap'][0]:+.2f} to {c['bootstrap'][1]:+.2f}): {c['word']}.")
    if not lines:
        return ""
    return ("\n### Our implementation against the book's algorithm\n\n"
            "Is a gap to the book in our code? The same row trained both ways:\n\n"
            + "\n".join(lines) + "\n")


def float32_row(check, record32, records64):
    """[row, book, float32, float64, difference, measure] for a float32 rerun of a row."""
    what = check["measure"]
    ours32 = measure(record32, what)
    seed0 = [r for r in records64 if r["config"]["seed"] == record32["config"]["seed"]]
    ours64 = measure(seed0[0], what) if seed0 else float("nan")
    return (check["row"], f"{check['value']:g}%", f"{ours32:.2f}", f"{ours64:.2f}",
            f"{ours32 - ours64:+.2f}", what)
