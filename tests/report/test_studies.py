"""Which studies the report and the figures cover (nielsen_net.report.studies): the sweeps come
from the sweep files in their `order`, a sweep file without a study is left out with a printed
line, and the book's figures draw the rows the sweep file's [panels] name."""

import dataclasses
import shutil

import pytest

from helpers import SWEEPS, load_script
from nielsen_net.experiments import records as results
from nielsen_net.experiments.sweeps import load_sweep
from nielsen_net.report import book_figures, studies
from nielsen_net.report.document import report
from nielsen_net.report.drawing import Data, Missing, plt
from test_plots import write_runs

NEW = 'name = "{name}"\nseeds = [0]\n{order}\n[runs.a]\nsizes = [784, 10, 10]\n'


def test_the_sweeps_are_the_sweep_files_in_the_order_of_their_order_keys(tmp_path):
    for name in ("book", "fast98"):                                  # order 1 and 6
        shutil.copy(SWEEPS / f"{name}.toml", tmp_path)
    (tmp_path / "new.toml").write_text(NEW.format(name="new", order="order = 0"))
    (tmp_path / "aaa.toml").write_text(NEW.format(name="aaa", order=""))   # no order: last
    assert studies.sweep_names(tmp_path) == ["new", "book", "fast98", "aaa"]
    assert studies.studied(tmp_path) == (["book", "fast98"], ["new", "aaa"])


def test_every_study_has_a_sweep_file_and_what_the_report_needs():
    assert set(studies.SWEEP_STUDIES) <= set(studies.sweep_names())
    for module in studies.SWEEP_STUDIES.values():
        assert module.TITLE and module.FIGURES and callable(module.body)


def test_a_sweep_without_a_study_is_left_out_of_the_report_and_the_figures(tmp_path, capsys,
                                                                            monkeypatch):
    write_runs(tmp_path, "fast98", "plain", [0, 1])
    write_runs(tmp_path, "book", "ch1-30", [0, 1])
    monkeypatch.delitem(studies.SWEEP_STUDIES, "fast98")
    text = report(tmp_path)
    assert "(`make fast98`)" not in text and "fast98/" not in text
    assert "(`make book`)" in text
    load_script("plots").main(["--results", str(tmp_path)])
    load_script("report").main(["--results", str(tmp_path)])
    out = capsys.readouterr().out
    assert out.count(studies.not_studied_note("fast98") + "\n") == 2   # plots, then report
    assert not list((tmp_path / "fast98").glob("*.png"))
    assert (tmp_path / "book" / "ch1_curves.png").exists()
    assert studies.draw(tmp_path, "fast98") == []


def book_data(tmp_path, **panels):
    """The book sweep's Data from the runs under `tmp_path`, its [panels] replaced if given."""
    sweep = load_sweep("book", SWEEPS)
    if panels:
        sweep = dataclasses.replace(sweep, panels=panels)
    return Data(sweep, results.load_runs(tmp_path / "book"), {})


def test_the_book_figures_draw_the_rows_the_sweep_file_names(tmp_path):
    write_runs(tmp_path, "book", "ch1-30", [0, 1])
    write_runs(tmp_path, "book", "ch1-eta-small", [0, 1])
    fig = book_figures.ch1_curves(book_data(tmp_path, ch1_curves={"only": ["ch1-eta-small"]}))
    assert [ax.get_title() for ax in fig.axes[:2]] == ["only: accuracy", "only: cost as trained"]
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "ch1-eta-small (test)" in labels and not any("ch1-30" in label for label in labels)
    plt.close(fig)
    with pytest.raises(Missing, match=r"\[panels\] overfitting"):
        book_figures.overfitting(book_data(tmp_path, ch1_curves={"only": ["ch1-30"]}))


def test_a_row_s_float32_twin_is_the_configuration_whose_notes_repeat_it(tmp_path):
    write_runs(tmp_path, "book", "ch1-30", [0, 1])
    write_runs(tmp_path, "book", "ch1-30-float32", [0])
    data = book_data(tmp_path)
    assert book_figures.float32_twin(data, "ch1-30") == data.runs["ch1-30-float32"]
    assert book_figures.float32_twin(data, "ch1-100") is None
    fig = book_figures.ch1_curves(data)
    assert "ch1-30 float32 (1 seed)" in fig.axes[0].get_legend_handles_labels()[1]
    plt.close(fig)


def test_a_panel_naming_no_configuration_of_the_sweep_is_refused(tmp_path):
    text = NEW.format(name="new", order="") + '\n[panels]\ncurves = ["a", "nope"]\n'
    (tmp_path / "new.toml").write_text(text)
    with pytest.raises(ValueError, match=r"panels\.curves names \['nope'\]"):
        load_sweep("new", tmp_path)
    (tmp_path / "new.toml").write_text(text.replace('["a", "nope"]', '{"first" = []}'))
    with pytest.raises(ValueError, match="non-empty list"):
        load_sweep("new", tmp_path)
