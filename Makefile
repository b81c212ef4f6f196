# Each target does its own set-up on a fresh machine: it creates .venv if missing and installs
# the package with the course and test extras (re-installing only when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

LAB_DIR  ?= course
LAB_ARGS ?=
# Jupyter refuses to serve as root unless told; a container or a fresh VM often runs as root
ROOT_ARGS := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab clinic test bench clean grading-sandbox
.PHONY: student site nb-generate nb-release nb-collect nb-autograde nb-feedback nb-export \
        nb-fetch nb-submit nb-fetch-feedback

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[course,test,site]"
	touch $(STAMP)

# JupyterLab on the course, opening at lesson 00 (LAB_DIR and LAB_ARGS let tests start a server
# on a random port with a token through this same entry point)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) $(if $(filter course,$(LAB_DIR)),--LabApp.default_url=/lab/tree/00_welcome.ipynb) $(ROOT_ARGS) $(LAB_ARGS)

# the capstone clinic as a standalone app (instructor dashboard mode) with Voila
clinic: $(STAMP)
	$(BIN)/voila course/09_capstone_clinic.ipynb --VoilaConfiguration.extension_denylist=@jupyter/nbgrader --VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension $(LAB_ARGS)

test: $(STAMP) grading-sandbox
	MPLBACKEND=Agg $(BIN)/python -m pytest

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; MPLBACKEND=Agg $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache _build dist

# The grading sandbox of the homework (assignments/README.md, "The grading sandbox"): Debian's
# bubblewrap and an unprivileged system user for students' kernels. Idempotent; the set-up needs
# root, as anyone else it only checks that the sandbox works (and fails, saying why, if not).
GRADER_USER := mgmodel-grader
grading-sandbox: $(STAMP)
	@if [ "$$(id -u)" = 0 ]; then \
	    command -v bwrap >/dev/null 2>&1 || { apt-get update && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bubblewrap; }; \
	    getent passwd $(GRADER_USER) >/dev/null || useradd --system --no-create-home \
	        --home-dir /nonexistent --shell /usr/sbin/nologin $(GRADER_USER); \
	fi
	cd assignments && "$(abspath $(BIN))/python" -m grading sandbox

# --- the student edition and the course website -------------------------------------------------
# dist/student/: the lessons, the released assignments, the wheel and a README for learners
student: $(STAMP)
	$(BIN)/python tools/build_student.py

# _build/site/: the course website (Jupyter Book 1), every lesson executed; MathJax, require.js
# and the widget manager come from npm (into _build/npm on first use). MPLBACKEND stays unset:
# with Agg the lessons' figures would not reach the pages.
site: $(STAMP)
	env -u MPLBACKEND $(BIN)/python tools/build_site.py

# --- instructor commands (nbgrader), no activation needed -----------------------------------------
# nbgrader starts helpers of its own (alembic, jupyter) from PATH: these targets put the venv's
# scripts first on PATH and run nbgrader from the course root, where it reads nbgrader_config.py.
#   make nb-generate A=02_endplate_safety      (A: an assignment in assignments/source/)
# COURSE picks another course root (tests use a temporary copy); NB_ARGS passes extra flags.
A        ?=
COURSE   ?= assignments
NB_ARGS  ?=
NBGRADER  = cd "$(COURSE)" && PATH="$(abspath $(BIN)):$$PATH" "$(abspath $(BIN))/nbgrader"
need_a    = $(if $(A),,$(error name the assignment: make $@ A=<name>, one of: $(notdir $(wildcard $(COURSE)/source/*))))

nb-generate: $(STAMP)
	$(need_a)$(NBGRADER) generate_assignment "$(A)" --force $(NB_ARGS)
nb-release: $(STAMP)
	$(need_a)$(NBGRADER) release_assignment "$(A)" --force $(NB_ARGS)
nb-collect: $(STAMP)
	$(need_a)$(NBGRADER) collect "$(A)" --update $(NB_ARGS)
nb-autograde: $(STAMP) grading-sandbox
	$(need_a)$(NBGRADER) autograde "$(A)" $(NB_ARGS)
nb-feedback: $(STAMP)
	$(need_a)$(NBGRADER) generate_feedback "$(A)" $(NB_ARGS)
	$(NBGRADER) release_feedback "$(A)" $(NB_ARGS)
nb-export: $(STAMP)
	$(NBGRADER) export --to grades.csv $(NB_ARGS)

# the student side, to try a whole cycle on one machine (on a hub, students use the Assignments
# tab): fetch, submit and fetch feedback in STUDENT_DIR, through the same exchange
STUDENT_DIR ?= $(HOME)/mgmodel-student
STUDENT_NB   = mkdir -p "$(STUDENT_DIR)" && cd "$(STUDENT_DIR)" && PATH="$(abspath $(BIN)):$$PATH" \
               "$(abspath $(BIN))/nbgrader"
EXCHANGE_ARGS = --course=mgmodel --Exchange.root="$${NBGRADER_EXCHANGE:-/srv/nbgrader/exchange}"

nb-fetch: $(STAMP)
	$(need_a)$(STUDENT_NB) fetch_assignment "$(A)" $(EXCHANGE_ARGS) $(NB_ARGS)
nb-submit: $(STAMP)
	$(need_a)$(STUDENT_NB) submit "$(A)" $(EXCHANGE_ARGS) $(NB_ARGS)
nb-fetch-feedback: $(STAMP)
	$(need_a)$(STUDENT_NB) fetch_feedback "$(A)" $(EXCHANGE_ARGS) $(NB_ARGS)
