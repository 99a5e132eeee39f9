# nielsen_net: every target sets itself up (the venv) first. `make` alone lists them.
# The one Python version rule is pyproject.toml's requires-python ("==3.11.*"): read from there.
comma := ,
PY_VERSION := $(shell sed -n 's/^requires-python = "==\([0-9]*\.[0-9]*\)\.\*"$$/\1/p' pyproject.toml)
PYTHON ?= $(shell command -v python$(PY_VERSION) || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
IS_PY := import sys; sys.exit(sys.version_info[:2] != ($(subst .,$(comma) ,$(PY_VERSION))))
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
SWEEP  ?= activation_init
SWEEPS := $(basename $(notdir $(wildcard scripts/sweeps/*.toml)))  # every sweep file
# make slurm: array tasks, and what each task asks of Slurm (empty PARTITION: the default one);
# RESULTS and ARGS (more scripts/sweep.py options) let it run e.g. a quick version elsewhere
TASKS     ?= 4
RESULTS   ?= results
ARGS      ?=
PARTITION ?=
TIME      ?= 04:00:00
CPUS      ?= 2

.DEFAULT_GOAL := help
.PHONY: help install extras lint test smoke toy data baseline svm bench sweep book conv activation_init dead_relu eta_horizon vanishing_gradients \
	fast98 verify more_data regression anomaly one_class inspect plots report migrate reproduce slurm \
	slurm-check clean

help:  ## list the targets
	@grep -E '^[a-z0-9_ -]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv and install requirements.txt and the package (editable)

# A .venv without a working Python 3.11 (missing, broken, or made by another Python) is rebuilt.
ifneq ($(shell $(PY) -c '$(IS_PY)' 2>/dev/null && echo ok),ok)
.PHONY: $(STAMP)
endif

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c '$(IS_PY)' 2>/dev/null || { echo "error: nielsen_net needs Python $(PY_VERSION);" \
	  "PYTHON=$(PYTHON) is $$($(PYTHON) --version 2>&1 || echo missing)." \
	  "Install $(PY_VERSION), or run: make $(MAKECMDGOALS) PYTHON=/path/to/python$(PY_VERSION)" >&2; \
	  exit 1; }
	@$(PY) -c '$(IS_PY)' 2>/dev/null || { test ! -e $(VENV) || \
	  { echo "$(VENV) has no working Python $(PY_VERSION): building it afresh"; rm -rf $(VENV); }; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

extras: $(STAMP)  ## install the optional tools of requirements-extras.txt (ruff, scikit-learn)
	$(PY) -m pip install --quiet -r requirements-extras.txt

lint: $(STAMP)  ## ruff over the code (pyproject.toml [tool.ruff]); says how to get it if absent
	@if $(PY) -m ruff --version >/dev/null 2>&1; then $(PY) -m ruff check .; \
	else echo "lint skipped: ruff is not installed (make extras installs it)"; fi

test: lint  ## lint, then the test suite (offline; real-MNIST tests need MNIST_DIR or data/mnist)
	$(PY) -m pytest -q

smoke: data  ## tiny end-to-end pipeline (sweeps, plots, report) into scratch/; fails below the bar
	$(PY) scripts/smoke.py

toy: $(STAMP)  ## the "11 lines" toy problems: no hidden layer vs one hidden layer on XOR-like data
	$(PY) scripts/toy.py

data: $(STAMP)  ## download and verify MNIST into data/mnist (or only verify the folder MNIST_DIR names)
	$(PY) scripts/download_mnist.py

baseline: data  ## the book's average-darkness baseline -> results/baseline_darkness.json
	$(PY) scripts/baseline_darkness.py

svm: data  ## the book's SVM baseline (scikit-learn's SVC; skipped without it: make extras) -> results/baseline_svm.json
	$(PY) scripts/baseline_svm.py

bench: data  ## time epochs against a hand-fused loop, the per-example reference and PyTorch (if installed), and the chapter 6 conv nets -> results/bench.json
	$(PY) scripts/bench.py

sweep: data  ## run one sweep: make sweep SWEEP=name [JOBS=n]
	$(PY) scripts/sweep.py $(SWEEP) --jobs $(JOBS)

book: data  ## reproduce every fully connected MNIST result of the book (sweep "book")
	$(PY) scripts/sweep.py book --jobs $(JOBS)

conv: data  ## chapter 6's conv ladder (sweep "conv": hours on 2 cores, resumes from epoch checkpoints), then the dropout nets' vote
	$(PY) scripts/sweep.py conv --jobs $(JOBS)
	$(PY) scripts/ensemble.py

activation_init eta_horizon dead_relu vanishing_gradients fast98: data  ## run that sweep (same as make sweep SWEEP=<name>)
	$(PY) scripts/sweep.py $@ --jobs $(JOBS)

verify: data  ## re-run a few finished runs of a sweep: bit for bit on the record's CPU, BLAS and threads, else statistically: make verify SWEEP=book
	$(PY) scripts/rerun_check.py $(SWEEP) --runs 3

more_data: data  ## chapter 3's more-data figure: our net at 9 training-set sizes x 5 seeds beside the SVM (scikit-learn if installed), validation only -> results/more_data/
	$(PY) scripts/more_data.py

regression: $(STAMP)  ## regression use case: identity output on data made here -> results/regression/
	$(PY) scripts/regression.py

anomaly: data  ## anomaly detection: one-class MNIST per digit (autoencoder, PCA, mean image) and the hard case -> results/anomaly/
	$(PY) scripts/anomaly.py
	OPENBLAS_NUM_THREADS=1 $(PY) scripts/one_class.py --jobs $(JOBS)

one_class: data  ## only the one-class part of make anomaly -> results/anomaly/one_class.json
	OPENBLAS_NUM_THREADS=1 $(PY) scripts/one_class.py --jobs $(JOBS)

inspect: data  ## first-layer weights and most confident mistakes of two nets -> results/inspect/
	$(PY) scripts/inspect_nets.py

plots: $(STAMP)  ## draw every plot in results/ from the run JSON files (never trains)
	$(PY) scripts/plots.py

report: $(STAMP)  ## write results/README.md from the run JSON files
	$(PY) scripts/report.py

migrate: $(STAMP)  ## rewrite older records under results/ as strict JSON with a schema version
	$(PY) scripts/migrate_records.py

reproduce: data baseline svm  ## the main job: data, every sweep and use case, plots and report
	for sweep in $(SWEEPS); do $(PY) scripts/sweep.py $$sweep --jobs $(JOBS) || exit 1; done
	$(PY) scripts/ensemble.py
	$(MAKE) more_data regression anomaly inspect plots report

slurm: data  ## submit a sweep as a Slurm job array, then its plots and report: make slurm SWEEP=name TASKS=n
	mkdir -p logs/slurm
	job=$$(sbatch --parsable --array=0-$$(($(TASKS) - 1)) --cpus-per-task=$(CPUS) --time=$(TIME) \
		$(if $(PARTITION),--partition=$(PARTITION)) --chdir=$(CURDIR) \
		--output=logs/slurm/$(SWEEP)-%A_%a.out scripts/slurm/sweep.sbatch $(SWEEP) \
		--results $(RESULTS) $(ARGS)) && \
	sbatch --dependency=afterok:$$job --kill-on-invalid-dep=yes --time=$(TIME) \
		$(if $(PARTITION),--partition=$(PARTITION)) --chdir=$(CURDIR) --job-name=nielsen_net-report \
		--output=logs/slurm/$(SWEEP)-report-%j.out \
		--wrap="$(PY) scripts/plots.py --sweep $(SWEEP) --results $(RESULTS) && \
		        $(PY) scripts/report.py --results $(RESULTS)" && \
	echo "array $$job submitted: squeue --me; logs in logs/slurm/"

slurm-check: $(STAMP)  ## bring up a one-node Slurm here, run a tiny sweep as a 3-task array, compare bit for bit
	$(PY) scripts/slurm/check.py

clean:  ## remove the venv, scratch output and build metadata (keeps data/ and results/)
	rm -rf $(VENV) scratch .pytest_cache *.egg-info
