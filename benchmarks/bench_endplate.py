"""Speed of the endplate floor: one full EPP, the table, the fast path and a train, vs naive solve_ivp.

Run:  python benchmarks/bench_endplate.py      (prints a table; nothing is asserted)

Targets (issue 10): one simulate_epp <= 20 ms; RNS of 1e5 fibres x 10 stimuli <= 0.2 s (its
postsynaptic part is ``postsynaptic_train`` below); the table is built once per machine and
cached on disk. The previous model (one well-mixed patch, no temperature, passive membrane)
measured simulate_epp 1.2 ms and a table build of ~2 s on an idle machine. The first version of
this endplate (table v11: cleft blocks solved with the systems on the leading axis, 0.02 ms
membrane steps throughout, 9 AChE x 5 quanta cleft nodes) built its table in 10.5 s of CPU time (one
thread; 33-48 s wall on the shared 2-core machine at load ~9); v12 (systems on the contiguous
axis, 0.1 ms steps in the slow tail, 11 AChE x 8 quanta nodes for accuracy, about twice the cleft
systems) in 7.9 s of CPU (19-44 s wall there). Wall time equals CPU time only on an idle machine.
The naive baseline is
the same cleft equations (patch + 3 rings, 20 states) solved with ``solve_ivp`` RK45 and no
Jacobian - the obvious first implementation.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import numpy as np
from scipy.integrate import solve_ivp

from mgmodel import HUMAN, epp_fast, postsynaptic_train, simulate_epp
from mgmodel.cleft import N_STATES, cleft_rates, cleft_rhs
from mgmodel.endplate import membrane_response
from mgmodel.fastpath import EPPTable, FibreEPP, epp_table


def _median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def naive_epp(ep, quanta, t_max_ms=15.0):
    """The same EPP with solve_ivp RK45 and no Jacobian."""
    c = cleft_rates(ep, quanta)
    t = np.arange(0.0, t_max_ms, 0.01)
    sol = solve_ivp(lambda _t, y: cleft_rhs(y, c), (0.0, t_max_ms), [c.a0] + [0.0] * (N_STATES - 1),
                    method="RK45", rtol=1e-6, atol=1e-6, t_eval=t)
    return membrane_response(c.open_per_quantum(sol.y), t, quanta, ep).max()


def main():
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:      # a cold cache: the build on a new machine
        old = os.environ.get("MGMODEL_CACHE")
        os.environ["MGMODEL_CACHE"] = tmp
        t0 = time.perf_counter()
        EPPTable.build(HUMAN)
        t_build = time.perf_counter() - t0
        if old is None:
            os.environ.pop("MGMODEL_CACHE")
        else:
            os.environ["MGMODEL_CACHE"] = old
    table = epp_table(HUMAN)

    states = [HUMAN.replace(achr_fraction=float(a), ache_activity=float(c))
              for a, c in zip(rng.uniform(0.1, 1.5, 50), rng.uniform(0, 1, 50))]
    it = iter(states * 100)
    t_ode = _median_time(lambda: simulate_epp(next(it)), 30)
    it2 = iter(states * 100)
    t_naive = _median_time(lambda: naive_epp(next(it2), 45.0), 5)

    n = 100_000
    f, m = rng.uniform(0.05, 1.5, n), rng.uniform(0, 100, n)
    a, na = rng.uniform(0, 1, n), rng.uniform(0.1, 1, n)
    t_fast = _median_time(lambda: epp_fast(HUMAN, achr_fraction=f, quanta=m, ache_activity=a,
                                           na_channel_fraction=na), 5)
    fib = FibreEPP(table, f, 1.0, na, 1.0)
    q = rng.uniform(20, 60, (n, 10))
    t_fibre = _median_time(lambda: fib.peak(q), 5)
    times = np.arange(10) * 333.3
    t_train = _median_time(lambda: postsynaptic_train(table, f, q, times, na_channel_fraction=na), 3)
    t_train_nl = _median_time(lambda: postsynaptic_train(table, f, q, times, na_channel_fraction=na,
                                                         with_latency=False), 3)

    rows = [
        ("EPP table build, cold cache (once per machine and constants)", t_build, None),
        ("simulate_epp, one EPP, LSODA + analytic Jacobian (median)", t_ode, 20e-3),
        ("naive solve_ivp RK45 no Jacobian, one EPP (median)", t_naive, None),
        ("epp_fast, 1e5 combinations (median)", t_fast, None),
        ("FibreEPP.peak, 1e5 fibres x 10 impulses (median)", t_fibre, None),
        ("postsynaptic_train, 1e5 fibres x 10 impulses at 3 Hz (median)", t_train, None),
        ("  the same, with_latency=False (what RNS needs)", t_train_nl, 0.2),
    ]
    print(f"{'what':66s} {'time':>12s} {'target':>10s}")
    for name, t, target in rows:
        tgt = f"<= {target * 1e3:g} ms" if target else ""
        print(f"{name:66s} {t * 1e3:10.2f} ms {tgt:>10s}")
    print("previous model (same machine, idle): simulate_epp 1.2 ms; table build ~2 s")
    print(f"speed-up of simulate_epp over naive RK45:          {t_naive / t_ode:8.1f}x")
    print(f"speed-up of FibreEPP over naive RK45 per EPP:      {t_naive / (t_fibre / (10 * n)):8.0f}x")


if __name__ == "__main__":
    main()
