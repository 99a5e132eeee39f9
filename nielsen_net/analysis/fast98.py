"""The fastest way to 98%: how soon each training method reaches the target, and its ranking.

The figure of merit is the number of epochs until the validation accuracy first reaches
TARGET, not seconds: seconds measured while runs share the cores say more about the neighbours
than about the method. A configuration is ranked only when every seed reached the target;
when none did, the configurations are named closest first.

Left out: any wording (nielsen_net.report.fast98).
"""

import numpy as np

from .measures import numbers, spread
from .verdicts import compare

TARGET = 0.98  # the fast98 sweep's goal: the book's best fully connected result, rounded down


def epochs_to(record, target):
    """(epochs, training seconds) until the evaluation accuracy first reaches `target` (a
    fraction), or None if it never does."""
    hit = np.flatnonzero(numbers(record["history"]["evaluation_accuracy"]) >= target)
    if len(hit) == 0:
        return None
    return int(hit[0]) + 1, float(sum(record["history"]["seconds"][:hit[0] + 1]))


def reaching(records, target):
    """{epochs, seconds (spreads over the seeds that reached `target`), reached, n}."""
    hits = [h for h in (epochs_to(r, target) for r in records) if h]
    return {"epochs": spread([e for e, _ in hits]), "seconds": spread([s for _, s in hits]),
            "reached": len(hits), "n": len(records)}


def ranked_by_epochs(reached):
    """The configurations of {configuration: `reaching`} whose every seed reached the target,
    fewest epochs (mean over seeds) first."""
    every = [n for n, r in reached.items() if r["reached"] == r["n"]]
    return sorted(every, key=lambda n: reached[n]["epochs"]["mean"])


def closest_first(reached):
    """Every configuration of {configuration: `reaching`}, the most seeds that reached the
    target first, then the fewest epochs (mean over those seeds): the order in which to name
    them when none reached it in every seed."""
    return sorted(reached, key=lambda n: (-reached[n]["reached"], reached[n]["epochs"]["mean"]
                                          if reached[n]["reached"] else float("inf")))


def most_often(reached):
    """(the configurations of {configuration: `reaching`} with the most seeds that reached the
    target, the others that reached it in some seed), each in `closest_first` order; both empty
    when no seed reached it."""
    closest = [n for n in closest_first(reached) if reached[n]["reached"]]
    most = max((reached[n]["reached"] for n in closest), default=0)
    return ([n for n in closest if reached[n]["reached"] == most],
            [n for n in closest if reached[n]["reached"] < most])


def epochs_to_target(records, target):
    """The epochs each seed needed to reach `target` (NaN for a seed that never did)."""
    return [h[0] if h else float("nan") for h in (epochs_to(r, target) for r in records)]


def against_runner_up(runs, reached, ranked, target=TARGET):
    """Welch's comparison (`verdicts.compare`) of the epochs to `target` of the runner-up
    (ranked[1]) minus the best (ranked[0]): how many epochs the best saves. None when there is
    no runner-up, or too few seeds (under two a side) or no spread for an interval."""
    if len(ranked) < 2:
        return None
    best, second = (reached[name]["epochs"] for name in ranked[:2])
    if min(best["n"], second["n"]) < 2 or not (best["std"] or second["std"]):
        return None
    return compare(epochs_to_target(runs[ranked[1]], target),
                   epochs_to_target(runs[ranked[0]], target))


def same_settings(runs):
    """[(earlier, later)]: the configurations of `runs` ({configuration: records}) whose runs
    have the same settings but for the seed (e.g. plain SGD tuned to the schedule's eta), so
    the same seeds gave the same runs; in the order of `runs`."""
    settings = {name: {k: v for k, v in records[0]["config"].items() if k != "seed"}
                for name, records in runs.items()}
    names = list(runs)
    return [(a, b) for i, b in enumerate(names) for a in names[:i] if settings[a] == settings[b]]
