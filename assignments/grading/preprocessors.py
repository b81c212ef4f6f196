"""nbgrader preprocessors and hooks of the course (wired up in ``nbgrader_config.py``).

Autograde runs, per notebook: nbgrader's sanitizing preprocessors, then
``SandboxedExecute`` (strip the working copy, run the notebook in the sandbox with an export cell
after every auto-graded part, cap output), ``StderrAsStdout``, ``HiddenChecks`` (the clean-process
comparison, which adds an error to every failing part), nbgrader's ``IgnorePattern``,
``ClearMetadataPreprocessor``, ``LimitOutput``, ``SaveAutoGrades``, ...

``compute_references`` is the ``post_convert_hook`` of ``generate_assignment``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell
from traitlets import Integer

from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from . import export, judge, kernel_launcher, sandbox, spec

EXPORT_PREFIX = "grading-export-"
# submission_secret.txt: written by `nbgrader submit`; release_feedback needs it to hand the
# feedback back through the exchange (found by tests/test_hub.py)
KEEP_IN_WORKING_COPY = ("timestamp.txt", "submission_secret.txt")


def _is_grade_code(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade"))


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def write_status(root: Path, assignment: str, student: str, **fields) -> None:
    """Record what happened to one submission (read by ``python -m grading roster``)."""
    path = Path(root) / spec.STATUS_DIR / assignment / f"{student}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(path.read_text()) if path.exists() else {}
    old.update(fields, time=time.strftime("%Y-%m-%d %H:%M:%S"))
    path.write_text(json.dumps(old, indent=1))


def strip_working_copy(work: Path, source: Path, notebooks: set[str]) -> list[str]:
    """Delete from ``work`` everything but the notebooks, timestamp.txt and the files of ``source``.

    Returns the removed names. (A submitted ``mgmodel/__init__.py`` would otherwise come first on
    the kernel's ``sys.path``.)
    """
    allowed = set(notebooks) | set(KEEP_IN_WORKING_COPY)
    if source.is_dir():
        allowed |= {str(p.relative_to(source)) for p in source.rglob("*") if p.is_file()}
    removed = []
    for path in sorted(work.rglob("*"), key=lambda p: -len(p.parts)):
        rel = str(path.relative_to(work))
        if path.is_symlink() or (path.is_file() and rel not in allowed):
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            if not any(a.startswith(rel + os.sep) for a in allowed):
                removed.append(rel + "/")
    return removed


class KeepFirstGradedCell(NbGraderPreprocessor):
    """Copies of a graded cell pasted further on (nbgrader metadata included) become plain cells.

    nbgrader's own DeduplicateIds keeps the *last* copy and leaves an empty metadata dict on the
    others, on which OverwriteCells then fails (KeyError 'grade_id'): the whole notebook scored 0.
    Here the first cell of each grade id keeps its role; later copies lose their nbgrader metadata
    and run as the student's own cells.
    """

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        if info.get("student") and info.get("assignment"):  # (only Autograde sanitizes)
            write_status(spec.COURSE_ROOT, info["assignment"], info["student"], state="checking",
                         error=None)
        seen = set()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if not isinstance(meta, dict) or not meta:
                cell.metadata.pop("nbgrader", None)
                continue
            grade_id = meta.get("grade_id")
            if grade_id in seen:
                self.log.warning("A copy of cell %s was pasted into the notebook: graded once, "
                                 "the copy runs as an ordinary cell", grade_id)
                del cell.metadata["nbgrader"]
            elif grade_id:
                seen.add(grade_id)
        return nb, resources


class SandboxedExecute(Execute):
    """nbgrader's Execute, in the grading sandbox, with the answers exported after each part."""

    max_output_chars = Integer(20_000, help="characters of output kept per cell").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        info = resources.get("nbgrader", {}) if resources else {}
        assignment, student = info.get("assignment", ""), info.get("student", "")
        root = spec.COURSE_ROOT
        execution = os.environ.get("NBGRADER_EXECUTION", "")
        if not sandbox.opted_out():
            ok, why = sandbox.status()
            if not ok:
                raise RuntimeError(sandbox.refusal(why))
        work = Path(resources.get("metadata", {}).get("path") or ".")
        if execution == "autograde" and work.parent.parent.name == "autograded":
            removed = strip_working_copy(work, root / "source" / assignment,
                                         {p.name for p in work.glob("*.ipynb")})
            if removed:
                self.log.warning("Removed from the submission of %s before grading: %s",
                                 student, ", ".join(removed))
            write_status(root, assignment, student, state="running", removed_files=removed)
        module = spec.load(assignment, root) if assignment else None
        self._nonce = "MGMODEL-EXPORT-" + secrets.token_hex(16)
        self._dead = None
        self._chars = {}
        if module is not None:
            cells = []
            for cell in nb.cells:
                cells.append(cell)
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if _is_grade_code(cell) and grade_id in module.PARTS:
                    code = export.kernel_code(module.PARTS[grade_id].answers, self._nonce)
                    extra = new_code_cell(code)
                    extra.id = EXPORT_PREFIX + grade_id
                    cells.append(extra)
            nb.cells = cells
        try:
            nb, resources = super().preprocess(nb, resources, km)
        except Exception as err:
            if execution == "autograde":
                write_status(root, assignment, student, state="failed",
                             error=f"{type(err).__name__}: {str(err).splitlines()[0][:200] if str(err) else ''}")
            raise
        finally:
            exports, kept = {}, []
            for cell in nb.cells:
                if cell.get("id", "").startswith(EXPORT_PREFIX):
                    text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                                   if o.get("output_type") == "stream" and o.get("name") == "stdout")
                    exports[cell.id[len(EXPORT_PREFIX):]] = export.parse_output(text, self._nonce)
                else:
                    kept.append(cell)
            nb.cells = kept
        resources["grading"] = {"exports": exports, "kernel_died": self._dead,
                                "has_checks": module is not None}
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if self._dead is not None:
            if cell.cell_type == "code":
                cell.outputs = [_error("KernelDied", f"not run: the kernel stopped in an earlier cell ({self._dead})")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = cell.get("id", str(index))
            if cell.cell_type == "code":
                cell.outputs.append(_error("KernelDied", "the kernel stopped while running this cell"))
            return cell, resources

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most ``max_output_chars`` characters of output per cell."""
        cell = self.nb.cells[cell_index] if cell_index < len(self.nb.cells) else None
        is_export = cell is not None and cell.get("id", "").startswith(EXPORT_PREFIX)
        limit = 4 * 1024 * 1024 if is_export else self.max_output_chars
        used = self._chars.get(cell_index, 0)
        size = len(json.dumps(msg.get("content", {}), default=str))
        if used >= limit:
            return None
        self._chars[cell_index] = used + size
        if used + size > limit:
            content = msg.get("content", {})
            if msg["msg_type"] == "stream":
                content["text"] = content.get("text", "")[: max(0, limit - used)]
                out = super().output(outs, msg, display_id, cell_index)
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text=f"\n... output truncated (more than {limit} characters) ...\n"))
                return out
            outs.append(NotebookNode(output_type="stream", name="stdout",
                                     text=f"\n... output truncated (more than {limit} characters) ...\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


class StderrAsStdout(NbGraderPreprocessor):
    """Show what a cell printed to stderr (warnings, debug prints) as ordinary output.

    nbgrader scores a grade cell 0 when it has *any* stderr output; a warning or a debug print
    must not cost points. Errors (exceptions) still do.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    out["name"] = "stdout"
                    out["text"] = "".join(f"[stderr] {line}" for line in out["text"].splitlines(True))
        return cell, resources


_SEEDED = []


def _cache() -> Path:
    """The grading cache of the model's EPP tables, seeded once from the instructor's own cache.

    Building a table takes seconds to minutes; the kernels (which may only read this folder)
    and the clean grading process then load the same files.
    """
    cache = kernel_launcher.cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        cache.chmod(0o755)  # the kernels read it (read-only); only the instructor writes
        if not _SEEDED:
            own = Path(os.environ.get("MGMODEL_CACHE", Path.home() / ".cache" / "mgmodel"))
            for table in own.glob("epp-table-*.npz") if own.is_dir() and own != cache else []:
                if not (cache / table.name).exists():
                    tmp = cache / f".{table.name}.{os.getpid()}"
                    shutil.copyfile(table, tmp)
                    tmp.chmod(0o644)
                    os.replace(tmp, cache / table.name)
            _SEEDED.append(True)
    except OSError:
        pass
    return cache


def run_judge(command: str, request: dict, timeout: float = 600) -> dict:
    """Run :mod:`grading.judge` in a fresh ``python -I`` and return its reply."""
    root = Path(request["root"])
    proc = subprocess.run([sys.executable, "-I", "-c", judge.bootstrap_code(root), command],
                          input=json.dumps(request, allow_nan=True), capture_output=True,
                          text=True, timeout=timeout, cwd=root,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MPLBACKEND": "Agg",
                               "LANG": "C.UTF-8", "HOME": os.environ.get("HOME", "/tmp"),
                               "MGMODEL_CACHE": str(_cache()), **kernel_launcher.NUMERICS_ENV})
    try:
        reply = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError(f"the grading process failed: {proc.stderr[-2000:]}") from None
    if "error" in reply:
        raise RuntimeError(f"the grading process failed: {reply['error']}\n{reply.get('traceback', '')}")
    return reply


class HiddenChecks(NbGraderPreprocessor):
    """Compare the exported answers with the references in a clean process; fail wrong parts."""

    def preprocess(self, nb, resources):
        grading = resources.get("grading") or {}
        info = resources.get("nbgrader", {})
        assignment, student = info.get("assignment", ""), info.get("student", "")
        if not grading.get("has_checks"):
            self.log.warning("%s has no hidden_checks/%s.py: only the checks in the notebook count",
                             assignment, assignment)
            return nb, resources
        try:
            results = run_judge("check", {"root": str(spec.COURSE_ROOT), "assignment": assignment,
                                          "student": student, "answers": grading.get("exports", {})})
        except Exception as err:
            write_status(spec.COURSE_ROOT, assignment, student, state="failed",
                         error=f"hidden checks: {str(err).splitlines()[0][:200]}")
            raise
        stale = results.pop(judge.STALE_KEY, None)
        if stale:
            self.log.warning(stale)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if not _is_grade_code(cell) or grade_id not in results:
                continue
            res = results[grade_id]
            if res["passed"]:
                cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=res["message"] + "\n"))
            else:
                cell.outputs.append(_error("HiddenCheckFailed", res["message"]))
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            write_status(spec.COURSE_ROOT, assignment, student, state="graded",
                         answers=grading.get("exports", {}), warning=stale,
                         kernel_died=grading.get("kernel_died"),
                         failed_parts=sorted(g for g, r in results.items() if not r["passed"]))
        resources["grading"]["results"] = results
        return nb, resources


def compute_references(assignment=None, student=None, notebooks=None, **_):
    """``GenerateAssignment.post_convert_hook``: store the references of the assignment."""
    if assignment and spec.checks_path(assignment).exists():
        try:
            run_judge("references", {"root": str(spec.COURSE_ROOT), "assignment": assignment})
        except Exception as err:  # nbgrader logs hook failures at INFO only: say it loudly
            print(f"[grading] ERROR: the references of {assignment} could not be computed; autograde "
                  f"will refuse until they are.\n{err}", file=sys.stderr)
            raise
