"""Build the student edition into ``dist/student/`` (``make student``).

A learner who clones the repository gets every solution, hidden test and instructor note; the
student edition holds only what a learner needs:

- ``course/``: the lessons (committed without outputs);
- ``assignments/<name>/``: each assignment as nbgrader *releases* it (``generate_assignment``, run
  in a temporary copy of the course root): no solutions, no hidden tests, none of the instructor's
  files (``instructor_notes/``, ``hidden_checks/``, the gradebook, the grading references);
- ``mgmodel-<version>-py3-none-any.whl``: the package, built from a clean copy of the checkout;
- ``docs/*.md`` except ``docs/instructor/`` (the exam bank and teaching notes stay out),
  ``REFERENCES.md``, ``LICENSE``, ``LICENSE-content`` and a short README for learners
  (``tools/student_README.md``).

Before it finishes, the build checks every file it wrote for the markers of instructor material
(:data:`FORBIDDEN`) and fails if one is there.

Usage: ``python tools/build_student.py [--out DIR]`` (``make student`` runs it with the venv's
Python, which has nbgrader and ``build``).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
# text that only instructor material contains (nbgrader's markers of solutions and hidden tests)
FORBIDDEN = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "### BEGIN")
# what never goes into a copy of the checkout that a build starts from
NOT_SOURCE = (".git", ".venv", "_build", "dist", "build", "node_modules", "test-artifacts",
              "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints")
# generated folders of a course root (student work, the gradebook)
COURSE_GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db",
                    ".nbgrader.log", "grading_store", "__pycache__", ".ipynb_checkpoints")


def released_assignments(tmp: pathlib.Path) -> pathlib.Path:
    """Run nbgrader's generate_assignment for every assignment in a temporary course root."""
    course = tmp / "assignments"
    # without hidden_checks/ the course's generate hook computes no grading references (minutes
    # of model runs that a release does not need; they stay with the instructor)
    shutil.copytree(ROOT / "assignments", course,
                    ignore=shutil.ignore_patterns(*COURSE_GENERATED, "hidden_checks", "instructor_notes"))
    bindir = pathlib.Path(sys.executable).parent
    env = dict(os.environ, NBGRADER_EXCHANGE=str(tmp / "exchange"),
               PATH=os.pathsep.join([str(bindir), os.environ.get("PATH", "")]))
    nbgrader = bindir / "nbgrader"
    for src in sorted((course / "source").iterdir()):
        if not src.is_dir():
            continue
        proc = subprocess.run([str(nbgrader), "generate_assignment", src.name, "--force"], cwd=course,
                              env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            sys.exit(f"nbgrader generate_assignment {src.name} failed:\n{proc.stdout}\n{proc.stderr}")
    return course / "release"


def wheel(tmp: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(src)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        sys.exit(f"building the wheel failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return next(out.glob("mgmodel-*.whl"))


def check(out: pathlib.Path) -> None:
    """Fail if any file of the edition holds instructor material."""
    for p in sorted(out.rglob("*")):
        if p.is_dir() and p.name in ("instructor", "instructor_notes", "hidden_checks", "source"):
            sys.exit(f"instructor folder in the student edition: {p}")
        if p.is_file() and p.suffix in (".ipynb", ".md", ".py", ".txt", ".csv", ".json"):
            text = p.read_text(errors="replace")
            for marker in FORBIDDEN:
                if marker in text:
                    sys.exit(f"{p} holds instructor material ({marker!r})")


def build(out: pathlib.Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(ROOT / "course", out / "course",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    with tempfile.TemporaryDirectory(prefix="mgmodel-student-") as tmp:
        tmp = pathlib.Path(tmp)
        release = released_assignments(tmp)
        shutil.copytree(release, out / "assignments",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        whl = wheel(tmp, out)
    docs = sorted((ROOT / "docs").glob("*.md"))
    if docs:
        (out / "docs").mkdir()
        for p in docs:
            shutil.copy(p, out / "docs" / p.name)
    for name in ("REFERENCES.md", "LICENSE", "LICENSE-content"):
        shutil.copy(ROOT / name, out / name)
    shutil.copy(ROOT / "tools" / "student_README.md", out / "README.md")
    check(out)
    n_lessons = len(list((out / "course").glob("*.ipynb")))
    n_assignments = len([p for p in (out / "assignments").iterdir() if p.is_dir()])
    print(f"student edition: {n_lessons} lessons, {n_assignments} released assignments, "
          f"{whl.name}, {len(docs)} docs pages -> {out}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "dist" / "student")
    args = ap.parse_args(argv)
    build(args.out.resolve())


if __name__ == "__main__":
    main()
