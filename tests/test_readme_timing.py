"""The README's time for all sweeps is the report's own figure (its "Wall time" table)."""

import re

from helpers import ROOT


def test_the_readme_quotes_the_report_s_time_for_all_sweeps():
    report = (ROOT / "results" / "README.md").read_text()
    figure = re.search(r"^\| all sweeps \| ([\d.]+ min) \|", report, re.MULTILINE)[1]
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"(all sweeps: {figure} on 2 cores, the report's own figure," in readme
