"""Speed of a whole patient course: slow disease + endplates + fibres + MG-ADL, every day.

Run:  python benchmarks/bench_course.py   (prints a table; nothing is asserted)
Target (issue 4): a 2-year course with three therapies in <= 50 ms, so a therapy planner stays
interactive.
"""

import statistics
import time

from mgmodel import therapy as T
from mgmodel.clinic import simulate_course


def main():
    cases = {
        "730 d, untreated": (),
        "730 d, prednisone + FcRn antagonist + thymectomy": (
            T.Prednisone(start_day=10), T.FcRnAntagonist(start_day=100), T.Thymectomy(start_day=200)),
        "730 d, all nine therapies": (
            T.Pyridostigmine(start_day=5), T.Prednisone(start_day=10), T.Immunosuppressant(start_day=30),
            T.Thymectomy(start_day=200), T.PlasmaExchange(start_day=50), T.IVIG(start_day=300),
            T.FcRnAntagonist(start_day=100), T.ComplementInhibitor(start_day=400), T.Rituximab(start_day=500)),
    }
    simulate_course("achr_early_onset", 30)  # warm-up: EPP table, caches
    print(f"{'course':52s} {'median ms':>10s} {'target':>8s}")
    for name, ths in cases.items():
        times = []
        for _ in range(15):
            t0 = time.perf_counter()
            simulate_course("achr_early_onset", 730, ths)
            times.append(time.perf_counter() - t0)
        print(f"{name:52s} {1e3 * statistics.median(times):10.1f} {'<= 50':>8s}")


if __name__ == "__main__":
    main()
