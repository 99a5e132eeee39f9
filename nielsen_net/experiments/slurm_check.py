"""`make slurm-check`'s machinery: a one-node Slurm cluster brought up here, and the
comparison of a sweep's results from a job array with those of one process.

`install` gets Slurm and munge from the distribution's packages if they are missing (apt-get,
as root); `start_cluster` starts munged, slurmctld and slurmd with their config, state, logs and
key in a given folder (on free ports, so it never meets another cluster), and `stop` ends each
daemon it started by its PID. Where Slurm cannot be installed or started, they raise
`Unavailable`, a reason to skip rather than a failure. `compare` lists what differs between two
results folders of one sweep, timing and environment aside.

Left out: the sweep and the array (scripts/slurm/check.py submits scripts/slurm/sweep.sbatch).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time

PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"]
PROGRAMS = ["slurmctld", "slurmd", "sbatch", "sinfo", "munged", "mungekey"]
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
UNTIMED = ("seconds", "environment")  # differ between any two runs of the same code


class Unavailable(Exception):
    """Slurm cannot be installed or started here: a reason to skip, not a failure."""


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
