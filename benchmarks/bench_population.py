"""Speed of the population floor: the release model, the previous release model and a naive
per-fibre ODE loop, side by side in one run.

Run: ``MGMODEL_CACHE=/tmp/mgc .venv/bin/python benchmarks/bench_population.py``

Prints a table of best-of-N wall times for

* ``simulate_rns`` with 10⁵ fibres × 10 stimuli (target <= 0.2 s) and 1,000 fibres (<= 10 ms),
  with the current release model (binomial release at p = 0.7 with quantal-size variance) and
  with the previous one (the same terminal without quantal-size variance and without
  release-time dispersion; it cannot be run at its old p = 0.99, which a facilitating terminal
  no longer allows);
* ``simulate_sfemg`` with 20 pairs × 100 discharges (<= 20 ms);
* LEMS: ``simulate_rns`` at 50 Hz with ``presynaptic=lems_presynaptic(0.6)``, 10⁵ × 10;
* a naive loop: every fibre and every stimulus solved on its own with
  :func:`mgmodel.simulate_epp` (``scipy.integrate.solve_ivp`` on the full endplate ODE), on a few
  fibres, extrapolated per fibre-stimulus to the sizes above, and the speed-up of the fast path.

Nothing here is asserted: the test suite checks behaviour, this script reports speed.
"""

from __future__ import annotations

import os
import time

import numpy as np

from mgmodel import HUMAN, PRESYNAPTIC, lems_presynaptic, simulate_epp
from mgmodel.electrodiagnosis import simulate_rns, simulate_sfemg
from mgmodel.population import sample_fibres

#: The release model as it was: no quantal-size variance and no release-time dispersion (see the
#: module docstring).
PREVIOUS = PRESYNAPTIC.replace(quantal_size_cv=0.0, release_dispersion_ms=0.0)


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times))


def naive_epp(pop, fibre, quanta):
    """Peak EPP of one fibre for one impulse: the full ODE solved on its own (solve_ivp)."""
    ep = pop.endplate.replace(achr_fraction=float(pop.functional_achr[fibre]), ach_site_block=0.0,
                              na_channel_fraction=float(pop.na_channel_fraction[fibre]),
                              ache_activity=float(pop.ache_activity))
    return simulate_epp(ep, quanta=float(quanta / pop.capacitance_scale[fibre]), t_max_ms=6.0).peak_epp_mV


def main():
    big = sample_fibres(100_000, HUMAN, rng=1)
    small = sample_fibres(1_000, HUMAN, rng=1)
    lems = lems_presynaptic(0.6)
    simulate_rns(small, rng=0)            # load the EPP table and warm caches
    simulate_rns(big, rng=0)
    simulate_sfemg(small, rng=0)

    rows = []
    b, med = best_of(lambda: simulate_rns(big, 3.0, 10, rng=2), 5)
    rows.append(("simulate_rns, 100,000 fibres x 10 stimuli", b, med, 0.2, 1e6))
    b, med = best_of(lambda: simulate_rns(big, 3.0, 10, rng=2, presynaptic=PREVIOUS), 5)
    rows.append(("  same, previous release model", b, med, 0.2, 1e6))
    b, med = best_of(lambda: simulate_rns(big, 50.0, 10, rng=2, presynaptic=lems), 5)
    rows.append(("  same, LEMS terminal at 50 Hz", b, med, 0.2, 1e6))
    b, med = best_of(lambda: simulate_rns(small, 3.0, 10, rng=2), 50)
    rows.append(("simulate_rns, 1,000 fibres x 10 stimuli", b, med, 0.010, 1e4))
    b, med = best_of(lambda: simulate_rns(small, 3.0, 10, rng=2, presynaptic=PREVIOUS), 50)
    rows.append(("  same, previous release model", b, med, 0.010, 1e4))
    b, med = best_of(lambda: simulate_sfemg(small, 20, 100, rng=3), 30)
    rows.append(("simulate_sfemg, 20 pairs x 100 discharges", b, med, 0.020, None))
    b, med = best_of(lambda: simulate_sfemg(small, 20, 100, rng=3, presynaptic=PREVIOUS), 30)
    rows.append(("  same, previous release model", b, med, 0.020, None))

    # the naive loop: 10 fibres x 5 stimuli, quanta from the same presynaptic model
    n_f, n_s = 10, 5
    r = simulate_rns(small, 3.0, n_s, rng=4)
    t0 = time.perf_counter()
    naive = np.array([[naive_epp(small, i, r.quantal_sum[i, k]) for k in range(n_s)] for i in range(n_f)])
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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nmachine load (1-min average) {load:.1f} on {os.cpu_count()} cores: times scale with it")
    print(f"naive per-fibre simulate_epp (solve_ivp): {n_f} fibres x {n_s} stimuli in {t_naive:.2f} s = "
          f"{1e3 * per_epp:.1f} ms per EPP; largest difference from the fast path {100 * err:.2f} %")


if __name__ == "__main__":
    main()
