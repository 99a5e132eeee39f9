"""What a record's environment holds about the arithmetic: CPU model, BLAS and threads."""

import json
import os
import subprocess
import sys

import numpy as np

from nielsen_net.experiments import environment as e
from nielsen_net.threads import BLAS_THREAD_VARIABLES


def test_the_cpu_model_is_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nvendor_id\t: GenuineIntel\n"
                       "model name\t: Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz\n")
    assert e.cpu_model(cpuinfo) == "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
    cpuinfo.write_text("processor\t: 0\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n")
    assert e.cpu_model(cpuinfo) == "Raspberry Pi 4 Model B Rev 1.4"


def test_without_cpuinfo_the_platform_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(e.platform, "system", lambda: "Linux")
    monkeypatch.setattr(e.platform, "processor", lambda: "x86_64")
    assert e.cpu_model(tmp_path / "missing") == "x86_64"
    monkeypatch.setattr(e.platform, "processor", lambda: "")
    assert e.cpu_model(tmp_path / "missing") == "unknown"


def test_the_blas_is_numpy_s_own():
    found = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    assert e.blas() == {"name": found["name"], "version": found["version"]}


def test_no_loaded_library_list_gives_no_core(tmp_path):
    assert e.openblas_core_and_threads(tmp_path / "missing") == (None, None)
    (tmp_path / "maps").write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/libm.so.6\n")
    assert e.openblas_core_and_threads(tmp_path / "maps") == (None, None)


def test_a_record_holds_the_cpu_the_blas_and_the_threads():
    code = ("import json; from nielsen_net.experiments.environment import environment; "
            "print(json.dumps(environment()))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=os.environ | {"OPENBLAS_NUM_THREADS": "1"})
    env = json.loads(done.stdout)
    assert env["cpu"] and env["cpu"] != "unknown"
    assert env["blas"]["name"] != "unknown" and env["blas"]["version"] != "unknown"
    assert env["threads"]["cores"] == os.cpu_count() >= env["threads"]["usable"] >= 1
    assert env["threads"]["OPENBLAS_NUM_THREADS"] == "1"
    assert env["simd"] == [*np.show_config(mode="dicts")["SIMD Extensions"]["baseline"],
                           *np.show_config(mode="dicts")["SIMD Extensions"]["found"]]
    assert env["blas"]["threads"] == 1
    if "openblas" in env["blas"]["name"]:  # numpy's wheels: the core it runs on
        assert env["blas"]["core"]


def test_the_blas_threads_are_the_training_s(monkeypatch):
    """A sweep sets the variable for its workers after numpy loaded: they count, not the
    library's own count in the process that records them."""
    for var in BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    assert e._training_threads(2) == 2
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert e._training_threads(2) == 1
