"""Speed of the grading pipeline: autograde a class of 30 submissions of one assignment.

Run:  python benchmarks/bench_autograde.py [--assignment 02_endplate_safety] [--students 30]
                                           [--no-compare]

Copies ``assignments/`` into a temporary directory (exchange included), generates the assignment,
files one complete submission per student (for the mystery-patient assignment each with the
student's own id), runs ``nbgrader autograde`` once for the whole class in the grading sandbox
and prints the time; then (unless ``--no-compare``) grades the same class again with the sandbox
switched off (``MGMODEL_GRADING_SANDBOX=off``; the hidden checks still run outside the kernel)
and prints the sandbox's overhead per submission. Target (issue 12): 30 sandboxed submissions in
at most 3 minutes. Nothing is asserted, but the script checks that every student got full marks
on the auto-graded parts, so a fast run of a broken pipeline does not pass for a result.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))
TARGET_S = 180.0


def _answered(release_nb, source_nb, student):
    """The released notebook with the instructor's answers typed in by ``student``."""
    solutions = {c.id: c.source for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        if cell.id in solutions:
            lines = [line for line in solutions[cell.id].splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line]
            cell.source = "\n".join(lines)
            if cell.id == "student_id":
                cell.source = f'STUDENT_ID = "{student}"'
    return nb


def _short_of_full_marks(root, a, students):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="mgmodel") as gb:
        short = []
        for s in students:
            grades = gb.find_submission_notebook(a, a, s).grades
            auto = [g for g in grades if g.cell_type == "code"]
            if sum(g.auto_score or 0 for g in auto) != sum(g.max_score for g in auto):
                short.append(s)
    return short


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02_endplate_safety")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--no-compare", action="store_true", help="skip the run without the sandbox")
    args = parser.parse_args(argv)
    a = args.assignment

    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", ".nbgrader.log",
            "grading_store", "__pycache__", ".ipynb_checkpoints"))
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        env = dict(os.environ, NBGRADER_EXCHANGE=str(Path(tmp) / "exchange"), PATH=path, MPLBACKEND="Agg")
        env.pop("MGMODEL_GRADING_SANDBOX", None)

        def nbgrader(*cmd, extra_env=None):
            t0 = time.perf_counter()
            proc = subprocess.run([NBGRADER, *cmd], cwd=root, env={**env, **(extra_env or {})},
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"nbgrader {' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
            return time.perf_counter() - t0

        t_generate = nbgrader("generate_assignment", a)
        source = nbformat.read(str(root / "source" / a / f"{a}.ipynb"), as_version=4)
        release = nbformat.read(str(root / "release" / a / f"{a}.ipynb"), as_version=4)
        students = [f"student{i:02d}" for i in range(1, args.students + 1)]
        for s in students:
            dest = root / "submitted" / s / a
            dest.mkdir(parents=True)
            nbformat.write(_answered(release, source, s), str(dest / f"{a}.ipynb"))

        t_autograde = nbgrader("autograde", a)
        short = _short_of_full_marks(root, a, students)
        t_plain = None
        if not args.no_compare:
            t_plain = nbgrader("autograde", a, "--force", extra_env={"MGMODEL_GRADING_SANDBOX": "off"})
            short += [s for s in _short_of_full_marks(root, a, students) if s not in short]

    per = t_autograde / len(students)
    print(f"assignment            {a}")
    print(f"generate_assignment   {t_generate:7.1f} s   (references included)")
    print(f"autograde, {len(students)} students {t_autograde:7.1f} s   ({per:.2f} s per submission, sandboxed)")
    if t_plain is not None:
        print(f"  without the sandbox {t_plain:7.1f} s   ({t_plain / len(students):.2f} s per submission)")
        print(f"  sandbox overhead    {(t_autograde - t_plain) / len(students):+7.2f} s per submission")
    print(f"target                {TARGET_S:7.1f} s   -> {'met' if t_autograde <= TARGET_S else 'MISSED'}")
    print(f"full marks            {len(students) - len(short)}/{len(students)}"
          + (f"   (short: {', '.join(short)})" if short else ""))
    return 0 if not short else 1


if __name__ == "__main__":
    sys.exit(main())
