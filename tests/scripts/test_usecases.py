"""The use cases: the regression data, not retraining an up-to-date record, and each use case's
TOML file checked as strictly as a sweep file (an unknown key, at any depth, is an error naming
it and the valid keys)."""

import tomllib

import numpy as np
import pytest

from helpers import ROOT, load_script
from nielsen_net.experiments import usecases
from nielsen_net.experiments.records import write_record
from nielsen_net.one_class.config import ANOMALY, ONE_CLASS

regression = load_script("regression")
CONFIGS = ROOT / "scripts" / "configs"
SCHEMAS = {"regression": regression.SCHEMA, "inspect": load_script("inspect_nets").SCHEMA,
           "anomaly": ANOMALY, "one_class": ONE_CLASS}
# per use case: a table the test slips an unknown key into, and that table's name in the error
NESTED = {"regression": (["training"], "[training]"),
          "inspect": (["networks", "relu"], "[networks.relu]"),
          "anomaly": (["network"], "[network]"),
          "one_class": (["autoencoder", "selection", "grid"], "[autoencoder.selection.grid]")}


def test_regression_data_follow_the_stated_formula():
    x, y = regression.make_data(20_000, 0.1, np.random.default_rng(0))
    assert x.min() >= -3 and x.max() <= 3
    residual = y - (np.sin(2 * x) + 0.3 * x)
    assert residual.std() == pytest.approx(0.1, rel=0.03)


def test_a_use_case_whose_record_holds_its_config_is_not_retrained(tmp_path, capsys):
    def start(*flags):
        args = usecases.command_line("regression", "doc").parse_args(
            ["--results", str(tmp_path), *flags])
        return usecases.start(args, regression.SCHEMA, "regression/regression.json")

    config, path, done, env = start()
    assert path == tmp_path / "regression" / "regression.json" and "git_commit" in env
    assert done is None
    write_record(path, {"config": config})
    with pytest.raises(SystemExit) as stop:
        start()
    assert stop.value.code == 0 and "is up to date" in capsys.readouterr().out
    assert start("--force")[0] == config
    write_record(path, {"config": config | {"noise": 0.5}})  # the config changed: retrain
    assert start()[0] == config and start()[2]["config"]["noise"] == 0.5


def test_every_use_case_config_has_a_schema_and_passes_it():
    assert sorted(SCHEMAS) == sorted(p.stem for p in CONFIGS.glob("*.toml"))
    for name, schema in SCHEMAS.items():
        assert usecases.load_config(CONFIGS / f"{name}.toml", schema)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_an_unknown_key_is_an_error_naming_it_and_the_valid_keys(name, tmp_path):
    text = (CONFIGS / f"{name}.toml").read_text()
    path = tmp_path / f"{name}.toml"
    path.write_text("epochz = 3\n" + text)
    with pytest.raises(ValueError) as error:
        usecases.load_config(path, SCHEMAS[name])
    assert str(error.value).startswith(f"{name}.toml: unknown key 'epochz' in the top level")
    assert "valid: " + ", ".join(SCHEMAS[name]) in str(error.value)
    keys, where = NESTED[name]
    config = tomllib.loads(text)
    table = config
    for key in keys:
        table = table[key]
    table["etta"] = 0.1
    with pytest.raises(ValueError, match=rf"unknown key 'etta' in \{where}; valid: "):
        usecases.check_keys(config, SCHEMAS[name])


def test_a_bad_config_stops_the_script_with_one_line(tmp_path):
    bad = tmp_path / "regression.toml"
    bad.write_text((CONFIGS / "regression.toml").read_text().replace("[training]",
                                                                     "[training]\netta = 1"))
    args = usecases.command_line("regression", "doc").parse_args(
        ["--results", str(tmp_path), "--config", str(bad)])
    with pytest.raises(SystemExit) as stop:
        usecases.start(args, regression.SCHEMA, "regression/regression.json")
    assert stop.value.code.startswith("error: regression.toml: unknown key 'etta' in [training]")
    assert not (tmp_path / "regression").exists()
