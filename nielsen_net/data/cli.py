"""How a command stops on MNIST it cannot use: the loader's own message, on stderr, after
"error: ", with exit status 1 and no traceback.

The loader's messages name the file and the fix (one line for a bad or missing file; a download
that failed on every mirror lists them). Left out: catching anything else, whose traceback is
the useful report.
"""

import sys

from .download import DownloadError
from .mnist import MNISTError, load_mnist

DATA_ERRORS = (MNISTError, FileNotFoundError, DownloadError)  # bad, missing, not downloadable


def load_or_exit(data_dir=None, **options):
    """`load_mnist(data_dir, **options)`, or exit with its one-line error."""
    try:
        return load_mnist(data_dir, **options)
    except DATA_ERRORS as error:
        sys.exit(f"error: {error}")
