"""The real nbgrader pipeline, run on a copy of the course in ``assignments/``.

One module-scoped fixture does the expensive work once, the way an instructor would: it copies the
course into a temporary directory (with the exchange inside it), generates every assignment,
releases assignment 1 through the exchange and lets one student fetch and submit it, puts a small
class of hand-made submissions into ``submitted/``, autogrades each assignment in one call,
autogrades an infinite loop with a short timeout, generates feedback and exports the grades. The
tests then only read what the pipeline produced.

The class of assignment 1 (every kind of submission an instructor meets):

=========== ==================================================================================
instructor  the source notebook itself, solutions and hidden tests included
dana        the released notebook, answered, sent through the exchange (fetch, submit, collect)
blank       the released notebook, untouched
half        the first half of the answers
cheat       the same half, with every test cell replaced by ``pass``
wrong       all answers, but ``occupancy`` is subtly wrong (passes the public check only)
deleted     all answers, one test cell deleted
corrupt     not a notebook at all (truncated JSON)
looper      all answers, but one answer cell never finishes (graded in a second call)
=========== ==================================================================================

Assignment 2 (the mystery patient) adds ``erin`` (her own id, all answers), ``fay`` (her own id,
a slip in part 4 carried consistently through parts 5-7) and ``copier`` (the instructor's notebook
handed in under another account); assignments 3 and 4 have ``instructor`` and ``blank``.
"""

from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
A1, A2 = "01_receptor_binding", "02_endplate_safety"
GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db", ".nbgrader.log")
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))
LOOP_TIMEOUT_S = 10  # short, yet far above what any cell of the notebook needs


# --- building submissions from the source and the release ---------------------------------------

def _read(path):
    return nbformat.read(str(path), as_version=4)


def _strip_markers(src):
    return "\n".join(line for line in src.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def _answer_ids(nb, cell_types=("code", "markdown")):
    return [c.id for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
            and c.cell_type in cell_types]


def _answered(release_nb, source_nb, ids=None):
    """The released notebook with the instructor's answers (all, or the cells in ``ids``)."""
    nb = nbformat.from_dict(release_nb)
    src = {c.id: c for c in source_nb.cells}
    ids = set(_answer_ids(source_nb) if ids is None else ids)
    for cell in nb.cells:
        if cell.id in ids:
            cell.source = _strip_markers(src[cell.id].source)
    return nb


def _replace(nb, cell_id, old, new):
    cell = next(c for c in nb.cells if c.id == cell_id)
    assert old in cell.source, (cell_id, old)
    cell.source = cell.source.replace(old, new)
    return nb


def _submit(course_root, student, assignment, nb_or_text):
    dest = course_root / "submitted" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{assignment}.ipynb"
    if isinstance(nb_or_text, str):
        path.write_text(nb_or_text)
    else:
        nbformat.write(nb_or_text, str(path))


def _grade_cells(nb):
    out = {}
    for c in nb.cells:
        m = c.metadata.get("nbgrader", {})
        if m.get("grade"):
            out[m["grade_id"]] = (c.cell_type, float(m["points"]))
    return out


def auto_max(assignment):
    cells = _grade_cells(_read(COURSE / "source" / assignment / f"{assignment}.ipynb"))
    return sum(p for t, p in cells.values() if t == "code")


# --- the pipeline ---------------------------------------------------------------------------------

@dataclass
class Course:
    root: Path
    exchange: Path
    env: dict
    logs: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    def run(self, key, *args, cwd=None, check=True, timeout=600):
        start = time.perf_counter()
        proc = subprocess.run([NBGRADER, *args], cwd=cwd or self.root, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        self.timings[key] = time.perf_counter() - start
        self.logs[key] = proc
        if check:
            assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
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


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("nbgrader")
    root, exchange = base / "course", base / "exchange"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(*GENERATED, "__pycache__",
                                                               ".ipynb_checkpoints"))
    exchange.mkdir()
    # nbgrader runs helpers (alembic, jupyter) from PATH: put this interpreter's scripts first
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = dict(os.environ, NBGRADER_EXCHANGE=str(exchange), MPLBACKEND="Agg", PATH=path)
    env.pop("NBGRADER_CELL_TIMEOUT", None)
    c = Course(root, exchange, env)

    for a in ASSIGNMENTS:
        c.run(f"generate {a}", "generate_assignment", a)

    # one student goes through the exchange: release, fetch, answer, submit, collect
    source1, release1 = (_read(root / d / A1 / f"{A1}.ipynb") for d in ("source", "release"))
    c.run("release", "release_assignment", A1)
    home = base / "home_dana"
    home.mkdir()
    student_flags = ["--course=mgmodel", f"--Exchange.root={exchange}"]
    c.run("fetch", "fetch_assignment", A1, *student_flags, cwd=home)
    fetched = home / A1 / f"{A1}.ipynb"
    nbformat.write(_answered(_read(fetched), source1), str(fetched))
    c.run("submit", "submit", A1, "--student=dana", *student_flags, cwd=home)
    c.run("collect", "collect", A1, "--CollectApp.check_owner=False")

    # the rest of the class of assignment 1
    code_ids = _answer_ids(source1, ("code",))
    half = _answered(release1, source1, code_ids[: len(code_ids) // 2])
    cheat = nbformat.from_dict(half)
    for cell in cheat.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            cell.source = "pass"
    wrong = _replace(_answered(release1, source1), "p1_answer", "(titer + ", "(titer + 2 * ")
    deleted = _answered(release1, source1)
    deleted.cells = [cell for cell in deleted.cells if cell.id != "p2_tests"]
    _submit(root, "instructor", A1, source1)
    _submit(root, "blank", A1, release1)
    _submit(root, "half", A1, half)
    _submit(root, "cheat", A1, cheat)
    _submit(root, "wrong", A1, wrong)
    _submit(root, "deleted", A1, deleted)
    _submit(root, "corrupt", A1, '{"cells": [{"cell_type": "code", "sour')

    # assignment 2: the mystery patient belongs to the account that submits
    source2, release2 = (_read(root / d / A2 / f"{A2}.ipynb") for d in ("source", "release"))
    _submit(root, "instructor", A2, source2)
    _submit(root, "copier", A2, source2)
    _submit(root, "erin", A2, _replace(_answered(release2, source2), "student_id",
                                       '"instructor"', '"erin"'))
    _submit(root, "blank", A2, release2)
    slip = _replace(_answered(release2, source2), "student_id", '"instructor"', '"fay"')
    _submit(root, "fay", A2, _replace(slip, "p4_answer", "patient.rest_mV", "patient.rest_mV + 1.0"))

    for a in ASSIGNMENTS[2:]:
        _submit(root, "instructor", a, _read(root / "source" / a / f"{a}.ipynb"))
        _submit(root, "blank", a, _read(root / "release" / a / f"{a}.ipynb"))

    # one autograde call per assignment (assignment 1 fails for 'corrupt' only, so exit code 1)
    for a in ASSIGNMENTS:
        c.run(f"autograde {a}", "autograde", a, check=(a != A1))

    # an infinite loop, graded on its own with a short per-cell timeout
    looper = _replace(_answered(release1, source1), "p7_answer", "def _mepp_ratio",
                      "while True:\n    pass\n\ndef _mepp_ratio")
    _submit(root, "looper", A1, looper)
    c.run("autograde looper", "autograde", A1, "--student=looper",
          f"--Execute.timeout={LOOP_TIMEOUT_S}")

    # the instructor grades the written answers of one student (as in the formgrader)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="mgmodel") as gb:
        for grade in gb.find_submission_notebook(A1, A1, "instructor").grades:
            if grade.needs_manual_grade:
                grade.manual_score = grade.max_score
        gb.db.commit()

    for a in (A1, A2):
        c.run(f"feedback {a}", "generate_feedback", a)
    c.run("export", "export", f"--to={base / 'grades.csv'}")
    return c


# --- generate and release -------------------------------------------------------------------------

def _hidden_and_solution_lines(nb):
    """Distinctive lines that exist only inside solution and hidden-test regions of ``nb``."""
    secret, public = set(), []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line or "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                inside = False
            elif inside:
                secret.add(line.strip())
            else:
                public.append(line)
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "markdown":
            secret.update(line.strip() for line in cell.source.splitlines())
    text = "\n".join(public)
    return {s for s in secret if len(s) >= 12 and s not in text}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solutions_and_no_hidden_tests(course, assignment):
    assert course.logs[f"generate {assignment}"].returncode == 0
    release = course.root / "release" / assignment
    released = sorted(p for p in release.rglob("*") if p.is_file())
    assert release / f"{assignment}.ipynb" in released
    source_files = {p.relative_to(COURSE / "source" / assignment)
                    for p in (COURSE / "source" / assignment).rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts}
    assert {p.relative_to(release) for p in released} == source_files
    secret = _hidden_and_solution_lines(_read(COURSE / "source" / assignment / f"{assignment}.ipynb"))
    assert len(secret) > 10
    for path in released:
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, (path, marker)
        leaked = [s for s in secret if s in text]
        assert not leaked, f"{path.name} leaks {leaked[:3]}"
    nb = _read(release / f"{assignment}.ipynb")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_release_went_through_the_exchange_in_the_temporary_directory(course):
    outbound = course.exchange / "mgmodel" / "outbound" / A1 / f"{A1}.ipynb"
    assert outbound.read_text() == (course.root / "release" / A1 / f"{A1}.ipynb").read_text()
    assert (course.root / "submitted" / "dana" / A1 / "timestamp.txt").exists()


# --- autograde: scores ------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructor_solution_scores_full_marks(course, assignment):
    grades = course.grades(assignment, "instructor")
    assert course.auto_score(assignment, "instructor") == auto_max(assignment) > 0
    written = {k: v for k, v in grades.items() if k.endswith("_written")}
    assert 1 <= len(written) <= 2
    if assignment != A1:  # A1's written answers were graded by hand in the fixture
        assert all(needs_manual for _, _, _, needs_manual in written.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_scores_zero(course, assignment):
    grades = course.grades(assignment, "blank")
    assert grades and all((auto or 0.0) == 0.0 for auto, _, _, _ in grades.values())
    assert not any(needs_manual for _, _, _, needs_manual in grades.values())
    assert (course.root / "autograded" / "blank" / assignment / f"{assignment}.ipynb").exists()


def test_a_student_answering_through_the_exchange_scores_full_marks(course):
    assert course.auto_score(A1, "dana") == auto_max(A1)


def test_half_done_submission_gets_partial_credit(course):
    score = course.auto_score(A1, "half")
    assert 0 < score < auto_max(A1)
    grades = course.grades(A1, "half")
    assert grades["p1_tests"][0] == grades["p1_tests"][2]
    assert grades["p7_tests"][0] == 0


def test_editing_test_cells_to_pass_earns_nothing(course):
    assert course.auto_score(A1, "cheat") == course.auto_score(A1, "half")
    graded = _read(course.root / "autograded" / "cheat" / A1 / f"{A1}.ipynb")
    tests = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")
             and c.cell_type == "code"]
    assert tests and all(c.source.strip() != "pass" for c in tests)


def test_hidden_tests_catch_an_answer_that_passes_the_public_check(course):
    grades = course.grades(A1, "wrong")
    assert grades["p1_tests"][0] == 0
    assert grades["p3_tests"][0] == grades["p3_tests"][2]
    assert 0 < course.auto_score(A1, "wrong") < auto_max(A1)


def test_deleted_test_cell_is_put_back_reported_and_graded(course):
    log = course.logs[f"autograde {A1}"].stderr
    assert "Missing grade cell p2_tests" in log
    graded = _read(course.root / "autograded" / "deleted" / A1 / f"{A1}.ipynb")
    restored = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "p2_tests"]
    assert len(restored) == 1 and "was missing from the submission" in restored[0].source
    assert course.auto_score(A1, "deleted") == auto_max(A1)


def test_corrupt_notebook_is_reported_and_the_class_is_still_graded(course):
    proc = course.logs[f"autograde {A1}"]
    assert proc.returncode != 0
    assert "There was an error processing assignment '01_receptor_binding' for student 'corrupt'" in proc.stderr
    assert "NotJSONError" in proc.stderr or "Notebook does not appear to be JSON" in proc.stderr
    for student in ("instructor", "dana", "half", "wrong", "deleted"):
        assert course.auto_score(A1, student) > 0, student
    assert not (course.root / "autograded" / "corrupt" / A1 / f"{A1}.ipynb").exists()


def test_infinite_loop_is_stopped_by_the_timeout_and_graded(course):
    proc = course.logs["autograde looper"]
    assert proc.returncode == 0
    assert course.timings["autograde looper"] < 120
    graded = _read(course.root / "autograded" / "looper" / A1 / f"{A1}.ipynb")
    stuck = next(c for c in graded.cells if c.id == "p7_answer")
    assert any(o.get("ename") == "CellTimeoutError" for o in stuck.outputs)
    grades = course.grades(A1, "looper")
    assert grades["p7_tests"][0] == 0
    assert course.auto_score(A1, "looper") == auto_max(A1) - grades["p7_tests"][2]


def test_mystery_patient_is_graded_against_the_submitting_account(course):
    assert course.auto_score(A2, "erin") == auto_max(A2)
    grades = course.grades(A2, "copier")
    mystery_parts = ("p4_tests", "p5_tests", "p6_tests", "p7_tests")
    assert all(grades[p][0] == 0 for p in mystery_parts)
    assert all(grades[p][0] == grades[p][2] for p in ("p1_tests", "p2_tests", "p3_tests"))


def test_mystery_patient_errors_are_carried_forward_not_counted_twice(course):
    grades = course.grades(A2, "fay")
    assert grades["p4_tests"][0] == 0
    assert all(grades[p][0] == grades[p][2] for p in ("p5_tests", "p6_tests", "p7_tests"))


# --- feedback and export ------------------------------------------------------------------------------

def _html_text(path):
    """The text a browser shows (tags removed, entities decoded), code included."""
    raw = path.read_text()
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.mark.parametrize("assignment", [A1, A2])
def test_feedback_html_holds_no_hidden_test_source(course, assignment):
    source = _read(COURSE / "source" / assignment / f"{assignment}.ipynb")
    hidden = set()
    for cell in source.cells:
        m = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        if m:
            hidden.update(line.strip() for line in m.group(1).splitlines() if len(line.strip()) >= 12)
    released = (course.root / "release" / assignment / f"{assignment}.ipynb").read_text()
    hidden = {h for h in hidden if h not in released}
    assert len(hidden) > 10
    # the autograded notebooks do hold them (so this test can fail) ...
    autograded = (course.root / "autograded" / "instructor" / assignment / f"{assignment}.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in autograded
    # ... the feedback does not, also where a hidden test failed and printed a traceback
    pages = sorted((course.root / "feedback").glob(f"*/{assignment}/{assignment}.html"))
    students = {p.parts[-3] for p in pages}
    assert {"instructor", "blank"} <= students
    for page in pages:
        text = _html_text(page)
        assert "HIDDEN TESTS" not in text, page
        leaked = [h for h in hidden if h in text]
        assert not leaked, f"{page} shows hidden test lines: {leaked[:3]}"
    wrong = _html_text(course.root / "feedback" / "wrong" / A1 / f"{A1}.html") if assignment == A1 else ""
    assert assignment != A1 or "hidden check: values differ from the reference" in wrong


def test_grades_export_to_csv(course):
    rows = list(csv.DictReader((course.exchange.parent / "grades.csv").open()))
    by_key = {(r["assignment"], r["student_id"]): r for r in rows}
    full = sum(p for _, p in _grade_cells(_read(COURSE / "source" / A1 / f"{A1}.ipynb")).values())
    assert float(by_key[(A1, "instructor")]["score"]) == float(by_key[(A1, "instructor")]["max_score"]) == full
    assert float(by_key[(A1, "blank")]["score"]) == 0.0
    assert 0 < float(by_key[(A1, "half")]["score"]) < full
    assert {a for a, _ in by_key} == set(ASSIGNMENTS)


# --- what students see before they submit ---------------------------------------------------------------

def test_validator_flags_the_untouched_release_and_passes_an_answered_notebook(course, tmp_path):
    from nbgrader.validator import Validator

    work = tmp_path / A1
    shutil.copytree(course.root / "release" / A1, work)
    path = work / f"{A1}.ipynb"
    validator = Validator()
    validator.validate_all = True
    failed = validator.validate(str(path)).get("failed", [])
    assert len(failed) >= 7
    nbformat.write(_answered(_read(path), _read(COURSE / "source" / A1 / f"{A1}.ipynb")), str(path))
    assert Validator().validate(str(path)) == {}
