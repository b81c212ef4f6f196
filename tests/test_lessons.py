"""Every lesson follows the template, is committed clean, and runs top to bottom on a fresh kernel."""
import json
import os
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"
TEMPLATE = COURSE.parent / "docs" / "lesson_template.ipynb"
LESSONS = sorted(p for p in COURSE.glob("[0-9][0-9]_*.ipynb"))
REQUIRED_IN_ORDER = ["# Lesson", "**Learning objectives.**", "**Estimated time:**",
                     "**Prerequisites:**", "## The story", "## 1.", "## Summary", "## Further reading"]


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def _sections(cells):
    """Split into numbered sections ('## N. ...') up to the summary."""
    sections, current = [], None
    for c in cells:
        if c.cell_type == "markdown":
            for line in c.source.splitlines():
                if re.match(r"^## \d+\. ", line):
                    current = []
                    sections.append(current)
                elif line.startswith("## Summary"):
                    current = None
        if current is not None:
            current.append(c)
    return sections


def test_there_are_ten_lessons_in_order():
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(len(numbers)))
    assert len(LESSONS) >= 4  # grows to 10 as the floors of the model land


@pytest.mark.parametrize("path", LESSONS + [TEMPLATE], ids=lambda p: p.name)
def test_lesson_follows_template(path):
    cells = _cells(path)
    text = "\n".join(c.source for c in cells)
    pos = [text.find(marker) for marker in REQUIRED_IN_ORDER]
    assert all(p >= 0 for p in pos), [m for m, p in zip(REQUIRED_IN_ORDER, pos) if p < 0]
    assert pos == sorted(pos), "template sections out of order"
    assert cells[0].source.startswith("# Lesson ")
    sections = _sections(cells)
    assert sections, "no numbered sections"
    for i, sec in enumerate(sections, 1):
        code = "\n".join(c.source for c in sec if c.cell_type == "code")
        prose = "\n".join(c.source for c in sec if c.cell_type == "markdown")
        assert re.search(r"plt\.|plot_|\.subplots\(", code), f"section {i}: no figure"
        assert re.search(r"widgets\.\w+_panel\(", code), f"section {i}: no interactive panel"
        assert "**Think!**" in prose and "<details>" in prose, f"section {i}: no folded Think! question"
        assert re.search(r"widgets\.(multiple_choice|numeric_check)\(", code), f"section {i}: no self-check"
    # panels are one line: a cell that builds a panel does nothing else
    for c in cells:
        if c.cell_type == "code" and re.search(r"widgets\.\w+_panel\(", c.source):
            assert len(c.source.strip().splitlines()) == 1, c.source
    # the summary mirrors the objectives: each objective is named by a summary line
    n_objectives = len(re.findall(r"^\d+\. ", cells[0].source, flags=re.M))
    summary = text[text.find("## Summary"):text.find("## Further reading")]
    covered = {int(n) for refs in re.findall(r"\(objectives? ([\d, and]+)\)", summary)
               for n in re.findall(r"\d+", refs)}
    assert covered == set(range(1, n_objectives + 1)), covered


@pytest.mark.parametrize("path", LESSONS + [TEMPLATE], ids=lambda p: p.name)
def test_lesson_committed_clean(path):
    nb = json.loads(path.read_text())
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None, path.name


def test_welcome_has_disclaimer():
    text = "\n".join(c.source for c in _cells(COURSE / "00_welcome.ipynb"))
    assert "not medical advice" in text


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_executes(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    env_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        NotebookClient(nb, timeout=180, kernel_name="python3",
                       resources={"metadata": {"path": str(COURSE)}}).execute()
    finally:
        if env_backend is None:
            os.environ.pop("MPLBACKEND", None)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    # every cell that builds a panel or a self-check shows a live widget view
    for c in nb.cells:
        if c.cell_type == "code" and re.search(r"widgets\.\w+\(", c.source):
            views = [o for o in c.get("outputs", [])
                     if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
            assert views, f"no widget shown by: {c.source[:60]}"
