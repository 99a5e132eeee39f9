"""Load MNIST from its four IDX files into numpy arrays, split the way the book splits it.

What it does: finds the files (the `data_dir` argument, else the `MNIST_DIR` environment
variable, else `data/mnist/` under the project root), reads each as gzip or raw, checks every
IDX header against the payload, and returns pixels scaled to [0, 1] as rows of 784 with integer
labels. The first 60,000 - `validation_size` training images train, the rest validate, and
t10k is the test set. Missing files are fetched with `nielsen_net.download`, except from a
folder named by `MNIST_DIR`, which is only ever read. A file that cannot be used raises
`MNISTError`, whose message is one line naming the file, what is wrong and the fix.

What it leaves out: one-hot labels (the network takes integer labels), caching or pickles
(decompressing is quick), sha256 checks of files smaller than the real ones (`make data`
verifies those; loading checks their structure, so small hand-made test files load too; a
payload of the real size is checked against its sha256, 30 ms, so a substituted or bit-flipped
copy does not load silently), and the expanded training set of chapter 6.
"""
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import download as dl
from ..nn.checks import check_dtype, check_positive
from ..paths import DATA_DIR

IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801  # IDX: unsigned bytes, 3 or 1 dimensions
ROWS = COLS = 28
SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


# How to mend an unusable file, by the rule that chose its folder (see `resolve_data_dir`).
FIXES = {
    "default": "delete it and run `make data`, which downloads a verified copy",
    "MNIST_DIR": "replace it with a good copy, or point MNIST_DIR at a folder holding the four"
                 " MNIST files (`make data` verifies the folder)",
    "argument": "replace it with a good copy (`make data` downloads verified ones into"
                f" {DATA_DIR})",
}


class MNISTError(ValueError):
    """A MNIST file that cannot be used: corrupt, truncated, of the wrong kind or size, not the
    real file, or not matching its partner. The message is one line: the file, what is wrong,
    and the fix."""


class Split(NamedTuple):
    X: np.ndarray  # (m, 784) pixels in [0, 1], one image per row
    y: np.ndarray  # (m,) int64 digits 0-9


class MNIST(NamedTuple):
    train: Split
    validation: Split
    test: Split


def resolve_data_dir(data_dir=None):
    """Return (directory, source): the folder to read and which rule chose it, one of
    "argument", "MNIST_DIR" or "default". Never depends on the working directory
    (unless a relative path is passed in explicitly)."""
    if data_dir is not None:
        return Path(data_dir), "argument"
    if os.environ.get("MNIST_DIR"):
        return Path(os.environ["MNIST_DIR"]), "MNIST_DIR"
    return DATA_DIR, "default"


def idx_size(data, magic, ndim, source):
    """The total byte length (header and data) that the IDX header at the start of `data`
    promises; ValueError naming `source` if the magic number is wrong or the header is cut."""
    header = 4 * (1 + ndim)  # magic, then one big-endian uint32 per dimension
    found = int.from_bytes(data[:4], "big")
    # Magic first: a labels file passed as images is "wrong magic", not "truncated".
    if len(data) >= 4 and found != magic:
        raise ValueError(f"{source}: wrong magic number 0x{found:08x}, expected 0x{magic:08x}")
    if len(data) < header:
        raise ValueError(f"{source}: truncated: {len(data)} bytes, shorter than the"
                         f" {header}-byte IDX header")
    return header + int(np.prod(np.frombuffer(data, ">u4", count=ndim, offset=4), dtype=np.int64))


def parse_idx(data, magic, ndim, source):
    """Parse IDX bytes into a uint8 array of shape given by the header; ValueError naming
    `source` if the magic number is wrong or the payload length disagrees with the header."""
    header = 4 * (1 + ndim)
    size = idx_size(data, magic, ndim, source)
    dims = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    expected, held = size - header, len(data) - header
    if held < expected:
        raise ValueError(f"{source}: truncated: header {dims} promises {expected:,} bytes of"
                         f" data, file holds {held:,}")
    if held > expected:
        raise ValueError(f"{source}: unexpected bytes after the {expected:,} that header {dims}"
                         f" promises")
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def read_idx(path, magic, ndim):
    """The IDX array in the file at `path`. A gzip file is expanded only as far as its header
    says the data goes (and one byte more, to tell a longer payload), never whole. A payload of
    the size of the real file of that name must also have its sha256."""
    size = idx_size(dl.read_payload(path, limit=4 * (1 + ndim)), magic, ndim, path)
    payload = dl.read_payload(path, limit=size)
    real = dl.FILES.get(Path(path).name.removesuffix(".gz"))
    if real is not None and len(payload) == real[0]:
        dl.check_payload(payload, real, f"{path} (not the real MNIST file)")
    return parse_idx(payload, magic, ndim, path)


def read_images(path):
    """Return the images of an IDX3 file as uint8, shape (m, 28, 28)."""
    images = read_idx(path, IMAGE_MAGIC, 3)
    if images.shape[1:] != (ROWS, COLS):
        raise ValueError(f"{path}: images are {images.shape[1]}x{images.shape[2]},"
                         f" expected {ROWS}x{COLS}")
    return images


def read_labels(path):
    """Return the labels of an IDX1 file as int64, shape (m,)."""
    labels = read_idx(path, LABEL_MAGIC, 1)
    if labels.size and labels.max() > 9:
        raise ValueError(f"{path}: label {labels.max()} is not a digit 0-9")
    return labels.astype(np.int64)


def _locate(directory, source, name, download):
    """Return the path of NAME.gz or NAME, downloading it first if allowed."""
    path = dl.find_file(directory, name)
    if path is None and download and source != "MNIST_DIR":
        dl.download_mnist(directory, files={name: dl.FILES[name]})
        path = dl.find_file(directory, name)
    if path is None:
        raise FileNotFoundError(
            f"MNIST file {name} not found: looked for {name}.gz and {name} in {directory}"
            f" (chosen by {source}). Fix: run `make data` to download and verify the files into"
            f" {DATA_DIR}, or set MNIST_DIR to a folder holding the four files.")
    return path


def _unusable(problem, source):
    """The MNISTError for `problem` (naming the file) in a folder chosen by `source`."""
    return MNISTError(f"{problem}. Fix: {FIXES[source]}.")


def _read(reader, path, source):
    """`reader(path)`, or MNISTError if the file cannot be used."""
    try:
        return reader(path)
    except (OSError, ValueError) as error:  # OSError: unreadable, e.g. no permission
        raise _unusable(error, source) from None


def _load_split(directory, source, split, download):
    """Return uint8 images (m, 28, 28) and int64 labels (m,) of "train" or "test"; MNISTError
    with the fix for `source` if a file cannot be used."""
    image_name, label_name = SPLIT_FILES[split]
    label_path = _locate(directory, source, label_name, download)
    labels = _read(read_labels, label_path, source)
    image_path = _locate(directory, source, image_name, download)
    images = _read(read_images, image_path, source)
    if len(images) != len(labels):
        raise _unusable(f"{image_path}: {len(images):,} images but {len(labels):,} labels in"
                        f" {label_path.name}: the two files are of different sets", source)
    return images, labels


def _scaled(images, dtype):
    X = images.reshape(len(images), ROWS * COLS).astype(dtype)  # (m, 784)
    X /= 255  # in place: the float64 training set alone is 376 MB
    return X


def load_mnist(data_dir=None, *, download=True, validation_size=10_000, dtype="float64"):
    """Return MNIST(train, validation, test), each a Split(X, y).

    X is (m, 784) in `dtype` ("float64" or "float32") with pixel values / 255; y is (m,) int64.
    The first 60,000 - `validation_size` training images train and the rest validate (the
    book's 50,000 / 10,000 by default; 0 gives an empty validation split of shape (0, 784)).
    Missing files are downloaded into the folder, except into one named by MNIST_DIR (that is
    only read); `download=False` raises FileNotFoundError instead of fetching anything.
    A file that is there but cannot be used raises MNISTError (a ValueError).
    """
    dtype = check_dtype(dtype)
    check_positive("validation_size", validation_size, integer=True, allow_zero=True)
    if validation_size > 60_000:
        raise ValueError(f"validation_size must be in [0, 60000], got {validation_size}")
    directory, source = resolve_data_dir(data_dir)
    train_images, train_labels = _load_split(directory, source, "train", download)
    n_train = len(train_labels) - validation_size
    if n_train < 0:  # only possible with small hand-made files
        raise ValueError(f"validation_size {validation_size} exceeds the {len(train_labels)}"
                         f" training images")
    test_images, test_labels = _load_split(directory, source, "test", download)
    X = _scaled(train_images, dtype)  # (60000, 784)
    return MNIST(
        train=Split(X[:n_train], train_labels[:n_train]),
        validation=Split(X[n_train:], train_labels[n_train:]),
        test=Split(_scaled(test_images, dtype), test_labels),
    )
