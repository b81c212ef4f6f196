"""The roster report: every student of an assignment, graded / failed / missing, and why."""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import spec


def _students_in_gradebook(root: Path) -> list[str]:
    db = root / "gradebook.db"
    if not db.exists():
        return []
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}", course_id="mgmodel") as gb:
        return [s.id for s in gb.students]


def _scores(root: Path, assignment: str, student: str, notebooks: list[str]):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="mgmodel") as gb:
        score = total = 0.0
        for nb in notebooks:
            try:
                sub = gb.find_submission_notebook(nb, assignment, student)
            except MissingEntry:
                return None
            for g in sub.grades:
                if g.cell_type == "code":
                    score += g.auto_score or 0.0
                    total += g.max_score
        return score, total


def _error_from_log(root: Path, assignment: str, student: str) -> str | None:
    log = root / ".nbgrader.log"
    if not log.exists():
        return None
    text = log.read_text(errors="replace")
    marker = f"There was an error processing assignment: {root / 'submitted' / student / assignment}"
    alt = f"There was an error processing assignment: submitted/{student}/{assignment}"
    pos = max(text.rfind(marker), text.rfind(alt))
    if pos < 0:
        return None
    chunk = text[pos:pos + 20000]
    errors = re.findall(r"^(\w+(?:Error|Exception)[^\n]*)$", chunk, re.M)
    return errors[0][:200] if errors else "error while grading (see .nbgrader.log)"


def _unreadable(path: Path) -> str | None:
    """Why ``path`` is not a notebook nbgrader can read (e.g. invalid JSON), or None."""
    import nbformat

    try:
        nbformat.read(str(path), as_version=4)
    except Exception as err:
        return f"{type(err).__name__}: invalid JSON or notebook format"
    return None


def roster(root: Path, assignment: str) -> list[dict]:
    """One row per student: {"student", "state" (graded/failed/missing), "score", "max", "why"}."""
    root = Path(root)
    notebooks = sorted(p.stem for p in (root / "source" / assignment).glob("*.ipynb"))
    submitted = root / "submitted"
    students = set(_students_in_gradebook(root))
    if submitted.is_dir():
        students |= {p.name for p in submitted.iterdir() if p.is_dir()}
    rows = []
    for student in sorted(students):
        row = {"student": student, "score": None, "max": None, "why": ""}
        folder = submitted / student / assignment
        status_file = root / spec.STATUS_DIR / assignment / f"{student}.json"
        status = json.loads(status_file.read_text()) if status_file.exists() else {}
        if not folder.is_dir():
            row.update(state="missing", why="nothing submitted")
            rows.append(row)
            continue
        present = sorted(p.name for p in folder.glob("*.ipynb"))
        absent = [f"{nb}.ipynb" for nb in notebooks if f"{nb}.ipynb" not in present]
        graded = all((root / "autograded" / student / assignment / f"{nb}.ipynb").exists()
                     for nb in notebooks if f"{nb}.ipynb" in present)
        scores = _scores(root, assignment, student, notebooks) if (root / "gradebook.db").exists() else None
        unreadable = [name for name in present if name in {f"{nb}.ipynb" for nb in notebooks}
                      and _unreadable(folder / name)]
        if absent:
            found = ", ".join(present) or "no notebook"
            row.update(state="failed", why=f"{', '.join(absent)} not submitted (found: {found})")
        elif unreadable:
            row.update(state="failed", why=f"{unreadable[0]} is not a readable notebook "
                       f"({_unreadable(folder / unreadable[0])})")
        elif not graded or status.get("state") in ("checking", "running", "failed"):
            stage = {"checking": "nbgrader could not read or restore the notebook's cells",
                     "running": "the grader stopped while running the notebook"}.get(status.get("state"))
            why = (status.get("error") or _error_from_log(root, assignment, student) or stage
                   or "not graded yet (run nbgrader autograde)")
            row.update(state="failed", why=f"{why} (see the autograde output)" if stage or status.get("error") else why)
        else:
            notes = []
            if status.get("kernel_died"):
                notes.append(f"kernel stopped in cell {status['kernel_died']}")
            if status.get("removed_files"):
                notes.append(f"removed before grading: {', '.join(status['removed_files'][:5])}")
            if status.get("warning"):
                notes.append("references older than the model")
            if status.get("failed_parts"):
                notes.append(f"failed parts: {', '.join(status['failed_parts'])}")
            row.update(state="graded", why="; ".join(notes))
        if scores and row["state"] != "missing":
            row["score"], row["max"] = scores
        rows.append(row)
    return rows


def format_roster(rows: list[dict], assignment: str) -> str:
    lines = [f"Roster of {assignment}: {sum(r['state'] == 'graded' for r in rows)} graded, "
             f"{sum(r['state'] == 'failed' for r in rows)} failed, "
             f"{sum(r['state'] == 'missing' for r in rows)} missing", ""]
    width = max([len(r["student"]) for r in rows] + [7])
    for r in rows:
        score = f"{r['score']:g}/{r['max']:g}" if r["score"] is not None else "-"
        lines.append(f"{r['student']:<{width}}  {r['state']:<7}  {score:>7}  {r['why']}")
    return "\n".join(lines)
