"""The student edition (``make student`` -> ``dist/student/``) and the licences.

The edition must hold the lessons, the released assignments, the wheel and a README for
learners, and nothing of the instructor's: no solution, no hidden test, no instructor note or
answer key, no exam bank or teaching note (``docs/instructor/``), no grading machinery. The checks
compare the edition with the instructor's files themselves (every hidden test and every line of
the instructor notes is looked for), so they hold whatever the assignments become.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "dist" / "student"
LESSONS = sorted((ROOT / "course").glob("*.ipynb"))
ASSIGNMENTS = sorted(p for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir())
LICENCE_LINE = "CC BY 4.0"


@pytest.fixture(scope="module")
def edition():
    out = subprocess.run(["make", "-s", "student"], cwd=ROOT, capture_output=True, text=True,
                         timeout=1500, env=dict(os.environ, MPLBACKEND="Agg"))
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    return OUT


def text_files(folder: pathlib.Path):
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix != ".whl":
            yield p, p.read_text(errors="replace")


def instructor_lines() -> list[tuple[str, str]]:
    """Distinctive lines of the instructor's material: notes, answer keys, exam bank, checks."""
    sources = [*(ROOT / "assignments" / "instructor_notes").glob("*.md"),
               *(ROOT / "docs" / "instructor").rglob("*.md"),
               *(ROOT / "assignments" / "hidden_checks").glob("*.py")]
    lines = []
    for p in sources:
        for line in p.read_text().splitlines():
            line = line.strip()
            if len(line) >= 50 and not line.startswith(("#", "|---", "```")):
                lines.append((p.relative_to(ROOT).as_posix(), line))
    return lines


def hidden_regions() -> list[tuple[str, str]]:
    """The lines of every solution and hidden-test region of the source notebooks."""
    found = []
    for a in ASSIGNMENTS:
        for nb in a.glob("*.ipynb"):
            for cell in json.loads(nb.read_text())["cells"]:
                src = "".join(cell["source"])
                for kind in ("SOLUTION", "HIDDEN TESTS"):
                    for region in re.findall(rf"BEGIN {kind}(.*?)END {kind}", src, re.S):
                        found += [(f"{nb.name} ({kind.lower()})", l.strip())
                                  for l in region.splitlines()
                                  if len(l.strip()) >= 25 and not l.strip().startswith("#")]
    return found


def public_text() -> str:
    """What learners may see anyway: the lessons, and the assignments outside those regions."""
    parts = ["".join(c["source"]) for l in LESSONS for c in json.loads(l.read_text())["cells"]]
    for a in ASSIGNMENTS:
        for nb in a.glob("*.ipynb"):
            for cell in json.loads(nb.read_text())["cells"]:
                src = "".join(cell["source"])
                for kind in ("SOLUTION", "HIDDEN TESTS"):
                    src = re.sub(rf"BEGIN {kind}.*?END {kind}", "", src, flags=re.S)
                parts.append(src)
    return "\n".join(parts)


@pytest.mark.slow
def test_the_edition_holds_lessons_assignments_wheel_and_readme(edition):
    for lesson in LESSONS:
        copy = edition / "course" / lesson.name
        assert copy.exists(), f"lesson {lesson.name} missing"
        nb = json.loads(copy.read_text())
        assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    for a in ASSIGNMENTS:
        released = edition / "assignments" / a.name
        assert (released / f"{a.name}.ipynb").exists(), f"assignment {a.name} not released"
        assert {p.name for p in released.iterdir()} <= {p.name for p in a.iterdir()}
        nb = json.loads((released / f"{a.name}.ipynb").read_text())
        answers = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
        assert answers and all(re.search(r"YOUR (CODE|ANSWER) HERE", "".join(c["source"]))
                               for c in answers), f"{a.name}: a solution cell was not cleared"
    wheels = list(edition.glob("mgmodel-*.whl"))
    assert len(wheels) == 1
    assert "mgmodel/widgets/__init__.py" in zipfile.ZipFile(wheels[0]).namelist()
    readme = (edition / "README.md").read_text()
    assert "pip install" in readme and "jupyter lab course/00_welcome.ipynb" in readme
    assert "not medical advice" in readme
    for name in ("LICENSE", "LICENSE-content", "REFERENCES.md"):
        assert (edition / name).exists()
    for doc in (ROOT / "docs").glob("*.md"):
        assert (edition / "docs" / doc.name).exists()


@pytest.mark.slow
def test_the_edition_holds_nothing_of_the_instructor(edition):
    names = {p.name for p in edition.rglob("*")}
    for forbidden in ("instructor", "instructor_notes", "hidden_checks", "grading", "source",
                      "nbgrader_config.py", "gradebook.db", "grading_store", "submitted",
                      "autograded", "feedback"):
        assert forbidden not in names, f"{forbidden} in the student edition"
    public = public_text()
    secrets = [(o, l) for o, l in instructor_lines() + hidden_regions() if l not in public]
    assert secrets, "found no instructor material to look for: the check would prove nothing"
    for path, text in text_files(edition):
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.relative_to(edition)} holds {marker!r}"
        for origin, line in secrets:
            assert line not in text, f"{path.relative_to(edition)} holds a line of {origin}: {line!r}"


def test_licence_files_and_the_readme_state_the_licences():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    content = (ROOT / "LICENSE-content").read_text()
    assert "Attribution 4.0 International" in content
    assert "Section 1 -- Definitions." in content          # the full legal code, not a link only
    readme = (ROOT / "README.md").read_text()
    assert "## Licences" in readme and "LICENSE-content" in readme and "MIT" in readme


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_footer_states_the_licence(lesson):
    last = "".join(json.loads(lesson.read_text())["cells"][-1]["source"])
    assert LICENCE_LINE in last and "MIT" in last, \
        f"the last cell of {lesson.name} does not state the licences ({LICENCE_LINE}, MIT)"
