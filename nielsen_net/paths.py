"""Where the project keeps things: the one place that names its folders.

Every path is absolute, under the project root (the folder holding this package), so nothing
depends on where a command runs. Left out: creating folders (the writers do that).
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data" / "mnist"       # load_mnist's default MNIST folder
RESULTS = PROJECT_ROOT / "results"               # committed records, figures and the report
SCRATCH = PROJECT_ROOT / "scratch"               # anything a user runs that is not committed
SWEEPS = PROJECT_ROOT / "scripts" / "sweeps"     # the sweep files, one TOML per study
CONFIGS = PROJECT_ROOT / "scripts" / "configs"   # the use cases' TOML files
