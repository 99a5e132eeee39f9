"""`make slurm-check`: a tiny sweep as a Slurm job array on a one-node cluster brought up here,
compared bit for bit with the same sweep run in one process.

    python scripts/slurm/check.py [--tasks 3] [--keep]

It installs Slurm and munge from the distribution's packages if they are missing (apt-get, as
root), starts munged, slurmctld and slurmd with their config, state, logs and key in a temporary
folder (on free ports, so it never meets another cluster; nielsen_net/experiments/slurm_check.py
does these), submits tests/slurm_sweep.toml
(2 configurations x 2 seeds with [tune], 1 epoch, 500 training images) as an array of
scripts/slurm/sweep.sbatch, waits for it, runs the same sweep in one process, compares every
run record except its timing and environment, and stops every daemon it started by its PID.
The data is MNIST if it is found (MNIST_DIR, else data/mnist), else random look-alike IDX files.

Exit status: 0 passed; 1 a task failed or the records differ; 77 Slurm could not be installed
or started here (the reason is printed), which the test suite reports as a skip.

Left out: the dependent plots-and-report job of `make slurm` (the tiny sweep has no figures).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nielsen_net.data.download import FILES, find_file
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.data.mnist import resolve_data_dir
from nielsen_net.experiments.slurm_check import SEARCH_PATH, Unavailable, compare, install, \
    start_cluster, stop
from nielsen_net.experiments.sweeps import load_sweep

SKIP = 77  # the exit status test runners read as "skipped"
SWEEP = PROJECT_ROOT / "tests" / "slurm_sweep.toml"
BATCH = PROJECT_ROOT / "scripts" / "slurm" / "sweep.sbatch"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3, help="array tasks (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    start = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="slurm-check-"))
    daemons = []
    try:
        install()
        env = start_cluster(folder, daemons)
        data = data_folder(folder)
        env |= {"MNIST_DIR": str(data), "PYTHON": sys.executable}
        print(f"slurm-check: {args.tasks}-task array on {data}", flush=True)
        array_results = run_array(folder, env, args.tasks)
        single_results = folder / "single"
        subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "sweep.py"), str(SWEEP),
                        "--jobs", "2", "--results", str(single_results)],
                       env=outside_slurm(env), check=True)
        # A task whose shard holds no configuration runs nothing and so logs nothing.
        working = min(args.tasks, len(load_sweep(SWEEP).configurations))
        problems = compare(single_results / "slurm_check", array_results / "slurm_check",
                           working)
        records = len(list((array_results / "slurm_check").glob("*/*.json")))
    except Unavailable as reason:
        print(f"slurm-check skipped: {reason}", file=sys.stderr)
        sys.exit(SKIP)
    finally:
        stop(daemons)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    seconds = time.perf_counter() - start
    if problems:
        sys.exit("slurm-check FAILED:\n  " + "\n  ".join(problems))
    print(f"slurm-check passed in {seconds:.0f} s: {args.tasks} array tasks, all {records} run "
          f"records equal bit for bit to a single-process run's (timing and environment aside)")


def data_folder(folder):
    """The MNIST folder if real MNIST is found, else random look-alike IDX files in `folder`
    (500 training + 10,000 validation images, 100 test images)."""
    directory, _ = resolve_data_dir()
    if all(find_file(directory, name) for name in FILES):
        return directory
    rng = np.random.default_rng(0)
    data = folder / "mnist"
    data.mkdir()
    for prefix, n in (("train", 10_500), ("t10k", 100)):
        for kind, magic, shape, top in (("images-idx3", 0x803, (n, 28, 28), 256),
                                         ("labels-idx1", 0x801, (n,), 10)):
            header = np.array([magic, *shape], dtype=">u4").tobytes()  # IDX: big-endian uint32s
            values = rng.integers(0, top, shape, dtype=np.uint8)
            (data / f"{prefix}-{kind}-ubyte").write_bytes(header + values.tobytes())
    return data


def run_array(folder, env, tasks):
    """Submit the tiny sweep as a `tasks`-task array and wait for it; its results folder."""
    results, logs = folder / "array", folder / "logs"
    logs.mkdir()
    done = subprocess.run([shutil.which("sbatch", path=SEARCH_PATH), "--wait",
                           f"--array=0-{tasks - 1}", "--cpus-per-task=1",
                           f"--chdir={PROJECT_ROOT}", f"--output={logs}/%A_%a.out",
                           str(BATCH), str(SWEEP), "--results", str(results)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        task_logs = "\n".join(f"--- {p.name}\n{p.read_text()}" for p in sorted(logs.iterdir()))
        sys.exit(f"slurm-check FAILED: the array failed: {done.stderr.strip()}\n{task_logs}")
    return results


def outside_slurm(env):
    return {k: v for k, v in env.items() if not k.startswith("SLURM_")}


if __name__ == "__main__":
    main()
