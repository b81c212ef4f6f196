"""Panels of lesson 08: therapies from mechanism.

- :func:`therapy_panel` - one archetype, nine therapies with their start days, the course over a
  year (antibody, endplate, safety factor, MG-ADL) from :func:`mgmodel.simulate_course`, drawn by
  the same :class:`mgmodel.plots_clinic.CourseView` as :func:`mgmodel.plot_course`;
- :func:`pyridostigmine_panel` - AChE activity over a day of tablets
  (:meth:`mgmodel.therapy.Pyridostigmine.ache_activity`) against the therapeutic band and the
  clinical cholinergic-weakness line;
- :func:`fcrn_panel` - lowering IgG with an FcRn antagonist, plasma exchange or IVIG: total and
  pathogenic IgG, albumin and endplate receptors over 90 days (:func:`mgmodel.simulate_disease`).

The capstone clinic (lesson 09) is :mod:`.clinic`; its cases are :mod:`mgmodel.cases`; the plan of
start days that both use is :mod:`.plan` (its names are importable from here as before). Every
therapy uses the standard dosing of its class in :mod:`mgmodel.therapy` (see :data:`THERAPY_PLAN`).

The model is educational: the panels show what *this model* predicts, not what a patient should
be given. Real treatment decisions need physicians.
"""

from __future__ import annotations

import html
from functools import lru_cache

import ipywidgets as W
import numpy as np

from .. import plots
from .. import therapy as T
from ..cases import ARCHETYPE_CHOICES, ARCHETYPE_LABELS, CLINIC_POOL, DIAGNOSES, N_MYSTERY, TESTS, mystery_patient
from ..disease import simulate_disease
from ..plots_clinic import CourseView, TimelineView, round_up
from ._base import Panel, dropdown, slider
from .clinic import ClinicPanel, clinic_panel
from .plan import (HORIZON_DAYS, NOT_GIVEN, THERAPY_PLAN, cached_course, day_slider, plan_intervals, plan_key,
                   plan_text, plan_therapies, two_columns)

__all__ = ["HORIZON_DAYS", "NOT_GIVEN", "THERAPY_PLAN", "ARCHETYPE_CHOICES", "plan_therapies",
           "TherapyPanel", "therapy_panel", "PyridostigminePanel", "pyridostigmine_panel",
           "FcRnPanel", "fcrn_panel", "ClinicPanel", "clinic_panel", "CLINIC_POOL", "DIAGNOSES",
           "mystery_patient", "N_MYSTERY", "TESTS", "THERAPEUTIC_BAND", "ANTIBODY_CHOICES"]

C = plots.OKABE_ITO
# the old private name of the archetype labels, kept for code written against it
_LABEL = ARCHETYPE_LABELS


# =========================================================================================
# Lesson 08: therapies over a year
# =========================================================================================
class TherapyPanel(Panel):
    """A patient over one year with the therapies you start: antibody, endplate, SF, MG-ADL.

    The figure is a :class:`~mgmodel.plots_clinic.CourseView` under a
    :class:`~mgmodel.plots_clinic.TimelineView`: ``plot_course(course, untreated=...)`` draws the
    same four plots as a static figure.
    """

    title = "Treating a virtual patient over one year"
    alt = ("Five stacked panels against time in days over one year: the therapies given as bars, "
           "one row per therapy; antibody, total IgG and albumin relative to baseline; receptors and folds "
           "at limb endplates as fractions of healthy; the safety factor of the four muscle groups "
           "with the line SF = 1; and the MG-ADL score (0-24) with the untreated course in grey, "
           "crisis days shaded, and a vertical line at the day read out.")
    figsize = (8.6, 9.4)

    def _controls(self):
        c = {"patient": dropdown("patient", list(ARCHETYPE_CHOICES), "achr_early_onset")}
        for key, (label, _) in THERAPY_PLAN.items():
            c[key] = day_slider(label)
        c["readout_day"] = slider("read out on day", 180, 0, HORIZON_DAYS, 5, "day", continuous=False,
                                  fmt=".0f")
        return c

    def __init__(self, **initial):
        super().__init__(**initial)
        days = [self.controls[k] for k in THERAPY_PLAN]
        header, _, readout, image = self.widget.children
        note = W.HTML(f"Start day of each therapy (day {NOT_GIVEN}, the right end, = not given):")
        self.widget.children = (header, self.controls["patient"], note, two_columns(days),
                                self.controls["readout_day"], readout, image)

    def compute(self, patient, readout_day, **days):
        key = plan_key(days)
        given = plan_therapies(dict(key))
        course = cached_course(patient, HORIZON_DAYS, key)
        untreated = cached_course(patient, HORIZON_DAYS, ())
        return dict(course=course, untreated=untreated, patient=patient, given=given,
                    day=int(round(readout_day)), intervals=plan_intervals(given, HORIZON_DAYS))

    def setup(self, fig):
        tl, *axes = fig.subplots(5, 1, sharex=True, gridspec_kw=dict(height_ratios=(1.15, 1, 1, 1, 1)))
        timeline = TimelineView(tl, [label for label, _ in THERAPY_PLAN.values()])
        self.view = CourseView(axes, timeline=timeline, show_untreated=True, show_day=True)
        axes[-1].set_xlim(0, HORIZON_DAYS)

    def refresh(self, r):
        self.view.update(r["course"], untreated=r["untreated"], day=r["day"], intervals=r["intervals"],
                         title=f"Course over one year: {ARCHETYPE_LABELS[r['patient']]}")

    def _moving_artists(self):
        return self.view.moving

    def _background_extra(self):
        return self.view.title_axes.get_title()    # changes with the patient only

    def alt_state(self, r):
        c, u, d = r["course"], r["untreated"], r["day"]
        return (f"{ARCHETYPE_LABELS[r['patient']]}, plan {plan_text(r['given'])}: MG-ADL on day {d} "
                f"{c.mg_adl[d]} (untreated {u.mg_adl[d]}); {int(c.crisis.sum())} days in crisis "
                f"(untreated {int(u.crisis.sum())}).")

    def describe(self, r):
        c, u, d = r["course"], r["untreated"], r["day"]
        i = int(np.argmin(c.pathogenic_igg))
        low = int(np.min(c.mg_adl))
        low_day = int(np.argmin(c.mg_adl))
        path = (f"pathogenic antibody lowest <b>{100 * c.pathogenic_igg[i]:.0f} %</b> of baseline on day {i}"
                if c.patient.has_antibody else "no pathogenic antibody")
        return (f"{html.escape(ARCHETYPE_LABELS[r['patient']])}: <b>MG-ADL on day {d}: {c.mg_adl[d]}</b> "
                f"(untreated {u.mg_adl[d]}) · day 0: {c.mg_adl[0]} · "
                f"lowest {low} on day {low_day} · {path} · crisis days: <b>{int(c.crisis.sum())}</b> "
                f"(untreated {int(u.crisis.sum())}) · plan: {html.escape(plan_text(r['given']))}")


def therapy_panel(**initial) -> TherapyPanel:
    """Lesson 08 panel: an archetype, nine therapies with start days, the course over a year."""
    return TherapyPanel(**initial)


# =========================================================================================
# Lesson 08: pyridostigmine over a day
# =========================================================================================
#: Therapeutic AChE inhibition, 20-50 % (pyridostigmine drug labels; soft).
THERAPEUTIC_BAND = (0.20, 0.50)


class PyridostigminePanel(Panel):
    """AChE activity over 24 h of pyridostigmine tablets; one tablet's onset, peak and duration."""

    title = "Pyridostigmine: AChE activity over a day of tablets"
    alt = ("Left: endplate AChE activity in percent of normal over 24 hours of clock time, with "
           "the tablets marked as triangles, the therapeutic band (20-50 % inhibition) shaded and "
           "the clinical cholinergic-weakness line at 80 % inhibition dashed. Right: AChE inhibition in percent "
           "after one tablet against hours after it, with onset and peak marked.")
    figsize = (9.0, 3.5)

    def _controls(self):
        return {
            "dose_mg": slider("tablet", 60.0, 15.0, 240.0, 15.0, "mg", fmt=".0f"),
            "interval_h": slider("hours between tablets", 4.0, 2.0, 8.0, 0.5, "h", fmt=".1f"),
            "baseline_ache": slider("AChE without the drug (1 = normal)", 1.0, 0.05, 1.0, 0.05, ""),
        }

    def compute(self, dose_mg, interval_h, baseline_ache):
        th = T.Pyridostigmine(dose_mg=dose_mg, interval_h=interval_h)
        t = np.linspace(0.0, 24.0, 577)
        activity = th.ache_activity(t, baseline_ache)
        # one tablet on its own
        s = np.linspace(0.0, 10.0, 1001)
        one = T.pyridostigmine_inhibition(s, [0.0], dose_mg)
        k = int(np.argmax(one))
        above = s[one >= 0.5 * one[k]]
        awake = (t >= T.FIRST_DOSE_CLOCK_H) & (t <= T.FIRST_DOSE_CLOCK_H + T.WAKING_HOURS)
        inh = 1.0 - activity                              # relative to a normal endplate
        # trough: just before each later tablet of the day; morning: before the first tablet
        before = [int(np.searchsorted(t, d)) - 1 for d in th.dose_times_h()]
        trough = float(min(inh[i] for i in before[1:])) if len(before) > 1 else float(inh[before[0]])
        lo, hi = THERAPEUTIC_BAND
        dt = t[1] - t[0]
        return dict(t_h=t, activity=activity, dose_times_h=th.dose_times_h(), s_h=s, one=one,
                    onset_min=60.0 * float(above[0]), peak_h=float(s[k]), peak_one=float(one[k]),
                    duration_h=float(above[-1] - above[0]), dose_mg=dose_mg, interval_h=interval_h,
                    n_doses=th.doses_per_day, baseline=baseline_ache,
                    awake_max=float(inh[awake].max()), trough=trough, morning=float(inh[before[0]]),
                    hours_in_band=float(np.sum(awake & (inh >= lo) & (inh <= hi)) * dt),
                    hours_block=float(np.sum(inh > T.DEPOLARIZING_BLOCK_INHIBITION) * dt))

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(2.0, 1)))
        a1 = self._ax1
        lo, hi = THERAPEUTIC_BAND
        a1.axhspan(100 * (1 - hi), 100 * (1 - lo), color=C["green"], alpha=0.15, lw=0,
                   label="therapeutic (20-50 % inhibited)")
        a1.axhline(100 * (1 - T.DEPOLARIZING_BLOCK_INHIBITION), color=C["vermillion"], ls="--", lw=1.5,
                   label="> 80 % inhibited: cholinergic weakness expected (clinic)")
        self._act, = a1.plot([], [], color=C["blue"], lw=2, label="AChE activity")
        self._tabs, = a1.plot([], [], "^", color=C["black"], ms=6, label="tablet")
        a1.set_xlim(0, 24)
        a1.set_xticks(range(0, 25, 3))
        self._title = a1.text(0.5, 1.02, "", transform=a1.transAxes, ha="center", va="bottom",
                              fontsize="medium")
        a1.set_ylim(0, 105)
        a1.set_xlabel("clock time (h)")
        a1.set_ylabel("AChE activity (% of normal)")
        a1.legend(frameon=False, fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
        sec = a1.secondary_yaxis("right", functions=(lambda a: 100 - a, lambda i: 100 - i))
        sec.set_ylabel("inhibited (%)")
        a2 = self._ax2
        self._one, = a2.plot([], [], color=C["blue"], lw=2)
        self._onset, = a2.plot([], [], "o", color=C["black"], ms=5, label="onset (half the peak)")
        self._peak, = a2.plot([], [], "D", color=C["vermillion"], ms=5, label="peak")
        a2.set_xlim(0, 10)
        a2.set_xlabel("hours after one tablet")
        a2.set_ylabel("AChE inhibited (%)")
        a2.set_title("One tablet on its own", fontsize="medium")
        a2.legend(frameon=False, fontsize="x-small", loc="upper right")

    def refresh(self, r):
        self._act.set_data(r["t_h"], 100 * r["activity"])
        self._tabs.set_data(r["dose_times_h"], np.full(len(r["dose_times_h"]), 3.0))
        self._title.set_text(f"{r['dose_mg']:.0f} mg every {r['interval_h']:g} h "
                             f"({r['n_doses']} tablets while awake)")
        self._one.set_data(r["s_h"], 100 * r["one"])
        half = 0.5 * r["peak_one"]
        self._onset.set_data([r["onset_min"] / 60.0], [100 * half])
        self._peak.set_data([r["peak_h"]], [100 * r["peak_one"]])
        self._ax2.set_ylim(0, max(60.0, round_up(110 * r["peak_one"], 20)))

    def _moving_artists(self):
        return [self._act, self._tabs, self._title, self._one, self._onset, self._peak]

    def _background_extra(self):
        return self._ax2.get_ylim()

    def alt_state(self, r):
        return (f"One {r['dose_mg']:.0f} mg tablet inhibits {100 * r['peak_one']:.0f} % of AChE at its peak after "
                f"{r['peak_h']:.1f} h; over the day {100 * r['trough']:.0f} % before later tablets and "
                f"{100 * r['awake_max']:.0f} % at the highest; {r['hours_in_band']:.1f} of {T.WAKING_HOURS:g} waking "
                f"hours in the 20-50 % band, {r['hours_block']:.1f} h beyond 80 %.")

    def describe(self, r):
        block = (f"<b>{r['hours_block']:.1f} h/day beyond 80 %: risk of cholinergic weakness</b>"
                 if r["hours_block"] > 0 else "never beyond 80 %")
        return (f"one {r['dose_mg']:.0f} mg tablet: onset <b>{r['onset_min']:.0f} min</b>, peak "
                f"<b>{r['peak_h']:.1f} h</b> ({100 * r['peak_one']:.0f} % inhibited), above half its peak "
                f"for {r['duration_h']:.1f} h · over the day: {100 * r['morning']:.0f} % before the first "
                f"tablet, <b>{100 * r['trough']:.0f} % before later tablets, {100 * r['awake_max']:.0f} % at "
                f"the highest</b> · "
                f"{r['hours_in_band']:.1f} of {T.WAKING_HOURS:g} waking hours in the 20-50 % band · {block}")


def pyridostigmine_panel(**initial) -> PyridostigminePanel:
    """Lesson 08 panel: tablet size and interval -> AChE activity over 24 h."""
    return PyridostigminePanel(**initial)


# =========================================================================================
# Lesson 08: lowering IgG
# =========================================================================================
#: Archetypes with a pathogenic antibody that can be lowered.
ANTIBODY_CHOICES = [c for c in ARCHETYPE_CHOICES if c[1] in
                    ("achr_early_onset", "achr_late_onset", "thymoma", "musk", "lrp4", "seronegative")]


def _int_slider(description, value, lo, hi, unit):
    return W.IntSlider(value=value, min=lo, max=hi, step=1, description=f"{description} ({unit})",
                       continuous_update=False, style={"description_width": "210px"},
                       layout=W.Layout(width="520px"))


class FcRnPanel(Panel):
    """Total and pathogenic IgG, albumin and receptors after FcRn block, plasma exchange, IVIG."""

    title = "Lowering IgG: FcRn antagonist, plasma exchange and IVIG"
    alt = ("Left: total IgG, pathogenic antibody and albumin in percent of baseline over 90 days, "
           "with the days of treatment marked along the bottom. Right: receptors at limb endplates "
           "in percent of healthy over the same days, with and without treatment.")
    figsize = (9.0, 3.5)
    days = 90

    def _controls(self):
        return {
            "patient": dropdown("patient", ANTIBODY_CHOICES, "achr_early_onset"),
            "fcrn_doses": _int_slider("FcRn antagonist, weekly doses", 4, 0, 8, "n"),
            "fcrn_mg_per_kg": slider("FcRn antagonist dose", 10.0, 1.0, 30.0, 1.0, "mg/kg", fmt=".0f"),
            "plex_sessions": _int_slider("plasma exchanges, every 2 days", 0, 0, 10, "n"),
            "ivig_g_per_kg": slider("IVIG over 2 days", 0.0, 0.0, 2.0, 0.1, "g/kg", fmt=".1f"),
        }

    def compute(self, patient, fcrn_doses, fcrn_mg_per_kg, plex_sessions, ivig_g_per_kg):
        ths, marks = [], []
        if fcrn_doses > 0:
            th = T.FcRnAntagonist(n_doses=int(fcrn_doses), dose_mg_per_kg=fcrn_mg_per_kg)
            ths.append(th)
            marks += [("FcRn antagonist", d) for d in th.dose_days()]
        if plex_sessions > 0:
            th = T.PlasmaExchange(n_sessions=int(plex_sessions))
            ths.append(th)
            marks += [("plasma exchange", d) for d in th.session_days()]
        if ivig_g_per_kg > 0:
            th = T.IVIG(dose_g_per_kg=ivig_g_per_kg)
            ths.append(th)
            marks += [("IVIG", d) for d in th.infusion_days()]
        course = simulate_disease(patient, self.days, ths)
        base = _untreated_slow(patient, self.days)
        it, ip = int(np.argmin(course.total_igg)), int(np.argmin(course.pathogenic_igg))
        ia = int(np.argmax(course.achr_fraction))
        return dict(course=course, untreated=base, marks=marks, patient=patient,
                    total_low=float(course.total_igg[it]), total_low_day=it,
                    total_high=float(course.total_igg.max()),
                    path_low=float(course.pathogenic_igg[ip]), path_low_day=ip,
                    albumin_range=(float(course.albumin.min()), float(course.albumin.max())),
                    achr0=float(course.achr_fraction[0]), achr_best=float(course.achr_fraction[ia]),
                    achr_best_day=ia, achr_untreated=float(base.achr_fraction[ia]))

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=(1.4, 1)))
        a1, a2 = self._ax1, self._ax2
        self._total, = a1.plot([], [], color=C["blue"], lw=2, ls="--", label="total IgG")
        self._path, = a1.plot([], [], color=C["vermillion"], lw=2, label="pathogenic antibody")
        self._alb, = a1.plot([], [], color=C["green"], lw=1.5, ls=":", label="albumin")
        self._marks = {name: a1.plot([], [], m, color=C[col], ms=6, label=name)[0]
                       for name, m, col in (("FcRn antagonist", "v", "black"),     # shapes, not colours,
                                            ("plasma exchange", "s", "black"),     # tell the treatments
                                            ("IVIG", "^", "black"))}               # apart
        a1.axhline(100.0, color=C["black"], lw=0.8, alpha=0.4)
        a1.set_xlim(0, self.days)
        a1.set_xlabel("days after the first treatment")
        a1.set_ylabel("% of baseline")
        a1.legend(frameon=False, fontsize="x-small", loc="upper right", ncol=2)
        self._achr0, = a2.plot([], [], color="0.6", lw=1.5, ls="--", label="untreated")
        self._achr, = a2.plot([], [], color=C["blue"], lw=2, label="treated")
        a2.set_xlim(0, self.days)
        a2.set_ylim(0, 100)
        a2.set_xlabel("days after the first treatment")
        a2.set_ylabel("AChR at limb endplates (% of healthy)")
        a2.set_title("What reaches the junction", fontsize="medium")
        a2.legend(frameon=False, fontsize="x-small", loc="lower right")

    def refresh(self, r):
        c, u = r["course"], r["untreated"]
        t = c.t_days
        self._total.set_data(t, 100 * c.total_igg)
        self._path.set_data(t, 100 * c.pathogenic_igg)
        self._alb.set_data(t, 100 * c.albumin)
        for k, (name, line) in enumerate(self._marks.items()):      # one row of marks per treatment
            days = [d for n, d in r["marks"] if n == name]
            line.set_data(days, np.full(len(days), 4.0 + 7.0 * k))
        self._ax1.set_ylim(0, max(130.0, round_up(105 * r["total_high"], 50)))
        self._ax1.set_title(f"Plasma proteins: {ARCHETYPE_LABELS[r['patient']]}", fontsize="medium")
        self._achr0.set_data(u.t_days, 100 * u.achr_fraction)
        self._achr.set_data(t, 100 * c.achr_fraction)

    def _moving_artists(self):
        return [self._total, self._path, self._alb, *self._marks.values(), self._achr0, self._achr,
                self._ax1.title]

    def alt_state(self, r):
        if not r["marks"]:
            return f"No treatment: IgG stays at baseline; AChR {100 * r['achr0']:.0f} % of healthy."
        return (f"Pathogenic antibody at its lowest {100 * (1 - r['path_low']):.0f} % below baseline on day "
                f"{r['path_low_day']}, total IgG {100 * (1 - r['total_low']):.0f} % below on day "
                f"{r['total_low_day']}; AChR {100 * r['achr0']:.0f} % of healthy, best {100 * r['achr_best']:.0f} % "
                f"on day {r['achr_best_day']}.")

    def describe(self, r):
        if not r["marks"]:
            return (f"no treatment: IgG stays at baseline · AChR {100 * r['achr0']:.0f} % of healthy · "
                    "choose doses, sessions or IVIG")
        lo_a, hi_a = r["albumin_range"]
        total = (f"total IgG lowest <b>{100 * (1 - r['total_low']):.0f} % below baseline on day "
                 f"{r['total_low_day']}</b>" if r["total_low"] < 0.995 else "total IgG never below baseline")
        if r["total_high"] > 1.005:
            total += f", highest {100 * r['total_high']:.0f} % of baseline"
        return (f"{total} · pathogenic antibody lowest <b>{100 * (1 - r['path_low']):.0f} % below on day "
                f"{r['path_low_day']}</b> · albumin {100 * lo_a:.0f}-{100 * hi_a:.0f} % of baseline · "
                f"AChR {100 * r['achr0']:.0f} % → best {100 * r['achr_best']:.0f} % on day "
                f"{r['achr_best_day']} (untreated {100 * r['achr_untreated']:.0f} %)")


@lru_cache(maxsize=16)
def _untreated_slow(patient, days):
    return simulate_disease(patient, days)


def fcrn_panel(**initial) -> FcRnPanel:
    """Lesson 08 panel: FcRn antagonist, plasma exchange and IVIG -> IgG, albumin, AChR over 90 days."""
    return FcRnPanel(**initial)

