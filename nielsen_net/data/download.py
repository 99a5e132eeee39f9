"""Fetch the four MNIST files from public mirrors and verify them before they land.

What it does: downloads each missing `NAME.gz` with urllib into a temporary file beside
its destination, checks that the body is gzip, decompresses completely, and has the expected
decompressed size and sha256, and only then renames it into place. Transient trouble
(connection errors, timeouts, bodies cut short, HTTP 5xx) is retried with exponential backoff;
a 404, a failed name lookup or a bad payload moves on to the next mirror at once. With
`progress`, each attempt, retry and give-up is reported on stderr as it happens. The same checks verify files that
are already present (raw or gzip), so `make data` can vouch for a folder it did not fill.

What it leaves out: parsing the IDX contents (that is `nielsen_net.mnist`), resuming partial
downloads (the largest file is under 10 MB), proxies and authentication beyond what urllib picks
up from the environment, and repairing a present file that fails verification: that is reported,
never overwritten, because it may be someone's hand-placed copy.
"""
import gzip
import hashlib
import http.client
import io
import socket
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from tqdm import tqdm

from ..files import atomic

# Both serve the files under their original names; DATA.md lists them.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# name -> (decompressed size in bytes, sha256 of the decompressed bytes). The payload is hashed,
# not the .gz, because recompressed copies (like ../shared/mnist) differ only in their gzip bytes.
FILES = {
    "train-images-idx3-ubyte":
        (47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train-labels-idx1-ubyte":
        (60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "t10k-images-idx3-ubyte":
        (7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "t10k-labels-idx1-ubyte":
        (10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """No mirror delivered a verified copy of a file."""


class _BadPayload(Exception):
    """The mirror answered, but with the wrong bytes: retrying the same mirror will not help."""


def find_file(directory, name):
    """Return the path of `NAME.gz`, else of `NAME`, in `directory`; None if neither exists."""
    for candidate in (Path(directory) / f"{name}.gz", Path(directory) / name):
        if candidate.is_file():
            return candidate
    return None


def gunzip(data, source, limit=None):
    """Decompress a gzip body; raise ValueError naming `source` if it is not complete gzip.

    With `limit`, expand at most `limit` + 1 bytes: enough to tell that the payload is longer
    than `limit` without expanding all of it (a small .gz can hold gigabytes of zeros).
    """
    if not data.startswith(GZIP_MAGIC):
        raise ValueError(f"{source}: not gzip (starts with {data[:4]!r}, expected {GZIP_MAGIC!r})")
    try:
        if limit is None:
            return gzip.decompress(data)
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            return f.read(limit + 1)
    except EOFError as e:
        raise ValueError(f"{source}: truncated gzip ({e})") from None
    except (OSError, zlib.error) as e:
        raise ValueError(f"{source}: corrupt gzip ({e})") from None


def read_payload(path, limit=None):
    """Return the IDX bytes of a file, decompressing it when its first bytes say gzip; with
    `limit`, a gzip file expands to at most `limit` + 1 bytes (see `gunzip`).

    The content decides, not the name, except that a file named `.gz` must really be gzip.
    """
    path = Path(path)
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC) or path.suffix == ".gz":
        return gunzip(data, path, limit)
    return data


def check_payload(payload, expected, source):
    """Raise ValueError naming `source` unless `payload` has the expected (size, sha256)."""
    size, sha256 = expected
    if len(payload) > size:
        raise ValueError(f"{source}: decompressed size is more than the expected {size:,} bytes")
    if len(payload) != size:
        raise ValueError(f"{source}: decompressed size is {len(payload):,} bytes,"
                         f" expected {size:,}")
    digest = hashlib.sha256(payload).hexdigest()
    if digest != sha256:
        raise ValueError(f"{source}: sha256 of the decompressed bytes is {digest},"
                         f" expected {sha256}")


def verify(path, expected):
    """Raise ValueError unless the file at `path` (raw or gzip) decompresses to the expected
    (size, sha256) pair; a gzip file is never expanded beyond that size."""
    check_payload(read_payload(path, limit=expected[0]), expected, path)


def _fetch(url, out, timeout, progress, desc):
    """Stream `url` into the open binary file `out`; raise ConnectionError if the body is short."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length is not None else None
        received = 0
        with tqdm(total=total, unit="B", unit_scale=True, desc=desc, disable=not progress) as bar:
            # http.client ends a chunked read quietly when the peer closes early, so count bytes.
            while chunk := response.read(CHUNK):
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received < total:
        raise ConnectionError(f"body cut short: received {received:,} of {total:,} bytes")


def _transient(error):
    """Whether a network error is worth retrying on the same mirror: all but HTTP 4xx (bar 429,
    "too many requests"), which would only be answered the same way again, and a failed name
    lookup (offline, or no such host), which fails again at once."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500 or error.code == 429
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, socket.gaierror):
        return False
    return True


def _say(progress, message):
    """Tell the user what the download is doing (with `progress`), beside any progress bar."""
    if progress:
        tqdm.write(message, file=sys.stderr)


def _describe(error):
    """A one-line account of a network error for the DownloadError message."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect ({error.reason})"
    return str(error) or type(error).__name__


def _try_mirror(url, name, expected, destination, timeout, progress):
    """Download `url` to a temporary file beside `destination`, verify it, then move it into place.

    Whatever goes wrong, the temporary file is removed: no partial file is ever left behind.
    """
    with atomic(destination) as part:
        _fetch(url, part, timeout, progress, desc=destination.name)
        part.flush()
        try:
            body = gunzip(Path(part.name).read_bytes(), "response", limit=expected[0])
            check_payload(body, expected, "response")
        except ValueError as e:
            raise _BadPayload(str(e)) from None


def download_file(name, directory, expected, *, mirrors=MIRRORS, timeout=30, retries=3,
                  backoff=1.0, progress=True):
    """Fetch `NAME.gz` into `directory` from the first mirror that delivers the expected payload.

    Each mirror gets up to 1 + `retries` attempts for transient errors, waiting `backoff`,
    2 * `backoff`, 4 * `backoff`, ... seconds between them. Return the path written; raise
    DownloadError listing every mirror and what went wrong there.
    """
    destination = Path(directory) / f"{name}.gz"
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + f"/{name}.gz"
        _say(progress, f"downloading {url}")
        for attempt in range(1 + retries):
            try:
                _try_mirror(url, name, expected, destination, timeout, progress)
                return destination
            except _BadPayload as e:
                failures.append(f"  {url}: bad payload: {e}")
                _say(progress, f"  bad payload ({e}): giving up on this mirror")
                break
            except (OSError, http.client.HTTPException) as e:  # URLError, timeout, reset, ...
                if not _transient(e) or attempt == retries:
                    tries = f" (after {attempt + 1} attempts)" if attempt else ""
                    failures.append(f"  {url}: {_describe(e)}{tries}")
                    _say(progress, f"  {_describe(e)}{tries}: giving up on this mirror")
                    break
                wait = backoff * 2**attempt
                _say(progress, f"  {_describe(e)}: retry {attempt + 1} of {retries} in {wait:g} s")
                time.sleep(wait)
    raise DownloadError(
        f"could not download {name}.gz into {directory}; every mirror failed:\n"
        + "\n".join(failures)
        + f"\nTo place the files by hand, download {', '.join(n + '.gz' for n in FILES)} from"
        f" one of the mirrors above into {directory}, or set MNIST_DIR to a folder that already"
        f" holds them.")


def download_mnist(data_dir, *, mirrors=MIRRORS, files=FILES, timeout=30, retries=3,
                   backoff=1.0, progress=True):
    """Download every file of `files` that has neither `NAME.gz` nor `NAME` in `data_dir`.

    Files already present are left alone (not even verified: see `ensure_mnist`). Return the
    list of paths written.
    """
    directory = Path(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    return [
        download_file(name, directory, expected, mirrors=mirrors, timeout=timeout,
                      retries=retries, backoff=backoff, progress=progress)
        for name, expected in files.items() if find_file(directory, name) is None
    ]


def ensure_mnist(data_dir, *, download=True, files=FILES, **fetch_options):
    """Verify the files present in `data_dir`, then download the missing ones (if `download`).

    Return {name: what was done}. A present file that fails verification is reported, not
    replaced: raise ValueError listing every file's state, before anything is downloaded.
    With `download=False`, missing files raise FileNotFoundError in the same form.
    `fetch_options` go to `download_mnist` (mirrors, timeout, retries, backoff, progress).
    """
    directory = Path(data_dir)
    status, bad, missing = {}, [], []
    for name, expected in files.items():
        path = find_file(directory, name)
        if path is None:
            status[name] = f"missing (looked for {name}.gz and {name})"
            missing.append(name)
            continue
        try:
            verify(path, expected)
            status[name] = f"verified {path.name}"
        except ValueError as e:
            status[name] = f"FAILED verification: {e}"
            bad.append(name)
    report = "\n".join(f"  {name}: {what}" for name, what in status.items())
    if bad:
        raise ValueError(f"MNIST files in {directory} failed verification:\n{report}\n"
                         f"Delete or replace the failing files, then run `make data` again.")
    if missing and not download:
        raise FileNotFoundError(f"MNIST files missing from {directory}:\n{report}\nCopy the four"
                                f" .gz files there, or unset MNIST_DIR and run `make data`.")
    for path in download_mnist(directory, files=files, **fetch_options):
        status[path.name.removesuffix(".gz")] = f"downloaded and verified {path.name}"
    return status
