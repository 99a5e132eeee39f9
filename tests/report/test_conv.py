"""Chapter 6's report section and figures, from made-up records of the conv sweep's rows."""

import numpy as np

from helpers import SWEEPS, layered_record
from nielsen_net.experiments.records import write_record
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.report import conv
from nielsen_net.report.bench import conv_section
from nielsen_net.report.drawing import Data, plt


def rung_records(offset=0.0):
    return [layered_record(seed, [0.97, 0.99, 0.98], [0.98 + offset, 0.988 + offset + seed / 1e4,
                                                      0.99], wall=600 + 60 * seed)
            for seed in range(3)]


def test_the_section_judges_each_rung_and_says_which_are_not_run_yet(tmp_path):
    sweep = load_sweep("conv", SWEEPS)
    text = conv.body(tmp_path, {"ch6-conv1": rung_records()}, sweep)
    row = next(line for line in text.splitlines() if line.startswith("| ch6-conv1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "98.78" and cells[5] == "reproduced"
    assert cells[2] == "98.81 ± 0.01 (3)"     # test at the best validation epoch (2)
    assert cells[3] == "2" and cells[6] == "98.82" and cells[7] == "11"
    assert "| ch6-dropout | 99.60 | not run yet |" in text
    assert "not counted yet; it needs 5 finished ch6-dropout runs" in text
    assert "shuffled every epoch" in text  # the departures from network3 are said


def test_the_vote_is_reported_from_its_record(tmp_path):
    write_record(tmp_path / "conv" / conv.ENSEMBLE,
                 {"accuracy": 99.5, "members": [99.3, 99.4], "seeds": [0, 1, 2, 3, 4],
                  "wrong": [1, 2], "wrong_labels": [3, 4], "wrong_votes": [5, 9],
                  "wrong_images": [[0] * 784, [255] * 784],
                  "confusion": np.eye(10, dtype=int).tolist()})
    text = conv.vote_section(tmp_path)
    assert "99.50% on the test set (book: 99.67%)" in text
    assert "99.30-99.40% for its members alone; 2 of 10,000" in text
    data = Data(load_sweep("conv", SWEEPS), {}, {})
    data.folder = tmp_path / "conv"
    fig = conv.vote_figure(data)
    titles = [ax.get_title() for ax in fig.axes]
    assert "3 as 5" in titles and "4 as 9" in titles
    plt.close(fig)


def test_the_curves_draw_every_rung_with_the_book_s_number_and_the_filters_per_rung():
    sweep = load_sweep("conv", SWEEPS)
    records = rung_records()
    records[0]["first_layer_filters"] = np.zeros((20, 5, 5)).tolist()
    data = Data(sweep, {"ch6-conv1": records}, {})
    fig = conv.ladder_curves(data)
    panel = next(ax for ax in fig.axes if ax.get_title() == "ch6-conv1")
    assert any(line.get_label() == "book 98.78%" for line in panel.get_lines())
    assert len([line for line in panel.get_lines() if line.get_gid() == "seed"]) == 3
    assert sum(ax.get_title().endswith("no runs yet") or not ax.axison
               for ax in fig.axes) == 2 * (len(sweep.configurations) - 1)
    plt.close(fig)
    fig = conv.filters(data)
    assert len(fig.axes) == 20
    plt.close(fig)


def test_the_bench_section_states_the_conv_nets_against_the_prototype_and_pytorch():
    row = {"layers": ["conv20", "fc100"], "activation": "sigmoid", "dropout": 0.0,
           "target_seconds": 8.8, "ours": {"min": 6.5, "median": 7.04, "max": 7.5},
           "torch": {"median": 5.5}, "ratios": {"ours_over_target": 0.8, "ours_over_torch": 1.28}}
    text = conv_section({"examples": 5000, "mini_batch_size": 10, "dtype": "float32",
                         "threads": 1, "rows": [row, row | {"torch": None, "dropout": 0.5}]})
    assert "| conv20 fc100 (sigmoid) | 6.50 / 7.04 / 7.50 | 8.8 | 0.80 | 5.50 | 1.28 |" in text
    assert "| conv20 fc100 (sigmoid, dropout 0.5) |" in text and "not installed | n/a |" in text
    assert conv_section(None) == ""
