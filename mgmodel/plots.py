"""Plots of the model's results. Each ``plot_*`` takes a result object and ``ax=None``, draws on
the given (or a new) Axes and returns it; none calls ``plt.show()``.

Colours come from the Okabe-Ito palette, which stays distinguishable with the common forms of
colour blindness (Okabe & Ito 2008) - as long as two of its colours that come close under red-green
colour blindness are not used for two lines of one plot: orange and vermillion, orange and yellow,
green and purple (:data:`CLOSE_PAIRS`; tests/test_widgets_palette.py simulates protanopia,
deuteranopia and tritanopia with the matrices of Machado et al. 2009 and asserts a minimum colour
difference between every pair of colours in every Axes of every panel and ``plot_*`` figure).

Alt text
    Every ``plot_*`` function describes what it drew with :func:`set_alt_text`; :func:`alt_text`
    reads it back (one sentence per Axes, in drawing order), :func:`figure_html` turns a figure
    into an ``<img>`` carrying it, and :func:`show` displays a figure that way in a notebook (a
    lesson cell ends with ``mg.plots.show(ax)``). The lesson panels put the same kind of text on
    their ``<img>`` (``Panel.alt_text``: the fixed ``alt`` and a sentence on the current state).

Views
    A figure that a lesson panel redraws on every slider move is a *view*: a class built once on
    its Axes whose ``update(result)`` moves its artists' data, and whose ``moving`` list names the
    artists that change. The ``plot_*`` function is a view built and updated once, so the static
    figure and the panel are the same drawing (e.g. :class:`mgmodel.plots_edx.RNSView`,
    :class:`mgmodel.plots_clinic.CourseView`).
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
from matplotlib.figure import FigureBase

from .endplate import EPPResult
from .safety import threshold_gap_mV

__all__ = ["OKABE_ITO", "CLOSE_PAIRS", "MUSCLE_GROUP_STYLE", "SERIES_COLOURS", "series_colour", "MIN_FONT_PT",
           "plot_epp", "plot_quantum", "plot_curare_test", "plot_lines", "plot_endplate_currents",
           "plot_safety_map", "new_axes",
           "set_alt_text", "alt_text", "figure_html", "show"]

#: The Okabe-Ito colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}

#: Okabe-Ito colours too close under protanopia or deuteranopia (CIE76 colour difference below 20
#: after the simulation of Machado et al. 2009) to tell two lines of one plot apart.
CLOSE_PAIRS = frozenset({frozenset({"orange", "vermillion"}), frozenset({"orange", "yellow"}),
                         frozenset({"green", "purple"})})

#: Colour (a key of OKABE_ITO) and line style of each muscle group, in every figure and panel.
#: Ocular is sky blue, not orange: orange and the vermillion of breathing are hard to tell apart
#: in red-green colour blindness.
MUSCLE_GROUP_STYLE = {"ocular": ("sky", "-"), "bulbar": ("purple", "--"), "limb": ("blue", "-"),
                      "respiratory": ("vermillion", "-.")}

#: Colours (keys of OKABE_ITO) for the lines of one plot, in order: every pair of them stays at least
#: ΔE 20 apart under protanopia and deuteranopia (tests/test_widgets_palette.py).
SERIES_COLOURS = ("blue", "vermillion", "black", "sky", "purple")


def series_colour(k):
    """The colour (hex) of line ``k`` of a plot: :data:`SERIES_COLOURS` in order, then round again."""
    return OKABE_ITO[SERIES_COLOURS[int(k) % len(SERIES_COLOURS)]]


#: Smallest font, in points, of any text in a lesson panel.
MIN_FONT_PT = 11.0


def _figure_of(obj):
    """The Figure of a Figure, an Axes or an array of Axes."""
    if hasattr(obj, "ravel") and not isinstance(obj, FigureBase) and not hasattr(obj, "figure"):
        obj = obj.ravel()[0]
    fig = obj if isinstance(obj, FigureBase) else getattr(obj, "figure", None)
    if not isinstance(fig, FigureBase):
        raise ValueError(f"expected a matplotlib Figure or Axes; got {type(obj).__name__}")
    return fig


def set_alt_text(ax, text):
    """Attach ``text`` (plain words: what the Axes shows) as the alt text of ``ax`` in its figure.

    Drawing on the same Axes again replaces its sentence; other Axes of the figure keep theirs.
    Returns ``ax``.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string; got {text!r}")
    fig = _figure_of(ax)
    parts = fig.__dict__.setdefault("mgmodel_alt_parts", {})
    parts[id(ax)] = text.strip()
    return ax


def alt_text(obj) -> str:
    """The alt text of a figure (or of the figure of an Axes / array of Axes); '' if none was set."""
    fig = _figure_of(obj)
    return " ".join(fig.__dict__.get("mgmodel_alt_parts", {}).values())


def figure_html(obj, *, dpi=100) -> str:
    """The figure as an ``<img>`` (inline PNG) whose ``alt`` is :func:`alt_text`."""
    fig = _figure_of(obj)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = html.escape(alt_text(fig) or "figure", quote=True)
    return f'<img src="data:image/png;base64,{data}" alt="{alt}" style="max-width:100%"/>'


def show(obj):
    """Display a figure in a notebook as an image with its alt text, and close it.

    ``obj`` is a Figure, an Axes or an array of Axes (what ``plot_*`` returns). Closing the figure
    keeps the inline backend from showing it a second time without the alt text.
    """
    from IPython.display import HTML, display
    fig = _figure_of(obj)
    display(HTML(figure_html(fig)))
    plt.close(fig)


def new_axes(ax=None, **subplot_kw):
    """Return ``ax`` or a fresh Axes on a new figure."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(6.0, 3.6), **subplot_kw)
    return ax


def plot_epp(result: EPPResult, ax=None, *, show_threshold=True, label=None, color=None, linestyle="-"):
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
    color, linestyle : str, optional
        Colour (default Okabe-Ito blue) and style of the trace, to tell several EPPs on one Axes apart.

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(result, EPPResult):
        raise ValueError(f"result must be an EPPResult from simulate_epp; got {type(result).__name__}")
    ax = new_axes(ax)
    ep = result.endplate
    dep = result.v_mV - ep.v_rest_mV
    ax.plot(result.t_ms, dep, color=color or OKABE_ITO["blue"], ls=linestyle, lw=2,
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
    alt = (f"Endplate potential in mV above rest against time in ms after one nerve impulse of "
           f"{result.quanta:g} quanta: it rises to a peak of {result.peak_epp_mV:.1f} mV and decays")
    if show_threshold:
        verdict = "reaches" if result.peak_epp_mV >= gap else "stays below"
        alt += f"; it {verdict} the firing threshold, a dashed line {gap:.1f} mV above rest"
    return set_alt_text(ax, alt + ".")


def plot_quantum(result: EPPResult, axes=None):
    """One quantum: free ACh in the patch and the channels it opens, against time (two Axes).

    Parameters
    ----------
    result : EPPResult
        From :func:`mgmodel.simulate_epp` with ``quanta=1``.
    axes : None or sequence of 2 Axes

    Returns
    -------
    ndarray of 2 Axes
    """
    import numpy as np

    if not isinstance(result, EPPResult):
        raise ValueError(f"result must be an EPPResult from simulate_epp; got {type(result).__name__}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    a1, a2 = axes
    a1.plot(result.t_ms, result.ach_uM, color=OKABE_ITO["orange"], lw=2)
    a1.set_xlim(0, 3)
    a1.set_xlabel("time (ms)")
    a1.set_ylabel("free ACh in the patch (µM)")
    a1.set_title("ACh is cleared within a millisecond")
    a2.plot(result.t_ms, result.open_channels, color=OKABE_ITO["blue"], lw=2)
    a2.set_xlim(0, 6)
    a2.set_xlabel("time (ms)")
    a2.set_ylabel("open channels")
    a2.set_title("Channels opened by one quantum")
    a1.figure.tight_layout()
    set_alt_text(a1, f"Free ACh in the patch after one quantum against time: it peaks at "
                 f"{float(np.max(result.ach_uM)):.0f} µM and is cleared within a millisecond.")
    set_alt_text(a2, f"Open channels after one quantum against time: they peak at "
                 f"{result.peak_open_channels:,.0f} and close within a few milliseconds.")
    return np.array([a1, a2], dtype=object)


def plot_curare_test(block, safety_factors, ax=None):
    """The curare test: the safety factor of endplates against the fraction of ACh sites blocked.

    Parameters
    ----------
    block : array (K,)
        Fraction of ACh sites blocked (0-1).
    safety_factors : dict of str -> array (K,)
        Label -> safety factor at each ``block`` (e.g. ``epp_fast(ep, ach_site_block=block) /
        ep.threshold_gap_mV``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import numpy as np

    block = np.asarray(block, float)
    if block.ndim != 1 or block.size < 2 or np.any((block < 0) | (block >= 1)):
        raise ValueError(f"block must be a 1-D array of fractions in [0, 1); got {block!r}")
    if not isinstance(safety_factors, dict) or not safety_factors:
        raise ValueError("safety_factors must be a non-empty dict of label -> array")
    ax = new_axes(ax)
    parts = []
    for k, (label, sf) in enumerate(safety_factors.items()):
        sf = np.asarray(sf, float)
        if sf.shape != block.shape:
            raise ValueError(f"safety_factors[{label!r}] must have {block.size} values; got shape {sf.shape}")
        ax.plot(block, sf, lw=2, color=series_colour(k), ls=("-", "--", "-.", ":")[k % 4], label=label)
        fails = block[sf < 1.0]
        parts.append(f"{label}: SF {sf[0]:.2f} unblocked, " + (f"below 1 from {100 * fails[0]:.0f} % blocked"
                                                              if fails.size else "never below 1"))
    ax.axhline(1.0, color=OKABE_ITO["black"], ls="--", lw=1)
    ax.set_xlabel("fraction of ACh sites blocked by curare")
    ax.set_ylabel("safety factor")
    ax.set_title("The curare test: how much block the margin absorbs")
    ax.legend(frameon=False)
    return set_alt_text(ax, "Safety factor against the fraction of ACh sites blocked, with a dashed line at 1: "
                        + "; ".join(parts) + ".")



_STYLES = ("-", "--", "-.", ":")


def plot_lines(x, lines, ax=None, *, xlabel, ylabel, title, logx=False, markers=False, reference=None,
               invert_x=False):
    """Several curves of one quantity against one variable (e.g. open probability against ACh).

    Parameters
    ----------
    x : array (K,)
        The variable, in the unit ``xlabel`` names.
    lines : dict of str -> array (K,)
        Label -> the quantity at each ``x`` (what a lesson's sweep of the model computed). One entry
        without a legend is drawn unlabelled when its label is ``""``.
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
        Axis labels with units, and a plain title.
    logx : bool
        Logarithmic x axis.
    markers : bool
        Mark each point.
    reference : (float, str), optional
        A horizontal dashed line at this value with this label (e.g. ``(1.0, "SF = 1")``).
    invert_x : bool
        Let x fall to the right (e.g. receptors lost).

    Returns
    -------
    matplotlib Axes
    """
    import numpy as np

    x = np.asarray(x, float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a 1-D array of at least 2 values; got shape {x.shape}")
    if not isinstance(lines, dict) or not lines:
        raise ValueError(f"lines must be a non-empty dict of label -> array; got {lines!r:.80}")
    ax = new_axes(ax)
    parts = []
    for k, (label, y) in enumerate(lines.items()):
        y = np.asarray(y, float)
        if y.shape != x.shape:
            raise ValueError(f"lines[{label!r}] must have {x.size} values; got shape {y.shape}")
        ax.plot(x, y, marker="o" if markers else None, ls=_STYLES[k % len(_STYLES)], ms=4, lw=2, color=series_colour(k),
                label=label or None)
        parts.append(f"{label + ': ' if label else ''}from {y[0]:.3g} to {y[-1]:.3g}")
    if logx:
        ax.set_xscale("log")
    if invert_x:
        ax.invert_xaxis()
    alt = (f"{ylabel[0].upper()}{ylabel[1:]} against {xlabel}, from {x[0]:.3g} to {x[-1]:.3g}"
           f"{' on a logarithmic axis' if logx else ''}: " + "; ".join(parts))
    if reference is not None:
        value, name = reference
        ax.axhline(value, color=OKABE_ITO["black"], ls="--", lw=1, label=name)
        alt += f"; a dashed line marks {name} at {value:g}"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if any(lines) or reference is not None:
        ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, alt + ".")


def plot_endplate_currents(results, ax=None, *, xlim_ms=8.0):
    """The endplate current against time for several endplates, with its decay time in the legend.

    Parameters
    ----------
    results : dict of str -> EPPResult
        Label -> :func:`mgmodel.simulate_epp` (e.g. at different AChE activities).
    ax : matplotlib Axes, optional
    xlim_ms : float
        Time shown, ms.

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(results, dict) or not results or not all(isinstance(r, EPPResult) for r in results.values()):
        raise ValueError("results must be a non-empty dict of label -> EPPResult from simulate_epp")
    if not xlim_ms > 0:
        raise ValueError(f"xlim_ms must be > 0; got {xlim_ms!r}")
    ax = new_axes(ax)
    parts = []
    for k, (label, r) in enumerate(results.items()):
        ax.plot(r.t_ms, r.epc_nA, color=series_colour(k), ls=_STYLES[k % len(_STYLES)], lw=2,
                label=f"{label}: τ = {r.epc_decay_ms:.2f} ms, EPP {r.peak_epp_mV:.1f} mV")
        parts.append(f"{label}: decay time constant {r.epc_decay_ms:.2f} ms, EPP {r.peak_epp_mV:.1f} mV")
    ax.set_xlim(0, xlim_ms)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("endplate current (nA)")
    ax.set_title("The endplate current")
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, "Endplate current in nA against time in ms, one line per endplate: "
                        + "; ".join(parts) + ".")


def plot_safety_map(achr_fraction, na_fraction, safety_factor, ax=None):
    """Filled contours of the safety factor over receptor loss and fold loss, with the line SF = 1.

    Parameters
    ----------
    achr_fraction, na_fraction : array (M, N)
        Grids (``np.meshgrid``) of functional AChR and folds / Na channels left, fractions of healthy.
    safety_factor : array (M, N)
        The safety factor at each grid point.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import numpy as np

    a, n, sf = (np.asarray(v, float) for v in (achr_fraction, na_fraction, safety_factor))
    if a.ndim != 2 or a.shape != n.shape or a.shape != sf.shape or min(a.shape) < 2:
        raise ValueError(f"achr_fraction, na_fraction and safety_factor must be 2-D grids of one shape; got "
                         f"{a.shape}, {n.shape}, {sf.shape}")
    ax = new_axes(ax)
    cs = ax.contourf(a, n, sf, levels=np.arange(0, 2.6, 0.25), cmap="cividis", extend="max")
    ax.contour(a, n, sf, levels=[1.0], colors=OKABE_ITO["black"], linewidths=2)
    ax.figure.colorbar(cs, ax=ax, label="safety factor")
    ax.set_xlabel("functional AChR (fraction of healthy)")
    ax.set_ylabel("folds / Na channels left (fraction)")
    ax.set_title("Safety factor over receptor loss and fold loss")
    fails = a[sf < 1.0]
    return set_alt_text(ax, f"Map of the safety factor, from {sf.min():.2f} to {sf.max():.2f}, over functional AChR "
                        f"(x) and folds left (y), with a black line where it equals 1"
                        + (f"; with the folds intact transmission fails below AChR {a[-1][sf[-1] < 1].max():.2f}"
                           if np.any(sf[-1] < 1) else "") + (f"; {100 * fails.size / sf.size:.0f} % of the map "
                                                            f"is below 1." if fails.size else "."))
