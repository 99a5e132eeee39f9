"""A corrupt or mismatched MNIST file: one line naming the file, the fault and the fix, from
`load_mnist` (MNISTError) and from every entry point that loads MNIST (no traceback, nothing
written, no lock file left)."""

import gzip
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT, idx_bytes, tiny_set
from nielsen_net.data import mnist as mnist_module
from nielsen_net.data.mnist import MNISTError, load_mnist
from nielsen_net.experiments.config import RunConfig
from nielsen_net.experiments.records import write_record

IMAGES, LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"


def crc_flipped(data):
    """Gzip whose stored CRC-32 (the trailer's first four bytes) no longer matches."""
    body = bytearray(gzip.compress(data))
    body[-8] ^= 1
    return bytes(body)


def faults():
    """(file written, its bytes, words the message must hold) for each way a file is bad."""
    payloads, _ = tiny_set()
    not_the_real_one = idx_bytes(0x801, np.zeros(10_000))  # the real file's size, other bytes
    return {
        "truncated": (f"{IMAGES}.gz", gzip.compress(payloads[IMAGES])[:-20], ["truncated gzip"]),
        "wrong checksum": (f"{IMAGES}.gz", crc_flipped(payloads[IMAGES]), ["CRC check failed"]),
        "wrong magic": (f"{LABELS}.gz", gzip.compress(payloads[IMAGES]), ["wrong magic"]),
        "wrong count": (f"{LABELS}.gz", gzip.compress(idx_bytes(0x801, np.arange(4))),
                        ["5 images but 4 labels", "of different sets"]),
        "not the real file": (f"{TEST_LABELS}.gz", gzip.compress(not_the_real_one),
                              ["not the real MNIST file", "sha256"]),
    }


def folder_with(directory, fault):
    """`directory` holding the tiny set with one file replaced by the fault's; its path."""
    name, data, _ = faults()[fault]
    directory.mkdir(parents=True, exist_ok=True)
    for stem, payload in tiny_set()[0].items():
        (directory / f"{stem}.gz").write_bytes(gzip.compress(payload))
    (directory / name).write_bytes(data)
    return directory / name


@pytest.mark.parametrize("fault", list(faults()))
def test_a_bad_file_is_one_line_naming_it_its_fault_and_the_fix(tmp_path, fault):
    path = folder_with(tmp_path, fault)
    with pytest.raises(MNISTError) as error:
        load_mnist(tmp_path, download=False, validation_size=0)
    message = str(error.value)
    assert "\n" not in message and isinstance(error.value, ValueError)
    names = [str(tmp_path / f"{IMAGES}.gz"), f"{LABELS}.gz"] if fault == "wrong count" \
        else [str(path)]
    for part in [*names, *faults()[fault][2], "Fix: replace it with a good copy"]:
        assert part in message


def test_the_fix_follows_the_folder_s_source(tmp_path, monkeypatch):
    folder_with(tmp_path, "truncated")
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    with pytest.raises(MNISTError, match="Fix: replace it with a good copy, or point MNIST_DIR"):
        load_mnist(validation_size=0)
    monkeypatch.delenv("MNIST_DIR")
    monkeypatch.setattr(mnist_module, "DATA_DIR", tmp_path)
    with pytest.raises(MNISTError, match=r"Fix: delete it and run `make data`"):
        load_mnist(validation_size=0)


def _entry_points(tmp):
    """{script: its arguments}: every entry point that loads MNIST, writing only under tmp."""
    results = tmp / "results"
    record = results / "s" / "runs" / "r,seed=0.json"
    write_record(record, {"config": RunConfig().to_dict(), "history": {}})
    use_case = ["--results", str(results)]
    return {"train": ["--epochs", "1", "--out", str(tmp / "out" / "r.json")],
            "anomaly": use_case, "one_class": use_case, "inspect_nets": use_case,
            "rerun_check": ["s", "--runs", "1", "--results", str(results)]}


@pytest.mark.parametrize("script", ["train", "anomaly", "one_class", "inspect_nets",
                                    "rerun_check"])
def test_every_entry_point_stops_on_a_bad_file_with_one_line(tmp_path, script):
    path = folder_with(tmp_path / "mnist", "truncated")
    args = _entry_points(tmp_path)[script]
    before = set(tmp_path.rglob("*"))
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / f"{script}.py"), *args],
                          capture_output=True, text=True,
                          env=os.environ | {"MNIST_DIR": str(path.parent)})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {path}: truncated gzip")
    assert "Fix: replace it with a good copy, or point MNIST_DIR" in done.stderr
    assert set(tmp_path.rglob("*")) == before  # no record, no lock file, nothing else


def test_an_entry_point_names_a_missing_file_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train.py"), "--epochs", "1",
                           "--out", str(tmp_path / "r.json")], capture_output=True, text=True,
                          env=os.environ | {"MNIST_DIR": str(tmp_path / "nowhere")})
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: MNIST file {LABELS} not found") and \
        str(tmp_path / "nowhere") in done.stderr
    assert list(tmp_path.iterdir()) == []
