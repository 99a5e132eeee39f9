"""Does a learning rate chosen on a short budget still win on the full one?

A sweep tunes eta on `short` epochs and then trains `full`; the check trains a few candidates
for the full budget and applies the same tuning rule (`experiments.tuning.choose_eta`: best mean
final validation accuracy, a diverged eta never wins) twice to the same runs: on their first
`short` epochs and on all of them. Runs with the tuning seeds repeat the tuning runs exactly
over the first `short` epochs, which `same_as_tuning` checks record by record.

Left out: any wording (nielsen_net.report.eta_horizon).
"""

from ..experiments.config import RunConfig
from ..experiments.tuning import choose_eta, score
from .stats import decide, welch


def cell_of(config, ignore=("eta", "seed")):
    """What a candidate is a candidate for: its configuration (a record's dict, read as
    RunConfig reads it, so settings added since read as their defaults) without eta and seed
    (and, to find its tuning runs and the configuration they tuned, without the budget and
    whether the test set is scored)."""
    full = RunConfig.from_dict(config).to_dict()
    return tuple(sorted((k, str(v)) for k, v in full.items() if k not in ignore))


BUDGET_FREE = ("eta", "seed", "epochs", "score_test")  # `cell_of` across budgets


def cells(runs):
    """{cell: {eta: records}} from {configuration: records}, etas in increasing order, cells in
    the order they first appear."""
    found = {}
    for records in runs.values():
        found.setdefault(cell_of(records[0]["config"]), {})[records[0]["config"]["eta"]] = records
    return {cell: dict(sorted(by_eta.items())) for cell, by_eta in found.items()}


def truncated(record, epochs):
    """The record as if it had trained `epochs` epochs: its validation accuracies up to then,
    diverged only if it diverged by then."""
    history = record["history"]
    accuracy = history["evaluation_accuracy"][:epochs]
    return {"history": {"evaluation_accuracy": accuracy,
                        "diverged": bool(history["diverged"]) and
                        len(history["evaluation_accuracy"]) <= epochs}}


def horizon(by_eta, short):
    """The tuning rule at both budgets for one cell ({eta: records}): {short, full: {eta: the
    tuning score (mean final validation accuracy, None if a seed diverged)}, chosen_short,
    chosen_full, holds (the same eta wins both), cost: when it does not hold and the short
    budget's choice did not diverge, the full-budget Welch comparison of the full-budget winner
    against the short-budget one (validation %, with its word), else None}."""
    at_short = {eta: [truncated(r, short) for r in rs] for eta, rs in by_eta.items()}
    found = {"short": {eta: score(rs) for eta, rs in at_short.items()},
             "full": {eta: score(rs) for eta, rs in by_eta.items()},
             "chosen_short": choose_eta(at_short), "chosen_full": choose_eta(by_eta)}
    found["holds"] = found["chosen_short"] == found["chosen_full"]
    found["cost"] = None
    if not found["holds"] and None not in (found["chosen_full"],
                                           found["full"].get(found["chosen_short"])):
        finals = {eta: [100 * r["history"]["evaluation_accuracy"][-1] for r in by_eta[eta]]
                  for eta in (found["chosen_full"], found["chosen_short"])}
        result = welch(*finals.values())
        found["cost"] = result | {"word": decide(result["lo"], result["hi"])}
    return found


def same_as_tuning(by_eta, tuned, short):
    """(k, n, largest): of the n records of `by_eta` with a tuning run of the same eta and seed
    in `tuned` ({eta: records}, the tuning runs of the same cell), how many repeat its
    validation accuracies exactly over the first `short` epochs, and the largest difference of
    the others (accuracy, as a fraction; 0 if all repeat; pairs with a diverged epoch left out
    of it)."""
    pairs = [(r["history"]["evaluation_accuracy"][:short], t["history"]["evaluation_accuracy"])
             for eta, rs in by_eta.items() for r in rs for t in tuned.get(eta, [])
             if t["config"]["seed"] == r["config"]["seed"]]
    gaps = [max(abs(x - y) for x, y in zip(a, b)) for a, b in pairs
            if a != b and None not in a + b]
    return sum(a == b for a, b in pairs), len(pairs), max(gaps, default=0.0)
