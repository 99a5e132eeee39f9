"""Records on disk: strict JSON, schema version, atomic writes, and bad records named."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT
from nielsen_net.experiments.records import (SCHEMA_VERSION, BadRecord, load_runs, read_record,
                                             stray_files, write_record)


def run_record(seed):
    return {"config": {"seed": seed, "eta": 0.5},
            "history": {"evaluation_cost": [1.0, float("nan")], "diverged": True}}


def test_non_finite_numbers_are_stored_as_null_and_the_file_is_strict_json(tmp_path):
    path = tmp_path / "r.json"
    write_record(path, {"a": [1.5, float("nan"), float("inf")], "b": np.float32(2.0),
                        "c": np.array([[1, 2]]), "d": (3, -math.inf)})
    text = path.read_text()
    assert "NaN" not in text and "Infinity" not in text
    strict = json.loads(text, parse_constant=lambda token: pytest.fail(token))
    assert strict == {"a": [1.5, None, None], "b": 2.0, "c": [[1, 2]], "d": [3, None],
                      "schema_version": SCHEMA_VERSION}
    assert read_record(path) == strict


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "r.json"
    write_record(path, {"value": 1})
    with pytest.raises(TypeError):
        write_record(path, {"value": object()})  # not JSON: fails before the rename
    assert read_record(path)["value"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


@pytest.mark.parametrize("text,problem", [
    ('{"config": {"se', "Unterminated string"),           # cut off
    ("[1, 2]", "a JSON object was expected, got list"),
    ('{"x": NaN, "schema_version": 1}', "NaN is not JSON"),
    ('{"config": {}, "history": {}}', "schema_version None"),  # never migrated
    ('{"config": {}, "history": {}, "schema_version": 99}', "schema_version 99"),
    ('{"config": {}, "schema_version": 1}', "missing history"),
    ("", "Expecting value"),
])
def test_a_bad_record_is_refused_naming_the_file_and_the_problem(tmp_path, text, problem):
    path = tmp_path / "runs" / "relu,seed=0.json"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(BadRecord, match="bad record .*relu,seed=0.json") as error:
        load_runs(tmp_path)
    assert problem in str(error.value)


def test_only_files_named_as_runs_are_runs(tmp_path):
    for seed in (0, 1):
        write_record(tmp_path / "runs" / f"momentum,seed={seed}.json", run_record(seed))
    copy = tmp_path / "runs" / "momentum,seed=1 (copy).json"
    copy.write_text((tmp_path / "runs" / "momentum,seed=1.json").read_text())
    (tmp_path / "runs" / "notes.txt").write_text("mine")
    runs = load_runs(tmp_path)
    assert [r["config"]["seed"] for r in runs["momentum"]] == [0, 1]
    assert stray_files(tmp_path) == [copy, tmp_path / "runs" / "notes.txt"]


def test_tuning_runs_are_keyed_by_eta(tmp_path):
    for eta in (0.1, 1.0):
        write_record(tmp_path / "tune" / f"relu,eta={eta:g}.json",
                     run_record(100) | {"config": {"seed": 100, "eta": eta}})
    assert sorted(load_runs(tmp_path, "tune")["relu"]) == [0.1, 1.0]


def test_a_truncated_sweep_log_stops_the_sweep_before_any_work(tmp_path):
    sweep = tmp_path / "tiny.toml"
    sweep.write_text('name = "tiny"\n[defaults]\nsizes = [784, 4, 10]\nepochs = 1\n')
    log = tmp_path / "results" / "tiny" / "sweep.json"
    log.parent.mkdir(parents=True)
    log.write_text('{"invocations": [{"seconds": 1')
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"), str(sweep),
                           "--results", str(tmp_path / "results")],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert f"error: bad record {log}" in done.stderr
    assert log.read_text() == '{"invocations": [{"seconds": 1'  # not reset
    assert not (tmp_path / "results" / "tiny" / "runs").exists()


def test_every_committed_record_is_strict_json_of_this_schema():
    paths = sorted((ROOT / "results").rglob("*.json"))
    assert paths
    for path in paths:
        assert read_record(path)["schema_version"] == SCHEMA_VERSION
