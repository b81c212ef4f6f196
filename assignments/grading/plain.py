"""Plain values: the only things that travel between a student's kernel and the grader.

An answer leaves the kernel as JSON made of ``None``, ``bool``, ``int``, ``float``, ``str``,
lists, and three tagged forms: ``{"$tuple": [...]}``, ``{"$dict": [[key, value], ...]}`` and
``{"$array": nested lists, "dtype": name, "shape": [...]}`` for a numpy array of a plain dtype
(bool, integers, floats). Anything else (a subclass of float or ndarray, an object with
``__float__`` or ``__array_function__``, a function) is *rejected* in the kernel and arrives as
``{"$rejected": reason}``. :func:`decode` rebuilds the values in the grader and checks the
structure again, so that whatever the kernel sends, the checks only ever see plain values.
"""

from __future__ import annotations

import json

import numpy as np

PLAIN_DTYPES = frozenset({"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                          "uint64", "float16", "float32", "float64"})
MAX_DEPTH = 32
MAX_CHARS = 2_000_000  # one exported answer, as JSON text


class Rejected:
    """An answer that could not be used, with the reason (shown to the student)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = str(reason)[:300]

    def __repr__(self):
        return f"Rejected({self.reason!r})"


def encode(x, depth: int = 0):
    """JSON-ready form of a plain value (used on the trusted side, e.g. for references)."""
    if depth > MAX_DEPTH:
        raise TypeError("nested too deeply")
    t = type(x)
    if x is None or t in (bool, int, float, str):
        return x
    if isinstance(x, np.generic) and type(x).__module__ == "numpy" and x.dtype.name in PLAIN_DTYPES:
        return x.item()
    if t is np.ndarray and x.dtype.name in PLAIN_DTYPES:
        return {"$array": x.tolist(), "dtype": x.dtype.name, "shape": list(x.shape)}
    if t is list:
        return [encode(v, depth + 1) for v in x]
    if t is tuple:
        return {"$tuple": [encode(v, depth + 1) for v in x]}
    if t is dict:
        return {"$dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in x.items()]}
    raise TypeError(f"not a plain value: {t.__module__}.{t.__qualname__}")


def _key(x):
    if isinstance(x, list):
        return tuple(_key(v) for v in x)
    return x


def decode(data, depth: int = 0):
    """Rebuild a plain value from its JSON form, refusing anything that is not one."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    t = type(data)
    if data is None or t in (bool, int, float, str):
        return data
    if t is list:
        return [decode(v, depth + 1) for v in data]
    if t is dict:
        if set(data) == {"$rejected"}:
            return Rejected(data["$rejected"])
        if set(data) == {"$tuple"} and type(data["$tuple"]) is list:
            return tuple(decode(v, depth + 1) for v in data["$tuple"])
        if set(data) == {"$dict"} and type(data["$dict"]) is list:
            out = {}
            for pair in data["$dict"]:
                if type(pair) is not list or len(pair) != 2:
                    raise ValueError("malformed dict entry")
                key = decode(pair[0], depth + 1)
                key = tuple(_key(v) for v in key) if isinstance(key, tuple) else _key(key)
                out[key] = decode(pair[1], depth + 1)
            return out
        if set(data) == {"$array", "dtype", "shape"}:
            if data["dtype"] not in PLAIN_DTYPES or type(data["shape"]) is not list:
                raise ValueError(f"not a plain array dtype: {data['dtype']!r}")
            arr = np.array(data["$array"], dtype=data["dtype"])
            if list(arr.shape) != data["shape"] or arr.dtype == object:
                raise ValueError("array data do not match their shape")
            return arr
    raise ValueError(f"not a plain value: {t.__name__}")


def loads(text: str):
    """:func:`decode` of a JSON text, with a size limit."""
    if len(text) > MAX_CHARS:
        return Rejected(f"answer too large ({len(text)} characters as JSON)")
    try:
        return decode(json.loads(text))
    except (ValueError, TypeError, RecursionError) as err:
        return Rejected(f"malformed answer: {err}")


def dumps(x) -> str:
    return json.dumps(encode(x), allow_nan=True)
