"""Figures of single-fibre EMG: the jitter raster of one fibre pair and the jitter of every pair.

* :class:`SFEMGView` / :func:`plot_sfemg` - a jitter raster: consecutive discharges of one fibre
  pair stacked top to bottom, each sweep triggered on the first potential, so the second one
  wanders (jitter) or is missing (blocking);
* :class:`JitterPairsView` / :func:`plot_jitter_pairs` - the jitter (MCD) of every pair of a study,
  sorted, against the reference limits, pairs with blocking marked.

Each view builds its artists once on its Axes; ``update(result)`` moves only the artists that
change, and ``moving`` lists them. The ``plot_*`` function is the view built and updated once, so
a static figure and the lesson-05 panel (``mgmodel.widgets.sfemg_panel``) are one drawing.
Colours: the Okabe-Ito palette. The single-fibre potential drawn is a drawing aid (a narrow
biphasic spike); only its timing comes from the model.
"""

from __future__ import annotations

import numpy as np

from .electrodiagnosis import SFEMGResult
from .plots import OKABE_ITO, new_axes, set_alt_text

__all__ = ["SFEMGView", "plot_sfemg", "JitterPairsView", "plot_jitter_pairs", "most_jittery_pair"]

C = OKABE_ITO


def _check(result):
    if not isinstance(result, SFEMGResult):
        raise ValueError(f"result must be an SFEMGResult from simulate_sfemg; got {type(result).__name__}")


def most_jittery_pair(result: SFEMGResult):
    """Index of the pair with the largest jitter (a pair whose MCD is not measurable counts as
    the largest); None when the study has no pair."""
    _check(result)
    if result.n_pairs == 0:
        return None
    return int(np.argmax(np.where(np.isfinite(result.mcd_us), result.mcd_us, np.inf)))


class SFEMGView:
    """A jitter raster of one fibre pair drawn on ``ax`` once; :meth:`update` moves the sweeps.

    Each sweep is aligned on the first (trigger) potential; the second potential is drawn at its
    time from its usual position (the median interval), so its scatter is the jitter, and a sweep
    in which one of the two potentials is missing (blocking) is marked with a cross.

    Parameters
    ----------
    ax : matplotlib Axes
    n_sweeps : int
        Consecutive discharges drawn (fewer if the study recorded fewer).
    window_us : float
        Half-width of the window around the usual position, µs.
    compact : bool
        Leave out the line about the whole study (a panel shows it beside the raster).
    """

    def __init__(self, ax, n_sweeps=30, *, window_us=400.0, compact=False):
        if int(n_sweeps) < 1:
            raise ValueError(f"n_sweeps must be at least 1; got {n_sweeps!r}")
        self.ax = ax
        self.n_sweeps = int(n_sweeps)
        self.window_us = float(window_us)
        self.compact = bool(compact)
        # a single-fibre potential, drawn over +-80 µs so that tens of µs of jitter stay visible
        self.spike_t = np.linspace(-80.0, 80.0, 17)
        self.spike = -np.sin(np.pi * self.spike_t / 80.0) * np.exp(-(self.spike_t / 60.0) ** 2)
        ax.axvline(0.0, color=C["black"], ls=":", lw=1)
        self.second, = ax.plot([], [], color=C["orange"], lw=1.0, label="second potential")
        self.blocked, = ax.plot([], [], "x", color=C["black"], ms=5, label="blocked (missing)")
        self.note = None if compact else ax.text(0.99, 0.01, "", transform=ax.transAxes, ha="right",
                                                 va="bottom", fontsize="small")
        ax.set_xlim(-self.window_us, self.window_us)
        ax.set_ylim(-self.n_sweeps, 1)
        ax.set_yticks([])
        ax.set_xlabel("second potential: time from its usual position (µs)")
        ax.set_ylabel(f"{self.n_sweeps} consecutive discharges")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize="small", frameon=False)
        self.pair = None
        self.sweeps = 0

    @property
    def moving(self):
        """The artists :meth:`update` changes (the title included)."""
        return [a for a in (self.second, self.blocked, self.note, self.ax.title) if a is not None]

    def update(self, result: SFEMGResult, pair=None):
        """Draw pair ``pair`` (default: the one with the most jitter) of ``result``; returns self."""
        _check(result)
        if result.n_pairs == 0:
            self.pair, self.sweeps = None, 0
            self.second.set_data([], [])
            self.blocked.set_data([], [])
            if self.note is not None:
                self.note.set_text("")
            self.ax.set_title("No fibre pair transmits: nothing to record")
            return self
        p = most_jittery_pair(result) if pair is None else pair
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not 0 <= p < result.n_pairs:
            raise ValueError(f"pair must be a whole number in [0, {result.n_pairs - 1}]; got {pair!r}")
        lat = result.latency_ms[p]                                # (2, discharges)
        with np.errstate(all="ignore"):
            med = np.array([np.nanmedian(x) if np.any(np.isfinite(x)) else np.nan for x in lat])
        if np.isfinite(med[1]) and (not np.isfinite(med[0]) or med[1] < med[0]):
            lat = lat[::-1]                                       # trigger on the earlier potential
        n = min(self.n_sweeps, lat.shape[1])
        a, b = lat[0, :n], lat[1, :n]
        both = np.isfinite(a) & np.isfinite(b)
        interval_us = 1000.0 * (b - a)
        usual = float(np.median(interval_us[both])) if np.any(both) else 0.0
        k = np.flatnonzero(both)
        # one spike per sweep in which both fired, separated by NaN so that one Line2D draws them all
        xs = np.full((k.size, self.spike_t.size + 1), np.nan)
        ys = np.full_like(xs, np.nan)
        xs[:, :-1] = (interval_us[k] - usual)[:, None] + self.spike_t
        ys[:, :-1] = -k[:, None] + 0.9 * self.spike
        self.second.set_data(xs.ravel(), ys.ravel())
        miss = np.flatnonzero(~both)
        self.blocked.set_data(np.zeros(miss.size), -miss.astype(float))
        self.pair, self.sweeps = int(p), int(n)
        mcd = result.mcd_us[p]
        mcd_s = f"{mcd:.0f} µs" if np.isfinite(mcd) else "not measurable"
        which = "Pair with the most jitter" if pair is None else f"Fibre pair {p + 1}"
        self.ax.set_title(f"{which}: {mcd_s}, blocking {result.blocking_pct[p]:.0f} %")
        if self.note is not None:
            self.note.set_text(f"study of {result.n_pairs} pairs: mean jitter {result.mean_mcd_us:.0f} µs "
                               f"(limit {result.limit_mean_us:g}) - {'abnormal' if result.abnormal else 'normal'}")
        return self

    def describe(self, result: SFEMGResult) -> str:
        """Alt text for the drawing of ``result`` (after :meth:`update`)."""
        verdict = "abnormal" if result.abnormal else "normal"
        if self.pair is None:
            return ("Single-fibre EMG jitter raster: no fibre pair transmits, so there is nothing to "
                    f"record; the study is {verdict}.")
        p = self.pair
        mcd = result.mcd_us[p]
        mcd_s = f"{mcd:.0f} µs" if np.isfinite(mcd) else "not measurable"
        return (f"Single-fibre EMG jitter raster of fibre pair {p + 1}: {self.sweeps} consecutive discharges "
                f"stacked top to bottom, each aligned on the first potential; the second potential wanders "
                f"about its usual position by its jitter of {mcd_s}, and crosses mark sweeps with a missing "
                f"potential (blocking in {result.blocking_pct[p]:.0f} % of discharges). The study of "
                f"{result.n_pairs} pairs has a mean jitter of {result.mean_mcd_us:.0f} µs against a limit of "
                f"{result.limit_mean_us:g} µs: {verdict}.")


def plot_sfemg(result: SFEMGResult, ax=None, *, pair=None, max_sweeps=50):
    """Draw a single-fibre EMG jitter raster for one fibre pair (an :class:`SFEMGView`).

    Consecutive discharges are stacked from top to bottom; each sweep is aligned on the first
    potential (the trigger), so the second potential's scatter about its usual position is the
    jitter, and a sweep with a missing potential (marked with a cross) is blocking.

    Parameters
    ----------
    result : SFEMGResult
        From :func:`mgmodel.electrodiagnosis.simulate_sfemg`.
    ax : matplotlib Axes, optional
    pair : int, optional
        Which pair to draw (default: the pair with the largest jitter).
    max_sweeps : int
        Number of consecutive discharges to draw.

    Returns
    -------
    matplotlib Axes
        With alt text (:func:`mgmodel.plots.alt_text`).
    """
    _check(result)
    if result.n_pairs == 0:
        raise ValueError("result has no fibre pairs to draw (no fibres transmitted)")
    if pair is not None and (isinstance(pair, bool) or not isinstance(pair, (int, np.integer))
                             or not 0 <= pair < result.n_pairs):
        raise ValueError(f"pair must be a whole number in [0, {result.n_pairs - 1}]; got {pair!r}")
    ax = new_axes(ax)
    view = SFEMGView(ax, max_sweeps).update(result, pair)
    return set_alt_text(ax, view.describe(result))


class JitterPairsView:
    """The jitter (MCD) of every pair of a study, sorted, drawn on ``ax`` once; :meth:`update` moves it.

    Pairs without blocking are blue dots, pairs with blocking vermillion diamonds; dashed lines
    are the muscle's limits for one pair and for the mean (Stålberg & Trontelj), and a sky-blue
    line is the mean of this study. A pair whose MCD is not measurable is drawn at the one-pair
    limit, as the model counts it; MCDs above ``mcd_top_us`` are drawn at the top.

    Parameters
    ----------
    ax : matplotlib Axes
    n_pairs : int
        Pairs the axis has room for.
    mcd_top_us : float
        Top of the axis, µs.
    """

    def __init__(self, ax, n_pairs=20, *, mcd_top_us=200.0):
        self.ax = ax
        self.n_pairs = int(n_pairs)
        self.mcd_top_us = float(mcd_top_us)
        self.ok, = ax.plot([], [], "o", color=C["blue"], ms=5, label="pair without blocking")
        self.blk, = ax.plot([], [], "D", color=C["vermillion"], ms=5, label="pair with blocking")
        self.limit_pair = ax.axhline(np.nan, color=C["purple"], ls="--", lw=1.2, label="limit, one pair")
        self.limit_mean = ax.axhline(np.nan, color=C["black"], ls="--", lw=1.2, label="limit, mean")
        self.mean = ax.axhline(np.nan, color=C["sky"], lw=2, label="mean of this study")
        ax.set_xlim(0, self.n_pairs + 1)
        ax.set_ylim(0, self.mcd_top_us + 5)
        ax.set_xticks([1] + list(range(5, self.n_pairs + 1, 5)))
        ax.set_xlabel("fibre pair (sorted by jitter)")
        ax.set_ylabel("jitter, MCD (µs)")
        ax.legend(loc="upper left", fontsize="x-small", frameon=False)

    @property
    def moving(self):
        """The artists :meth:`update` changes (the title included)."""
        return [self.ok, self.blk, self.limit_pair, self.limit_mean, self.mean, self.ax.title]

    def update(self, result: SFEMGResult):
        """Draw the pairs of ``result``; returns self."""
        _check(result)
        if result.n_pairs > self.n_pairs:
            raise ValueError(f"result has {result.n_pairs} pairs; this view has room for {self.n_pairs}")
        self.limit_pair.set_ydata([result.limit_pair_us] * 2)
        self.limit_mean.set_ydata([result.limit_mean_us] * 2)
        if result.n_pairs == 0:
            self.ok.set_data([], [])
            self.blk.set_data([], [])
            self.mean.set_ydata([np.nan] * 2)
            self.ax.set_title("Study: ABNORMAL (no pair to record)")
            return self
        scored = np.where(np.isfinite(result.mcd_us), result.mcd_us, result.limit_pair_us)
        order = np.argsort(scored, kind="stable")
        x = np.arange(1, order.size + 1)
        y = np.minimum(scored[order], self.mcd_top_us)
        blk = result.blocking_pct[order] > 0
        self.ok.set_data(x[~blk], y[~blk])
        self.blk.set_data(x[blk], y[blk])
        self.mean.set_ydata([min(result.mean_mcd_us, self.mcd_top_us)] * 2)
        self.ax.set_title(f"Study: {'ABNORMAL' if result.abnormal else 'normal'} (IFCN criteria)")
        return self

    def describe(self, result: SFEMGResult) -> str:
        """Alt text for the drawing of ``result``."""
        verdict = "abnormal" if result.abnormal else "normal"
        if result.n_pairs == 0:
            return f"Jitter of every fibre pair: no pair transmits; the study is {verdict}."
        return (f"The jitter (MCD, µs) of each of {result.n_pairs} fibre pairs, sorted, with dashed lines at "
                f"the limits for one pair ({result.limit_pair_us:g} µs) and for the mean "
                f"({result.limit_mean_us:g} µs): mean {result.mean_mcd_us:.0f} µs, "
                f"{result.pairs_over_limit_pct:.0f} % of pairs over the one-pair limit, blocking in "
                f"{result.pairs_with_blocking} of {result.n_pairs} pairs; the study is {verdict}.")


def plot_jitter_pairs(result: SFEMGResult, ax=None, *, mcd_top_us=200.0):
    """Draw the jitter of every pair of a single-fibre EMG study (a :class:`JitterPairsView`).

    Parameters
    ----------
    result : SFEMGResult
        From :func:`mgmodel.electrodiagnosis.simulate_sfemg`.
    ax : matplotlib Axes, optional
    mcd_top_us : float
        Top of the axis, µs (larger MCDs are drawn there).

    Returns
    -------
    matplotlib Axes
        With alt text (:func:`mgmodel.plots.alt_text`).
    """
    _check(result)
    ax = new_axes(ax)
    view = JitterPairsView(ax, max(result.n_pairs, result.n_pairs_requested), mcd_top_us=mcd_top_us)
    return set_alt_text(ax, view.update(result).describe(result))
