"""Input checks shared by every public function.

Every check raises :class:`ValueError` whose message names the parameter, the value it got and the
valid range, so a learner who types ``achr_fraction=-0.2`` is told exactly what is wrong.
Nothing is ever clamped silently and no NaN is let through.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_number", "check_array", "check_int", "check_rng", "check_choice", "checked_replace"]


def _range_text(lo, hi, lo_open, hi_open):
    left = "(" if (lo_open or lo is None) else "["
    right = ")" if (hi_open or hi is None) else "]"
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return f"{left}{lo_s}, {hi_s}{right}"


def _in_range(x, lo, hi, lo_open, hi_open):
    ok = np.ones(np.shape(x), dtype=bool)
    if lo is not None:
        ok &= (x > lo) if lo_open else (x >= lo)
    if hi is not None:
        ok &= (x < hi) if hi_open else (x <= hi)
    return ok


def check_number(name, value, lo=None, hi=None, *, lo_open=False, hi_open=False, unit=""):
    """Return ``value`` as a float after checking it is a finite real number in range.

    Raises
    ------
    ValueError
        If the value is not a real number (bool included), is NaN or infinite, or lies outside
        the range; the message names ``name``, the value and the valid range.
    """
    unit_s = f" {unit}" if unit else ""
    rng = _range_text(lo, hi, lo_open, hi_open)
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(
            f"{name} must be a real number in {rng}{unit_s}; got {value!r} of type {type(value).__name__}"
        )
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number in {rng}{unit_s}; got {value!r}")
    if not _in_range(x, lo, hi, lo_open, hi_open):
        raise ValueError(f"{name} must lie in {rng}{unit_s}; got {x:g}")
    return x


def check_array(name, value, lo=None, hi=None, *, lo_open=False, hi_open=False, unit=""):
    """Return ``value`` as a float ndarray after checking every element is finite and in range."""
    unit_s = f" {unit}" if unit else ""
    rng = _range_text(lo, hi, lo_open, hi_open)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number or an array of numbers in {rng}{unit_s}; got {value!r}"
        ) from None
    if np.asarray(value).dtype == bool:
        raise ValueError(f"{name} must be numeric in {rng}{unit_s}; got booleans")
    if arr.size and not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        raise ValueError(f"{name} must be finite, in {rng}{unit_s}; got {bad!r}")
    ok = _in_range(arr, lo, hi, lo_open, hi_open)
    if not np.all(ok):
        bad = arr[~ok].flat[0]
        raise ValueError(f"{name} must lie in {rng}{unit_s}; got {bad:g}")
    return arr


def check_int(name, value, lo=None, hi=None):
    """Return ``value`` as an int after checking it is a whole number in ``[lo, hi]``."""
    rng = _range_text(lo, hi, False, False)
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number in {rng}; got {value!r}")
    v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"{name} must be a whole number in {rng}; got {v}")
    return v


def check_rng(rng, name="rng"):
    """Return a :class:`numpy.random.Generator`.

    ``None`` gives a generator seeded with 0 (so that a call without ``rng`` is reproducible), an
    int is used as a seed, and a Generator is passed through. Anything else raises ValueError.
    """
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ValueError(f"{name} seed must be a whole number >= 0; got {rng}")
        return np.random.default_rng(int(rng))
    raise ValueError(
        f"{name} must be None, a whole-number seed >= 0 or a numpy.random.Generator; got {rng!r}"
    )


def check_choice(name, value, choices):
    """Check that ``value`` is one of ``choices`` (strings) and return it."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}; got {value!r}")
    return value


def checked_replace(obj, changes, noun="field"):
    """``dataclasses.replace`` for the frozen parameter classes, refusing unknown names.

    The copy is validated again by its ``__post_init__``; an unknown name raises ValueError that
    lists the valid ones (a typo such as ``achr=0.5`` must not pass silently).
    """
    import dataclasses

    names = {f.name for f in dataclasses.fields(obj)}
    for key in changes:
        if key not in names:
            raise ValueError(f"{type(obj).__name__} has no {noun} {key!r}; valid names: {sorted(names)}")
    return dataclasses.replace(obj, **changes)
