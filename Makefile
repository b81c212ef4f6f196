# Each target does its own set-up on a fresh machine: it creates .venv if missing and installs
# the package with the course and test extras (re-installing only when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

LAB_DIR  ?= course
LAB_ARGS ?=

.PHONY: lab clinic test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[course,test]"
	touch $(STAMP)

# JupyterLab on the course, opening at lesson 00 (LAB_DIR and LAB_ARGS let tests start a server
# on a random port with a token through this same entry point)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) $(if $(filter course,$(LAB_DIR)),--LabApp.default_url=/lab/tree/00_welcome.ipynb) $(LAB_ARGS)

# the capstone clinic as a standalone app (instructor dashboard mode) with Voila
clinic: $(STAMP)
	$(BIN)/voila course/09_capstone_clinic.ipynb --VoilaConfiguration.extension_denylist=@jupyter/nbgrader --VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension $(LAB_ARGS)

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; MPLBACKEND=Agg $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
