"""The eta-horizon check of activation_init's tuning: its figure and its report section.

Left out: the rule applied at both budgets and the exact-repeat check
(nielsen_net.analysis.eta_horizon).
"""

from ..analysis.eta_horizon import BUDGET_FREE, cell_of, cells, horizon, same_as_tuning
from ..experiments.records import load_runs
from ..experiments.sweeps import load_sweep
from ..paths import SWEEPS
from .drawing import COLOURS, MARKERS, Missing, config_of, figure, nth, seeds_text, series
from .markdown import Figure, manifest, table

TITLE = "Does the 5-epoch learning rate hold at 30 epochs?"
TUNED = "activation_init"  # the sweep whose choices this checks


def cell_title(config):
    return f"{len(config['sizes']) - 2} hidden, {config['activation']}, {config['init']} init"


def horizon_curves(data):
    """Validation accuracy per epoch of each candidate eta, one panel per cell, with the
    tuning budget marked."""
    found = cells(data.runs)
    if not found:
        raise Missing("no runs yet")
    short = load_sweep(TUNED, SWEEPS).tune["epochs"]
    columns = (len(found) + 1) // 2
    fig, axes = figure(2, columns, (5 * columns, 8.5), "Validation accuracy per epoch of the "
                       "chosen eta and its grid neighbours "
                       f"({seeds_text(data.runs)})")
    for ax, by_eta in zip(axes.flat, found.values()):
        for k, (eta, records) in enumerate(by_eta.items()):
            series(ax, records, "evaluation_accuracy", f"eta {eta:g}", color=nth(COLOURS, k),
                   marker=nth(MARKERS, k))
        ax.axvline(short, color="gray", linestyle=":", label=f"tuning budget ({short} epochs)")
        ax.set(xlabel="epoch", ylabel="validation accuracy (%)")
        ax.set_title(cell_title(config_of(next(iter(by_eta.values())))))
        ax.legend(loc="lower right")
    for ax in axes.flat[len(found):]:
        ax.set_visible(False)
    return fig


FIGURES = {"curves.png": Figure(
    horizon_curves, "validation accuracy per epoch of each candidate eta",
    "whether the learning rate that wins after 5 epochs still wins after 30")}


def scores(found, etas):
    """'0.01: 97.12, 0.03: diverged': each eta's tuning score (`horizon`), in %."""
    return ", ".join(f"{eta:g}: " + ("diverged" if found[eta] is None else
                                     f"{100 * found[eta]:.2f}") for eta in etas)


def body(results, runs, sweep):
    tuned_sweep = load_sweep(TUNED, SWEEPS)
    short = tuned_sweep.tune["epochs"]
    recorded = (manifest(results, TUNED) or {}).get("chosen_eta", {})
    chosen_by = {cell_of(config.to_dict(), BUDGET_FREE): recorded.get(name)
                 for name, config in tuned_sweep.configurations.items()}
    tune = {cell_of(next(iter(by_eta.values()))[0]["config"], BUDGET_FREE): by_eta
            for by_eta in load_runs(results / TUNED, "tune").values()}
    rows, held, lines, same, pairs, largest, agree = [], 0, [], 0, 0, 0.0, 0
    for by_eta in cells(runs).values():
        config = config_of(next(iter(by_eta.values())))
        key = cell_of(config, BUDGET_FREE)
        found = horizon(by_eta, short)
        k, n, gap = same_as_tuning(by_eta, tune.get(key, {}), short)
        same, pairs, held = same + k, pairs + n, held + found["holds"]
        largest, agree = max(largest, gap), agree + (found["chosen_short"] == chosen_by.get(key))
        rows.append((cell_title(config), f"{chosen_by.get(key, 'not recorded')}",
                     scores(found["short"], by_eta), scores(found["full"], by_eta),
                     f"{found['chosen_full']:g}" if found["chosen_full"] else "none",
                     "yes" if found["holds"] else "**no**"))
        if not found["holds"] and found["cost"] is None:
            lines.append(f"- {cell_title(config)}: " + (
                f"every candidate diverges within {short} epochs."
                if found["chosen_short"] is None else
                f"the {short}-epoch choice, eta {found['chosen_short']:g}, diverges in a seed "
                f"by epoch {config['epochs']}."))
        if found["cost"]:
            c = found["cost"]
            lines.append(f"- {cell_title(config)}: at {config['epochs']} epochs eta "
                         f"{found['chosen_full']:g} beats the {short}-epoch choice "
                         f"{found['chosen_short']:g} by {c['difference']:+.2f} points of "
                         f"validation accuracy (95% interval {c['lo']:+.2f} to {c['hi']:+.2f}, "
                         f"Welch over {len(by_eta[found['chosen_full']])} seeds a side): "
                         f"{c['word']}.")
    if not rows:
        return "No runs yet.\n"
    verdict = (f"The {short}-epoch choice holds at the full budget in {held} of {len(rows)} "
               "cells, by the tuning rule itself.")
    return (table(["cell", f"{TUNED}'s choice", f"mean final validation % at epoch {short}",
                   "at the last epoch", "chosen at the last epoch", "holds"], rows)
            + f"\n{verdict}\n" + ("\n" + "\n".join(lines) + "\n" if lines else "")
            + f"\nJudged on these runs' own first {short} epochs, the short-budget choice is "
              f"{TUNED}'s recorded one in {agree} of {len(rows)} cells. Over those epochs "
              f"{same} of {pairs} runs repeat the tuning run with the same eta and seed exactly"
              + (f"; the others differ by up to {100 * largest:.2f} points of validation "
                 "accuracy (runs with a diverged epoch aside). What differed is not known "
                 "where the tuning runs' records predate the CPU and BLAS fields; a last-bit "
                 "difference (the BLAS thread count alone makes one, `make verify`) grows "
                 "during training, most at the largest learning rates."
                 if same < pairs else ".") + "\n")
