"""Which studies the report and the figures cover, and drawing a study's figures into its folder.

The sweeps are the sweep files in `nielsen_net.paths.SWEEPS`, in the order their `order` keys
give (a file without one comes after those with one, by name). A sweep is covered when it has a
study in SWEEP_STUDIES: a module here with the sweep's TITLE, FIGURES ({file: Figure}) and its
report `body(results, runs, sweep)`. Adding a study is its module and one entry there; a sweep
file without one (a study not written yet) is left out of the report and the figures, with a
printed line. The use cases (one record each, <name>/<name>.json) are modules here too.

Left out: the report's text (`document` and each study's module).
"""

from pathlib import Path

from ..experiments.records import load_runs, read_if_present, stray_files
from ..experiments.sweeps import load_sweep
from ..paths import SWEEPS
from . import (activation_init, anomaly, book, conv, dead_relu, eta_horizon, fast98, inspect,
               more_data, regression, vanishing_gradients)
from .drawing import DPI, Data, Missing, plt

SWEEP_STUDIES = {"activation_init": activation_init, "book": book, "conv": conv,
                 "dead_relu": dead_relu, "eta_horizon": eta_horizon,
                 "vanishing_gradients": vanishing_gradients, "fast98": fast98}
# One record each, <name>/<name>.json (or a figure's own `record`), instead of runs; their report
# sections are in `document`.
USE_CASES = {"more_data": more_data, "regression": regression, "anomaly": anomaly,
             "inspect": inspect}


def sweep_names(folder=SWEEPS):
    """The names of the sweep files in `folder`, in the order of their `order` keys."""
    names = [path.stem for path in sorted(Path(folder).glob("*.toml"))]
    order = {name: load_sweep(name, folder).order for name in names}
    return sorted(names, key=lambda n: (order[n] is None, order[n] or 0, n))


def studied(folder=SWEEPS):
    """(the sweeps of `sweep_names` that have a study, those that have none), each in order."""
    names = sweep_names(folder)
    return ([n for n in names if n in SWEEP_STUDIES],
            [n for n in names if n not in SWEEP_STUDIES])


def not_studied_note(name):
    """The line printed for a sweep file without a study."""
    return (f"skip {name}: no entry in SWEEP_STUDIES (nielsen_net/report/studies.py), so no "
            "report section or figures")


def registry(folder=SWEEPS):
    """{sweep or use case: {file: Figure}}: every figure, in the order the report lists them."""
    return {name: module.FIGURES for name, module in
            [(n, SWEEP_STUDIES[n]) for n in studied(folder)[0]] + list(USE_CASES.items())}


def draw(results, name):
    """Write every figure of sweep or use case `name` whose records exist; returns the paths
    written. A figure with none of its runs yet (or whose records lack what it needs), and a
    sweep without a study, are skipped with a printed line."""
    module = SWEEP_STUDIES.get(name) or USE_CASES.get(name)
    if module is None:
        print(not_studied_note(name))
        return []
    folder = Path(results) / name
    if not folder.is_dir():
        print(f"skip {name}: no folder {folder}")
        return []
    records = {}  # of a use case: record file -> record, read as its figures ask for them
    if name not in USE_CASES:
        data = Data(load_sweep(name, SWEEPS), load_runs(folder), load_runs(folder, "tune"),
                    folder)
        for stray in stray_files(folder) + stray_files(folder, "tune"):
            print(f"ignored {stray}: not named as a run (<configuration>,seed=<n>.json)")
    written = []
    for file, figure in module.FIGURES.items():
        if name in USE_CASES:
            record = figure.record or f"{name}.json"
            if record not in records:
                records[record] = read_if_present(folder / record)
            if records[record] is None:
                print(f"skip {folder / file}: no record {folder / record}")
                continue
        try:
            fig = figure.draw(records[record] if name in USE_CASES else data)
        except Missing as why:
            print(f"skip {folder / file}: {why}")
            continue
        fig.savefig(folder / file, dpi=DPI)
        plt.close(fig)
        print(f"wrote {folder / file}")
        written.append(folder / file)
    return written
