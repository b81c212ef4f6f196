"""Timing of the virtual trials (mgmodel.trials.run_trial) with the published arm sizes.

Run: ``python benchmarks/bench_trials.py``. The issue's budget is <= 60 s per design on this 2-core
machine, serially, with a progress bar. Side by side for RAISE: the vectorized path (strength of a
chunk of ``CHUNK`` candidates x all visits in one evaluation over the fixed fibre sample) against
one candidate at a time (``CHUNK = 1``), the alternative it replaces.
"""

from __future__ import annotations

import time

import mgmodel.trials.run as run_module
from mgmodel.trials import DESIGNS, run_trial

BUDGET_S = 60.0


def _time(name, **kw):
    t0 = time.perf_counter()
    r = run_trial(name, progress=False, **kw)
    return time.perf_counter() - t0, r


def main():
    print(f"{'design':16s} {'arms':>10s} {'screened':>9s} {'time (s)':>9s}  within {BUDGET_S:.0f} s")
    for name, d in DESIGNS.items():
        dt, r = _time(name)
        print(f"{name:16s} {str(d.n_per_arm):>10s} {r.screened:9d} {dt:9.1f}  {'yes' if dt <= BUDGET_S else 'NO'}")
    chunk = run_module.CHUNK
    vec, _ = _time("RAISE")
    run_module.CHUNK = 1
    try:
        one, _ = _time("RAISE")
    finally:
        run_module.CHUNK = chunk
    print(f"RAISE vectorized over {chunk} candidates: {vec:.1f} s; one candidate at a time: {one:.1f} s "
          f"({one / vec:.1f}x)")


if __name__ == "__main__":
    main()
