"""A JupyterHub class on loopback, end to end (``deploy/jupyterhub/jupyterhub_config.py``).

One module-scoped class (``deploy/jupyterhub/loopback.py``): a shared environment built from the
system Python with the course installed (not editable), configurable-http-proxy from npm, an
instructor and three students as real Unix accounts (homes 0700, PAM passwords), the hub on
127.0.0.1 at a random port. The tests then run a homework cycle in order: the instructor
generates and releases assignment 01 (nbgrader CLI as the instructor, in the course root the hub
copied to the instructor's home, so through the course's own ``nbgrader_config.py``); two students
fetch, work, validate and submit through their servers' nbgrader REST endpoints and the third
through JupyterLab in Chromium; the instructor collects, autogrades, generates and releases
feedback; the students fetch it; no student reaches the instructor's server, the formgrader or
another student's files. Last, the students' servers are started at once and a lesson runs in
each (``benchmarks/bench_hub.py`` does the same for 20 and reports the numbers).

Needs root, ``npm`` and ``/usr/bin/python3`` with ``venv`` (``.ci/run`` installs what is missing);
skipped with the reason elsewhere, failed instead under ``CI=true``. Every account, process and
file the class creates is removed at the end, whatever happened; the shared environment and the
proxy are cached for the next run (``MGMODEL_HUB_CACHE``, see ``loopback.py``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import urllib.parse

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
from loopback import SYSTEM_PYTHON, LoopbackClass  # noqa: E402
from _chromium import chromium  # noqa: E402

ASSIGNMENT = "01_receptor_binding"
SOURCE_NB = ROOT / "assignments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _missing():
    if os.geteuid() != 0:
        return "needs root (creates Unix accounts; the hub starts servers as them)"
    if not shutil.which("npm"):
        return "needs npm for configurable-http-proxy (.ci/run installs it)"
    if not shutil.which("useradd"):
        return "needs useradd"
    ok = subprocess.run([SYSTEM_PYTHON, "-c", "import venv, ensurepip"], capture_output=True)
    if ok.returncode:
        return f"needs {SYSTEM_PYTHON} with venv (Debian: python3-venv)"
    return None


_reason = _missing()
pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(bool(_reason) and not os.environ.get("CI"), reason=_reason or ""),
]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_hub", ROOT / "benchmarks" / "bench_hub.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def hub():
    # MGMODEL_HUB_ENV_BIN: use another shared environment (its bin folder, readable by every
    # user) instead of the cached build of this checkout
    cls = LoopbackClass(3, env_bin=os.environ.get("MGMODEL_HUB_ENV_BIN") or None)
    try:
        cls.setup()
        cls.start_hub()
        cls.tokens = {}
        yield cls
    finally:
        cls.close()
        for name in cls.created_users:   # the accounts are gone, with their homes
            assert subprocess.run(["id", name], capture_output=True).returncode != 0
            assert not os.path.exists(f"/home/{name}")
        assert not os.path.exists(cls.prefix_dir)


def token(hub, name):
    if name not in hub.tokens:
        hub.tokens[name] = hub.user_token(name)
    return hub.tokens[name]


def instructor(hub, *args, timeout=600):
    """An nbgrader command as the instructor, in the course root in the instructor's home."""
    course = os.path.expanduser(f"~{hub.instructor}/mgmodel-course")
    out = hub.run_as(hub.instructor, [os.path.join(hub.env_bin, "nbgrader"), *args], cwd=course,
                     timeout=timeout, check=False)
    assert out.returncode == 0, f"nbgrader {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return out


def worked(released: dict, parts: set[str]) -> dict:
    """The released notebook with the answers of ``parts`` (grade ids) taken from the source."""
    source = {c.metadata.get("nbgrader", {}).get("grade_id"): c
              for c in nbformat.read(SOURCE_NB, as_version=4).cells}
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in parts and cell.metadata["nbgrader"].get("solution"):
            # the solution as a student would write it (without nbgrader's markers)
            cell.source = "\n".join(line for line in source[gid].source.splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return nb


def servers_up(hub):
    """Every class member's server running (all started at once, then waited for)."""
    waiting = []
    for name in [hub.instructor] + hub.students:
        info = hub.api("GET", f"/hub/api/users/{name}")
        if not (info.get("servers") or {}).get("", {}).get("ready"):
            if not info.get("pending"):
                hub.start_server(name)
            waiting.append(name)
    for name in waiting:
        hub.wait_ready(name)


def test_hub_serves_everyone_and_students_get_no_formgrader(hub):
    servers_up(hub)
    s1 = hub.students[0]
    status, _ = hub.request("GET", f"/user/{s1}/api/status", token(hub, s1))
    assert status == 200
    # the course is installed for everyone, lessons are in every home
    out = hub.run_as(s1, ["python", "-c", "import mgmodel, mgmodel.widgets; print(mgmodel.__file__)"])
    assert out.stdout.strip().startswith(os.path.dirname(hub.env_bin))
    assert os.path.exists(f"/home/{s1}/mgmodel-lessons/00_welcome.ipynb")
    assert oct(os.stat(f"/home/{s1}").st_mode & 0o777) == "0o700"
    # a student's server has neither the formgrader's API nor its lab extensions
    status, _ = hub.request("GET", f"/user/{s1}/formgrader/api/status", token(hub, s1))
    assert status == 404
    status, page = hub.request("GET", f"/user/{s1}/lab", token(hub, s1))
    assert status == 200 and "@jupyter/nbgrader:formgrader" in page.split("disabledExtensions")[1][:200]
    # the instructor's has both
    inst = hub.instructor
    status, assignments = hub.request("GET", f"/user/{inst}/formgrader/api/assignments",
                                      token(hub, inst))
    assert status == 200 and ASSIGNMENT in {a["name"] for a in assignments}
    status, page = hub.request("GET", f"/user/{inst}/lab", token(hub, inst))
    assert "@jupyter/nbgrader:formgrader" not in page.split("disabledExtensions")[1][:200]


def test_instructor_releases(hub):
    instructor(hub, "generate_assignment", ASSIGNMENT, "--force")
    instructor(hub, "release_assignment", ASSIGNMENT, "--force")
    inst = hub.instructor
    status, assignments = hub.request("GET", f"/user/{inst}/formgrader/api/assignments",
                                      token(hub, inst))
    assert {a["name"]: a["status"] for a in assignments}[ASSIGNMENT] == "released"


def assignment_action(hub, student, action):
    """POST /assignments/<action> (fetch, submit, fetch_feedback) on the student's server;
    returns the assignment list it answers with."""
    status, out = hub.request("POST", f"/user/{student}/assignments/{action}", token(hub, student),
                              form={"course_id": "mgmodel", "assignment_id": ASSIGNMENT},
                              timeout=300)
    assert status == 200 and out.get("success"), out
    return out["value"]


def fetch_rest(hub, student):
    listing = assignment_action(hub, student, "fetch")
    fetched = [a for a in listing if a["assignment_id"] == ASSIGNMENT and a["status"] == "fetched"]
    assert fetched, listing
    return f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


def write_notebook(hub, student, path, nb):
    status, out = hub.request("PUT", f"/user/{student}/api/contents/{path}", token(hub, student),
                              body={"type": "notebook", "format": "json", "content": nb})
    assert status in (200, 201), out


def read_notebook(hub, student, path):
    status, model = hub.request("GET", f"/user/{student}/api/contents/{path}?content=1",
                                token(hub, student))
    assert status == 200, model
    return model["content"]


ALL_PARTS = {f"p{i}_answer" for i in range(1, 8)} | {"p8_written", "p9_written"}
SOME_PARTS = {"p1_answer", "p2_answer", "p5_answer"}


def validate_rest(hub, student, path):
    status, out = hub.request("POST", f"/user/{student}/assignments/validate", token(hub, student),
                              form={"path": path}, timeout=300)
    assert status == 200 and out["success"], out
    return json.loads(out["value"]) if isinstance(out["value"], str) else out["value"]


def test_students_fetch_work_validate_and_submit_through_rest(hub):
    s1, s2 = hub.students[:2]
    results = {}
    for student, parts in ((s1, ALL_PARTS), (s2, SOME_PARTS)):
        path = fetch_rest(hub, student)
        write_notebook(hub, student, path, worked(read_notebook(hub, student, path), parts))
        results[student] = validate_rest(hub, student, path)
        listing = assignment_action(hub, student, "submit")
        assert any(a["status"] == "submitted" for a in listing if a["assignment_id"] == ASSIGNMENT)
    # the fully worked notebook passes every visible check, the partly worked one does not
    assert not results[s1].get("failed") and not results[s1].get("error"), results[s1]
    assert results[s2].get("failed"), results[s2]
    # the submissions are in the exchange's inbound folder, one per student
    inbound = os.listdir(os.path.join(hub.exchange, "mgmodel", "inbound"))
    assert {n.split("+")[0] for n in inbound} == {s1, s2}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_a_student_logs_in_fetches_validates_and_submits_in_jupyterlab(hub, browser):
    s3 = hub.students[2]
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # log in with the Unix password (PAM), land in JupyterLab on the student's own server
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", s3)
        page.fill("input[name=password]", hub.passwords[s3])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{s3}/lab**", timeout=120_000)
        page.wait_for_selector(".jp-Launcher", timeout=120_000)
        # the Nbgrader menu offers the assignment list, neither Formgrader nor Create Assignment
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        menu = page.locator(".lm-Menu").last
        menu.wait_for()
        items = menu.inner_text()
        assert "Assignment List" in items
        assert "Formgrader" not in items and "Create" not in items, items
        page.get_by_role("menuitem", name="Assignment List").click()
        panel = page.locator(".jp-MainAreaWidget:has-text('Released assignments')").last
        panel.get_by_role("button", name="Fetch").click()
        panel.locator(":text('Downloaded assignments') >> xpath=..").get_by_role(
            "button", name="Submit").wait_for(timeout=60_000)
        page.screenshot(path=str(artifacts / "hub_student_fetched.png"))
        # the work: every part answered (written to the notebook through the server's API, as
        # the editor saves it), then opened in JupyterLab and validated with the toolbar button
        path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        write_notebook(hub, s3, path, worked(read_notebook(hub, s3, path), ALL_PARTS))
        page.goto(f"{hub.url}/user/{s3}/lab/tree/{path}")
        page.wait_for_selector(".jp-DebuggerBugButton[aria-disabled='false']", timeout=120_000)
        page.get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog:has-text('Validation Results')")
        dialog.wait_for(timeout=300_000)
        text = dialog.inner_text()
        page.screenshot(path=str(artifacts / "hub_student_validated.png"))
        assert "Success" in text and "failed" not in text.lower(), text
        dialog.get_by_role("button").last.click()
        # submit from the assignment list
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        page.get_by_role("menuitem", name="Assignment List").click()
        panel = page.locator(".jp-MainAreaWidget:has-text('Released assignments')").last
        panel.get_by_role("button", name="Submit").click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-MainAreaWidget')].some(w =>
                   /Submitted assignments[\\s\\S]*01_receptor_binding/.test(w.innerText))""",
            timeout=120_000)
        page.screenshot(path=str(artifacts / "hub_student_submitted.png"))
        assert not errors, errors
    finally:
        page.close()
    inbound = os.listdir(os.path.join(hub.exchange, "mgmodel", "inbound"))
    assert any(n.startswith(s3 + "+") for n in inbound), inbound


def submitted_students(hub):
    inbound = os.listdir(os.path.join(hub.exchange, "mgmodel", "inbound"))
    return {n.split("+")[0] for n in inbound}


def test_instructor_collects_autogrades_and_releases_feedback(hub):
    students = submitted_students(hub)
    assert set(hub.students[:2]) <= students
    instructor(hub, "collect", ASSIGNMENT, "--update")
    course = f"/home/{hub.instructor}/mgmodel-course"
    assert set(os.listdir(f"{course}/submitted")) == students
    # the course's nbgrader_config.py as is: its grading sandbox, its hidden checks
    instructor(hub, "autograde", ASSIGNMENT, timeout=900)
    instructor(hub, "generate_feedback", ASSIGNMENT)
    instructor(hub, "release_feedback", ASSIGNMENT)
    # the scores, as the formgrader shows them to the instructor through the hub
    inst = hub.instructor
    status, subs = hub.request("GET", f"/user/{inst}/formgrader/api/submissions/{ASSIGNMENT}",
                               token(hub, inst))
    assert status == 200, subs
    scores = {s["student"]: s for s in subs if s.get("autograded")}
    assert set(scores) == students, subs
    full, part = scores[hub.students[0]], scores[hub.students[1]]
    # every code part solved: all 16 automatic points; three parts solved: only theirs (2+2+2)
    assert full["code_score"] == full["max_code_score"] == 16, full
    assert part["code_score"] == 6, part
    if hub.students[2] in scores:   # the browser student answered everything too
        assert scores[hub.students[2]]["code_score"] == 16


def test_students_fetch_their_feedback(hub):
    for student in sorted(submitted_students(hub)):
        listing = assignment_action(hub, student, "fetch_feedback")
        # one entry per state of the assignment (fetched, submitted); submissions carry feedback
        feedback = [s for a in listing if a["assignment_id"] == ASSIGNMENT
                    for s in a.get("submissions", []) if s.get("has_local_feedback")]
        assert feedback, listing
        folder = urllib.parse.quote(feedback[0]["local_feedback_path"])   # a timestamp, spaces
        status, model = hub.request("GET", f"/user/{student}/api/contents/{folder}",
                                    token(hub, student))
        assert status == 200, model
        html_name = urllib.parse.quote(
            [f["name"] for f in model["content"] if f["name"].endswith(".html")][0])
        status, html = hub.request("GET", f"/user/{student}/api/contents/{folder}/{html_name}"
                                   "?content=1&format=text&type=file", token(hub, student))
        assert status == 200
        text = html["content"]
        assert "Receptor binding" in text and "BEGIN HIDDEN TESTS" not in text
        assert "BEGIN SOLUTION" not in text


def test_a_student_reaches_neither_the_instructor_nor_other_students(hub):
    s1, s2 = hub.students[:2]
    inst = hub.instructor
    t1 = token(hub, s1)
    # the instructor's server, its formgrader, another student's server: refused by the hub
    for path in (f"/user/{inst}/api/contents", f"/user/{inst}/formgrader/api/assignments",
                 f"/user/{inst}/api/kernels", f"/user/{s2}/api/contents/{ASSIGNMENT}"):
        status, _ = hub.request("GET", path, t1)
        assert status == 403, (path, status)
    # nor the hub's record of another user, nor starting someone else's server
    status, _ = hub.request("GET", f"/hub/api/users/{s2}", t1)
    assert status in (403, 404)
    status, _ = hub.request("DELETE", f"/hub/api/users/{inst}/server", t1)
    assert status in (403, 404)
    # the servers' contents API cannot leave the user's home ...
    status, _ = hub.request("GET", f"/user/{s1}/api/contents/../{s2}", t1)
    assert status in (400, 403, 404)
    # ... and as Unix users, homes are private: no student reads another's work or the gradebook
    for target in (f"/home/{s2}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                   f"/home/{inst}/mgmodel-course/gradebook.db"):
        assert os.path.exists(target)
        out = hub.run_as(s1, ["cat", target], check=False)
        assert out.returncode != 0 and "Permission denied" in out.stderr, out


def test_servers_started_at_once_each_run_a_lesson(hub):
    """A bounded version of benchmarks/bench_hub.py: every student's server restarted at once."""
    bench = _bench()
    for student in hub.students:
        hub.stop_server(student)
    rows = bench.measure_class(hub, hub.students, "01_receptor_binding.ipynb")
    print("\n" + bench.summarize(rows))
    assert len(rows) == len(hub.students)
    for row in rows:
        assert row["ready_s"] > 0 and row["lesson_s"] > 0
        # a server and a kernel are two processes with real memory (nothing measured as zero)
        assert row["with_kernel"]["processes"] >= 2
        assert row["with_kernel"]["pss_mib"] > row["server"]["pss_mib"] > 0
