"""Regression with the same Network: identity output, quadratic cost, on data made here.

The data (scripts/configs/regression.toml): x ~ Uniform[-3, 3], y = sin(2x) + 0.3x plus
Gaussian noise of standard deviation `noise`, so the best possible test mean squared error is
noise^2. A [1, 32, 1] tanh net is trained over several seeds and compared with the least-squares
line y = a x + b fitted to the same training data. Writes results/regression/regression.json,
which holds the training data and each model's curve, so `make plots` draws fit.png from it.

    python scripts/regression.py [--results DIR] [--config TOML] [--force]
"""

import numpy as np

from nielsen_net import Network
from nielsen_net.analysis.measures import spread
from nielsen_net.experiments.records import write_record
from nielsen_net.experiments.usecases import NETWORK, SGD, command_line, start

# the valid keys of scripts/configs/regression.toml
SCHEMA = {"noise": None, "n_train": None, "n_test": None, "data_seed": None, "seeds": None,
          "network": NETWORK, "training": SGD}


def target(x):
    return np.sin(2 * x) + 0.3 * x


def make_data(n, noise, rng):
    """(x, y), each (n, 1)."""
    x = rng.uniform(-3, 3, (n, 1))
    return x, target(x) + noise * rng.standard_normal((n, 1))


def mse(prediction, y):
    return float(np.mean((prediction - y) ** 2))


def main():
    config, path, _, env = start(command_line("regression", __doc__).parse_args(), SCHEMA,
                                 "regression/regression.json")
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
    grid = np.linspace(-3, 3, 400)[:, None]  # (400, 1): where the curves are drawn
    write_record(path, {
        "config": config, "formula": "y = sin(2x) + 0.3x + N(0, noise^2), x ~ U[-3, 3]",
        "noise_floor_mse": config["noise"] ** 2, "network_test_mse": net_mse,
        "linear_test_mse": line_mse, "linear_fit": {"a": line[0], "b": line[1]},
        "training_data": {"x": x[:, 0], "y": y[:, 0]},
        "curves": {"x": grid[:, 0], "truth": target(grid)[:, 0],
                   "line": np.polyval(line, grid)[:, 0],
                   "networks": [net.feedforward(grid)[:, 0] for net in nets]},
        "environment": env})
    print(f"test MSE: network {net_mse['mean']:.4f} ± {net_mse['std']:.4f} over "
          f"{net_mse['n']} seeds, least-squares line {line_mse:.4f}, noise floor "
          f"{config['noise'] ** 2:.4f}; wrote {path}")


if __name__ == "__main__":
    main()
