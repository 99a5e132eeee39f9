"""Verified download against a real HTTP server on 127.0.0.1 serving tiny files the tests make.

Each test gives every mirror path a list of responses (one per request, the last repeating),
then checks what arrived, how many requests each mirror got, and that a failure leaves the data
directory exactly as it was: no file, no .part file.
"""
import gzip
import hashlib
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from helpers import load_script
from nielsen_net.data import download
from nielsen_net.data.download import DownloadError, download_mnist, ensure_mnist, verify

NAMES = ("t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte")
FAST = dict(retries=1, backoff=0, timeout=5, progress=False)


# ---- responses the server can give

def ok(body):
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return respond


def error(code):
    return lambda handler: handler.send_error(code)


def cut_short(body):
    """Promise more bytes than are sent, then close."""
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body) + 1000))
        handler.end_headers()
        handler.wfile.write(body)
    return respond


def drop(body):
    """Send half the body, then reset the connection (SO_LINGER 0 makes close send RST)."""
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    return respond


def stall(seconds):
    return lambda handler: time.sleep(seconds)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        responses = self.server.routes.get(self.path, [error(404)])
        # each request takes the next response; the last one repeats
        responses[min(self.server.requests.count(self.path), len(responses)) - 1](self)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that give up (timeouts) make the handler's writes fail; that is expected


@pytest.fixture
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.routes, httpd.requests = {}, []
    httpd.mirror = lambda name: f"http://127.0.0.1:{httpd.server_address[1]}/{name}/"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def files(tiny):
    """The two tiny test-set files: payloads, and the FILES-style table of their hashes."""
    payloads = {name: tiny[0][name] for name in NAMES}
    table = {name: (len(p), hashlib.sha256(p).hexdigest()) for name, p in payloads.items()}
    return payloads, table


def serve(httpd, mirror, name, *responses):
    httpd.routes[f"/{mirror}/{name}.gz"] = list(responses)


def requests_to(httpd, mirror):
    return sum(path.startswith(f"/{mirror}/") for path in httpd.requests)


def assert_nothing_left(directory):
    assert list(directory.iterdir()) == []


# ---- success

def test_downloads_and_verifies_every_file(tmp_path, server, files):
    payloads, table = files
    for name in NAMES:
        serve(server, "a", name, ok(gzip.compress(payloads[name])))
    paths = download_mnist(tmp_path, mirrors=[server.mirror("a")], files=table, **FAST)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.gz" for n in NAMES)
    for path in paths:
        assert gzip.decompress(path.read_bytes()) == payloads[path.name.removesuffix(".gz")]
    assert len(server.requests) == 2


def test_404_moves_on_to_the_next_mirror_at_once(tmp_path, server, files):
    payloads, table = files
    for name in NAMES:
        serve(server, "b", name, ok(gzip.compress(payloads[name])))
    download_mnist(tmp_path, mirrors=[server.mirror("a"), server.mirror("b")], files=table,
                   **{**FAST, "retries": 3})
    assert requests_to(server, "a") == 2 and requests_to(server, "b") == 2  # one per file each
    assert len(list(tmp_path.iterdir())) == 2


def test_server_error_is_retried_on_the_same_mirror_with_backoff(tmp_path, server, files,
                                                                 monkeypatch):
    payloads, table = files
    name = NAMES[0]
    serve(server, "a", name, error(503), error(500), ok(gzip.compress(payloads[name])))
    sleeps = []
    monkeypatch.setattr(download.time, "sleep", sleeps.append)
    download_mnist(tmp_path, mirrors=[server.mirror("a"), server.mirror("b")],
                   files={name: table[name]}, retries=2, backoff=0.5, progress=False)
    assert requests_to(server, "a") == 3 and requests_to(server, "b") == 0
    assert sleeps == [0.5, 1.0]  # exponential backoff
    assert (tmp_path / f"{name}.gz").is_file()


# ---- failures: error names every mirror, nothing is left behind

def fail_everywhere(tmp_path, server, table, respond, **options):
    """Serve `respond` for both files on both mirrors; return the DownloadError message."""
    for mirror in "ab":
        for name in NAMES:
            serve(server, mirror, name, respond(name))
    with pytest.raises(DownloadError) as caught:
        download_mnist(tmp_path, mirrors=[server.mirror("a"), server.mirror("b")], files=table,
                       **{**FAST, **options})
    message = str(caught.value)
    for mirror in "ab":
        assert f"{server.mirror(mirror)}{NAMES[0]}.gz" in message
    assert "MNIST_DIR" in message and str(tmp_path) in message  # how to fix it by hand
    assert_nothing_left(tmp_path)
    return message


def test_corrupted_payload_on_every_mirror(tmp_path, server, files):
    payloads, table = files
    message = fail_everywhere(tmp_path, server, table,
                              lambda name: ok(gzip.compress(payloads[name][:-1] + b"\x07")))
    assert message.count("sha256") == 2
    assert len(server.requests) == 2  # a bad payload is not retried


def test_wrong_size_payload(tmp_path, server, files):
    payloads, table = files
    message = fail_everywhere(tmp_path, server, table,
                              lambda name: ok(gzip.compress(payloads[name] + b"\0")))
    assert "decompressed size" in message


def test_body_cut_short_is_retried_then_reported(tmp_path, server, files):
    payloads, table = files
    message = fail_everywhere(tmp_path, server, table,
                              lambda name: cut_short(gzip.compress(payloads[name])))
    assert message.count("cut short") == 2
    assert requests_to(server, "a") == 2 and requests_to(server, "b") == 2  # 1 + retries each


def test_connection_dropped_mid_transfer(tmp_path, server, files):
    payloads, table = files
    big = {name: gzip.compress(payloads[name]) * 50 for name in NAMES}  # too big for one send
    message = fail_everywhere(tmp_path, server, table, lambda name: drop(big[name]))
    assert message.count("reset") + message.count("cut short") == 2
    assert len(server.requests) == 4  # a drop is transient: retried once per mirror


def test_body_that_is_not_gzip(tmp_path, server, files):
    payloads, table = files
    message = fail_everywhere(tmp_path, server, table, lambda name: ok(payloads[name]))
    assert message.count("not gzip") == 2


def test_truncated_gzip_with_honest_length(tmp_path, server, files):
    payloads, table = files
    message = fail_everywhere(tmp_path, server, table,
                              lambda name: ok(gzip.compress(payloads[name])[:-12]))
    assert message.count("truncated gzip") == 2


def test_timeout(tmp_path, server, files):
    message = fail_everywhere(tmp_path, server, files[1], lambda name: stall(2),
                              timeout=0.2, retries=0)
    assert message.count("timed out") == 2


def test_unreachable_mirror(tmp_path, files):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/"
    with pytest.raises(DownloadError, match="cannot connect"):
        download_mnist(tmp_path, mirrors=[url], files=files[1], **FAST)
    assert_nothing_left(tmp_path)


def test_a_failure_keeps_files_already_downloaded_and_verified(tmp_path, server, files):
    payloads, table = files
    serve(server, "a", NAMES[0], ok(gzip.compress(payloads[NAMES[0]])))
    with pytest.raises(DownloadError):
        download_mnist(tmp_path, mirrors=[server.mirror("a")], files=table, **FAST)
    assert [p.name for p in tmp_path.iterdir()] == [f"{NAMES[0]}.gz"]


# ---- files already present

def test_present_verified_files_are_not_fetched_again(tmp_path, server, files):
    payloads, table = files
    (tmp_path / NAMES[0]).write_bytes(payloads[NAMES[0]])  # raw, as someone might place it
    serve(server, "a", NAMES[1], ok(gzip.compress(payloads[NAMES[1]])))
    status = ensure_mnist(tmp_path, mirrors=[server.mirror("a")], files=table, **FAST)
    assert server.requests == [f"/a/{NAMES[1]}.gz"]
    assert status == {NAMES[0]: f"verified {NAMES[0]}",
                      NAMES[1]: f"downloaded and verified {NAMES[1]}.gz"}
    ensure_mnist(tmp_path, mirrors=[server.mirror("a")], files=table, **FAST)
    assert len(server.requests) == 1


def test_present_bad_file_is_reported_not_overwritten(tmp_path, server, files):
    payloads, table = files
    bad = gzip.compress(payloads[NAMES[0]][:-1] + b"\x07")
    (tmp_path / f"{NAMES[0]}.gz").write_bytes(bad)
    with pytest.raises(ValueError, match=f"{NAMES[0]}.*FAILED verification.*sha256"):
        ensure_mnist(tmp_path, mirrors=[server.mirror("a")], files=table, **FAST)
    assert (tmp_path / f"{NAMES[0]}.gz").read_bytes() == bad
    assert server.requests == []  # nothing downloaded, not even the missing file


def test_verify_only_mode_reports_missing_files(tmp_path, files):
    payloads, table = files
    (tmp_path / f"{NAMES[0]}.gz").write_bytes(gzip.compress(payloads[NAMES[0]]))
    with pytest.raises(FileNotFoundError, match=f"{NAMES[1]}: missing"):
        ensure_mnist(tmp_path, download=False, files=table)


def test_verify_accepts_raw_and_gzip_and_rejects_other_bytes(tmp_path, files):
    payloads, table = files
    name = NAMES[0]
    (tmp_path / "raw").write_bytes(payloads[name])
    (tmp_path / "packed.gz").write_bytes(gzip.compress(payloads[name]))
    verify(tmp_path / "raw", table[name])
    verify(tmp_path / "packed.gz", table[name])
    with pytest.raises(ValueError, match="sha256"):
        verify(tmp_path / "raw", (len(payloads[name]), "0" * 64))
    with pytest.raises(ValueError, match="decompressed size"):
        verify(tmp_path / "packed.gz", table[NAMES[1]])


# ---- `make data` (scripts/download_mnist.py)

def run_make_data(monkeypatch, directory):
    monkeypatch.setenv("MNIST_DIR", str(directory))
    monkeypatch.setattr("sys.argv", ["download_mnist.py"])
    return load_script("download_mnist").main()


def test_make_data_only_verifies_a_folder_named_by_mnist_dir(tmp_path, files, monkeypatch, capsys):
    payloads, _ = files
    placed = tmp_path / f"{NAMES[0]}.gz"
    placed.write_bytes(gzip.compress(payloads[NAMES[0]]))  # tiny: not the real file
    assert run_make_data(monkeypatch, tmp_path) == 1
    err = capsys.readouterr().err
    assert f"{NAMES[0]}: FAILED verification" in err
    assert "train-images-idx3-ubyte: missing" in err
    assert list(tmp_path.iterdir()) == [placed]


def test_make_data_verifies_the_real_files(mnist_dir, monkeypatch, capsys):
    assert run_make_data(monkeypatch, mnist_dir) == 0
    assert capsys.readouterr().out.count(": verified ") == 4
