"""The Makefile's venv rule: a Python other than 3.11 gets one clear error line, and a .venv
made by another Python is rebuilt instead of breaking every later target. The version is
pyproject.toml's requires-python, the one rule; `make lint` without ruff says how to get it."""

import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

FAKE_310 = """#!/bin/sh
# a stand-in for Python 3.10: any program it is asked to run fails
[ "$1" = "--version" ] && echo "Python 3.10.12" && exit 0
exit 1
"""


@pytest.fixture
def project(tmp_path):
    """A folder with the Makefile and the files its venv rule depends on."""
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    fake = tmp_path / "python3.10"
    fake.write_text(FAKE_310)
    fake.chmod(0o755)
    return tmp_path


def make(project, *args):
    return subprocess.run(["make", "-C", str(project), *args], capture_output=True, text=True)


def test_another_python_version_is_refused_with_one_clear_line(project):
    done = make(project, "install", f"PYTHON={project / 'python3.10'}")
    assert done.returncode != 0
    assert "error: nielsen_net needs Python 3.11;" in done.stderr
    assert "is Python 3.10.12" in done.stderr and "PYTHON=/path/to/python3.11" in done.stderr
    assert not (project / ".venv").exists()


def test_a_venv_made_by_another_python_is_rebuilt(project):
    (project / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(project / "python3.10", project / ".venv" / "bin" / "python")
    (project / ".venv" / ".installed").touch()  # newer than requirements.txt: looks built
    plan = make(project, "-n", "install", f"PYTHON={sys.executable}").stdout
    assert "rm -rf .venv" in plan and "-m venv .venv" in plan


def test_a_working_311_venv_is_left_alone(project):
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (project / ".venv" / ".installed").touch()
    assert "Nothing to be done for 'install'" in make(project, "-n", "install").stdout


def test_the_version_rule_is_read_from_pyproject(project):
    pyproject = project / "pyproject.toml"
    assert 'requires-python = "==3.11.*"' in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace('"==3.11.*"', '"==3.12.*"'))
    done = make(project, "install", f"PYTHON={sys.executable}")  # a 3.11: refused now
    assert done.returncode != 0 and "error: nielsen_net needs Python 3.12;" in done.stderr


def test_lint_without_ruff_says_how_to_install_it_and_passes(project):
    (project / ".venv" / "bin").mkdir(parents=True)
    # a bare 3.11 (outside the venv, so without ruff) that the venv rule accepts as built
    (project / ".venv" / "bin" / "python").symlink_to(shutil.which("python3.11") or sys.executable)
    (project / ".venv" / ".installed").touch()
    done = make(project, "lint")
    if "All checks passed" in done.stdout:
        pytest.skip("this Python has ruff installed outside the venv")
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if not line.startswith("make")] == [
        "lint skipped: ruff is not installed (make extras installs it)"]
