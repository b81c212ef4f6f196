"""Timing of the slow (days-months) disease model.

Run: ``python benchmarks/bench_disease.py``. Prints the median wall time of 20 runs (after one
warm-up run) for a few two-year courses. The issue's budget is <= 50 ms for a two-year course with
three therapies *including* the endplate coupling on top, so the slow floor should take a small
part of it.
"""

from __future__ import annotations

import statistics
import time

from mgmodel import therapy as T
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


def main():
    rows = [(label, *_median_ms(p, d, th, dt)) for label, p, d, th, dt in SCENARIOS]
    width = max(len(r[0]) for r in rows)
    print(f"{'scenario':<{width}}  {'median ms':>9}  {'max ms':>7}   (n = {N_RUNS})")
    print("-" * (width + 22))
    for label, med, worst in rows:
        print(f"{label:<{width}}  {med:9.2f}  {worst:7.2f}")


if __name__ == "__main__":
    main()
