"""The figures every study reads off a run record, as plain functions; the ROC area; the wall
time and the benchmark's ratios.

A run record is the dict a sweep writes for each run (see `experiments.records`): its `config`,
`history`, `diagnostics` and test accuracy. Numbers come out in percent where the report
prints percent. A non-finite value (stored as null) reads as NaN.

Left out: reading files (`experiments.records`), the verdicts against the book (`verdicts`),
each study's own findings (its module here) and wording or drawing (nielsen_net.report).
"""

import numpy as np


def numbers(values):
    """`values` (lists, possibly with None for a non-finite number) as a float array."""
    return np.array(values, dtype=float)


def measure(record, name):
    """One figure of a run (NaN if the run has none). In percent:
    peak / final / epoch1: evaluation accuracy at the best, last or first epoch;
    final_training / peak_training: training accuracy after the last epoch, at its best epoch;
    train_test_gap: peak_training - peak (points), the gap chapter 3 reads overfitting from;
    test: test accuracy after training;
    test_at_best_validation: test accuracy at the epoch of best evaluation accuracy;
    ordered_epochs: the share of epochs (initialisation included) whose bias-gradient norms rise
    strictly from the first hidden layer to the last (earlier layers learning more slowly).
    Not in percent: cost_rises, the number of epochs whose training cost is above the epoch
    before; final_cost, the training cost after the last epoch."""
    if name == "test":
        return 100 * float(numbers(record["test_accuracy"]))
    history = record["history"]
    if name in UNSCALED:
        cost = numbers(history["training_cost"])
        return float(np.sum(np.diff(cost) > 0)) if name == "cost_rises" else float(cost[-1])
    if name == "ordered_epochs":
        norms = numbers(record["diagnostics"]["bias_gradient_norms"])  # (epochs + 1, layers)
        return 100 * float(np.mean(np.all(np.diff(norms, axis=1) > 0, axis=1)))
    evaluation = numbers(history["evaluation_accuracy"])
    if len(evaluation) == 0 or np.isnan(evaluation).all():
        return float("nan")
    def training():
        return numbers(history["training_accuracy"])

    value = {
        "peak": lambda: np.nanmax(evaluation),
        "final": lambda: evaluation[-1],
        "epoch1": lambda: evaluation[0],
        "final_training": lambda: training()[-1],
        "peak_training": lambda: np.nanmax(training()),
        "train_test_gap": lambda: np.nanmax(training()) - np.nanmax(evaluation),
        "test_at_best_validation": lambda: numbers(record["test_accuracy_per_epoch"])[
            int(np.nanargmax(evaluation))],
    }[name]()
    return 100 * float(value)


UNSCALED = ("cost_rises", "final_cost")  # the measures that are no percentage


def best_epoch(record):
    """The 1-based epoch of the best evaluation accuracy; NaN for a run with none (it diverged
    in its first epoch)."""
    accuracy = numbers(record["history"]["evaluation_accuracy"])
    if not np.isfinite(accuracy).any():
        return float("nan")
    return int(np.nanargmax(accuracy)) + 1


def stack(rows):
    """Per-epoch lists of one value or of one value per layer, over seeds, as one array
    (n_seeds, n_epochs[, n_layers]), NaN-padded where a diverged run stopped early."""
    arrays = [numbers(row) for row in rows]
    out = np.full((len(arrays), max(map(len, arrays))) + arrays[0].shape[1:], np.nan)
    for i, array in enumerate(arrays):
        out[i, :len(array)] = array
    return out


def curve(records, series):
    """A History series stacked over seeds, (n_seeds, n_epochs); e.g. "evaluation_accuracy"."""
    return stack([r["history"][series] for r in records])


def spread(values):
    """{mean, std, min, max, n} of the finite values (std with ddof=1; 0 for one value)."""
    values = numbers(values)
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return {"mean": float("nan"), "std": float("nan"), "min": float("nan"),
                "max": float("nan"), "n": 0}
    return {"mean": float(finite.mean()),
            "std": float(finite.std(ddof=1)) if len(finite) > 1 else 0.0,
            "min": float(finite.min()), "max": float(finite.max()), "n": len(finite)}


def dead_percent(record, epoch=-1):
    """Dead hidden units after `epoch` (0 = initialisation), % averaged over hidden layers."""
    return 100 * float(np.mean(numbers(record["diagnostics"]["dead_fraction"][epoch])))


def summary(records):
    """A configuration's figures over its seeds: spreads (`spread`) of test, epoch1, final
    and peak accuracy and of dead units at initialisation and at the end (all runs, and only
    the runs that did not diverge: a diverged run's NaN weights make every unit look dead);
    the mean best epoch (over the runs that have one) and seconds per epoch; the number of
    seeds and of diverged runs."""
    finished = [r for r in records if not r["history"]["diverged"]]
    return {
        "n": len(records),
        "diverged": sum(bool(r["history"]["diverged"]) for r in records),
        "test": spread([measure(r, "test") for r in records]),
        **{name: spread([measure(r, name) for r in records])
           for name in ("epoch1", "final", "peak")},
        "dead_init": spread([dead_percent(r, 0) for r in records]),
        "dead_end": spread([dead_percent(r) for r in records]),
        "dead_end_finished": spread([dead_percent(r) for r in finished]),
        "best_epoch": spread([best_epoch(r) for r in records])["mean"],
        "seconds_per_epoch": float(np.mean([r["seconds"]["train_per_epoch"]
                                            for r in records])),
    }


# ----- anomaly scores ----------------------------------------------------------------------------

def roc_curve(scores, positive):
    """(false positive rates, true positive rates) as the threshold falls through `scores`."""
    order = np.argsort(-scores, kind="stable")
    hits = positive[order]
    tpr = np.concatenate([[0], np.cumsum(hits) / hits.sum()])
    fpr = np.concatenate([[0], np.cumsum(~hits) / (~hits).sum()])
    return fpr, tpr


def roc_auc(scores, positive):
    """Area under the ROC curve: P(a random positive outscores a random negative), ties
    counting one half. The Mann-Whitney form: rank all scores (ties get their average rank)
    and compare the positives' rank sum with its least possible value. O(m log m)."""
    scores, positive = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    if scores.shape != positive.shape or scores.ndim != 1:
        raise ValueError(f"scores and positive must be 1-d of the same length; got "
                         f"{scores.shape} and {positive.shape}")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN; an AUC needs every score")
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"need positives and negatives; got {n_pos} and {n_neg}")
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    # Average rank (1-based) of each run of tied scores.
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], len(scores)]
    ranks = np.empty(len(scores))
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


# ----- wall time and the benchmark ----------------------------------------------------------------

def wall_time(log):
    """{seconds (summed over a sweep's logged invocations), jobs (sorted), invocations,
    interrupted (those killed before the end: counted up to their last finished run)}."""
    invocations = log["invocations"]
    return {"seconds": float(sum(i["seconds"] for i in invocations)),
            "jobs": sorted({i["jobs"] for i in invocations}), "invocations": len(invocations),
            # entries written before `finished` existed were logged only at the end
            "interrupted": sum(not i.get("finished", True) for i in invocations)}


def run_seconds(runs, tune):
    """The runs' own wall times summed over a sweep's `runs` ({configuration: [records]}) and
    `tune` ({configuration: {eta: [records]}}), as `results.load_runs` gives them: the work
    done, one core per run, whether or not the invocations that ran it were logged to the end."""
    records = [r for rs in runs.values() for r in rs] + \
        [r for by_eta in tune.values() for rs in by_eta.values() for r in rs]
    return float(sum(r["seconds"]["wall"] for r in records))


def bench_ratios(bench, result, trainers):
    """For one row of a bench record: {trainer: its median over ours (None if not timed)} and
    "floor": ours over the epoch's floating-point work at the matmul rate measured at the thread
    count ours ran with (the ratio the bench's own targets use)."""
    ours = result["ours"]["median"]
    rate = bench["matmul_gflops"][result["dtype"]][str(result["ours"]["threads"])]
    floor = result["flops"] / (rate * 1e9)
    return {t: result[t]["median"] / ours if result.get(t) else None for t in trainers} | {
        "floor": ours / floor}


def progress(runs, sweep):
    """(finished, planned): the runs of `sweep` (a loaded sweep file) present in `runs`
    ({configuration: records}, as read from its folder) and all it asks for."""
    planned = {(name, seed) for name, seeds in sweep.seeds.items() for seed in seeds}
    finished = {(name, r["config"]["seed"]) for name, records in runs.items() for r in records}
    return len(planned & finished), len(planned)
