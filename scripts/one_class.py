"""The one-class MNIST protocol: learn one digit, score every test image, AUC per digit.

For each digit d (scripts/configs/one_class.toml): an autoencoder is trained over several seeds
on d's images in the book's 50,000-image split, scoring the 10,000 test images by
reconstruction error; PCA reconstruction error and the distance to the mean image score them
in the same run. The autoencoder's architecture, hidden activation, cost, eta and epochs are
first chosen on held-out normal images only: a grid, then eta and epochs refined around its
winner with a longer budget. Then the hard case "every digit but 9"
with an ink-normalised score, and what the figures need. Writes results/anomaly/one_class.json
(no figures: plots.py draws them from the record).

    python scripts/one_class.py [--jobs N] [--results DIR] [--config TOML]
"""

import argparse
import itertools
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from nielsen_net import load_mnist
from nielsen_net.one_class import protocol as oc
from nielsen_net.analysis.measures import roc_auc
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import read_if_present, write_record
from nielsen_net.experiments.tuning import MAX_EXTENSIONS, next_grid

CONFIG = PROJECT_ROOT / "scripts" / "configs" / "one_class.toml"
DIGITS = range(10)
_WORKER = {}  # per process: the config and MNIST, loaded once by _setup


def _setup(config):
    _WORKER["config"] = config
    _WORKER["mnist"] = load_mnist(dtype=config["data"]["dtype"])


def normal_data(mnist, config, normal):
    """(fit, validation) images of `normal`: a digit, or "not <digit>" for the hard case."""
    y = mnist.train.y
    mask = y != int(normal[4:]) if isinstance(normal, str) else y == normal
    rng = np.random.default_rng([config["data"]["split_seed"], split_key(normal)])
    return oc.normal_split(mnist.train.X, mask, config["data"]["validation_fraction"], rng)


def split_key(normal):
    """A fixed integer per normal class, for seeding its split: d, or 10 + d for "not d"."""
    return 10 + int(normal[4:]) if isinstance(normal, str) else normal


def train(task):
    """One autoencoder run (in a worker): its validation curve, and with task["score"] its
    test reconstruction errors (and, with task["examples"], images for the figures)."""
    config, mnist = _WORKER["config"], _WORKER["mnist"]
    fit, val = normal_data(mnist, config, task["normal"])
    start = time.perf_counter()
    net, curve = oc.train_autoencoder(task["network"], task["training"], fit, val, task["seed"])
    out = {"validation_error": curve, "seconds": time.perf_counter() - start}
    if task["score"]:
        out["test_error"] = oc.autoencoder_error(net, mnist.test.X)
        if task.get("examples"):
            out["reconstructions"] = reconstructions(net, mnist.test, out["test_error"],
                                                     task["normal"], task["examples"])
    return out


def reconstructions(net, test, error, digit, n):
    """The n best and n worst reconstructed normal and anomalous test images, with their
    reconstructions and errors: {"normal"|"anomalous": {"best"|"worst": [...]}}."""
    out = {}
    for name, rows in (("normal", np.flatnonzero(test.y == digit)),
                       ("anomalous", np.flatnonzero(test.y != digit))):
        order = rows[np.argsort(error[rows], kind="stable")]
        out[name] = {which: [{"index": int(i), "label": int(test.y[i]),
                              "error": float(error[i]),
                              "image": np.round(test.X[i], 3).tolist(),
                              "reconstruction": np.round(net.feedforward(test.X[i:i + 1])[0],
                                                         3).tolist()}
                             for i in picks]
                     for which, picks in (("best", order[:n]), ("worst", order[::-1][:n]))}
    return out


def run_all(tasks, config, jobs, desc):
    """train() over `tasks`, in order, on `jobs` processes, with a progress bar."""
    if jobs == 1:
        _setup(config)
        return [train(t) for t in tqdm(tasks, desc=desc)]
    with ProcessPoolExecutor(jobs, initializer=_setup, initargs=(config,)) as pool:
        return list(tqdm(pool.map(train, tasks), total=len(tasks), desc=desc))


def candidates(selection):
    """Every combination of the selection grid, as (choice, network, eta)."""
    grid = selection["grid"]
    for values in itertools.product(*grid.values()):
        choice = dict(zip(grid, values))
        network = dict(sizes=choice["sizes"], activation=choice["activation"],
                       output_activation="sigmoid", cost=choice["cost"],
                       init=selection["inits"][choice["activation"]])
        yield choice, network, choice["eta"]


def select_autoencoder(config, jobs, done=None):
    """Choose the autoencoder on the normal validation images in two stages: the full grid
    (`stage1`, reused from `done`, the previous record, when the config it ran is unchanged),
    then eta and the number of epochs around its winner (`refine`). Returns their record."""
    stage1 = reusable_stage1(done, config) or run_stage1(config, jobs)
    stage2 = refine(config, stage1, jobs)
    return {"stage1": stage1, "stage2": stage2, "network": stage1["network"],
            "training": stage2["training"], "at_grid_edge": stage2["at_grid_edge"],
            "seconds": stage2["seconds"] + (0 if "reused_from" in stage1
                                            else stage1["seconds"])}


def reusable_stage1(done, config):
    """Stage 1 of the previous record `done` if the data, training and selection config it
    ran are those of `config` (same code, same numbers: its runs are seeded), else None."""
    keys = (("data",), ("autoencoder", "training"), ("autoencoder", "selection"))
    if done is None or any(_get(done["config"], k) != _get(config, k) for k in keys):
        return None
    previous = done["selection"]
    stage1 = previous.get("stage1", previous)  # records before the refine stage: stage 1 only
    return stage1 | {"reused_from": stage1.get("reused_from", {
        k: done["environment"][k] for k in ("git_commit", "date")})}


def _get(table, keys):
    for key in keys:
        table = table.get(key, {})
    return table


def run_stage1(config, jobs):
    """Every combination of the selection grid on the selection digits; its record."""
    ae, dtype = config["autoencoder"], config["data"]["dtype"]
    selection = ae["selection"]
    grid = list(candidates(selection))
    tasks = [dict(normal=d, seed=selection["seed"], score=False,
                  network=network | {"dtype": dtype},
                  training=ae["training"] | {"eta": eta, "epochs": selection["max_epochs"]})
             for _, network, eta in grid for d in selection["digits"]]
    start = time.perf_counter()
    results = run_all(tasks, config, jobs, "selection")
    n = len(selection["digits"])
    curves = [[r["validation_error"] for r in results[i * n:(i + 1) * n]]
              for i in range(len(grid))]
    index, epochs = oc.select(curves)
    choice, network, eta = grid[index]
    edges = oc.grid_edges(selection["grid"], choice)
    if epochs == selection["max_epochs"]:
        edges.append("epochs")
    return {
        "rule": "lowest validation reconstruction error (mean over the selection digits) over "
                "every grid point and epoch; normal validation images only",
        "grid": selection["grid"], "inits": selection["inits"], "digits": selection["digits"],
        "seed": selection["seed"], "max_epochs": selection["max_epochs"],
        "runs": [{"choice": c, "digit": d, "validation_error": r["validation_error"],
                  "seconds": r["seconds"]}
                 for (c, _, _), rs in zip(grid, _chunks(results, n))
                 for d, r in zip(selection["digits"], rs)],
        "chosen": {"choice": choice, "epochs": epochs,
                   "validation_error": float(np.mean(np.asarray(curves[index])[:, epochs - 1]))},
        "at_grid_edge": edges,
        "network": network | {"dtype": dtype},
        "training": ae["training"] | {"eta": eta, "epochs": epochs},
        "seconds": time.perf_counter() - start,
    }


def refine(config, stage1, jobs):
    """Stage 2: stage 1's network kept, eta one step below and above its eta, a longer
    budget; eta by lowest validation error, epochs by `one_class.settled_epoch`, and the
    budget an edge if the chosen curve is `one_class.still_falling` at its end. While the
    chosen eta sits at an edge of its grid, the grid grows beyond it in its own spacing
    (`tuning.next_grid`, at most `tuning.MAX_EXTENSIONS` times), as the sweeps' tuning does."""
    ae, selection, rule = config["autoencoder"], config["autoencoder"]["selection"], \
        config["autoencoder"]["refine"]
    first = [float(f"{stage1['training']['eta'] * f:.3g}") for f in rule["eta_factors"]]
    etas, runs = first, {}  # runs: eta -> [result per selection digit]
    start = time.perf_counter()
    for _ in range(MAX_EXTENSIONS + 1):
        new = [eta for eta in etas if eta not in runs]
        tasks = [dict(normal=d, seed=selection["seed"], score=False, network=stage1["network"],
                      training=ae["training"] | {"eta": eta, "epochs": rule["max_epochs"]})
                 for eta in new for d in selection["digits"]]
        runs |= zip(new, _chunks(run_all(tasks, config, jobs, "refine"),
                                 len(selection["digits"])))
        index, _ = oc.select([[r["validation_error"] for r in runs[eta]] for eta in etas])
        grown = next_grid(etas, etas[index])
        if grown == etas:
            break
        etas = grown
    curve = np.mean([r["validation_error"] for r in runs[etas[index]]], axis=0)  # (max_epochs,)
    epochs = oc.settled_epoch(curve, rule["tolerance"])
    edges = oc.grid_edges({"eta": etas}, {"eta": etas[index]})
    if oc.still_falling(curve, rule["window"], rule["tolerance"]):
        edges.append("epochs")
    return {
        "rule": f"stage 1's network; eta of lowest validation error (mean over the selection "
                f"digits) at any epoch, the eta grid grown beyond an edge while the choice sits "
                f"there (at most {MAX_EXTENSIONS} times); epochs: the first whose mean "
                f"validation error is within {rule['tolerance']} of that eta's lowest; the "
                f"budget is an edge if the error still fell by more than {rule['tolerance']} "
                f"over its last {rule['window']} epochs",
        "grid": {"eta": etas}, "first_grid": {"eta": first}, "digits": selection["digits"],
        "seed": selection["seed"], "max_epochs": rule["max_epochs"],
        "tolerance": rule["tolerance"], "window": rule["window"],
        "runs": [{"eta": eta, "digit": d, "validation_error": r["validation_error"],
                  "seconds": r["seconds"]}
                 for eta in etas for d, r in zip(selection["digits"], runs[eta])],
        "chosen": {"eta": etas[index], "epochs": epochs,
                   "validation_error": float(curve[epochs - 1]),
                   "lowest_validation_error": float(np.nanmin(curve)),
                   "lowest_at_epoch": int(np.nanargmin(curve)) + 1},
        "at_grid_edge": edges,
        "training": ae["training"] | {"eta": etas[index], "epochs": epochs},
        "seconds": time.perf_counter() - start,
    }


def _chunks(items, n):
    return [items[i:i + n] for i in range(0, len(items), n)]


def pca_scores(mnist, config, normal, X_test, positive):
    """(test errors, record) of PCA fitted to `normal`'s images, k chosen on its validation
    images. The record also holds the AUC at every candidate k, for the report only: a
    choice made on it would be a choice made on the test set."""
    fit, val = (x.astype(np.float64) for x in normal_data(mnist, config, normal))
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
    runs = run_all(tasks, config, jobs, "hard case")
    fit, _ = normal_data(mnist, config, normal)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results")
    parser.add_argument("--jobs", type=int, default=1, help="processes for training (>= 1)")
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--force", action="store_true", help="retrain even if up to date")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1; got {args.jobs}")
    with open(args.config, "rb") as f:
        config = tomllib.load(f)
    path = args.results / "anomaly" / "one_class.json"
    done = read_if_present(path)
    if done is not None and done.get("config") == config and not args.force:
        print(f"{path} is up to date with {args.config.name}; --force retrains")
        return
    env, start = environment(), time.perf_counter()
    mnist = load_mnist(dtype=config["data"]["dtype"])
    X_test, y_test = mnist.test
    selected = select_autoencoder(config, args.jobs, done)
    print(f"chosen: {selected['network']}, {selected['training']}; "
          f"at grid edge: {selected['at_grid_edge'] or 'none'}")

    ae = config["autoencoder"]
    figure = config["figures"]
    tasks = [dict(normal=d, seed=s, score=True, network=selected["network"],
                  training=selected["training"],
                  examples=figure["examples"] if (d, s) == (figure["digit"], ae["seeds"][0])
                  else 0)
             for d in DIGITS for s in ae["seeds"]]
    protocol_start = time.perf_counter()
    runs = _chunks(run_all(tasks, config, args.jobs, "autoencoders"), len(ae["seeds"]))
    auc = {"autoencoder": {}, "pca": {}, "mean_distance": {}}
    pca_record, training_images = {}, {}
    for d, digit_runs in zip(DIGITS, runs):
        positive = y_test != d
        fit, val = normal_data(mnist, config, d)
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
    hard = hard_case(mnist, config, selected, args.jobs)

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
        "jobs": args.jobs,
        "config": config,
        "environment": env,
    }
    write_record(path, record)
    for m, v in record["mean_auc"].items():
        print(f"mean AUC over the 10 digits, {m}: {v:.4f}")
    print(f"wrote {path}")



if __name__ == "__main__":
    main()
