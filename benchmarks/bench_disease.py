"""Timing of the slow (days-months) disease model.

Run: ``python benchmarks/bench_disease.py``. Prints the median wall time of 20 runs (after one
warm-up run) for a few two-year courses, then the endplate coupling that simulate_course adds on
top, evaluated on every day against adaptive day sampling (with the largest strength difference). The issue's budget is <= 50 ms for a two-year course with
three therapies *including* the endplate coupling on top, so the slow floor should take a small
part of it.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from mgmodel import clinic
from mgmodel import therapy as T
from mgmodel.clinic import transient_worsening
from mgmodel.disease import simulate_disease

N_RUNS = 20

SCENARIOS = [
    ("achr_early_onset, 730 d, 3 therapies", "achr_early_onset", 730,
     (T.Prednisone(0), T.PlasmaExchange(30), T.FcRnAntagonist(120, n_cycles=3)), 1.0),
    ("musk, 730 d, 3 therapies", "musk", 730,
     (T.Pyridostigmine(0), T.Rituximab(60), T.IVIG(10)), 1.0),
    ("achr_early_onset, 730 d, all 9 therapies", "achr_early_onset", 730,
     (T.Pyridostigmine(0), T.Prednisone(0), T.Immunosuppressant(30), T.Thymectomy(60),
      T.PlasmaExchange(90), T.IVIG(200, n_courses=6), T.FcRnAntagonist(400, n_cycles=3),
      T.ComplementInhibitor(500), T.Rituximab(600)), 1.0),
    ("achr_early_onset, 730 d, 3 therapies, dt 0.25 d", "achr_early_onset", 730,
     (T.Prednisone(0), T.PlasmaExchange(30), T.FcRnAntagonist(120, n_cycles=3)), 0.25),
    ("neonatal, 120 d, no therapy", "neonatal", 120, (), 1.0),
]


def _median_ms(patient, days, therapies, dt):
    simulate_disease(patient, days, therapies, dt_days=dt)  # warm-up
    times = []
    for _ in range(N_RUNS):
        t0 = time.perf_counter()
        simulate_disease(patient, days, therapies, dt_days=dt)
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times), 1e3 * max(times)


def _coupling_ms(patient, days, therapies, tol, n_runs=5):
    """Median time of the endplate coupling of simulate_course (four groups) on one slow course.

    ``tol=0`` evaluates every day (the alternative); the default samples days adaptively
    (:func:`mgmodel.clinic.strength_over_days`). The memo of evaluated states is cleared before
    each run, so this is the cost of a course never seen before.
    """
    slow = simulate_disease(patient, days, therapies)
    factor = transient_worsening(therapies, slow.t_days)
    times, out = [], None
    for _ in range(n_runs):
        clinic._STATE_MEMO.clear()
        t0 = time.perf_counter()
        out = [clinic.strength_over_days(g, gc.achr_fraction, gc.na_channel_fraction, gc.ach_site_block,
                                         gc.ache_activity, slow.ache_activity_min, factor, tol=tol)
               for g, gc in slow.by_group.items()]
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times), out


def main():
    rows = [(label, *_median_ms(p, d, th, dt)) for label, p, d, th, dt in SCENARIOS]
    width = max(len(r[0]) for r in rows)
    print(f"{'scenario':<{width}}  {'median ms':>9}  {'max ms':>7}   (n = {N_RUNS})")
    print("-" * (width + 22))
    for label, med, worst in rows:
        print(f"{label:<{width}}  {med:9.2f}  {worst:7.2f}")
    print()
    print("endplate coupling of simulate_course (strength of the four groups from the slow course)")
    print(f"{'scenario':<{width}}  {'every day ms':>12}  {'adaptive ms':>11}  {'max |dS|':>9}")
    clinic.strength_over_days("limb", [1.0], 1.0, 0.0, 1.0, 1.0)       # tables loaded
    for label, p, d, th, dt in SCENARIOS:
        if dt != 1.0:
            continue
        t_all, ref = _coupling_ms(p, d, th, 0.0)
        t_ad, got = _coupling_ms(p, d, th, clinic.DAY_SAMPLING_TOL)
        err = max(float(np.max(np.abs(a[1] - b[1]))) for a, b in zip(got, ref))
        print(f"{label:<{width}}  {t_all:12.1f}  {t_ad:11.1f}  {err:9.1e}")


if __name__ == "__main__":
    main()
