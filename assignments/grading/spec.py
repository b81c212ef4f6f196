"""How an assignment declares its hidden checks (``hidden_checks/<assignment>.py``).

A hidden-checks module defines

``PARTS``
    ``{grade_id: Part(answers={key: value("name") | call("name", *args), ...}, check=function)}``
    for every auto-graded (code) grade cell of the notebook. ``answers`` says what to take out of
    the student's kernel right after that grade cell ran; ``check(ans, ref)`` runs later in a
    clean ``python -I`` process and raises ``AssertionError`` (use :func:`expect_close` and
    friends) when the part is wrong. ``ans[key]`` is a plain value (see :mod:`grading.plain`);
    reading a rejected answer fails the part with the reason.
``references()``
    Returns a dict of plain values. Called once by ``nbgrader generate_assignment`` (in a clean
    process); the result is stored in ``grading_store/references/<assignment>.json`` in the course root, never
    released. ``ref[name]`` in the checks reads it.
``student_references(student_id)`` (optional)
    Per-student references (e.g. the mystery patient), computed in the clean grading process,
    merged into ``ref`` (plus ``ref["student_id"]``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .plain import Rejected

COURSE_ROOT = Path(__file__).resolve().parents[1]
CHECKS_DIR = "hidden_checks"
STORE_DIR = "grading_store"          # in the course root, never released, never committed
REFERENCES_DIR = f"{STORE_DIR}/references"
STATUS_DIR = f"{STORE_DIR}/status"


@dataclass(frozen=True)
class value:
    """Export the student's variable ``name`` (dotted attribute paths allowed: ``"res.peak"``)."""

    name: str


@dataclass(frozen=True)
class call:
    """Export ``name(*args, **kwargs)`` called in the student's kernel; args are plain values."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __init__(self, name, *args, **kwargs):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", tuple(args))
        object.__setattr__(self, "kwargs", dict(kwargs))


@dataclass(frozen=True)
class Part:
    """One auto-graded part: what to export from the kernel, and the check run outside it."""

    answers: dict
    check: Callable


class Answers(dict):
    """The decoded answers of one part; a rejected answer fails the part when it is read."""

    def __getitem__(self, key):
        if key not in self.keys():
            raise AssertionError(f"hidden check: no answer '{key}' was exported")
        v = dict.__getitem__(self, key)
        if isinstance(v, Rejected):
            raise AssertionError(f"hidden check: {key} could not be used: {v.reason}")
        return v


def checks_path(assignment: str, root: Path = COURSE_ROOT) -> Path:
    return Path(root) / CHECKS_DIR / f"{assignment}.py"


def references_path(assignment: str, root: Path = COURSE_ROOT) -> Path:
    return Path(root) / REFERENCES_DIR / f"{assignment}.json"


def spec_digest(assignment: str, root: Path = COURSE_ROOT) -> str:
    return hashlib.sha256(checks_path(assignment, root).read_bytes()).hexdigest()


def load(assignment: str, root: Path = COURSE_ROOT):
    """The hidden-checks module of ``assignment``, or None when it has none."""
    path = checks_path(assignment, root)
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"hidden_checks_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for grade_id, part in module.PARTS.items():
        if not isinstance(part, Part):
            raise TypeError(f"{path}: PARTS[{grade_id!r}] must be a grading.Part")
    return module


# --- helpers for check functions (messages never show the reference) -----------------------------

def number(x, what="the value") -> float:
    """``x`` as a float when it is one number (int, float, or an array of one number); else fail."""
    if isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "iuf":
        return float(x.reshape(()))
    if type(x) is bool or not isinstance(x, (int, float)):
        raise AssertionError(f"hidden check: {what} should be one number, not {type(x).__name__}")
    return float(x)


def expect_close(answer, reference, rtol=0.0, atol=0.0, what="the value", equal_nan=False):
    """Fail unless ``answer`` (a number or an array/list of numbers) matches ``reference``.

    ``|answer - reference| <= atol + rtol * |reference|`` element-wise, shapes equal.
    """
    if isinstance(reference, (int, float)) and not isinstance(reference, bool):
        a = number(answer, what)
        if equal_nan and math.isnan(reference) and math.isnan(a):
            return
        ok = abs(a - reference) <= atol + rtol * abs(reference)
    else:
        ref = np.asarray(reference, dtype=float)
        if isinstance(answer, (list, tuple)):
            answer = np.asarray(answer)
        if not isinstance(answer, np.ndarray) or answer.dtype.kind not in "biuf":
            raise AssertionError(f"hidden check: {what} should be an array of numbers")
        ok = answer.shape == ref.shape and bool(np.allclose(answer.astype(float), ref, rtol=rtol,
                                                            atol=atol, equal_nan=equal_nan))
    if not ok:
        raise AssertionError(f"hidden check: {what} differs from the reference")


def expect_equal(answer, reference, what="the value"):
    """Fail unless ``answer == reference`` exactly (plain values: bools, ints, strings, dicts)."""
    if answer != reference:
        raise AssertionError(f"hidden check: {what} differs from the reference")


def expect_true(condition, message):
    """Fail with ``hidden check: <message>`` unless ``condition`` holds."""
    if not condition:
        raise AssertionError(f"hidden check: {message}")
