"""What the one-class record shows: the numbers the report states and the word of each
comparison it draws, so that nielsen_net.report.one_class only formats them.

Each function takes the record (results/anomaly/one_class.json) or a part of it. Where the test
set's own sampling error widens an interval, `counts` is the test images per digit
(`protocol.digit_counts`); None leaves that error out, and the interval is over seeds alone.

Left out: the protocol's rules and their arithmetic (protocol.py) and all wording (the report).
"""

import math

import numpy as np

from ..analysis.stats import decide
from . import protocol as oc

CHANCE = 0.5  # the AUC of a score that ranks the test images at random


def grid_size(grid):
    """How many combinations a selection grid ({axis: list of values}) holds."""
    return math.prod(len(values) for values in grid.values())


def eta_grid_grown(stage2):
    """True if selection stage 2 grew its eta grid beyond the first one (its choice sat at an
    edge of it)."""
    return stage2["grid"] != stage2["first_grid"]


def interval(values, error=None):
    """(mean, lo, hi) of one AUC over seeds: with the test set's standard error `error`,
    `protocol.auc_interval`; without it (None), over the seeds alone (`protocol.auc_summary`)."""
    return oc.auc_summary(values) if error is None else oc.auc_interval(values, error)


def autoencoder_intervals(auc, counts=None):
    """{"0".."9", "mean": (mean, lo, hi)}: `interval` of the autoencoder's AUC per digit and of
    its mean over the digits (one value per seed, `protocol.mean_over_digits`), from `auc`
    ({method: {digit: [AUC per seed]}}), with each one's test-set error
    (`protocol.test_errors`) when `counts` is given."""
    per_digit = auc["autoencoder"]
    errors = None if counts is None else oc.test_errors(auc, counts)["autoencoder"]
    values = per_digit | {"mean": oc.mean_over_digits(per_digit)}
    return {key: interval(v, None if errors is None else errors[key]) for key, v in values.items()}


def digits_by_word(differences):
    """{"higher", "lower", "not distinguishable": [digit, ...]}: the digits "0".."9", in order,
    whose difference (`protocol.differences`) has that word."""
    return {word: [d for d in map(str, range(oc.DIGITS)) if differences[d]["word"] == word]
            for word in ("higher", "lower", "not distinguishable")}


def published_auc(published):
    """(AUC per digit (10,), their mean): one published method's figures as fractions (the
    record holds them in percent)."""
    return np.array(published["auc_percent"]) / 100, np.mean(published["auc_percent"]) / 100


def chosen_k_range(pca):
    """(fewest, most): the numbers of PCA components the validation rule chose over the digits,
    from the record's methods["pca"]."""
    ks = [v["components"] for v in pca["per_digit"].values()]
    return min(ks), max(ks)


def fixed_k_against_autoencoder(record):
    """(k, PCA's mean AUC at k, word): the one number of PCA components that maximises PCA's
    mean test AUC over the digits (`protocol.best_fixed_k`, found on the test set), that mean,
    and "above" if it exceeds the autoencoder's mean AUC, "below" if not."""
    pca = record["methods"]["pca"]
    k, best, _ = oc.best_fixed_k(pca["per_digit"], pca["components_candidates"])
    return k, best, "above" if best > record["mean_auc"]["autoencoder"] else "below"


def hard_case_auc(hard, counts=None):
    """(mean, lo, hi, word): `interval` of the autoencoder's AUC in the hard case (`hard`: the
    record's hard_case), with its test-set error (`protocol.hard_case_error`) when `counts` is
    given, and `stats.decide` of that interval against chance: "higher", "lower" or "not
    distinguishable"."""
    values = hard["auc"]["autoencoder"]
    error = None if counts is None else oc.hard_case_error(values, counts, hard["anomaly_digit"])
    mean, lo, hi = interval(values, error)
    return mean, lo, hi, decide(lo - CHANCE, hi - CHANCE)


def hard_case_ink(hard):
    """(mean ink of the anomaly digit's images, mean over the other digits of theirs, word):
    `protocol.ink_contrast` of the hard case's mean ink per digit, and "less" if the anomaly
    digit carries less ink than the others, "more" if not."""
    ink_digit, ink_others = oc.ink_contrast(hard["mean_ink_per_digit"], hard["anomaly_digit"])
    return ink_digit, ink_others, "less" if ink_digit < ink_others else "more"


def hard_case_negative(hard, one_class_auc, counts=None):
    """(lowest, negative): the autoencoder's lowest one-class AUC (mean over seeds) of any digit,
    from `one_class_auc` ({digit: [AUC per seed]}), and True if even the upper end of the hard
    case's interval (`hard_case_auc`) lies below it: a negative result."""
    lowest = min(oc.auc_summary(v)[0] for v in one_class_auc.values())
    return lowest, hard_case_auc(hard, counts)[2] < lowest
