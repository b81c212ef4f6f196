"""The README's instructor commands run as written, without activating the venv.

The test reads the command block of the README's section "The homework, command by command" and
runs its ``make`` lines in order, in a temporary copy of the course root (``COURSE=``) with the
exchange in the temporary directory, and with a ``PATH`` that does not hold the venv (as on a
fresh machine where nobody ran ``source .venv/bin/activate``: nbgrader needs ``alembic`` and
``jupyter`` from PATH, which the make targets provide). Where the block says what the students
do, one student fetches the release (``make nb-fetch``), answers it with the instructor's
solutions, and submits it (``make nb-submit``); after the feedback is released the student
fetches it (``make nb-fetch-feedback``). The whole cycle: generate, release, fetch, submit,
collect, autograde, feedback, export.
"""

from __future__ import annotations

import csv
import os
import pathlib
import re
import shlex
import shutil
import subprocess

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SECTION = "### The homework, command by command"
COURSE_GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db",
                    ".nbgrader.log", "grading_store", "__pycache__", ".ipynb_checkpoints")

pytestmark = pytest.mark.slow


def readme_block() -> list[str]:
    text = (ROOT / "README.md").read_text()
    assert SECTION in text, f"README.md lacks the section {SECTION!r}"
    after = text.split(SECTION, 1)[1]
    block = re.search(r"```bash\n(.*?)```", after, re.S)
    assert block, "no ```bash block in the README's instructor section"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_block_covers_the_whole_cycle():
    commands = [line.split("#")[0].split() for line in readme_block() if line.startswith("make ")]
    targets = [c[1] for c in commands]
    for needed in ("nb-generate", "nb-release", "nb-collect", "nb-autograde", "nb-feedback",
                   "nb-export"):
        assert needed in targets, f"the README's instructor block lacks make {needed}"
    assert targets.index("nb-generate") < targets.index("nb-release") < targets.index("nb-collect") \
        < targets.index("nb-autograde") < targets.index("nb-feedback") < targets.index("nb-export")
    assert any("students" in line for line in readme_block() if line.startswith("#"))


def _answered(fetched: nbformat.NotebookNode, source: nbformat.NotebookNode):
    """The fetched notebook with every solution cell taken from the instructor's source."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in fetched.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            lines = solutions[gid].source.splitlines()
            cell.source = "\n".join(l for l in lines if "BEGIN SOLUTION" not in l
                                    and "END SOLUTION" not in l)
    return fetched


def test_instructor_commands_from_the_readme(tmp_path):
    course = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(*COURSE_GENERATED))
    exchange, student = tmp_path / "exchange", tmp_path / "student"
    exchange.mkdir()
    venv_bin = str(ROOT / ".venv" / "bin")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and pathlib.Path(p).resolve() != pathlib.Path(venv_bin).resolve())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=path, NBGRADER_EXCHANGE=str(exchange), MPLBACKEND="Agg")
    assert shutil.which("alembic", path=path) is None or "/.venv/" not in shutil.which(
        "alembic", path=path)
    # the venv is set up already (make test did it); -o keeps make from reinstalling it
    extra = ["-o", ".venv/.installed", f"COURSE={course}", f"STUDENT_DIR={student}"]

    def make(args, what):
        proc = subprocess.run(["make", "-s", *args, *extra], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, f"{what} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        return proc

    assignment = None
    for line in readme_block():
        if line.startswith("#") and "students" in line:
            assert assignment, "the students' step comes before any assignment is named"
            make(["nb-fetch", f"A={assignment}"], "make nb-fetch")
            nb_path = student / assignment / f"{assignment}.ipynb"
            fetched = nbformat.read(str(nb_path), as_version=4)
            assert "BEGIN SOLUTION" not in nbformat.writes(fetched)
            source = nbformat.read(str(course / "source" / assignment / f"{assignment}.ipynb"),
                                   as_version=4)
            nbformat.write(_answered(fetched, source), str(nb_path))
            make(["nb-submit", f"A={assignment}"], "make nb-submit")
            continue
        if not line.startswith("make "):
            continue
        args = shlex.split(line.split("#")[0])[1:]
        for a in args:
            if a.startswith("A="):
                assignment = a[2:]
        make(args, line)
        target = args[0]
        if target == "nb-generate":
            assert (course / "release" / assignment / f"{assignment}.ipynb").exists()
        elif target == "nb-release":
            assert (exchange / "mgmodel" / "outbound" / assignment).is_dir()
        elif target == "nb-collect":
            assert list((course / "submitted").glob(f"*/{assignment}/{assignment}.ipynb"))
        elif target == "nb-autograde":
            assert list((course / "autograded").glob(f"*/{assignment}/{assignment}.ipynb"))
        elif target == "nb-feedback":
            html = list((course / "feedback").glob(f"*/{assignment}/*.html"))
            assert html and "BEGIN HIDDEN TESTS" not in html[0].read_text()
            make(["nb-fetch-feedback", f"A={assignment}"], "make nb-fetch-feedback")
            assert list((student / assignment / "feedback").glob("*/*.html")), \
                "the student could not fetch the feedback"

    rows = list(csv.DictReader(open(course / "grades.csv")))
    mine = [r for r in rows if r["assignment"] == assignment]
    assert len(mine) == 1, rows
    assert float(mine[0]["raw_score"]) > 0, mine[0]
