"""Exclusive claims on runs, so that several sweep processes, or machines sharing one results
folder, split the work instead of each doing all of it.

A claim on the run stored at `path` is the lock file `<path>.lock`, created with O_CREAT |
O_EXCL (atomic: of two processes only one creates it) and holding the claimant's host, pid and
start time. It is removed when the run ends, written or not. A lock left by a process that died
is stale and may be taken over: on the same host when its pid is no longer alive; from any host
once it is older than STALE_SECONDS (another machine's processes cannot be seen).

Left out: waiting for a claimed run (the runner skips it; its file is there on the next
invocation) and locks on anything but runs.
"""

import json
import os
import socket
import time
from pathlib import Path

STALE_SECONDS = 48 * 3600  # longer than any run of the committed sweeps takes


def lock_path(path):
    path = Path(path)
    return path.with_name(f"{path.name}.lock")


def claim(path):
    """Claim the run stored at `path`; True if this process now holds it, False if another
    live process does. A stale lock is taken over."""
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):  # a second try after breaking a stale lock
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if not (stale(lock) and _break(lock)):
                return False
            continue
        with os.fdopen(fd, "w") as f:
            json.dump({"host": socket.gethostname(), "pid": os.getpid(), "time": time.time()}, f)
        return True
    return False


def release(path):
    """Give up the claim on the run stored at `path` (held by this process)."""
    lock_path(path).unlink(missing_ok=True)


def stale(lock, max_age=STALE_SECONDS):
    """Whether the lock file `lock` was left by a dead process: its pid is gone on this host,
    or it is older than `max_age` seconds. A lock that vanished is not stale (nothing to do)."""
    try:
        age = time.time() - lock.stat().st_mtime
        owner = json.loads(lock.read_text())
    except FileNotFoundError:
        return False
    except (OSError, ValueError):  # unreadable, or cut short while written: judge by age
        owner = {}
    if age > max_age:
        return True
    if not isinstance(owner, dict) or owner.get("host") != socket.gethostname():
        return False
    return isinstance(owner.get("pid"), int) and not _alive(owner["pid"])


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _break(lock):
    """Remove the stale `lock`; True if this process did. It is first renamed to a private
    name, so two processes breaking it at once cannot remove a fresh claim made in between:
    a lock that is no longer stale once renamed is put back."""
    private = lock.with_name(f"{lock.name}.{socket.gethostname()}.{os.getpid()}")
    try:
        os.rename(lock, private)
    except FileNotFoundError:  # another process broke it first
        return False
    if not stale(private):
        try:
            os.link(private, lock)
        except FileExistsError:
            pass
        private.unlink()
        return False
    private.unlink()
    return True
