"""How fast each lesson panel answers a control change (target: well under 100 ms).

Run:  python benchmarks/bench_widgets.py [panel names...]   (prints a table; nothing is asserted)

For every panel in ``mgmodel.widgets.PANELS`` it times ``panel.update(...)`` for a sequence of
values of each slider: recompute, redraw and re-encode the figure, i.e. everything the kernel does
for one slider move.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from mgmodel import widgets


def main(names=()):
    print(f"{'panel':28s} {'control':26s} {'median ms':>10s} {'max ms':>8s}")
    for name, factory in widgets.PANELS.items():
        if names and name not in names:
            continue
        panel = factory()
        for ctrl, w in panel.controls.items():
            if not hasattr(w, "min") or isinstance(w.value, bool):
                continue
            lo, hi = (10 ** w.min, 10 ** w.max) if "Log" in type(w).__name__ else (w.min, w.max)
            values = np.linspace(lo, hi, 7) if "Log" not in type(w).__name__ else np.geomspace(lo, hi, 7)
            times = []
            for v in values:
                t0 = time.perf_counter()
                panel.update(**{ctrl: type(w.value)(v)})
                times.append(time.perf_counter() - t0)
            print(f"{name:28s} {ctrl:26s} {1e3 * statistics.median(times):10.1f} {1e3 * max(times):8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
