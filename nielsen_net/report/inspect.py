"""Inside two trained networks: first-layer weights and confident mistakes, figures and report.
"""

import matplotlib.pyplot as plt
import numpy as np

from ..analysis.measures import numbers
from .drawing import INIT_LABELS, figure
from .markdown import NOT_RUN, Figure, image_lines, table, use_case


def inspect_weights(record):
    """The first-layer weights of the first units of each network, as 28x28 images (one
    diverging colour scale per network centred on 0: purple negative, orange positive)."""
    nets = record["networks"]
    units = record["config"]["shown_units"]
    side = int(np.ceil(np.sqrt(units)))
    fig = plt.figure(figsize=(5 * len(nets), 5.6), layout="constrained")
    fig.suptitle(f"First-layer weights of the first {units} hidden units, each a 28x28 image "
                 f"of what excites it (after {record['config']['training']['epochs']} epochs)")
    for sub, (name, net) in zip(fig.subfigures(1, len(nets)), nets.items()):
        c = record["config"]["networks"][name]
        weights = numbers(net["first_layer"])          # (units, 784)
        limit = np.abs(weights).max()
        axes = sub.subplots(side, side)
        for ax, unit in zip(axes.flat, range(side * side)):
            ax.set_axis_off()
            if unit < len(weights):
                ax.imshow(weights[unit].reshape(28, 28), cmap="PuOr", vmin=-limit, vmax=limit,
                          gid="unit")
        sub.suptitle(f"{c['activation']}, init {INIT_LABELS[c['init']]}: test "
                     f"{100 * net['test_accuracy']:.2f}%, |w| up to {limit:.2f}")
    return fig


def inspect_mistakes(record):
    """The test digits the better network (by validation) gets most confidently wrong."""
    mistakes = record["mistakes"]
    n = len(mistakes["true"])
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, axes = figure(rows, cols, (1.6 * cols + 0.5, 1.8 * rows + 0.8),
                       f"The {n} test digits the {mistakes['network']} network\n(better on "
                       "validation) gets most confidently wrong")
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, image, true, predicted, output in zip(axes.flat, mistakes["image"], mistakes["true"],
                                                  mistakes["predicted"], mistakes["output"]):
        ax.imshow(numbers(image).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1, gid="digit")
        ax.set_title(f"true {true}, said {predicted}\n(output {output:.2f})", fontsize=8)
    return fig


FIGURES = {
    "weights.png": Figure(
        inspect_weights, "first-layer weights",
        "what the first-layer units of a sigmoid net and of a ReLU net respond to"),
    "mistakes.png": Figure(
        inspect_mistakes, "most confident mistakes",
        "which test digits the better network gets wrong with the most confidence, and what it "
        "takes them for"),
}


def section(results):
    head, r = use_case(results, "inspect", "Inside two trained networks")
    if r is None:
        return head + NOT_RUN
    c = r["config"]
    rows = [(name, f"{c['networks'][name]['activation']}, {c['networks'][name]['init']}",
             f"{c['networks'][name]['eta']:g}",
             f"{100 * numbers(n['history']['evaluation_accuracy'])[-1]:.2f}",
             f"{100 * n['test_accuracy']:.2f}",
             " / ".join(f"{100 * d:.0f}" for d in n["dead_fraction"]))
            for name, n in r["networks"].items()]
    return (head + f"One seed ({c['seed']}) of two {c['networks']['sigmoid']['sizes']} networks "
            f"trained {c['training']['epochs']} epochs with lmbda = {c['training']['lmbda']:g} "
            f"(`scripts/configs/inspect.toml`), to look at what they learned: the first-layer "
            f"weights of {c['shown_units']} hidden units as images, and the "
            f"{c['shown_mistakes']} test digits that the network with the better final "
            f"validation accuracy ({r['mistakes']['network']}) gets wrong with the largest "
            "output for its wrong answer. One seed: a picture, not a comparison.\n\n"
            + table(["network", "activation, init", "eta", "final validation %", "test %",
                     "dead hidden units %"], rows)
            + "\n" + image_lines(results, "inspect", FIGURES) + "\n")
