"""The one atomic writer: a file is replaced whole or not at all.

`atomic(path)` hands out a temporary file beside `path`; when the block ends normally the bytes
are flushed to disk (fsync) and the file is renamed over `path`, so a reader, a kill or a full
disk sees the old file or the whole new one, never a part. If the block raises, the temporary
file is removed and `path` is untouched. Left out: what is written (records, networks and
downloads each do that).
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic(path, mode="wb"):
    """Yield a file open in `mode` ("wb" or "w") that becomes `path` when the block succeeds.
    The file is readable by everyone (0644), as a model, a record or MNIST is meant to be."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
    tmp = tempfile.NamedTemporaryFile(mode, dir=path.parent, prefix=f".{path.name}.",
                                      suffix=".tmp", delete=False)
    try:
        with tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp.name, 0o644)  # NamedTemporaryFile makes 0600
        os.replace(tmp.name, path)
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
