"""Plots of the model's results. Each ``plot_*`` takes a result object and ``ax=None``, draws on
the given (or a new) Axes and returns it; none calls ``plt.show()``.

Colours come from the Okabe-Ito palette, which stays distinguishable with the common forms of
colour blindness (Okabe & Ito 2008).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .endplate import EPPResult
from .safety import threshold_gap_mV

__all__ = ["OKABE_ITO", "plot_epp", "new_axes"]

#: The Okabe-Ito colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}


def new_axes(ax=None, **subplot_kw):
    """Return ``ax`` or a fresh Axes on a new figure."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(6.0, 3.6), **subplot_kw)
    return ax


def plot_epp(result: EPPResult, ax=None, *, show_threshold=True, label=None):
    """Draw the endplate potential (depolarization above rest) against time.

    Parameters
    ----------
    result : EPPResult
        From :func:`mgmodel.simulate_epp`.
    ax : matplotlib Axes, optional
    show_threshold : bool
        Draw the firing threshold as a dashed line.
    label : str, optional
        Legend label of the trace.

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(result, EPPResult):
        raise ValueError(f"result must be an EPPResult from simulate_epp; got {type(result).__name__}")
    ax = new_axes(ax)
    ep = result.endplate
    dep = result.v_mV - ep.v_rest_mV
    ax.plot(result.t_ms, dep, color=OKABE_ITO["blue"], lw=2,
            label=label or f"EPP, {result.quanta:g} quanta ({result.peak_epp_mV:.1f} mV)")
    if show_threshold:
        gap = float(threshold_gap_mV(ep.na_channel_fraction, ep))
        ax.axhline(gap, color=OKABE_ITO["vermillion"], ls="--", lw=1.5,
                   label=f"threshold ({gap:.1f} mV above rest)")
    ax.set_xlabel("time after release (ms)")
    ax.set_ylabel("depolarization above rest (mV)")
    ax.set_title("Endplate potential after one nerve impulse")
    ax.legend(loc="center right", fontsize="small", frameon=False)
    ax.set_xlim(result.t_ms[0], result.t_ms[-1])
    return ax
