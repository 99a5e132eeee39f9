"""The one-class MNIST protocol, end to end: learn one digit, score every test image, AUC per
digit, and the hard case "every digit but 9".

For each digit d (scripts/configs/one_class.toml): an autoencoder is trained over several seeds
on d's images in the book's 50,000-image split, scoring the 10,000 test images by
reconstruction error; PCA reconstruction error and the distance to the mean image score them
in the same run. The autoencoder is first chosen on held-out normal images only
(`selection.py`). Then the hard case "every digit but 9" with an ink-normalised score, and what
the figures need. `one_class_record` returns results/anomaly/one_class.json's content.

Left out: files and the command line (scripts/one_class.py), figures (scripts/plots.py draws
them from the record).
"""

import time

import numpy as np

from ..analysis.measures import roc_auc
from . import protocol as oc
from . import workers
from .selection import select_autoencoder

DIGITS = range(10)


def pca_scores(mnist, config, normal, X_test, positive):
    """(test errors, record) of PCA fitted to `normal`'s images, k chosen on its validation
    images. The record also holds the AUC at every candidate k, for the report only: a
    choice made on it would be a choice made on the test set."""
    fit, val = (x.astype(np.float64) for x in workers.normal_data(mnist, config, normal))
    pca = oc.PCA(fit)
    ks = config["pca"]["components"]
    k, explained = pca.choose_components(val, ks, config["pca"]["explained"])
    return pca.error(X_test, k), {
        "components": k, "validation_explained": explained.tolist(),
        "auc_at_each_k_not_for_choosing": [roc_auc(pca.error(X_test, j), positive)
                                           for j in ks]}


def histograms(scores, positive, bins):
    """{method: {edges, normal, anomalous}}: counts of each method's test scores."""
    out = {}
    for method, score in scores.items():
        edges = np.histogram_bin_edges(score, bins)
        out[method] = {"edges": edges.tolist(),
                       "normal": np.histogram(score[~positive], edges)[0].tolist(),
                       "anomalous": np.histogram(score[positive], edges)[0].tolist()}
    return out


def hard_case(mnist, config, selected, jobs):
    """AUCs for "every digit but 9": autoencoder, PCA, mean distance, ink-normalised scores."""
    hard = config["hard_case"]
    normal = f"not {hard['anomaly_digit']}"
    X_test, positive = mnist.test.X, mnist.test.y == hard["anomaly_digit"]
    tasks = [dict(normal=normal, seed=s, score=True, network=selected["network"],
                  training=selected["training"]) for s in hard["seeds"]]
    start = time.perf_counter()
    runs = workers.run_all(tasks, config, jobs, "hard case")
    fit, _ = workers.normal_data(mnist, config, normal)
    pca_error, pca = pca_scores(mnist, config, normal, X_test, positive)
    auc = {"autoencoder": [roc_auc(r["test_error"], positive) for r in runs],
           "autoencoder_per_ink": [roc_auc(oc.ink_normalised(r["test_error"], X_test),
                                              positive) for r in runs],
           "pca": [roc_auc(pca_error, positive)],
           "pca_per_ink": [roc_auc(oc.ink_normalised(pca_error, X_test), positive)],
           "mean_distance": [roc_auc(oc.mean_distance(fit, X_test), positive)],
           "ink": [roc_auc(oc.ink(X_test), positive)]}
    return {"normal": normal, "anomaly_digit": hard["anomaly_digit"], "seeds": hard["seeds"],
            "training_images": len(fit), "pca": pca, "auc": auc,
            "mean_ink_per_digit": [float(oc.ink(X_test[mnist.test.y == d]).mean())
                                   for d in DIGITS],
            "seconds": time.perf_counter() - start}


def one_class_record(config, mnist, jobs=1, done=None, say=print):
    """The record of the protocol `config` (one_class.toml's content) on `mnist` (in the
    config's dtype), trained on `jobs` processes, without its environment. Stage 1 of the
    selection is reused from `done`, the previous record, when the config it ran is unchanged;
    `say` reports the chosen autoencoder."""
    start = time.perf_counter()
    X_test, y_test = mnist.test
    selected = select_autoencoder(config, jobs, done)
    say(f"chosen: {selected['network']}, {selected['training']}; "
        f"at grid edge: {selected['at_grid_edge'] or 'none'}")

    ae = config["autoencoder"]
    figure = config["figures"]
    tasks = [dict(normal=d, seed=s, score=True, network=selected["network"],
                  training=selected["training"],
                  examples=figure["examples"] if (d, s) == (figure["digit"], ae["seeds"][0])
                  else 0)
             for d in DIGITS for s in ae["seeds"]]
    protocol_start = time.perf_counter()
    runs = workers.chunks(workers.run_all(tasks, config, jobs, "autoencoders"), len(ae["seeds"]))
    auc = {"autoencoder": {}, "pca": {}, "mean_distance": {}}
    pca_record, training_images = {}, {}
    for d, digit_runs in zip(DIGITS, runs):
        positive = y_test != d
        fit, val = workers.normal_data(mnist, config, d)
        training_images[str(d)] = {"fit": len(fit), "validation": len(val)}
        pca_error, pca_record[str(d)] = pca_scores(mnist, config, d, X_test, positive)
        auc["autoencoder"][str(d)] = [roc_auc(r["test_error"], positive) for r in digit_runs]
        auc["pca"][str(d)] = [roc_auc(pca_error, positive)]
        auc["mean_distance"][str(d)] = [roc_auc(oc.mean_distance(fit, X_test), positive)]
        if d == figure["digit"]:
            scores = {"autoencoder": digit_runs[0]["test_error"], "pca": pca_error,
                      "mean_distance": oc.mean_distance(fit, X_test)}
            figures = {"digit": d, "seed": ae["seeds"][0],
                       "histograms": histograms(scores, positive, figure["bins"]),
                       "reconstructions": digit_runs[0]["reconstructions"]}
    protocol_seconds = time.perf_counter() - protocol_start
    hard = hard_case(mnist, config, selected, jobs)

    record = {
        "protocol": "for each digit d: train on d's images in the first 50,000 training "
                    "images (a validation part held out), score the 10,000 test images, AUC "
                    "of 'not d' (positive) against d",
        "auc": auc,
        "mean_auc": {m: float(np.mean([np.mean(v) for v in per.values()]))
                     for m, per in auc.items()},
        "autoencoder_minus": {"pca": oc.differences(auc, "pca"),
                              "mean_distance": oc.differences(auc, "mean_distance")},
        "methods": {
            "autoencoder": {"network": selected["network"], "training": selected["training"],
                            "seeds": ae["seeds"], "score": "mean squared reconstruction "
                                                           "error per pixel"},
            "pca": {"components_candidates": config["pca"]["components"],
                    "rule": f"the fewest components that explain "
                            f"{config['pca']['explained']} of the variance of the normal "
                            f"validation images", "per_digit": pca_record,
                    "score": "mean squared error of the projection on k components"},
            "mean_distance": {"score": "mean squared distance to the mean normal image"},
        },
        "data": config["data"] | {"training_images": training_images},
        "selection": selected,
        "hard_case": hard,
        "figures": figures,
        "published": config.get("published"),
        "seconds": {"selection": selected["seconds"], "protocol": protocol_seconds,
                    "hard_case": hard["seconds"], "total": time.perf_counter() - start},
        "jobs": jobs,
        "config": config,
    }
    return record
