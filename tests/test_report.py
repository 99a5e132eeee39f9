"""scripts/report.py: formatting rules that a reader relies on."""

import pytest

from helpers import SWEEPS, load_script
from nielsen_net.sweep import load_sweep
from test_plots import write_runs

report = load_script("report")


def test_an_interval_bound_shows_the_side_of_the_book_s_number_it_falls_on():
    assert report.bound(95.8123, 96.49) == "95.81"
    assert report.bound(96.48991, 96.49) == "96.4899"   # 96.49 would hide that it lies below
    assert report.bound(96.4912, 96.49) == "96.491"


@pytest.mark.parametrize("configurations, seeds", [(1, [0, 1]), (3, [0])])
def test_a_report_on_sweeps_still_running_says_in_progress(tmp_path, configurations, seeds):
    """While a sweep runs, the report is drawn from what has finished: a few configurations
    of each sweep, even one seed each, must give a report, not a crash, and say how far each
    sweep is."""
    for sweep in ("activation_init", "dead_relu", "vanishing_gradients", "fast98", "book"):
        for name in list(load_sweep(sweep, SWEEPS).configurations)[:configurations]:
            write_runs(tmp_path, sweep, name, seeds, eta=0.1)
    text = report.report(tmp_path)
    assert text.count("**In progress:**") == 5
