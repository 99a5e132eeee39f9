"""The statistics the report's verdicts rest on, in numpy and the standard library only.

Student's t distribution (through the regularised incomplete beta function), intervals for a
mean and for one new run, the Wilson interval for a frequency, the binomial error of an accuracy
measured on a finite test set and Hanley-McNeil's of an ROC area, Welch's comparison of two
groups (one of them may be a single constant value), the paired t comparison of runs that share
their seeds, the sign test, an interval with a known error part added, and the one rule that
turns an interval of a difference into a word (`decide`).

Every interval is two-sided at `level` unless `side` says otherwise; "upper" gives (-inf, hi] and
"lower" gives [lo, inf), each holding `level` of the distribution.
"""

import math

import numpy as np

LEVEL = 0.95


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def betainc(a, b, x):
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    """P(T <= t) for Student's t with df degrees of freedom."""
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p, df):
    """The t with P(T <= t) = p, by bisection (t_cdf is monotone)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1; got {p}")
    lo, hi = -1.0, 1.0
    while t_cdf(lo, df) > p:
        lo *= 2.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def normal_quantile(p):
    """The z with P(Z <= z) = p for the standard normal, by bisection on erf."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1; got {p}")
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if 0.5 * (1.0 + math.erf(mid / math.sqrt(2.0))) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _finite(values):
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def _interval(centre, scale, df, level, side):
    """centre +/- t * scale, two-sided or one-sided at `level`."""
    if side not in ("both", "upper", "lower"):
        raise ValueError(f"side must be 'both', 'upper' or 'lower'; got {side!r}")
    if side == "both":
        half = t_quantile(0.5 + level / 2.0, df) * scale
        return centre - half, centre + half
    half = t_quantile(level, df) * scale
    return (-math.inf, centre + half) if side == "upper" else (centre - half, math.inf)


def mean_interval(values, level=LEVEL):
    """(mean, lo, hi): the t interval for the mean of the finite values (>= 2 of them)."""
    x = _finite(values)
    if len(x) < 2:
        raise ValueError(f"an interval needs at least 2 finite values; got {len(x)}")
    lo, hi = _interval(x.mean(), x.std(ddof=1) / math.sqrt(len(x)), len(x) - 1, level, "both")
    return float(x.mean()), float(lo), float(hi)


def prediction_interval(values, level=LEVEL, side="both"):
    """(lo, hi) that holds one new draw with probability `level`, for normal draws of which
    `values` are a sample: mean +/- t(n-1) * s * sqrt(1 + 1/n)."""
    x = _finite(values)
    if len(x) < 2:
        raise ValueError(f"a prediction interval needs at least 2 finite values; got {len(x)}")
    scale = x.std(ddof=1) * math.sqrt(1.0 + 1.0 / len(x))
    lo, hi = _interval(x.mean(), scale, len(x) - 1, level, side)
    return float(lo), float(hi)


def wilson_interval(k, n, level=LEVEL):
    """(lo, hi) for a frequency k/n: the Wilson score interval."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0; got k={k}, n={n}")
    z = normal_quantile(0.5 + level / 2.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def binomial_error(accuracy, n):
    """The standard error of an accuracy measured on n independent examples:
    sqrt(p (1 - p) / n), in the accuracy's own unit (a fraction)."""
    return math.sqrt(accuracy * (1.0 - accuracy) / n)


def welch(a, b, level=LEVEL):
    """Welch's comparison of two groups: {difference (mean a - mean b), lo, hi, t, df, p}.

    A group of one value counts as a constant (a deterministic baseline): it adds no variance
    and no degrees of freedom, so against it this is the one-sample t interval of the other.
    Needs at least two finite values in one group; lo = hi if neither varies."""
    a, b = _finite(a), _finite(b)
    if len(a) < 2 and len(b) < 2:
        raise ValueError(f"Welch needs at least two values in one group; got {len(a)} and "
                         f"{len(b)}")
    varying = [x for x in (a, b) if len(x) > 1]
    va, vb = (x.var(ddof=1) / len(x) if len(x) > 1 else 0.0 for x in (a, b))
    difference = float(a.mean() - b.mean())
    se = math.sqrt(va + vb)
    if se == 0.0:
        return {"difference": difference, "lo": difference, "hi": difference,
                "t": math.copysign(math.inf, difference) if difference else 0.0,
                "df": float(sum(len(x) - 1 for x in varying)),
                "p": 1.0 if difference == 0 else 0.0}
    df = (va + vb) ** 2 / sum((x.var(ddof=1) / len(x)) ** 2 / (len(x) - 1) for x in varying)
    lo, hi = _interval(difference, se, df, level, "both")
    t = difference / se
    return {"difference": difference, "lo": float(lo), "hi": float(hi), "t": float(t),
            "df": float(df), "p": float(2.0 * t_cdf(-abs(t), df))}


def paired(a, b, level=LEVEL):
    """The comparison of two sets of runs paired one to one (a[i] and b[i] share seed i, so
    they are not independent samples): {difference (mean of a[i] - b[i]), lo, hi (the t
    interval of that mean), t, df, p, n (pairs)}. Pairs with a non-finite side are dropped."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired values need two 1-d arrays of one length; got {a.shape} and "
                         f"{b.shape}")
    d = (a - b)[np.isfinite(a) & np.isfinite(b)]
    mean, lo, hi = mean_interval(d, level)
    se = d.std(ddof=1) / math.sqrt(len(d))
    t = mean / se if se else (math.copysign(math.inf, mean) if mean else 0.0)
    return {"difference": mean, "lo": lo, "hi": hi, "t": float(t), "df": float(len(d) - 1),
            "p": float(2.0 * t_cdf(-abs(t), len(d) - 1)) if se else float(mean == 0),
            "n": len(d)}


def sign_test(k, n):
    """The exact two-sided p of k of n values on one side of 0 when either side is equally
    likely (the binomial sign test): the chance of a split at least this uneven."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1; got k={k}, n={n}")
    extreme = max(k, n - k)
    tail = sum(math.comb(n, i) for i in range(extreme, n + 1)) / 2 ** n
    return min(1.0, 2.0 * tail)


def auc_standard_error(auc, n_positive, n_negative):
    """Hanley and McNeil's (1982) standard error of an ROC AUC measured on n_positive and
    n_negative examples: the test set's own sampling error of the area, in its unit."""
    a, m, n = auc, n_positive, n_negative
    q1, q2 = a / (2.0 - a), 2.0 * a * a / (1.0 + a)
    return math.sqrt((a * (1 - a) + (m - 1) * (q1 - a * a) + (n - 1) * (q2 - a * a)) / (m * n))


def with_known_error(centre, sample_variance, df, known_variance, level=LEVEL):
    """(lo, hi): centre +/- t * sqrt(sample_variance + known_variance), for an estimate whose
    variance is one part estimated from a sample (with df degrees of freedom) and one part known
    from a formula (infinite degrees of freedom): the Satterthwaite degrees of freedom of the
    sum, (v_s + v_k)^2 / (v_s^2 / df). A normal interval when the sample part is 0."""
    total = sample_variance + known_variance
    if total == 0.0:
        return centre, centre
    q = 0.5 + level / 2.0
    if sample_variance == 0.0:
        half = normal_quantile(q) * math.sqrt(total)
    else:
        half = t_quantile(q, total * total / (sample_variance ** 2 / df)) * math.sqrt(total)
    return float(centre - half), float(centre + half)


def decide(lo, hi):
    """The word for an interval of a difference (first minus second): "higher" if it lies above
    0, "lower" if below, "not distinguishable" if it covers 0."""
    if lo > 0:
        return "higher"
    if hi < 0:
        return "lower"
    return "not distinguishable"


def least_squares(X, y, level=LEVEL):
    """Ordinary least squares y ~ X (X holds its own intercept column): {coef, lo, hi, se, df}
    with t intervals for each coefficient."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, k = X.shape
    if n <= k:
        raise ValueError(f"least squares needs more rows than columns; got {n} x {k}")
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ coef
    sigma2 = residual @ residual / (n - k)
    se = np.sqrt(np.diag(sigma2 * np.linalg.pinv(X.T @ X)))
    half = t_quantile(0.5 + level / 2.0, n - k) * se
    return {"coef": coef, "lo": coef - half, "hi": coef + half, "se": se, "df": n - k}
