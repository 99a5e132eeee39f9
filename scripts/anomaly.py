"""Anomaly detection with the same Network: an autoencoder that has never seen a 9.

A [784, 64, 784] autoencoder (scripts/configs/anomaly.toml) learns to reproduce the training
images of the digits 0-8. Each test image is scored by its reconstruction error (mean squared,
per pixel); a 9 should reconstruct worse. How well the score separates the 9s from the rest is
the area under the ROC curve (AUC, 0.5 = chance), against the baseline score of squared distance
to the mean training image. Writes results/anomaly/anomaly.json, roc.png and reconstructions.png.

    python scripts/anomaly.py [--results DIR]
"""

import argparse
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nielsen_net import Network, load_mnist  # noqa: E402
from nielsen_net.analysis import roc_auc, roc_curve, spread  # noqa: E402
from nielsen_net.experiment import PROJECT_ROOT, environment  # noqa: E402
from nielsen_net.results import write_record  # noqa: E402

CONFIG = PROJECT_ROOT / "scripts" / "configs" / "anomaly.toml"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args()
    with open(CONFIG, "rb") as f:
        config = tomllib.load(f)
    mnist = load_mnist()
    normal = mnist.train.y != config["anomaly_digit"]
    X = mnist.train.X[normal]                              # (~45,000, 784)
    X_test, positive = mnist.test.X, mnist.test.y == config["anomaly_digit"]
    baseline = ((X_test - X.mean(axis=0)) ** 2).mean(axis=1)  # (10000,)
    nets, errors = [], []
    for seed in config["seeds"]:
        net = Network(seed=seed, **config["network"])
        net.SGD((X, X), **config["training"], monitor_training=False, progress=True)
        nets.append(net)
        errors.append(((net.feedforward(X_test) - X_test) ** 2).mean(axis=1))
    aucs = [roc_auc(e, positive) for e in errors]
    out = args.results / "anomaly"
    write_record(out / "anomaly.json", {
        "config": config, "training_images": int(len(X)),
        "test_images": int(len(X_test)), "anomalies_in_test": int(positive.sum()),
        "autoencoder_auc": spread(aucs), "autoencoder_auc_per_seed": aucs,
        "baseline_auc": roc_auc(baseline, positive),
        "mean_error_normal": float(errors[0][~positive].mean()),
        "mean_error_anomalies": float(errors[0][positive].mean()),
        "mean_error_per_digit": [float(errors[0][mnist.test.y == d].mean()) for d in range(10)],
        "environment": environment()})
    plot_roc(errors, baseline, positive, aucs, out / "roc.png")
    plot_reconstructions(nets[0], X_test, errors[0], out / "reconstructions.png")
    print(f"AUC, 9s vs the rest: autoencoder {np.mean(aucs):.3f} ± {np.std(aucs, ddof=1):.3f} "
          f"over {len(aucs)} seeds; distance to the mean image {roc_auc(baseline, positive):.3f};"
          f" wrote {out}")


def plot_roc(errors, baseline, positive, aucs, path):
    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=110)
    for i, (error, auc) in enumerate(zip(errors, aucs)):
        ax.plot(*roc_curve(error, positive), color="tab:blue", lw=1,
                label=f"autoencoder, seed {i} (AUC {auc:.3f})")
    ax.plot(*roc_curve(baseline, positive), color="tab:red", ls="--",
            label=f"distance to mean image (AUC {roc_auc(baseline, positive):.3f})")
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, label="chance (AUC 0.5)")
    ax.set(xlabel="false positive rate (non-9s flagged)", ylabel="true positive rate (9s found)",
           title="Finding the 9s by reconstruction error")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_reconstructions(net, X, error, path, n=8):
    """The n best and n worst reconstructed test images: original above, reconstruction below."""
    order = np.argsort(error)
    picks = {"best": order[:n], "worst": order[-n:][::-1]}
    fig, axes = plt.subplots(4, n, figsize=(n * 1.1, 5), dpi=110)
    for block, (name, rows) in enumerate(picks.items()):
        for j, i in enumerate(rows):
            for k, image in enumerate((X[i], net.feedforward(X[i:i + 1])[0])):
                ax = axes[2 * block + k, j]
                ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if j == 0:
                    ax.set_ylabel(f"{name}\n{'original' if k == 0 else 'rebuilt'}", fontsize=7)
            axes[2 * block, j].set_title(f"err {error[i]:.3f}", fontsize=7)
    fig.suptitle("Best and worst reconstructions of test images (seed 0)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    main()
