"""Looking inside two trained networks: first-layer weights and the most confident mistakes.

Trains the networks of scripts/configs/inspect.toml (the book's sigmoid network with its default
init, and the same with ReLU units and He init) on MNIST's 50,000 training images, scoring the
validation set after each epoch. Writes results/inspect/inspect.json with, per network, its
history, test accuracy, dead hidden units and the first-layer weights of the first units (each a
28x28 image); and, for the network with the better final validation accuracy (never chosen on
test), the test digits it gets most confidently wrong. `make plots` draws them.

    python scripts/inspect_nets.py [--results DIR] [--config TOML] [--force]
"""

import numpy as np

from nielsen_net import Network
from nielsen_net.data.cli import load_or_exit
from nielsen_net.nn.diagnostics import confident_mistakes, dead_fraction
from nielsen_net.experiments.run import PROBE_SIZE
from nielsen_net.experiments.records import write_record
from nielsen_net.experiments.usecases import NAMED, NETWORK, SGD, command_line, start

# the valid keys of scripts/configs/inspect.toml; each network also sets its own eta
SCHEMA = {"seed": None, "shown_units": None, "shown_mistakes": None, "training": SGD,
          "networks": {NAMED: NETWORK | {"eta": None}}}


def train(mnist, seed, network, training):
    """A trained Network and its per-epoch History for one entry of [networks]."""
    settings = dict(network)
    eta = settings.pop("eta")
    net = Network(seed=seed, **settings)
    history = net.SGD((mnist.train.X, mnist.train.y), eta=eta, **training,
                      evaluation_data=(mnist.validation.X, mnist.validation.y),
                      monitor_training=False, progress=True)
    return net, history


def main():
    config, path, _, env = start(command_line("inspect", __doc__).parse_args(), SCHEMA,
                                 "inspect/inspect.json")
    mnist = load_or_exit()
    nets, record = {}, {"config": config, "networks": {}}
    for name, network in config["networks"].items():
        net, history = train(mnist, config["seed"], network, config["training"])
        nets[name] = net
        record["networks"][name] = {
            "history": history.to_dict(),
            "test_accuracy": net.accuracy(*mnist.test),
            "dead_fraction": dead_fraction(net, mnist.train.X[:PROBE_SIZE]),
            # (shown_units, 784): each row one hidden unit's weights, an image of the input
            "first_layer": np.round(net.weights[0][:config["shown_units"]], 4)}
    best = max(nets, key=lambda n: record["networks"][n]["history"]["evaluation_accuracy"][-1])
    rows, predicted, confidence = confident_mistakes(nets[best], *mnist.test,
                                                     config["shown_mistakes"])
    record["mistakes"] = {"network": best, "index": rows, "true": mnist.test.y[rows],
                          "predicted": predicted, "output": confidence,
                          "image": np.round(mnist.test.X[rows], 3)}
    write_record(path, record | {"environment": env})
    for name, net in record["networks"].items():
        print(f"{name}: test accuracy {100 * net['test_accuracy']:.2f}%")
    print(f"mistakes of {best} (better on validation); wrote {path}")


if __name__ == "__main__":
    main()
