"""Choosing the one-class autoencoder on held-out normal images only, in two stages: every
combination of the selection grid (`run_stage1`), then eta and the number of epochs around its
winner with a longer budget (`refine`). `select_autoencoder` runs both and returns their
record; the rules it decides by are `protocol.select`, `grid_edges`, `settled_epoch` and
`still_falling`, and the sweeps' `tuning.next_grid` for growing the eta grid.

Left out: the protocol's test-set runs (`study.py`) and files.
"""

import itertools
import time

import numpy as np

from ..experiments.tuning import MAX_EXTENSIONS, next_grid
from . import protocol as oc
from . import workers


def candidates(selection):
    """Every combination of the selection grid, as (choice, network, eta)."""
    grid = selection["grid"]
    for values in itertools.product(*grid.values()):
        choice = dict(zip(grid, values))
        network = dict(sizes=choice["sizes"], activation=choice["activation"],
                       output_activation="sigmoid", cost=choice["cost"],
                       init=selection["inits"][choice["activation"]])
        yield choice, network, choice["eta"]


def select_autoencoder(config, jobs, done=None):
    """Choose the autoencoder on the normal validation images in two stages: the full grid
    (`stage1`, reused from `done`, the previous record, when the config it ran is unchanged),
    then eta and the number of epochs around its winner (`refine`). Returns their record."""
    stage1 = reusable_stage1(done, config) or run_stage1(config, jobs)
    stage2 = refine(config, stage1, jobs)
    return {"stage1": stage1, "stage2": stage2, "network": stage1["network"],
            "training": stage2["training"], "at_grid_edge": stage2["at_grid_edge"],
            "seconds": stage2["seconds"] + (0 if "reused_from" in stage1
                                            else stage1["seconds"])}


def reusable_stage1(done, config):
    """Stage 1 of the previous record `done` if the data, training and selection config it
    ran are those of `config` (same code, same numbers: its runs are seeded), else None."""
    keys = (("data",), ("autoencoder", "training"), ("autoencoder", "selection"))
    if done is None or any(_get(done["config"], k) != _get(config, k) for k in keys):
        return None
    previous = done["selection"]
    stage1 = previous.get("stage1", previous)  # records before the refine stage: stage 1 only
    return stage1 | {"reused_from": stage1.get("reused_from", {
        k: done["environment"][k] for k in ("git_commit", "date")})}


def _get(table, keys):
    for key in keys:
        table = table.get(key, {})
    return table


def run_stage1(config, jobs):
    """Every combination of the selection grid on the selection digits; its record."""
    ae, dtype = config["autoencoder"], config["data"]["dtype"]
    selection = ae["selection"]
    grid = list(candidates(selection))
    tasks = [dict(normal=d, seed=selection["seed"], score=False,
                  network=network | {"dtype": dtype},
                  training=ae["training"] | {"eta": eta, "epochs": selection["max_epochs"]})
             for _, network, eta in grid for d in selection["digits"]]
    start = time.perf_counter()
    results = workers.run_all(tasks, config, jobs, "selection")
    n = len(selection["digits"])
    curves = [[r["validation_error"] for r in results[i * n:(i + 1) * n]]
              for i in range(len(grid))]
    index, epochs = oc.select(curves)
    choice, network, eta = grid[index]
    edges = oc.grid_edges(selection["grid"], choice)
    if epochs == selection["max_epochs"]:
        edges.append("epochs")
    return {
        "rule": "lowest validation reconstruction error (mean over the selection digits) over "
                "every grid point and epoch; normal validation images only",
        "grid": selection["grid"], "inits": selection["inits"], "digits": selection["digits"],
        "seed": selection["seed"], "max_epochs": selection["max_epochs"],
        "runs": [{"choice": c, "digit": d, "validation_error": r["validation_error"],
                  "seconds": r["seconds"]}
                 for (c, _, _), rs in zip(grid, workers.chunks(results, n))
                 for d, r in zip(selection["digits"], rs)],
        "chosen": {"choice": choice, "epochs": epochs,
                   "validation_error": float(np.mean(np.asarray(curves[index])[:, epochs - 1]))},
        "at_grid_edge": edges,
        "network": network | {"dtype": dtype},
        "training": ae["training"] | {"eta": eta, "epochs": epochs},
        "seconds": time.perf_counter() - start,
    }


def refine(config, stage1, jobs):
    """Stage 2: stage 1's network kept, eta one step below and above its eta, a longer
    budget; eta by lowest validation error, epochs by `protocol.settled_epoch`, and the
    budget an edge if the chosen curve is `protocol.still_falling` at its end. While the
    chosen eta sits at an edge of its grid, the grid grows beyond it in its own spacing
    (`tuning.next_grid`, at most `tuning.MAX_EXTENSIONS` times), as the sweeps' tuning does."""
    ae, selection, rule = config["autoencoder"], config["autoencoder"]["selection"], \
        config["autoencoder"]["refine"]
    first = [float(f"{stage1['training']['eta'] * f:.3g}") for f in rule["eta_factors"]]
    etas, runs = first, {}  # runs: eta -> [result per selection digit]
    start = time.perf_counter()
    for _ in range(MAX_EXTENSIONS + 1):
        new = [eta for eta in etas if eta not in runs]
        tasks = [dict(normal=d, seed=selection["seed"], score=False, network=stage1["network"],
                      training=ae["training"] | {"eta": eta, "epochs": rule["max_epochs"]})
                 for eta in new for d in selection["digits"]]
        runs |= zip(new, workers.chunks(workers.run_all(tasks, config, jobs, "refine"),
                                 len(selection["digits"])))
        index, _ = oc.select([[r["validation_error"] for r in runs[eta]] for eta in etas])
        grown = next_grid(etas, etas[index])
        if grown == etas:
            break
        etas = grown
    curve = np.mean([r["validation_error"] for r in runs[etas[index]]], axis=0)  # (max_epochs,)
    epochs = oc.settled_epoch(curve, rule["tolerance"])
    edges = oc.grid_edges({"eta": etas}, {"eta": etas[index]})
    if oc.still_falling(curve, rule["window"], rule["tolerance"]):
        edges.append("epochs")
    return {
        "rule": f"stage 1's network; eta of lowest validation error (mean over the selection "
                f"digits) at any epoch, the eta grid grown beyond an edge while the choice sits "
                f"there (at most {MAX_EXTENSIONS} times); epochs: the first whose mean "
                f"validation error is within {rule['tolerance']} of that eta's lowest; the "
                f"budget is an edge if the error still fell by more than {rule['tolerance']} "
                f"over its last {rule['window']} epochs",
        "grid": {"eta": etas}, "first_grid": {"eta": first}, "digits": selection["digits"],
        "seed": selection["seed"], "max_epochs": rule["max_epochs"],
        "tolerance": rule["tolerance"], "window": rule["window"],
        "runs": [{"eta": eta, "digit": d, "validation_error": r["validation_error"],
                  "seconds": r["seconds"]}
                 for eta in etas for d, r in zip(selection["digits"], runs[eta])],
        "chosen": {"eta": etas[index], "epochs": epochs,
                   "validation_error": float(curve[epochs - 1]),
                   "lowest_validation_error": float(np.nanmin(curve)),
                   "lowest_at_epoch": int(np.nanargmin(curve)) + 1},
        "at_grid_edge": edges,
        "training": ae["training"] | {"eta": etas[index], "epochs": epochs},
        "seconds": time.perf_counter() - start,
    }
