"""The regression use case: the network's fit against a line, figure and report section.
"""

import matplotlib.pyplot as plt

from .drawing import DPI
from .markdown import NOT_RUN, Figure, image_lines, pm, table, use_case


def regression_fit(record):
    """The training data, the true function, each seed's network and the least-squares line."""
    c, curves = record["config"]["network"], record["curves"]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=DPI)
    ax.scatter(record["training_data"]["x"], record["training_data"]["y"], s=4, color="0.7",
               label="training data")
    ax.plot(curves["x"], curves["truth"], color="black", lw=1.5, label="true function")
    for i, prediction in enumerate(curves["networks"]):
        ax.plot(curves["x"], prediction, color="tab:blue", lw=1, alpha=0.8,
                label=f"network, {len(curves['networks'])} seeds (test MSE "
                      f"{record['network_test_mse']['mean']:.4f})" if i == 0 else None)
    ax.plot(curves["x"], curves["line"], color="tab:red", ls="--",
            label=f"least-squares line (test MSE {record['linear_test_mse']:.4f})")
    ax.set(xlabel="x", ylabel="y",
           title=f"Regression: {c['sizes']} {c['activation']} net vs a straight line")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


FIGURES = {
    "fit.png": Figure(
        regression_fit, "regression fit",
        "how the network's curve compares with a straight line and the truth"),
}


def section(results):
    head, r = use_case(results, "regression", "Regression")
    if r is None:
        return head + NOT_RUN
    c, net = r["config"], r["network_test_mse"]
    return (head + f"The same `Network` as a regressor: {c['network']['sizes']}, "
            f"{c['network']['activation']} hidden units, identity output, quadratic cost, on "
            f"data the project makes itself: {r['formula']}, noise {c['noise']}, "
            f"{c['n_train']:,} training and {c['n_test']:,} test points "
            f"(`scripts/configs/regression.toml`).\n\n"
            + table(["model", "test mean squared error"], [
                (f"network ({net['n']} seeds, mean ± std)", pm(net, 4)),
                ("least-squares line", f"{r['linear_test_mse']:.4f}"),
                ("noise floor (noise²)", f"{r['noise_floor_mse']:.4f}")])
            + "\n" + image_lines(results, "regression", FIGURES) + "\n")
