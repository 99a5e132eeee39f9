"""One-class MNIST: the AUC per digit against the baselines and the published figures, its
figures and report section.

Left out: the protocol's rules and numbers (nielsen_net.one_class.protocol) and what the record
shows, the comparisons' words included (nielsen_net.one_class.findings).
"""

import numpy as np

from ..experiments.records import read_if_present, read_record, run_files
from ..one_class import findings as found
from ..one_class import protocol as oc
from .drawing import COLOURS, MARKERS, figure, nth, seed_points, side_legend
from .markdown import NOT_RUN, Figure, image_lines, table

ONE_CLASS_METHODS = {"autoencoder": "autoencoder", "pca": "PCA",
                     "mean_distance": "distance to mean image"}


def one_class_auc(record):
    """AUC per normal digit: the autoencoder (mean marker, every seed a point beside it), the
    two baselines (deterministic: one point each), and the published figures (another
    protocol: see the report), each with its own colour and marker."""
    digits = np.arange(10)
    fig, axes = figure(1, 1, (10, 4.8), "One-class MNIST: test AUC per normal digit")
    ax = axes[0, 0]
    for i, (method, label) in enumerate(ONE_CLASS_METHODS.items()):
        style = {"color": COLOURS[i], "marker": MARKERS[i]}
        values = [record["auc"][method][str(d)] for d in digits]
        x = digits + 0.12 * (i - 1)
        for d, seeds in zip(x, values):
            if len(seeds) > 1:
                seed_points(ax, d + 0.05, seeds, **style)
        ax.plot(x, [np.mean(v) for v in values], linestyle="none", gid="mean",
                label=f"{label} (mean {record['mean_auc'][method]:.3f}"
                      + (f", {len(values[0])} seeds)" if len(values[0]) > 1 else ")"), **style)
    for k, published in enumerate(record["published"] or []):
        per_digit, mean = found.published_auc(published)
        ax.plot(digits + 0.3, per_digit, linestyle="none", color=nth(COLOURS, 3 + k),
                marker=nth(MARKERS, 3 + k), mfc="none", gid="published",
                label=f"{published['method']}, published (mean {mean:.3f})")
    ax.set(xticks=digits, xlabel="normal digit (trained on it alone)",
           ylabel='test AUC of "not d" against d')
    side_legend(ax)
    return fig


def one_class_histograms(record):
    """Test scores of normal and anomalous images for the figure's digit, per method."""
    shown = record["figures"]
    fig, axes = figure(1, len(ONE_CLASS_METHODS), (13, 3.8),
                       f"Scores of the test images, normal digit {shown['digit']} (autoencoder "
                       f"seed {shown['seed']})")
    for ax, (method, label) in zip(axes.flat, ONE_CLASS_METHODS.items()):
        h = shown["histograms"][method]
        for k, (kind, hatch) in enumerate((("normal", None), ("anomalous", "//"))):
            counts = np.array(h[kind], dtype=float)
            ax.stairs(counts / counts.sum(), h["edges"], color=COLOURS[k], fill=True, alpha=0.45,
                      hatch=hatch, label=f"{kind} ({int(counts.sum())})")
        ax.set(xlabel="score (mean squared error per pixel)", title=label)
        ax.legend()
    axes[0, 0].set_ylabel("fraction of the images")
    return fig


def one_class_reconstructions(record):
    """The autoencoder's best and worst reconstructed normal and anomalous test images."""
    shown = record["figures"]
    blocks = [(kind, which, shown["reconstructions"][kind][which])
              for kind in ("normal", "anomalous") for which in ("best", "worst")]
    n = len(blocks[0][2])
    fig, axes = figure(2 * len(blocks), n, (n * 1.1, 10.5),
                       f"Autoencoder for digit {shown['digit']} (seed {shown['seed']}): best and "
                       f"worst reconstructed test images")
    for b, (kind, which, images) in enumerate(blocks):
        for j, image in enumerate(images):
            for k, key in enumerate(("image", "reconstruction")):
                ax = axes[2 * b + k, j]
                ax.imshow(np.reshape(image[key], (28, 28)), cmap="gray_r", vmin=0, vmax=1,
                          gid="digit")
                ax.set_xticks([])
                ax.set_yticks([])
                ax.grid(False)
                if j == 0:
                    ax.set_ylabel(f"{kind} {which}\n{'rebuilt' if k else 'original'}",
                                  fontsize=7)
            axes[2 * b, j].set_title(f"{image['label']}: err {image['error']:.3f}", fontsize=7)
    return fig


FIGURES = {  # drawn from the protocol's own record, beside the anomaly use case's
    "one_class_auc.png": Figure(
        one_class_auc, "one-class AUC per digit",
        "how well each method, trained on one digit alone, ranks the other nine digits above "
        "it, against the published figures", "one_class.json"),
    "one_class_histograms.png": Figure(
        one_class_histograms, "one-class score histograms",
        "how far apart the normal and anomalous test scores lie for one digit, per method",
        "one_class.json"),
    "one_class_reconstructions.png": Figure(
        one_class_reconstructions, "one-class reconstructions",
        "which normal and anomalous test images the one-digit autoencoder rebuilds best and "
        "worst", "one_class.json"),
}


AGAINST = {"higher": "above", "lower": "below", "not distinguishable": "not distinguishable from"}


def section(results):
    """The one-class protocol (anomaly/one_class.json): AUC per digit against the baselines
    and the published figures, how the autoencoder was chosen, where PCA wins, and the hard
    case "every digit but 9" as a negative result."""
    head = "## One-class MNIST (`make one_class`)\n\n"
    r = read_if_present(results / "anomaly" / "one_class.json")
    if r is None:
        return head + NOT_RUN
    pca, stage1 = r["methods"]["pca"], r["selection"]["stage1"]
    seeds = r["methods"]["autoencoder"]["seeds"]
    counts = test_set_counts(results)
    return (head + "For each digit d: train on d's images alone (those among the book's "
            f"50,000 training images, {r['data']['validation_fraction']:.0%} of them held out "
            "for validation), score all 10,000 test images, and measure by the area under the "
            "ROC curve how well the score ranks the other nine digits above d (0.5 = chance, "
            "1 = perfect). Three scores in the same run: the autoencoder's reconstruction "
            "error, PCA's (k components: "
            f"{pca['rule']}) and the squared distance to the mean normal image "
            "(`scripts/one_class.py`, `scripts/configs/one_class.toml`).\n\n"
            + selection(r) + "\n"
            + auc_table(r, seeds, counts) + "\n"
            + findings(r, counts) + "\n"
            + hard_case(r["hard_case"], r["auc"]["autoencoder"], counts) + "\n"
            + published(r["published"] or []) + "\n"
            + f"Wall time on {r['jobs']} process{'es' * (r['jobs'] > 1)}: "
              + ", ".join(f"{k.replace('_', ' ')} {v / 60:.1f} min"
                          for k, v in r["seconds"].items())
              + (f" (selection stage 1, reused, took {stage1['seconds'] / 60:.1f} min when it "
                 f"ran)" if "reused_from" in stage1 else "") + ".\n\n"
            + image_lines(results, "anomaly", FIGURES, "one_class.json")
            + "\nRegenerate: `make one_class`, then `make plots report`.\n")


def test_set_counts(results):
    """Test images per digit (`oc.digit_counts`), from the test confusion matrix of the first
    book run that holds one (the same 10,000 test images); None when no such record is there."""
    for path in run_files(results / "book"):
        confusion = read_record(path).get("test_confusion")
        if confusion is not None:
            return oc.digit_counts(confusion)
    return None


def selection(r):
    sel = r["selection"]
    one, two = sel["stage1"], sel["stage2"]
    c, net = one["chosen"], one["network"]
    reused = (f" (its runs are those of the record written at commit "
              f"{one['reused_from']['git_commit'][:7]}, reused because the config they ran is "
              f"unchanged)" if "reused_from" in one else "")
    errors = oc.lowest_errors(two["runs"], "eta")
    why = {"eta": "a wider eta range",
           "epochs": f"a longer budget (the chosen eta's validation error still fell "
                     f"{oc.chosen_fall(two):.1%} over the last {two['window']} of its "
                     f"{two['max_epochs']} epochs, more than the {two['tolerance']:.0%} "
                     f"tolerance)"}
    edge = (f"**The choice is still at the edge of its grid ({', '.join(sel['at_grid_edge'])})**:"
            f" {' or '.join(why[axis] for axis in sel['at_grid_edge'])} might reconstruct the "
            f"normal images better still; this autoencoder is the best one found within this "
            f"grid and {two['max_epochs']} epochs (the compute cap every protocol run trains "
            f"to), not shown to be the best of its kind."
            if sel["at_grid_edge"] else "Neither eta nor the budget is at an edge of its grid.")
    return (f"**How the autoencoder was chosen** (normal validation images of digits "
            f"{', '.join(map(str, one['digits']))} only, seed {one['seed']}; never anomalies, "
            f"never test images). Stage 1{reused}: all {found.grid_size(one['grid'])} "
            "combinations of "
            + ", ".join(f"{k} {v}" for k, v in one["grid"].items())
            + f" for {one['max_epochs']} epochs chose {net['sizes']} with {net['activation']} "
            f"hidden units ({net['init']} init), {net['cost']} cost, eta "
            f"{c['choice']['eta']} at epoch {c['epochs']}: "
            + (f"at the edge of its grid ({', '.join(one['at_grid_edge'])})"
               if one["at_grid_edge"] else "inside its grid")
            + f". Stage 2: that network with eta {two['first_grid']['eta']}"
            + (f", grown to {two['grid']['eta']} while the choice sat at an edge (the sweeps' "
               f"tuning rule),"
               if found.eta_grid_grown(two) else "")
            + f" for {two['max_epochs']} epochs; lowest mean validation error "
            + ", ".join(f"eta {eta}: {err:.5f} at epoch {epoch}"
                        for eta, (err, epoch) in errors.items())
            + f". Chosen: eta {two['chosen']['eta']}, {two['chosen']['epochs']} epochs (the "
            f"first within {two['tolerance']:.0%} of that eta's lowest). {edge}\n")


def auc_table(r, seeds, counts):
    auc, published = r["auc"], r["published"] or []
    vs_pca = oc.differences(auc, "pca", counts=counts)
    vs_mean = oc.differences(auc, "mean_distance", counts=counts)
    ks = r["methods"]["pca"]["per_digit"]
    intervals = found.autoencoder_intervals(auc, counts)
    published_aucs = [found.published_auc(p) for p in published]

    def ae(key):
        mean, lo, hi = intervals[key]
        return f"{mean:.4f} [{lo:.4f}, {hi:.4f}]"

    def diff(d):
        return f"{d['difference']:+.4f} [{d['ci95'][0]:+.4f}, {d['ci95'][1]:+.4f}] {d['word']}"

    rows = [[d, ae(d), f"{auc['pca'][d][0]:.4f} ({ks[d]['components']})",
             f"{auc['mean_distance'][d][0]:.4f}", diff(vs_pca[d]), diff(vs_mean[d])]
            + [f"{per_digit[int(d)]:.3f}" for per_digit, _ in published_aucs]
            for d in map(str, range(10))]
    rows.append(["**mean**", ae("mean"), f"{r['mean_auc']['pca']:.4f}",
                 f"{r['mean_auc']['mean_distance']:.4f}",
                 diff(vs_pca["mean"]), diff(vs_mean["mean"])]
                + [f"{mean:.3f}" for _, mean in published_aucs])
    over = f"{len(seeds)} seeds" + ("" if counts is None else " and the test set")
    header = ["digit", f"autoencoder, mean [95% CI] over {over}", "PCA (k)",
              "mean distance", "autoencoder − PCA [CI]", "autoencoder − mean distance [CI]"]
    return (table(header + [f"{p['method']} (published)" for p in published], rows)
            + "\n" + interval_words(counts) + "\n")


def interval_words(counts):
    """How the one-class intervals are made, with the test set's error or without it."""
    seeds = ("Differences: a Welch t interval over the autoencoder's seeds (the baselines are "
             "deterministic)")
    if counts is None:
        return (seeds + "; \"higher\" or \"lower\" only when the interval excludes 0. The test "
                "set's own sampling error is not in these intervals: no book record with a test "
                "confusion matrix gives the test images per digit.")
    return (seeds + ", widened by the test set's own sampling error of each AUC (Hanley and "
            "McNeil's standard error, from the 10,000 test images per digit: "
            + ", ".join(f"{d}: {n:,}" for d, n in enumerate(counts)) + ", read off a book "
            "run's test confusion matrix), added as if the two AUCs of a difference were "
            "independent (they share the test images, so this is conservative); the "
            "autoencoder's own interval likewise. The ten digit-by-digit differences are a "
            "family: each digit's interval is at the Bonferroni level "
            f"{100 * oc.BONFERRONI:.1f}%, so that the ten hold together at 95%; the means over "
            "the digits (treating the digits' test errors as independent) at 95%. \"higher\" or "
            "\"lower\" only when the interval excludes 0.")


def findings(r, counts):
    auc, pca = r["auc"], r["methods"]["pca"]
    vs_pca = oc.differences(auc, "pca", counts=counts)
    words = found.digits_by_word(vs_pca)
    k, best, against_ae = found.fixed_k_against_autoencoder(r)
    ae_mean = r["mean_auc"]["autoencoder"]
    fewest, most = found.chosen_k_range(pca)
    vs_mean = oc.differences(auc, "mean_distance", counts=counts)["mean"]["word"]
    return (f"**What works.** The autoencoder's mean AUC over the digits is {ae_mean:.4f}: "
            f"{AGAINST[vs_pca['mean']['word']]} PCA's {r['mean_auc']['pca']:.4f}, "
            f"{AGAINST[vs_mean]} the mean image's {r['mean_auc']['mean_distance']:.4f}. "
            f"Against PCA digit by "
            f"digit: higher on {', '.join(words['higher']) or 'none'}; PCA higher on "
            f"{', '.join(words['lower']) or 'none'}; not distinguishable on "
            f"{', '.join(words['not distinguishable']) or 'none'}.\n\n"
            f"**Where PCA is underrated here.** PCA's k comes from a validation rule (k "
            f"{fewest} to {most} per digit). The record also holds PCA's test AUC at every k: "
            f"one k for all digits, k = {k}, gives a mean AUC of {best:.4f}, {against_ae} the "
            f"autoencoder's {ae_mean:.4f}. That k can only be found on the test set, so it is "
            f"no result; but it means the autoencoder beats PCA as chosen by a validation-only "
            f"rule, not PCA at its best k.\n")


def hard_case(hard, one_class_auc, counts):
    a, digit = hard["auc"], hard["anomaly_digit"]
    mean, lo, hi, against_chance = found.hard_case_auc(hard, counts)
    over = "seeds" if counts is None else "seeds and the test set's own error"
    ink_digit, ink_others, ink_word = found.hard_case_ink(hard)
    per_ink = oc.auc_summary(a["autoencoder_per_ink"])[0]
    lowest, negative = found.hard_case_negative(hard, one_class_auc, counts)
    verdict = (f"A negative result: even the upper end of its interval lies below every "
               f"one-class AUC above (the lowest: {lowest:.3f}); one missing digit among nine "
               f"is not an anomaly this reconstruction error can see." if negative else
               f"Its interval reaches the one-class AUCs above (the lowest: {lowest:.3f}).")
    return (f"**The hard case: finding the {digit}s among every other digit** (the old "
            f"anomaly use case, same autoencoder, trained on the {hard['training_images']:,} "
            f"training images of every digit but {digit}). AUC {mean:.3f} [{lo:.3f}, {hi:.3f}] "
            f"over {len(a['autoencoder'])} {over} ({AGAINST[against_chance]} chance, "
            f"{found.CHANCE}); PCA {a['pca'][0]:.3f}, the mean image "
            f"{a['mean_distance'][0]:.3f}. The measured reason: reconstruction error grows with "
            f"the ink an image carries, and {digit}s carry {ink_word} than the other digits "
            f"(mean pixel {ink_digit:.3f} against {ink_others:.3f} on average); "
            f"ink alone, as a score, has AUC {a['ink'][0]:.3f}. Dividing the error by the ink "
            f"moves the autoencoder to {per_ink:.3f} and PCA to {a['pca_per_ink'][0]:.3f}. "
            + verdict + "\n")


def published(published):
    rows = "".join(f"- {p['method']}: {p['citation']} ({p['statistic']}; {p['source_checked']})"
                   f".\n" for p in published)
    return ("**The published figures** are Deep SVDD's (LeNet-type CNNs) under another "
            "protocol, so they are context, not a like-for-like comparison: their normal class "
            "is all ~6,000 images of the digit in the 60,000 MNIST training images with none "
            "held out (ours: 90% of those in the book's first 50,000), and their pixels are "
            "globally contrast-normalised then min-max scaled (ours: pixel / 255). Test set and "
            "AUC are the same.\n\n" + rows)
