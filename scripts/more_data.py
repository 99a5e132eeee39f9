"""Chapter 3's more-data figure: validation accuracy against the training-set size, our network
beside scikit-learn's SVM, written to results/more_data/more_data.json.

The book's more_data.py trains a [784, 30, 10] cross-entropy net with the large N(0, 1) init on
the first n training images for 1,500,000 / n epochs (the same number of examples seen at every
size), mini-batch 10, eta 0.5 and lmbda = 0.0001 n (so the L2 decay per step, eta lmbda / n,
is the same at every size), and scores the validation images after the last epoch; beside it
SVC at its defaults then (gamma "auto") fitted on the same n images. Each (size, seed) is one
net; the SVM is deterministic, one fit per size. Validation only: the test set is never scored.
A rerun with the same settings resumes, training only what the record lacks; scikit-learn is
optional (requirements-extras.txt): without it the nets run and the SVM column waits.
"""
import argparse
import time
from pathlib import Path

from tqdm import tqdm

from nielsen_net import Network
from nielsen_net.data.cli import load_or_exit
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import read_if_present, write_record
from nielsen_net.paths import PROJECT_ROOT

SIZES = [100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000]
SEEDS = [0, 1, 2, 3, 4]
EXAMPLES = 1_500_000
NETWORK = {"sizes": [784, 30, 10], "cost": "cross_entropy", "init": "gaussian"}
ETA, LMBDA_PER_IMAGE, MINI_BATCH = 0.5, 0.0001, 10
OUT = PROJECT_ROOT / "results" / "more_data" / "more_data.json"


def train_one(mnist, size, seed, examples):
    net = Network(NETWORK["sizes"], cost=NETWORK["cost"], init=NETWORK["init"], seed=seed)
    start = time.perf_counter()
    epochs = examples // size
    net.SGD((mnist.train.X[:size], mnist.train.y[:size]), epochs, MINI_BATCH, ETA,
            LMBDA_PER_IMAGE * size, monitor_training=False)
    return {"size": size, "seed": seed, "epochs": epochs,
            "validation_accuracy": net.accuracy(*mnist.validation),
            "seconds": time.perf_counter() - start}


def fit_svm(svm, mnist, size):
    clf, start = svm.SVC(gamma="auto"), time.perf_counter()
    clf.fit(mnist.train.X[:size], mnist.train.y[:size])
    return {"size": size, "validation_accuracy": float(clf.score(*mnist.validation)),
            "seconds": time.perf_counter() - start}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--examples", type=int, default=EXAMPLES,
                        help="examples each net trains on (default: the book's %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="the record (default: %(default)s)")
    args = parser.parse_args()
    bad = [n for n in args.sizes if not 0 < n <= 50_000]
    if bad or args.examples < max(args.sizes):
        parser.error(f"--sizes must be in 1..50000 and --examples at least the largest size "
                     f"(one epoch); got sizes {args.sizes} and examples {args.examples}")
    try:
        import sklearn
        from sklearn import svm
    except ImportError:
        sklearn = svm = None
        print("SVM column skipped: scikit-learn is not installed (pip install -r "
              "requirements-extras.txt, or make extras); the nets run")
    config = {"sizes": sorted(args.sizes), "seeds": sorted(args.seeds), "examples": args.examples,
              "network": NETWORK, "eta": ETA, "lmbda_per_image": LMBDA_PER_IMAGE,
              "mini_batch_size": MINI_BATCH, "svm": "SVC(gamma='auto')", "scored": "validation"}
    record = read_if_present(args.out)
    if record is None or record["config"] != config:
        if record is not None:
            print(f"{args.out} holds other settings: starting afresh")
        record = {"experiment": "ch3-more-data", "config": config, "nets": [], "svm": [],
                  "scikit_learn": None}
    record["environment"] = environment()
    mnist = load_or_exit()
    nets = [(n, s) for n in config["sizes"] for s in config["seeds"]
            if not any(r["size"] == n and r["seed"] == s for r in record["nets"])]
    fits = [n for n in config["sizes"] if svm and n not in [r["size"] for r in record["svm"]]]
    if not nets and not fits:
        print(f"{args.out} is up to date")
        return
    with tqdm(total=len(nets) + len(fits), desc="more data", unit="fit") as bar:
        for size, seed in nets:
            record["nets"].append(train_one(mnist, size, seed, args.examples))
            write_record(args.out, record)
            bar.update()
        for size in fits:
            record["svm"].append(fit_svm(svm, mnist, size))
            record["scikit_learn"] = sklearn.__version__
            write_record(args.out, record)
            bar.update()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
