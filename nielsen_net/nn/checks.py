"""Input checks shared by the library: each failure is a ValueError that names the argument,
the value received and what is accepted.

Left out: type coercion beyond numpy's own; the checks only refuse, they never repair.
"""

import numpy as np

DTYPES = ("float64", "float32")


def choose(kind, name, table):
    """`table[name]`, or a ValueError listing the valid names of this `kind`."""
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"unknown {kind} {name!r}; valid: {', '.join(map(repr, table))}")
    return table[name]


def check_dtype(dtype):
    """The numpy dtype for 'float64' or 'float32' (a name or a numpy dtype)."""
    name = np.dtype(dtype).name if isinstance(dtype, (type, np.dtype)) else dtype
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return np.dtype(name)


def check_positive(name, value, *, integer=False, allow_zero=False):
    """Refuse a `value` that is not > 0 (>= 0 with `allow_zero`), or not an int when `integer`."""
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise ValueError(f"{name} must be {'an integer' if integer else 'a number'}; got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}; got {value!r}")


def check_number(name, value):
    """Refuse a `value` that is not a finite real number (bools are not numbers here)."""
    if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
            or not np.isfinite(value)):
        raise ValueError(f"{name} must be a finite number; got {value!r}")


def check_bool(name, value):
    """Refuse a `value` that is not True or False (a string such as "no" would read as True)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be true or false; got {value!r}")


def check_sizes(sizes):
    """`sizes` as a list of ints: a list, tuple or 1-D array of at least two integers >= 1."""
    if (not isinstance(sizes, (list, tuple, np.ndarray)) or np.ndim(sizes) != 1
            or len(sizes) < 2
            or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1
                       for s in sizes)):
        raise ValueError(f"sizes must be a list of at least two layer sizes, each an integer "
                         f">= 1; got {sizes!r}")
    return [int(s) for s in sizes]


def check_seed(seed):
    """Refuse a seed other than None, an int >= 0 or an np.random.Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, None or an np.random.Generator; "
                         f"got {seed!r}")


def check_sgd(epochs, mini_batch_size, eta, lmbda, mu, no_improvement_in, halve_eta):
    """Refuse bad `Network.SGD` settings (shared with the run config, which checks them early)."""
    check_positive("epochs", epochs, integer=True)
    check_positive("mini_batch_size", mini_batch_size, integer=True)
    check_positive("eta", eta)
    check_positive("lmbda", lmbda, allow_zero=True)
    check_positive("no_improvement_in", no_improvement_in, integer=True, allow_zero=True)
    check_number("mu", mu)
    check_bool("halve_eta", halve_eta)
    if not 0 <= mu < 1:
        raise ValueError(f"mu must lie in [0, 1); got {mu!r}")
    if halve_eta and not no_improvement_in:
        raise ValueError("halve_eta needs no_improvement_in > 0: it halves eta when that rule "
                         "fires")


def check_inputs(X, n_in, dtype, name="X"):
    """`X` as a C-contiguous (m, n_in) array of `dtype`, finite, or a ValueError."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"{name} must have shape (m, {n_in}); got {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
        raise ValueError(f"{name} must hold real numbers; got dtype {X.dtype}")
    X = np.ascontiguousarray(X, dtype=dtype)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def check_targets(y, m, n_out, dtype, name="y"):
    """`y` as an (m, n_out) target matrix of `dtype`.

    `y` is either integer class labels of shape (m,), one-hot encoded here, or a target
    matrix of shape (m, n_out).
    """
    y = np.asarray(y)
    if y.ndim == 1:
        if y.shape[0] != m:
            raise ValueError(f"{name} has {y.shape[0]} rows but X has {m}; they must match")
        if not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"{name} labels must be integers; got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= n_out):
            raise ValueError(
                f"{name} labels must lie in [0, {n_out}); got values from {y.min()} to {y.max()}")
        Y = np.zeros((m, n_out), dtype=dtype)
        Y[np.arange(m), y] = 1
        return Y
    if y.ndim != 2 or y.shape[1] != n_out:
        raise ValueError(f"{name} must be labels of shape ({m},) or targets of shape "
                         f"({m}, {n_out}); got {y.shape}")
    if y.shape[0] != m:
        raise ValueError(f"{name} has {y.shape[0]} rows but X has {m}; they must match")
    Y = np.ascontiguousarray(y, dtype=dtype)
    if not np.isfinite(Y).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return Y
