"""What the use cases (regression, inspect, anomaly, one_class) share: their TOML files under
scripts/configs/, checked as strictly as a sweep file, their command line, and not retraining
when the record already holds the config.

A use case's config is described by a schema: a dict of its valid keys, where a key's value is
`None` (any value), a dict (a table, checked the same way) or a one-element list holding a dict
(an array of such tables, `[[published]]`); a schema {NAMED: schema} is a table of named tables
(`[networks.relu]`), each checked against that schema. Any key not in the schema, at any depth, is a
ValueError naming the file, the table, the key and the valid keys, before anything trains.

Left out: training and drawing (each use case trains; scripts/plots.py draws from the record).
"""

import argparse
import inspect
import sys
import tomllib
from pathlib import Path

from ..nn.network import Network
from ..paths import CONFIGS, RESULTS
from .environment import environment
from .records import read_if_present


def _parameters(function, leave_out):
    return {name: None for name in inspect.signature(function).parameters
            if name not in leave_out}


# what a [network] table may set: Network's keyword arguments (the seed comes from `seeds`) ...
NETWORK = _parameters(Network.__init__, {"self", "seed"})
# ... and a [training] table: Network.SGD's (data, monitoring and progress are the use case's)
SGD = _parameters(Network.SGD, {"self", "training_data", "evaluation_data", "monitor_training",
                                "progress", "on_epoch"})


NAMED = "<name>"  # the one key of a schema whose table holds tables under names of its choosing


def check_keys(table, schema, where=""):
    """Refuse any key of `table` (a dict read from TOML) that `schema` does not list; `where`
    is the dotted name of the table ("" for the top level)."""
    if set(schema) == {NAMED}:
        schema = dict.fromkeys(table, schema[NAMED])
    unknown = sorted(set(table) - set(schema))
    if unknown:
        place = f"[{where}]" if where else "the top level"
        raise ValueError(f"unknown key{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))} "
                         f"in {place}; valid: {', '.join(schema)}")
    for key, sub in schema.items():
        if key not in table or sub is None:
            continue
        inner, value = f"{where}.{key}" if where else key, table[key]
        if isinstance(sub, list):
            if not (isinstance(value, list) and all(isinstance(t, dict) for t in value)):
                raise ValueError(f"[[{inner}]] must be an array of tables; got {value!r}")
            for entry in value:
                check_keys(entry, sub[0], inner)
        elif not isinstance(value, dict):  # (TOML has no other kind of table)
            raise ValueError(f"[{inner}] must be a table; got {value!r}")
        else:
            check_keys(value, sub, inner)


def load_config(path, schema):
    """The use-case config in the TOML file `path`, checked against `schema`."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            config = tomllib.load(f)
        check_keys(config, schema)
    except FileNotFoundError:
        raise ValueError(f"config file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise ValueError(f"{path.name}: {error}") from None
    return config


def command_line(name, doc):
    """The options every use case takes; a use case may add its own before parsing."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="results folder (default: results/)")
    parser.add_argument("--config", type=Path, default=CONFIGS / f"{name}.toml",
                        help=f"the use case's TOML file (default: scripts/configs/{name}.toml)")
    parser.add_argument("--force", action="store_true", help="retrain even if up to date")
    return parser


def start(args, schema, record):
    """(config, record path, previous record or None, environment) for parsed `args`, with
    the record at `args.results / record`; or exit, with one line, on a bad config or record,
    and when that record already holds this config (unless --force). The environment is
    taken now, before training, so a commit made meanwhile is not credited with the run."""
    path = args.results / record
    try:
        config = load_config(args.config, schema)
        done = read_if_present(path)
    except ValueError as error:
        sys.exit(f"error: {error}")
    if done is not None and done.get("config") == config and not args.force:
        print(f"{path} is up to date with {args.config.name}; --force retrains")
        sys.exit(0)
    return config, path, done, environment()
