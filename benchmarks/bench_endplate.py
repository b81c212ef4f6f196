"""Speed of the endplate core: one ODE EPP, the vectorized fast path, and a naive baseline.

Run:  python benchmarks/bench_endplate.py      (prints a table; nothing is asserted)

Targets (issue 2): one simulate_epp <= 2 ms median; fast path for 1e5 combinations <= 0.1 s.
The naive baseline is a per-endplate ``solve_ivp`` (RK45, no Jacobian) of the same equations.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from scipy.integrate import solve_ivp

from mgmodel import HUMAN, epp_fast, simulate_epp
from mgmodel.endplate import _full_rhs, patch_rates
from mgmodel.fastpath import epp_table


def _median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def naive_epp(ep, quanta, t_max_ms=15.0):
    """The same EPP with solve_ivp RK45 and no Jacobian (the obvious first implementation)."""
    kon, koff, beta, alpha, vmax, km, kesc, r_tot, a0 = patch_rates(ep)
    g = quanta * ep.molecules_per_uM * ep.conductance_pS * 1e-3
    args = (kon, koff, beta, alpha, vmax, km, kesc, r_tot, g, ep.e_rev_mV, ep.v_rest_mV,
            ep.tau_membrane_ms, ep.capacitance_nF)
    sol = solve_ivp(lambda t, y: _full_rhs(y, t, *args), (0.0, t_max_ms),
                    [a0, 0, 0, 0, ep.v_rest_mV], method="RK45", rtol=1e-6, atol=1e-6,
                    t_eval=np.arange(0.0, t_max_ms, 0.01))
    return sol.y[4].max() - ep.v_rest_mV


def main():
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    epp_table(HUMAN)
    t_table = time.perf_counter() - t0

    states = [HUMAN.replace(achr_fraction=float(a), ache_activity=float(c))
              for a, c in zip(rng.uniform(0.1, 1.5, 50), rng.uniform(0, 1, 50))]
    it = iter(states * 100)
    t_ode = _median_time(lambda: simulate_epp(next(it)), 50)
    it2 = iter(states * 100)
    t_naive = _median_time(lambda: naive_epp(next(it2), 45.0), 10)

    n = 100_000
    f, m = rng.uniform(0.05, 1.5, n), rng.uniform(0, 100, n)
    a, na = rng.uniform(0, 1, n), rng.uniform(0.1, 1, n)
    t_fast = _median_time(lambda: epp_fast(HUMAN, achr_fraction=f, quanta=m, ache_activity=a,
                                           na_channel_fraction=na), 7)

    rows = [
        ("EPP table (first use in this process; cached on disk after)", t_table, None),
        ("simulate_epp, one EPP, LSODA + Jacobian (median)", t_ode, 2e-3),
        ("naive solve_ivp RK45 no Jacobian, one EPP (median)", t_naive, None),
        ("epp_fast, 1e5 combinations (median)", t_fast, 0.1),
        ("epp_fast, per combination", t_fast / n, None),
    ]
    print(f"{'what':62s} {'time':>12s} {'target':>10s}")
    for name, t, target in rows:
        tgt = f"<= {target * 1e3:g} ms" if target else ""
        print(f"{name:62s} {t * 1e3:10.4f} ms {tgt:>10s}")
    print(f"speed-up of simulate_epp over naive RK45:          {t_naive / t_ode:8.1f}x")
    print(f"speed-up of the fast path over naive RK45 per EPP: {t_naive / (t_fast / n):8.0f}x")


if __name__ == "__main__":
    main()
