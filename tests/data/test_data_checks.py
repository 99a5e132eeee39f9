"""Data hardening: a small .gz that expands to far more than its IDX header promises is never
expanded whole; a MNIST_DIR that is set but wrong, or real files that do not load, fail the
real-data tests with one error line (no traceback) and skip the rest; without MNIST they skip,
and the summary says why once."""

import gzip
import os
import socket
import struct
import subprocess
import sys
import tracemalloc

import pytest

from helpers import ROOT
from nielsen_net.data import download
from nielsen_net.data.download import verify
from nielsen_net.data.mnist import read_labels

BOMB = 64 << 20  # bytes of zeros after the header: 64 MiB that gzip packs into ~64 KB


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """A labels .gz whose header promises 3 labels, followed by BOMB zero bytes."""
    path = tmp_path_factory.mktemp("bomb") / "train-labels-idx1-ubyte.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(struct.pack(">II", 0x801, 3) + b"\x07\x02\x01")
        zeros = bytes(1 << 20)
        for _ in range(BOMB >> 20):
            f.write(zeros)
    return path


def peak_bytes(call):
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_is_refused_after_the_size_its_header_implies(bomb):
    def load():
        with pytest.raises(ValueError, match="unexpected bytes after the 3 that header"):
            read_labels(bomb)
    assert peak_bytes(load) < BOMB // 8


def test_verify_stops_at_the_expected_size(bomb):
    def check():
        with pytest.raises(ValueError, match="decompressed size is more than the expected 11"):
            verify(bomb, (11, "0" * 64))
    assert peak_bytes(check) < BOMB // 8


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_a_set_but_wrong_mnist_dir_fails_the_real_data_tests(tmp_path, folder):
    (tmp_path / "empty").mkdir()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "data" / "test_mnist_training.py")],
                          cwd=ROOT, capture_output=True, text=True,
                          env=os.environ | {"MNIST_DIR": str(tmp_path / folder)})
    assert done.returncode == 1, done.stdout
    assert "1 error" in done.stdout and "skipped" not in done.stdout
    assert f"real MNIST not found in {tmp_path / folder} (from MNIST_DIR)" in done.stdout


def real_data_tests(env):
    """pytest's output on the four real-data tests of tests/data/test_mnist.py under `env`."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "data" / "test_mnist.py"), "-k", "real"],
                          cwd=ROOT, capture_output=True, text=True, env=env).stdout


def test_a_mnist_dir_pointing_nowhere_is_one_error_without_a_traceback(tmp_path):
    out = real_data_tests(os.environ | {"MNIST_DIR": str(tmp_path / "nowhere")})
    assert "1 error" in out and "3 skipped" in out, out
    errors = out.split("short test summary info")[0]  # the summary repeats it on a wide terminal
    assert errors.count("real MNIST not found in") == 1
    assert "Traceback" not in out and "conftest.py:" not in out and "def mnist" not in out


def test_real_files_that_do_not_load_are_one_error_naming_the_file(tmp_path):
    for name in download.FILES:
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(b"junk"))
    out = real_data_tests(os.environ | {"MNIST_DIR": str(tmp_path)})
    assert "1 error" in out and "3 skipped" in out, out
    assert f"real MNIST does not load: {tmp_path}/train-labels-idx1-ubyte.gz: wrong magic" in out
    assert "Traceback" not in out


def test_without_mnist_the_summary_says_once_why_its_tests_were_skipped():
    env = {k: v for k, v in os.environ.items() if k != "MNIST_DIR"}
    if (ROOT / "data" / "mnist").is_dir():
        pytest.skip("data/mnist exists here: the real-data tests would run")
    out = real_data_tests(env)
    assert "4 skipped" in out and "4 tests on real MNIST skipped: real MNIST not found in " \
        f"{ROOT / 'data' / 'mnist'} (from default)" in out, out


# ----- `make data` offline: says what it does, and does not retry a failed name lookup ---------

MIRRORS = ("https://a.example/mnist/", "https://b.example/mnist/")


def offline(monkeypatch, reason):
    """Make every request fail with URLError(reason); return the list of URLs requested."""
    import urllib.error
    requested = []

    def urlopen(url, timeout):
        requested.append(url)
        raise urllib.error.URLError(reason)
    monkeypatch.setattr(download.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(download.time, "sleep", lambda seconds: None)
    return requested


def fetch(tmp_path):
    with pytest.raises(download.DownloadError):
        download.download_file("t10k-labels-idx1-ubyte", tmp_path, (10, "0" * 64),
                               mirrors=MIRRORS, retries=3, backoff=1.0, progress=True)


def test_a_failed_name_lookup_is_not_retried(tmp_path, monkeypatch, capsys):
    requested = offline(monkeypatch, socket.gaierror(-3, "Temporary failure in name resolution"))
    fetch(tmp_path)
    assert len(requested) == 2  # once per mirror, not 1 + 3 retries each
    err = capsys.readouterr().err
    for mirror in MIRRORS:
        assert f"downloading {mirror}t10k-labels-idx1-ubyte.gz" in err
    assert err.count("name resolution): giving up on this mirror") == 2
    assert list(tmp_path.iterdir()) == []


def test_retries_are_announced_as_they_happen(tmp_path, monkeypatch, capsys):
    requested = offline(monkeypatch, ConnectionRefusedError(111, "Connection refused"))
    fetch(tmp_path)
    assert len(requested) == 8
    err = capsys.readouterr().err
    assert "retry 1 of 3 in 1 s" in err and "retry 3 of 3 in 4 s" in err
    assert "(after 4 attempts): giving up on this mirror" in err
