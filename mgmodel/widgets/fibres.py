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
"""

from __future__ import annotations


import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

from .. import plots
from ..criteria import DECREMENT_LIMIT_FRACTION, DECREMENT_LIMIT_PCT, decrement_verdict
from ..electrodiagnosis import (simulate_activation, simulate_exercise_test, simulate_rns,
                                simulate_sfemg)
from ..parameters import mg_endplate
from ..plots_edx import RNSView
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
        order = np.argsort(sf, kind="stable")
        return dict(population=pop, run=run, raster=run.fired[order],
                    fraction_firing=run.fraction_firing, force=pop.force_weight @ run.fired,
                    rate_hz=rate_hz, muscle=muscle, median_sf=float(np.median(sf)),
                    sf_below_1=float(np.mean(sf < 1.0)))

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(1.25, 1)))
        n = self.n_impulses
        a1 = self._ax1
        cmap = ListedColormap([C["orange"], C["blue"]])
        self._img = self._moving(a1.imshow(np.ones((N_FIBRES, n)), cmap=cmap, vmin=0, vmax=1,
                                           aspect="auto", origin="lower", interpolation="nearest",
                                           extent=(0.5, n + 0.5, 0, N_FIBRES)))
        a1.set_xlim(0.5, n + 0.5)
        a1.set_ylim(0, N_FIBRES)
        a1.set_xlabel("impulse number")
        a1.set_ylabel("fibres, lowest safety factor at the bottom")
        a1.legend(handles=[Patch(color=C["blue"], label="fired"), Patch(color=C["orange"], label="failed")],
                  loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False, fontsize="small")
        self._moving(a1.title)
        a2 = self._ax2
        k = np.arange(1, n + 1)
        self._frac = self._moving(a2.plot(k, 100 + 0 * k, "o-", ms=3, color=C["blue"],
                                          label="fibres firing")[0])
        self._force = self._moving(a2.plot(k, 100 + 0 * k, "s--", ms=3, color=C["vermillion"],
                                           label="force")[0])
        a2.set_xlim(0.5, n + 0.5)
        a2.set_ylim(0, 105)
        a2.set_xlabel("impulse number")
        a2.set_ylabel("% of all fibres / of full force")
        a2.legend(loc="lower left", fontsize="small", frameon=False)
        a2.set_title("Fibres firing and force")

    def refresh(self, r):
        self._img.set_data(r["raster"].astype(float))
        self._ax1.set_title(f"{self.n_impulses} impulses at {r['rate_hz']:g} Hz "
                            f"({self.n_impulses / r['rate_hz']:.2g} s), {r['muscle']} muscle")
        self._frac.set_ydata(100 * r["fraction_firing"])
        self._force.set_ydata(100 * r["force"])

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
        pop = patient_population(achr_fraction, na_channel_fraction, muscle, n=self.n_fibres)
        return simulate_activation(pop, duration_s, rate_hz, rest_s, retest_s=self.retest_s, rng=RUN_SEED)

    def setup(self, fig):
        ax = self._ax = fig.add_subplot()
        self._use = self._moving(ax.plot([], [], color=C["blue"], lw=1.5, label="sustained use")[0])
        self._retest = self._moving(ax.plot([], [], color=C["vermillion"], lw=1.5,
                                            label="re-test after rest")[0])
        trans = blended_transform_factory(ax.transData, ax.transAxes)
        self._rest = self._moving(ax.add_patch(Rectangle((0, 0), 0, 1, transform=trans, color=C["sky"],
                                                         alpha=0.2, lw=0)))
        self._rest_label = self._moving(ax.text(0, 0.04, "", transform=trans, ha="center", va="bottom",
                                                fontsize="small"))
        self._moving(ax.title)
        ax.set_ylim(0, 105)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("force (% of full force)")
        ax.legend(loc="lower left", fontsize="small", frameon=False)

    def refresh(self, r):
        use, again = r.bout == 0, r.bout == 1
        self._use.set_data(r.t_s[use], 100 * r.force[use])
        self._retest.set_data(r.t_s[again], 100 * r.force[again])
        self._rest.set_x(r.duration_s)
        self._rest.set_width(r.rest_s)
        self._rest_label.set_x(r.duration_s + 0.5 * r.rest_s)
        self._rest_label.set_text(f"rest {r.rest_s:g} s" if r.rest_s > 0 else "")
        # the axis ends on a multiple of 15 s, so most moves of a slider keep it (and the kept background)
        self._ax.set_xlim(0, 15.0 * np.ceil((r.duration_s + r.rest_s + r.retest_s) / 15.0))
        self._ax.set_title(f"Force at {r.rate_hz:g} Hz ({r.muscle} muscle): "
                           f"{r.fatigue_pct:.0f} % lost in {r.duration_s:g} s")

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
        a2 = self._ax2
        k = np.arange(1, self.n_stimuli + 1)
        a2.axhline(100 * DECREMENT_LIMIT_FRACTION, color=C["black"], ls=":", lw=1,
                   label=f"{DECREMENT_LIMIT_PCT:g} % decrement")
        self._amp = self._moving(a2.plot(k, 100 + 0 * k, "o-", color=C["blue"], ms=4, label="amplitude")[0])
        a2.set_xlim(0.5, self.n_stimuli + 0.5)
        a2.set_xticks(k)
        a2.set_ylim(20, 140)
        a2.set_xlabel("stimulus number")
        a2.set_ylabel("amplitude (% of the 1st)")
        a2.set_title("Amplitude of each response")
        a2.legend(loc="lower left", fontsize="small", frameon=False)

    def refresh(self, r):
        self.view.update(r)
        rel = 100 * r.cmap / r.cmap[0] if r.cmap[0] > 0 else np.full(r.cmap.shape, np.nan)
        self._amp.set_ydata(rel)

    def _background_extra(self):
        return self._ax1.get_title()           # redrawn with the background when rate or muscle change

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
        a1 = self._ax1
        # a single-fibre potential, drawn over +-80 µs so that tens of µs of jitter stay visible
        self._spike_t = np.linspace(-80.0, 80.0, 17)
        self._spike = -np.sin(np.pi * self._spike_t / 80.0) * np.exp(-(self._spike_t / 60.0) ** 2)
        a1.axvline(0.0, color=C["black"], ls=":", lw=1)
        self._second = self._moving(a1.plot([], [], color=C["orange"], lw=1.0, label="second potential")[0])
        self._blocked = self._moving(a1.plot([], [], "x", color=C["black"], ms=5,
                                             label="blocked (missing)")[0])
        self._moving(a1.title)
        a1.set_xlim(-self.window_us, self.window_us)
        a1.set_ylim(-self.n_sweeps, 1)
        a1.set_yticks([])
        a1.set_xlabel("second potential: time from its usual position (µs)")
        a1.set_ylabel(f"{self.n_sweeps} consecutive discharges")
        a1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize="small", frameon=False)
        a2 = self._ax2
        self._ok = self._moving(a2.plot([], [], "o", color=C["blue"], ms=5, label="pair without blocking")[0])
        self._blk = self._moving(a2.plot([], [], "D", color=C["vermillion"], ms=5, label="pair with blocking")[0])
        self._lim_pair = self._moving(a2.axhline(43, color=C["purple"], ls="--", lw=1.2,
                                                 label="limit, one pair"))
        self._lim_mean = self._moving(a2.axhline(30, color=C["black"], ls="--", lw=1.2, label="limit, mean"))
        self._mean = self._moving(a2.axhline(0, color=C["sky"], lw=2, label="mean of this study"))
        self._moving(a2.title)
        a2.set_xlim(0, self.n_pairs + 1)
        a2.set_ylim(0, self.mcd_top_us + 5)
        a2.set_xticks([1, 5, 10, 15, 20])
        a2.set_xlabel("fibre pair (sorted by jitter)")
        a2.set_ylabel("jitter, MCD (µs)")
        a2.legend(loc="upper left", fontsize="x-small", frameon=False)

    def _worst_pair(self, r):
        if r.n_pairs == 0:
            return None
        return int(np.argmax(np.where(np.isfinite(r.mcd_us), r.mcd_us, np.inf)))

    def refresh(self, r):
        p = self._worst_pair(r)
        self._lim_pair.set_ydata([r.limit_pair_us] * 2)
        self._lim_mean.set_ydata([r.limit_mean_us] * 2)
        if p is None:
            for line in (self._second, self._blocked, self._ok, self._blk):
                line.set_data([], [])
            self._mean.set_ydata([np.nan] * 2)
            self._ax1.set_title("No fibre pair transmits: nothing to record")
            self._ax2.set_title("Study: ABNORMAL (no pair to record)")
            return
        lat = r.latency_ms[p]
        med = np.array([np.nanmedian(x) if np.any(np.isfinite(x)) else np.nan for x in lat])
        if np.isfinite(med[1]) and (not np.isfinite(med[0]) or med[1] < med[0]):
            lat = lat[::-1]                                   # trigger on the earlier potential
        a, b = lat[0, :self.n_sweeps], lat[1, :self.n_sweeps]
        both = np.isfinite(a) & np.isfinite(b)
        interval_us = 1000.0 * (b - a)
        usual = float(np.median(interval_us[both])) if np.any(both) else 0.0
        xs, ys, bx, by = [], [], [], []
        nan = np.array([np.nan])
        for k in range(a.size):
            if both[k]:
                xs += [interval_us[k] - usual + self._spike_t, nan]
                ys += [-k + 0.9 * self._spike, nan]
            else:                                             # one of the two is missing
                bx.append(0.0)
                by.append(-k)
        self._second.set_data(np.concatenate(xs) if xs else [], np.concatenate(ys) if ys else [])
        self._blocked.set_data(bx, by)
        mcd = r.mcd_us[p]
        self._ax1.set_title(f"Pair with the most jitter: {mcd:.0f} µs, blocking {r.blocking_pct[p]:.0f} %"
                            if np.isfinite(mcd) else f"Pair {p + 1}: blocking {r.blocking_pct[p]:.0f} %")
        # all pairs, sorted by jitter (a pair without a value counts at the pair limit, as in the model)
        scored = np.where(np.isfinite(r.mcd_us), r.mcd_us, r.limit_pair_us)
        order = np.argsort(scored, kind="stable")
        x = np.arange(1, order.size + 1)
        y = np.minimum(scored[order], self.mcd_top_us)
        blk = r.blocking_pct[order] > 0
        self._ok.set_data(x[~blk], y[~blk])
        self._blk.set_data(x[blk], y[blk])
        self._mean.set_ydata([min(r.mean_mcd_us, self.mcd_top_us)] * 2)
        self._ax2.set_title(f"Study: {'ABNORMAL' if r.abnormal else 'normal'} (IFCN criteria)")

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

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2)
        a1 = self._ax1
        x = np.array([-1.0] + [t / 60.0 for t in self.times_after_s])
        a1.axhline(DECREMENT_LIMIT_PCT, color=C["black"], ls=":", lw=1,
                   label=f"{DECREMENT_LIMIT_PCT:g} % (abnormal)")
        self._dec = self._moving(a1.plot(x, 0 * x, "o-", color=C["blue"], label="decrement")[0])
        self._base = self._moving(a1.axhline(0.0, color=C["blue"], ls="--", lw=1, alpha=0.6,
                                             label="before exercise"))
        self._moving(a1.title)
        a1.set_xticks(x, ["before", "5 s", "1", "2", "3", "4"])
        a1.set_ylim(-5, 75)
        a1.set_xlabel("time after exercise (min)")
        a1.set_ylabel("decrement (%)")
        a1.legend(loc="upper left", fontsize="small", frameon=False)
        a2 = self._ax2
        k = np.arange(1, 11)
        self._lines = [self._moving(a2.plot(k, 100 + 0 * k, marker, color=C[col], ms=4, label=lab)[0])
                       for marker, col, lab in (("o-", "blue", "before exercise"),
                                                ("s-", "green", "right after (5 s)"),
                                                ("^-", "vermillion", "worst at 2-4 min"))]
        a2.axhline(100 * DECREMENT_LIMIT_FRACTION, color=C["black"], ls=":", lw=1)
        a2.set_xticks(k)
        a2.set_ylim(20, 110)
        a2.set_xlabel("stimulus number")
        a2.set_ylabel("amplitude (% of the 1st)")
        a2.set_title("Ten responses")
        a2.legend(loc="lower left", fontsize="small", frameon=False)

    def _worst_late(self, r):
        late = np.flatnonzero((r.times_after_s >= 120.0) & (r.times_after_s <= 240.0))
        return int(late[np.nanargmax(r.decrement_pct[late])]) if np.any(np.isfinite(r.decrement_pct[late])) \
            else int(late[0])

    def refresh(self, r):
        self._dec.set_ydata(np.concatenate([[r.baseline_decrement_pct], r.decrement_pct]))
        self._base.set_ydata([r.baseline_decrement_pct] * 2)
        for line, tr in zip(self._lines, (r.baseline, r.trains[0], r.trains[self._worst_late(r)])):
            line.set_ydata(100 * tr.cmap / tr.cmap[0] if tr.cmap[0] > 0 else np.full(tr.cmap.shape, np.nan))
        self._ax1.set_title(f"Decrement at 3 Hz, {r.exercise_s:g} s of exercise")

    def describe(self, r):
        w = self._worst_late(r)
        return (f"decrement before exercise <b>{r.baseline_decrement_pct:.1f} %</b> · right after "
                f"{r.exercise_s:g} s of exercise <b>{r.decrement_pct[0]:.1f} %</b> (facilitation "
                f"{r.facilitation_pct:+.1f} points) · worst at 2-4 min <b>{r.decrement_pct[w]:.1f} %</b> at "
                f"{r.times_after_s[w] / 60:g} min (exhaustion {r.exhaustion_pct:+.1f} points)")


def exercise_panel(**initial) -> ExercisePanel:
    """Lesson 05 panel: the 3 Hz decrement before and after 0-60 s of maximal exercise."""
    return ExercisePanel(**initial)
