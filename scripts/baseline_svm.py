"""Reproduce the book's chapter 1 SVM baseline (scikit-learn's SVC with its default settings:
9,435 of 10,000 test images, 94.35%) and write results/baseline_svm.json.

The book's mnist_svm.py fits `svm.SVC()` on the 50,000 training images of mnist.pkl.gz and
scores the 10,000 test images. SVC's default has changed since: the book's scikit-learn took
gamma = 1 / n_features ("auto"), today's takes 1 / (n_features * X.var()) ("scale"). Both are
fitted here, the book's first. libsvm's solver is deterministic, so one fit is the whole
distribution: no seeds. scikit-learn is optional (requirements-extras.txt); without it this
says so and writes nothing.
"""
import argparse
import time
from pathlib import Path

from nielsen_net.data.cli import load_or_exit
from nielsen_net.data.mnist import Split
from nielsen_net.experiments.environment import environment
from nielsen_net.experiments.records import read_if_present, write_record
from nielsen_net.paths import PROJECT_ROOT

BOOK_PERCENT = 94.35
GAMMAS = ("auto", "scale")  # the book's default, then today's
OUT = PROJECT_ROOT / "results" / "baseline_svm.json"


def fit_and_score(svm, train, test, gamma):
    """SVC(gamma=gamma), otherwise at its defaults, fitted on `train` and scored on `test`."""
    clf = svm.SVC(gamma=gamma)
    start = time.perf_counter()
    clf.fit(train.X, train.y)
    fitted = time.perf_counter()
    right = clf.predict(test.X) == test.y
    return {"gamma": gamma, "correct": int(right.sum()), "total": len(test.y),
            "accuracy": float(right.mean()), "support_vectors": int(clf.n_support_.sum()),
            "seconds": {"fit": fitted - start, "predict": time.perf_counter() - fitted}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the record (default: %(default)s)")
    parser.add_argument("--limit-train", type=int, default=50_000,
                        help="train on the first N training images (default: the book's 50,000)")
    parser.add_argument("--limit-test", type=int, default=10_000,
                        help="score the first N test images (default: all 10,000)")
    parser.add_argument("--force", action="store_true", help="refit even if up to date")
    args = parser.parse_args()
    if not (0 < args.limit_train <= 50_000 and 0 < args.limit_test <= 10_000):
        parser.error(f"--limit-train must be in 1..50000 and --limit-test in 1..10000; got "
                     f"{args.limit_train} and {args.limit_test}")
    try:
        import sklearn
        from sklearn import svm
    except ImportError:
        print("SVM baseline skipped: scikit-learn is not installed "
              "(pip install -r requirements-extras.txt, or make extras)")
        return
    config = {"training_images": args.limit_train, "test_images": args.limit_test,
              "dtype": "float64", "gammas": list(GAMMAS)}  # a newer scikit-learn alone: no refit
    done = read_if_present(args.out)
    if done is not None and done["config"] == config and not args.force:
        print(f"{args.out} is up to date; --force refits")
        return
    env = environment()
    mnist = load_or_exit()
    train = Split(mnist.train.X[:args.limit_train], mnist.train.y[:args.limit_train])
    test = Split(mnist.test.X[:args.limit_test], mnist.test.y[:args.limit_test])
    fits = []
    for gamma in GAMMAS:
        fits.append(fit_and_score(svm, train, test, gamma))
        f = fits[-1]
        print(f"SVC(gamma={gamma!r}): {f['correct']}/{f['total']} = {100 * f['accuracy']:.2f}% "
              f"(book: {BOOK_PERCENT}%), fit {f['seconds']['fit']:.0f} s")
    book = fits[0]  # the book's settings: gamma "auto"
    write_record(args.out, {"experiment": "ch1-svm", "config": config, "book_percent": BOOK_PERCENT,
                            "book_images": round(BOOK_PERCENT / 100 * book["total"]),
                            "fits": fits, "scikit_learn": sklearn.__version__,
                            "environment": env})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
