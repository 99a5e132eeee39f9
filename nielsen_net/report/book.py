"""The book study's report section: every check of the book against our seeds, the chapter 3
offset at the peak and the last epoch, our update against the book's algorithm seed by seed, the
float32 reruns and what the cost panels show.

Left out: the verdict rule, the offset and the comparisons themselves
(nielsen_net.analysis.verdicts) and the figures (`book_figures`).
"""

from ..analysis.measures import UNSCALED, measure, spread
from ..analysis.stats import binomial_error
from ..analysis.verdicts import (NO_SPREAD, RUN_RELATIONS, UNLEARNED, book_row,
                                 chapter3_offset, implementation_comparisons, mode_label, tally)
from .book_figures import (book_gradient_norms, ch1_curves, ch3_curves, confusion_matrices, depth,
                           eta_cost, init_comparison, learning_speed, overfitting)
from .markdown import Figure, pm, table

TITLE = "Reproducing the book"


INIT_NAMES = {"gaussian": "large init N(0,1)", "scaled_gaussian": "default init N(0,1/n_in)",
              "he": "He init", "he_gaussian_biases": "He weights, N(0,1) biases",
              "xavier": "Xavier init"}
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
    "eta_cost.png": Figure(
        eta_cost, "training cost at three learning rates",
        "chapter 3's learning-rate figure: how the training cost falls at eta 0.025, 0.25 and "
        "2.5, and where it rises"),
    "init_comparison.png": Figure(
        init_comparison, "large vs default init",
        "how N(0,1/n_in) and N(0,1) weights compare epoch by epoch, in accuracy and in the cost "
        "as trained, whose L2 term dominates the large-init curves"),
    "depth.png": Figure(
        depth, "depth comparison",
        "whether more hidden layers of 30 raise the peak accuracy, seed by seed"),
    "gradient_norms.png": Figure(
        book_gradient_norms, "per-layer gradient norms",
        "how much slower the first layers learn than the last (chapter 5), against the "
        "book's per-layer norms"),
    "learning_speed.png": Figure(
        learning_speed, "per-layer speed of learning during training",
        "chapter 5's 500-epoch figures: whether the earlier hidden layers learn more slowly "
        "at every epoch of batch gradient descent on 1,000 images"),
}


def setting(config):
    """A configuration in words, as the book states it."""
    c = config
    words = [str(c["sizes"]), f"{c['activation']} hidden", COST_NAMES[c["cost"]],
             INIT_NAMES[c["init"]], f"eta {c['eta']:g}"]
    if c["lmbda"]:
        words.append(f"lmbda {c['lmbda']:g}")
    words.append(f"{c['epochs']} epochs")
    if c["mini_batch_size"] != 10:
        words.append(f"mini-batch {c['mini_batch_size']:,}")
    if c["train_size"] != 50_000:
        words.append(f"first {c['train_size']:,} images")
    if c.get("rotations"):
        words.append("each image also rotated by " + " and ".join(f"{a:+g}°"
                                                                  for a in c["rotations"]))
    if c["dtype"] != "float64":
        words.append(c["dtype"])
    return ", ".join(words)


def body(results, runs, sweep):
    rows, float32_rows, reasons, modal, judged, not_run = [], [], [], [], [], 0
    for name, checks in sweep.notes.items():
        records = runs.get(name)
        for check in checks:
            if check.get("float32"):
                float32_rows.append(float32_row(check, records[0], runs.get(check["row"], []))
                                    if records else (check["row"], name, "not run yet"))
            elif records is None:
                not_run += 1
                rows.append((check["row"], name, book_text(check), "", "not run yet", "", "",
                             "", "not run yet"))
            else:
                row = book_row(check, records, runs)
                judged.append((name, check, row, records))
                rows.append(verdict_row(name, check, row, records))
                if row["verdict"] == "differs":
                    reasons.append(f"- **{check['row']}** ({check['measure']}): "
                                   + check.get("reason", "not investigated yet."))
                if len(row.get("frequencies", {})) > 1:
                    modal.append(modes_line(name, row))
    header = ["row", "setting", "book", "book's measure (split)",
              "ours on the book's measure, in the mode judged: mean ± sd (seeds)",
              "peak / final: mean of all seeds",
              "epoch of the peak: ours, mean (range)", "95% interval for one run of ours",
              "verdict"]
    return (RULE + "\n\n" + count_words(tally(judged), not_run) + "\n\n"
            + table(header, rows)
            + ("\n### Modes\n\nRows whose seeds fall into distinct modes; the verdict above "
               "is taken within the mode named in its interval column:\n\n"
               + "\n".join(modal) + "\n" if modal else "")
            + ("\n### Why these rows differ\n\nThe most likely reason, found by checking "
               "(the check is in `scripts/sweeps/book.toml` beside the row):\n\n"
               + "\n".join(reasons) + "\n" if reasons else "")
            + offset_section(judged) + implementations_section(runs)
            + shallower_gradients(runs, sweep)
            + "\nThe runs were made while the repository moved on, so their records name "
              "several commits; `make verify SWEEP=book` re-runs a sample at the current "
              "commit and compares it bit for bit.\n"
            + "\n### Float32\n\nThe headline rows once more in float32 (one seed; the float64 "
              "seed 0 run beside it):\n\n"
            + table(["row", "book", "float32, seed 0", "float64, seed 0", "float32 - float64",
                     "measure"], float32_rows) + "\n" + COST_AS_TRAINED + "\n\n")


def count_words(found, not_run):
    """The count of verdicts (`verdicts.tally`) in words: what is counted, what is not, and
    which passes rest on one mode of part of the seeds."""
    counts = found["counts"]
    words = [f"{counts[w]} {w}" for w in ("reproduced", "differs", "not distinguishable",
                                          "undetermined", NO_SPREAD) if counts.get(w)]
    text = f"Of the {found['total']} checks of the book's results by our code: " + \
        ", ".join(words) + (f"; {not_run} not run yet" if not_run else "") + "."
    if found["no_spread"]:
        text += (f" *{NO_SPREAD}* (" + "; ".join(f"{name}, {check['measure']}"
                                                 for name, check in found["no_spread"])
                 + "): every seed gives exactly the book's number, so the interval has zero "
                 "width and the rule has nothing to judge; a check that cannot fail is not "
                 "counted as a reproduction.")
    if found["other_trainer"]:
        text += " Not counted: " + ", ".join(
            f"{check['row']} trained by the book's per-example algorithm ({name})"
            for name, check in found["other_trainer"]) + \
            ", which asks where a gap comes from, not whether the book's result is reproduced."
    if found["partial"]:
        text += (f" {len(found['partial'])} of the {counts.get('reproduced', 0)} reproduced "
                 "rest on the one mode nearest the book, part of the seeds: " + ", ".join(
                     f"{check['row']} ({check['measure']}) on {k} of {n} runs"
                     for _, check, k, n in found["partial"]) + ".")
    return text


COST_AS_TRAINED = (
    "**The cost panels show the cost as trained**: the mean cost per example plus the book's L2 "
    "term 0.5 · lmbda / m · sum ||w||² (network2's convention), m being the number of images of "
    "the split scored. Where lmbda > 0 that term is larger on the 10,000 validation or test "
    "images than on the 50,000 training images, so a scored-split curve above the training one "
    "is partly the L2 term, not overfitting by itself; and with the large N(0,1) init, whose "
    "weights are sqrt(n_in) times the default init's, the L2 term dominates the cost: those "
    "curves sit far above the default init's while their accuracy is close.")


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
    """The book's claim of one check, with its chapter: its own words (`claim`) where the book
    states no number."""
    relation, chapter = check.get("relation", "approx"), f" (ch. {check['chapter']})"
    if "claim" in check:
        return check["claim"] + chapter
    if check["measure"] == "init_gradients":
        return ", ".join(f"{x:g}" for x in check["value"]) + chapter
    if relation in RUN_RELATIONS:
        return f"ends {RUN_RELATIONS[relation]} than {check['other']}" + chapter
    unit = "" if check["measure"] in UNSCALED else "%"
    return {"approx": "{:g}", "above": "over {:g}", "below": "under {:g}"}[relation].format(
        check["value"]) + unit + chapter


def verdict_row(name, check, row, records):
    """[row, setting, book, measure, ours on it, peak / final, epoch of the peak, interval,
    verdict] for one check."""
    config, what = records[0]["config"], check["measure"]
    cells = [check["row"], setting(config) + ("" if name == check["row"] else f" ({name})"),
             book_text(check)]
    peak_final = f"{row['peak']['mean']:.2f} / {row['final']['mean']:.2f}"
    if what == "init_gradients":
        means = [sum(layer) / len(layer) for layer in zip(*row["norms"])]
        return cells + [f"||dC/db|| per hidden layer at initialisation, first "
                        f"{records[0]['diagnostics']['probe_size']:,} training images",
                        ", ".join(f"{m:.3f}" for m in means) + f" ({len(row['norms'])})",
                        peak_final, "",
                        ", ".join(f"{lo:.3f}-{hi:.3f}" for lo, hi in row["intervals"]),
                        row["verdict"]]
    split = SPLITS.get(what) or ("test" if what.startswith("test") else config["evaluate"])
    if check.get("relation") in RUN_RELATIONS:
        c = row["comparison"]
        interval = (f"ours - {check['other']}: {c['difference']:+.2f} "
                    f"[{c['lo']:+.2f}, {c['hi']:+.2f}]")
    elif row["interval"] is None:
        interval = f"{row['n']} run in the mode nearest the book ({mode_label(row['mode'])})" \
            if row["mode"] is not None else "no finite value"
    elif row["verdict"] == NO_SPREAD:
        interval = f"zero width: all {row['n']} runs at {row['interval'][0]:.2f}"
    else:
        lo, hi = (bound(x, check["value"]) for x in row["interval"])
        interval = (f"{lo} to {hi}" if check.get("relation", "approx") == "approx"
                    else f"up to {hi}" if check["relation"] == "above" else f"from {lo}")
        if len(row["frequencies"]) > 1:
            interval += f" ({mode_label(row['mode'])}, {row['n']} runs)"
    judged, n = row["judged"], row["ours"]["n"]
    return cells + [f"{what} ({split})",
                    f"{pm(judged)} ({judged['n']}{'' if judged['n'] == n else f' of {n}'})",
                    peak_final,
                    epoch_words(check, row), interval, row["verdict"]]


SPLITS = {"final_training": "training", "peak_training": "training", "cost_rises": "training",
          "final_cost": "training", "ordered_epochs": "the first 1,000 training images",
          "train_test_gap": "training - scored"}  # what a measure is read on, where not `evaluate`


def epoch_words(check, row):
    """'26.4 (20-30); book 28': the epoch of our peak (in the mode judged) and the book's,
    where the book states one (`epoch` in its check)."""
    if "best_epoch" not in row:
        return ""
    e = row["best_epoch"]
    ours = f"{e['mean']:.1f} ({e['min']:.0f}-{e['max']:.0f})" if e["n"] > 1 else f"{e['mean']:.0f}"
    return ours + (f"; book {check['epoch']}" if "epoch" in check else "")


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
    """The chapter 3 offset (`verdicts.chapter3_offset`), at the peak and at the last epoch, in
    words."""
    found = chapter3_offset(judged)
    if found is None:
        return ""
    at = {"peak": "peak", "final": "last epoch"}
    rows = [(at[what], ", ".join(f"{n} {d:+.2f}" for n, d in f["rows"]), f"{f['mean']:+.2f}",
             f"{f['lo']:+.2f} to {f['hi']:+.2f}", f"{f['below']} of {len(f['rows'])}",
             f"{f['sign_p']:.2f}") for what, f in found.items()]
    words = {what: offset_words(f) for what, f in found.items()}
    conclusion = (f"At the peak and at the last epoch alike: {words['peak']}."
                  if words["peak"] == words["final"] else
                  f"At the peak: {words['peak']}. At the last epoch: {words['final']}.")
    n = len(found["peak"]["rows"])
    return ("\n### The chapter 3 offset\n\n"
            f"Our mean minus the book's number over the {n} chapter 3 rows trained on all "
            "50,000 images whose book figure is a peak, at our peak and at our last epoch (95% "
            "t interval over the rows; the sign test asks how often so many rows would fall "
            "on one side by chance):\n\n"
            + table(["ours at", "per row", "mean", "95% interval", "rows below the book",
                     "sign test p (two-sided)"], rows) + "\n"
            + conclusion + "\n")


def offset_words(f):
    """What one offset of `offset_section` says: below, above, or not distinguishable, and
    whether a test over this few rows could have told."""
    n, below = len(f["rows"]), f["below"]
    if f["word"] == "lower":
        return f"below the book ({below} of {n} rows below it)"
    if f["word"] == "higher":
        return f"above the book ({n - below} of {n} rows above it)"
    if below in (0, n):
        side = "below" if below else "above"
        return (f"the interval reaches 0, yet all {n} rows lie {side} the book (sign test p = "
                f"{f['sign_p']:.2f}): {n} rows give this test little power, so this is a "
                "failure to detect an offset, not evidence of agreement")
    return f"not distinguishable from the book ({below} of {n} rows below it)"


def implementations_section(runs):
    """The book's per-example algorithm against ours on the same row, seed by seed
    (`verdicts.implementation_comparisons`)."""
    lines = []
    for pair in implementation_comparisons(runs):
        c, theirs, ours = pair["comparison"], pair["book_peaks"], pair["our_peaks"]
        lines.append(
            f"- **{pair['ours']}**, peak accuracy over the same {len(pair['seeds'])} seeds: the "
            f"book's per-example algorithm (`{pair['book']}`, written independently in "
            f"`nielsen_net/nn/reference.py`) {pm(spread(theirs))}%, ours {pm(spread(ours))}%; "
            f"per seed, the book's algorithm minus ours is {c['difference']:+.2f} points on "
            f"average, paired 95% t interval {c['lo']:+.2f} to {c['hi']:+.2f} (p = "
            f"{c['p']:.2f}): {c['word']}.")
    if not lines:
        return ""
    return ("\n### Our update against the book's algorithm\n\n"
            "Is a gap to the book in our training step? The same row trained both ways. "
            "A seed's two runs start from the same initial weights, shuffle the training "
            "images alike and are scored by the same code, so they differ in the update alone "
            "(our matrix-based mini-batch step against the book's per-example loop): this "
            "checks the update, not the initialisation, data or evaluation, which both "
            "share. For the same reason the two runs of a seed are a pair, not independent "
            "samples, and the comparison is of the per-seed differences:\n\n"
            + "\n".join(lines) + "\n")


def shallower_gradients(runs, sweep):
    """Our bias-gradient norms at initialisation for the gradient_norms rows the book gives no
    number for here (2 and 3 hidden layers): the mean per layer over seeds."""
    lines = []
    for name in sweep.panels.get("gradient_norms", []):
        if not runs.get(name) or any(n["measure"] == "init_gradients"
                                     for n in sweep.notes.get(name, [])):
            continue
        norms = [r["diagnostics"]["bias_gradient_norms"][0] for r in runs[name]]
        means = [sum(layer) / len(layer) for layer in zip(*norms)]
        lines.append(f"- **{name}** ({len(means)} hidden layers, {len(norms)} seeds): "
                     + ", ".join(f"{m:.3f}" for m in means) + ", first layer to last.")
    if not lines:
        return ""
    return ("\n### Chapter 5's gradient norms with fewer hidden layers\n\n"
            "The book states per-layer norms at initialisation for these nets too, but the "
            "book's numbers this repository holds (`scripts/sweeps/book.toml`) are the "
            "4-hidden-layer ones only, so these are ours without a check against the book: "
            "||dC/db|| per hidden layer over the first 1,000 training images, mean over seeds:"
            "\n\n" + "\n".join(lines) + "\n")


def float32_row(check, record32, records64):
    """[row, book, float32, float64, difference, measure] for a float32 rerun of a row."""
    what = check["measure"]
    ours32 = measure(record32, what)
    seed0 = [r for r in records64 if r["config"]["seed"] == record32["config"]["seed"]]
    ours64 = measure(seed0[0], what) if seed0 else float("nan")
    return (check["row"], f"{check['value']:g}%", f"{ours32:.2f}", f"{ours64:.2f}",
            f"{ours32 - ours64:+.2f}", what)
