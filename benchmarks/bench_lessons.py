"""How long the whole course takes to run headless, lesson by lesson (target: <= 120 s in all).

Run:  python benchmarks/bench_lessons.py   (prints a table; nothing is asserted)

Each lesson is executed top to bottom on a fresh kernel with nbclient, as the tests do.
"""

import os
import pathlib
import time

import nbformat
from nbclient import NotebookClient

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"


def main():
    os.environ.setdefault("MPLBACKEND", "Agg")
    total = 0.0
    print(f"{'lesson':40s} {'seconds':>8s}")
    for path in sorted(COURSE.glob("[0-9][0-9]*_*.ipynb")):     # 00, 00a (the primer), 01, ...
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(COURSE)}}).execute()
        dt = time.perf_counter() - t0
        total += dt
        print(f"{path.name:40s} {dt:8.1f}")
    print(f"{'whole course':40s} {total:8.1f}   (target <= 120 s)")


if __name__ == "__main__":
    main()
