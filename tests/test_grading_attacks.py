"""Every attack of issue 12 against the autograder, as a submission in one real class.

One class of assignment 1 is autograded with the real ``nbgrader`` CLI in a temporary copy of the
course (sandbox and hidden checks as configured by ``nbgrader_config.py``): an honest student who
sorts first (``a_honest``), one submission per attack (``m01_...`` to ``m18_...``, graded in that
order), and an honest student who sorts last (``z_honest``). Each test asserts the attacker's
score and that the students before and after the attack were graded. One autograde call for the
whole class keeps the module to about a minute and a half on two cores.

The mystery-patient attacks of assignment 2 (a copied notebook, ``graded_id`` overridden) are in
``test_grading_pipeline.py``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from _grading_course import (COURSE, Course, add_cell, answered, auto_max, read, replace,
                             set_source, submit)

pytestmark = pytest.mark.slow

A1 = "01_receptor_binding"
TIMEOUT_S = 20  # per cell; far above what any honest cell needs, low enough for the hang attacks
MAX_POINTS = auto_max(A1)
ATTACKS = {}


def attack(name, expected):
    """Register a submission builder; ``expected`` is the score, or a callable of the grades."""
    def register(build):
        ATTACKS[name] = (build, expected)
        return build
    return register


def _points(grades, *parts):
    return sum(grades[p][2] for p in parts)


# --- wrong answers dressed up as right ones ------------------------------------------------------

@attack("m01_redefine_references", lambda g: _points(g, "p2_tests", "p3_tests", "p4_tests", "p5_tests"))
def _(rel, src):
    """A wrong occupancy, and the model, np.allclose and abs patched to agree with it."""
    nb = replace(answered(rel, src), "p1_answer", "(titer + ", "(titer + 2 * ")
    return add_cell(nb, "import builtins\nmg.antibody_occupancy = occupancy\n"
                        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                        "builtins.abs = lambda x: 0.0", after="p1_answer"), {}


@attack("m02_side_module", MAX_POINTS)
def _(rel, src):
    """A fake ``mgmodel`` package next to the notebook (first on the kernel's sys.path)."""
    fake = "raise ImportError('the fake mgmodel was imported')\n"
    return answered(rel, src), {"mgmodel/__init__.py": fake, "sitecustomize.py": fake, "notes.txt": "x"}


@attack("m03_input_transformer", 0)
def _(rel, src):
    """Every later cell replaced by ``pass`` (test cells and whatever grading adds)."""
    nb = set_source(rel.copy(), "p1_answer", "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])")
    return nb, {}


@attack("m04_ast_transformer", 0)
def _(rel, src):
    """Every assert removed, and wrong answers of the right types."""
    code = ("import ast\nclass _NoAsserts(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n        return ast.Pass()\n"
            "get_ipython().ast_transformers.append(_NoAsserts())\n"
            "import numpy as np\n"
            "def occupancy(t, k): return np.zeros(np.shape(t))\n"
            "def titer_for_occupancy(p, k): return np.ones(np.shape(p))\n"
            "def open_prob_two_site(c, kd, e): return np.zeros(np.shape(c))\n"
            "ec50_numeric_uM = 1.0\ndef dose_ratio(b, kb): return 1.0\n"
            "mepp_ratio_blocked = 0.5\ntiter_half_mepp_nM = 1.0\n")
    return set_source(rel.copy(), "p1_answer", code), {}


@attack("m05_lying_objects", lambda g: _points(g, "p2_tests", "p3_tests", "p5_tests"))
def _(rel, src):
    """Answers that claim to equal anything: a float subclass, __array_function__, __float__."""
    nb = answered(rel, src)
    nb = add_cell(nb, "class Liar(float):\n    def __eq__(self, other): return True\n"
                      "    def __sub__(self, other): return Liar(0.0)\n    def __rsub__(self, other): return Liar(0.0)\n"
                      "    __hash__ = float.__hash__\n"
                      "class Anything:\n    def __array_function__(self, *a, **k): return True\n"
                      "    def __array_ufunc__(self, *a, **k): return Liar(0.0)\n"
                      "    def __float__(self): return 0.5\n    def __len__(self): return 3\n"
                      "    def __getitem__(self, i): return Liar(0.5)\n"
                      "def occupancy(t, k): return Anything()", after="p1_answer")
    nb = add_cell(nb, "ec50_numeric_uM = Liar(30.0)", after="p4_answer")
    nb = add_cell(nb, "mepp_ratio_blocked = Liar(0.5)", after="p6_answer")
    nb = add_cell(nb, "titer_half_mepp_nM = Liar(1.0)", after="p7_answer")
    return nb, {}


# --- leaks ----------------------------------------------------------------------------------------

@attack("m06_post_run_hook", MAX_POINTS)
def _(rel, src):
    """A hook that prints every cell the grader runs into the notebook (and the feedback)."""
    nb = answered(rel, src)
    return add_cell(nb, "get_ipython().events.register('post_run_cell', lambda r: print('RAN:', r.info.raw_cell))",
                    after="p1_answer"), {}


READ_PATHS = ("gradebook.db", f"source/{A1}/{A1}.ipynb", "instructor_notes/02_endplate_safety.md",
              f"grading_store/references/{A1}.json", f"hidden_checks/{A1}.py", "submitted")


@attack("m07_read_course", MAX_POINTS)
def _(rel, src, root=None):
    """Reading the gradebook, solutions, instructor notes and references (by absolute path)."""
    code = ("import os\nfor _p in %r:\n    try:\n        _d = open(os.path.join(%r, _p), 'rb').read()\n"
            "        print('LEAK', _p, _d[:300])\n    except OSError as _e:\n        print('DENIED', _p, type(_e).__name__)\n"
            "print('LISTING', os.listdir('/'))" % (READ_PATHS, str(root)))
    return add_cell(answered(rel, src), code), {}


# --- tampering --------------------------------------------------------------------------------------

@attack("m08_tamper", MAX_POINTS)
def _(rel, src, root=None):
    """Writing the gradebook (own score up, another student's down) and the installed model."""
    code = ("import sqlite3, os, mgmodel, numpy\n"
            "for _p in (os.path.join(%r, 'gradebook.db'), mgmodel.__file__, numpy.__file__):\n"
            "    try:\n        with open(_p, 'ab') as _f: _f.write(b'#tampered')\n        print('WROTE', _p)\n"
            "    except OSError as _e:\n        print('DENIED', _p, type(_e).__name__)\n"
            "try:\n    _db = sqlite3.connect(os.path.join(%r, 'gradebook.db'))\n"
            "    _db.execute('update grade set auto_score = 0'); _db.commit(); print('WROTE db')\n"
            "except Exception as _e:\n    print('DENIED db', type(_e).__name__)" % (str(root), str(root)))
    return add_cell(answered(rel, src), code), {}


# --- stopping the class -------------------------------------------------------------------------------

@attack("m09_kill_parent", MAX_POINTS)
def _(rel, src):
    code = ("import os, signal\nfor _pid in (os.getppid(), 1, -1):\n    try:\n        os.kill(_pid, signal.SIGKILL)\n"
            "    except OSError as _e:\n        print('kill', _pid, type(_e).__name__)")
    return add_cell(answered(rel, src), code, after="p1_answer"), {}


@attack("m10_sigint", MAX_POINTS)
def _(rel, src):
    code = ("import os, signal\nfor _pid in (os.getppid(), 1):\n    try:\n        os.kill(_pid, signal.SIGINT)\n"
            "    except OSError as _e:\n        print('sigint', _pid, type(_e).__name__)")
    return add_cell(answered(rel, src), code), {}


DETACHED = ("900.4711", "901.4711")  # how the detached processes can be recognized


@attack("m11_detached_children", MAX_POINTS)
def _(rel, src):
    code = ("import subprocess, os\n"
            f"subprocess.Popen(['/bin/sh', '-c', 'trap \"\" TERM HUP; sleep {DETACHED[0]}'], start_new_session=True)\n"
            "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        os.execv('/bin/sleep', ['sleep', '{DETACHED[1]}'])\n    os._exit(0)")
    return add_cell(answered(rel, src), code), {}


@attack("m12_memory_bomb", MAX_POINTS)
def _(rel, src):
    return add_cell(answered(rel, src), "_x = bytearray(4 * 1024 ** 3)\n_x[::4096] = b'1' * len(_x[::4096])"), {}


@attack("m13_print_flood", MAX_POINTS)
def _(rel, src):
    return add_cell(answered(rel, src), "print('x' * 50_000_000)"), {}


@attack("m14_kernel_suicide", lambda g: _points(g, "p1_tests", "p2_tests", "p3_tests"))
def _(rel, src):
    return add_cell(answered(rel, src), "import os\nos._exit(3)", after="p3_tests"), {}


@attack("m15_hang", MAX_POINTS - 2)
def _(rel, src):
    """dose_ratio hangs (part 5 lost to the cell timeout); the rest is graded."""
    return replace(answered(rel, src), "p5_answer", "return 1.0 +", "while True:\n        pass\n    return 1.0 +"), {}


# --- honest students who used to lose points ------------------------------------------------------------

@attack("m16_stderr_and_warnings", MAX_POINTS)
def _(rel, src):
    nb = replace(answered(rel, src), "p1_answer", "titer = np.asarray",
                 "import sys, warnings\n    print('debug: occupancy called', file=sys.stderr)\n"
                 "    warnings.warn('just a warning')\n    titer = np.asarray")
    return nb, {}


@attack("m17_pasted_cells", MAX_POINTS)
def _(rel, src):
    """Copies of an answer cell and of a test cell, nbgrader metadata included, pasted further on."""
    nb = answered(rel, src)
    cells = {c.id: c for c in nb.cells}
    for cid, after in (("p1_answer", "p2_tests"), ("p1_tests", "p3_tests")):
        copy = json.loads(json.dumps(cells[cid]))
        copy["id"] = f"pasted-{cid}"
        import nbformat
        nb.cells.insert([c.id for c in nb.cells].index(after) + 1, nbformat.from_dict(copy))
    return nb, {}


@attack("m18_renamed_notebook", None)
def _(rel, src):
    return answered(rel, src), {"name": "my homework.ipynb"}


# --- the class ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    c = Course.copy(tmp_path_factory.mktemp("attacks"))
    c.run("generate", "generate_assignment", A1)
    source, release = (read(c.root / d / A1 / f"{A1}.ipynb") for d in ("source", "release"))
    honest = answered(release, source)
    submit(c.root, "a_honest", A1, honest)
    submit(c.root, "z_honest", A1, honest)
    for name, (build, _) in ATTACKS.items():
        try:
            nb, extra = build(release, source, root=c.root)
        except TypeError:
            nb, extra = build(release, source)
        filename = extra.pop("name", None)
        submit(c.root, name, A1, nb, name=filename, extra_files=extra)
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in _model_files()}
    c.run("autograde", "autograde", A1, f"--Execute.timeout={TIMEOUT_S}", check=False)
    c.hashes_before = hashes
    c.grading("roster", "roster", A1, "--json")
    c.roster = {r["student"]: r for r in json.loads(c.logs["roster"].stdout)}
    return c


def _model_files():
    import mgmodel
    import numpy
    return [Path(mgmodel.__file__), Path(numpy.__file__)]


SCORED = [n for n, (_, e) in ATTACKS.items() if e is not None]


@pytest.mark.parametrize("name", SCORED)
def test_attack_earns_only_what_the_honest_answers_earn(graded, name):
    expected = ATTACKS[name][1]
    grades = graded.grades(A1, name)
    if callable(expected):
        expected = expected(grades)
    assert graded.auto_score(A1, name) == expected, {k: v[0] for k, v in grades.items()}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_students_before_and_after_each_attack_are_graded(graded, name):
    order = sorted(graded.roster)
    assert order[0] == "a_honest" and order[-1] == "z_honest"
    i = order.index(name)
    for neighbour in {order[i - 1], order[i + 1], "a_honest", "z_honest"} - set(n for n in ATTACKS if ATTACKS[n][1] is None):
        assert graded.roster[neighbour]["state"] == "graded", graded.roster[neighbour]
    for honest in ("a_honest", "z_honest"):
        assert graded.auto_score(A1, honest) == MAX_POINTS


def test_nothing_stops_the_class(graded):
    proc = graded.logs["autograde"]
    assert "Canceled" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr
    assert graded.timings["autograde"] < 600
    states = {s: r["state"] for s, r in graded.roster.items()}
    assert states.pop("m18_renamed_notebook") == "failed"
    assert set(states.values()) == {"graded"}, states


def test_a_side_module_is_stripped_before_grading(graded):
    work = graded.root / "autograded" / "m02_side_module" / A1
    assert sorted(p.name for p in work.iterdir()) == [f"{A1}.ipynb"]
    assert "mgmodel/__init__.py" in graded.roster["m02_side_module"]["why"]


def test_nothing_of_the_course_can_be_read_from_the_kernel(graded):
    nb = graded.autograded(A1, "m07_read_course")
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "LEAK" not in text
    assert text.count("DENIED") == len(READ_PATHS)
    listing = text.split("LISTING", 1)[1]
    for hidden in ("'work'", "'root'", "'srv'"):
        assert hidden not in listing.splitlines()[0]


def test_the_gradebook_and_the_model_cannot_be_changed_from_the_kernel(graded):
    nb = graded.autograded(A1, "m08_tamper")
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "WROTE" not in text and text.count("DENIED") == 4
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in _model_files()} == graded.hashes_before
    db = sqlite3.connect(graded.root / "gradebook.db")
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)


def test_hooks_show_no_hidden_checks_or_references(graded):
    path = graded.root / "autograded" / "m06_post_run_hook" / A1 / f"{A1}.ipynb"
    text = path.read_text()
    refs = json.loads((graded.root / "grading_store" / "references" / f"{A1}.json").read_text())
    ec50 = next(v for k, v in refs["references"]["$dict"] if k == "ec50")
    assert repr(ec50) not in text and repr(round(ec50, 6)) not in text
    checks = (COURSE / "hidden_checks" / f"{A1}.py").read_text()
    for line in checks.splitlines():
        if "expect_close(" in line:
            assert line.strip() not in text
    assert "RAN:" in text  # the hook did run


def test_no_detached_process_outlives_grading(graded):
    left = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if any(marker in cmdline for marker in DETACHED):
            left.append((proc.name, cmdline, _owner(proc)))
    assert not left
    nb = graded.autograded(A1, "m11_detached_children")
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def _owner(p):
    try:
        return p.stat().st_uid
    except OSError:
        return None


def test_a_memory_bomb_fails_its_cell_only(graded):
    nb = graded.autograded(A1, "m12_memory_bomb")
    assert any(o.get("ename") == "MemoryError" for c in nb.cells for o in c.get("outputs", []))


def test_a_print_flood_is_capped(graded):
    path = graded.root / "autograded" / "m13_print_flood" / A1 / f"{A1}.ipynb"
    assert path.stat().st_size < 300_000
    assert "output truncated" in path.read_text()


def test_a_dead_kernel_scores_the_parts_before_it(graded):
    nb = graded.autograded(A1, "m14_kernel_suicide")
    died = [o for c in nb.cells for o in c.get("outputs", []) if o.get("ename") == "KernelDied"]
    assert died
    assert graded.roster["m14_kernel_suicide"]["state"] == "graded"


def test_a_hang_costs_one_part(graded):
    nb = graded.autograded(A1, "m15_hang")
    assert any(o.get("ename") == "CellTimeoutError" for c in nb.cells for o in c.get("outputs", []))


def test_stderr_is_shown_but_costs_nothing(graded):
    nb = graded.autograded(A1, "m16_stderr_and_warnings")
    text = json.dumps(nb["cells"])
    assert "[stderr] debug: occupancy called" in text


def test_a_renamed_notebook_is_reported(graded):
    row = graded.roster["m18_renamed_notebook"]
    assert row["state"] == "failed"
    assert f"{A1}.ipynb not submitted" in row["why"] and "my homework.ipynb" in row["why"]
