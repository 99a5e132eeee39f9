"""The toy problems of the "11 lines of Python" tradition, on four rows of three inputs.

A net with no hidden layer ([3, 1], logistic regression) learns y = first input, but cannot learn
the XOR-like y = first input XOR second input, which no line separates: some row always stays
wrong by 0.5 or more, and usually every output settles at 0.5, a mean error of 0.5. One hidden
layer ([3, 4, 1]) learns it. Full-batch gradient descent on the quadratic cost, sigmoid units,
the book's large init (N(0, 1) weights).

    python scripts/toy.py [--seed 0] [--epochs 5000]
"""

import argparse

import numpy as np

from nielsen_net import Network

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
PROBLEMS = [  # (name, sizes, targets)
    ("no hidden layer, y = x1", [3, 1], [0, 0, 1, 1]),
    ("no hidden layer, y = x1 XOR x2", [3, 1], [0, 1, 1, 0]),
    ("one hidden layer, y = x1 XOR x2", [3, 4, 1], [0, 1, 1, 0]),
]


def train(sizes, targets, seed=0, epochs=5000, eta=4.0):
    """The outputs (4,) of a net `sizes` trained on (X, targets) by full-batch descent."""
    net = Network(sizes, init="gaussian", seed=seed)
    y = np.array(targets, dtype=float)[:, None]  # (4, 1)
    net.SGD((X, y), epochs=epochs, mini_batch_size=len(X), eta=eta, monitor_training=False)
    return net.feedforward(X)[:, 0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=5000)
    args = parser.parse_args()
    print(f"{'problem':34} {'targets':>12} {'outputs':>30} {'mean |error|':>13} {'rows right':>11}")
    for name, sizes, targets in PROBLEMS:
        outputs = train(sizes, targets, args.seed, args.epochs)
        errors = np.abs(outputs - targets)
        print(f"{name:34} {str(targets):>12} {' '.join(f'{o:.3f}' for o in outputs):>30} "
              f"{errors.mean():13.3f} {np.sum(errors < 0.5):>9} of 4")


if __name__ == "__main__":
    main()
