"""Shared helpers of the grading tests: a temporary copy of the course, submissions, scores.

Not a test module. ``test_grading_pipeline.py`` and ``test_grading_attacks.py`` build their
classes with these helpers and run the real ``nbgrader`` CLI from the copy's root, where it
reads the course's own ``nbgrader_config.py`` (the sandbox and the hidden checks included).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db", ".nbgrader.log",
             "grading_store")
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))


def read(path):
    return nbformat.read(str(path), as_version=4)


def strip_markers(src):
    return "\n".join(line for line in src.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def answer_ids(nb, cell_types=("code", "markdown")):
    return [c.id for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
            and c.cell_type in cell_types]


def answered(release_nb, source_nb, ids=None):
    """The released notebook with the instructor's answers (all, or the cells in ``ids``)."""
    nb = nbformat.from_dict(release_nb)
    src = {c.id: c for c in source_nb.cells}
    ids = set(answer_ids(source_nb) if ids is None else ids)
    for cell in nb.cells:
        if cell.id in ids:
            cell.source = strip_markers(src[cell.id].source)
    return nb


def replace(nb, cell_id, old, new):
    cell = next(c for c in nb.cells if c.id == cell_id)
    assert old in cell.source, (cell_id, old)
    cell.source = cell.source.replace(old, new)
    return nb


def set_source(nb, cell_id, source):
    next(c for c in nb.cells if c.id == cell_id).source = source
    return nb


def add_cell(nb, source, after=None):
    """Add a student's own code cell (after the cell ``after``, or at the end)."""
    cell = nbformat.v4.new_code_cell(source)
    index = len(nb.cells) if after is None else [c.id for c in nb.cells].index(after) + 1
    nb.cells.insert(index, cell)
    return nb


def submit(course_root, student, assignment, nb_or_text, name=None, extra_files=None):
    dest = course_root / "submitted" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / (name or f"{assignment}.ipynb")
    if isinstance(nb_or_text, str):
        path.write_text(nb_or_text)
    else:
        nbformat.write(nb_or_text, str(path))
    for rel, text in (extra_files or {}).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text)


def grade_cells(nb):
    out = {}
    for c in nb.cells:
        m = c.metadata.get("nbgrader", {})
        if m.get("grade"):
            out[m["grade_id"]] = (c.cell_type, float(m["points"]))
    return out


def auto_max(assignment):
    cells = grade_cells(read(COURSE / "source" / assignment / f"{assignment}.ipynb"))
    return sum(p for t, p in cells.values() if t == "code")


@dataclass
class Course:
    root: Path
    exchange: Path
    env: dict
    logs: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @classmethod
    def copy(cls, base: Path) -> "Course":
        root, exchange = base / "course", base / "exchange"
        shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(*GENERATED, "__pycache__",
                                                                   ".ipynb_checkpoints"))
        exchange.mkdir()
        # nbgrader runs helpers (alembic, jupyter) from PATH: put this interpreter's scripts first
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        env = dict(os.environ, NBGRADER_EXCHANGE=str(exchange), MPLBACKEND="Agg", PATH=path)
        for var in ("NBGRADER_CELL_TIMEOUT", "MGMODEL_GRADING_SANDBOX"):
            env.pop(var, None)
        return cls(root, exchange, env)

    def run(self, key, *args, cwd=None, check=True, timeout=900):
        start = time.perf_counter()
        proc = subprocess.run([NBGRADER, *args], cwd=cwd or self.root, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        self.timings[key] = time.perf_counter() - start
        self.logs[key] = proc
        if check:
            assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
        return proc

    def grading(self, key, *args):
        """``python -m grading ...`` from the course root (the instructor's commands)."""
        proc = subprocess.run([sys.executable, "-m", "grading", *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=600)
        self.logs[key] = proc
        return proc

    def grades(self, assignment, student):
        """{grade_id: (auto_score, manual_score, max_score, needs_manual_grade)}"""
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", course_id="mgmodel") as gb:
            sub = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.auto_score, g.manual_score, g.max_score, g.needs_manual_grade)
                    for g in sub.grades}

    def auto_score(self, assignment, student):
        return sum(a or 0.0 for name, (a, _, _, _) in self.grades(assignment, student).items()
                   if name.endswith("_tests"))

    def autograded(self, assignment, student):
        return read(self.root / "autograded" / student / assignment / f"{assignment}.ipynb")
