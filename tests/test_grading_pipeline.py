"""The real nbgrader pipeline, run on a copy of the course in ``assignments/``.

One module-scoped fixture does the expensive work once, the way an instructor would: it copies the
course into a temporary directory (with the exchange inside it), generates every assignment
(which also computes the references of its hidden checks), releases assignment 1 through the
exchange and lets one student fetch and submit it, puts a small class of hand-made submissions
into ``submitted/``, autogrades each assignment in one call (in the grading sandbox, hidden
checks outside the kernels), generates feedback and exports the grades. The tests then only read
what the pipeline produced. The attacks of issue 12 are in ``test_grading_attacks.py``.

The class of assignment 1 (every kind of submission an instructor meets):

=========== ==================================================================================
instructor  the source notebook itself, solutions included
dana        the released notebook, answered, sent through the exchange (fetch, submit, collect)
blank       the released notebook, untouched
half        the first half of the answers
cheat       the same half, with every test cell replaced by ``pass``
wrong       all answers, but ``occupancy`` is subtly wrong (passes the public check only)
deleted     all answers, one test cell deleted
corrupt     not a notebook at all (truncated JSON)
looper      all answers, but one answer cell never finishes (cut by a short cell timeout)
nobody      in the gradebook, but submitted nothing
=========== ==================================================================================

Assignment 2 (the mystery patient) adds ``erin`` (her own id, all answers), ``fay`` (her own id,
a slip in part 4 carried consistently through parts 5-7), ``copier`` (erin's notebook handed in
under another account, with ``mystery.graded_id`` overridden to say "erin"), ``prof`` (the
answer key under another id) and ``gus`` (a mistyped id); every assignment has ``instructor``
and ``blank``.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil

import nbformat
import pytest

from _grading_course import (COURSE, Course, answer_ids, answered, auto_max, grade_cells, read,
                             replace, set_source, submit)

pytestmark = pytest.mark.slow

ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
A1, A2 = "01_receptor_binding", "02_endplate_safety"
LOOP_TIMEOUT_S = 15  # short, yet far above what any cell of assignment 1 needs


def _typed_id(nb, student_id):
    return set_source(nb, "student_id", f'STUDENT_ID = "{student_id}"')


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("nbgrader")
    c = Course.copy(base)
    root, exchange = c.root, c.exchange

    for a in ASSIGNMENTS:
        c.run(f"generate {a}", "generate_assignment", a)

    # one student goes through the exchange: release, fetch, answer, submit, collect
    source1, release1 = (read(root / d / A1 / f"{A1}.ipynb") for d in ("source", "release"))
    c.run("release", "release_assignment", A1)
    home = base / "home_dana"
    home.mkdir()
    student_flags = ["--course=mgmodel", f"--Exchange.root={exchange}"]
    c.run("fetch", "fetch_assignment", A1, *student_flags, cwd=home)
    fetched = home / A1 / f"{A1}.ipynb"
    nbformat.write(answered(read(fetched), source1), str(fetched))
    c.run("submit", "submit", A1, "--student=dana", *student_flags, cwd=home)
    c.run("collect", "collect", A1, "--CollectApp.check_owner=False")

    # the rest of the class of assignment 1
    code_ids = answer_ids(source1, ("code",))
    half = answered(release1, source1, code_ids[: len(code_ids) // 2])
    cheat = nbformat.from_dict(half)
    for cell in cheat.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            cell.source = "pass"
    wrong = replace(answered(release1, source1), "p1_answer", "(titer + ", "(titer + 2 * ")
    deleted = answered(release1, source1)
    deleted.cells = [cell for cell in deleted.cells if cell.id != "p2_tests"]
    looper = replace(answered(release1, source1), "p7_answer", "def _mepp_ratio",
                     "while True:\n    pass\n\ndef _mepp_ratio")
    submit(root, "instructor", A1, source1)
    submit(root, "blank", A1, release1)
    submit(root, "half", A1, half)
    submit(root, "cheat", A1, cheat)
    submit(root, "wrong", A1, wrong)
    submit(root, "deleted", A1, deleted)
    submit(root, "corrupt", A1, '{"cells": [{"cell_type": "code", "sour')
    submit(root, "looper", A1, looper)
    c.run("add nobody", "db", "student", "add", "nobody", "--last-name=Body", "--first-name=No")

    # assignment 2: the mystery patient belongs to the account that submits
    source2, release2 = (read(root / d / A2 / f"{A2}.ipynb") for d in ("source", "release"))
    erin = _typed_id(answered(release2, source2), "erin")
    copied = set_source(nbformat.from_dict(erin), "student_id", 'STUDENT_ID = "erin"\nimport mystery\n'
                        'mystery.graded_id = lambda *args: "erin"\ngraded_id = mystery.graded_id')
    slip = _typed_id(answered(release2, source2), "fay")
    submit(root, "instructor", A2, source2)
    submit(root, "prof", A2, source2)
    submit(root, "erin", A2, erin)
    submit(root, "copier", A2, copied)
    submit(root, "blank", A2, release2)
    submit(root, "fay", A2, replace(slip, "p4_answer", "patient.rest_mV", "patient.rest_mV + 1.0"))
    submit(root, "gus", A2, _typed_id(answered(release2, source2), "gsu"))

    for a in ASSIGNMENTS[2:]:
        submit(root, "instructor", a, read(root / "source" / a / f"{a}.ipynb"))
        submit(root, "blank", a, read(root / "release" / a / f"{a}.ipynb"))

    # one autograde call per assignment (assignment 1 fails for 'corrupt' only, so exit code 1)
    for a in ASSIGNMENTS:
        extra = [f"--Execute.timeout={LOOP_TIMEOUT_S}"] if a == A1 else []
        c.run(f"autograde {a}", "autograde", a, *extra, check=(a != A1))
    c.grading("roster", "roster", A1, "--json")

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

def _solution_lines(nb):
    """Distinctive lines that exist only inside the solution regions of ``nb``."""
    secret, public = set(), []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside:
                secret.add(line.strip())
            else:
                public.append(line)
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "markdown":
            secret.update(line.strip() for line in cell.source.splitlines())
    text = "\n".join(public)
    return {s for s in secret if len(s) >= 12 and s not in text}


def _hidden_check_lines(assignment):
    """Distinctive lines of the assignment's hidden checks (never released, never shown).

    Lines that also occur in the source notebook (a formula the solution spells the same way, a
    public input) are left out: a student's own answer may hold them.
    """
    text = (COURSE / "hidden_checks" / f"{assignment}.py").read_text()
    notebook = (COURSE / "source" / assignment / f"{assignment}.ipynb").read_text()
    return {line.strip() for line in text.splitlines()
            if len(line.strip()) >= 25 and not line.strip().startswith(("#", '"""', "import", "from"))
            and line.strip() not in notebook and json.dumps(line.strip())[1:-1] not in notebook}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solutions_hidden_checks_or_references(course, assignment):
    assert course.logs[f"generate {assignment}"].returncode == 0
    release = course.root / "release" / assignment
    released = sorted(p for p in release.rglob("*") if p.is_file())
    assert release / f"{assignment}.ipynb" in released
    source_files = {p.relative_to(COURSE / "source" / assignment)
                    for p in (COURSE / "source" / assignment).rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts}
    assert {p.relative_to(release) for p in released} == source_files
    secret = _solution_lines(read(COURSE / "source" / assignment / f"{assignment}.ipynb"))
    assert len(secret) > 5
    hidden = _hidden_check_lines(assignment)
    assert len(hidden) > 5
    refs = course.root / "grading_store" / "references" / f"{assignment}.json"
    assert refs.exists() and oct(refs.stat().st_mode & 0o777) == "0o600"
    for path in released:
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, (path, marker)
        leaked = [s for s in secret | hidden if s in text]
        assert not leaked, f"{path.name} leaks {leaked[:3]}"
    nb = read(release / f"{assignment}.ipynb")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_release_went_through_the_exchange_in_the_temporary_directory(course):
    outbound = course.exchange / "mgmodel" / "outbound" / A1 / f"{A1}.ipynb"
    assert outbound.read_text() == (course.root / "release" / A1 / f"{A1}.ipynb").read_text()
    assert (course.root / "submitted" / "dana" / A1 / "timestamp.txt").exists()


# --- autograde: scores ------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructor_solution_scores_full_marks(course, assignment):
    grades = course.grades(assignment, "instructor")
    assert course.auto_score(assignment, "instructor") == auto_max(assignment) > 0, grades
    written = {k: v for k, v in grades.items() if k.endswith("_written")}
    assert 1 <= len(written) <= 2
    if assignment != A1:  # A1's written answers were graded by hand in the fixture
        assert all(needs_manual for _, _, _, needs_manual in written.values())
    nb = course.autograded(assignment, "instructor")
    passed = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
              and any("Hidden checks passed." in o.get("text", "") for o in c.outputs)]
    assert len(passed) == len([1 for t, _ in grade_cells(nb).values() if t == "code"])


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
    graded = course.autograded(A1, "cheat")
    tests = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")
             and c.cell_type == "code"]
    assert tests and all(c.source.strip() != "pass" for c in tests)


def test_hidden_checks_catch_an_answer_that_passes_the_public_check(course):
    grades = course.grades(A1, "wrong")
    assert grades["p1_tests"][0] == 0
    assert grades["p3_tests"][0] == grades["p3_tests"][2]
    assert 0 < course.auto_score(A1, "wrong") < auto_max(A1)
    p1 = next(c for c in course.autograded(A1, "wrong").cells if c.id == "p1_tests")
    assert [o.evalue for o in p1.outputs if o.output_type == "error"] == [
        "hidden check: occupancy differs from the reference"]


def test_deleted_test_cell_is_put_back_reported_and_graded(course):
    log = course.logs[f"autograde {A1}"].stderr
    assert "Missing grade cell p2_tests" in log
    graded = course.autograded(A1, "deleted")
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
    graded = course.autograded(A1, "looper")
    stuck = next(c for c in graded.cells if c.id == "p7_answer")
    assert any(o.get("ename") == "CellTimeoutError" for o in stuck.outputs)
    grades = course.grades(A1, "looper")
    assert grades["p7_tests"][0] == 0
    assert course.auto_score(A1, "looper") == auto_max(A1) - grades["p7_tests"][2]


def test_roster_lists_every_student_with_what_happened(course):
    proc = course.logs["roster"]
    assert proc.returncode == 1, proc.stderr  # someone failed
    rows = {r["student"]: r for r in json.loads(proc.stdout)}
    assert rows["corrupt"]["state"] == "failed" and "JSON" in rows["corrupt"]["why"]
    assert rows["nobody"]["state"] == "missing"
    assert rows["dana"]["state"] == "graded" and rows["dana"]["score"] == auto_max(A1)
    assert rows["wrong"]["state"] == "graded" and "p1_tests" in rows["wrong"]["why"]
    handed_in = {p.name for p in (course.root / "submitted").iterdir() if (p / A1).is_dir()}
    assert {rows[s]["state"] for s in handed_in - {"corrupt"}} == {"graded"}
    # students of other assignments only (and 'nobody') are listed as missing, not skipped
    assert {rows[s]["state"] for s in set(rows) - handed_in} == {"missing"}
    assert set(rows) >= handed_in | {"nobody", "erin"}


# --- the mystery patient --------------------------------------------------------------------------------

def test_mystery_patient_is_graded_against_the_submitting_account(course):
    assert course.auto_score(A2, "erin") == auto_max(A2)
    grades = course.grades(A2, "copier")
    mystery_parts = ("p4_tests", "p5_tests", "p6_tests", "p7_tests")
    assert all(grades[p][0] == 0 for p in mystery_parts), grades
    assert all(grades[p][0] == grades[p][2] for p in ("p1_tests", "p2_tests", "p3_tests"))


def test_answer_key_scores_full_marks_under_any_id(course):
    assert course.auto_score(A2, "prof") == auto_max(A2)
    card = next(c for c in course.autograded(A2, "prof").cells if c.id == "patient_card")
    assert "mystery patient of 'prof'" in "".join(o.get("text", "") for o in card.outputs)


def test_public_check_prints_the_graded_id_and_flags_a_mistyped_one(course):
    cell = next(c for c in course.autograded(A2, "gus").cells if c.id == "p4_tests")
    text = "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)
    assert "graded against the patient of 'gus'" in text
    assert "STUDENT_ID is 'gsu', but your work is graded as 'gus'" in text
    assert course.grades(A2, "gus")["p4_tests"][0] == 0


def test_mystery_patient_errors_are_carried_forward_not_counted_twice(course):
    grades = course.grades(A2, "fay")
    assert grades["p4_tests"][0] == 0
    assert all(grades[p][0] == grades[p][2] for p in ("p5_tests", "p6_tests", "p7_tests")), grades


def test_instructor_command_prints_any_students_answer_key(course):
    proc = course.grading("key erin", "key", A2, "erin")
    assert proc.returncode == 0, proc.stderr
    from mgmodel.cases import lab_record
    rec = lab_record("erin")
    assert f"threshold_mV                 {rec.threshold_mV}" in proc.stdout
    for name in ("na_channel_fraction", "achr_fraction", "safety_factor", "min_quanta"):
        assert name in proc.stdout


# --- feedback and export ------------------------------------------------------------------------------

def _html_text(path):
    """The text a browser shows (tags removed, entities decoded), code included."""
    raw = path.read_text()
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def _reference_numbers(course, assignment):
    refs = json.loads((course.root / "grading_store" / "references" / f"{assignment}.json").read_text())
    numbers = re.findall(r"-?\d+\.\d{6,}", json.dumps(refs["references"]))
    return {n[:10] for n in numbers}


@pytest.mark.parametrize("assignment", [A1, A2])
def test_feedback_and_autograded_notebooks_hold_no_hidden_checks(course, assignment):
    hidden = _hidden_check_lines(assignment)
    numbers = _reference_numbers(course, assignment)
    assert len(hidden) > 5 and len(numbers) > 3
    pages = sorted((course.root / "feedback").glob(f"*/{assignment}/{assignment}.html"))
    students = {p.parts[-3] for p in pages}
    assert {"instructor", "blank"} <= students
    graded = sorted((course.root / "autograded").glob(f"*/{assignment}/{assignment}.ipynb"))
    for path in pages + graded:
        text = _html_text(path) if path.suffix == ".html" else path.read_text()
        assert "HIDDEN TESTS" not in text and "grading-export" not in text, path
        leaked = [h for h in hidden if h in text]
        assert not leaked, f"{path} shows hidden check lines: {leaked[:3]}"
        shown = [n for n in numbers if n in text]
        assert not shown, f"{path} shows reference values: {shown[:3]}"
    if assignment == A1:
        wrong = _html_text(course.root / "feedback" / "wrong" / A1 / f"{A1}.html")
        assert "hidden check: occupancy differs from the reference" in wrong


def test_grades_export_to_csv(course):
    rows = list(csv.DictReader((course.exchange.parent / "grades.csv").open()))
    by_key = {(r["assignment"], r["student_id"]): r for r in rows}
    full = sum(p for _, p in grade_cells(read(COURSE / "source" / A1 / f"{A1}.ipynb")).values())
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
    nbformat.write(answered(read(path), read(COURSE / "source" / A1 / f"{A1}.ipynb")), str(path))
    assert Validator().validate(str(path)) == {}


def test_instructor_validate_runs_in_the_sandbox(course, tmp_path):
    """`nbgrader validate` from the course root uses the course config: the sandboxed kernel."""
    work = tmp_path / "check"
    shutil.copytree(course.root / "release" / A1, work)
    nb = answered(read(work / f"{A1}.ipynb"), read(COURSE / "source" / A1 / f"{A1}.ipynb"))
    nbformat.write(nb, str(work / f"{A1}.ipynb"))
    proc = course.run("validate", "validate", str(work / f"{A1}.ipynb"), check=False)
    assert "Success! Your notebook passes all the tests." in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
