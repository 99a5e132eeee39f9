"""Fixtures shared by the tests: tiny hand-made IDX files, and the real data set when present.

The real-data fixtures skip (with the reason) when MNIST is absent, so the suite stays offline
and fast; point MNIST_DIR at a folder with the four MNIST files to run them. A MNIST_DIR that is
set but lacks the files fails those tests instead: whoever set it wanted them run. The real set
is loaded once per process however many modules ask.
"""
import functools

import pytest

from helpers import tiny_set
from nielsen_net.data.download import FILES, find_file
from nielsen_net.data.mnist import load_mnist, resolve_data_dir


@pytest.fixture
def tiny():
    return tiny_set()


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding real MNIST (MNIST_DIR, else data/mnist); skip without it, fail
    when MNIST_DIR names a folder without it."""
    directory, source = resolve_data_dir()
    missing = [name for name in FILES if find_file(directory, name) is None]
    if missing:
        give_up = pytest.fail if source == "MNIST_DIR" else pytest.skip
        give_up(f"real MNIST not found in {directory} (from {source}); missing {missing}."
                f" Run `make data` or set MNIST_DIR to a folder holding the four files.")
    return directory


@functools.cache
def _load_real(directory):
    return load_mnist(directory, download=False)


@pytest.fixture
def mnist(mnist_dir):
    """Real MNIST in the book's split (50,000 / 10,000 / 10,000), float64."""
    return _load_real(mnist_dir)
