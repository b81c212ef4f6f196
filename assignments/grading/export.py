"""The code that takes a part's answers out of the student's kernel (run right after its grade cell).

The grader inserts one such cell after each auto-graded grade cell and removes it again after
execution. It prints one line, ``<nonce><JSON>``, holding the part's answers as plain values
(:mod:`grading.plain`). It runs in a kernel the student controls, so nothing it prints is
trusted: the grader decodes it strictly and compares it, outside the kernel, with references the
kernel never sees. Faking this output buys nothing that typing a number would not.
"""

from __future__ import annotations

import json

from . import plain
from .spec import call, value

# Runs in the student's kernel. Names are deleted afterwards; nothing is imported into the
# student's namespace. Only numpy's own scalar and array types pass, by exact type.
_KERNEL_CODE = r'''
def __mgmodel_grading_export(nonce, specs):
    import json, sys
    plain_dtypes = %(dtypes)r
    def enc(x, depth=0):
        if depth > 32:
            raise TypeError("nested too deeply")
        t = type(x)
        if x is None or t is bool or t is int or t is float or t is str:
            return x
        np = sys.modules.get("numpy")
        if np is not None and t is np.ndarray:
            if x.dtype.name not in plain_dtypes:
                raise TypeError("an array of dtype %%s is not a plain array" %% x.dtype)
            return {"$array": x.tolist(), "dtype": x.dtype.name, "shape": list(x.shape)}
        if np is not None and t in (np.bool_, np.float64, np.float32, np.float16, np.int64,
                                    np.int32, np.int16, np.int8, np.uint64, np.uint32,
                                    np.uint16, np.uint8):
            return x.item()
        if t is list:
            return [enc(v, depth + 1) for v in x]
        if t is tuple:
            return {"$tuple": [enc(v, depth + 1) for v in x]}
        if t is dict:
            return {"$dict": [[enc(k, depth + 1), enc(v, depth + 1)] for k, v in x.items()]}
        raise TypeError("not a plain value (%%s.%%s)" %% (t.__module__, t.__qualname__))
    def dec(x):
        if type(x) is list:
            return [dec(v) for v in x]
        if type(x) is dict and "$array" in x:
            import numpy
            return numpy.array(x["$array"], dtype=x["dtype"])
        if type(x) is dict and "$tuple" in x:
            return tuple(dec(v) for v in x["$tuple"])
        return x
    ns = globals()
    out = {}
    for key, kind, name, args, kwargs in specs:
        try:
            if name.split(".")[0] not in ns:
                raise NameError("name %%r is not defined" %% name.split(".")[0])
            obj = ns[name.split(".")[0]]
            for attr in name.split(".")[1:]:
                obj = getattr(obj, attr)
            if kind == "call":
                obj = obj(*dec(json.loads(args)), **{k: dec(v) for k, v in json.loads(kwargs).items()})
            out[key] = enc(obj)
        except Exception as err:  # (not KeyboardInterrupt: a cell timeout must stop this cell)
            out[key] = {"$rejected": ("%%s: %%s" %% (type(err).__name__, err))[:300]}
    sys.stdout.write(nonce + json.dumps(out, allow_nan=True) + "\n")
    sys.stdout.flush()
__mgmodel_grading_export(%(nonce)r, %(specs)r)
del __mgmodel_grading_export
'''


def kernel_code(answers: dict, nonce: str) -> str:
    """Source of the export cell for one part's ``answers`` ({key: value | call})."""
    specs = []
    for key, spec in answers.items():
        if isinstance(spec, value):
            specs.append((key, "value", spec.name, "[]", "{}"))
        elif isinstance(spec, call):
            specs.append((key, "call", spec.name, plain.dumps(list(spec.args)),
                          json.dumps({k: plain.encode(v) for k, v in spec.kwargs.items()})))
        else:
            raise TypeError(f"answer {key!r}: use grading.value(...) or grading.call(...)")
    return _KERNEL_CODE % {"nonce": nonce, "specs": specs, "dtypes": sorted(plain.PLAIN_DTYPES)}


def parse_output(text: str, nonce: str):
    """The exported answers ({key: JSON text of the answer}) in a cell's stdout, or None."""
    for line in text.splitlines():
        if line.startswith(nonce):
            try:
                data = json.loads(line[len(nonce):])
            except ValueError:
                return None
            if type(data) is not dict:
                return None
            return {str(k): json.dumps(v, allow_nan=True) for k, v in data.items()}
    return None
