"""Shared test helpers: loading a script from scripts/ as a module, IDX files made by hand, a
tiny sweep file, and a chapter 6 run's record made up."""

import importlib.util
import struct
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SWEEPS = ROOT / "scripts" / "sweeps"
sys.path.insert(0, str(ROOT / "scripts"))  # as when a script runs: its siblings import


def load_script(name):
    """The module scripts/<name>.py, imported without running its main()."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


TINY_SWEEP = """
name = "tiny"
seeds = [0, 1]
[defaults]
sizes = [784, 8, 10]
epochs = 1
train_size = 100
[grid]
activation = ["sigmoid", "relu"]
"""


def write_sweep(tmp_path, text):
    """`text` as the sweep file tmp_path/tiny.toml; its path."""
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    return path


def layered_record(seed, validation, test, wall=60.0, predictions=None):
    """A finished chapter 6 run's record with these per-epoch accuracies (fractions)."""
    confusion = np.diag([100] * 10).tolist()
    return {"config": {"seed": seed, "layers": ["conv20", "fc100"], "activation": "sigmoid",
                       "eta": 0.1, "lmbda": 0.0, "dropout": 0.0, "expanded": False,
                       "epochs": len(validation)},
            "history": {"evaluation_accuracy": validation, "diverged": False,
                        "training_cost": [1.0] * len(validation)},
            "test_accuracy_per_epoch": test, "test_accuracy": test[-1],
            "test_confusion": confusion, "seconds": {"wall": wall},
            "test_predictions": predictions}
