"""The one BLAS-thread setting: how many threads the matrix products of a process may use.

BLAS reads these variables once, when numpy loads it, so `set_blas_threads` reaches the
processes started after it (the sweep's, the bench's and the one-class workers), never the one
that calls it. Workers run one thread each, one worker per core, so they do not fight over cores.
"""

import os

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def set_blas_threads(threads, environ=os.environ):
    """Make processes started from now on run BLAS on `threads` threads."""
    for var in BLAS_THREAD_VARIABLES:
        environ[var] = str(threads)


def blas_threads(environ=os.environ):
    """{variable: value} of the thread settings in force for this process (None: unset)."""
    return {var: environ.get(var) for var in BLAS_THREAD_VARIABLES}


# glibc gives freed arrays of more than a few MB back to the OS and faults them in again at the
# next allocation: a conv net's evaluation spent 40% of its time in the kernel doing that.
# Read once when a process starts, like the BLAS variables.
MALLOC_VARIABLES = {"MALLOC_MMAP_THRESHOLD_": str(2 ** 30), "MALLOC_TRIM_THRESHOLD_": str(2 ** 30)}


def keep_freed_memory(environ=os.environ):
    """Make processes started from now on keep freed memory for reuse (glibc's malloc)."""
    environ.update(MALLOC_VARIABLES)
