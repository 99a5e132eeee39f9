"""Is the book's number a plausible single run of ours? The one verdict rule, and the modes it
applies within.

The book reports one run per result; we have several seeds. The rule: the book's number is
*reproduced* when it lies inside the 95% prediction interval for one new run of ours (t-based on
our seeds: mean +/- t(n-1) s sqrt(1 + 1/n)), and *differs* otherwise. No widening. A claim that
the book's run was "above" (or "below") a number uses the same rule one-sided: it differs only
when a run of ours would land above (below) that number with probability under 5%. Gradient norms
use the rule per layer on a log10 scale, and every layer must pass.

Modes: a run that never learns some digit (its final test recall for that digit under
`UNLEARNED`) is not a noisy copy of one that learns all ten; runs are grouped by how many digits
they left unlearned, or as "diverged". The rule is applied within the mode whose mean is nearest
the book's number (the mode the book's run most plausibly belongs to), and each mode's frequency
is reported with a Wilson interval. A mode with a single run gives no interval: "undetermined".
A mode whose runs all give the same number has an interval of zero width: the rule cannot judge
it, and a book number equal to that value is `NO_SPREAD`, not "reproduced".

Beside the rule, what the book's section states over several rows: the book's table row by row
(`book_row`) and their count (`tally`), the chapter 3 offset (`chapter3_offset`) and the book's
per-example algorithm against ours on the same row, seed by seed (`implementation_comparisons`).

Left out: any wording (nielsen_net.report.book).
"""

import math

import numpy as np

from . import stats
from .measures import best_epoch, measure

UNLEARNED = 0.5      # a digit whose final test recall is below this counts as not learned
LEARNED_ALL = 0      # the mode of runs that learned every digit
NO_SPREAD = "matched, no spread"  # every run in the mode gives exactly the book's number
# a claim that one configuration ends higher (lower) than `other`: the word `compare` must give
RUN_RELATIONS = {"above_run": "higher", "below_run": "lower"}


def unlearned_digits(record):
    """How many digits the final network gets right less than UNLEARNED of the time, from the
    record's test confusion matrix (rows: true digit); None if the record has none."""
    confusion = record.get("test_confusion")
    if confusion is None:
        return None
    confusion = np.asarray(confusion, dtype=float)
    recall = np.diag(confusion) / confusion.sum(axis=1)
    return int(np.sum(recall < UNLEARNED))


def mode(record):
    """"diverged", or the number of unlearned digits (LEARNED_ALL when unknown)."""
    if record["history"].get("diverged"):
        return "diverged"
    k = unlearned_digits(record)
    return LEARNED_ALL if k is None else k


def mode_label(key):
    if key == "diverged":
        return "diverged"
    return "learns every digit" if key == LEARNED_ALL else f"{key} digit{'s' * (key > 1)} unlearned"


def modes(values, keys):
    """{mode: [values]} in order of first appearance; keys[i] is the mode of values[i]."""
    grouped = {}
    for key, value in zip(keys, values):
        grouped.setdefault(key, []).append(value)
    return grouped


def frequencies(keys):
    """{mode: (count, n, lo, hi)}: how often each mode occurs, with a Wilson interval."""
    n = len(keys)
    counts = {key: list(keys).count(key) for key in dict.fromkeys(keys)}
    return {key: (k, n, *stats.wilson_interval(k, n)) for key, k in counts.items()}


def _interval(values, relation):
    side = {"approx": "both", "above": "upper", "below": "lower"}[relation]
    return stats.prediction_interval(values, side=side)


def check_book(value, values, keys=None, relation="approx"):
    """The verdict on one book number against our values over seeds.

    keys: each value's mode (see `mode`), or None for one mode. Returns {verdict, mode, n,
    interval, frequencies}: verdict "reproduced", "differs", "undetermined" (fewer than two
    finite values in the mode) or NO_SPREAD (every value in the mode is the book's); mode is the
    key of the mode the rule was applied in; interval is the prediction interval (lo, hi) in
    that mode, or None."""
    if relation not in ("approx", "above", "below"):
        raise ValueError(f"relation must be approx, above or below; got {relation!r}")
    values = [float(v) for v in values]
    keys = [LEARNED_ALL] * len(values) if keys is None else list(keys)
    grouped = {k: [v for v in vs if math.isfinite(v)]
               for k, vs in modes(values, keys).items() if k != "diverged"}
    grouped = {k: vs for k, vs in grouped.items() if vs}
    result = {"frequencies": frequencies(keys), "interval": None}
    if not grouped:
        return result | {"verdict": "undetermined", "mode": None, "n": 0}
    chosen = min(grouped, key=lambda k: abs(np.mean(grouped[k]) - value))
    inside = grouped[chosen]
    result |= {"mode": chosen, "n": len(inside)}
    if len(inside) < 2:
        return result | {"verdict": "undetermined"}
    lo, hi = _interval(inside, relation)
    ok = {"approx": lo <= value <= hi, "above": value <= hi, "below": value >= lo}[relation]
    verdict = "differs" if not ok else NO_SPREAD if min(inside) == max(inside) else "reproduced"
    return result | {"verdict": verdict, "interval": (lo, hi)}


def check_gradients(book_norms, our_norms):
    """The rule per layer on log10 of the norms. our_norms: (seeds, layers). Returns {verdict,
    intervals: [(lo, hi) per layer, back on the linear scale], inside: [bool per layer]}."""
    ours = np.log10(np.asarray(our_norms, dtype=float))
    if ours.ndim != 2 or ours.shape[1] != len(book_norms):
        raise ValueError(f"need our norms as (seeds, {len(book_norms)} layers); "
                         f"got shape {ours.shape}")
    intervals = [tuple(10 ** b for b in stats.prediction_interval(layer)) for layer in ours.T]
    inside = [lo <= v <= hi for v, (lo, hi) in zip(book_norms, intervals)]
    return {"verdict": "reproduced" if all(inside) else "differs",
            "intervals": intervals, "inside": inside}


def compare(a, b):
    """A claim "a beats b": Welch's 95% interval of mean(a) - mean(b), and its word
    ("higher", "lower" or "not distinguishable")."""
    result = stats.welch(a, b)
    return result | {"word": stats.decide(result["lo"], result["hi"])}


def offset(differences):
    """The mean of ours - book over several rows with its 95% t interval: (mean, lo, hi)."""
    return stats.mean_interval(differences)


# ----- the book's table: one row per check ------------------------------------------------------

def distribution(values):
    """{n, mean, std, min, max} of the finite values; with n >= 2 also the 95% prediction
    interval for one new run (pi_lo, pi_hi) and the mean's interval (ci_lo, ci_hi)."""
    x = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    out = {"n": len(x), "mean": float(x.mean()) if len(x) else math.nan,
           "std": float(x.std(ddof=1)) if len(x) > 1 else 0.0,
           "min": float(x.min()) if len(x) else math.nan,
           "max": float(x.max()) if len(x) else math.nan}
    if len(x) >= 2:
        out["pi_lo"], out["pi_hi"] = stats.prediction_interval(x)
        _, out["ci_lo"], out["ci_hi"] = stats.mean_interval(x)
    return out


def book_row(check, records, runs):
    """What the report states about one check of the book (an entry of a run's `book` list):
    {peak, final, ours (on the book's measure), judged (ours within the mode judged, or ours):
    distributions, verdict and its details; for a peak, best_epoch: the distribution of the
    1-based epoch of the peak over the runs of the mode judged}. `runs` holds every
    configuration's records (for `above_run` and `below_run`)."""
    what, relation = check["measure"], check.get("relation", "approx")
    row = {"check": check, "peak": distribution([measure(r, "peak") for r in records]),
           "final": distribution([measure(r, "final") for r in records])}
    if what == "init_gradients":
        norms = [r["diagnostics"]["bias_gradient_norms"][0] for r in records]
        return row | check_gradients(check["value"], norms) | {"norms": norms}
    values = [measure(r, what) for r in records]
    row["ours"] = distribution(values)
    if relation in RUN_RELATIONS:
        other = [measure(r, what) for r in runs[check["other"]]]
        result = compare(values, other)
        claimed = RUN_RELATIONS[relation]
        verdict = "reproduced" if result["word"] == claimed else (
            result["word"] if result["word"] == "not distinguishable" else "differs")
        return row | {"verdict": verdict, "comparison": result, "judged": row["ours"]}
    row |= check_book(check["value"], values, [mode(r) for r in records], relation)
    inside = [r for r in records if mode(r) == row["mode"]]
    row["judged"] = distribution([measure(r, what) for r in inside])
    if what == "peak":
        row["best_epoch"] = distribution([best_epoch(r) for r in inside])
    return row


def trainer(records):
    return records[0]["config"].get("trainer", "network")


def tally(judged):
    """The count of verdicts the report states. judged: [(configuration, check, its `book_row`,
    records)]. A check trained by another trainer (the book's per-example algorithm) asks where
    a gap comes from, not whether we reproduce the book, so each book result is counted once, by
    our trainer. Returns {counts: {verdict: n}, total, other_trainer: [(configuration, check)]
    not counted, no_spread: [(configuration, check)] of verdict NO_SPREAD, partial:
    [(configuration, check, k, n)]: the reproduced checks judged within a mode of k of the n
    runs (k < n)}."""
    ours = [j for j in judged if trainer(j[3]) == "network"]
    verdicts = [row["verdict"] for _, _, row, _ in ours]
    partial = []
    for name, check, row, _ in ours:
        k, n = row.get("frequencies", {}).get(row.get("mode"), (0, 0))[:2]
        if row["verdict"] == "reproduced" and k < n:
            partial.append((name, check, k, n))
    return {"counts": {v: verdicts.count(v) for v in dict.fromkeys(verdicts)},
            "total": len(ours), "partial": partial,
            "no_spread": [(name, check) for name, check, row, _ in ours
                          if row["verdict"] == NO_SPREAD],
            "other_trainer": [(name, check) for name, check, _, rs in judged
                              if trainer(rs) != "network"]}


def same_but_trainer(runs):
    """[(per-example configuration, network configuration)]: pairs whose configs differ only
    in the trainer, for the two-implementation comparison."""
    def key(records, trainer):
        config = dict(records[0]["config"])
        return config.pop("trainer", "network") == trainer, \
            tuple(sorted((k, str(v)) for k, v in config.items() if k != "seed"))
    network = {key(rs, "network")[1]: name for name, rs in runs.items() if key(rs, "network")[0]}
    return [(name, network[key(rs, "book_per_example")[1]]) for name, rs in runs.items()
            if key(rs, "book_per_example")[0] and key(rs, "book_per_example")[1] in network]


def chapter3_offset(judged):
    """Ours minus the book over several rows at once: the chapter 3 rows whose book figure is a
    peak accuracy (relation approx) trained by our code on all 50,000 images. judged: [(
    configuration, check, its `book_row`, records)]; a book's `second` run of a row it already
    counts is left out. Returns {"peak": ..., "final": ...}, each
    {rows: [(configuration, our mean peak (or final) - the book's number)], mean, lo, hi
    (`offset`), word (`stats.decide`), below (rows under the book), sign_p (`stats.sign_test`
    of that split)}; None with fewer than two such rows."""
    rows = [(name, row) for name, check, row, records in judged
            if check.get("chapter") == 3 and check["measure"] == "peak"
            and check.get("relation", "approx") == "approx" and not check.get("second")
            and records[0]["config"]["train_size"] == 50_000 and trainer(records) == "network"]
    if len(rows) < 2:
        return None
    found = {}
    for what in ("peak", "final"):
        differences = [(name, row[what]["mean"] - row["check"]["value"]) for name, row in rows]
        mean, lo, hi = offset([d for _, d in differences])
        below = sum(d < 0 for _, d in differences)
        found[what] = {"rows": differences, "mean": mean, "lo": lo, "hi": hi,
                       "word": stats.decide(lo, hi), "below": below,
                       "sign_p": stats.sign_test(below, len(differences))}
    return found


def implementation_comparisons(runs):
    """[{book, ours (configuration names), seeds, book_peaks, our_peaks (%, per shared seed, in
    seed order), comparison (`stats.paired` of the book's algorithm - ours, with its word)}]:
    each pair of `same_but_trainer` with two or more seeds in common. The two trainers start
    from the same seed's weights, shuffle and score alike, so a seed's two runs are a pair, not
    two independent samples, and what differs between them is the update alone."""
    found = []
    for book_name, our_name in same_but_trainer(runs):
        ours = {r["config"]["seed"]: measure(r, "peak") for r in runs[our_name]}
        theirs = {r["config"]["seed"]: measure(r, "peak") for r in runs[book_name]}
        seeds = sorted(set(ours) & set(theirs))
        if len(seeds) >= 2:
            a, b = [theirs[s] for s in seeds], [ours[s] for s in seeds]
            result = stats.paired(a, b)
            found.append({"book": book_name, "ours": our_name, "seeds": seeds, "book_peaks": a,
                          "our_peaks": b,
                          "comparison": result | {"word": stats.decide(result["lo"],
                                                                       result["hi"])}})
    return found
