"""The model against the published trials: a re-runnable check (``python -m mgmodel.trials.calibration``).

Every constant marked ``fit:`` in :mod:`mgmodel.trials` names the published number it was tuned
to; everything else in the designs' ``published`` tables came out of the same model without
further tuning. :func:`calibration_table` runs each design with its published arm sizes and the
default seed and lists, for every published outcome, the model's value, the published value and
whether the outcome was a calibration target. Re-run it whenever a lower floor of the model
(endplate, fibres, disease) changes: the clinic's strength per group, and so every trial, shifts.

Tolerances for "matched" (:func:`matched`): a mean change within 1.0 point of the published arm
mean (the published 95 % intervals of the arm means are about +-0.5 to +-0.8), a percentage within
15 percentage points (the binomial 95 % interval of a share near 50 % in an arm of 65-90 is about
+-11, for 24-31 patients +-19), a time-weighted QMG within 1.5 points.
"""

from __future__ import annotations

from .designs import DESIGNS
from .run import run_trial

__all__ = ["calibration_table", "matched", "TOLERANCE", "main"]

TOLERANCE = {"mg_adl_change": 1.0, "qmg_change": 1.0, "qmg_time_weighted": 1.5, "pct": 15.0}
"""Largest ``|model - published|`` counted as matched, per kind of endpoint (see the module docstring)."""


def matched(endpoint, model, published):
    """True if ``model`` is within the tolerance of ``published`` for this endpoint."""
    tol = TOLERANCE["pct"] if endpoint.endswith("_pct") else TOLERANCE[endpoint]
    return abs(model - published) <= tol


def calibration_table(names=None, *, rng=0, progress=True):
    """Run the designs and compare them with the published outcomes.

    Returns
    -------
    (rows, results)
        ``rows``: dicts with design, endpoint, arm, model, published, calibrated, matched;
        ``results``: the :class:`~mgmodel.trials.TrialResult` of each design by name.
    """
    names = [n for n in DESIGNS if DESIGNS[n].published] if names is None else list(names)
    rows, results = [], {}
    for name in names:
        r = run_trial(name, rng=rng, progress=progress)
        results[name] = r
        for ep, arm, model, pub in r.compare():
            rows.append(dict(design=name, endpoint=ep, arm=arm, model=model, published=pub,
                             calibrated=ep in r.design.calibrated, matched=matched(ep, model, pub)))
    return rows, results


def main():
    """Print the calibration table (the module's command-line entry)."""
    rows, _ = calibration_table()
    print(f"{'design':16s} {'endpoint':22s} {'arm':26s} {'model':>8s} {'published':>9s}  fit  matched")
    for r in rows:
        print(f"{r['design']:16s} {r['endpoint']:22s} {r['arm']:26s} {r['model']:8.2f} {r['published']:9.2f}  "
              f"{'yes' if r['calibrated'] else '   '}  {'yes' if r['matched'] else 'NO'}")


if __name__ == "__main__":
    main()
