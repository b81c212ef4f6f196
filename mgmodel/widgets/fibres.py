"""Panels of lessons 04-05: a muscle of many fibres, fatigue and rest, and electrodiagnosis.

Every panel here draws a population of a few hundred fibres with :func:`~mgmodel.sample_fibres`
for the patient set by its controls, and runs one of the simulations of
:mod:`mgmodel.electrodiagnosis` on it. Both random sources have FIXED seeds (``POPULATION_SEED``
and ``RUN_SEED``), so the figure changes only when a control changes, and the numbers a panel
shows can be reproduced by calling the model directly::

    pop = mgmodel.sample_fibres(N_FIBRES, mgmodel.mg_endplate(achr, folds), muscle=muscle,
                                rng=POPULATION_SEED)
    mgmodel.simulate_rns(pop, rate, 10, rng=RUN_SEED)

A patient with MG is ``mg_endplate(achr_fraction, na_channel_fraction)``: it includes the rise in
quantal content with which chronically myasthenic endplates compensate (Cull-Candy et al. 1980;
``mgmodel.parameters.COMPENSATION_EXPONENT``).

Each panel is a control spec, one compute call and views: the figures are drawn by the same view
classes as the static ``plot_*`` functions (``FiringRasterView`` and ``MuscleTrainView`` of
:mod:`mgmodel.plots_fibres`, ``ForceView`` and ``RNSView`` of :mod:`mgmodel.plots_edx`,
``SFEMGView`` and ``JitterPairsView`` of :mod:`mgmodel.plots_sfemg`, ``CMAPSeriesView`` and
``ExerciseTestView`` of :mod:`mgmodel.plots_decrement`). ``alt_state`` gives the sentence on the
current numbers that follows the fixed ``alt`` in the figure's alt text.
"""

from __future__ import annotations


import numpy as np

from .. import plots
from ..activation import SustainedActivation, retest_after_rest
from ..criteria import DECREMENT_LIMIT_FRACTION, DECREMENT_LIMIT_PCT, decrement_verdict
from ..electrodiagnosis import simulate_exercise_test, simulate_rns, simulate_sfemg
from ..parameters import mg_endplate
from ..plots_decrement import CMAPSeriesView, ExerciseTestView
from ..plots_edx import ForceView, RNSView
from ..plots_fibres import FiringRasterView, MuscleTrainView
from ..plots_sfemg import JitterPairsView, SFEMGView
from ..population import sample_fibres
from ._base import Panel, dropdown, slider

__all__ = ["N_FIBRES", "POPULATION_SEED", "RUN_SEED", "patient_population",
           "PopulationPanel", "population_panel", "FatiguePanel", "fatigue_panel",
           "RNSPanel", "rns_panel", "SFEMGPanel", "sfemg_panel", "ExercisePanel", "exercise_panel"]

#: Fibres in a panel's muscle (enough for smooth percentages, few enough for a fast redraw).
N_FIBRES = 300
#: Seed of the population a panel draws (fixed: the same controls give the same fibres).
POPULATION_SEED = 1
#: Seed of the stochastic release during a panel's run (fixed as well).
RUN_SEED = 2

C = plots.OKABE_ITO

#: Muscle groups in plain words (label, name in mgmodel.MUSCLES).
MUSCLE_CHOICES = [("eye muscles (ocular)", "ocular"), ("face and throat (bulbar)", "bulbar"),
                  ("limb muscles", "limb"), ("breathing muscles (respiratory)", "respiratory")]
#: Muscles a clinician tests with repetitive nerve stimulation, as the model's profiles.
RNS_MUSCLES = [("hand muscle (limb)", "limb"), ("facial muscle (bulbar)", "bulbar")]
#: Muscles studied with single-fibre EMG; extraocular muscles cannot be (see mgmodel.muscles).
SFEMG_MUSCLES = [("extensor digitorum (limb)", "limb"), ("frontalis (face)", "bulbar")]


def _achr(value=1.0):
    return slider("AChR (fraction of healthy)", value, 0.05, 1.0, 0.05, "", continuous=False)


def _folds(value=1.0):
    return slider("folds / Na channels left", value, 0.05, 1.0, 0.05, "", continuous=False)


def patient_population(achr_fraction, na_channel_fraction, muscle="limb", n=N_FIBRES):
    """The panels' muscle: ``n`` fibres of a patient with MG (seed ``POPULATION_SEED``)."""
    return sample_fibres(n, mg_endplate(achr_fraction, na_channel_fraction), muscle=muscle,
                         rng=POPULATION_SEED)


def _pct(x):
    return f"{100 * x:.0f} %" if np.isfinite(x) else "n/a"


# =========================================================================================
# Lesson 04: a muscle of many fibres
# =========================================================================================
class PopulationPanel(Panel):
    """A train of impulses into a muscle: which fibres fire at each impulse, and the force."""

    title = "A muscle of many fibres: who fires at each impulse"
    alt = ("Left: a raster with one row per muscle fibre, sorted by safety factor, and one column "
           "per nerve impulse; blue where the fibre fired, orange where transmission failed. "
           "Right: the percentage of fibres firing and the force (% of full force) at each impulse.")
    figsize = (9.0, 3.6)
    n_impulses = 30

    def _controls(self):
        return {
            "achr_fraction": _achr(),
            "na_channel_fraction": _folds(),
            "rate_hz": slider("firing rate", 20.0, 2.0, 50.0, 1.0, "Hz", continuous=False, fmt=".0f"),
            "muscle": dropdown("muscle group", MUSCLE_CHOICES, "limb"),
        }

    def compute(self, achr_fraction, na_channel_fraction, rate_hz, muscle):
        pop = patient_population(achr_fraction, na_channel_fraction, muscle)
        run = simulate_rns(pop, rate_hz, self.n_impulses, rng=RUN_SEED)
        sf = pop.safety_factor()
        return dict(population=pop, run=run, raster=FiringRasterView.raster(pop, run),
                    fraction_firing=run.fraction_firing, force=pop.force_weight @ run.fired,
                    rate_hz=rate_hz, muscle=muscle, median_sf=float(np.median(sf)),
                    sf_below_1=float(np.mean(sf < 1.0)))

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(1.25, 1)))
        # the figures of mgmodel.plots_fibres.plot_firing_raster and plot_muscle_train
        self.raster_view = FiringRasterView(self._ax1, N_FIBRES, self.n_impulses)
        self.train_view = MuscleTrainView(self._ax2, self.n_impulses)
        self._moving(*self.raster_view.moving, *self.train_view.moving)

    def refresh(self, r):
        self.raster_view.update(r["population"], r["run"])
        self.train_view.update(r["population"], r["run"])

    def alt_state(self, r):
        f, g = r["fraction_firing"], r["force"]
        return (f"{self.n_impulses} impulses at {r['rate_hz']:g} Hz in the {r['muscle']} muscle: fibres firing "
                f"{_pct(f[0])} at the first impulse and {_pct(f[-1])} at the last; force {_pct(g[0])} to "
                f"{_pct(g[-1])} of full; {_pct(r['sf_below_1'])} of fibres have a safety factor below 1 at rest.")

    def describe(self, r):
        f, g = r["fraction_firing"], r["force"]
        return (f"fibres firing: <b>first impulse {_pct(f[0])}, last impulse {_pct(f[-1])}</b> "
                f"(fewest {_pct(f.min())}) · force {_pct(g[0])} → {_pct(g[-1])} of full · "
                f"{self.n_impulses} impulses at {r['rate_hz']:g} Hz · median safety factor at rest "
                f"{r['median_sf']:.2f}, {_pct(r['sf_below_1'])} of fibres below 1")


def population_panel(**initial) -> PopulationPanel:
    """Lesson 04 panel: a train of impulses into a muscle of 300 fibres; raster and force."""
    return PopulationPanel(**initial)


class FatiguePanel(Panel):
    """Sustained voluntary activation, rest, and a short re-test: force against time."""

    title = "Fatigable weakness: force during sustained use, and after rest"
    alt = ("Force in percent of full force against time in seconds: a sustained activation at a "
           "fixed firing rate, a shaded rest period, then a short re-test.")
    figsize = (8.0, 3.4)
    retest_s = 5.0
    n_fibres = 200        # force is an average over fibres; fewer keep a 60 s run fast

    def _controls(self):
        return {
            "achr_fraction": _achr(),
            "na_channel_fraction": _folds(),
            "rate_hz": slider("firing rate", 20.0, 5.0, 25.0, 1.0, "Hz", continuous=False, fmt=".0f"),
            "duration_s": slider("sustained activation", 30.0, 10.0, 60.0, 5.0, "s", continuous=False,
                                 fmt=".0f"),
            "rest_s": slider("rest", 30.0, 0.0, 120.0, 5.0, "s", continuous=False, fmt=".0f"),
            "muscle": dropdown("muscle group", MUSCLE_CHOICES, "limb"),
        }

    def compute(self, achr_fraction, na_channel_fraction, rate_hz, duration_s, rest_s, muscle):
        # one sustained activation per patient, rate and muscle, read for every duration (the
        # first D s of a longer activation are the activation of D s), and the bout kept while
        # only the rest slider moves; the same result as simulate_activation (tested)
        key = (achr_fraction, na_channel_fraction, rate_hz, muscle)
        if self.__dict__.get("_activation_key") != key:
            pop = patient_population(achr_fraction, na_channel_fraction, muscle, n=self.n_fibres)
            self._activation = SustainedActivation(pop, rate_hz, rng=RUN_SEED)
            self._activation_key = key
            self._bout = None
        if self._bout is None or self._bout.duration_s != duration_s:
            self._bout = self._activation.bout(duration_s)
        return retest_after_rest(self._bout, rest_s, retest_s=self.retest_s)

    def setup(self, fig):
        self._ax = fig.add_subplot()
        # the figure of mgmodel.plot_force
        self.view = ForceView(self._ax, label="sustained use", retest_label="re-test after rest",
                              color=C["blue"], retest_color=C["vermillion"])
        self._moving(*self.view.moving)

    def refresh(self, r):
        self.view.update(r)

    def alt_state(self, r):
        return (f"At {r.rate_hz:g} Hz in the {r.muscle} muscle force falls from {_pct(r.initial_force)} to "
                f"{_pct(r.final_force)} of full in {r.duration_s:g} s (fatigue {r.fatigue_pct:.0f} %); after "
                f"{r.rest_s:g} s of rest it is back to {_pct(r.recovered_force)}.")

    def describe(self, r):
        return (f"force: first second {_pct(r.initial_force)}, last second {_pct(r.final_force)} · "
                f"<b>fatigue {r.fatigue_pct:.0f} %</b> in {r.duration_s:g} s at {r.rate_hz:g} Hz · "
                f"after {r.rest_s:g} s of rest: <b>{_pct(r.recovered_force)}</b> "
                f"(at the start of use {_pct(r.initial_force)})")


def fatigue_panel(**initial) -> FatiguePanel:
    """Lesson 04 panel: sustained activation, rest and re-test; force against time."""
    return FatiguePanel(**initial)


# =========================================================================================
# Lesson 05: electrodiagnosis
# =========================================================================================
class RNSPanel(Panel):
    """Repetitive nerve stimulation: ten CMAPs as the machine shows them, and their amplitudes."""

    title = "Repetitive nerve stimulation: ten responses and the decrement"
    alt = ("Left: ten compound muscle action potentials side by side, in mV, one per stimulus, "
           "the 4th and 5th in vermillion. Right: the amplitude of each response in percent of the "
           f"first, with the {100 * DECREMENT_LIMIT_FRACTION:g} % line that a {DECREMENT_LIMIT_PCT:g} % "
           "decrement crosses.")
    figsize = (9.0, 3.4)
    n_stimuli = 10
    full_cmap_mV = 10.0   # drawn amplitude of the full response, as in mgmodel.plot_rns
    window_ms = 15.0

    def _controls(self):
        return {
            "achr_fraction": _achr(),
            "na_channel_fraction": _folds(),
            "rate_hz": slider("stimulation rate", 3.0, 2.0, 50.0, 1.0, "Hz", continuous=False, fmt=".0f"),
            "muscle": dropdown("muscle recorded", RNS_MUSCLES, "limb"),
        }

    def compute(self, achr_fraction, na_channel_fraction, rate_hz, muscle):
        pop = patient_population(achr_fraction, na_channel_fraction, muscle)
        return simulate_rns(pop, rate_hz, self.n_stimuli, rng=RUN_SEED)

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(2.2, 1)))
        # the left Axes is the figure of mgmodel.plot_rns, drawn by the same view
        self.view = RNSView(self._ax1, self.n_stimuli, full_cmap_mV=self.full_cmap_mV,
                            window_ms=self.window_ms, n_points=120, compact=True)
        self._moving(*self.view.moving)
        # the right Axes is the figure of mgmodel.plots_decrement.plot_cmap_series
        self.amplitude_view = CMAPSeriesView(self._ax2, ["amplitude"], self.n_stimuli,
                                             title="Amplitude of each response", ylim=(20, 140))
        self._moving(*self.amplitude_view.moving)
        # the title names the rate and the muscle: drawn on top, so a rate move redraws no axes
        self._moving(self._ax1.title)

    def refresh(self, r):
        self.view.update(r)
        self.amplitude_view.update({"amplitude": r})

    def alt_state(self, r):
        dec = r.decrement_pct
        if not np.isfinite(dec):
            return f"{r.rate_hz:g} Hz train: no response to the first stimulus."
        return (f"{r.rate_hz:g} Hz train in the {r.muscle} muscle: decrement {dec:.0f} %, "
                f"{decrement_verdict(dec)}; first response {_pct(r.cmap[0])} of a full response.")

    def describe(self, r):
        dec = r.decrement_pct
        if not np.isfinite(dec):
            return "no response to the first stimulus: every fibre fails"
        verdict = decrement_verdict(dec)
        change = r.decrement_end_pct
        last = f"{change:.1f} % decrement" if change >= 0 else f"{-change:.1f} % increment"
        return (f"<b>decrement (4th/5th vs 1st) {dec:.1f} %</b>: {verdict} · last vs first: {last} · "
                f"first response {_pct(r.cmap[0])} of a full response · {r.rate_hz:g} Hz")


def rns_panel(**initial) -> RNSPanel:
    """Lesson 05 panel: ten supramaximal stimuli at 2-50 Hz; CMAPs and the decrement."""
    return RNSPanel(**initial)


class SFEMGPanel(Panel):
    """Voluntary single-fibre EMG: a jitter raster of the worst pair and the jitter of all pairs."""

    title = "Single-fibre EMG: jitter and blocking of 20 fibre pairs"
    alt = ("Left: 30 consecutive discharges of one fibre pair stacked top to bottom, each sweep "
           "triggered on the first potential; the second potential, in µs from its usual position, "
           "wanders (jitter) or is missing, marked with a cross (blocking). Right: the jitter (MCD, "
           "µs) of every pair, sorted, with the reference limits as dashed lines; pairs with "
           "blocking as vermillion diamonds.")
    figsize = (9.0, 3.6)
    n_pairs = 20
    n_discharges = 100
    n_sweeps = 30
    window_us = 400.0
    mcd_top_us = 200.0    # larger MCDs are drawn at the top of the axis

    def _controls(self):
        return {
            "achr_fraction": _achr(),
            "na_channel_fraction": _folds(),
            "muscle": dropdown("muscle studied", SFEMG_MUSCLES, "limb"),
        }

    def compute(self, achr_fraction, na_channel_fraction, muscle):
        pop = patient_population(achr_fraction, na_channel_fraction, muscle)
        return simulate_sfemg(pop, self.n_pairs, self.n_discharges, rng=RUN_SEED)

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(1.2, 1)))
        # the figures of mgmodel.plot_sfemg and mgmodel.plots_sfemg.plot_jitter_pairs
        self.raster_view = SFEMGView(self._ax1, self.n_sweeps, window_us=self.window_us, compact=True)
        self.pairs_view = JitterPairsView(self._ax2, self.n_pairs, mcd_top_us=self.mcd_top_us)
        self._moving(*self.raster_view.moving, *self.pairs_view.moving)

    def refresh(self, r):
        self.raster_view.update(r)
        self.pairs_view.update(r)

    def alt_state(self, r):
        if r.n_pairs == 0:
            return "No fibre pair transmits: the study cannot be done and is abnormal."
        return (f"Mean MCD {r.mean_mcd_us:.0f} µs (limit {r.limit_mean_us:g} µs), blocking in "
                f"{r.pairs_with_blocking} of {r.n_pairs} pairs, {r.pairs_over_limit_pct:.0f} % of pairs over "
                f"the one-pair limit: the study is {'abnormal' if r.abnormal else 'normal'}.")

    def describe(self, r):
        if r.n_pairs == 0:
            return "no fibre pair transmits: the study cannot be done · <b>abnormal</b>"
        blocking = 100.0 * r.pairs_with_blocking / r.n_pairs
        verdict = "<b>ABNORMAL</b>" if r.abnormal else "<b>normal</b>"
        return (f"<b>mean jitter (MCD) {r.mean_mcd_us:.1f} µs</b> (limit {r.limit_mean_us:g} µs) · "
                f"pairs over the one-pair limit ({r.limit_pair_us:g} µs): {r.pairs_over_limit_pct:.0f} % · "
                f"<b>pairs with blocking {r.pairs_with_blocking} of {r.n_pairs} ({blocking:.0f} %)</b> · "
                f"study {verdict}")


def sfemg_panel(**initial) -> SFEMGPanel:
    """Lesson 05 panel: voluntary SFEMG of 20 pairs; jitter raster, MCD of each pair, verdict."""
    return SFEMGPanel(**initial)


class ExercisePanel(Panel):
    """The exercise test: the 3 Hz decrement before, right after and 1-4 minutes after exercise."""

    title = "The exercise test: facilitation, then exhaustion"
    alt = ("Left: the decrement in percent before exercise and at 5 s, 1, 2, 3 and 4 minutes "
           f"after it, with the {DECREMENT_LIMIT_PCT:g} % line. Right: the amplitude of each of ten "
           "responses in percent of the first, before exercise, right after it and at the worst later time.")
    figsize = (9.0, 3.4)
    times_after_s = (5.0, 60.0, 120.0, 180.0, 240.0)

    def _controls(self):
        return {
            "achr_fraction": _achr(),
            "na_channel_fraction": _folds(),
            "exercise_s": slider("maximal exercise", 30.0, 0.0, 60.0, 5.0, "s", continuous=False, fmt=".0f"),
        }

    def compute(self, achr_fraction, na_channel_fraction, exercise_s):
        pop = patient_population(achr_fraction, na_channel_fraction, "limb")
        return simulate_exercise_test(pop, exercise_s, times_after_s=self.times_after_s, rng=RUN_SEED)

    #: Labels of the three trains drawn on the right.
    train_labels = ("before exercise", "right after (5 s)", "worst at 2-4 min")

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2)
        # the figures of mgmodel.plots_decrement.plot_exercise_tests and plot_cmap_series
        self.test_view = ExerciseTestView(self._ax1, ["decrement"], self.times_after_s, show_baseline=True)
        self.train_view = CMAPSeriesView(self._ax2, self.train_labels, 10, title="Ten responses")
        self._moving(*self.test_view.moving, *self.train_view.moving)

    def _worst_late(self, r):
        late = np.flatnonzero((r.times_after_s >= 120.0) & (r.times_after_s <= 240.0))
        return int(late[np.nanargmax(r.decrement_pct[late])]) if np.any(np.isfinite(r.decrement_pct[late])) \
            else int(late[0])

    def trains(self, r):
        """The three trains drawn on the right, by label."""
        return dict(zip(self.train_labels, (r.baseline, r.trains[0], r.trains[self._worst_late(r)])))

    def refresh(self, r):
        self.test_view.update({"decrement": r})
        self.train_view.update(self.trains(r))

    def alt_state(self, r):
        w = self._worst_late(r)
        return (f"3 Hz decrement {r.baseline_decrement_pct:.0f} % before {r.exercise_s:g} s of exercise, "
                f"{r.decrement_pct[0]:.0f} % right after it and {r.decrement_pct[w]:.0f} % at "
                f"{r.times_after_s[w] / 60:g} min (abnormal from {DECREMENT_LIMIT_PCT:g} %).")

    def describe(self, r):
        w = self._worst_late(r)
        return (f"decrement before exercise <b>{r.baseline_decrement_pct:.1f} %</b> · right after "
                f"{r.exercise_s:g} s of exercise <b>{r.decrement_pct[0]:.1f} %</b> (facilitation "
                f"{r.facilitation_pct:+.1f} points) · worst at 2-4 min <b>{r.decrement_pct[w]:.1f} %</b> at "
                f"{r.times_after_s[w] / 60:g} min (exhaustion {r.exhaustion_pct:+.1f} points)")


def exercise_panel(**initial) -> ExercisePanel:
    """Lesson 05 panel: the 3 Hz decrement before and after 0-60 s of maximal exercise."""
    return ExercisePanel(**initial)
