"""The README's "Results" summary quotes the report, and the report is what the committed
records give: so each number the README quotes follows from the records."""

import re
import subprocess
import sys

from helpers import ROOT

REPORT = ROOT / "results" / "README.md"


def numbers_in(text):
    """Every number of `text` as written: 97.91, 50,000, 6.1x, 22.25% ..."""
    return set(re.findall(r"\d+(?:[.,]\d+)*(?:x|%)?", text))


def test_every_number_of_the_readme_results_is_in_the_report():
    readme = (ROOT / "README.md").read_text()
    results = readme[readme.index("## Results"):readme.index("\n## ", readme.index("## Results"))]
    missing = sorted(n for n in numbers_in(results) if n not in REPORT.read_text())
    assert not missing, f"README 'Results' quotes numbers the report does not hold: {missing}"


def test_the_committed_report_is_what_the_committed_records_give(tmp_path):
    out = tmp_path / "README.md"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "report.py"), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_text() == REPORT.read_text(), \
        "results/README.md is out of date: run `make report`"


def test_every_image_the_report_links_is_there():
    links = re.findall(r"\]\(([^)\s]+\.png)\)", REPORT.read_text())
    missing = [link for link in links if not (REPORT.parent / link).is_file()]
    assert links and not missing, f"results/README.md links images that are not there: {missing}"
