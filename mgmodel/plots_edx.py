"""Plots of electrodiagnosis and weakness, drawn the way clinicians draw them.

* :func:`plot_rns` - the responses of a repetitive-stimulation train side by side, each a CMAP
  waveform scaled by the model's amplitude, with the decrement written on the figure;
* :func:`plot_sfemg` - a jitter raster of one fibre pair (drawn in :mod:`mgmodel.plots_sfemg`,
  imported here for the name it always had);
* :func:`plot_force` - force against time during sustained activation and after rest
  (:class:`ForceView`).

Each takes a result object and ``ax=None``, draws on the given (or a new) Axes and returns it;
none calls ``plt.show()``. Colours: the Okabe-Ito palette.

The CMAP waveform is a drawing aid (a smooth biphasic template), and the full response is drawn
with an amplitude of ``full_cmap_mV`` (10 mV, a typical normal amplitude of a hand muscle); only
the amplitude ratios come from the model.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

from .electrodiagnosis import ActivationResult, RNSResult
from .criteria import decrement_is_abnormal, decrement_verdict
from .plots import OKABE_ITO, new_axes, set_alt_text
from .plots_sfemg import plot_sfemg

__all__ = ["plot_rns", "plot_sfemg", "plot_force", "RNSView", "ForceView", "cmap_template"]


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


#: Where the time axis of :class:`ForceView` may end, s (the first that holds the protocol).
_FORCE_AXIS_ENDS_S = (60.0, 120.0, 200.0)


class ForceView:
    """Force against time during sustained activation, rest and a re-test, drawn on ``ax`` once.

    :meth:`update` moves the two force lines (sustained use; re-test after rest), the shaded rest
    and its label, and the time axis, which ends at 60, 120 or 200 s (beyond, on a multiple of
    60 s) so that most changes of the protocol keep it and only the lines are redrawn. Used by
    :func:`plot_force` and by the lesson-04 panel (``mgmodel.widgets.fatigue_panel``).

    Parameters
    ----------
    ax : matplotlib Axes
    label, retest_label : str, optional
        Legend labels of the two lines (None: no legend entry).
    color, retest_color : str, optional
        Line colours (default: Okabe-Ito blue for both).
    numbers_in_title : bool
        Write the fatigue of the result in the title (a panel does; :func:`plot_force`, which may
        draw several muscles on one Axes, writes a plain title).
    """

    def __init__(self, ax, *, label="sustained use", retest_label=None, color=None, retest_color=None,
                 numbers_in_title=True):
        self.ax = ax
        self.numbers_in_title = bool(numbers_in_title)
        colour = color or OKABE_ITO["blue"]
        self.use, = ax.plot([], [], color=colour, lw=1.5, label=label)
        self.retest, = ax.plot([], [], color=retest_color or colour, lw=1.5, label=retest_label)
        trans = blended_transform_factory(ax.transData, ax.transAxes)
        self.rest = ax.add_patch(Rectangle((0, 0), 0, 1, transform=trans, color=OKABE_ITO["sky"], alpha=0.2, lw=0))
        self.rest_label = ax.text(0, 0.04, "", transform=trans, ha="center", va="bottom", fontsize="small")
        ax.set_ylim(0.0, 105.0)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("force (% of full force)")
        ax.legend(loc="lower left", fontsize="small", frameon=False)

    @property
    def moving(self):
        """The artists :meth:`update` changes (the title included)."""
        return [self.use, self.retest, self.rest, self.rest_label, self.ax.title]

    def update(self, result: ActivationResult):
        """Draw ``result`` (an ActivationResult); returns self."""
        if not isinstance(result, ActivationResult):
            raise ValueError(f"result must be an ActivationResult from simulate_activation; "
                             f"got {type(result).__name__}")
        use, again = result.bout == 0, result.bout == 1
        self.use.set_data(result.t_s[use], 100.0 * result.force[use])
        self.retest.set_data(result.t_s[again], 100.0 * result.force[again])
        rest = result.rest_s if result.retest_s > 0 else 0.0
        self.rest.set_x(result.duration_s)
        self.rest.set_width(rest)
        self.rest_label.set_x(result.duration_s + 0.5 * rest)
        self.rest_label.set_text(f"rest {rest:g} s" if rest > 0 else "")
        end = result.duration_s + (result.rest_s + result.retest_s if result.retest_s > 0 else 0.0)
        self.ax.set_xlim(0, next((e for e in _FORCE_AXIS_ENDS_S if end <= e), 60.0 * np.ceil(end / 60.0)))
        self.ax.set_title(f"Force at {result.rate_hz:g} Hz ({result.muscle} muscle): "
                          f"{result.fatigue_pct:.0f} % lost in {result.duration_s:g} s" if self.numbers_in_title
                          else f"Force during sustained use at {result.rate_hz:g} Hz, and after rest")
        return self

    @staticmethod
    def describe(result: ActivationResult) -> str:
        """Alt text for the drawing of ``result``."""
        rest = (f", then {result.rest_s:g} s of rest (shaded) and a re-test at "
                f"{100 * result.recovered_force:.0f} %" if result.retest_s > 0 and result.rest_s > 0 else "")
        return (f"Force in % of full force against time in s for the {result.muscle} muscle firing at "
                f"{result.rate_hz:g} Hz: it starts at {100 * result.initial_force:.0f} % and falls by "
                f"{result.fatigue_pct:.0f} % in {result.duration_s:g} s of sustained use{rest}.")


def plot_force(result: ActivationResult, ax=None, *, label=None, color=None):
    """Draw force (% of full force) against time for sustained activation, rest and re-test.

    The drawing is a :class:`ForceView` (the lesson-04 panel draws the same one); several calls on
    one Axes overlay several results, and the time axis grows to hold the longest.

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
        With alt text (:func:`mgmodel.plots.alt_text`).
    """
    if not isinstance(result, ActivationResult):
        raise ValueError(f"result must be an ActivationResult from simulate_activation; got {type(result).__name__}")
    ax = new_axes(ax)
    before = ax.get_xlim()[1] if ax.lines else 0.0
    lab = label or f"{result.muscle}: force falls {result.fatigue_pct:.0f} % in {result.duration_s:g} s"
    view = ForceView(ax, label=lab, color=color, numbers_in_title=False).update(result)
    ax.set_xlim(0, max(before, ax.get_xlim()[1]))
    return set_alt_text(ax, view.describe(result))
