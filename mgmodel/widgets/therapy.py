"""Panels of lessons 08-09: therapies from mechanism, and the virtual MG clinic.

- :func:`therapy_panel` - one archetype, nine therapies with their start days, the course over a
  year (antibody, endplate, safety factor, MG-ADL) from :func:`mgmodel.simulate_course`;
- :func:`pyridostigmine_panel` - AChE activity over a day of tablets
  (:meth:`mgmodel.therapy.Pyridostigmine.ache_activity`) against the therapeutic band and the
  depolarizing-block line;
- :func:`fcrn_panel` - lowering IgG with an FcRn antagonist, plasma exchange or IVIG: total and
  pathogenic IgG, albumin and endplate receptors over 90 days (:func:`mgmodel.simulate_disease`);
- :func:`clinic_panel` - the capstone: a mystery patient to examine, test, diagnose and treat, with
  the consequences simulated over months. It has buttons (tests, Run, Reveal); ``panel.order()``,
  ``panel.run()``, ``panel.new_patient()`` and ``panel.reveal()`` do the same from code.

Start-day sliders share one convention: a therapy starts on the day chosen, and the rightmost
position (:data:`NOT_GIVEN`, day 365) means it is not given in the year shown. Every therapy uses
the standard dosing of its class in :mod:`mgmodel.therapy` (see :data:`THERAPY_PLAN`).

The model is educational: the panels show what *this model* predicts, not what a patient should
be given. Real treatment decisions need physicians.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as W
import numpy as np
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

from .. import plots
from .. import therapy as T
from ..clinic import CRISIS_STRENGTH, simulate_course
from ..disease import simulate_disease
from ..electrodiagnosis import simulate_rns, simulate_sfemg
from ..parameters import mg_endplate
from ..patients import MUSCLE_GROUPS, PATIENTS
from ..population import sample_fibers
from ._base import Panel, dropdown, slider

__all__ = ["HORIZON_DAYS", "NOT_GIVEN", "THERAPY_PLAN", "ARCHETYPE_CHOICES", "plan_therapies",
           "TherapyPanel", "therapy_panel", "PyridostigminePanel", "pyridostigmine_panel",
           "FcRnPanel", "fcrn_panel", "ClinicPanel", "clinic_panel", "CLINIC_POOL", "DIAGNOSES",
           "mystery_patient"]

C = plots.OKABE_ITO

#: Days shown by the therapy panel and the longest follow-up of the clinic.
HORIZON_DAYS = 365
#: Start day that means "not given" (the end of the year shown).
NOT_GIVEN = 365

#: Archetypes in plain words (label, name in mgmodel.PATIENTS).
ARCHETYPE_CHOICES = [
    ("AChR antibody, early onset (thymic hyperplasia)", "achr_early_onset"),
    ("AChR antibody, late onset", "achr_late_onset"),
    ("AChR antibody with a thymoma", "thymoma"),
    ("MuSK antibody (IgG4)", "musk"),
    ("LRP4 antibody", "lrp4"),
    ("no antibody found (seronegative)", "seronegative"),
    ("ocular MG (eyes only)", "ocular"),
    ("newborn of a mother with MG (neonatal)", "neonatal"),
    ("congenital syndrome, AChR deficiency (CHRNE)", "congenital"),
    ("congenital syndrome, AChE deficiency (COLQ)", "congenital_colq"),
]
_LABEL = {name: label for label, name in ARCHETYPE_CHOICES}


def _fcrn_cycles(start_day, horizon):
    """Weekly x 4 cycles, a new cycle 8 weeks after the start of the previous one (ADAPT-like)."""
    cycle = 3 * 7 + 35
    return T.FcRnAntagonist(start_day=start_day, n_cycles=max(1, math.ceil((horizon - start_day) / cycle)),
                            cycle_gap_days=35)


#: The therapies the panels offer: control name -> (label, builder(start_day, horizon)).
#: Standard dosing of each class: pyridostigmine 60 mg every 4 h while awake; prednisone 60 mg/day;
#: azathioprine; thymectomy; plasma exchange 5 x 1 plasma volume every other day; IVIG 2 g/kg over
#: 2 days; FcRn antagonist 10 mg/kg weekly x 4 in repeated cycles; ravulizumab-like C5 inhibitor;
#: one course of rituximab.
THERAPY_PLAN = {
    "pyridostigmine_day": ("pyridostigmine", lambda d, h: T.Pyridostigmine(start_day=d)),
    "prednisone_day": ("prednisone", lambda d, h: T.Prednisone(start_day=d, dose_mg_per_day=60.0)),
    "azathioprine_day": ("azathioprine", lambda d, h: T.Immunosuppressant(start_day=d, agent="azathioprine")),
    "thymectomy_day": ("thymectomy", lambda d, h: T.Thymectomy(start_day=d)),
    "plasma_exchange_day": ("plasma exchange", lambda d, h: T.PlasmaExchange(start_day=d)),
    "ivig_day": ("IVIG", lambda d, h: T.IVIG(start_day=d)),
    "fcrn_day": ("FcRn antagonist", _fcrn_cycles),
    "complement_day": ("complement inhibitor", lambda d, h: T.ComplementInhibitor(start_day=d)),
    "rituximab_day": ("rituximab", lambda d, h: T.Rituximab(start_day=d)),
}


def plan_therapies(days, horizon=HORIZON_DAYS):
    """Therapy objects for ``{control name: start day}``; days >= :data:`NOT_GIVEN` are left out.

    Returns a list of ``(label, start_day, therapy)`` in the order of :data:`THERAPY_PLAN`.
    """
    out = []
    for key, (label, build) in THERAPY_PLAN.items():
        d = days.get(key, NOT_GIVEN)
        if d is not None and d < min(NOT_GIVEN, horizon):
            out.append((label, float(d), build(float(d), horizon)))
    return out


def _plan_text(given):
    if not given:
        return "no treatment"
    return ", ".join(f"{label} from day {d:.0f}" for label, d, _ in sorted(given, key=lambda g: g[1]))


def _day_slider(label, value=NOT_GIVEN):
    return _compact(slider(f"{label} from day", value, 0, NOT_GIVEN, 5, "", continuous=False, fmt=".0f"))


def _compact(w, width="470px", desc="210px"):
    w.layout = W.Layout(width=width)
    w.style = {"description_width": desc}
    return w


def _two_columns(widgets_):
    half = (len(widgets_) + 1) // 2
    return W.HBox([W.VBox(widgets_[:half]), W.VBox(widgets_[half:])])


@lru_cache(maxsize=64)
def _course(patient, days, therapies_key):
    """simulate_course (fibre seed 0, as the archetypes' defaults), cached on the hashable plan."""
    given = plan_therapies(dict(therapies_key), days)
    return simulate_course(patient, days, [th for _, _, th in given])


# =========================================================================================
# Shared drawing: a course on stacked axes, with therapy bars, updated in place
# =========================================================================================
_GROUP_STYLE = {"ocular": ("orange", "-"), "bulbar": ("purple", "--"), "limb": ("blue", "-"),
                "respiratory": ("vermillion", "-.")}
_GROUP_WORDS = {"ocular": "eyes", "bulbar": "face and throat", "limb": "limbs", "respiratory": "breathing"}


class _Timeline:
    """A strip of axes with one row per therapy: a bar from its start to its end (Gantt chart)."""

    def __init__(self, ax, labels, fontsize="x-small"):
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

    def refresh(self, intervals, horizon):
        """``intervals``: list of (label, start, end); bars narrower than 1 % of the axis are widened."""
        shown = {label: (s, e) for label, s, e in intervals}
        for label, r in self.bars.items():
            on = label in shown
            r.set_visible(on)
            if on:
                s, e = shown[label]
                r.set_x(s)
                r.set_width(max(e - s, 0.012 * horizon))


def _ceil_to(x, step):
    """``x`` rounded up to a multiple of ``step`` (axis limits that change rarely keep redraws cheap)."""
    return step * math.ceil(x / step - 1e-9)


_CRISIS_PATCH = Patch(color=C["vermillion"], alpha=0.2, lw=0, label="crisis (breathing fails)")


def _crisis_fill(ax, t, crisis, old=None):
    """Shade the crisis days on ``ax`` (replacing the previous shading)."""
    if old is not None:
        old.remove()
    return ax.fill_between(t, 0, 24.5, where=crisis, step="post", color=C["vermillion"], alpha=0.2,
                           lw=0, label="crisis")


# =========================================================================================
# Lesson 08: therapies over a year
# =========================================================================================
class TherapyPanel(Panel):
    """A patient over one year with the therapies you start: antibody, endplate, SF, MG-ADL."""

    title = "Treating a virtual patient over one year"
    alt = ("Five stacked panels against time in days over one year: the therapies given as bars, "
           "one row per therapy; antibody, total IgG and albumin relative to baseline; receptors and folds "
           "at limb endplates as fractions of healthy; the safety factor of the four muscle groups "
           "with the line SF = 1; and the MG-ADL score (0-24) with the untreated course in grey, "
           "crisis days shaded, and a vertical line at the day read out.")
    figsize = (8.4, 8.6)

    def _controls(self):
        c = {"patient": dropdown("patient", ARCHETYPE_CHOICES, "achr_early_onset")}
        for key, (label, _) in THERAPY_PLAN.items():
            c[key] = _day_slider(label)
        c["readout_day"] = slider("read out on day", 180, 0, HORIZON_DAYS, 5, "day", continuous=False,
                                  fmt=".0f")
        return c

    def __init__(self, **initial):
        super().__init__(**initial)
        days = [self.controls[k] for k in THERAPY_PLAN]
        header, _, readout, image = self.widget.children
        note = W.HTML(f"Start day of each therapy (day {NOT_GIVEN}, the right end, = not given):")
        self.widget.children = (header, self.controls["patient"], note, _two_columns(days),
                                self.controls["readout_day"], readout, image)

    def compute(self, patient, readout_day, **days):
        key = tuple(sorted((k, float(v)) for k, v in days.items() if v < NOT_GIVEN))
        given = plan_therapies(dict(key))
        course = _course(patient, HORIZON_DAYS, key)
        untreated = _course(patient, HORIZON_DAYS, ())
        return dict(course=course, untreated=untreated, patient=patient, given=given,
                    day=int(round(readout_day)),
                    intervals=[th.interval(HORIZON_DAYS) for _, _, th in given])

    def setup(self, fig):
        tl, *axes = fig.subplots(5, 1, sharex=True, gridspec_kw=dict(height_ratios=(1.15, 1, 1, 1, 1)))
        self._axes = axes
        a0, a1, a2, a3 = axes
        self._timeline = _Timeline(tl, [label for label, _ in THERAPY_PLAN.values()])
        t = np.arange(HORIZON_DAYS + 1)
        z = np.zeros_like(t, dtype=float)
        self._path, = a0.plot(t, z, color=C["vermillion"], lw=2, label="pathogenic antibody")
        self._igg, = a0.plot(t, z, color=C["blue"], lw=1.5, ls="--", label="total IgG")
        self._alb, = a0.plot(t, z, color=C["green"], lw=1.5, ls=":", label="albumin")
        a0.set_ylabel("blood level\n(1 = baseline)")
        self._achr, = a1.plot(t, z, color=C["blue"], lw=2, label="AChR")
        self._na, = a1.plot(t, z, color=C["orange"], lw=2, ls="--", label="folds / Na channels")
        a1.set_ylim(0, 1.1)
        a1.set_ylabel("limb endplate\n(fraction of healthy)")
        self._sf = {}
        for g in MUSCLE_GROUPS:
            col, ls = _GROUP_STYLE[g]
            self._sf[g], = a2.plot(t, z, color=C[col], ls=ls, lw=1.8, label=_GROUP_WORDS[g],
                                   zorder=3 if g == "bulbar" else 2)   # dashed on top: often equal to limb
        a2.axhline(1.0, color=C["black"], lw=1, ls=":")
        a2.set_ylabel("safety factor")
        self._adl0, = a3.step(t, z, where="post", color="0.6", lw=1.5, ls="--", label="untreated")
        self._adl, = a3.step(t, z, where="post", color=C["black"], lw=2, label="with the plan")
        self._crisis = None
        a3.set_ylim(-0.5, 24.5)
        a3.set_ylabel("MG-ADL\n(0-24, model)")
        a3.set_xlabel("time (days)")
        a3.set_xlim(0, HORIZON_DAYS)
        self._vlines = [ax.axvline(0, color=C["black"], lw=1, alpha=0.5) for ax in (tl, *axes)]
        a0.legend(frameon=False, fontsize="x-small", loc="upper right", ncol=3)
        a1.legend(frameon=False, fontsize="x-small", loc="lower right", ncol=2)
        a2.legend(frameon=False, fontsize="x-small", loc="lower right", ncol=4)
        a3.legend(handles=[self._adl0, self._adl, _CRISIS_PATCH], frameon=False, fontsize="x-small",
                  loc="upper right", ncol=3)

    def refresh(self, r):
        c, u = r["course"], r["untreated"]
        t = c.t_days
        self._path.set_data(t, c.pathogenic_igg)
        self._igg.set_data(t, c.total_igg)
        self._alb.set_data(t, c.albumin)
        top = max(1.5, _ceil_to(1.3 * float(np.max([c.total_igg.max(), c.pathogenic_igg.max()])), 0.5))
        self._axes[0].set_ylim(0, top)
        self._achr.set_data(t, c.achr_fraction)
        self._na.set_data(t, c.na_channel_fraction)
        hi = 0.0
        for g in MUSCLE_GROUPS:
            self._sf[g].set_data(t, c.safety_factor[g])
            hi = max(hi, float(np.max(c.safety_factor[g])))
        self._axes[2].set_ylim(0, max(1.5, _ceil_to(1.1 * hi, 0.5)))
        self._adl0.set_data(u.t_days, u.mg_adl)
        self._adl.set_data(t, c.mg_adl)
        self._crisis = _crisis_fill(self._axes[3], t, c.crisis, self._crisis)
        for v in self._vlines:
            v.set_xdata([r["day"], r["day"]])
        self._timeline.refresh(r["intervals"], HORIZON_DAYS)
        self._timeline.ax.set_title(f"Course over one year: {_LABEL[r['patient']]}", fontsize="medium")

    def _moving_artists(self):
        return ([self._path, self._igg, self._alb, self._achr, self._na, *self._sf.values(), self._adl0,
                 self._adl, self._crisis, *self._vlines, *self._timeline.bars.values(),
                 self._timeline.ax.title])

    def describe(self, r):
        c, u, d = r["course"], r["untreated"], r["day"]
        i = int(np.argmin(c.pathogenic_igg))
        low = int(np.min(c.mg_adl))
        low_day = int(np.argmin(c.mg_adl))
        path = (f"pathogenic antibody lowest <b>{100 * c.pathogenic_igg[i]:.0f} %</b> of baseline on day {i}"
                if c.patient.has_antibody else "no pathogenic antibody")
        return (f"{html.escape(_LABEL[r['patient']])}: <b>MG-ADL on day {d}: {c.mg_adl[d]}</b> "
                f"(untreated {u.mg_adl[d]}) · day 0: {c.mg_adl[0]} · "
                f"lowest {low} on day {low_day} · {path} · crisis days: <b>{int(c.crisis.sum())}</b> "
                f"(untreated {int(u.crisis.sum())}) · plan: {html.escape(_plan_text(r['given']))}")


def therapy_panel(**initial) -> TherapyPanel:
    """Lesson 08 panel: an archetype, nine therapies with start days, the course over a year."""
    return TherapyPanel(**initial)


# =========================================================================================
# Lesson 08: pyridostigmine over a day
# =========================================================================================
#: Therapeutic AChE inhibition (calibration section 8; drug labels, soft).
THERAPEUTIC_BAND = (0.20, 0.50)


class PyridostigminePanel(Panel):
    """AChE activity over 24 h of pyridostigmine tablets; one tablet's onset, peak and duration."""

    title = "Pyridostigmine: AChE activity over a day of tablets"
    alt = ("Left: endplate AChE activity in percent of normal over 24 hours of clock time, with "
           "the tablets marked as triangles, the therapeutic band (20-50 % inhibition) shaded and "
           "the depolarizing-block line at 80 % inhibition dashed. Right: AChE inhibition in percent "
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
                   label="> 80 % inhibited: depolarizing block")
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
        self._one, = a2.plot([], [], color=C["orange"], lw=2)
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
        self._ax2.set_ylim(0, max(60.0, _ceil_to(110 * r["peak_one"], 20)))

    def _moving_artists(self):
        return [self._act, self._tabs, self._title, self._one, self._onset, self._peak]

    def _background_extra(self):
        return self._ax2.get_ylim()

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
                       for name, m, col in (("FcRn antagonist", "v", "purple"),
                                            ("plasma exchange", "s", "orange"), ("IVIG", "^", "sky"))}
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
        self._ax1.set_ylim(0, max(130.0, _ceil_to(105 * r["total_high"], 50)))
        self._ax1.set_title(f"Plasma proteins: {_LABEL[r['patient']]}", fontsize="medium")
        self._achr0.set_data(u.t_days, 100 * u.achr_fraction)
        self._achr.set_data(t, 100 * c.achr_fraction)

    def _moving_artists(self):
        return [self._total, self._path, self._alb, *self._marks.values(), self._achr0, self._achr,
                self._ax1.title]

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


# =========================================================================================
# Lesson 09: the virtual MG clinic
# =========================================================================================
#: Archetypes a mystery patient is drawn from. Left out: the newborn (the story gives it away)
#: and COLQ deficiency (the model puts it in crisis, MG-ADL 24 of 24, from day 0).
CLINIC_POOL = ("achr_early_onset", "achr_late_onset", "thymoma", "musk", "lrp4", "seronegative",
               "ocular", "congenital")
#: Diagnoses the learner can choose from, and the archetypes each one covers.
DIAGNOSES = {
    "generalized MG with AChR antibodies": ("achr_early_onset", "achr_late_onset"),
    "AChR-antibody MG with a thymoma": ("thymoma",),
    "MuSK-antibody MG": ("musk",),
    "LRP4-antibody MG": ("lrp4",),
    "seronegative generalized MG": ("seronegative",),
    "ocular MG": ("ocular",),
    "congenital myasthenic syndrome": ("congenital",),
}
#: Spread of the antibody load between mystery patients of one archetype (log-normal CV, soft).
LOAD_CV = 0.15
#: Number of mystery patients.
N_MYSTERY = 50

_HISTORY = {
    "achr_early_onset": ("Woman of 28", "Symptoms began a few months ago. They come and go: better in "
                         "the morning and after rest, worse in the evening."),
    "achr_late_onset": ("Man of 68", "Symptoms for some months, worse as the day goes on."),
    "thymoma": ("Man in middle age", "Weakness has spread quickly over a few weeks, worse with use."),
    "musk": ("Woman of 35", "Speech and swallowing became hard over weeks; a tablet of pyridostigmine "
             "from her family doctor gave her muscle twitching and cramps."),
    "lrp4": ("Woman in her forties", "Mild weakness for several months, worse in the evening."),
    "seronegative": ("Woman in her thirties", "Weakness for months, worse with use, better after rest."),
    "ocular": ("Man of 45", "For two months his eyelids droop and he sees double, worse when he is "
               "tired. He feels otherwise well."),
    "congenital": ("Man of 19", "Weak since early childhood: a floppy baby who fed slowly, late to "
                   "walk, never good at sport. His younger sister has the same trouble. No one else "
                   "in the family."),
}
_ITEM_WORDS = {
    "talking": "speech becomes slurred or nasal when talking",
    "chewing": "tires when chewing",
    "swallowing": "chokes on food or drink",
    "breathing": "short of breath on effort or lying flat",
    "brushing teeth or combing hair": "arms tire when combing hair",
    "rising from a chair": "struggles to rise from a chair",
    "double vision": "sees double",
    "eyelid droop": "eyelids droop",
}
_ANTIBODY_RESULT = {"AChR": ("POSITIVE", "negative", "negative"),
                    "MuSK": ("negative", "POSITIVE", "negative"),
                    "LRP4": ("negative", "negative", "POSITIVE")}
_CT_RESULT = {"thymoma": "a mass in the front of the chest (anterior mediastinum): likely a thymoma",
              "hyperplasia": "thymus larger than expected for age: possible thymic hyperplasia",
              "involuted": "small, fatty thymus: normal for age",
              "normal": "normal thymus for age"}
TESTS = {"exam": "Examine: where is the weakness?", "antibodies": "Antibody tests (AChR, MuSK, LRP4)",
         "ct": "Chest CT", "rns": "3 Hz repetitive nerve stimulation", "sfemg": "Single-fibre EMG"}
#: Fibres in the clinic's electrodiagnostic studies (as the lesson-05 panels).
N_FIBRES_EDX = 300


def mystery_patient(number):
    """Archetype name and Patient of mystery patient ``number`` (1..N_MYSTERY), reproducibly.

    Each block of eight consecutive numbers holds every archetype of :data:`CLINIC_POOL` once, in a
    shuffled order; the antibody load varies between patients (log-normal, CV :data:`LOAD_CV`,
    a modelling choice), and with it the severity. The course uses the archetypes' default fibre
    sample (seed 0); the electrodiagnostic studies draw their own fibres with seed ``number``.
    """
    number = int(number)
    if not 1 <= number <= N_MYSTERY:
        raise ValueError(f"patient number must lie in [1, {N_MYSTERY}]; got {number}")
    block, pos = divmod(number - 1, len(CLINIC_POOL))
    name = CLINIC_POOL[np.random.default_rng(1000 + block).permutation(len(CLINIC_POOL))[pos]]
    base = PATIENTS[name]
    if base.antibody_load > 0:
        sigma = math.sqrt(math.log1p(LOAD_CV ** 2))
        factor = float(np.exp(np.random.default_rng(number).normal(-0.5 * sigma ** 2, sigma)))
        base = base.replace(antibody_load=base.antibody_load * float(np.clip(factor, 0.7, 1.4)))
    return name, base.replace(name=f"mystery patient {number}")


@dataclass(frozen=True)
class _Case:
    number: int
    archetype: str
    patient: object
    first_visit: object          # CourseResult of day 0


@lru_cache(maxsize=8)
def _case(number):
    name, patient = mystery_patient(number)
    return _Case(number, name, patient, simulate_course(patient, 1))


def _endplate_day0(course, group):
    gc = course.disease.by_group[group]
    return mg_endplate(float(gc.achr_fraction[0]), float(gc.na_channel_fraction[0])).replace(
        ach_site_block=float(gc.ach_site_block[0]), ache_activity=float(gc.ache_activity[0]))


@lru_cache(maxsize=32)
def _test(number, name):
    """The result of one diagnostic test of mystery patient ``number`` at the first visit."""
    case = _case(number)
    p, course = case.patient, case.first_visit
    if name == "exam":
        return dict(strength={g: float(course.strength[g][0]) for g in MUSCLE_GROUPS},
                    items={k: int(v[0]) for k, v in course.mg_adl_items.items()})
    if name == "antibodies":
        res = _ANTIBODY_RESULT.get(p.antibody, ("negative", "negative", "negative"))
        return dict(zip(("AChR", "MuSK", "LRP4"), res))
    if name == "ct":
        return dict(finding=_CT_RESULT[p.thymus])
    if name == "rns":
        out = {}
        for g, label in (("limb", "hand (abductor digiti minimi)"), ("bulbar", "face (nasalis)")):
            pop = sample_fibers(N_FIBRES_EDX, _endplate_day0(course, g), muscle=g, rng=number)
            r = simulate_rns(pop, 3.0, 10, rng=number + 1)
            out[g] = dict(label=label, cmap=r.cmap / r.cmap[0] if r.cmap[0] > 0 else r.cmap,
                          decrement=float(r.decrement_pct))
        return out
    if name == "sfemg":
        pop = sample_fibers(N_FIBRES_EDX, _endplate_day0(course, "limb"), muscle="limb", rng=number)
        r = simulate_sfemg(pop, 20, 100, rng=number + 1)
        return dict(mcd=np.asarray(r.mcd_us), mean=float(r.mean_mcd_us), abnormal=bool(r.abnormal),
                    blocking=int(r.pairs_with_blocking), n=int(r.n_pairs), over=float(r.pairs_over_limit_pct),
                    limit_mean=float(r.limit_mean_us), limit_pair=float(r.limit_pair_us))
    raise ValueError(f"unknown test {name!r}; choose from {sorted(TESTS)}")


def _vignette(case):
    who, story = _HISTORY[case.archetype]
    items = {k: int(v[0]) for k, v in case.first_visit.mg_adl_items.items()}
    complaints = [_ITEM_WORDS[k] for k, s in sorted(items.items(), key=lambda kv: -kv[1]) if s > 0]
    return (f"<b>Patient {case.number}.</b> {who}. {story} Complaints: {', '.join(complaints) or 'none'}. "
            f"MG-ADL today: <b>{case.first_visit.mg_adl[0]}</b> of 24.")


def _test_text(name, res):
    if name == "exam":
        s = res["strength"]
        parts = ", ".join(f"{_GROUP_WORDS[g]} {100 * s[g]:.0f} %" for g in MUSCLE_GROUPS)
        return f"<b>Examination</b> (strength in sustained use, % of normal): {parts}."
    if name == "antibodies":
        return "<b>Antibodies:</b> " + ", ".join(f"{k} {v}" for k, v in res.items()) + "."
    if name == "ct":
        return f"<b>Chest CT:</b> {res['finding']}."
    if name == "rns":
        parts = [f"{v['label']} decrement {v['decrement']:.0f} % "
                 f"({'abnormal' if v['decrement'] >= 10 else 'normal'})" for v in res.values()]
        return "<b>3 Hz RNS:</b> " + "; ".join(parts) + " (abnormal ≥ 10 %)."
    if name == "sfemg":
        verdict = "ABNORMAL" if res["abnormal"] else "normal"
        return (f"<b>Single-fibre EMG</b> (extensor digitorum, {res['n']} pairs): mean jitter "
                f"{res['mean']:.0f} µs (limit {res['limit_mean']:g} µs), {res['over']:.0f} % of pairs over "
                f"{res['limit_pair']:g} µs, blocking in {res['blocking']} pairs: {verdict}.")
    return ""


class ClinicPanel(Panel):
    """The virtual MG clinic: a mystery patient to examine, test, diagnose and treat over months.

    Buttons and their methods: the test buttons -> :meth:`order`, *Run* -> :meth:`run`,
    *New patient* -> :meth:`new_patient`, *Reveal* -> :meth:`reveal`. Moving a plan slider marks
    the plan as changed; the course is simulated when *Run* is pressed. ``update(**values)`` sets
    controls and runs, like moving sliders and pressing *Run*.
    """

    title = "The virtual MG clinic"
    alt = ("Left column: the tests ordered for the patient - antibody and chest CT results as "
           "text; strength of four muscle groups in percent of normal; the amplitude of ten "
           "responses to 3 Hz nerve stimulation in percent of the first, for a hand and a face "
           "muscle; the jitter of 20 fibre pairs in µs with its limits. Right column, against time "
           "in days: the therapies as bars, one row each; strength of the four muscle groups with "
           "the crisis line for breathing; the MG-ADL score with crisis days shaded; total IgG and "
           "(once measured) the antibody level relative to the first visit.")
    figsize = (11.0, 8.6)

    def __init__(self, **initial):
        self._ran = False
        self._ordered = []
        self._revealed = False
        self._pending = False
        self._new_rng = np.random.default_rng()
        self.vignette = W.HTML()
        self.results = W.HTML()
        self.verdict = W.HTML()
        self.test_buttons = {}
        for key, label in TESTS.items():
            b = W.Button(description=label, layout=W.Layout(width="auto"))
            b.on_click(lambda _b, k=key: self.order(k))
            self.test_buttons[key] = b
        self.run_button = W.Button(description="Run ▶", button_style="success",
                                   tooltip="simulate the months of follow-up with this plan")
        self.run_button.on_click(lambda _b: self.run())
        self.new_button = W.Button(description="New patient", layout=W.Layout(width="auto"))
        self.new_button.on_click(lambda _b: self.new_patient())
        self.diagnosis = W.Dropdown(options=[("(choose your diagnosis)", None)] + [(d, d) for d in DIAGNOSES],
                                    value=None, description="your diagnosis",
                                    style={"description_width": "110px"}, layout=W.Layout(width="480px"))
        self.reveal_button = W.Button(description="Reveal the diagnosis", button_style="warning",
                                      layout=W.Layout(width="auto"))
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.diagnosis.observe(lambda _c: self._revealed and self.describe(self.result), names="value")
        super().__init__(**initial)
        header, _, readout, image = self.widget.children
        plan = [self.controls[k] for k in THERAPY_PLAN]
        self.widget.children = (
            header,
            W.HBox([self.controls["patient_number"], self.new_button]), self.vignette,
            W.HTML("<b>1. Tests</b> (order as many as you need)"),
            W.HBox(list(self.test_buttons.values()), layout=W.Layout(flex_flow="row wrap")), self.results,
            W.HTML("<b>2. Diagnosis</b>"), W.HBox([self.diagnosis, self.reveal_button]), self.verdict,
            W.HTML(f"<b>3. Treatment plan</b> (day 0 = today; {NOT_GIVEN} = not given)"),
            _two_columns(plan), W.HBox([self.controls["months"], self.run_button]),
            readout, image)
        self.widget.add_class("mgmodel-clinic")

    # -- controls -----------------------------------------------------------------------
    def _controls(self):
        c = {"patient_number": W.IntSlider(value=1, min=1, max=N_MYSTERY, step=1,
                                           description="patient number", continuous_update=False,
                                           style={"description_width": "110px"},
                                           layout=W.Layout(width="420px"))}
        for key, (label, _) in THERAPY_PLAN.items():
            c[key] = _day_slider(label)
        c["months"] = W.IntSlider(value=6, min=1, max=12, step=1, description="follow-up (months)",
                                  continuous_update=False, style={"description_width": "150px"},
                                  layout=W.Layout(width="440px"))
        return c

    # -- actions ------------------------------------------------------------------------
    def order(self, test):
        """Order a diagnostic test (a key of :data:`TESTS`); return its result."""
        if test not in TESTS:
            raise ValueError(f"unknown test {test!r}; choose from {sorted(TESTS)}")
        if test not in self._ordered:
            self._ordered.append(test)
        self._render()
        return _test(self.controls["patient_number"].value, test)

    def run(self):
        """Simulate the follow-up with the current plan (the *Run* button); return the result."""
        self._ran = True
        self._pending = False
        self._render()
        return self.result

    def new_patient(self, number=None):
        """Call the next patient: ``number`` or a random other one (the *New patient* button)."""
        if number is None:
            current = self.controls["patient_number"].value
            number = int(self._new_rng.choice([n for n in range(1, N_MYSTERY + 1) if n != current]))
        self.controls["patient_number"].value = int(number)   # resets via _on_change
        return self.result

    def reveal(self):
        """Show the diagnosis (the *Reveal* button); return the archetype's name."""
        self._revealed = True
        self._render()
        return self.result["case"].archetype

    def update(self, **values):
        """Set controls and run (as if the sliders were moved and *Run* pressed)."""
        if "patient_number" in values and values["patient_number"] != self.controls["patient_number"].value:
            self._reset()
        self._ran = True
        self._pending = False
        return super().update(**values)

    def _reset(self):
        """A new patient: no tests, no plan, nothing revealed or run yet."""
        self._ordered, self._revealed, self._ran, self._pending = [], False, False, False
        self.diagnosis.value = None
        was, self._rendering = self._rendering, True
        try:
            for key in THERAPY_PLAN:
                self.controls[key].value = NOT_GIVEN   # the plan starts empty for a new patient
        finally:
            self._rendering = was

    def _on_change(self, change):
        if self._rendering:
            return
        if change["owner"] is self.controls["patient_number"]:
            self._reset()
            self._render()
        else:
            self._pending = True
            self.readout.value = self.describe(self.result)

    # -- model --------------------------------------------------------------------------
    def compute(self, patient_number, months, **days):
        case = _case(int(patient_number))
        horizon = 30 * int(months)
        key = tuple(sorted((k, float(v)) for k, v in days.items() if v < NOT_GIVEN))
        given = plan_therapies(dict(key), horizon)
        course = _course(case.patient, horizon, key) if self._ran else None
        return dict(case=case, course=course, horizon=horizon, given=given,
                    intervals=[th.interval(horizon) for _, _, th in given],
                    tests={k: _test(case.number, k) for k in self._ordered},
                    revealed=self._revealed, ran=self._ran)

    # -- drawing ------------------------------------------------------------------------
    def setup(self, fig):
        grid = fig.subplots(4, 2, gridspec_kw=dict(width_ratios=(1, 1.55), height_ratios=(1.1, 1, 1, 1)))
        (lab, tl), (e0, c0), (e1, c1), (e2, c2) = grid
        for ax in (c0, c1, c2):
            ax.sharex(tl)
        # the time axis always spans the longest follow-up (12 months), so that changing the
        # follow-up does not redraw the axes
        c2.set_xlim(0, 30 * 12)
        self._exam_ax, self._rns_ax, self._sf_ax = e0, e1, e2
        self._course_axes = (c0, c1, c2)
        # the lab report: antibody tests and chest CT as text
        lab.set_axis_off()
        lab.set_title("Laboratory and imaging", fontsize="small")
        self._lab_text = lab.text(0.0, 0.95, "", transform=lab.transAxes, va="top", fontsize="small")
        # examination
        x = np.arange(len(MUSCLE_GROUPS))
        self._exam_bars = e0.bar(x, np.zeros(len(x)), color=[C[_GROUP_STYLE[g][0]] for g in MUSCLE_GROUPS])
        self._exam_vals = [e0.text(i, 2, "", ha="center", va="bottom", fontsize="x-small") for i in x]
        e0.set_xticks(x, [_GROUP_WORDS[g].replace(" and ", " &\n") for g in MUSCLE_GROUPS],
                      fontsize="x-small")
        e0.set_ylim(0, 115)
        e0.set_ylabel("strength (%)", fontsize="small")
        e0.set_title("Examination: strength in sustained use", fontsize="small")
        # RNS
        k = np.arange(1, 11)
        e1.axhline(90, color=C["black"], ls=":", lw=1)
        self._rns_lines = {g: e1.plot(k, np.full(10, np.nan), m, color=C[col], ms=3, label=lab_)[0]
                           for g, m, col, lab_ in (("limb", "o-", "blue", "hand"),
                                                   ("bulbar", "s--", "purple", "face"))}
        e1.set_xlim(0.5, 10.5)
        e1.set_ylim(30, 110)
        e1.set_xticks([1, 4, 5, 10])
        e1.set_xlabel("stimulus number", fontsize="small")
        e1.set_ylabel("response (% of 1st)", fontsize="small")
        e1.set_title("3 Hz nerve stimulation", fontsize="small")
        e1.legend(frameon=False, fontsize="x-small", loc="lower left", ncol=2)
        # SFEMG
        self._jit, = e2.plot([], [], "o", color=C["blue"], ms=3, label="fibre pair")
        self._lim_pair = e2.axhline(43, color=C["vermillion"], ls="--", lw=1, label="limit, one pair")
        self._lim_mean = e2.axhline(30, color=C["black"], ls="--", lw=1, label="limit, mean")
        e2.set_xlim(0, 21)
        e2.set_ylim(0, 120)
        e2.set_xlabel("fibre pair (sorted)", fontsize="small")
        e2.set_ylabel("jitter (µs)", fontsize="small")
        e2.set_title("Single-fibre EMG", fontsize="small")
        e2.legend(frameon=False, fontsize="x-small", loc="upper left")
        self._not_done = {key: ax.text(0.5, 0.5, "not ordered yet", transform=ax.transAxes, ha="center",
                                       va="center", color="0.4", fontsize="small")
                          for key, ax in (("exam", e0), ("rns", e1), ("sfemg", e2))}
        # course: therapies, strength, MG-ADL, blood levels
        self._timeline = _Timeline(tl, [label for label, _ in THERAPY_PLAN.values()], fontsize="x-small")
        t = np.arange(HORIZON_DAYS + 1)
        nan = np.full(t.shape, np.nan)
        self._strength = {}
        for g in MUSCLE_GROUPS:
            col, ls = _GROUP_STYLE[g]
            self._strength[g], = c0.plot(t, nan, color=C[col], ls=ls, lw=1.8, label=_GROUP_WORDS[g],
                                         zorder=3 if g == "bulbar" else 2)
        c0.axhline(100 * CRISIS_STRENGTH, color=C["vermillion"], lw=1, ls=":")
        c0.text(0.99, 100 * CRISIS_STRENGTH, "crisis line (breathing)", ha="right", va="bottom",
                transform=blended_transform_factory(c0.transAxes, c0.transData), fontsize="x-small",
                color=C["vermillion"])
        c0.set_ylim(0, 115)
        c0.set_ylabel("strength (%)", fontsize="small")
        c0.legend(frameon=False, fontsize="x-small", loc="upper left", ncol=4)
        self._adl, = c1.step(t, nan, where="post", color=C["black"], lw=2, label="MG-ADL")
        self._crisis = None
        c1.set_ylim(-0.5, 24.5)
        c1.set_ylabel("MG-ADL (0-24)", fontsize="small")
        c1.legend(handles=[self._adl, _CRISIS_PATCH], frameon=False, fontsize="x-small", loc="upper right",
                  ncol=2)
        self._igg, = c2.plot(t, nan, color=C["blue"], ls="--", lw=1.5, label="total IgG")
        self._titer, = c2.plot(t, nan, color=C["vermillion"], lw=2, label="antibody level")
        c2.set_ylabel("blood level\n(1 = first visit)", fontsize="small")
        c2.set_xlabel("days after the first visit")
        c2.legend(frameon=False, fontsize="x-small", loc="upper right", ncol=2)
        self._course_note = c1.text(0.5, 0.5, "", transform=c1.transAxes, ha="center", va="center",
                                    fontsize="small", color="0.3")
        for ax in (tl, c0, c1):
            ax.tick_params(labelbottom=False)

    def refresh(self, r):
        tests = r["tests"]
        # laboratory and imaging
        lines = []
        if "antibodies" in tests:
            lines.append("Antibodies: " + ", ".join(f"{k} {v}" for k, v in tests["antibodies"].items()))
        if "ct" in tests:
            lines.append("Chest CT: " + tests["ct"]["finding"].replace(": ", ":\n  "))
        self._lab_text.set_text("\n".join(lines) or "no antibody test or CT ordered yet")
        # examination
        ex = tests.get("exam")
        for bar, txt, g in zip(self._exam_bars, self._exam_vals, MUSCLE_GROUPS):
            v = 100 * ex["strength"][g] if ex else 0.0
            bar.set_height(v)
            txt.set_position((txt.get_position()[0], v + 2))
            txt.set_text(f"{v:.0f} %" if ex else "")
        self._not_done["exam"].set_visible(ex is None)
        # RNS
        rns = tests.get("rns")
        for g, line in self._rns_lines.items():
            line.set_ydata(100 * rns[g]["cmap"] if rns else np.full(10, np.nan))
        if rns:
            low = min(float(np.min(rns[g]["cmap"])) for g in rns)
            self._rns_ax.set_ylim(min(30.0, _ceil_to(100 * low - 19, 10)), 110)
        self._not_done["rns"].set_visible(rns is None)
        # SFEMG
        sf = tests.get("sfemg")
        if sf:
            scored = np.sort(np.where(np.isfinite(sf["mcd"]), sf["mcd"], sf["limit_pair"]))
            self._jit.set_data(np.arange(1, scored.size + 1), scored)
            self._lim_pair.set_ydata([sf["limit_pair"]] * 2)
            self._lim_mean.set_ydata([sf["limit_mean"]] * 2)
            self._sf_ax.set_ylim(0, max(120.0, _ceil_to(1.1 * float(scored.max()), 50)))
        else:
            self._jit.set_data([], [])
        self._not_done["sfemg"].set_visible(sf is None)
        # course
        c0, c1, c2 = self._course_axes
        course = r["course"]
        self._timeline.refresh(r["intervals"], r["horizon"])
        if course is None:
            for line in list(self._strength.values()) + [self._adl, self._igg, self._titer]:
                line.set_data([], [])
            if self._crisis is not None:
                self._crisis.remove()
                self._crisis = None
            self._course_note.set_text("choose a plan and press Run ▶")
        else:
            t = course.t_days
            for g in MUSCLE_GROUPS:
                self._strength[g].set_data(t, 100 * course.strength[g])
            self._adl.set_data(t, course.mg_adl)
            self._crisis = _crisis_fill(c1, t, course.crisis, self._crisis)
            self._igg.set_data(t, course.total_igg)
            measured = tests.get("antibodies") and "POSITIVE" in tests["antibodies"].values()
            if measured:
                self._titer.set_data(t, course.pathogenic_igg)
            else:
                self._titer.set_data([], [])
            c2.set_ylim(0, max(1.5, _ceil_to(1.1 * float(course.total_igg.max()), 0.5)))
            self._course_note.set_text("")
        who = _LABEL[r["case"].archetype] if r["revealed"] else "diagnosis hidden"
        self._timeline.ax.set_title(f"Patient {r['case'].number} ({who}): therapies and the next "
                                    f"{r['horizon'] // 30} months", fontsize="small")

    def _moving_artists(self):
        return [self._lab_text, *self._exam_bars, *self._exam_vals, *self._not_done.values(),
                *self._rns_lines.values(), self._jit, self._lim_pair, self._lim_mean,
                *self._strength.values(), self._adl, self._crisis, self._igg, self._titer,
                self._course_note, *self._timeline.bars.values(), self._timeline.ax.title]

    def describe(self, r):
        case, course = r["case"], r["course"]
        self.vignette.value = _vignette(case)
        self.results.value = "<br>".join(_test_text(k, v) for k, v in r["tests"].items()) or \
            "<i>No tests ordered yet.</i>"
        if r["revealed"]:
            guess = self.diagnosis.value
            right = guess is not None and case.archetype in DIAGNOSES[guess]
            verdict = ("✅ your diagnosis is right. " if right else
                       "❌ not your diagnosis. " if guess else "")
            self.verdict.value = (f"{verdict}<b>Diagnosis: {html.escape(_LABEL[case.archetype])}.</b> "
                                  f"{html.escape(PATIENTS[case.archetype].description)}")
        else:
            self.verdict.value = ""
        head = f"<b>Patient {case.number}</b> · plan: {html.escape(_plan_text(r['given']))}"
        if course is None:
            text = (f"{head} · MG-ADL today {case.first_visit.mg_adl[0]} · "
                    "press Run ▶ to see the next months")
        else:
            months = r["horizon"] // 30
            marks = [m for m in (1, 3, 6, 12) if m <= months]
            adl = " · ".join(f"month {m}: {course.mg_adl[30 * m]}" for m in marks)
            n_crisis = int(course.crisis.sum())
            crisis = (f"<b>crisis on {n_crisis} day{'' if n_crisis == 1 else 's'}</b> "
                      f"(first on day {int(np.argmax(course.crisis))}): "
                      "breathing failing, intensive care" if n_crisis else "no crisis")
            last = course.summary()
            text = (f"{head} · MG-ADL today {course.mg_adl[0]} → <b>{adl}</b> · "
                    f"lowest {int(course.mg_adl.min())} · "
                    f"{crisis} · breathing strength at the end {100 * last['strength_respiratory']:.0f} %")
        if self._pending:
            text += " · <b>plan changed: press Run ▶</b>"
        return text


def clinic_panel(**initial) -> ClinicPanel:
    """Lesson 09 panel: the virtual MG clinic (tests, diagnosis, treatment, months of follow-up)."""
    return ClinicPanel(**initial)
