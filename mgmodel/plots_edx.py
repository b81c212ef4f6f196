"""Plots of electrodiagnosis and weakness, drawn the way clinicians draw them.

* :func:`plot_rns` - the responses of a repetitive-stimulation train side by side, each a CMAP
  waveform scaled by the model's amplitude, with the decrement written on the figure;
* :func:`plot_sfemg` - a jitter raster: consecutive discharges of one fibre pair stacked, the
  sweep triggered on the first potential, so the second one wanders (jitter) or is missing
  (blocking);
* :func:`plot_force` - force against time during sustained activation and after rest.

Each takes a result object and ``ax=None``, draws on the given (or a new) Axes and returns it;
none calls ``plt.show()``. Colours: the Okabe-Ito palette.

The CMAP waveform is a drawing aid (a smooth biphasic template), and the full response is drawn
with an amplitude of ``full_cmap_mV`` (10 mV, a typical normal amplitude of a hand muscle); only
the amplitude ratios come from the model.
"""

from __future__ import annotations

import numpy as np

from .electrodiagnosis import ActivationResult, RNSResult, SFEMGResult
from .criteria import decrement_is_abnormal, decrement_verdict
from .plots import OKABE_ITO, new_axes, set_alt_text

__all__ = ["plot_rns", "plot_sfemg", "plot_force", "RNSView", "cmap_template"]


def cmap_template(t_ms):
    """A biphasic CMAP shape with a negative (upward by convention) peak of 1 near 3 ms (a drawing aid)."""
    t_ms = np.asarray(t_ms, dtype=float)
    neg = np.exp(-0.5 * ((t_ms - 3.0) / 1.2) ** 2)
    pos = 0.45 * np.exp(-0.5 * ((t_ms - 6.5) / 2.0) ** 2)
    return neg - pos


_cmap_template = cmap_template


class RNSView:
    """A repetitive-stimulation train drawn on ``ax`` once; :meth:`update` moves the responses.

    One CMAP per stimulus side by side (the 4th and 5th, which the decrement reads, in
    vermillion), the stimulus numbers, and the decrement written on the figure. Used by
    :func:`plot_rns` and by the lesson-05 panel (``mgmodel.widgets.rns_panel``), so the static
    figure and the panel are one drawing.

    Parameters
    ----------
    ax : matplotlib Axes
    n_stimuli : int
        Number of responses drawn.
    full_cmap_mV : float
        Amplitude drawn for the full (every fibre firing) response, mV.
    window_ms : float
        Width of the window drawn for each response, ms.
    n_points : int
        Points per drawn response.
    compact : bool
        Write only the decrement on the figure (a panel shows the other numbers beside it, and
        fewer glyphs redraw faster).
    """

    def __init__(self, ax, n_stimuli=10, *, full_cmap_mV=10.0, window_ms=15.0, n_points=200, compact=False):
        self.ax = ax
        self.compact = bool(compact)
        self.n_stimuli = int(n_stimuli)
        self.full_cmap_mV = float(full_cmap_mV)
        self.window_ms = float(window_ms)
        t = np.linspace(0.0, window_ms, int(n_points))
        self.shape = _cmap_template(t)
        step = 1.25 * window_ms
        self.traces = []
        for k in range(self.n_stimuli):
            x0 = k * step
            colour = OKABE_ITO["vermillion"] if k in (3, 4) else OKABE_ITO["blue"]
            self.traces.append(ax.plot(x0 + t, 0.0 * t, color=colour, lw=1.6)[0])
            ax.plot([x0, x0], [-0.1 * full_cmap_mV, 0.1 * full_cmap_mV], color=OKABE_ITO["black"], lw=0.8)
            ax.text(x0 + 0.5 * window_ms, -0.62 * full_cmap_mV, str(k + 1), ha="center", va="top",
                    fontsize="small", color=OKABE_ITO["black"])
        ax.axhline(0.0, color=OKABE_ITO["black"], lw=0.5, alpha=0.4)
        self.note = ax.text(0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize="small")
        ax.set_xlabel(f"responses to stimuli 1-{self.n_stimuli}, each window {window_ms:g} ms")
        ax.set_ylabel("CMAP (mV, negative up)")
        ax.set_xlim(-0.1 * step, self.n_stimuli * step)
        ax.set_ylim(-0.75 * full_cmap_mV, 1.25 * full_cmap_mV)
        ax.set_xticks([])

    @property
    def moving(self):
        """The artists that :meth:`update` changes on every result (the title changes only with the
        rate or the muscle: a panel can keep it in its background)."""
        return [*self.traces, self.note]

    def update(self, result: RNSResult):
        """Draw the responses of ``result`` (an RNSResult); returns self."""
        if not isinstance(result, RNSResult):
            raise ValueError(f"result must be an RNSResult from simulate_rns; got {type(result).__name__}")
        if result.n_stimuli < self.n_stimuli:
            raise ValueError(f"result has {result.n_stimuli} stimuli; this view draws {self.n_stimuli}")
        for line, amp in zip(self.traces, result.cmap):
            line.set_ydata(self.full_cmap_mV * amp * self.shape)
        dec = result.decrement_pct
        if self.compact:
            text = f"decrement {dec:.0f} %" if np.isfinite(dec) else "no response"
        else:
            text = (f"decrement (4th/5th vs 1st): {dec:.1f} %" if np.isfinite(dec) else "decrement: not defined")
            text += f"\nfirst response {100 * result.cmap[0]:.0f} % of a full response"
        self.note.set_text(text)
        self.note.set_color(OKABE_ITO["vermillion"] if decrement_is_abnormal(dec) else OKABE_ITO["black"])
        self.ax.set_title(f"Repetitive nerve stimulation at {result.rate_hz:g} Hz ({result.muscle} muscle)")
        return self

    def describe(self, result: RNSResult) -> str:
        """Alt text for the drawing of ``result``."""
        dec = result.decrement_pct
        words = (f"a decrement of {dec:.1f} %, {decrement_verdict(dec)}" if np.isfinite(dec)
                 else "no response to the first stimulus")
        return (f"{self.n_stimuli} compound muscle action potentials side by side, one per stimulus at "
                f"{result.rate_hz:g} Hz in the {result.muscle} muscle, the 4th and 5th in vermillion; "
                f"the first is {100 * result.cmap[0]:.0f} % of a full response, and the responses "
                f"fall to {100 * np.nanmin(result.cmap[:self.n_stimuli]):.0f} %: {words}.")


def plot_rns(result: RNSResult, ax=None, *, full_cmap_mV=10.0, window_ms=15.0):
    """Draw a repetitive-nerve-stimulation train: one CMAP per stimulus, side by side.

    The drawing is an :class:`RNSView` (the lesson-05 panel draws the same one).

    Parameters
    ----------
    result : RNSResult
        From :func:`mgmodel.electrodiagnosis.simulate_rns`.
    ax : matplotlib Axes, optional
    full_cmap_mV : float
        Amplitude drawn for the full (every fibre firing) response, mV.
    window_ms : float
        Width of the window drawn for each response, ms.

    Returns
    -------
    matplotlib Axes
        With alt text (:func:`mgmodel.plots.alt_text`).
    """
    if not isinstance(result, RNSResult):
        raise ValueError(f"result must be an RNSResult from simulate_rns; got {type(result).__name__}")
    ax = new_axes(ax)
    view = RNSView(ax, result.n_stimuli, full_cmap_mV=full_cmap_mV, window_ms=window_ms).update(result)
    return set_alt_text(ax, view.describe(result))


def plot_sfemg(result: SFEMGResult, ax=None, *, pair=None, max_sweeps=50):
    """Draw a single-fibre EMG jitter raster for one fibre pair.

    Consecutive discharges are stacked from top to bottom; each sweep is aligned on the first
    potential (the trigger), so the second potential's scatter is the jitter, and a missing
    potential (marked with a cross) is blocking.

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
    """
    if not isinstance(result, SFEMGResult):
        raise ValueError(f"result must be an SFEMGResult from simulate_sfemg; got {type(result).__name__}")
    if result.n_pairs == 0:
        raise ValueError("result has no fibre pairs to draw (no fibres transmitted)")
    if pair is None:
        pair = int(np.nanargmax(np.where(np.isfinite(result.mcd_us), result.mcd_us, np.inf)))
    if isinstance(pair, bool) or not isinstance(pair, (int, np.integer)) or not 0 <= pair < result.n_pairs:
        raise ValueError(f"pair must be a whole number in [0, {result.n_pairs - 1}]; got {pair!r}")
    ax = new_axes(ax)
    lat = result.latency_ms[pair]                        # (2, D)
    with np.errstate(all="ignore"):
        med = np.array([np.nanmedian(x) if np.any(np.isfinite(x)) else np.nan for x in lat])
    if np.isfinite(med[1]) and (not np.isfinite(med[0]) or med[1] < med[0]):
        lat, med = lat[::-1], med[::-1]                  # trigger on the earlier potential
    n = min(int(max_sweeps), lat.shape[1])
    a, b = lat[0, :n], lat[1, :n]
    both = np.isfinite(lat[0]) & np.isfinite(lat[1])
    ref_b = float(np.median(lat[1, both] - lat[0, both])) if np.any(both) else \
        float(np.nan_to_num(med[1] - med[0], nan=0.5))
    # a narrow biphasic spike (a single-fibre potential lasts ~0.5 ms; drawn thinner so that a
    # jitter of tens of µs stays visible)
    spike_t = np.linspace(-0.08, 0.08, 33)
    spike = -np.sin(np.pi * spike_t / 0.08) * np.exp(-(spike_t / 0.06) ** 2)
    blocked_label = True
    for k in range(n):
        y = -k
        t0 = a[k] if np.isfinite(a[k]) else (b[k] - ref_b if np.isfinite(b[k]) else np.nan)
        for lat_k, colour in ((a[k], OKABE_ITO["blue"]), (b[k], OKABE_ITO["orange"])):
            if np.isfinite(lat_k) and np.isfinite(t0):
                ax.plot(lat_k - t0 + spike_t, y + 0.45 * spike, color=colour, lw=0.9)
        for x, lt in ((0.0, a[k]), (ref_b, b[k])):
            if not np.isfinite(lt):
                ax.plot(x, y, marker="x", color=OKABE_ITO["black"], ms=5, ls="none",
                        label="blocked potential" if blocked_label else None)
                blocked_label = False
    ax.set_xlabel("time after the first (trigger) potential (ms)")
    ax.set_ylabel("consecutive discharges")
    ax.set_yticks([])
    mcd = result.mcd_us[pair]
    mcd_s = f"{mcd:.0f} µs" if np.isfinite(mcd) else "not measurable"
    ax.set_title(f"Single-fibre EMG, pair {pair + 1}: jitter {mcd_s}, "
                 f"blocking {result.blocking_pct[pair]:.0f} %")
    verdict = "abnormal" if result.abnormal else "normal"
    ax.text(0.99, 0.02, f"study of {result.n_pairs} pairs: mean jitter {result.mean_mcd_us:.0f} µs "
            f"(limit {result.limit_mean_us:g}) - {verdict}", transform=ax.transAxes, ha="right",
            va="bottom", fontsize="small")
    if not blocked_label:
        ax.legend(loc="upper right", fontsize="small", frameon=False)
    return set_alt_text(ax, (
        f"Single-fibre EMG jitter raster of fibre pair {pair + 1}: {n} consecutive discharges stacked top "
        f"to bottom, each aligned on the first potential; the second potential wanders by its jitter of "
        f"{mcd_s}, and crosses mark blocked potentials ({result.blocking_pct[pair]:.0f} % of discharges). "
        f"The study of {result.n_pairs} pairs has a mean jitter of {result.mean_mcd_us:.0f} µs against a "
        f"limit of {result.limit_mean_us:g} µs: {verdict}."))


def plot_force(result: ActivationResult, ax=None, *, label=None, color=None):
    """Draw force (% of full force) against time for sustained activation, rest and re-test.

    Parameters
    ----------
    result : ActivationResult
        From :func:`mgmodel.electrodiagnosis.simulate_activation`.
    ax : matplotlib Axes, optional
    label : str, optional
        Legend label (default: the fatigue in %).
    color : str, optional
        Line colour (default Okabe-Ito blue).

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(result, ActivationResult):
        raise ValueError(f"result must be an ActivationResult from simulate_activation; got {type(result).__name__}")
    ax = new_axes(ax)
    colour = color or OKABE_ITO["blue"]
    lab = label or f"{result.muscle}: force falls {result.fatigue_pct:.0f} % in {result.duration_s:g} s"
    for bout in np.unique(result.bout):
        sel = result.bout == bout
        ax.plot(result.t_s[sel], 100.0 * result.force[sel], color=colour, lw=1.5,
                label=lab if bout == 0 else None)
    if result.retest_s > 0 and result.rest_s > 0:
        ax.axvspan(result.duration_s, result.duration_s + result.rest_s, color=OKABE_ITO["sky"], alpha=0.15)
        ax.text(result.duration_s + 0.5 * result.rest_s, 3.0, f"rest {result.rest_s:g} s", ha="center",
                va="bottom", fontsize="small")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("force (% of full force)")
    ax.set_ylim(0.0, 105.0)
    ax.set_title(f"Force during sustained use at {result.rate_hz:g} Hz, and after rest")
    ax.legend(loc="lower left", fontsize="small", frameon=False)
    rest = (f", then {result.rest_s:g} s of rest (shaded) and a re-test at {100 * result.recovered_force:.0f} %"
            if result.retest_s > 0 and result.rest_s > 0 else "")
    return set_alt_text(ax, (
        f"Force in % of full force against time in s for the {result.muscle} muscle firing at "
        f"{result.rate_hz:g} Hz: it starts at {100 * result.initial_force:.0f} % and falls by "
        f"{result.fatigue_pct:.0f} % in {result.duration_s:g} s of sustained use{rest}."))
