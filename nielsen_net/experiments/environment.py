"""What a result needs to be traced back: versions, git commit, machine and date; and what
decides whether it can be repeated bit for bit: the CPU, the BLAS and the threads.

The same code, data and seed give the same bits only on the same arithmetic: OpenBLAS picks
its kernels by CPU ("core", e.g. Haswell or SkylakeX), numpy its SIMD loops, and the BLAS
splits some sums between its threads; each changes the last bits of a sum. So a record holds
the CPU model, the BLAS library, its version, core and thread count, numpy's SIMD extensions,
and the cores and thread variables. Asked of numpy and the standard library only: the BLAS's
core and threads through its C API (ctypes), where the loaded library is an OpenBLAS this can
find; None where it cannot.

Left out: comparing two environments (that is `verify.same_arithmetic`).
"""

import ctypes
import datetime
import os
import platform
import subprocess
import sys

import numpy as np

from .. import __version__
from ..paths import PROJECT_ROOT
from ..threads import blas_threads


def environment():
    """Versions, git commit, machine, arithmetic and date. The BLAS threads are those of the
    training: a thread variable when one is set (processes started from now on run with it, and
    this one if it was set before numpy loaded), else the loaded library's count; so a caller
    whose training runs in other processes (a sweep's workers) sets theirs first
    (`threads.set_blas_threads`)."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except OSError:
            return ""
    core, threads = openblas_core_and_threads()
    return {
        "nielsen_net": __version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "git_commit": git("rev-parse", "HEAD") or "unknown",
        # the code differs from the commit; results/ changing while sweeps run does not count
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".",
                              ":(exclude)results")),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "cpu": cpu_model(),
        "blas": blas() | {"core": core, "threads": _training_threads(threads)},
        "simd": numpy_simd(),
        "threads": {"cores": os.cpu_count(), "usable": _usable_cores(), **blas_threads()},
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def cpu_model(cpuinfo="/proc/cpuinfo"):
    """The CPU's model name: Linux's /proc/cpuinfo ("model name", or "Model" on ARM boards),
    macOS's sysctl, else `platform.processor()`; "unknown" if none says."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model") and value.strip():
                    return value.strip()
    except OSError:
        pass
    if platform.system() == "Darwin":
        try:
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                  capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            pass
    return platform.processor() or "unknown"


def blas():
    """{name, version} of the BLAS numpy was built against, from `np.show_config`."""
    found = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    return {"name": found.get("name", "unknown"), "version": found.get("version", "unknown")}


def numpy_simd():
    """The SIMD extensions numpy dispatches to on this CPU (its baseline, then those found)."""
    simd = np.show_config(mode="dicts").get("SIMD Extensions", {})
    return [*simd.get("baseline", []), *simd.get("found", [])]


def _training_threads(loaded):
    """The first thread variable set (as an int where it is one), else `loaded`."""
    for value in blas_threads().values():
        if value:
            return int(value) if value.isdigit() else value
    return loaded


def _usable_cores():
    """The cores this process may run on (its affinity), where the system says."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def openblas_core_and_threads(maps="/proc/self/maps"):
    """(core, threads) of the OpenBLAS loaded into this process, e.g. ("SkylakeX", 2), asked
    through its C API; (None, None) where no OpenBLAS can be found (another BLAS, or no
    /proc/self/maps to find the loaded library by)."""
    try:
        with open(maps) as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower()}
    except OSError:
        return None, None
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        # numpy's wheels rename the symbols (scipy_openblas_..64_); a system OpenBLAS does not
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""),
                               ("openblas", "64_"), ("openblas", "")):
            corename = getattr(library, f"{prefix}_get_corename{suffix}", None)
            threads = getattr(library, f"{prefix}_get_num_threads{suffix}", None)
            if corename is not None and threads is not None:
                corename.restype, threads.restype = ctypes.c_char_p, ctypes.c_int
                return corename().decode(), threads()
    return None, None
