"""The clean grading process: compare exported answers with the references.

Started by the grader as ``python -I -c "<bootstrap>" <command>`` (isolated mode: no
``PYTHONPATH``, no user site, no current folder on ``sys.path``) with a JSON request on stdin;
prints a JSON reply on stdout. It never runs students' code: it only reads plain values.

Commands:

``check``       {"root", "assignment", "student", "answers": {grade_id: {key: json} | null}}
                -> {grade_id: {"passed": bool, "message": str}}
``references``  {"root", "assignment"} -> writes ``grading_store/references/<assignment>.json``
``key``         {"root", "assignment", "student"} -> the per-student references (answer key)
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from . import plain, spec


def bootstrap_code(root: Path) -> str:
    """The ``-c`` program that starts this module from the course root ``root``."""
    return (f"import sys; sys.path.insert(0, {str(root)!r}); "
            "from grading.judge import main; sys.exit(main(sys.argv[1:]))")


STALE_KEY = "__stale__"


def model_digest() -> str:
    """SHA-256 of the installed model's source: references follow the model they came from."""
    import hashlib
    import importlib.util

    spec_ = importlib.util.find_spec("mgmodel")
    h = hashlib.sha256()
    for path in sorted(Path(spec_.origin).parent.rglob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def write_references(root: Path, assignment: str) -> Path:
    module = spec.load(assignment, root)
    if module is None:
        raise FileNotFoundError(f"no {spec.checks_path(assignment, root)}")
    refs = module.references() if hasattr(module, "references") else {}
    path = spec.references_path(assignment, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"assignment": assignment,
                                "checks_sha256": spec.spec_digest(assignment, root),
                                "model_sha256": model_digest(),
                                "references": plain.encode(refs)}, allow_nan=True, indent=1))
    path.chmod(0o600)
    return path


def load_references(root: Path, assignment: str) -> dict:
    path = spec.references_path(assignment, root)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `nbgrader generate_assignment {assignment}` "
                                "(it computes the references)")
    stored = json.loads(path.read_text())
    if stored["checks_sha256"] != spec.spec_digest(assignment, root):
        raise RuntimeError(f"hidden_checks/{assignment}.py changed after the references were "
                           f"computed: run `nbgrader generate_assignment {assignment} --force`")
    refs = plain.decode(stored["references"])
    if stored.get("model_sha256") != model_digest():
        # not refused (a comment or a plot may have changed), but said wherever the instructor looks
        refs[STALE_KEY] = (f"mgmodel changed after the references of {assignment} were computed: if "
                           f"its numbers changed, run `nbgrader generate_assignment {assignment} --force`")
    return refs


def student_references(module, student: str) -> dict:
    extra = module.student_references(student) if hasattr(module, "student_references") else {}
    return {**extra, "student_id": student}


def check(request: dict) -> dict:
    root, assignment, student = Path(request["root"]), request["assignment"], request["student"]
    module = spec.load(assignment, root)
    refs = dict(load_references(root, assignment))
    stale = refs.pop(STALE_KEY, None)
    refs.update(student_references(module, student))
    results = {STALE_KEY: stale} if stale else {}
    for grade_id, part in module.PARTS.items():
        exported = (request.get("answers") or {}).get(grade_id)
        if exported is None:
            results[grade_id] = {"passed": False, "message": "hidden check: the answers of this part "
                                 "could not be read from the notebook (did the kernel stop or hang?)"}
            continue
        answers = spec.Answers({k: plain.loads(v) for k, v in exported.items()})
        try:
            part.check(answers, refs)
        except AssertionError as err:
            message = str(err) or "hidden check failed"
            if not message.startswith("hidden check"):
                message = f"hidden check: {message}"
            results[grade_id] = {"passed": False, "message": message}
        except Exception as err:  # the answer had the wrong shape or type for the check
            results[grade_id] = {"passed": False, "message": "hidden check: your answer could not be "
                                 f"checked ({type(err).__name__})"}
        else:
            results[grade_id] = {"passed": True, "message": "Hidden checks passed."}
    return results


def main(argv) -> int:
    command = argv[0] if argv else ""
    request = json.loads(sys.stdin.read() or "{}")
    try:
        if command == "check":
            reply = check(request)
        elif command == "references":
            reply = {"path": str(write_references(Path(request["root"]), request["assignment"]))}
        elif command == "key":
            module = spec.load(request["assignment"], Path(request["root"]))
            reply = {"references": plain.encode(student_references(module, request["student"]))}
        else:
            raise ValueError(f"unknown command {command!r}")
    except Exception as err:
        sys.stdout.write(json.dumps({"error": f"{type(err).__name__}: {err}",
                                     "traceback": traceback.format_exc()}))
        return 1
    sys.stdout.write(json.dumps(reply, allow_nan=True))
    return 0
