"""Regression with the same Network: identity output, quadratic cost, on data made here.

The data (scripts/configs/regression.toml): x ~ Uniform[-3, 3], y = sin(2x) + 0.3x plus
Gaussian noise of standard deviation `noise`, so the best possible test mean squared error is
noise^2. A [1, 32, 1] tanh net is trained over several seeds and compared with the least-squares
line y = a x + b fitted to the same training data. Writes results/regression/regression.json and
fit.png.

    python scripts/regression.py [--results DIR]
"""

import argparse
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nielsen_net import Network  # noqa: E402
from nielsen_net.analysis import spread  # noqa: E402
from nielsen_net.experiment import PROJECT_ROOT, environment  # noqa: E402
from nielsen_net.results import write_record  # noqa: E402

CONFIG = PROJECT_ROOT / "scripts" / "configs" / "regression.toml"


def target(x):
    return np.sin(2 * x) + 0.3 * x


def make_data(n, noise, rng):
    """(x, y), each (n, 1)."""
    x = rng.uniform(-3, 3, (n, 1))
    return x, target(x) + noise * rng.standard_normal((n, 1))


def mse(prediction, y):
    return float(np.mean((prediction - y) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args()
    with open(CONFIG, "rb") as f:
        config = tomllib.load(f)
    rng = np.random.default_rng(config["data_seed"])
    (x, y), (x_test, y_test) = (make_data(config[k], config["noise"], rng)
                                for k in ("n_train", "n_test"))
    line = np.polyfit(x[:, 0], y[:, 0], 1)  # least-squares a, b
    line_mse = mse(np.polyval(line, x_test), y_test)
    nets = []
    for seed in config["seeds"]:
        net = Network(seed=seed, **config["network"])
        net.SGD((x, y), **config["training"], monitor_training=False)
        nets.append(net)
    net_mse = spread([mse(net.feedforward(x_test), y_test) for net in nets])
    out = args.results / "regression"
    write_record(out / "regression.json", {
        "config": config, "formula": "y = sin(2x) + 0.3x + N(0, noise^2), x ~ U[-3, 3]",
        "noise_floor_mse": config["noise"] ** 2, "network_test_mse": net_mse,
        "linear_test_mse": line_mse, "linear_fit": {"a": line[0], "b": line[1]},
        "environment": environment()})
    plot(x, y, nets, line, out / "fit.png", net_mse, line_mse)
    print(f"test MSE: network {net_mse['mean']:.4f} ± {net_mse['std']:.4f} over "
          f"{net_mse['n']} seeds, least-squares line {line_mse:.4f}, noise floor "
          f"{config['noise'] ** 2:.4f}; wrote {out}")


def plot(x, y, nets, line, path, net_mse, line_mse):
    grid = np.linspace(-3, 3, 400)[:, None]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    ax.scatter(x[:, 0], y[:, 0], s=4, color="0.7", label="training data")
    ax.plot(grid, target(grid), color="black", lw=1.5, label="true function")
    for i, net in enumerate(nets):
        ax.plot(grid, net.feedforward(grid), color="tab:blue", lw=1, alpha=0.8,
                label=f"network, {len(nets)} seeds (test MSE {net_mse['mean']:.4f})" if i == 0
                else None)
    ax.plot(grid, np.polyval(line, grid), color="tab:red", ls="--",
            label=f"least-squares line (test MSE {line_mse:.4f})")
    ax.set(xlabel="x", ylabel="y", title="Regression: [1, 32, 1] tanh net vs a straight line")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    main()
