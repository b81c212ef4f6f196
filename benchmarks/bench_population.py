"""Speed of the population floor, next to a naive per-fibre ODE loop, in one run.

Run: ``MGMODEL_CACHE=/tmp/mgc .venv/bin/python benchmarks/bench_population.py``

Prints a table of best-of-N wall times for

* ``simulate_rns`` with 10⁵ fibres × 10 stimuli (target <= 0.2 s) and 1,000 fibres (<= 10 ms);
* ``simulate_sfemg`` with 20 pairs × 100 discharges (<= 20 ms);
* a naive loop: every fibre and every stimulus solved with ``scipy.integrate.solve_ivp`` (RK45, no
  Jacobian) on the full endplate ODE (``mgmodel.endplate._full_rhs``), on a few fibres, then
  extrapolated per fibre-stimulus to the sizes above, and the speed-up of the fast path.

Nothing here is asserted: the test suite checks behaviour, this script reports speed.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.integrate import solve_ivp

from mgmodel import HUMAN
from mgmodel.electrodiagnosis import simulate_rns, simulate_sfemg
from mgmodel.endplate import _full_rhs, patch_rates
from mgmodel.population import sample_fibers


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times))


def naive_epp(pop, fibre, quanta, t_max_ms=6.0):
    """Peak EPP of one fibre for one impulse: the full ODE with solve_ivp (RK45, no Jacobian)."""
    ep = HUMAN.replace(achr_fraction=float(pop.functional_achr[fibre]),
                       na_channel_fraction=float(pop.na_channel_fraction[fibre]),
                       ache_activity=float(pop.ache_activity))
    m = quanta / pop.capacitance_scale[fibre]
    kon, koff, beta, alpha, vmax, km, kesc, r_tot, a0 = patch_rates(ep)
    g_per_uM = m * ep.molecules_per_uM * ep.conductance_pS * 1e-3
    args = (kon, koff, beta, alpha, vmax, km, kesc, r_tot, g_per_uM, ep.e_rev_mV, ep.v_rest_mV,
            ep.tau_membrane_ms, ep.capacitance_nF)
    sol = solve_ivp(lambda t, y: _full_rhs(y, t, *args), (0.0, t_max_ms),
                    [a0, 0.0, 0.0, 0.0, ep.v_rest_mV], method="RK45", rtol=1e-6, atol=1e-9,
                    dense_output=False, max_step=0.05)
    return float(sol.y[4].max() - ep.v_rest_mV)


def main():
    big = sample_fibers(100_000, HUMAN, rng=1)
    small = sample_fibers(1_000, HUMAN, rng=1)
    simulate_rns(small, rng=0)            # load the EPP table and warm caches
    simulate_rns(big, rng=0)
    simulate_sfemg(small, rng=0)

    rows = []
    b, med = best_of(lambda: simulate_rns(big, 3.0, 10, rng=2), 5)
    rows.append(("simulate_rns, 100,000 fibres x 10 stimuli", b, med, 0.2, 1e6))
    b, med = best_of(lambda: simulate_rns(small, 3.0, 10, rng=2), 50)
    rows.append(("simulate_rns, 1,000 fibres x 10 stimuli", b, med, 0.010, 1e4))
    b, med = best_of(lambda: simulate_sfemg(small, 20, 100, rng=3), 30)
    rows.append(("simulate_sfemg, 20 pairs x 100 discharges", b, med, 0.020, None))

    # the naive loop: 20 fibres x 10 stimuli, quanta from the same presynaptic model
    n_f, n_s = 20, 10
    r = simulate_rns(small, 3.0, n_s, rng=4)
    t0 = time.perf_counter()
    naive = np.array([[naive_epp(small, i, r.quanta[i, k]) for k in range(n_s)] for i in range(n_f)])
    t_naive = time.perf_counter() - t0
    per_epp = t_naive / (n_f * n_s)
    err = np.max(np.abs(naive - r.epp_mV[:n_f]) / np.maximum(naive, 1e-9))

    print(f"{'task':46s} {'best (s)':>10s} {'median (s)':>11s} {'target (s)':>11s} "
          f"{'naive est. (s)':>15s} {'speed-up':>9s}")
    for name, best, median, target, n_epp in rows:
        if n_epp is None:
            naive_s, speed = "", ""
        else:
            naive_s = f"{per_epp * n_epp:15.1f}"
            speed = f"{per_epp * n_epp / best:8.0f}x"
        flag = "ok" if best <= target else "SLOW"
        print(f"{name:46s} {best:10.4f} {median:11.4f} {target:8.3f} {flag:>2s} {naive_s:>15s} {speed:>9s}")
    print(f"\nnaive solve_ivp (RK45, no Jacobian): {n_f} fibres x {n_s} stimuli in {t_naive:.2f} s = "
          f"{1e3 * per_epp:.1f} ms per EPP; largest difference from the fast path {100 * err:.2f} %")


if __name__ == "__main__":
    main()
