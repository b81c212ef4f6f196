"""Plots of a patient's clinical course (:class:`mgmodel.clinic.CourseResult`).

* :class:`CourseView` - the course on four stacked Axes sharing the time axis: blood levels
  (pathogenic antibody, total IgG, albumin), the limb endplate (receptors, folds), the safety
  factor of each muscle group, and the MG-ADL score with crisis days shaded. Built once,
  ``update(result)`` moves its lines; ``moving`` names the artists that change, so a panel can
  redraw only those (the lesson-08 therapy panel is this view with a :class:`TimelineView`).
* :class:`TimelineView` - the therapies as bars, one row each (a Gantt chart).
* :func:`plot_course` - the same drawing as a static figure, with alt text.

Figures of the lessons (08, 09 and 07) as one call each: :func:`plot_courses` (one quantity of
several courses), :func:`plot_outcome_bars` (grouped bars of outcomes) and
:func:`plot_therapy_matrix` (what each therapy does for each patient) and
:func:`plot_pyridostigmine_doses` (how low AChE falls at each tablet size).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import Patch, Rectangle

from .clinic import CRISIS_STRENGTH, CourseResult
from .disease import SlowCourse
from .patients import MUSCLE_GROUPS
from .plots import MUSCLE_GROUP_STYLE, OKABE_ITO, new_axes, series_colour, set_alt_text
from .therapy import DEPOLARIZING_BLOCK_INHIBITION

__all__ = ["CourseView", "TimelineView", "plot_course", "round_up", "GROUP_WORDS", "COURSE_QUANTITIES",
           "plot_courses", "plot_outcome_bars", "plot_therapy_matrix", "plot_pyridostigmine_doses"]

C = OKABE_ITO
#: The muscle groups in plain words, as the course figures label them.
GROUP_WORDS = {"ocular": "eyes", "bulbar": "face and throat", "limb": "limbs", "respiratory": "breathing"}


def round_up(x, step):
    """``x`` rounded up to a multiple of ``step`` (axis limits that change rarely keep redraws cheap)."""
    return step * math.ceil(x / step - 1e-9)


class TimelineView:
    """Therapies as bars on ``ax``, one row per label: a bar from each therapy's start to its end.

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        One row per therapy, top to bottom.
    fontsize : float or str
        Size of the row labels.
    """

    def __init__(self, ax, labels, fontsize="small"):
        self.ax = ax
        self.bars = {}
        for k, label in enumerate(labels):
            r = Rectangle((0, k - 0.35), 0, 0.7, color=C["sky"], lw=0, visible=False)
            ax.add_patch(r)
            self.bars[label] = r
        ax.set_yticks(range(len(labels)), labels, fontsize=fontsize)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", color="0.9", lw=0.6)
        ax.set_axisbelow(True)

    @property
    def moving(self):
        """The artists that :meth:`update` changes."""
        return list(self.bars.values())

    def update(self, intervals, horizon):
        """``intervals``: (label, start day, end day); bars narrower than 1.2 % of ``horizon`` are widened."""
        shown = {label: (s, e) for label, s, e in intervals}
        unknown = set(shown) - set(self.bars)
        if unknown:
            raise ValueError(f"intervals name therapies without a row: {sorted(unknown)}; rows: {list(self.bars)}")
        for label, r in self.bars.items():
            on = label in shown
            r.set_visible(on)
            if on:
                s, e = shown[label]
                r.set_x(s)
                r.set_width(max(e - s, 0.012 * horizon))
        return self


class CourseView:
    """A patient's course on four stacked Axes (top to bottom): blood, endplate, safety factor, MG-ADL.

    Parameters
    ----------
    axes : sequence of 4 Axes
        Sharing the time axis.
    timeline : TimelineView, optional
        Where the therapies are drawn; without one they are shaded spans on every Axes.
    show_untreated : bool
        Draw an untreated course's MG-ADL in grey (pass it to :meth:`update`).
    show_day : bool
        Draw a vertical line at a day read out (pass ``day`` to :meth:`update`).
    legend_size : float or str
        Font size of the legends.
    """

    def __init__(self, axes, *, timeline=None, show_untreated=False, show_day=False, legend_size="small"):
        axes = list(np.asarray(axes, dtype=object).ravel())
        if len(axes) != 4:
            raise ValueError(f"axes must be 4 Axes; got {len(axes)}")
        self.axes = axes
        self.timeline = timeline
        a0, a1, a2, a3 = axes
        nan = [np.nan, np.nan]
        t = [0.0, 1.0]
        self.path, = a0.plot(t, nan, color=C["vermillion"], lw=2, label="pathogenic antibody")
        self.igg, = a0.plot(t, nan, color=C["blue"], lw=1.5, ls="--", label="total IgG")
        self.albumin, = a0.plot(t, nan, color=C["green"], lw=1.5, ls=":", label="albumin")
        a0.set_ylabel("blood level\n(1 = baseline)")
        self.achr, = a1.plot(t, nan, color=C["blue"], lw=2, label="AChR")
        self.folds, = a1.plot(t, nan, color=C["black"], lw=2, ls="--", label="folds / Na channels")
        a1.set_ylim(0, 1.1)
        a1.set_ylabel("limb endplate\n(fraction of healthy)")
        self.sf = {}
        for g in MUSCLE_GROUPS:
            col, ls = MUSCLE_GROUP_STYLE[g]
            self.sf[g], = a2.plot(t, nan, color=C[col], ls=ls, lw=1.8, label=GROUP_WORDS[g],
                                  zorder=3 if g == "bulbar" else 2)   # dashed on top: often equal to limb
        a2.axhline(1.0, color=C["black"], lw=1, ls=":")
        a2.set_ylabel("safety factor")
        self.adl_untreated = None
        if show_untreated:
            self.adl_untreated, = a3.step(t, nan, where="post", color="0.6", lw=1.5, ls="--", label="untreated")
        self.adl, = a3.step(t, nan, where="post", color=C["black"], lw=2,
                            label="with the plan" if show_untreated else "MG-ADL (model)")
        self.crisis = None
        a3.set_ylim(-0.5, 24.5)
        a3.set_ylabel("MG-ADL\n(0-24, model)")
        a3.set_xlabel("time (days)")
        self.day_lines = []
        if show_day:
            tops = [timeline.ax] if timeline is not None else []
            self.day_lines = [ax.axvline(0, color=C["black"], lw=1, alpha=0.5) for ax in tops + axes]
        self.spans = []
        self.labels = []
        a0.legend(frameon=False, fontsize=legend_size, loc="upper right", ncol=3)
        a1.legend(frameon=False, fontsize=legend_size, loc="lower right", ncol=2)
        a2.legend(frameon=False, fontsize=legend_size, loc="lower right", ncol=4)
        crisis_key = Patch(color=C["vermillion"], alpha=0.2, lw=0, label="crisis (breathing fails)")
        a3.legend(handles=[h for h in (self.adl_untreated, self.adl) if h is not None] + [crisis_key],
                  frameon=False, fontsize=legend_size, loc="upper right", ncol=3)

    @property
    def title_axes(self):
        """The Axes that carries the title (the timeline's, or the top one)."""
        return self.timeline.ax if self.timeline is not None else self.axes[0]

    @property
    def moving(self):
        """The artists that :meth:`update` changes on every result (the title changes only with the
        patient: a panel can keep it in its background)."""
        out = [self.path, self.igg, self.albumin, self.achr, self.folds, *self.sf.values(), self.adl,
               self.crisis, *self.day_lines, *self.spans, *self.labels]
        if self.adl_untreated is not None:
            out.append(self.adl_untreated)
        if self.timeline is not None:
            out += self.timeline.moving
        return [a for a in out if a is not None]

    def update(self, result: CourseResult, *, untreated=None, day=None, intervals=None, title=None):
        """Draw ``result`` (and ``untreated``'s MG-ADL, the ``day`` line) in place; returns self.

        ``intervals`` - (label, start, end) of the therapies (default ``result.therapy_intervals``);
        ``title`` - default "Course of the patient: <name>".
        """
        if not isinstance(result, CourseResult):
            raise ValueError(f"result must be a CourseResult from simulate_course; got {type(result).__name__}")
        a0, a1, a2, a3 = self.axes
        t = result.t_days
        self.path.set_data(t, result.pathogenic_igg)
        self.igg.set_data(t, result.total_igg)
        self.albumin.set_data(t, result.albumin)
        top = float(np.max([result.total_igg.max(), result.pathogenic_igg.max()]))
        a0.set_ylim(0, max(1.5, round_up(1.3 * top, 0.5)))
        self.achr.set_data(t, result.achr_fraction)
        self.folds.set_data(t, result.na_channel_fraction)
        hi = max(float(np.max(result.safety_factor[g])) for g in MUSCLE_GROUPS)
        for g in MUSCLE_GROUPS:
            self.sf[g].set_data(t, result.safety_factor[g])
        a2.set_ylim(0, max(1.5, round_up(1.1 * hi, 0.5)))
        if self.adl_untreated is not None:
            if untreated is None:
                self.adl_untreated.set_data([], [])
            else:
                self.adl_untreated.set_data(untreated.t_days, untreated.mg_adl)
        self.adl.set_data(t, result.mg_adl)
        if self.crisis is not None:
            self.crisis.remove()
        self.crisis = a3.fill_between(t, 0, 24.5, where=result.crisis, step="post", color=C["vermillion"],
                                      alpha=0.2, lw=0, label="crisis")
        for v in self.day_lines:
            v.set_xdata([day, day] if day is not None else [np.nan, np.nan])
        intervals = result.therapy_intervals if intervals is None else intervals
        for a in self.spans + self.labels:
            a.remove()
        self.spans, self.labels = [], []
        if self.timeline is not None:
            self.timeline.update(intervals, float(t[-1]))
        else:
            for k, (label, start, end) in enumerate(intervals):
                for a in self.axes:
                    self.spans.append(a.axvspan(start, max(end, start + 0.5), color=C["sky"], alpha=0.12, lw=0))
                self.labels.append(a0.annotate(label, xy=(start, 1.0), xycoords=("data", "axes fraction"),
                                               fontsize="small", xytext=(2, -12 - 11 * (k % 3)),
                                               textcoords="offset points", color=C["blue"]))
        self.title_axes.set_title(title or f"Course of the patient: {result.patient.name}")
        return self

    def describe(self, result: CourseResult, untreated=None) -> str:
        """Alt text for the drawing of ``result``: what is shown and its main numbers."""
        n_crisis = int(result.crisis.sum())
        given = ", ".join(f"{label} from day {s:.0f}" for label, s, _ in result.therapy_intervals) or "none"
        text = (f"Four stacked plots against time over {int(result.t_days[-1])} days for "
                f"{result.patient.name}: pathogenic antibody, total IgG and albumin relative to baseline; "
                f"receptors and folds at limb endplates as fractions of healthy (receptors from "
                f"{result.achr_fraction[0]:.2f} to {result.achr_fraction[-1]:.2f}); the safety factor of "
                f"the eyes, face and throat, limbs and breathing with the line SF = 1; and the MG-ADL "
                f"score (0-24), from {result.mg_adl[0]} on day 0 to {result.mg_adl[-1]} at the end, "
                f"with {n_crisis} crisis day{'' if n_crisis == 1 else 's'} shaded. Therapies: {given}.")
        if untreated is not None:
            text += f" The untreated course, in grey, ends at MG-ADL {untreated.mg_adl[-1]}."
        return text


def plot_course(result: CourseResult, ax=None, *, untreated=None):
    """Disease timeline on shared time axes: antibodies, endplate, safety factor, MG-ADL.

    Parameters
    ----------
    result : CourseResult
        From :func:`mgmodel.simulate_course`.
    ax : None or sequence of 4 Axes
        Where to draw (top to bottom); a new figure when None.
    untreated : CourseResult, optional
        An untreated course of the same patient, whose MG-ADL is drawn in grey.

    Returns
    -------
    ndarray of 4 Axes
        The figure's alt text is set (:func:`mgmodel.plots.alt_text`).
    """
    if not isinstance(result, CourseResult):
        raise ValueError(f"result must be a CourseResult from simulate_course; got {type(result).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, axes = plt.subplots(4, 1, figsize=(8, 8.5), sharex=True)
    else:
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != 4:
            raise ValueError(f"ax must be None or 4 Axes; got {axes.size}")
    view = CourseView(axes, show_untreated=untreated is not None)
    view.update(result, untreated=untreated)
    axes[-1].set_xlim(result.t_days[0], result.t_days[-1])
    set_alt_text(axes[0], view.describe(result, untreated))
    return axes


# =========================================================================================
# Lesson figures: several courses on one Axes, outcomes as bars, the therapy matrix
# =========================================================================================
#: What :func:`plot_courses` can draw: name -> (value of a CourseResult, y label, y limits, as steps).
COURSE_QUANTITIES = {
    "limb strength": (lambda r: 100 * r.strength["limb"], "limb strength (% of normal force)", (0, 105), False),
    "breathing strength": (lambda r: 100 * r.strength["respiratory"], "breathing strength (% of normal)",
                           (0, 105), False),
    "eye strength": (lambda r: 100 * r.strength["ocular"], "eye-muscle strength (% of normal)", (0, 105), False),
    "face and throat strength": (lambda r: 100 * r.strength["bulbar"], "face and throat strength (% of normal)",
                                 (0, 105), False),
    "AChR": (lambda r: 100 * r.achr_fraction, "AChR at limb endplates (% of healthy)", (0, 105), False),
    "folds": (lambda r: 100 * r.na_channel_fraction, "folds / Na channels at limb endplates (% of healthy)",
              (0, 105), False),
    "pathogenic antibody": (lambda r: 100 * r.pathogenic_igg, "pathogenic antibody (% of baseline)", None, False),
    "total IgG": (lambda r: 100 * r.total_igg, "total IgG (% of baseline)", None, False),
    "MG-ADL": (lambda r: r.mg_adl, "MG-ADL (0-24, model)", (0, 24.5), True),
}
_STYLES = ("-", "--", "-.", ":")


def plot_courses(courses, ax=None, *, quantity="limb strength", title=None, crisis_line=False):
    """One quantity of several courses against time, one line each (e.g. treated against untreated).

    Parameters
    ----------
    courses : dict of str -> CourseResult or SlowCourse
        Label -> :func:`mgmodel.simulate_course` (or :func:`mgmodel.simulate_disease`, for the
        quantities it has: AChR, folds, antibody, IgG).
    ax : matplotlib Axes, optional
    quantity : str
        A key of :data:`COURSE_QUANTITIES` ("limb strength", "breathing strength", "AChR",
        "pathogenic antibody", "MG-ADL", ...).
    title : str, optional
    crisis_line : bool
        Draw the strength below which breathing fails (:data:`mgmodel.clinic.CRISIS_STRENGTH`).

    Returns
    -------
    matplotlib Axes
    """
    if quantity not in COURSE_QUANTITIES:
        raise ValueError(f"quantity must be one of {sorted(COURSE_QUANTITIES)}; got {quantity!r}")
    if not isinstance(courses, dict) or not courses or not all(
            isinstance(r, (CourseResult, SlowCourse)) for r in courses.values()):
        raise ValueError("courses must be a non-empty dict of label -> CourseResult or SlowCourse")
    value, ylabel, ylim, steps = COURSE_QUANTITIES[quantity]
    ax = new_axes(ax)
    parts = []
    for k, (label, r) in enumerate(courses.items()):
        try:
            y = np.asarray(value(r), float)
        except AttributeError:
            raise ValueError(f"courses[{label!r}] is a {type(r).__name__}, which has no {quantity!r}") from None
        kw = dict(color=series_colour(k), ls=_STYLES[k % len(_STYLES)], lw=2, label=label)
        if steps:
            ax.step(r.t_days, y, where="post", **kw)
        else:
            ax.plot(r.t_days, y, **kw)
        parts.append(f"{label}: {y[0]:.0f} on day 0, {y[-1]:.0f} on day {int(r.t_days[-1])}"
                     + (f", {int(r.crisis.sum())} crisis days" if getattr(r, "crisis", np.zeros(1)).any() else ""))
    if crisis_line:
        ax.axhline(100 * CRISIS_STRENGTH, color=C["vermillion"], lw=1.2, ls=":", label="crisis line")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("time (days)")
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{quantity[0].upper()}{quantity[1:]} over time")
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, f"{ylabel[0].upper()}{ylabel[1:]} against time in days, one line per course: "
                        + "; ".join(parts) + ".")


def plot_outcome_bars(values, ax=None, *, ylabel, title, ylim=None):
    """Grouped bars: for each group (x), one bar per option (e.g. patient x with and without surgery).

    Parameters
    ----------
    values : dict of str -> dict of str -> float
        Option -> {group label -> value}; every option has the same groups.
    ax : matplotlib Axes, optional
    ylabel, title : str
    ylim : (float, float), optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(values, dict) or not values or not all(isinstance(v, dict) and v for v in values.values()):
        raise ValueError("values must be a non-empty dict of option -> {group: value}")
    groups = list(next(iter(values.values())))
    for option, v in values.items():
        if list(v) != groups:
            raise ValueError(f"values[{option!r}] must have the groups {groups}; got {list(v)}")
    ax = new_axes(ax)
    x = np.arange(len(groups))
    width = 0.8 / len(values)
    hatches = ("", "//", "..", "xx")
    parts = []
    for k, (option, v) in enumerate(values.items()):
        ax.bar(x + (k - 0.5 * (len(values) - 1)) * width, [v[g] for g in groups], width, color=series_colour(k),
               hatch=hatches[k % len(hatches)], edgecolor="white", label=option)
        parts.append(f"{option}: " + ", ".join(f"{g.replace(chr(10), ' ')} {v[g]:.2g}" for g in groups))
    ax.set_xticks(x, groups)
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, f"Grouped bars of {ylabel}: " + "; ".join(parts) + ".")


def plot_therapy_matrix(gain, patients, therapies, ax=None):
    """Heat map of what each therapy does for each patient (:func:`mgmodel.therapy.therapy_matrix`).

    Parameters
    ----------
    gain : array (P, T)
        Best month's change in mean strength, percentage points.
    patients, therapies : sequence of str
        Row and column labels.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    gain = np.asarray(gain, float)
    patients, therapies = list(patients), list(therapies)
    if gain.shape != (len(patients), len(therapies)):
        raise ValueError(f"gain must have shape ({len(patients)}, {len(therapies)}); got {gain.shape}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(8.5, 5))
    ax = new_axes(ax)
    # PuOr: a diverging map whose two ends (purple, orange) stay apart in red-green colour blindness
    im = ax.imshow(gain, cmap="PuOr", vmin=-50, vmax=50, aspect="auto")
    for (i, j), v in np.ndenumerate(gain):
        ax.text(j, i, f"{v:+.0f}", ha="center", va="center", fontsize="small",
                color="white" if abs(v) > 30 else "black")
    ax.set_xticks(range(len(therapies)), therapies, rotation=35, ha="right")
    ax.set_yticks(range(len(patients)), patients)
    ax.figure.colorbar(im, ax=ax, label="best month: change in mean strength (percentage points)")
    ax.set_title("Who each therapy helps (model)")
    best = [f"{p}: {therapies[int(np.argmax(row))]} ({row.max():+.0f})" for p, row in zip(patients, gain)]
    return set_alt_text(ax, f"Heat map of {len(patients)} patients (rows) by {len(therapies)} therapies (columns), "
                        "each cell the change in mean strength in percentage points, written in the cell; "
                        "best therapy per patient: " + "; ".join(best) + ".")


def plot_pyridostigmine_doses(doses_mg, peak_inhibition, baselines, ax=None):
    """The lowest AChE activity of the day against the tablet size, for endplates with their own AChE.

    Parameters
    ----------
    doses_mg : array (K,)
        Tablet sizes (mg, one every 4 h while awake).
    peak_inhibition : array (K,)
        Deepest AChE inhibition of the day at each dose
        (``therapy.Pyridostigmine(dose_mg=d).daily_inhibition()[1]``).
    baselines : dict of str -> float
        Label -> the endplate's AChE activity without the drug (1 = normal).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    doses, peak = np.asarray(doses_mg, float), np.asarray(peak_inhibition, float)
    if doses.ndim != 1 or doses.size < 2 or peak.shape != doses.shape or np.any((peak < 0) | (peak > 1)):
        raise ValueError("doses_mg and peak_inhibition (fractions in [0, 1]) must be 1-D arrays of one length (>= 2)")
    if not isinstance(baselines, dict) or not baselines or not all(0 < float(b) <= 1.5 for b in baselines.values()):
        raise ValueError(f"baselines must be a non-empty dict of label -> AChE activity in (0, 1.5]; got {baselines!r}")
    ax = new_axes(ax)
    block_line = 100 * (1 - DEPOLARIZING_BLOCK_INHIBITION)
    parts = []
    for k, (label, base) in enumerate(baselines.items()):
        low = 100 * float(base) * (1 - peak)
        ax.plot(doses, low, color=series_colour(k), ls=_STYLES[k % len(_STYLES)], lw=2, label=label)
        under = doses[low < block_line]
        parts.append(f"{label}: below the block line from {under[0]:g} mg" if under.size
                     else f"{label}: never below the block line")
    ax.axhspan(50, 80, color=C["green"], alpha=0.15, lw=0, label="therapeutic (20-50 % inhibited)")
    ax.axhline(block_line, color=C["black"], ls=":", lw=1.5, label="cholinergic weakness expected below this line (clinic)")
    ax.set_xlabel("tablet every 4 h (mg)")
    ax.set_ylabel("lowest AChE activity of the day (% of normal)")
    ax.set_ylim(0, 105)
    ax.legend(frameon=False, fontsize="small", loc="upper right")
    ax.set_title("How low does AChE fall at the peak of each tablet?")
    return set_alt_text(ax, f"Lowest AChE activity of the day in % of normal against the tablet size from "
                        f"{doses[0]:g} to {doses[-1]:g} mg every 4 h, with the therapeutic band shaded and the "
                        f"clinical cholinergic-weakness line at {block_line:g} %: " + "; ".join(parts) + ".")
