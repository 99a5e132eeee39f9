"""Fixtures shared by the tests: tiny hand-made IDX files, and the real data set when present.

The real-data fixtures skip, with the reason, when MNIST is absent, so the suite stays offline
and fast; the summary says once why they were skipped. Point MNIST_DIR at a folder with the
four MNIST files to run them. A MNIST_DIR that is set but lacks the files, or real files that
do not load, fail the first test that wants them instead (whoever set it wanted them run), as
one error line without a traceback; the other tests that want them skip, pointing at it. The
real set is loaded once per process however many modules ask.
"""
import functools

import pytest

from helpers import tiny_set
from nielsen_net.data.download import FILES, find_file
from nielsen_net.data.mnist import MNISTError, load_mnist, resolve_data_dir

_absent = {"reason": None, "failed": False, "skipped": 0}  # what became of the real-data tests


@pytest.fixture
def tiny():
    return tiny_set()


def _give_up(reason, source):
    """Skip, or (with MNIST_DIR set) fail the first test that wants real MNIST, then skip."""
    _absent["reason"] = reason
    if source == "MNIST_DIR" and not _absent["failed"]:
        _absent["failed"] = True
        pytest.fail(reason, pytrace=False)
    _absent["skipped"] += 1
    pytest.skip(reason if source != "MNIST_DIR" else "real MNIST unusable: see the error above")


@functools.cache
def _find_real():
    """(folder, source, why it cannot be used or None)."""
    directory, source = resolve_data_dir()
    missing = [name for name in FILES if find_file(directory, name) is None]
    reason = (f"real MNIST not found in {directory} (from {source}); missing {missing}. Run "
              f"`make data` or set MNIST_DIR to a folder holding the four files.")
    return directory, source, reason if missing else None


@pytest.fixture
def mnist_dir():
    """The folder holding real MNIST (MNIST_DIR, else data/mnist); see the module docstring
    for what happens without it."""
    directory, source, reason = _find_real()
    if reason:
        _give_up(reason, source)
    return directory


@functools.cache
def _load_real(directory):
    try:
        return load_mnist(directory, download=False)
    except MNISTError as error:
        return error


@pytest.fixture
def mnist(mnist_dir):
    """Real MNIST in the book's split (50,000 / 10,000 / 10,000), float64."""
    loaded = _load_real(mnist_dir)
    if isinstance(loaded, MNISTError):
        _give_up(f"real MNIST does not load: {loaded}", "MNIST_DIR")
    return loaded


def pytest_terminal_summary(terminalreporter):
    if _absent["skipped"] and not _absent["failed"]:
        n = _absent["skipped"]
        terminalreporter.write_line(f"{n} test{'s' * (n > 1)} on real MNIST skipped: "
                                    f"{_absent['reason']}")
