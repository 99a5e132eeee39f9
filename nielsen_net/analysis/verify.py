"""Re-run finished runs and judge them: bit for bit where the arithmetic is the record's,
statistically where it is not.

A run repeats bit for bit on the same code, data, seed, CPU, BLAS and BLAS threads
(environment.py says why the last three count). `differences` compares a rerun's record with
the stored one field by field (every number but timing and provenance): per field, how many
values differ, by how much, and from which epoch. `same_arithmetic` says whether this
machine's CPU, BLAS (with its threads) and numpy are the record's ("unknown" for records older
than those fields). On other arithmetic the bits may differ but the result must not: the
rerun's test accuracy must lie inside the committed row's 95% prediction interval for one new
run, and the mean of k reruns of a row inside the interval that holds the mean of k new runs
(`mean_prediction_interval`; k = 1 is the same interval).

Left out: training (the caller's `train`) and printing (the caller's `say`).
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

from . import stats
from ..experiments.config import RunConfig
from ..experiments.records import RUN_FIELDS, load_runs, read_record, run_files, strict

# What differs by design between two runs of one config: timing and where and when it ran.
IGNORED = {"config", "seconds", "environment", "run_id", "schema_version", "history.seconds"}
# The epoch of a series' first entry: the diagnostics start before training (epoch 0).
FIRST_EPOCH = {"history": 1, "diagnostics": 0, "test_accuracy_per_epoch": 1}
# What decides the bits besides the code, the data and the seed.
ARITHMETIC = ("cpu", "simd", "blas", "numpy")


@dataclass
class Difference:
    """How one field of a rerun differs from the stored record."""
    field: str
    differing: int          # values that differ
    total: int              # values in the stored field
    max_abs: float = 0.0    # largest |rerun - stored| over the numbers that differ
    max_rel: float = 0.0    # the same relative to the larger of the two
    epoch: int | None = None  # the first epoch that differs (per-epoch series only)
    first: tuple = ()       # (abs, rel) of the first value that differs, if both are numbers
    notes: list = field(default_factory=list)  # the values of a single one; length or kind

    def describe(self):
        size = (f"by at most {self.max_abs:.3g} (relative {self.max_rel:.3g})"
                if self.max_abs else "")
        if self.total == 1 and self.notes:  # one value: show both
            return f"{self.field}: {self.notes[0]}" + (
                f" (by {self.max_abs:.3g}, relative {self.max_rel:.3g})" if self.max_abs else "")
        where = f" from epoch {self.epoch}" if self.epoch is not None else ""
        if self.first and self.differing > 1:
            where += (" (there" if self.epoch is not None else " (the first") + \
                f" by {self.first[0]:.3g}, relative {self.first[1]:.3g})"
        return (f"{self.field}: {self.differing} of {self.total} values differ{where}"
                + (f", {size}" if size else "") + "".join(f"; {n}" for n in self.notes))


def _fields(record, prefix=""):
    """{dotted name: value} of a record: each top-level entry, and each entry of a table
    (history, diagnostics) on its own."""
    out = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if name in IGNORED:
            continue
        if isinstance(value, dict) and not prefix:
            out |= _fields(value, f"{name}.")
        else:
            out[name] = value
    return out


def _leaves(value, index=()):
    """(index, value) of every non-list inside nested lists; a scalar is one leaf at ()."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*index, i))
    else:
        yield index, value


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _difference(name, stored, fresh):
    """The Difference of one field, or None if the two are equal (bit for bit)."""
    a, b = dict(_leaves(stored)), dict(_leaves(fresh))
    missing = object()
    where = sorted(i for i in a.keys() | b.keys() if a.get(i, missing) != b.get(i, missing))
    if not where:
        return None
    result = Difference(name, len(where), len(a))
    pairs = [(a[i], b[i]) for i in where if i in a and i in b]
    numbers = [(x, y) for x, y in pairs if _number(x) and _number(y)]
    sizes = [(abs(y - x), abs(y - x) / max(abs(x), abs(y))) for x, y in numbers]
    if sizes:
        result.max_abs, result.max_rel = (max(size) for size in zip(*sizes))
    if where[0] in a and where[0] in b and _number(a[where[0]]) and _number(b[where[0]]):
        result.first = sizes[0]
    if len(a) == 1 and () in a and () in b:  # one value: show both
        result.notes.append(f"{fresh!r} here, {stored!r} stored")
    elif len(b) != len(a):
        result.notes.append(f"{len(b)} values here, {len(a)} stored")
    kinds = len(pairs) - len(numbers)
    if kinds and len(a) > 1:
        result.notes.append(f"{kinds} differ in kind (e.g. null against a number)")
    first = FIRST_EPOCH.get(name.split(".")[0])
    if first is not None and where[0]:
        result.epoch = where[0][0] + first
    return result


def differences(stored, fresh):
    """[Difference] of every field of the stored record that the rerun does not repeat bit for
    bit; [] when it does. Fields the stored record lacks (added to records since) are not
    compared; a field the rerun lacks differs in all its values."""
    ours, theirs = _fields(fresh), _fields(stored)
    found = []
    for name, value in theirs.items():
        if name not in ours:
            total = len(dict(_leaves(value)))
            found.append(Difference(name, total, total, notes=["missing from the rerun"]))
        elif (difference := _difference(name, value, ours[name])) is not None:
            found.append(difference)
    return found


def same_arithmetic(stored_env, here_env):
    """("same" | "different" | "unknown", [what differs]): whether the record was made on this
    machine's arithmetic (ARITHMETIC). "unknown" when the record lacks a field and no field it
    has differs."""
    known = [key for key in ARITHMETIC if key in stored_env]
    differ = []
    for key in known:
        theirs, ours = stored_env[key], here_env.get(key)
        pairs = ({f"{key} {k}": (theirs.get(k), ours.get(k)) for k in theirs.keys() | ours}
                 if isinstance(theirs, dict) and isinstance(ours, dict) else {key: (theirs, ours)})
        differ += [f"{name} {b!r} here, {a!r} in the record"
                   for name, (a, b) in sorted(pairs.items()) if a != b]
    if differ:
        return "different", differ
    return ("same" if len(known) == len(ARITHMETIC) else "unknown"), []


def _scored(accuracies):
    """The finite ones (a diverged run's test accuracy is null, or NaN)."""
    return [a for a in accuracies if a is not None and math.isfinite(a)]


def mean_prediction_interval(values, k, level=stats.LEVEL):
    """(lo, hi) that holds the mean of k new runs with probability `level`, for normal runs of
    which the finite `values` are a sample: mean +/- t(n-1) s sqrt(1/k + 1/n)."""
    if k == 1:
        return stats.prediction_interval(values, level)
    x = _scored(values)
    if len(x) < 2:
        raise ValueError(f"a prediction interval needs at least 2 finite values; got {len(x)}")
    n, mean = len(x), sum(x) / len(x)
    s = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
    half = stats.t_quantile(0.5 + level / 2.0, n - 1) * s * math.sqrt(1.0 / k + 1.0 / n)
    return mean - half, mean + half


def interval_check(accuracies, committed):
    """{value, lo, hi, n, k, inside} for the mean of the rerun `accuracies` of one row against
    the interval for k new runs from its `committed` test accuracies. A row none of whose runs
    has a test accuracy (all diverged) is repeated by reruns without one (inside True, no
    interval); otherwise inside is None when the row has fewer than two (no interval), and
    False when a rerun has none."""
    committed, k, scored = _scored(committed), len(accuracies), _scored(accuracies)
    value = sum(scored) / len(scored) if scored else None
    check = {"value": value, "n": len(committed), "k": k, "lo": None, "hi": None}
    if len(committed) < 2:
        return check | {"inside": True if not committed and not scored else None}
    lo, hi = mean_prediction_interval(committed, k)
    inside = len(scored) == k and lo <= value <= hi
    return check | {"lo": lo, "hi": hi, "inside": inside}


def describe_check(check, row):
    if check["lo"] is None:
        if check["inside"]:
            return f"{row}: no test accuracy, as none in the row (every run diverged): consistent"
        return f"{row}: no interval (the row holds {check['n']} scored runs): undetermined"
    what = ("test accuracy" if check["k"] == 1 else f"mean test accuracy of {check['k']} reruns")
    value = "none" if check["value"] is None else f"{check['value']:.4f}"
    verdict = "inside: consistent" if check["inside"] else "OUTSIDE: not consistent"
    return (f"{row}: {what} {value} against [{check['lo']:.4f}, {check['hi']:.4f}], the 95% "
            f"interval for {'one new run' if check['k'] == 1 else 'that many'} from the "
            f"{check['n']} committed: {verdict}")


@dataclass
class Rerun:
    """One finished run trained again: its stored record and how the rerun compares."""
    path: Path
    row: str                 # the configuration (the report's row)
    stored: dict
    accuracy: float | None   # the rerun's test accuracy
    differences: list
    arithmetic: tuple        # from same_arithmetic

    @property
    def identical(self):
        return not self.differences

    def ok(self, check):
        """Bit-identical; or, on other (or unknown) arithmetic, inside its interval."""
        if self.identical:
            return True
        return self.arithmetic[0] != "same" and bool(check["inside"])


def pick(sweep_dir, runs, offset=0):
    """The paths of `runs` finished runs of a sweep: every k-th from `offset`, k spreading
    them over the sweep."""
    paths = list(run_files(sweep_dir))
    return paths[offset::max(1, len(paths) // runs)][:runs]


def rerun(path, configuration, train, here_env):
    """Train the run stored at `path` again with `train(config) -> record` and compare."""
    stored = read_record(path, RUN_FIELDS)
    fresh = strict(train(RunConfig.from_dict(stored["config"])))  # as stored: NaN -> null
    return Rerun(path, configuration, stored, fresh.get("test_accuracy"),
                 differences(stored, fresh),
                 same_arithmetic(stored.get("environment", {}), here_env))


def describe(result, check):
    """The lines that report one rerun: identical, or its field differences, the arithmetic
    and the interval check."""
    commit = result.stored.get("environment", {}).get("git_commit", "unknown")[:10]
    head = f"{result.path.stem}: {'identical' if result.identical else 'DIFFERS'} " \
           f"(stored with commit {commit})"
    if result.identical:
        return [head]
    verdict, details = result.arithmetic
    machine = {"same": "the record's CPU, BLAS and threads: the bits should have been the same",
               "different": "not the record's CPU, BLAS or threads: " + "; ".join(details),
               "unknown": "unknown (the record predates the CPU and BLAS fields)"}[verdict]
    return [head, *(f"  {d.describe()}" for d in result.differences),
            f"  this machine: {machine}", f"  {describe_check(check, 'across machines')}"]


def verify(sweep_dir, paths, train, here_env, say):
    """Rerun the runs at `paths` of the sweep in `sweep_dir`, handing each line of the report
    to `say` as it is known; return whether every run passed (`Rerun.ok`, and each row's mean
    where several of its runs differ)."""
    names = run_files(sweep_dir)
    committed = {row: [r.get("test_accuracy") for r in records]
                 for row, records in load_runs(sweep_dir).items()}
    ok, by_row = True, {}
    for path in paths:
        result = rerun(path, names[path][0], train, here_env)
        check = interval_check([result.accuracy], committed[result.row])
        for line in describe(result, check):
            say(line)
        ok &= result.ok(check)
        by_row.setdefault(result.row, []).append(result)
    for row, results in by_row.items():
        if len(results) > 1 and not all(r.identical for r in results):
            check = interval_check([r.accuracy for r in results], committed[row])
            say(describe_check(check, row))
            ok &= bool(check["inside"])
    identical = sum(r.identical for rs in by_row.values() for r in rs)
    if identical == len(paths):
        say(f"{identical} of {identical} runs bit-identical")
    else:
        say(f"{identical} of {len(paths)} runs bit-identical; the others "
            + ("statistically consistent" if ok else "FAIL (see above)"))
    return ok
