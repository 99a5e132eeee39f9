"""The regression use case's data."""

import numpy as np
import pytest

from helpers import load_script
from nielsen_net.experiments.records import write_record

regression = load_script("regression")


def test_regression_data_follow_the_stated_formula():
    x, y = regression.make_data(20_000, 0.1, np.random.default_rng(0))
    assert x.min() >= -3 and x.max() <= 3
    residual = y - (np.sin(2 * x) + 0.3 * x)
    assert residual.std() == pytest.approx(0.1, rel=0.03)


def test_a_use_case_whose_record_holds_its_config_is_not_retrained(tmp_path, monkeypatch,
                                                                   capsys):
    usecase = load_script("usecase")
    monkeypatch.setattr("sys.argv", ["regression.py", "--results", str(tmp_path)])
    config, path, env = usecase.start("regression", "doc")
    assert path == tmp_path / "regression" / "regression.json" and "git_commit" in env
    write_record(path, {"config": config})
    with pytest.raises(SystemExit) as stop:
        usecase.start("regression", "doc")
    assert stop.value.code == 0 and "is up to date" in capsys.readouterr().out
    monkeypatch.setattr("sys.argv", ["regression.py", "--results", str(tmp_path), "--force"])
    assert usecase.start("regression", "doc")[0] == config
    write_record(path, {"config": config | {"noise": 0.5}})  # the config changed: retrain
    monkeypatch.setattr("sys.argv", ["regression.py", "--results", str(tmp_path)])
    assert usecase.start("regression", "doc")[0] == config
