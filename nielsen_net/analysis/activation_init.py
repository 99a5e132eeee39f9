"""Activation x initialisation: which pair is best at each depth, what He init buys against the
large N(0,1) and what its zero biases change, and which ReLU nets start with dead units.

Every "better" is Welch's 95% interval of the difference of mean test accuracies
(`verdicts.compare`); a claim needs two seeds a side, so a sweep still running may not have
one yet.

Left out: any wording (nielsen_net.report.activation_init).
"""

from .measures import measure, summary
from .stats import binomial_error
from .verdicts import compare

DEAD_AT_INIT = 5.0  # %: a configuration "starts with dead units" above this
HE_AGAINST_LARGE = ("relu", "leaky_relu", "sigmoid")  # activations whose He init is compared
# the pairs of inits compared per activation: He (zero biases) against the large N(0,1) init,
# and against He's weights with the book's N(0,1) biases (what the zero biases change)
PAIRS = {"he_vs_large": ("he", "gaussian"), "he_biases": ("he", "he_gaussian_biases")}


def summaries(runs, sweep):
    """{configuration: `measures.summary` of its records | {config (its RunConfig), records,
    test (its test accuracies, %)}} for the configurations of `sweep` that have runs, in the
    sweep's order."""
    return {name: summary(runs[name]) | {"config": config, "records": runs[name],
                                         "tests": [measure(r, "test") for r in runs[name]]}
            for name, config in sweep.configurations.items() if runs.get(name)}


def hidden_layers(s):
    return len(s["config"].sizes) - 2


def ranking(summaries):
    """Per depth with at least two configurations of two or more seeds: {hidden, best,
    runner_up, lowest (summaries, by mean test accuracy), comparison (best against the
    runner-up), and per pair of PAIRS (he_vs_large, he_biases): [(activation, the first init's
    summary, the second's, comparison)] for each of HE_AGAINST_LARGE that ran both}."""
    found = []
    for hidden in sorted({hidden_layers(s) for s in summaries.values()}):
        at_depth = [s for s in summaries.values()
                    if hidden_layers(s) == hidden and s["test"]["n"] > 1]
        ranked = sorted(at_depth, key=lambda s: -s["test"]["mean"])
        if len(ranked) < 2:
            continue
        pairs = {"he_vs_large": [], "he_biases": []}
        for activation in HE_AGAINST_LARGE:
            by_init = {s["config"].init: s for s in at_depth
                       if s["config"].activation == activation}
            for key, (a, b) in PAIRS.items():
                if {a, b} <= set(by_init):
                    pairs[key].append((activation, by_init[a], by_init[b],
                                       compare(by_init[a]["tests"], by_init[b]["tests"])))
        found.append({"hidden": hidden, "best": ranked[0], "runner_up": ranked[1],
                      "lowest": ranked[-1],
                      "comparison": compare(ranked[0]["tests"], ranked[1]["tests"])} | pairs)
    return found


def sampling_error(summaries, images=10_000):
    """(the highest mean test accuracy, a fraction; the test set's own sampling error of one
    accuracy there: the binomial standard error on `images` test images, in points)."""
    accuracy = max(s["test"]["mean"] for s in summaries.values()) / 100
    return accuracy, 100 * binomial_error(accuracy, images)


def dead_at_start(summaries):
    """The ReLU summaries whose mean share of dead units at initialisation is over
    DEAD_AT_INIT %, in order."""
    return [s for s in summaries.values()
            if s["config"].activation == "relu" and s["dead_init"]["mean"] > DEAD_AT_INIT]


def most_dead(summaries):
    """The ReLU summary with the most dead units at the end (mean over layers and seeds), or
    None without ReLU runs."""
    relu = [s for s in summaries.values() if s["config"].activation == "relu"]
    return max(relu, key=lambda s: s["dead_end"]["mean"]) if relu else None
