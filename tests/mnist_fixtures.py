"""Fixtures for the MNIST tests: tiny hand-made IDX files, and the real data set when present.

Test modules import the fixtures they use by name. The real-data fixtures skip (with the
reason) when MNIST is absent, so the suite stays offline and fast; CI points MNIST_DIR at
../shared/mnist to run them. A MNIST_DIR that is set but lacks the files fails those tests
instead: whoever set it wanted them run. The real set is loaded once per process however many modules ask.
"""
import functools
import struct

import numpy as np
import pytest

from nielsen_net.download import FILES, find_file
from nielsen_net.mnist import load_mnist, resolve_data_dir


def idx_bytes(magic, array):
    """IDX bytes: big-endian magic, one uint32 per dimension, then the uint8 data."""
    return struct.pack(f">I{array.ndim}I", magic, *array.shape) + array.astype(np.uint8).tobytes()


def tiny_set():
    """(name -> IDX payload, name -> uint8 array) of a 5-train, 3-test MNIST look-alike."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.array([5, 0, 4, 1, 9], dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.array([7, 2, 1], dtype=np.uint8),
    }
    payloads = {name: idx_bytes(0x803 if a.ndim == 3 else 0x801, a) for name, a in arrays.items()}
    return payloads, arrays


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
