"""`make slurm-check`: a tiny sweep as a Slurm job array on a one-node cluster brought up here,
compared bit for bit with the same sweep run in one process.

    python scripts/slurm/check.py [--tasks 3] [--keep]

It installs Slurm and munge from the distribution's packages if they are missing (apt-get, as
root), starts munged, slurmctld and slurmd with their config, state, logs and key in a temporary
folder (on free ports, so it never meets another cluster), submits tests/slurm_sweep.toml
(2 configurations x 2 seeds with [tune], 1 epoch, 500 training images) as an array of
scripts/slurm/sweep.sbatch, waits for it, runs the same sweep in one process, compares every
run record except its timing and environment, and stops every daemon it started by its PID.
The data is MNIST if it is found (MNIST_DIR, else data/mnist), else random look-alike IDX files.

Exit status: 0 passed; 1 a task failed or the records differ; 77 Slurm could not be installed
or started here (the reason is printed), which the test suite reports as a skip.

Left out: the dependent plots-and-report job of `make slurm` (the tiny sweep has no figures).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nielsen_net.data.download import FILES, find_file
from nielsen_net.paths import PROJECT_ROOT
from nielsen_net.data.mnist import resolve_data_dir
from nielsen_net.experiments.sweeps import load_sweep

SKIP = 77  # the exit status test runners read as "skipped"
SWEEP = PROJECT_ROOT / "tests" / "slurm_sweep.toml"
BATCH = PROJECT_ROOT / "scripts" / "slurm" / "sweep.sbatch"
PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"]
PROGRAMS = ["slurmctld", "slurmd", "sbatch", "sinfo", "munged", "mungekey"]
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
UNTIMED = ("seconds", "environment")  # differ between any two runs of the same code


class Unavailable(Exception):
    """Slurm cannot be installed or started here: a reason to skip, not a failure."""


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


# ----- the cluster -------------------------------------------------------------------------------

def install():
    """Install the Slurm and munge packages if any program is missing."""
    missing = [p for p in PROGRAMS if shutil.which(p, path=SEARCH_PATH) is None]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise Unavailable(f"{', '.join(missing)} not installed, and installing them needs root "
                          f"and apt-get; install {' '.join(PACKAGES)}")
    print(f"slurm-check: installing {' '.join(PACKAGES)}", flush=True)
    apt = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        done = subprocess.run(command, env=apt, capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"`{' '.join(command)}` failed: {tail(done.stderr)}")


def start_cluster(folder, daemons):
    """Start munged, slurmctld and slurmd under `folder`; append each pid file to `daemons`
    as soon as it is started; return the environment for Slurm's clients."""
    munge = folder / "munge"
    munge.mkdir()
    for path in (folder, munge):
        path.chmod(0o755)  # munged's socket needs a path all may enter but only root may write
    key, sock = munge / "munge.key", munge / "munge.sock"
    program("mungekey", "--create", f"--keyfile={key}")
    key.chmod(0o600)
    daemons.append(munge / "munged.pid")
    program("munged", f"--socket={sock}", f"--key-file={key}", f"--pid-file={daemons[-1]}",
            f"--log-file={munge / 'munged.log'}", f"--seed-file={munge / 'munged.seed'}")
    conf = folder / "slurm.conf"
    conf.write_text(slurm_conf(folder, sock))
    for name in ("slurmctld", "slurmd"):
        daemons.append(folder / f"{name}.pid")
        program(name, "-f", str(conf))
    env = os.environ | {"SLURM_CONF": str(conf)}
    for _ in range(60):
        state = subprocess.run([shutil.which("sinfo", path=SEARCH_PATH), "-h", "-N", "-o",
                                "%T"], env=env, capture_output=True, text=True).stdout.strip()
        if state == "idle":
            return env
        time.sleep(0.5)
    logs = "".join(tail((folder / f"{n}.log").read_text(errors="replace"))
                   for n in ("slurmctld", "slurmd") if (folder / f"{n}.log").exists())
    raise Unavailable(f"the node did not become idle within 30 s (state {state!r}); {logs}")


def slurm_conf(folder, munge_socket):
    """A one-node cluster without systemd or cgroups, all of its files under `folder`."""
    host = socket.gethostname().split(".")[0]
    controller, node = free_port(), free_port()
    return f"""ClusterName=check
SlurmctldHost={host}
SlurmctldPort={controller}
SlurmdPort={node}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
StateSaveLocation={folder / 'state'}
SlurmdSpoolDir={folder / 'spool'}
SlurmctldPidFile={folder / 'slurmctld.pid'}
SlurmdPidFile={folder / 'slurmd.pid'}
SlurmctldLogFile={folder / 'slurmctld.log'}
SlurmdLogFile={folder / 'slurmd.log'}
NodeName={host} CPUs={os.cpu_count()} State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


def program(name, *args):
    """Run a Slurm or munge program (daemons fork into the background and return)."""
    path = shutil.which(name, path=SEARCH_PATH)
    done = subprocess.run([path, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise Unavailable(f"`{name}` failed to start: {tail(done.stderr + done.stdout)}")


def stop(pid_files):
    """Stop each daemon by the PID in its file, last started first: TERM, then KILL."""
    for pid_file in reversed(pid_files):
        try:
            pid = int(pid_file.read_text())
            os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            continue  # never started, or already gone
        for _ in range(50):
            if not alive(pid):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def tail(text, lines=5):
    return " | ".join(text.strip().splitlines()[-lines:])


# ----- the sweep ---------------------------------------------------------------------------------

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


def comparable(record):
    """A run record without what differs between two runs of the same code: its timing and
    the environment (date, machine)."""
    record = {k: v for k, v in record.items() if k not in UNTIMED}
    return record | {"history": {k: v for k, v in record["history"].items() if k not in UNTIMED}}


def compare(expected, actual, tasks):
    """What differs between two results folders of the same sweep: run files one lacks,
    records unequal beyond timing, chosen etas and tuning grids, and the number of logged
    invocations (one per task that had work)."""
    def runs(folder):
        return {str(p.relative_to(folder)): comparable(json.loads(p.read_text()))
                for p in folder.glob("*/*.json")}
    want, got = runs(expected), runs(actual)
    problems = [f"{name}: only in the {where} run" for name, where in
                [(n, "single-process") for n in sorted(set(want) - set(got))]
                + [(n, "array") for n in sorted(set(got) - set(want))]]
    problems += [f"{name}: records differ" for name in sorted(set(want) & set(got))
                 if want[name] != got[name]]
    single, array = (json.loads((f / "sweep.json").read_text()) for f in (expected, actual))
    for key in ("chosen_eta", "tuning_grid"):
        if single.get(key) != array.get(key):
            problems.append(f"{key} differs: {single.get(key)} vs {array.get(key)}")
    if len(array["invocations"]) != tasks:
        problems.append(f"sweep.json logs {len(array['invocations'])} invocations for {tasks} "
                        f"tasks: concurrent tasks lost each other's entries")
    if not want:
        problems.append("the single-process run wrote no records")
    return problems


if __name__ == "__main__":
    main()
