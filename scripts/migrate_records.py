"""Rewrite every record under results/ in today's format (strict JSON, schema version).

    python scripts/migrate_records.py [--results DIR]

Reads each *.json file as the older writer left it (bare NaN tokens allowed, no
`schema_version`), writes it back through `nielsen_net.results.write_record`, reads the new
file with the strict reader and checks that every value is unchanged, a NaN having become
null. Safe to run again: a migrated file is rewritten identically. Changes no number.
"""

import argparse
import json
import math
import sys
from pathlib import Path

from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.experiments.records import SCHEMA_VERSION, read_record, write_record


def same(old, new, where=""):
    """The places where `new` differs from `old`, NaN or inf in `old` matching None in `new`."""
    if isinstance(old, float) and not math.isfinite(old):
        return [] if new is None else [where]
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return [f"{where}: keys {sorted(set(old) ^ set(new))}"]
        return [d for k in old for d in same(old[k], new[k], f"{where}.{k}")]
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: length"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in same(a, b, f"{where}[{i}]")]
    return [] if type(old) is type(new) and old == new else [where]


def migrate(path):
    """Rewrite one file; returns the places whose value changed (none, if all went well)."""
    old = json.loads(path.read_text())
    if not isinstance(old, dict):
        return [f"{path}: not a JSON object, left as it is"]
    write_record(path, old)
    new = read_record(path)
    old = old | {"schema_version": SCHEMA_VERSION}
    return [f"{path}{where}" for where in same(old, new)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args()
    paths = sorted(args.results.rglob("*.json"))
    changed = [where for path in paths for where in migrate(path)]
    for where in changed:
        print(f"changed: {where}", file=sys.stderr)
    print(f"migrated {len(paths)} records under {args.results}; "
          f"{len(changed)} values changed")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
