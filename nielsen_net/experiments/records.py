"""Records on disk: the one writer and the one reader of every JSON file under results/.

A record is a JSON object (a run, a sweep's log, a use case, the baseline, the benchmark).
Rules every record follows:

- Strict JSON: a non-finite number (NaN, a diverged run's cost; +-inf) is stored as `null`,
  because `NaN` is not JSON and strict parsers reject it. Reading gives `None` back; the
  analysis reads `None` in a numeric series as NaN.
- Each record carries `schema_version` (SCHEMA_VERSION, raised when a field changes meaning);
  a record from a newer version is refused rather than misread.
- Writing is atomic: a temporary file in the same folder, flushed to disk, then renamed over
  the target, so a reader (or a crash) sees the old file or the whole new one, never a part.
- A bad record (unreadable, not strict JSON, not an object, missing a field, newer schema)
  raises `BadRecord`, whose message names the file and what is wrong. The plots, the report,
  `rerun_check` and a sweep reading its own log (`sweep.json`) stop on one: a figure or table
  built without it would state the wrong numbers, and a log silently reset loses its history.
  Only a sweep's resume skips a bad *run* record and reports it: that run has no usable
  result, so it is trained again and its file replaced.
- In a sweep's runs/ (tune/) folder only files named `<configuration>,seed=<n>.json`
  (`<configuration>,eta=<x>,seed=<n>.json`) are runs; any other file there, such as an editor's
  copy, is ignored and reported by `stray_files`, never counted as a seed.

Left out: what the numbers mean (`nielsen_net.analysis`) and how runs are scheduled (`runner`).
"""

import json
import math
import re
from pathlib import Path

import numpy as np

from ..files import atomic

SCHEMA_VERSION = 1
RUN_NAME = {"runs": re.compile(r"(?P<configuration>[^/\\]+),seed=(?P<key>\d+)\.json"),
            "tune": re.compile(r"(?P<configuration>[^/\\]+),eta=(?P<key>[0-9.e+-]+)"
                               r"(,seed=\d+)?\.json")}
RUN_FIELDS = ("config", "history")


class BadRecord(ValueError):
    """A record file that cannot be used; the message names the file."""


def strict(value):
    """`value` as plain JSON data: non-finite floats become None, numpy scalars and arrays
    Python numbers and lists, tuples lists."""
    if isinstance(value, dict):
        return {str(k): strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [strict(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_record(path, record):
    """Write `record` (a dict) to `path` as strict JSON with the schema version, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(strict(record | {"schema_version": SCHEMA_VERSION}), indent=1,
                      allow_nan=False)
    with atomic(path, "w") as f:
        f.write(text)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON (non-finite numbers are stored as null)")


def read_record(path, required=()):
    """The record at `path` as a dict; BadRecord naming the file if it is not a strict-JSON
    object of this schema version holding every key of `required`."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(), parse_constant=_refuse_constant)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BadRecord(f"bad record {path}: {error}") from None
    if not isinstance(record, dict):
        raise BadRecord(f"bad record {path}: a JSON object was expected, "
                        f"got {type(record).__name__}")
    version = record.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise BadRecord(f"bad record {path}: schema_version {version!r}; this code reads "
                        f"1 to {SCHEMA_VERSION} (run `make migrate` for older files)")
    missing = [key for key in required if key not in record]
    if missing:
        raise BadRecord(f"bad record {path}: missing {', '.join(missing)}")
    return record


def read_if_present(path, required=()):
    """`read_record`, or None if there is no file at `path`."""
    return read_record(path, required) if Path(path).exists() else None


def run_files(sweep_dir, kind="runs"):
    """{path: (configuration, seed or eta)} of the run files in <sweep_dir>/<kind>/, by name."""
    found = {}
    for path in sorted(Path(sweep_dir, kind).glob("*.json")):
        match = RUN_NAME[kind].fullmatch(path.name)
        if match:
            key = match["key"]
            found[path] = (match["configuration"], int(key) if kind == "runs" else float(key))
    return found


IN_PROGRESS = (".json.lock", ".checkpoint.npz")  # a run's claim and its epoch checkpoint


def stray_files(sweep_dir, kind="runs"):
    """The files in <sweep_dir>/<kind>/ that are not named as runs (ignored by `load_runs`),
    leaving out what a run in progress keeps beside its record."""
    folder = Path(sweep_dir, kind)
    named = run_files(sweep_dir, kind)
    return sorted(p for p in folder.glob("*") if p.is_file() and p not in named
                  and not p.name.startswith(".") and not p.name.endswith(IN_PROGRESS))


def load_runs(sweep_dir, kind="runs"):
    """{configuration: [records, by seed]} from <sweep_dir>/runs/ (or tune/: {configuration:
    {eta: [records, by seed]}}, etas in increasing order). Stops with BadRecord on a bad run
    file."""
    grouped = {}
    for path, (name, _) in run_files(sweep_dir, kind).items():
        grouped.setdefault(name, []).append(read_record(path, RUN_FIELDS))
    by_seed = {n: sorted(rs, key=lambda r: r["config"]["seed"]) for n, rs in grouped.items()}
    if kind == "runs":
        return by_seed
    return {n: {eta: [r for r in rs if r["config"]["eta"] == eta]
                for eta in sorted({r["config"]["eta"] for r in rs})}
            for n, rs in by_seed.items()}
