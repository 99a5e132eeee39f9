"""The library's layering: each subpackage imports only the stages below it.

The stages, bottom up: nn and data; experiments; analysis; then the uses of them: one_class
(which may use analysis), bench (which does not) and report (which formats everything,
one_class's records included). paths, files and threads sit under all of them and import
nothing of the package. Each subpackage is imported whole, every module of it, in a fresh
process, and the nielsen_net modules that loaded must belong to it, to the bottom or to a stage
below. (`import nielsen_net` itself loads nn and data, for `Network` and `load_mnist`.)
"""

import ast
import json
import subprocess
import sys

import pytest

from helpers import ROOT

PACKAGE = ROOT / "nielsen_net"
BOTTOM = {"paths", "files", "threads"}
BELOW = {  # subpackage: the subpackages it may import
    "nn": {"data"},  # nn and data are one stage: `import nielsen_net` loads both
    "data": {"nn"},
    "experiments": {"nn", "data"},
    "analysis": {"nn", "data", "experiments"},
    "one_class": {"nn", "data", "experiments", "analysis"},
    "bench": {"nn", "data", "experiments"},
    "report": {"nn", "data", "experiments", "analysis", "one_class"},
}
LOADED = """
import importlib, json, pkgutil, sys
package = importlib.import_module("nielsen_net.{name}")
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
print(json.dumps(sorted(m for m in sys.modules if m.startswith("nielsen_net."))))
"""


def test_every_subpackage_has_a_place_in_the_layering():
    found = {p.name for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert found == set(BELOW)
    assert {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"} == BOTTOM


@pytest.mark.parametrize("name", sorted(BELOW))
def test_a_subpackage_imports_no_module_of_a_higher_stage(name):
    done = subprocess.run([sys.executable, "-c", LOADED.format(name=name)], capture_output=True,
                          text=True, check=True)
    modules = json.loads(done.stdout)
    higher = [m for m in modules if m.split(".")[1] not in BOTTOM | BELOW[name] | {name}]
    assert higher == [], f"nielsen_net.{name} pulls in {higher}"


@pytest.mark.parametrize("name", sorted(BOTTOM))
def test_the_bottom_modules_import_nothing_of_the_package(name):
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert not [node for node in imports if isinstance(node, ast.ImportFrom) and node.level]
    names = [alias.name for node in imports for alias in node.names] + [
        node.module for node in imports if isinstance(node, ast.ImportFrom) and node.module]
    assert not [n for n in names if n.startswith("nielsen_net")]
