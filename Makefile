# nielsen_net: every target sets itself up (the venv) first. `make` alone lists them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
SWEEP  ?= activation_init
SWEEPS := activation_init book dead_relu vanishing_gradients fast98

.DEFAULT_GOAL := help
.PHONY: help install test smoke toy data baseline bench sweep book activation_init dead_relu vanishing_gradients \
	fast98 verify regression anomaly one_class plots report reproduce clean

help:  ## list the targets
	@grep -E '^[a-z0-9_ ]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv and install requirements.txt and the package (editable)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

test: $(STAMP)  ## run the test suite (offline; real-MNIST tests need MNIST_DIR or data/mnist)
	$(PY) -m pytest -q

smoke: data  ## tiny end-to-end pipeline (sweeps, plots, report) into scratch/; fails below the bar
	$(PY) scripts/smoke.py

toy: $(STAMP)  ## the "11 lines" toy problems: no hidden layer vs one hidden layer on XOR-like data
	$(PY) scripts/toy.py

data: $(STAMP)  ## download and verify MNIST into data/mnist (or only verify the folder MNIST_DIR names)
	$(PY) scripts/download_mnist.py

baseline: data  ## the book's average-darkness baseline -> results/baseline_darkness.json
	$(PY) scripts/baseline_darkness.py

bench: data  ## time epochs against the per-example reference (and PyTorch if installed) -> results/bench.json
	$(PY) scripts/bench.py

sweep: data  ## run one sweep: make sweep SWEEP=name [JOBS=n]
	$(PY) scripts/sweep.py $(SWEEP) --jobs $(JOBS)

book: data  ## reproduce every fully connected MNIST result of the book (sweep "book")
	$(PY) scripts/sweep.py book --jobs $(JOBS)

activation_init dead_relu vanishing_gradients fast98: data  ## run that sweep (same as make sweep SWEEP=<name>)
	$(PY) scripts/sweep.py $@ --jobs $(JOBS)

verify: data  ## re-run a few finished runs of a sweep and compare bit for bit: make verify SWEEP=book
	$(PY) scripts/rerun_check.py $(SWEEP) --runs 3

regression: $(STAMP)  ## regression use case: identity output on data made here -> results/regression/
	$(PY) scripts/regression.py

anomaly: data  ## anomaly detection: an autoencoder that never saw a 9 -> results/anomaly/
	$(PY) scripts/anomaly.py

one_class: data  ## one-class MNIST: per digit, autoencoder vs PCA vs mean image -> results/anomaly/one_class.json
	OPENBLAS_NUM_THREADS=1 $(PY) scripts/one_class.py --jobs $(JOBS)

plots: $(STAMP)  ## draw every plot in results/ from the run JSON files (never trains)
	$(PY) scripts/plots.py

report: $(STAMP)  ## write results/README.md from the run JSON files
	$(PY) scripts/report.py

reproduce: data baseline  ## the main job: data, every sweep and use case, plots and report
	for sweep in $(SWEEPS); do $(PY) scripts/sweep.py $$sweep --jobs $(JOBS) || exit 1; done
	$(MAKE) regression anomaly plots report

clean:  ## remove the venv and scratch output (keeps data/ and results/)
	rm -rf $(VENV) scratch .pytest_cache
