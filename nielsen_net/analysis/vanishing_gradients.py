"""Vanishing gradients across depth: how fast the first hidden layer learns against the last.

The measure is the ratio of the first to the last hidden layer's bias-gradient norm ||dC/db||
(chapter 5's speed of learning per layer), at initialisation and after training; a class
(`gradient_class`) names what it does at the deepest nets.

Left out: any wording (nielsen_net.report.vanishing_gradients).
"""

import numpy as np

from .measures import measure, numbers, spread

RATIO_BAND = 10         # first/last gradient ratio outside [1/RATIO_BAND, RATIO_BAND]: a class
KEEPS_LEARNING = 90.0   # % final validation accuracy, with the ratio in the band: "kept"
CLASSES = ("vanishing", "exploding", "kept")


def gradient_ratio(record, epoch):
    """First over last hidden layer's bias-gradient norm after `epoch` (0 = initialisation);
    NaN where a layer has no gradient (dead or diverged)."""
    norms = numbers(record["diagnostics"]["bias_gradient_norms"][epoch])
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(norms[0] / norms[-1])


def gradient_class(ratio_init, ratio_end, final_accuracy):
    """"vanishing" (the first layer's gradient under 1/RATIO_BAND of the last's at
    initialisation), "exploding" (over RATIO_BAND times), "kept" (within the band at
    initialisation and at the end, and a final accuracy over KEEPS_LEARNING %) or None."""
    if ratio_init < 1 / RATIO_BAND:
        return "vanishing"
    if ratio_init > RATIO_BAND:
        return "exploding"
    if (1 / RATIO_BAND <= ratio_init <= RATIO_BAND and 1 / RATIO_BAND <= ratio_end <= RATIO_BAND
            and final_accuracy > KEEPS_LEARNING):
        return "kept"
    return None


def depth_row(records):
    """What the report states of one configuration: {hidden, activation, init, n, diverged,
    ratio_init (spread over every seed), ratio_end (over the seeds that did not diverge), final
    (validation accuracy, %, over the seeds that have one: a diverged run stops with none),
    class (`gradient_class` of those means)}."""
    c = records[0]["config"]
    finished = [r for r in records if not r["history"]["diverged"]]
    row = {"hidden": len(c["sizes"]) - 2, "activation": c["activation"], "init": c["init"],
           "n": len(records), "diverged": len(records) - len(finished),
           "ratio_init": spread([gradient_ratio(r, 0) for r in records]),
           "ratio_end": spread([gradient_ratio(r, -1) for r in finished]),
           "final": spread([measure(r, "final") for r in records])}
    return row | {"class": gradient_class(row["ratio_init"]["mean"], row["ratio_end"]["mean"],
                                          row["final"]["mean"])}


def deepest_classes(rows):
    """{class: [rows]} of CLASSES over the rows (`depth_row`) with the most hidden layers,
    each sorted by activation and init."""
    deepest = max(row["hidden"] for row in rows)
    ordered = sorted((r for r in rows if r["hidden"] == deepest),
                     key=lambda r: (r["activation"], r["init"]))
    return {cls: [r for r in ordered if r["class"] == cls] for cls in CLASSES}
