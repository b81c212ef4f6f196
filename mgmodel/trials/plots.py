"""Plots of virtual trials: one trial (:func:`plot_trial`) and several side by side (:func:`plot_forest`);
the figures of lesson 10: where the placebo arm's improvement comes from (:func:`plot_placebo_sources`),
power against arm size (:func:`plot_power`) and each patient's change (:func:`plot_change_histogram`).

Treatment arms are blue, control arms orange, published values black diamonds (Okabe-Ito).
"""

from __future__ import annotations

import numpy as np

from ..plots import OKABE_ITO, set_alt_text
from .result import TrialResult

__all__ = ["plot_trial", "plot_forest", "plot_placebo_sources", "plot_power", "plot_change_histogram"]

_ARM_COLOURS = ("blue", "orange", "green", "sky")
_LABELS = {"mg_adl_change": "MG-ADL change", "qmg_change": "QMG change",
           "mg_adl_responder_pct": "MG-ADL responders", "qmg_responder_pct": "QMG responders",
           "mse_pct": "MG-ADL 0-1", "qmg_time_weighted": "time-weighted QMG",
           "favourable_pct": "favourable outcome"}


def _check(result):
    if not isinstance(result, TrialResult):
        raise ValueError(f"result must be a TrialResult from run_trial; got {type(result).__name__}")


def _colour(k, n):
    """Treatment (first) blue, control (last) orange, arms between green and sky."""
    if k == 0:
        return OKABE_ITO["blue"]
    if k == n - 1:
        return OKABE_ITO["orange"]
    return OKABE_ITO[_ARM_COLOURS[2 + (k - 1) % 2]]


def plot_trial(result, ax=None):
    """One trial: mean MG-ADL course per arm with 95 % intervals, responder bars, a forest row.

    Parameters
    ----------
    result : TrialResult
    ax : None or sequence of 3 Axes
        Where to draw (course, bars, forest row); a new figure when None.

    Returns
    -------
    ndarray of 3 Axes
    """
    _check(result)
    if ax is None:
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), gridspec_kw=dict(width_ratios=[2.2, 1.4, 1.4]))
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != 3:
            raise ValueError(f"ax must be None or 3 Axes; got {axes.size}")
    a0, a1, a2 = axes
    d = result.design
    n = len(result.arms)
    for k, arm in enumerate(result.arms):
        c = result.courses[arm]
        col = _colour(k, n)
        weeks = c["day"] / 7.0
        a0.fill_between(weeks, c["mg_adl_change_low"], c["mg_adl_change_high"], color=col, alpha=0.2, lw=0)
        a0.plot(weeks, c["mg_adl_change"], color=col, lw=2, ls="-" if k == 0 else "--",
                label=f"{arm} (n={result.summary[arm]['n']})")
    a0.axhline(0, color=OKABE_ITO["black"], lw=0.8, ls=":")
    a0.set_xlabel("time since randomisation (weeks)")
    a0.set_ylabel("MG-ADL change from baseline (points)")
    a0.set_title(f"{d.name}: mean course with 95 % interval")
    a0.legend(frameon=False, fontsize="small")

    # responder-type endpoints: model bars and published diamonds
    eps = [e for e in ("mg_adl_responder_pct", "qmg_responder_pct", "mse_pct", "favourable_pct")
           if result.summary[result.arms[0]][e] is not None]
    x = np.arange(len(eps))
    width = 0.8 / n
    for k, arm in enumerate(result.arms):
        vals = [result.summary[arm][e] for e in eps]
        a1.bar(x + (k - (n - 1) / 2) * width, vals, width, color=_colour(k, n), label=arm,
               hatch=None if k == 0 else "//", edgecolor=OKABE_ITO["black"], lw=0.5)
        pubs = [d.published.get(e, (None, None))[0 if k == 0 else -1] for e in eps]
        for xi, p in zip(x, pubs):
            if p is not None and (k == 0 or k == n - 1):
                a1.plot(xi + (k - (n - 1) / 2) * width, p, "D", color=OKABE_ITO["black"], ms=6,
                        label="published" if (xi == x[0] and k == 0) else None)
    a1.set_xticks(x, [_LABELS[e] for e in eps], rotation=20, ha="right")
    a1.set_ylim(0, 100)
    a1.set_ylabel("patients (%)")
    a1.set_title("responders per arm")
    a1.legend(frameon=False, fontsize="small")

    _forest_rows(a2, [result])
    a2.set_title("primary endpoint: treatment - control")
    set_alt_text(a0, f"Mean change of MG-ADL from baseline over {d.days / 7:.0f} weeks in each arm of "
                     f"{d.name}, with shaded 95 % intervals; both arms improve, the treatment arm more.")
    set_alt_text(a1, "Bars: the share of patients meeting each responder definition per arm; "
                     "black diamonds: the published shares.")
    set_alt_text(a2, "Forest row: the model's treatment-minus-control difference in the primary endpoint "
                     "with its 95 % interval, and the published difference as a black diamond.")
    return axes


def _forest_rows(ax, results):
    ys = np.arange(len(results))[::-1]
    labels = []
    for y, r in zip(ys, results):
        p = r.primary
        ax.plot([p["low"], p["high"]], [y, y], color=OKABE_ITO["blue"], lw=2.5)
        ax.plot(p["difference"], y, "o", color=OKABE_ITO["blue"], ms=7, label="model" if y == ys[0] else None)
        if p["published"] is not None:
            ax.plot(p["published"], y, "D", color=OKABE_ITO["black"], ms=6,
                    label="published" if y == ys[0] else None)
        labels.append(f"{r.design.name}\n{_LABELS[p['endpoint']]} ({p['unit']})")
    ax.axvline(0, color=OKABE_ITO["black"], lw=0.8, ls=":")
    ax.set_yticks(ys, labels, fontsize="small")
    ax.set_ylim(-0.7, len(results) - 0.3)
    ax.set_xlabel("difference, treatment - control (units of each row)")
    ax.legend(frameon=False, fontsize="small", loc="best")


def plot_forest(results, ax=None):
    """Several trials: the primary difference with its 95 % interval and the published value.

    Each row has its own unit (named in its label): responder rates in percentage points, score
    changes in points. Returns the Axes.
    """
    results = list(results)
    if not results:
        raise ValueError("results must hold at least one TrialResult; got none")
    for r in results:
        _check(r)
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7.5, 0.9 * len(results) + 1.5))
    _forest_rows(ax, results)
    ax.set_title("Virtual trials against the published ones")
    set_alt_text(ax, "Forest plot: for each trial, the model's treatment-minus-control difference in its "
                     "primary endpoint with a 95 % interval (blue) and the published difference (black "
                     "diamond); the dotted line is no difference.")
    return ax


def plot_placebo_sources(labels, changes, ax=None, *, published=None):
    """The placebo arm's mean MG-ADL change with each source of improvement switched on (horizontal bars).

    Parameters
    ----------
    labels : sequence of str
        Which effects were on in each run (e.g. "regression to the mean").
    changes : sequence of float
        The placebo arm's mean MG-ADL change at the primary visit, points (negative = better).
    ax : matplotlib Axes, optional
    published : float, optional
        The published placebo arm's change, drawn as a dashed line.

    Returns
    -------
    matplotlib Axes
    """
    labels, changes = list(labels), np.asarray(changes, float)
    if changes.ndim != 1 or changes.size < 1 or len(labels) != changes.size:
        raise ValueError(f"labels and changes must have one length (>= 1); got {len(labels)} and {changes.shape}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh(labels, changes, color=OKABE_ITO["orange"])
    if published is not None:
        ax.axvline(published, color=OKABE_ITO["black"], ls="--", label=f"published placebo arm ({published:g})")
        ax.legend(frameon=False)
    ax.set_xlabel("MG-ADL change, placebo arm (points)")
    ax.set_title("What makes the placebo arm improve (model)")
    text = ", ".join(f"{lab} {c:.1f}" for lab, c in zip(labels, changes))
    return set_alt_text(ax, f"Horizontal bars of the placebo arm's mean MG-ADL change in points with each source "
                            f"of improvement switched on: {text}"
                            + (f"; a dashed line marks the published placebo arm at {published:g}." if published
                               is not None else "."))


def plot_power(n_per_arm, power, ax=None, *, actual_n=None, title="Power against the arm size"):
    """Power (%) of a two-arm trial against the number of patients per arm, with the 80 % line.

    Parameters
    ----------
    n_per_arm : array (K,)
        Patients per arm.
    power : array (K,)
        Power at each arm size, fraction 0-1.
    ax : matplotlib Axes, optional
    actual_n : int, optional
        The arm size a real trial used, drawn as a dashed line.
    title : str

    Returns
    -------
    matplotlib Axes
    """
    n, power = np.asarray(n_per_arm, float), np.asarray(power, float)
    if n.ndim != 1 or n.size < 2 or power.shape != n.shape or np.any((power < 0) | (power > 1)):
        raise ValueError("n_per_arm and power (fractions in [0, 1]) must be 1-D arrays of one length (>= 2)")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(n, 100 * power, color=OKABE_ITO["blue"], lw=2)
    ax.axhline(80, color=OKABE_ITO["black"], ls=":", lw=1)
    if actual_n is not None:
        ax.axvline(actual_n, color=OKABE_ITO["orange"], ls="--", lw=1.5, label=f"the real trial's arm size ({actual_n})")
        ax.legend(frameon=False)
    ax.set_xlabel("patients per arm")
    ax.set_ylabel("power (%)")
    ax.set_title(title)
    reach = n[power >= 0.8]
    return set_alt_text(ax, f"Power in % against patients per arm from {n[0]:.0f} to {n[-1]:.0f}, with a dotted line "
                            f"at 80 %: power reaches 80 % " + (f"at {reach[0]:.0f} per arm" if reach.size else
                                                              "at none of these sizes")
                            + (f"; a dashed line marks {actual_n} per arm." if actual_n is not None else "."))


def plot_change_histogram(result, ax=None, *, threshold=-2.0):
    """Each patient's MG-ADL change at the primary visit, one histogram per arm, with the responder line.

    Parameters
    ----------
    result : TrialResult
    ax : matplotlib Axes, optional
    threshold : float
        The change (points) a responder reaches, drawn as a dotted line.

    Returns
    -------
    matplotlib Axes
    """
    _check(result)
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7, 3.2))
    change, arms = np.asarray(result.patients["mg_adl_change"], float), result.patients["arm"]
    bins = np.arange(np.floor(change.min()) - 0.5, np.ceil(change.max()) + 1.5, 1.0)
    parts = []
    for k, arm in enumerate(result.arms):
        m = arms == arm
        pct = result.summary[arm]["mg_adl_responder_pct"]
        ax.hist(change[m], bins=bins, alpha=0.6, color=_colour(k, len(result.arms)), hatch=None if k == 0 else "//",
                label=f"{arm}: responders {pct:.0f} %")
        parts.append(f"{arm}: {int(m.sum())} patients, mean change {change[m].mean():.1f}, responders {pct:.0f} %")
    ax.axvline(threshold, color=OKABE_ITO["black"], ls=":", label=f"{-threshold:g} points better")
    ax.set_xlabel("MG-ADL change at the primary visit (points)")
    ax.set_ylabel("patients")
    ax.set_title(f"Each patient's change in a virtual {result.design.name}")
    ax.legend(frameon=False)
    return set_alt_text(ax, f"Histograms of each patient's MG-ADL change in points per arm of {result.design.name}, "
                            f"with a dotted line at {threshold:g}: " + "; ".join(parts) + ".")
