"""The committed homework in ``assignments/``: fast checks that need no nbgrader run.

Clean notebooks, the notebook contract (title, goals, points, how to submit), points that add up,
graded cells that nbgrader can restore and whose public checks cannot clobber a student's names,
hidden checks (``hidden_checks/<assignment>.py``) for every auto-graded part and none in the
notebooks, rubrics for every written part, the nbgrader configuration, and the mystery patient.
The real pipeline is in ``test_grading_pipeline.py`` and ``test_grading_attacks.py``.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
sys.path.insert(0, str(COURSE))  # the course's grading package


def _nb(assignment):
    return nbformat.read(str(COURSE / "source" / assignment / f"{assignment}.ipynb"), as_version=4)


def _nbg(cell):
    return cell.metadata.get("nbgrader", {})


def _grade_cells(nb):
    return [c for c in nb.cells if _nbg(c).get("grade")]


def test_there_are_four_assignments_following_the_lessons():
    assert ASSIGNMENTS[:4] == ["01_receptor_binding", "02_endplate_safety", "03_electrodiagnosis",
                               "04_therapy_rationale"]
    # later assignments (05_virtual_trial, 06_injury_and_origins) follow the same naming
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", a) for a in ASSIGNMENTS), ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_is_committed_clean(assignment):
    path = COURSE / "source" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    assert "widgets" not in nb.metadata
    text = path.read_text()
    assert "ipywidgets" not in text and "interact(" not in text, "no widgets in graded work"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_contract_and_points_add_up(assignment):
    nb = _nb(assignment)
    intro = nb.cells[0].source
    assert intro.startswith("# Assignment ")
    for heading in ("**Learning goals.**", "**Points**", "**How to work and submit**"):
        assert heading in intro, heading
    grades = _grade_cells(nb)
    auto = [c for c in grades if c.cell_type == "code"]
    manual = [c for c in grades if c.cell_type == "markdown"]
    assert 5 <= len(auto) <= 8 and 1 <= len(manual) <= 2
    ids = [_nbg(c)["grade_id"] for c in nb.cells if _nbg(c)]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    assert all(c.id == _nbg(c)["grade_id"] for c in nb.cells if _nbg(c))

    # the points table of the introduction agrees with the cells' nbgrader points
    rows = re.findall(r"^\| (\d+) \| .*? \| (\d+) \| (automatically|by your instructor) \|$", intro, re.M)
    total = re.search(r"\| \*\*total\*\* \| \*\*(\d+)\*\* \| (\d+) automatic \+ (\d+) by hand \|", intro)
    assert rows and total
    table_auto = sorted(int(p) for _, p, how in rows if how == "automatically")
    table_manual = sorted(int(p) for _, p, how in rows if how != "automatically")
    assert table_auto == sorted(int(_nbg(c)["points"]) for c in auto)
    assert table_manual == sorted(int(_nbg(c)["points"]) for c in manual)
    assert int(total.group(1)) == sum(_nbg(c)["points"] for c in grades)
    assert int(total.group(2)) == sum(table_auto) and int(total.group(3)) == sum(table_manual)
    # every part's heading states its points
    for number, points, _ in rows:
        assert re.search(rf"^## Part {number} — .*\({points} points?\)$",
                         "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"), re.M), number


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_graded_cells_are_well_formed(assignment):
    nb = _nb(assignment)
    tracked = [c for c in nb.cells if _nbg(c)]
    for i, cell in enumerate(tracked):
        meta = _nbg(cell)
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, cell.id
            assert not meta.get("locked")
        if meta.get("grade") and cell.cell_type == "code":
            assert meta.get("locked") and not meta.get("solution"), cell.id
            assert "assert" in cell.source and "Public check passed" in cell.source, cell.id
            assert "all tests passed" not in cell.source.lower()
            # nbgrader puts a deleted grade cell back after the graded cell before it, and fails
            # if that neighbour is a read-only cell: keep an answer or a test cell in front
            prev = _nbg(tracked[i - 1])
            assert prev.get("solution") or prev.get("grade"), cell.id
        if meta.get("locked") and not meta.get("grade"):
            assert cell.cell_type == "code" and "BEGIN" not in cell.source, cell.id


def _bound_names(tree):
    """Names a piece of code binds in the namespace it runs in."""
    names = []
    for node in ast.walk(tree):
        # (comprehension variables are not listed: they live in a scope of their own)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(node, ast.FunctionDef):
            names += [node.name] + [a.arg for a in node.args.args]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return names


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_keep_to_their_own_names_and_hold_no_hidden_tests(assignment):
    """Test cells bind only _names, so they cannot overwrite a student's variables; the hidden
    checks are not in the notebook at all (they run outside the kernel)."""
    nb = _nb(assignment)
    for cell in nb.cells:
        assert "HIDDEN TESTS" not in cell.source, f"{cell.id}: hidden checks go in hidden_checks/{assignment}.py"
    for cell in [c for c in _grade_cells(nb) if c.cell_type == "code"]:
        bad = [n for n in _bound_names(ast.parse(cell.source)) if not n.startswith("_")]
        assert not bad, f"{cell.id}: test cells must only bind _names, not {bad}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_auto_graded_part_has_a_hidden_check_outside_the_release(assignment):
    from grading import Part, spec

    module = spec.load(assignment, COURSE)
    assert module is not None, f"no hidden_checks/{assignment}.py"
    auto = {_nbg(c)["grade_id"] for c in _grade_cells(_nb(assignment)) if c.cell_type == "code"}
    assert set(module.PARTS) == auto
    for grade_id, part in module.PARTS.items():
        assert isinstance(part, Part) and part.answers and callable(part.check), grade_id
    assert callable(module.references)
    assert not list((COURSE / "source" / assignment).glob("hidden*"))
    # messages never format a reference (students read them in their feedback), nothing prints
    tree = ast.parse(spec.checks_path(assignment, COURSE).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            assert node.msg is None or isinstance(node.msg, ast.Constant), f"line {node.lineno}"
        if isinstance(node, ast.JoinedStr):
            names = {n.id for v in node.values if isinstance(v, ast.FormattedValue)
                     for n in ast.walk(v) if isinstance(n, ast.Name)}
            assert not {n for n in names if n.startswith(("ref", "_ref"))}, f"line {node.lineno} shows a reference"
        assert not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print"), node.lineno


def test_hidden_checks_fail_wrong_answers_and_pass_the_references():
    """A check of assignment 1, run as the grader does (decoded plain values), both ways."""
    from grading import spec
    from grading.plain import Rejected

    module = spec.load("01_receptor_binding", COURSE)
    part = module.PARTS["p4_tests"]
    ref = {"ec50": 25.0}
    part.check(spec.Answers({"ec50": 25.1}), ref)
    for bad in (26.0, Rejected("not a plain value (Liar)"), "25.0", True):
        with pytest.raises(AssertionError, match="hidden check"):
            part.check(spec.Answers({"ec50": bad}), ref)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_written_part_has_a_rubric_outside_the_release(assignment):
    notes = COURSE / "instructor_notes" / f"{assignment}.md"
    text = notes.read_text()
    assert not list((COURSE / "source" / assignment).glob("*instructor*"))
    for cell in _grade_cells(_nb(assignment)):
        if cell.cell_type != "markdown":
            continue
        number = re.match(r"p(\d+)_written", cell.id).group(1)
        section = re.search(rf"^### Part {number} — .*?\((\d+) points\)\n(.*?)(?=^##|\Z)", text, re.M | re.S)
        assert section, f"no rubric for part {number}"
        assert int(section.group(1)) == _nbg(cell)["points"]
        awarded = re.findall(r"^\| (\d+) \|", section.group(2), re.M)
        assert sum(map(int, awarded)) == _nbg(cell)["points"], f"rubric rows of part {number}"


def test_citation_keys_in_the_notebooks_are_listed():
    refs = (ROOT / "REFERENCES.md").read_text()
    listed = set(re.findall(r"\*\*([A-Za-z]+\d{4})\*\*", refs))
    cited = set()
    for a in ASSIGNMENTS:
        texts = [c.source for c in _nb(a).cells if c.cell_type == "markdown"]
        texts.append((COURSE / "instructor_notes" / f"{a}.md").read_text())
        for text in texts:
            cited |= set(re.findall(r"\b([A-Z][A-Za-z]+(?:19|20)\d\d)\b", text))
    assert len(cited) >= 10, "the notebooks cite their sources by key"
    assert cited <= listed, sorted(cited - listed)


def test_nbgrader_config(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    def load():
        return PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()

    monkeypatch.delenv("NBGRADER_CELL_TIMEOUT", raising=False)
    monkeypatch.delenv("MGMODEL_GRADING_SANDBOX", raising=False)
    monkeypatch.setenv("NBGRADER_EXCHANGE", "/tmp/somewhere/exchange")
    cfg = load()
    assert cfg.CourseDirectory.course_id == "mgmodel"
    assert Path(cfg.CourseDirectory.root) == COURSE
    assert cfg.Exchange.root == "/tmp/somewhere/exchange"
    assert 10 <= cfg.Execute.timeout <= 120
    assert cfg.OverwriteCells.add_missing_cells is True
    names = [p.__name__ for p in cfg.GenerateFeedback.preprocessors]
    assert names[:2] == ["GetGrades", "CSSHTMLHeaderPreprocessor"]
    auto = [p.__name__ for p in cfg.Autograde.autograde_preprocessors]
    assert auto[0] == "SandboxedExecute"
    assert auto.index("StderrAsStdout") < auto.index("HiddenChecks") < auto.index("SaveAutoGrades")
    assert cfg.Execute.kernel_name == "mgmodel-sandbox" and cfg.KernelManager.transport == "ipc"
    assert Path(cfg.KernelManager.ip).is_absolute()
    assert cfg.IgnorePattern.enabled and cfg.GenerateAssignment.post_convert_hook.__name__ == "compute_references"
    assert names.index("WithholdHiddenTestOutput") < names.index("ClearHiddenTests")
    monkeypatch.setenv("NBGRADER_CELL_TIMEOUT", "7")
    monkeypatch.delenv("NBGRADER_EXCHANGE")
    cfg = load()
    assert cfg.Execute.timeout == 7 and cfg.Exchange.root == "/srv/nbgrader/exchange"


def test_feedback_preprocessor_keeps_only_the_message_of_a_failing_hidden_test():
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    withhold = next(p for p in cfg.GenerateFeedback.preprocessors if p.__name__ == "WithholdHiddenTestOutput")
    cell = nbformat.v4.new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nassert x == 2, 'hidden check'\n### END HIDDEN TESTS")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                 "grade_id": "t", "schema_version": 3}
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="hidden check",
                                           traceback=["---", "assert x == 2, 'hidden check'"])]
    out, _ = withhold().preprocess_cell(cell, {}, 0)
    assert out.outputs[0].traceback == ["AssertionError: hidden check"]


def test_generated_folders_are_ignored_by_git():
    for rel in ("release/a/a.ipynb", "submitted/s/a/a.ipynb", "autograded/s/a/a.ipynb",
                "feedback/s/a/a.html", "gradebook.db", ".nbgrader.log",
                "grading_store/references/a.json"):
        proc = subprocess.run(["git", "check-ignore", "-q", f"assignments/{rel}"], cwd=ROOT)
        assert proc.returncode == 0, rel
    tracked = subprocess.run(["git", "ls-files", "assignments"], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    assert not [t for t in tracked if t.split("/")[1] in ("release", "submitted", "autograded", "feedback",
                                                         "grading_store")]


def test_readme_walks_through_the_semester():
    text = (COURSE / "README.md").read_text()
    for command in ("nbgrader generate_assignment", "nbgrader release_assignment", "nbgrader collect",
                    "nbgrader autograde", "Formgrader", "nbgrader generate_feedback",
                    "nbgrader export", "JupyterHub", "NBGRADER_EXCHANGE",
                    "tests/test_grading_pipeline.py", "tests/test_grading_attacks.py",
                    "make grading-sandbox", "MGMODEL_GRADING_SANDBOX", "python -m grading roster",
                    "python -m grading key", "hidden_checks/"):
        assert command in text, command


# --- the mystery patient -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mystery():
    path = COURSE / "source" / "02_endplate_safety" / "mystery.py"
    spec = importlib.util.spec_from_file_location("mystery_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_mystery_patient_is_reproducible_personal_and_holds_only_measurements(mystery, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    a, b = mystery.patient_record("jdoe17"), mystery.patient_record("  JDoe17 ")
    assert a == b
    records = [mystery.patient_record(f"student{i}") for i in range(200)]
    assert len({(r.threshold_mV, r.mepp_mV, r.quantal_content) for r in records}) > 190
    fields = set(vars(a))
    assert fields == {"student_id", "rest_mV", "threshold_mV", "mepp_mV", "quantal_content"}
    source = (COURSE / "source" / "02_endplate_safety" / "mystery.py").read_text()
    assert "achr_fraction" not in source and "brentq" not in source
    for bad in ("", "   ", None, 17):
        with pytest.raises(ValueError, match="STUDENT_ID"):
            mystery.patient_record(bad)
    gaps = np.array([r.threshold_mV - r.rest_mV for r in records])
    mepps = np.array([r.mepp_mV for r in records])
    assert 15.0 < gaps.min() and gaps.max() < 21.1
    assert 0.2 < mepps.min() and mepps.max() < 0.7
    assert all(28 <= r.quantal_content <= 50 for r in records)


def test_every_mystery_patient_can_be_solved(mystery):
    """At the extremes of the draws the roots the students look for exist inside their brackets."""
    import mgmodel as mg

    records = [mystery.patient_record(f"s{i}") for i in range(2000)]
    gaps = [r.threshold_mV - r.rest_mV for r in records]
    mepps = [r.mepp_mV for r in records]
    assert float(mg.threshold_gap_mV(1.0)) < min(gaps) and max(gaps) < float(mg.threshold_gap_mV(1e-6))
    worst_folds = mg.HUMAN.replace(na_channel_fraction=0.3)   # beyond the largest gap drawn
    assert float(mg.threshold_gap_mV(0.3)) > max(gaps)
    for folds in (worst_folds, mg.HUMAN):
        top = mg.simulate_epp(folds.replace(achr_fraction=1.5), quanta=1).peak_epp_mV
        bottom = mg.simulate_epp(folds.replace(achr_fraction=1e-3), quanta=1).peak_epp_mV
        assert bottom < min(mepps) and max(mepps) < top
    # part 7 searches 1-1000 quanta: even the sickest patient reaches threshold inside that range
    sickest = mg.HUMAN.replace(achr_fraction=0.2, na_channel_fraction=0.3)
    assert mg.safety_factor(sickest, quanta=1) < 1 < mg.safety_factor(sickest, quanta=1000)


def test_graded_id_is_the_submitting_account_during_autograde(mystery, monkeypatch, tmp_path):
    work = tmp_path / "autograded" / "bob" / "02_endplate_safety"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    for var in ("NBGRADER_EXECUTION", "MGMODEL_GRADED_STUDENT", "JUPYTERHUB_USER"):
        monkeypatch.delenv(var, raising=False)
    assert mystery.graded_id("Alice") == "alice"
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    assert mystery.graded_id("alice") == "alice"
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert mystery.graded_id("alice") == "bob"  # without the sandbox: the student folder
    monkeypatch.setenv("MGMODEL_GRADED_STUDENT", "carol")
    assert mystery.graded_id("alice") == "carol"  # in the sandbox, the grader says who
    monkeypatch.delenv("MGMODEL_GRADED_STUDENT")
    monkeypatch.chdir(tmp_path)
    assert mystery.graded_id("alice") == "alice"  # an unknown layout: fall back to the typed id
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("JUPYTERHUB_USER", "Dave")
    assert mystery.graded_id("alice") == "dave" and mystery.graded_id() == "dave"


def test_answer_key_takes_no_fixed_id():
    cell = next(c for c in _nb("02_endplate_safety").cells if c.id == "student_id")
    assert "STUDENT_ID = graded_id()" in cell.source and '"instructor"' not in cell.source


def test_mystery_warns_when_the_typed_id_is_not_the_login(mystery, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "carol")
    with pytest.warns(UserWarning, match="logged in as 'carol'"):
        mystery.patient_record("alice")
