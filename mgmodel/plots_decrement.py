"""Figures of lesson 05: where the decrement comes from, its shape, its rate, exercise, sensitivity.

* :func:`plot_rundown_to_decrement` - three steps side by side: release runs down in everyone,
  the margin absorbs it or not, fibres drop out (the decrement);
* :func:`plot_cmap_series` - the amplitude of each response of one or more trains (% of the 1st;
  :class:`CMAPSeriesView`);
* :func:`plot_decrement_by_rate` - the decrement against the stimulation rate;
* :func:`plot_exercise_tests` - the 3 Hz decrement before and after exercise (:class:`ExerciseTestView`;
  the two views are the figure of the lesson-05 exercise panel);
* :func:`plot_test_sensitivity` - RNS of a hand muscle and SFEMG of frontalis as receptors are lost.

Each takes the model's result objects (or the arrays a lesson's sweep computed with them) and
``ax=None``, draws, sets alt text (:func:`mgmodel.plots.alt_text`) and returns the Axes. The
abnormal limits are those of :mod:`mgmodel.criteria`.
"""

from __future__ import annotations

import numpy as np

from .criteria import DECREMENT_LIMIT_FRACTION, DECREMENT_LIMIT_PCT
from .electrodiagnosis import ExerciseTestResult, RNSResult
from .population import FibrePopulation
from .plots import OKABE_ITO, new_axes, series_colour, set_alt_text

__all__ = ["plot_rundown_to_decrement", "plot_cmap_series", "plot_decrement_by_rate", "plot_exercise_tests",
           "plot_test_sensitivity", "CMAPSeriesView", "ExerciseTestView", "SERIES_STYLES"]


def _axes(ax, n, figsize):
    if ax is None:
        import matplotlib.pyplot as plt
        _, axes = plt.subplots(1, n, figsize=figsize)
        return np.atleast_1d(axes)
    axes = np.asarray(ax, dtype=object).ravel()
    if axes.size != n:
        raise ValueError(f"ax must be None or {n} Axes; got {axes.size}")
    return axes


def _relative(cmap):
    cmap = np.asarray(cmap, float)
    return 100 * cmap / cmap[0] if cmap[0] > 0 else np.full(cmap.shape, np.nan)


def plot_rundown_to_decrement(release, runs, ax=None):
    """Release runs down, the margin absorbs it or not, fibres drop out: three Axes side by side.

    Parameters
    ----------
    release : array (S,)
        Quanta released at each stimulus relative to the first
        (:func:`mgmodel.presynaptic.relative_release`).
    runs : dict of str -> (FibrePopulation, RNSResult)
        Label -> a muscle and a train run in it.
    ax : None or sequence of 3 Axes

    Returns
    -------
    ndarray of 3 Axes
    """
    release = np.asarray(release, float)
    if release.ndim != 1 or release.size < 2:
        raise ValueError(f"release must be a 1-D array of at least 2 values; got shape {release.shape}")
    if not isinstance(runs, dict) or not runs or not all(
            isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], FibrePopulation) and isinstance(v[1], RNSResult)
            for v in runs.values()):
        raise ValueError("runs must be a non-empty dict of label -> (FibrePopulation, RNSResult)")
    a1, a2, a3 = _axes(ax, 3, (13, 3.4))
    k = np.arange(1, release.size + 1)
    a1.plot(k, 100 * release, "o-", color=OKABE_ITO["black"])
    a1.set_ylim(0, 110)
    a1.set_xlabel("stimulus number")
    a1.set_ylabel("quanta released (% of the 1st)")
    a1.set_title("1. Release runs down (everyone)")
    parts = []
    for j, (label, (pop, run)) in enumerate(runs.items()):
        sf = np.median(run.epp_mV / pop.threshold_gap_mV[:, None], axis=0)
        s = np.arange(1, sf.size + 1)
        a2.plot(s, sf, "o-", color=series_colour(j), label=f"{label}: median fibre")
        a3.plot(s, _relative(run.cmap), "o-", color=series_colour(j), label=label)
        parts.append(f"{label}: median safety factor {sf[0]:.2f} to {sf.min():.2f}, decrement "
                     f"{run.decrement_pct:.0f} %" if np.isfinite(run.decrement_pct) else
                     f"{label}: median safety factor {sf[0]:.2f} to {sf.min():.2f}, no response")
    a2.axhline(1.0, color=OKABE_ITO["black"], ls="--", lw=1, label="threshold")
    a2.set_ylim(0, 2.4)
    a2.set_xlabel("stimulus number")
    a2.set_ylabel("safety factor")
    a2.set_title("2. The margin absorbs it, or not")
    a2.legend(frameon=False, fontsize="small")
    a3.axhline(100 * DECREMENT_LIMIT_FRACTION, color=OKABE_ITO["black"], ls=":", lw=1)
    a3.set_ylim(0, 110)
    a3.set_xlabel("stimulus number")
    a3.set_ylabel("CMAP (% of the 1st)")
    a3.set_title("3. Fibres drop out: the decrement")
    a3.legend(frameon=False, fontsize="small")
    set_alt_text(a1, f"Three plots against stimulus number. First: quanta released fall to "
                 f"{100 * release.min():.0f} % of the first. Second and third: the median safety factor and "
                 f"the CMAP in % of the first, for " + "; ".join(parts) + ".")
    return np.array([a1, a2, a3], dtype=object)


#: Marker and line style of the k-th train or test of one plot (with ``series_colour(k)``).
SERIES_STYLES = ("o-", "s--", "^-.", "D:", "v-")


def _check_labels(labels):
    labels = list(labels)
    if not labels or not all(isinstance(x, str) and x for x in labels):
        raise ValueError(f"labels must be a non-empty sequence of non-empty strings; got {labels!r}")
    return labels


class CMAPSeriesView:
    """The amplitude of each response (% of the 1st) of several trains, with the 90 % line.

    Built once on ``ax`` with one line per label; :meth:`update` takes a dict label -> RNSResult
    and moves the lines. Used by :func:`plot_cmap_series` and the lesson-05 exercise panel.

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        The trains, in drawing order (line k in ``series_colour(k)``, style ``SERIES_STYLES[k]``).
    n_stimuli : int
        Responses per train.
    title : str
    ylim : (float, float)
        Range of the amplitude axis, % of the 1st.
    """

    def __init__(self, ax, labels, n_stimuli=10, *, title="The amplitude of each response", ylim=(0.0, 110.0)):
        self.ax = ax
        self.labels = _check_labels(labels)
        self.n_stimuli = int(n_stimuli)
        k = np.arange(1, self.n_stimuli + 1)
        self.lines = {lab: ax.plot(k, np.full(k.shape, np.nan), SERIES_STYLES[j % len(SERIES_STYLES)], ms=4,
                                   color=series_colour(j), label=lab)[0] for j, lab in enumerate(self.labels)}
        ax.axhline(100 * DECREMENT_LIMIT_FRACTION, color=OKABE_ITO["black"], ls=":", lw=1)
        ax.set_xlim(0.5, self.n_stimuli + 0.5)
        if self.n_stimuli <= 12:
            ax.set_xticks(k)
        ax.set_ylim(*ylim)
        ax.set_xlabel("stimulus number")
        ax.set_ylabel("CMAP (% of the 1st)")
        ax.set_title(title)
        ax.legend(frameon=False, fontsize="small", loc="lower left")

    @property
    def moving(self):
        """The artists :meth:`update` changes."""
        return list(self.lines.values())

    def update(self, results):
        """Draw ``results`` (dict label -> RNSResult, the labels of the view); returns self."""
        if not isinstance(results, dict) or set(results) != set(self.labels) or not all(
                isinstance(r, RNSResult) for r in results.values()):
            raise ValueError(f"results must be a dict of RNSResult with the labels {self.labels}")
        for label, r in results.items():
            if r.n_stimuli != self.n_stimuli:
                raise ValueError(f"results[{label!r}] has {r.n_stimuli} stimuli; this view draws {self.n_stimuli}")
            self.lines[label].set_ydata(_relative(r.cmap))
        return self

    @staticmethod
    def describe(results) -> str:
        """Alt text for the drawing of ``results``."""
        parts = []
        for label, r in results.items():
            rel = _relative(r.cmap)
            if np.all(np.isnan(rel)):
                parts.append(f"{label}: no response to the first stimulus")
            else:
                parts.append(f"{label}: lowest response number {int(np.nanargmin(rel)) + 1} at "
                             f"{np.nanmin(rel):.0f} %, last {rel[-1]:.0f} %")
        return ("CMAP amplitude in % of the first response against stimulus number, with a dotted line at "
                f"{100 * DECREMENT_LIMIT_FRACTION:g} %: " + "; ".join(parts) + ".")


def plot_cmap_series(results, ax=None, *, title="The amplitude of each response"):
    """The amplitude of each response (% of the 1st) of one or more trains (a :class:`CMAPSeriesView`).

    Parameters
    ----------
    results : dict of str -> RNSResult
        Trains of one length.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(results, dict) or not results or not all(isinstance(r, RNSResult) for r in results.values()):
        raise ValueError("results must be a non-empty dict of label -> RNSResult")
    n = {r.n_stimuli for r in results.values()}
    if len(n) != 1:
        raise ValueError(f"results must be trains of one length; got lengths {sorted(n)}")
    ax = new_axes(ax)
    view = CMAPSeriesView(ax, list(results), n.pop(), title=title).update(results)
    return set_alt_text(ax, view.describe(results))


def plot_decrement_by_rate(rates_hz, decrements, ax=None):
    """The decrement (4th/5th vs 1st, %) against the stimulation rate, one line per patient.

    Parameters
    ----------
    rates_hz : array (K,)
        Stimulation rates, Hz.
    decrements : dict of str -> array (K,)
        Label -> ``simulate_rns(pop, rate).decrement_pct`` at each rate.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    rates = np.asarray(rates_hz, float)
    if rates.ndim != 1 or rates.size < 2 or np.any(rates <= 0):
        raise ValueError(f"rates_hz must be a 1-D array of at least 2 positive rates; got {rates_hz!r}")
    if not isinstance(decrements, dict) or not decrements:
        raise ValueError("decrements must be a non-empty dict of label -> array")
    ax = new_axes(ax)
    parts = []
    for j, (label, dec) in enumerate(decrements.items()):
        dec = np.asarray(dec, float)
        if dec.shape != rates.shape:
            raise ValueError(f"decrements[{label!r}] must have {rates.size} values; got shape {dec.shape}")
        ax.plot(rates, dec, "o-", color=series_colour(j), label=label)
        parts.append(f"{label}: " + ", ".join(f"{d:.0f} % at {r:g} Hz" for r, d in zip(rates, dec)))
    ax.axhline(DECREMENT_LIMIT_PCT, color=OKABE_ITO["black"], ls=":", lw=1, label=f"{DECREMENT_LIMIT_PCT:g} %")
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(rates, [f"{r:g}" for r in rates])
    ax.set_xlabel("stimulation rate (Hz)")
    ax.set_ylabel("decrement, 4th/5th vs 1st (%)")
    ax.set_title("The decrement and the rate")
    ax.legend(frameon=False, fontsize="small", loc="upper right")
    return set_alt_text(ax, "Decrement in % against stimulation rate on a log axis, with a dotted line at "
                        f"{DECREMENT_LIMIT_PCT:g} %: " + "; ".join(parts) + ".")


class ExerciseTestView:
    """The 3 Hz decrement before exercise and at each time after it, one line per test.

    Built once on ``ax`` with one line per label and the times of the tests; :meth:`update` takes
    a dict label -> ExerciseTestResult and moves the lines (and the baseline line). Used by
    :func:`plot_exercise_tests` and the lesson-05 exercise panel.

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        The tests, in drawing order (line k in ``series_colour(k)``, style ``SERIES_STYLES[k]``).
    times_after_s : sequence of float
        Times of the trains after exercise, s.
    show_baseline : bool
        Draw the decrement before exercise of the first test as a dashed line across.
    """

    def __init__(self, ax, labels, times_after_s, *, show_baseline=False):
        self.ax = ax
        self.labels = _check_labels(labels)
        self.times_after_s = np.asarray(times_after_s, float)
        if self.times_after_s.ndim != 1 or self.times_after_s.size < 1 or np.any(self.times_after_s < 0):
            raise ValueError(f"times_after_s must be a 1-D array of times >= 0 s; got {times_after_s!r}")
        self.x = np.concatenate([[-1.0], self.times_after_s / 60.0])
        nan = np.full(self.x.shape, np.nan)
        ax.axhline(DECREMENT_LIMIT_PCT, color=OKABE_ITO["black"], ls=":", lw=1,
                   label=f"{DECREMENT_LIMIT_PCT:g} % (abnormal)")
        self.lines = {lab: ax.plot(self.x, nan, SERIES_STYLES[j % len(SERIES_STYLES)], color=series_colour(j),
                                   label=lab)[0] for j, lab in enumerate(self.labels)}
        self.baseline = (ax.axhline(np.nan, color=series_colour(0), ls="--", lw=1, alpha=0.6,
                                    label="before exercise") if show_baseline else None)
        ticks = ["before"] + [f"{60 * t:.0f} s" if t < 1 else f"{t:g}" for t in self.x[1:]]
        ax.set_xticks(self.x, ticks)
        ax.set_ylim(-5, 75)
        ax.set_xlabel("time after exercise (min)")
        ax.set_ylabel("decrement at 3 Hz (%)")
        ax.legend(loc="upper left", fontsize="small", frameon=False)

    @property
    def moving(self):
        """The artists :meth:`update` changes (the title included)."""
        return [*self.lines.values(), *([self.baseline] if self.baseline is not None else []), self.ax.title]

    def update(self, results):
        """Draw ``results`` (dict label -> ExerciseTestResult, the labels of the view); returns self."""
        if not isinstance(results, dict) or set(results) != set(self.labels) or not all(
                isinstance(r, ExerciseTestResult) for r in results.values()):
            raise ValueError(f"results must be a dict of ExerciseTestResult with the labels {self.labels}")
        top = 75.0
        for label, ex in results.items():
            if not np.array_equal(ex.times_after_s, self.times_after_s):
                raise ValueError(f"results[{label!r}] was tested at {ex.times_after_s} s after exercise; "
                                 f"this view draws {self.times_after_s}")
            y = np.concatenate([[ex.baseline_decrement_pct], ex.decrement_pct])
            self.lines[label].set_ydata(y)
            if np.any(np.isfinite(y)):
                top = max(top, 10.0 * np.ceil((np.nanmax(y) + 5.0) / 10.0))
        if self.ax.get_ylim()[1] != top:
            self.ax.set_ylim(-5, top)
        if self.baseline is not None:
            self.baseline.set_ydata([results[self.labels[0]].baseline_decrement_pct] * 2)
        spans = {ex.exercise_s for ex in results.values()}
        self.ax.set_title(f"The exercise test: {spans.pop():g} s of exercise" if len(spans) == 1
                          else "The exercise test")
        return self

    @staticmethod
    def describe(results) -> str:
        """Alt text for the drawing of ``results``."""
        parts = []
        for label, ex in results.items():
            later = ex.decrement_pct[1:]
            worst = f"{np.nanmax(later):.0f} %" if np.any(np.isfinite(later)) else "not defined"
            parts.append(f"{label}: {ex.baseline_decrement_pct:.0f} % before, {ex.decrement_pct[0]:.0f} % right "
                         f"after, worst later {worst}")
        return ("The 3 Hz decrement in % before exercise and at each minute after it, with a dotted line at "
                f"{DECREMENT_LIMIT_PCT:g} %: " + "; ".join(parts) + ".")


def plot_exercise_tests(results, ax=None):
    """The 3 Hz decrement before exercise and at each time after it, one line per test
    (an :class:`ExerciseTestView`).

    Parameters
    ----------
    results : dict of str -> ExerciseTestResult
        Label -> :func:`mgmodel.simulate_exercise_test`, all at the same times after exercise.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(results, dict) or not results or not all(
            isinstance(r, ExerciseTestResult) for r in results.values()):
        raise ValueError("results must be a non-empty dict of label -> ExerciseTestResult")
    ax = new_axes(ax)
    view = ExerciseTestView(ax, list(results), next(iter(results.values())).times_after_s).update(results)
    return set_alt_text(ax, view.describe(results))


def plot_test_sensitivity(achr_fraction, decrement_pct, jitter_us, jitter_limit_us, ax=None):
    """RNS decrement of a hand muscle and mean jitter of frontalis against the receptors left.

    Parameters
    ----------
    achr_fraction : array (K,)
        Receptors left, fraction of healthy.
    decrement_pct : array (K,)
        3 Hz decrement of the hand muscle at each value.
    jitter_us : array (K,)
        Mean MCD of frontalis at each value, µs.
    jitter_limit_us : float
        The muscle's limit for the mean MCD, µs.
    ax : None or sequence of 2 Axes

    Returns
    -------
    ndarray of 2 Axes
    """
    achr = np.asarray(achr_fraction, float)
    dec, jit = np.asarray(decrement_pct, float), np.asarray(jitter_us, float)
    if achr.ndim != 1 or achr.size < 2 or dec.shape != achr.shape or jit.shape != achr.shape:
        raise ValueError("achr_fraction, decrement_pct and jitter_us must be 1-D arrays of one length (>= 2)")
    a1, a2 = _axes(ax, 2, (11, 3.4))
    a1.plot(achr, dec, "o-", color=OKABE_ITO["blue"])
    a1.axhline(DECREMENT_LIMIT_PCT, color=OKABE_ITO["black"], ls=":")
    a1.set_ylabel("decrement at 3 Hz (%)")
    a1.set_title("RNS of a hand muscle")
    a2.plot(achr, jit, "o-", color=OKABE_ITO["vermillion"])
    a2.axhline(jitter_limit_us, color=OKABE_ITO["black"], ls=":")
    a2.set_ylabel("mean jitter, MCD (µs)")
    a2.set_title("Single-fibre EMG of frontalis")
    for a in (a1, a2):
        a.invert_xaxis()
        a.set_xlabel("patient's AChR (fraction of healthy)")

    def first(values, limit):
        over = np.flatnonzero(values > limit)
        return f"{achr[over[0]]:.2f}" if over.size else "never in this range"

    set_alt_text(a1, f"Two plots against the receptors left, from {achr.max():.2f} to {achr.min():.2f} of healthy: "
                 f"the 3 Hz decrement of a hand muscle, abnormal (over {DECREMENT_LIMIT_PCT:g} %) first at AChR "
                 f"{first(dec, DECREMENT_LIMIT_PCT)}, and the mean jitter of frontalis, over its limit of "
                 f"{jitter_limit_us:g} µs first at AChR {first(jit, jitter_limit_us)}.")
    return np.array([a1, a2], dtype=object)
