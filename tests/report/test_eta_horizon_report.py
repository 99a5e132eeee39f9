"""The eta-horizon section, from made-up runs and a made-up activation_init log."""

from helpers import SWEEPS
from nielsen_net.experiments import records as results
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.report import eta_horizon

CELL = {"1e-05": [0.50, 0.60, 0.70, 0.75, 0.80, 0.85, 0.86, 0.87],
        "3e-05": [0.60, 0.70, 0.80, 0.85, 0.90, 0.91, 0.915, 0.92],
        "0.0001": [0.10, 0.20, 0.30, 0.40, 0.50, 0.90, 0.95, 0.96]}  # wins only late


def write(folder, kind, name, config, seed, curve):
    results.write_record(folder / kind / f"{name},seed={seed}.json", {
        "run_id": f"{name},seed={seed}", "config": config | {"seed": seed, "epochs": len(curve)},
        "history": {"evaluation_accuracy": curve, "training_cost": [1.0] * len(curve),
                    "diverged": False, "diverged_epoch": None, "seconds": [1.0] * len(curve)},
        "diagnostics": {}, "test_accuracy": None, "seconds": {"wall": 1.0}})


def test_the_section_says_whether_the_short_choice_holds_and_checks_the_tuning_runs(tmp_path):
    sweep = load_sweep("eta_horizon", SWEEPS)
    tuned = load_sweep("activation_init", SWEEPS)
    name = "sizes=784-100-100-100-10,activation=relu,init=gaussian"
    base = tuned.configurations[name].to_dict()
    for eta, curve in CELL.items():
        config = sweep.configurations[f"3-relu-eta={eta}"].to_dict()
        for k, seed in enumerate((100, 101)):
            noisy = [a + 0.001 * k for a in curve]
            write(tmp_path / "eta_horizon", "runs", f"3-relu-eta={eta}", config, seed, noisy)
            if eta != "0.0001":  # a tuning run of 5 epochs; seed 101 of 1e-05 differs
                short = noisy[:5] if (eta, seed) != ("1e-05", 101) else [0.1] * 5
                write(tmp_path / "activation_init", "tune", f"{name},eta={eta}",
                      base | {"eta": float(eta), "score_test": False}, seed, short)
    results.write_record(tmp_path / "activation_init" / "sweep.json",
                         {"invocations": [], "chosen_eta": {name: 3e-05}})
    runs = results.load_runs(tmp_path / "eta_horizon")
    text = eta_horizon.body(tmp_path, runs, sweep)
    assert "| 3 hidden, relu, gaussian init | 3e-05 | 1e-05: 80.05, 3e-05: 90.05, 0.0001: " \
           "50.05 |" in text
    assert "| 0.0001 | **no** |" in text
    assert "holds at the full budget in 0 of 1 cells" in text
    assert "eta 0.0001 beats the 5-epoch choice 3e-05 by +4.00 points" in text
    assert "the short-budget choice is activation_init's recorded one in 1 of 1 cells" in text
    assert "3 of 4 runs repeat the tuning run with the same eta and seed exactly; the others " \
           "differ by up to 70.10 points" in text
