"""Figures of lesson 06: how antibodies injure the junction.

* :func:`plot_receptor_loss` - receptors able to bind ACh over the days after the antibody arrives,
  one line per route of injury (or any set of :class:`mgmodel.disease.JunctionCourse` runs);
* :func:`plot_crosslinking` - antigenic modulation: how cross-linking by two-armed IgG speeds the
  degradation of receptors (:func:`mgmodel.disease.modulation_fold`), and what that does to their
  half-life;
* :func:`plot_adl_against_load` - the MG-ADL score against the antibody load: many patients with
  random weights of the injury routes, and one patient whose load is varied.

Each draws on ``ax=None`` (or the Axes given), sets alt text (:func:`mgmodel.plots.alt_text`) and
returns the Axes.
"""

from __future__ import annotations

import numpy as np

from .disease import ACHR_STABLE_HALF_LIFE_DAYS, JunctionCourse, modulation_fold
from .plots import OKABE_ITO, new_axes, series_colour, set_alt_text

__all__ = ["plot_receptor_loss", "plot_crosslinking", "plot_adl_against_load"]

_STYLES = ("-", "--", "-.", ":")


def plot_receptor_loss(junctions, ax=None, *, dt_days=1.0, group=0):
    """Receptors able to bind ACh (present x not blocked) against days, one line per run.

    Parameters
    ----------
    junctions : dict of str -> JunctionCourse
        Label -> :func:`mgmodel.disease.simulate_junction` (e.g. one route of injury at a time).
    ax : matplotlib Axes, optional
    dt_days : float
        The time step the runs used, days.
    group : int
        Which muscle group (column) of the runs to draw.

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(junctions, dict) or not junctions or not all(
            isinstance(j, JunctionCourse) for j in junctions.values()):
        raise ValueError("junctions must be a non-empty dict of label -> JunctionCourse from simulate_junction")
    if not dt_days > 0:
        raise ValueError(f"dt_days must be > 0; got {dt_days!r}")
    ax = new_axes(ax)
    parts, end = [], 0.0
    for k, (label, jn) in enumerate(junctions.items()):
        usable = jn.achr_fraction[:, group] * (1 - jn.ach_site_block[:, group])
        days = dt_days * np.arange(usable.size)
        end = max(end, float(days[-1]))
        ax.plot(days, usable, color=series_colour(k), ls=_STYLES[k % len(_STYLES)], lw=2,
                label=f"{label}: {1 - usable[-1]:.0%} lost")
        parts.append(f"{label}: {100 * (1 - usable[-1]):.0f} % lost by day {days[-1]:.0f}")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, end)
    ax.set_xlabel("days after the antibody arrives")
    ax.set_ylabel("receptors able to bind ACh (fraction)")
    ax.set_title("Routes of receptor loss, alone and together")
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, "Fraction of receptors able to bind ACh against days after the antibody arrives, "
                        "one line per route of injury: " + "; ".join(parts) + ".")


def plot_crosslinking(ax=None, *, occupancy=None):
    """Antigenic modulation with and without cross-linking: degradation and receptor half-life.

    Parameters
    ----------
    ax : None or sequence of 2 Axes
    occupancy : array, optional
        Fractions of receptors with antibody bound (default 0 to 1).

    Returns
    -------
    ndarray of 2 Axes
    """
    occ = np.linspace(0.0, 1.0, 101) if occupancy is None else np.asarray(occupancy, float)
    if occ.ndim != 1 or occ.size < 2 or np.any((occ < 0) | (occ > 1)):
        raise ValueError(f"occupancy must be a 1-D array of fractions in [0, 1]; got {occupancy!r}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, axes = plt.subplots(1, 2, figsize=(9, 3.3))
    else:
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != 2:
            raise ValueError(f"ax must be None or 2 Axes; got {axes.size}")
    a1, a2 = axes
    parts = []
    for k, (c, label) in enumerate([(1.0, "IgG with two arms (cross-links)"),
                                    (0.0, "Fab fragment or IgG4 (one arm per receptor)")]):
        fold = modulation_fold(occ, crosslinking=c)
        a1.plot(100 * occ, fold, color=series_colour(k), ls=_STYLES[k], lw=2, label=label)
        a2.plot(100 * occ, ACHR_STABLE_HALF_LIFE_DAYS / fold, color=series_colour(k), ls=_STYLES[k], lw=2)
        parts.append(f"{label}: degradation up to {np.max(fold):.1f} times normal, half-life down to "
                     f"{ACHR_STABLE_HALF_LIFE_DAYS / np.max(fold):.1f} days")
    a1.set_xlabel("receptors with antibody bound (%)")
    a1.set_ylabel("receptor degradation (× normal)")
    a1.set_title("Cross-linking speeds receptor loss")
    a1.legend(frameon=False, fontsize="small", loc="lower right", bbox_to_anchor=(1.0, 0.1))
    a2.set_xlabel("receptors with antibody bound (%)")
    a2.set_ylabel("half-life of a stable receptor (days)")
    a2.set_title("... so receptors live shorter")
    a2.set_ylim(0, 14)
    set_alt_text(a1, f"Two plots against the percentage of receptors with antibody bound: receptor degradation "
                 f"relative to normal, and the half-life of a stable receptor (normally "
                 f"{ACHR_STABLE_HALF_LIFE_DAYS:g} days); " + "; ".join(parts) + ".")
    return np.array([a1, a2], dtype=object)


def plot_adl_against_load(loads, scores, ax=None, *, grid=None, one_patient=None):
    """MG-ADL against the antibody load: scattered patients, and optionally one patient's curve.

    Parameters
    ----------
    loads, scores : array (N,)
        Antibody load and MG-ADL score (0-24) of each patient (``simulate_course(p, 1).mg_adl[0]``).
    ax : matplotlib Axes, optional
    grid, one_patient : array (K,), optional
        Loads and scores of one patient whose load is varied.

    Returns
    -------
    matplotlib Axes
    """
    loads, scores = np.asarray(loads, float), np.asarray(scores, float)
    if loads.ndim != 1 or loads.size < 2 or scores.shape != loads.shape:
        raise ValueError("loads and scores must be 1-D arrays of one length (>= 2)")
    ax = new_axes(ax)
    ax.scatter(loads, scores, color=OKABE_ITO["sky"], edgecolor=OKABE_ITO["blue"],
               label=f"{loads.size} patients, random weights")
    r = float(np.corrcoef(loads, scores)[0, 1]) if np.std(scores) > 0 else float("nan")
    text = (f"MG-ADL score against antibody load for {loads.size} patients with random weights of the "
            f"injury routes (correlation r = {r:.2f})")
    if grid is not None:
        grid, one = np.asarray(grid, float), np.asarray(one_patient, float)
        if grid.shape != one.shape:
            raise ValueError("grid and one_patient must have one length")
        ax.plot(grid, one, color=OKABE_ITO["black"], lw=2, drawstyle="steps-mid", label="one patient, load varied")
        text += f", and one patient whose score rises from {one[0]:.0f} to {one[-1]:.0f} as the load is varied"
    ax.set_xlabel("antibody load (1 = occupies half the receptors)")
    ax.set_ylabel("model MG-ADL score (0-24)")
    ax.set_ylim(-0.5, 24.5)
    ax.set_title("Same antibody level, different disease")
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return set_alt_text(ax, text + ".")

