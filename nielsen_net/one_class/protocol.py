"""The one-class protocol: learn what one digit looks like, then flag every other digit.

For a digit d, the normal data are the training images of d in the book's 50,000-image split.
`normal_split` holds a seeded part of them out for validation: every choice a method makes
(PCA's number of components, the autoencoder's architecture and training) is made on those
held-out normal images alone, never on anomalies and never on the test set. Each of the
10,000 test images then gets an anomaly score (larger = more anomalous), and
`analysis.roc_auc` measures how well the score separates "not d" (positive) from d.

Three scores, all a mean squared error per pixel, (m,):
- autoencoder: the reconstruction error of a `Network` trained to reproduce its input
  (`train_autoencoder`, `reconstruction_error`);
- PCA: the error of projecting onto the first k principal components of the normal images
  (`PCA`), k the fewest that explain a set fraction of the held-out normal images' variance
  (`PCA.choose_components`);
- mean distance: the squared distance to the mean normal image (`mean_distance`).

The rules the protocol decides by: `select` (lowest validation error) with `grid_edges`,
`settled_epoch` and `still_falling` for the length of training, and `stats.welch` for
differences of AUCs over seeds (`differences`); with the test set's digit counts, those
intervals also carry the test set's own sampling error (Hanley-McNeil, `test_errors`), and the
per-digit ones are Bonferroni-corrected over the ten digits. `auc_summary`, `mean_over_digits`,
`best_fixed_k`, `lowest_errors` and `ink_contrast` give the report its numbers from a record.

Left out: files, figures and loops over digits (scripts/one_class.py does those).
"""

import numpy as np

from ..nn.network import Network
from ..analysis.stats import (LEVEL, auc_standard_error, decide, mean_interval, welch,
                              with_known_error)

DIGITS = 10
BONFERRONI = 1 - (1 - LEVEL) / DIGITS  # the level of each of the ten digits' intervals


def normal_split(X, normal, validation_fraction, rng):
    """(fit, validation): the rows of X where `normal` (m,) is True, shuffled by `rng` and
    split so that `validation_fraction` of them (rounded down, at least one) validate."""
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must lie in (0, 1); got {validation_fraction!r}")
    rows = np.flatnonzero(normal)
    if len(rows) < 2:
        raise ValueError(f"{len(rows)} normal images; need at least 2 to split")
    rows = rng.permutation(rows)
    n_val = max(1, int(validation_fraction * len(rows)))
    return X[rows[n_val:]], X[rows[:n_val]]


def reconstruction_error(X, X_hat):
    """Mean squared error per pixel of each row: (m, n), (m, n) -> (m,)."""
    return ((X_hat - X) ** 2).mean(axis=1)


def mean_distance(X_fit, X):
    """Squared distance of each row of X to the mean row of X_fit, per pixel: (m,)."""
    return reconstruction_error(X, X_fit.mean(axis=0))


def ink(X):
    """The mean pixel value of each image, (m,): how much ink it carries."""
    return X.mean(axis=1)


def ink_normalised(error, X):
    """Reconstruction error per unit of ink, (m,): removes the part of the error that only
    says "this image has more strokes"."""
    return error / np.maximum(ink(X), np.finfo(X.dtype).tiny)


class PCA:
    """Principal components of the rows of X (m, n), by numpy's SVD of the centred data.

    `mean` (n,), `components` (r, n) orthonormal rows, largest variance first, and
    `variances` (r,) the variance along each (r = min(m, n))."""

    def __init__(self, X):
        self.mean = X.mean(axis=0)
        _, s, self.components = np.linalg.svd(X - self.mean, full_matrices=False)
        self.variances = s ** 2 / len(X)
        self.n_features = X.shape[1]

    def error(self, X, k):
        """Mean squared error per pixel of projecting each row onto the first k components."""
        centred = X - self.mean
        codes = centred @ self.components[:k].T  # (m, k)
        return reconstruction_error(centred, codes @ self.components[:k])

    def explained(self, X, ks):
        """The fraction of the variance of the rows of X (about the fitted mean) that the
        first k components explain, for each k in `ks`: (len(ks),)."""
        centred = X - self.mean
        codes = centred @ self.components.T  # (m, r)
        total = np.sum(centred ** 2)
        return np.array([float(np.sum(codes[:, :k] ** 2) / total) for k in ks])

    def choose_components(self, X_val, ks, fraction):
        """(k, explained): the smallest k in `ks` whose components explain at least
        `fraction` of the variance of the held-out normal images X_val (`explained`).

        Not the k of least validation error: projecting on more components never increases
        it, so that rule always takes the largest k, and the largest k reconstructs anomalies
        too. (Nor the held-out probabilistic-PCA likelihood: on MNIST its many near-empty
        pixel directions make it grow with k to the end of any grid.)"""
        if not 0 < fraction < 1:
            raise ValueError(f"fraction must lie in (0, 1); got {fraction!r}")
        explained = self.explained(X_val, ks)
        reached = np.flatnonzero(explained >= fraction)
        if len(reached) == 0:
            raise ValueError(f"no k in {list(ks)} explains {fraction} of the validation "
                             f"variance (at most {explained.max():.3f}); add larger k")
        return int(ks[reached[0]]), explained


def train_autoencoder(network, training, X_fit, X_val, seed, progress=False):
    """(net, validation errors per epoch): a Network(**network, seed=seed) trained by
    Network.SGD(**training) to reproduce X_fit, with the mean reconstruction error of the
    held-out normal images X_val recorded after every epoch (NaN once training diverged)."""
    net = Network(seed=seed, **network)
    errors = []
    net.SGD((X_fit, X_fit), **training, monitor_training=False, progress=progress,
            on_epoch=lambda epoch: errors.append(float(np.mean(autoencoder_error(net, X_val)))))
    errors += [float("nan")] * (training["epochs"] - len(errors))
    return net, errors


def autoencoder_error(net, X):
    """The autoencoder's reconstruction error of each row of X, (m,); NaN where it overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        return reconstruction_error(X, net.feedforward(X))


def select(curves):
    """(index, epoch): the candidate and the 1-based epoch whose validation error, averaged
    over its rows, is lowest. `curves` lists one (n_runs, n_epochs) array per candidate of
    validation errors per epoch; NaN (a diverged run) makes an epoch ineligible."""
    means = [np.mean(np.asarray(c, dtype=float), axis=0) for c in curves]  # (n_epochs,) each
    best = [np.inf if np.all(np.isnan(m)) else np.nanmin(m) for m in means]
    if not np.isfinite(best).any():
        raise ValueError("every candidate diverged; nothing to select")
    index = int(np.argmin(best))
    return index, int(np.nanargmin(means[index])) + 1


def grid_edges(grid, chosen):
    """The axes of `grid` ({axis: list of values}) whose chosen value is the first or last of
    an axis of three or more ordered numbers: there the grid was too small to show a minimum."""
    return [axis for axis, values in grid.items()
            if len(values) >= 3 and all(isinstance(v, (int, float)) for v in values)
            and chosen[axis] in (min(values), max(values))]


def settled_epoch(curve, tolerance):
    """The first 1-based epoch whose validation error is within `tolerance` (a fraction) of
    the lowest of `curve` (n_epochs,): later epochs gain less than that. NaN never settles."""
    curve = np.asarray(curve, dtype=float)
    if not np.isfinite(curve).any():
        raise ValueError("the curve has no finite value; nothing settles")
    return int(np.flatnonzero(curve <= (1 + tolerance) * np.nanmin(curve))[0]) + 1


def _last_and_window_earlier(curve, window):
    """The last value of `curve` and the value `window` epochs earlier (the first, if the
    curve is shorter)."""
    curve = np.asarray(curve, dtype=float)
    return curve[-1], curve[max(0, len(curve) - 1 - window)]


def fall_over_window(curve, window):
    """How much (a fraction) the last value of `curve` lies below the value `window` epochs
    earlier (the first, if the curve is shorter)."""
    last, earlier = _last_and_window_earlier(curve, window)
    return float(1 - last / earlier)


def still_falling(curve, window, tolerance):
    """True if the last value of `curve` is more than `tolerance` (a fraction) below the value
    `window` epochs earlier: a longer budget would have lowered the error by more than the
    tolerance, so the budget was an edge of the grid."""
    last, earlier = _last_and_window_earlier(curve, window)
    return bool(earlier > (1 + tolerance) * last)


def chosen_fall(stage2):
    """`fall_over_window` of stage 2's chosen eta (its validation error averaged over the
    selection digits), from the stage's record."""
    runs = [r["validation_error"] for r in stage2["runs"] if r["eta"] == stage2["chosen"]["eta"]]
    return fall_over_window(np.mean(np.asarray(runs, dtype=float), axis=0), stage2["window"])


def differences(auc, other, first="autoencoder", counts=None):
    """{"0".."9", "mean": {difference, ci95, word}}: `first`'s AUC minus `other`'s, from
    `auc` ({method: {digit: [AUC per seed]}}), with a 95% `stats.welch` interval over seeds;
    for the mean over the digits, one value per seed. `word` is `stats.decide` of the interval.

    With `counts` (test images per digit, `digit_counts`) each interval also carries both AUCs'
    test-set error (`test_errors`, added as if the two were independent, which the shared test
    images make conservative) by `stats.with_known_error`, and a digit's interval is at the
    Bonferroni level 1 - 0.05 / 10, so that the ten digit-by-digit words hold together at 95%;
    the mean over the digits stays at 95%."""
    digits = sorted(auc[first], key=int)
    pairs = [(d, auc[first][d], auc[other][d]) for d in digits]
    pairs.append(("mean", mean_over_digits(auc[first]), mean_over_digits(auc[other])))
    errors = test_errors(auc, counts) if counts is not None else None
    out = {}
    for key, a, b in pairs:
        w = welch(a, b)
        lo, hi = w["lo"], w["hi"]
        if errors is not None:
            seeds = np.asarray(a, dtype=float)
            known = errors[first][key] ** 2 + errors[other][key] ** 2
            lo, hi = with_known_error(w["difference"], seeds.var(ddof=1) / len(seeds),
                                      len(seeds) - 1, known,
                                      LEVEL if key == "mean" else BONFERRONI)
        out[key] = {"difference": w["difference"], "ci95": [lo, hi], "word": decide(lo, hi)}
    return out


def digit_counts(confusion):
    """Test images per digit, (10,), from a test confusion matrix (rows: true digit) of any run
    on the same 10,000 test images."""
    return np.asarray(confusion, dtype=float).sum(axis=1).astype(int)


def test_errors(auc, counts):
    """{method: {"0".."9", "mean": Hanley-McNeil standard error of its AUC}}: digit d's AUC
    (at its mean over seeds) ranks counts - counts[d] anomalies against counts[d] normal images;
    the mean over the digits' error treats the ten digits as independent."""
    total = int(np.sum(counts))
    out = {}
    for method, per_digit in auc.items():
        errors = {d: auc_standard_error(float(np.mean(v)), total - counts[int(d)],
                                        counts[int(d)]) for d, v in per_digit.items()}
        errors["mean"] = float(np.sqrt(sum(e * e for e in errors.values()))) / len(per_digit)
        out[method] = errors
    return out


def hard_case_error(values, counts, digit):
    """The Hanley-McNeil standard error of the hard case's AUC (its mean over `values`): the
    counts[digit] images of `digit` ranked as anomalies against every other test image."""
    return auc_standard_error(float(np.mean(values)), int(counts[digit]),
                              int(np.sum(counts)) - int(counts[digit]))


def auc_interval(values, error, level=LEVEL):
    """(mean, lo, hi) of one AUC over seeds with the test set's error `error` (a standard error,
    `test_errors`) added: `stats.with_known_error`; for a deterministic method (one value) the
    normal interval of the test set's error alone."""
    x = np.asarray(values, dtype=float)
    seed_variance = x.var(ddof=1) / len(x) if len(x) > 1 else 0.0
    lo, hi = with_known_error(float(x.mean()), seed_variance, max(len(x) - 1, 1), error ** 2,
                              level)
    return float(x.mean()), lo, hi


def mean_over_digits(per_digit):
    """The mean AUC over the digits for each seed, (n_seeds,), from {digit: [AUC per seed]}."""
    return np.mean([per_digit[d] for d in sorted(per_digit, key=int)], axis=0)


def ink_contrast(mean_ink_per_digit, digit):
    """(mean ink of `digit`'s images, mean over the other digits of theirs)."""
    others = [ink for d, ink in enumerate(mean_ink_per_digit) if d != digit]
    return float(mean_ink_per_digit[digit]), float(np.mean(others))


def auc_summary(values):
    """(mean, lo, hi) of AUCs over seeds: the 95% t interval of the mean, or the one value
    twice over for a deterministic method."""
    if len(values) == 1:
        return float(values[0]), float(values[0]), float(values[0])
    return mean_interval(values)


def best_fixed_k(pca_per_digit, ks):
    """(k, mean AUC over the digits at that k, mean AUC at each k): the one number of PCA
    components that maximises the mean test AUC. Found on the test set, so never a choice:
    it shows how much the validation rule leaves to PCA."""
    means = np.mean([r["auc_at_each_k_not_for_choosing"] for r in pca_per_digit.values()],
                    axis=0)  # (len(ks),)
    best = int(np.argmax(means))
    return int(ks[best]), float(means[best]), means


def lowest_errors(runs, key):
    """{value of `key`: (lowest mean validation error, its 1-based epoch)} over the runs of a
    selection stage (dicts with `key` and a `validation_error` curve), averaged over digits."""
    curves = {}
    for run in runs:
        curves.setdefault(repr(run[key]), []).append(run["validation_error"])
    out = {}
    for value, group in curves.items():
        mean = np.mean(np.asarray(group, dtype=float), axis=0)
        out[value] = (float(np.nanmin(mean)), int(np.nanargmin(mean)) + 1)
    return out
