"""The first anomaly use case: an autoencoder that has never seen a 9 (`make anomaly`).

A [784, 64, 784] autoencoder (scripts/configs/anomaly.toml) learns to reproduce the training
images of the digits 0-8. Each test image is scored by its reconstruction error (mean squared,
per pixel); a 9 should reconstruct worse. How well the score separates the 9s from the rest is
the area under the ROC curve (AUC, 0.5 = chance), against the baseline score of squared distance
to the mean training image. `anomaly_record` returns results/anomaly/anomaly.json's content,
which also holds each ROC curve and the best and worst reconstructions and those of the first
9s, so `make plots` draws roc.png and reconstructions.png. The one-class protocol
(`study.py`) keeps this case as its hard case, with its own selected autoencoder.

Left out: files and the command line (scripts/anomaly.py).
"""

import numpy as np

from ..analysis.measures import roc_auc, roc_curve, spread
from ..nn.network import Network

SHOWN = 8  # reconstructions kept for the figure: best, worst, first anomalies


def corners(fpr, tpr):
    """The points where a ROC staircase turns (and its ends): the same curve, far fewer points."""
    turn = np.flatnonzero(np.diff(np.sign(np.diff(fpr)) - np.sign(np.diff(tpr)))) + 1
    keep = np.concatenate([[0], turn, [len(fpr) - 1]])
    return {"fpr": fpr[keep], "tpr": tpr[keep]}


def anomaly_record(config, mnist, progress=False):
    """The record of the use case `config` (anomaly.toml's content) on `mnist`, without its
    environment."""
    normal = mnist.train.y != config["anomaly_digit"]
    X = mnist.train.X[normal]                              # (~45,000, 784)
    X_test, positive = mnist.test.X, mnist.test.y == config["anomaly_digit"]
    baseline = ((X_test - X.mean(axis=0)) ** 2).mean(axis=1)  # (10000,)
    nets, errors = [], []
    for seed in config["seeds"]:
        net = Network(seed=seed, **config["network"])
        net.SGD((X, X), **config["training"], monitor_training=False, progress=progress)
        nets.append(net)
        errors.append(((net.feedforward(X_test) - X_test) ** 2).mean(axis=1))
    aucs = [roc_auc(e, positive) for e in errors]
    order = np.argsort(errors[0])
    shown = {"best": order[:SHOWN], "worst": order[-SHOWN:][::-1],
             # the class it is about, as they come in the test set (not picked by error)
             f"first {config['anomaly_digit']}s": np.flatnonzero(positive)[:SHOWN]}
    return {
        "config": config, "training_images": int(len(X)),
        "test_images": int(len(X_test)), "anomalies_in_test": int(positive.sum()),
        "autoencoder_auc": spread(aucs), "autoencoder_auc_per_seed": aucs,
        "baseline_auc": roc_auc(baseline, positive),
        "mean_error_normal": float(errors[0][~positive].mean()),
        "mean_error_anomalies": float(errors[0][positive].mean()),
        "mean_error_per_digit": [float(errors[0][mnist.test.y == d].mean()) for d in range(10)],
        "roc": {"autoencoder": [corners(*roc_curve(e, positive)) for e in errors],
                "baseline": corners(*roc_curve(baseline, positive))},
        # seed 0's best and worst test images, rounded to 3 decimals: they are only drawn
        "reconstructions": {name: {"error": errors[0][rows],
                                   "original": np.round(X_test[rows], 3),
                                   "rebuilt": np.round(nets[0].feedforward(X_test[rows]), 3)}
                            for name, rows in shown.items()}}
