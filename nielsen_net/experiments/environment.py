"""What a result needs to be traced back: versions, git commit, machine and date."""

import datetime
import os
import platform
import subprocess
import sys

import numpy as np

from .. import __version__
from ..paths import PROJECT_ROOT


def environment():
    """Versions, git commit, machine and date: what a result needs to be traced back."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except OSError:
            return ""
    return {
        "nielsen_net": __version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "git_commit": git("rev-parse", "HEAD") or "unknown",
        # the code differs from the commit; results/ changing while sweeps run does not count
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".",
                              ":(exclude)results")),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }

