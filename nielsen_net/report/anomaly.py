"""The anomaly use case: finding the digit an autoencoder never saw, figures and report section.

The one-class protocol's figures share its folder (results/anomaly/): `one_class`.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import one_class
from .drawing import DPI
from .markdown import NOT_RUN, Figure, image_lines, pm, table, use_case


def anomaly_roc(record):
    """Each seed's ROC curve of the reconstruction error, the baseline's, and chance."""
    digit = record["config"]["anomaly_digit"]
    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=DPI)
    for i, (roc, auc) in enumerate(zip(record["roc"]["autoencoder"],
                                       record["autoencoder_auc_per_seed"])):
        ax.plot(roc["fpr"], roc["tpr"], color="tab:blue", lw=1,
                label=f"autoencoder, seed {record['config']['seeds'][i]} (AUC {auc:.3f})")
    ax.plot(record["roc"]["baseline"]["fpr"], record["roc"]["baseline"]["tpr"], color="tab:red",
            ls="--", label=f"distance to mean image (AUC {record['baseline_auc']:.3f})")
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, label="chance (AUC 0.5)")
    ax.set(xlabel=f"false positive rate (non-{digit}s flagged)",
           ylabel=f"true positive rate ({digit}s found)",
           title=f"Finding the {digit}s by reconstruction error")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def anomaly_reconstructions(record):
    """The best and worst reconstructed test images, and (in newer records) the first test
    images of the digit it never saw: original above, reconstruction below."""
    shown = record["reconstructions"]
    n = len(shown["best"]["error"])
    fig, axes = plt.subplots(2 * len(shown), n, figsize=(n * 1.1, 2.5 * len(shown)), dpi=DPI)
    for block, (name, images) in enumerate(shown.items()):
        for j, error in enumerate(images["error"]):
            for k, key in enumerate(("original", "rebuilt")):
                ax = axes[2 * block + k, j]
                ax.imshow(np.reshape(images[key][j], (28, 28)), cmap="gray_r", vmin=0, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if j == 0:
                    ax.set_ylabel(f"{name}\n{key}", fontsize=7)
            axes[2 * block, j].set_title(f"err {error:.3f}", fontsize=7)
    fig.suptitle(f"Test images rebuilt by the autoencoder (seed {record['config']['seeds'][0]}): "
                 f"{', '.join(shown)}", fontsize=10)
    fig.tight_layout()
    return fig


FIGURES = {
    "roc.png": Figure(
        anomaly_roc, "ROC curves",
        "how well the reconstruction error finds the digit the autoencoder never saw, against "
        "a simple baseline"),
    "reconstructions.png": Figure(
        anomaly_reconstructions, "best and worst reconstructions",
        "which test images the autoencoder rebuilds best and worst, and how it rebuilds the "
        "digit it never saw"),
} | one_class.FIGURES


def section(results):
    head, r = use_case(results, "anomaly", "Anomaly detection")
    if r is None:
        return head + NOT_RUN
    c, auc = r["config"], r["autoencoder_auc"]
    seen = [e for d, e in enumerate(r["mean_error_per_digit"]) if d != c["anomaly_digit"]]
    return (head + f"An autoencoder {c['network']['sizes']} ({c['network']['cost']}, "
            f"{c['training']['epochs']} epochs) built from the same `Network`, trained on the "
            f"{r['training_images']:,} training images of every digit but "
            f"{c['anomaly_digit']}. Each of the {r['test_images']:,} test images is scored by "
            f"its reconstruction error; how well that score picks out the "
            f"{r['anomalies_in_test']:,} {c['anomaly_digit']}s is the area under the ROC curve "
            f"(0.5 = chance, 1 = perfect) (`scripts/configs/anomaly.toml`).\n\n"
            + table(["score", f"ROC AUC, {c['anomaly_digit']}s vs the rest"], [
                (f"autoencoder reconstruction error ({auc['n']} seeds, mean ± std)",
                 pm(auc, 3)),
                ("squared distance to the mean training image", f"{r['baseline_auc']:.3f}")])
            + f"\nMean reconstruction error (seed 0): {r['mean_error_normal']:.4f} on the other "
              f"digits, {r['mean_error_anomalies']:.4f} on the {c['anomaly_digit']}s; per test "
              f"digit it ranges from {min(seen):.4f} to {max(seen):.4f} over the digits the "
              f"autoencoder saw:\n\n"
            + table([str(d) for d in range(10)],
                    [[f"{e:.4f}" for e in r["mean_error_per_digit"]]]) + "\n"
            + image_lines(results, "anomaly", FIGURES) + "\n")
