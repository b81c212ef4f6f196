"""Panels of lessons 06-07: how antibodies injure the junction, and where they come from.

Each panel runs the slow floor of the model for a virtual patient built from an archetype of
:data:`mgmodel.PATIENTS` with ``Patient.replace(...)``; the numbers it shows can be reproduced by
calling the model directly (the docstring of each panel says how).

- :func:`injury_panel` (lesson 06): the three routes of injury by AChR antibodies - blockade of the
  ACh site, antigenic modulation, complement - and the MuSK-type loss of clustering, each with its
  own weight, acting together on one endplate.
- :func:`thymus_panel`, :func:`trigger_panel`, :func:`neonatal_panel`, :func:`congenital_panel`
  (lesson 07): thymectomy, a rise in antibody production after a trigger, transient neonatal MG,
  and the congenital myasthenic syndromes, which are genetic and not autoimmune.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import plots
from ..clinic import CRISIS_STRENGTH, adl_item_score, simulate_course
from ..disease import simulate_junction, target_occupancy
from ..fastpath import epp_fast
from ..parameters import HUMAN, compensated_quantal_content
from ..patients import MUSCLE_GROUPS, PATIENTS
from ..safety import threshold_gap_mV
from .. import therapy as T
from ._base import Panel, dropdown, slider

__all__ = ["ONSET_DAYS", "THYMUS_DAYS", "TRIGGER_DAYS", "NEONATAL_DAYS", "CONGENITAL_DAYS",
           "limb_safety_factor", "InjuryPanel", "injury_panel", "ThymusPanel", "thymus_panel",
           "TriggerPanel", "trigger_panel", "NeonatalPanel", "neonatal_panel",
           "CongenitalPanel", "congenital_panel"]

C = plots.OKABE_ITO

#: Days shown after the antibody reaches the endplate (injury panel).
ONSET_DAYS = 120
#: Days shown after diagnosis (thymus panel): two years.
THYMUS_DAYS = 730
#: Days shown after a trigger (trigger panel).
TRIGGER_DAYS = 180
#: Days of life shown (neonatal panel).
NEONATAL_DAYS = 180
#: Days simulated for a congenital syndrome; the panel reads day ``CONGENITAL_READ_DAY``.
CONGENITAL_DAYS = 30
CONGENITAL_READ_DAY = 21

#: Strength above which the model scores an MG-ADL item 0 ("normal"): weakness below the first
#: cut-off of :data:`mgmodel.clinic.ADL_CUTOFFS`.
NORMAL_STRENGTH = 0.75

_GROUP_WORDS = {"ocular": "eyes and eyelids", "bulbar": "face, sucking and swallowing",
                "limb": "limbs", "respiratory": "breathing"}


def _pct(x):
    return f"{100 * x:.0f} %"


def _first_day(t, mask):
    """First day on which ``mask`` is true and stays true to the end, or None."""
    mask = np.asarray(mask, bool)
    if mask.all():
        return float(t[0])
    bad = np.nonzero(~mask)[0]
    last_bad = bad[-1]
    return None if last_bad == len(mask) - 1 else float(t[last_bad + 1])


def _day_text(day, horizon):
    return f"day {day:.0f}" if day is not None else f"not within {horizon} days"


def limb_safety_factor(achr_fraction, na_channel_fraction, ach_site_block=0.0, ache_activity=1.0):
    """Safety factor of a typical limb endplate in the given state (arrays broadcast).

    The same calculation as :func:`mgmodel.simulate_course` makes for the median limb endplate:
    the EPP from the fast path with the quantal content raised by presynaptic compensation
    (:func:`mgmodel.compensated_quantal_content`), over the depolarization needed to fire.
    """
    achr = np.asarray(achr_fraction, float)
    na = np.asarray(na_channel_fraction, float)
    epp = epp_fast(HUMAN, achr_fraction=achr, ach_site_block=ach_site_block,
                   quanta=compensated_quantal_content(achr, HUMAN.quantal_content),
                   ache_activity=ache_activity, na_channel_fraction=na)
    return epp / threshold_gap_mV(na, HUMAN)


# =========================================================================================
# Lesson 06: three routes of injury, one endplate
# =========================================================================================
#: Antibody subclasses the injury panel offers (label, subclass shares).
SUBCLASS_CHOICES = [("IgG1 + IgG3 (bivalent, fixes complement)", "IgG1+IgG3"),
                    ("IgG4 (monovalent, no complement)", "IgG4")]
_SUBCLASSES = {"IgG1+IgG3": (("IgG1", 0.8), ("IgG3", 0.2)), "IgG4": (("IgG4", 1.0),)}
#: The routes of injury: (label, weight field of Patient).
ROUTES = [("blockade", "w_block"), ("modulation", "w_modulation"), ("complement", "w_complement"),
          ("clustering", "w_clustering")]


def _steady_junction(patient, theta):
    """Untreated steady state of one endplate at occupancy ``theta`` (a one-step course)."""
    jn = simulate_junction(1.0, np.full((2, 1), theta), patient=patient, initial="steady")
    return jn.achr_fraction[0, 0], jn.na_channel_fraction[0, 0], jn.ach_site_block[0, 0]


class InjuryPanel(Panel):
    """Antibody arrives at a healthy endplate: the injury routes, alone and together.

    The patient is ``PATIENTS["achr_early_onset"].replace(antibody_load=..., w_block=...,
    w_modulation=..., w_complement=..., w_clustering=..., subclasses=...)``. The time course is
    :func:`mgmodel.disease.simulate_junction` started from a healthy endplate with the antibody at
    its full level from day 0 (like a passive-transfer experiment; a modelling simplification:
    in a patient the antibody rises over weeks to months). The bars are the untreated steady
    state with one route switched on at a time (the other weights set to 0) and with all of them.
    The steady-state safety factor and MG-ADL come from :func:`mgmodel.simulate_course`.
    """

    title = "Three routes of injury: what the antibody does to one endplate"
    alt = ("Three panels. Left: AChR present, AChR able to bind ACh, and folds with their Na "
           "channels, as fractions of healthy, over 120 days after the antibody arrives. Middle: "
           "safety factor of a limb endplate over the same days with the failure line at 1. Right: "
           "horizontal bars of the receptors lost for transmission at steady state, in percent, "
           "with each route alone and with all routes together.")
    figsize = (11.0, 3.4)

    def _controls(self):
        p = PATIENTS["achr_early_onset"]
        return {
            # up to 10: covers the generalized archetypes (load 3-4) and the thymoma patient (8)
            "antibody_load": slider("antibody load", p.antibody_load, 0.05, 10.0, 0.05,
                                    "1 = half the targets bound", continuous=False),
            "w_block": slider("blockade of the ACh site", p.w_block, 0.0, 0.5, 0.05, "weight",
                              continuous=False),
            "w_modulation": slider("antigenic modulation", p.w_modulation, 0.0, 1.0, 0.05, "weight",
                                   continuous=False),
            "w_complement": slider("complement attack", p.w_complement, 0.0, 1.0, 0.05, "weight",
                                   continuous=False),
            "w_clustering": slider("loss of clustering (MuSK-type)", 0.0, 0.0, 1.0, 0.05, "weight",
                                   continuous=False),
            "subclass": dropdown("antibody subclass", SUBCLASS_CHOICES, "IgG1+IgG3"),
        }

    def patient(self, antibody_load, w_block, w_modulation, w_complement, w_clustering, subclass):
        """The virtual patient the controls describe."""
        return PATIENTS["achr_early_onset"].replace(
            name="injury_panel", antibody_load=antibody_load, w_block=w_block,
            w_modulation=w_modulation, w_complement=w_complement, w_clustering=w_clustering,
            subclasses=_SUBCLASSES[subclass])

    def compute(self, **values):
        p = self.patient(**values)
        theta = float(target_occupancy(p.antibody_load))
        jn = simulate_junction(1.0, np.full((ONSET_DAYS + 1, 1), theta), patient=p, initial="healthy")
        # the same clipping as simulate_disease applies to its daily samples
        achr = np.clip(jn.achr_fraction[:, 0], 1e-6, 1.5)
        na = np.clip(jn.na_channel_fraction[:, 0], 1e-6, 1.0)
        block = np.clip(jn.ach_site_block[:, 0], 0.0, 0.999)
        alone = {}
        for label, field in ROUTES:
            only = p.replace(**{f: (getattr(p, f) if f == field else 0.0) for _, f in ROUTES})
            a, _n, b = _steady_junction(only, theta)
            alone[label] = 1.0 - a * (1.0 - b)
        a_ss, na_ss, b_ss = _steady_junction(p, theta)
        course = simulate_course(p, 1)
        return dict(
            patient=p, occupancy=theta, t_days=np.arange(ONSET_DAYS + 1.0),
            achr_fraction=achr, free_achr_fraction=achr * (1.0 - block), na_channel_fraction=na,
            safety_factor=limb_safety_factor(achr, na, block),
            lost_alone=alone, lost_together=1.0 - a_ss * (1.0 - b_ss),
            steady_achr_fraction=a_ss, steady_na_channel_fraction=na_ss, steady_block=b_ss,
            steady_safety_factor=float(course.safety_factor["limb"][0]),
            mg_adl=int(course.mg_adl[0]), healthy_safety_factor=float(limb_safety_factor(1.0, 1.0)),
        )

    def setup(self, fig):
        ax1, ax2, ax3 = self._axes = fig.subplots(1, 3, gridspec_kw=dict(width_ratios=[1.1, 1.0, 1.0]))
        t = [0, ONSET_DAYS]
        self._achr, = ax1.plot(t, [1, 1], color=C["blue"], lw=2, label="AChR present")
        self._free, = ax1.plot(t, [1, 1], color=C["sky"], lw=2, ls="--", label="AChR free to bind ACh")
        self._na, = ax1.plot(t, [1, 1], color=C["orange"], lw=2, ls="-.", label="folds / Na channels")
        ax1.set_ylim(0, 1.05)
        ax1.set_xlabel("days after the antibody arrives")
        ax1.set_ylabel("fraction of a healthy endplate")
        ax1.set_title("The endplate under attack", fontsize="medium")
        ax1.legend(frameon=False, fontsize="x-small", loc="lower left")
        self._sf, = ax2.plot(t, [2, 2], color=C["black"], lw=2, label="this endplate")
        ax2.axhline(1.0, color=C["vermillion"], ls=":", lw=1.5, label="fails below 1")
        ax2.axhline(float(limb_safety_factor(1.0, 1.0)), color=C["green"], ls="--", lw=1, label="healthy")
        for ax in (ax1, ax2):
            ax.set_xlim(*t)
            ax.set_xticks(np.arange(0, ONSET_DAYS + 1, 30))
        ax2.set_ylim(0, 2.5)
        ax2.set_xlabel("days after the antibody arrives")
        ax2.set_ylabel("safety factor (EPP / needed)")
        ax2.set_title("Safety factor of a limb endplate", fontsize="medium")
        ax2.legend(frameon=False, fontsize="x-small", loc="lower left")
        labels = [f"{label} alone" for label, _ in ROUTES] + ["all together"]
        y = np.arange(len(labels))[::-1]
        colours = [C["sky"], C["blue"], C["orange"], C["purple"], C["black"]]
        self._bars = ax3.barh(y, np.zeros(len(labels)), color=colours, height=0.65)
        self._bar_text = [ax3.text(0, yi, "", va="center", ha="left", fontsize="x-small") for yi in y]
        ax3.set_yticks(y, labels, fontsize="small")
        ax3.set_xlim(0, 100)
        ax3.set_xlabel("receptors lost for transmission (%)")
        ax3.set_title("Steady state: routes alone and together", fontsize="medium")
        self._moving(self._achr, self._free, self._na, self._sf, *self._bars, *self._bar_text)

    def refresh(self, r):
        t = r["t_days"]
        self._achr.set_data(t, r["achr_fraction"])
        self._free.set_data(t, r["free_achr_fraction"])
        self._na.set_data(t, r["na_channel_fraction"])
        self._sf.set_data(t, r["safety_factor"])
        values = [r["lost_alone"][label] for label, _ in ROUTES] + [r["lost_together"]]
        for bar, txt, v in zip(self._bars, self._bar_text, values):
            bar.set_width(100 * v)
            txt.set_x(100 * v + 1.5)
            txt.set_text(f"{100 * v:.0f} %")

    def alt_state(self, r):
        return (f"At steady state {_pct(r['steady_achr_fraction'])} of AChR remain, {_pct(r['steady_block'])} of "
                f"them blocked; all routes together take {_pct(r['lost_together'])} of receptors from "
                f"transmission; safety factor {r['steady_safety_factor']:.2f} (healthy "
                f"{r['healthy_safety_factor']:.2f}), model MG-ADL {r['mg_adl']} of 24.")

    def describe(self, r):
        alone = " · ".join(f"{label} {_pct(r['lost_alone'][label])}" for label, _ in ROUTES)
        return (f"Steady state, limb: AChR present {_pct(r['steady_achr_fraction'])}, "
                f"of them blocked {_pct(r['steady_block'])}; folds / Na channels "
                f"{_pct(r['steady_na_channel_fraction'])}<br>"
                f"Receptors lost for transmission, each route alone: {alone} · "
                f"<b>all together {_pct(r['lost_together'])}</b><br>"
                f"Safety factor {r['steady_safety_factor']:.2f} (healthy {r['healthy_safety_factor']:.2f})"
                f" · model MG-ADL {r['mg_adl']} / 24 · antibody on {_pct(r['occupancy'])} of its targets")


def injury_panel(**initial) -> InjuryPanel:
    """Lesson 06 panel: blockade, modulation, complement and clustering loss, alone and together."""
    return InjuryPanel(**initial)


# =========================================================================================
# Lesson 07: where the antibodies come from
# =========================================================================================
#: Patients of the thymus panel (label, archetype).
THYMUS_PATIENTS = [("early-onset AChR+ (thymic hyperplasia)", "achr_early_onset"),
                   ("late-onset AChR+ (involuted thymus)", "achr_late_onset"),
                   ("thymoma", "thymoma"),
                   ("MuSK antibodies", "musk")]


@functools.lru_cache(maxsize=8)
def _untreated_course(name, days):
    return simulate_course(name, days)


class ThymusPanel(Panel):
    """Thymectomy on a chosen day, against no thymectomy, over two years.

    ``simulate_course(name, THYMUS_DAYS, [therapy.Thymectomy(surgery_day)])`` against
    ``simulate_course(name, THYMUS_DAYS)``. How much of the autoimmune drive depends on the thymus
    is the patient's ``thymic_drive_fraction`` (an assumption per archetype).
    """

    title = "Thymectomy: taking away the thymic source of the antibody"
    alt = ("Two panels over two years. Left: pathogenic antibody in the blood relative to before, "
           "with and without thymectomy. Right: model MG-ADL score (0-24) with and without "
           "thymectomy; a vertical line marks the day of surgery.")
    figsize = (9.5, 3.3)

    def _controls(self):
        return {
            "patient": dropdown("patient", THYMUS_PATIENTS, "achr_early_onset"),
            "surgery_day": slider("thymectomy on day", 30.0, 0.0, 360.0, 10.0, "days", fmt=".0f",
                                  continuous=False),
        }

    def compute(self, patient, surgery_day):
        without = _untreated_course(patient, THYMUS_DAYS)
        with_ = simulate_course(patient, THYMUS_DAYS, [T.Thymectomy(start_day=surgery_day)])
        return dict(patient=PATIENTS[patient], surgery_day=surgery_day, without=without, with_=with_,
                    mean_adl_without=float(without.mg_adl.mean()),
                    mean_adl_with=float(with_.mg_adl.mean()))

    def setup(self, fig):
        ax1, ax2 = self._axes = fig.subplots(1, 2)
        t = [0, THYMUS_DAYS]
        self._ab0, = ax1.plot(t, [1, 1], color=C["black"], lw=1.5, ls="--", label="no thymectomy")
        self._ab1, = ax1.plot(t, [1, 1], color=C["blue"], lw=2, label="thymectomy")
        ax1.set_ylim(0, 1.15)
        ax1.set_ylabel("antibody in the blood (× before)")
        ax1.set_title("Pathogenic antibody", fontsize="medium")
        self._adl0, = ax2.step(t, [0, 0], where="post", color=C["black"], lw=1.5, ls="--",
                               label="no thymectomy")
        self._adl1, = ax2.step(t, [0, 0], where="post", color=C["blue"], lw=2, label="thymectomy")
        ax2.set_ylim(-0.5, 24.5)
        ax2.set_ylabel("MG-ADL score (0-24)")
        ax2.set_title("Daily life: model MG-ADL", fontsize="medium")
        self._surgery = [ax.axvline(0, color=C["vermillion"], lw=1, ls=":", label="surgery")
                         for ax in (ax1, ax2)]
        for ax in (ax1, ax2):
            ax.set_xlim(*t)
            ax.set_xlabel("days after diagnosis")
            ax.legend(frameon=False, fontsize="x-small", loc="lower left")
        self._moving(self._ab0, self._ab1, self._adl0, self._adl1, *self._surgery)

    def refresh(self, r):
        w0, w1 = r["without"], r["with_"]
        self._ab0.set_data(w0.t_days, w0.pathogenic_igg)
        self._ab1.set_data(w1.t_days, w1.pathogenic_igg)
        self._adl0.set_data(w0.t_days, w0.mg_adl)
        self._adl1.set_data(w1.t_days, w1.mg_adl)
        for line in self._surgery:
            line.set_xdata([r["surgery_day"]] * 2)

    def alt_state(self, r):
        w0, w1 = r["without"], r["with_"]
        return (f"{r['patient'].name}: time-averaged MG-ADL over 2 years {r['mean_adl_with']:.1f} with "
                f"thymectomy and {r['mean_adl_without']:.1f} without; antibody at 2 years "
                f"{_pct(w1.pathogenic_igg[-1])} of before with thymectomy, {_pct(w0.pathogenic_igg[-1])} without.")

    def describe(self, r):
        w0, w1, p = r["without"], r["with_"], r["patient"]
        return (f"{p.name}: thymus {p.thymus}; share of the autoimmune drive that depends on the "
                f"thymus (model assumption) {_pct(p.thymic_drive_fraction)}<br>"
                f"At 2 years: antibody {_pct(w1.pathogenic_igg[-1])} of before with thymectomy "
                f"({_pct(w0.pathogenic_igg[-1])} without) · MG-ADL {w1.mg_adl[-1]} "
                f"(without: {w0.mg_adl[-1]})<br>"
                f"<b>Time-averaged MG-ADL over 2 years: {r['mean_adl_with']:.1f} with thymectomy, "
                f"{r['mean_adl_without']:.1f} without</b>")


def thymus_panel(**initial) -> ThymusPanel:
    """Lesson 07 panel: thymectomy in early-onset, late-onset, thymoma and MuSK MG."""
    return ThymusPanel(**initial)


class TriggerPanel(Panel):
    """A trigger raises (or lowers) the production of the antibody on day 0: how fast does it show?

    ``simulate_course(PATIENTS["achr_early_onset"].replace(antibody_load=..., production_rel=...),
    TRIGGER_DAYS)``: the patient starts in the untreated steady state of ``antibody_load`` and from
    day 0 plasma cells make ``production_rel`` times as much antibody as before. A lasting change
    is a modelling simplification: the model has no term for an infection that comes and goes.
    """

    title = "After a trigger: how long until the patient notices?"
    alt = ("Three panels over 180 days after a change in antibody production: pathogenic antibody "
           "in the blood relative to before; AChR present at limb endplates as a fraction of "
           "healthy; and the model MG-ADL score (0-24). Dotted vertical lines mark the day each "
           "of the antibody and the receptors has made half of its change, and the day the score "
           "first changes.")
    figsize = (11.0, 3.2)

    def _controls(self):
        return {
            # a load of 2 is a mild generalized patient (MG-ADL ~3); 6 covers the archetypes'
            "antibody_load": slider("antibody load before the trigger", 2.0, 0.05, 6.0, 0.05,
                                    "1 = half the AChR bound", continuous=False),
            "production": slider("antibody production after it", 2.0, 0.25, 3.0, 0.05, "× before",
                                 continuous=False),
        }

    def compute(self, antibody_load, production):
        p = PATIENTS["achr_early_onset"].replace(name="trigger_panel", antibody_load=antibody_load,
                                                 production_rel=production)
        r = simulate_course(p, TRIGGER_DAYS)
        t = r.t_days

        def half_day(x):
            x = np.asarray(x, float)
            change = x[-1] - x[0]
            if abs(change) < 1e-6:
                return None
            reached = (x - x[0]) / change >= 0.5
            return float(t[np.argmax(reached)]) if reached.any() else None

        changed = np.nonzero(r.mg_adl != r.mg_adl[0])[0]
        return dict(course=r, production=production,
                    antibody_half_day=half_day(r.pathogenic_igg),
                    achr_half_day=half_day(r.achr_fraction),
                    adl_first_change_day=float(t[changed[0]]) if changed.size else None,
                    crisis_days=int(r.crisis.sum()))

    def setup(self, fig):
        ax1, ax2, ax3 = self._axes = fig.subplots(1, 3)
        t = [0, TRIGGER_DAYS]
        self._ab, = ax1.plot(t, [1, 1], color=C["vermillion"], lw=2)
        ax1.set_ylim(0, 3.2)
        ax1.set_ylabel("antibody in the blood (× before)")
        ax1.set_title("Antibody", fontsize="medium")
        self._achr, = ax2.plot(t, [1, 1], color=C["blue"], lw=2)
        ax2.set_ylim(0, 1.05)
        ax2.set_ylabel("AChR at limb endplates (fraction)")
        ax2.set_title("Receptors", fontsize="medium")
        self._adl, = ax3.step(t, [0, 0], where="post", color=C["black"], lw=2)
        ax3.set_ylim(-0.5, 24.5)
        ax3.set_ylabel("MG-ADL score (0-24)")
        ax3.set_title("Daily life: model MG-ADL", fontsize="medium")
        self._half = [ax.axvline(-10, color=C["sky"], ls=":", lw=1.5) for ax in (ax1, ax2, ax3)]
        for ax in (ax1, ax2, ax3):
            ax.set_xlim(*t)
            ax.set_xlabel("days after the trigger")
        self._moving(self._ab, self._achr, self._adl, *self._half)

    def refresh(self, r):
        c = r["course"]
        self._ab.set_data(c.t_days, c.pathogenic_igg)
        self._achr.set_data(c.t_days, c.achr_fraction)
        self._adl.set_data(c.t_days, c.mg_adl)
        for line, day in zip(self._half, (r["antibody_half_day"], r["achr_half_day"],
                                          r["adl_first_change_day"])):
            line.set_xdata([-10.0 if day is None else day] * 2)

    def alt_state(self, r):
        c, first = r["course"], r["adl_first_change_day"]
        return (f"Antibody production × {r['production']:.2f} from day 0: AChR {_pct(c.achr_fraction[0])} to "
                f"{_pct(c.achr_fraction[-1])}, MG-ADL {c.mg_adl[0]} to {c.mg_adl[-1]}, first changing "
                f"{'never' if first is None else f'on day {first:.0f}'}; {r['crisis_days']} days in crisis.")

    def describe(self, r):
        c = r["course"]

        def day(x):
            return "no change" if x is None else f"day {x:.0f}"

        return (f"Production × {r['production']:.2f} from day 0 · dotted lines: antibody half-way to "
                f"its new level: {day(r['antibody_half_day'])} · AChR half-way: {day(r['achr_half_day'])} · "
                f"MG-ADL first changes: {day(r['adl_first_change_day'])}<br>"
                f"AChR {_pct(c.achr_fraction[0])} → {_pct(c.achr_fraction[-1])} · "
                f"<b>MG-ADL {c.mg_adl[0]} → {c.mg_adl[-1]}</b> · "
                f"days in crisis (breathing strength below {CRISIS_STRENGTH:.2f}): {r['crisis_days']}")


def trigger_panel(**initial) -> TriggerPanel:
    """Lesson 07 panel: a lasting change of antibody production and the delay until it shows."""
    return TriggerPanel(**initial)


class NeonatalPanel(Panel):
    """Transient neonatal MG: a newborn with the mother's antibody and no production of its own.

    ``simulate_course(PATIENTS["neonatal"].replace(antibody_load=..., subclasses=((IgG1, 1 - s),
    (IgG3, s))), NEONATAL_DAYS)``. The baby is born in the steady state of the maternal antibody
    (a modelling choice) and makes none; its own IgG synthesis starts slowly and it grows.
    """

    title = "Transient neonatal MG: the mother's antibody fades from the baby"
    alt = ("Three panels over the first 180 days of life: the mother's pathogenic antibody and the "
           "baby's total IgG relative to birth; AChR and folds with Na channels at limb endplates "
           "as fractions of healthy; and strength of the eye, face and swallowing, limb and "
           "breathing muscles (0-1) with the line above which a muscle group counts as normal.")
    figsize = (11.0, 3.3)

    def _controls(self):
        p = PATIENTS["neonatal"]
        return {
            "antibody_load": slider("mother's antibody at birth", p.antibody_load, 0.05, 3.0, 0.05,
                                    "1 = half the AChR bound", continuous=False),
            "igg3_share": slider("IgG3 share of it", p.igg3_fraction, 0.0, 0.6, 0.05, "",
                                 continuous=False),
        }

    def patient(self, antibody_load, igg3_share):
        subs = (("IgG1", 1.0 - igg3_share), ("IgG3", igg3_share)) if igg3_share > 0 else (("IgG1", 1.0),)
        return PATIENTS["neonatal"].replace(name="neonatal_panel", antibody_load=antibody_load,
                                            subclasses=subs)

    def compute(self, antibody_load, igg3_share):
        r = simulate_course(self.patient(antibody_load, igg3_share), NEONATAL_DAYS)
        t = r.t_days
        normal = {g: _first_day(t, adl_item_score(1.0 - r.strength[g]) == 0) for g in MUSCLE_GROUPS}
        half = np.nonzero(r.pathogenic_igg <= 0.5)[0]
        return dict(course=r, normal_from=normal,
                    antibody_half_day=float(t[half[0]]) if half.size else None,
                    crisis_days=int(r.crisis.sum()),
                    all_normal_day=(None if any(v is None for v in normal.values())
                                    else max(normal.values())))

    def setup(self, fig):
        ax1, ax2, ax3 = self._axes = fig.subplots(1, 3)
        t = [0, NEONATAL_DAYS]
        self._ab, = ax1.plot(t, [1, 1], color=C["vermillion"], lw=2, label="mother's AChR antibody")
        self._igg, = ax1.plot(t, [1, 1], color=C["blue"], lw=1.5, ls="--", label="all IgG")
        ax1.set_ylim(0, 1.05)
        ax1.set_ylabel("in the baby's blood (× at birth)")
        ax1.set_title("Antibody", fontsize="medium")
        ax1.legend(frameon=False, fontsize="x-small", loc="upper right")
        self._achr, = ax2.plot(t, [1, 1], color=C["blue"], lw=2, label="AChR")
        self._na, = ax2.plot(t, [1, 1], color=C["orange"], lw=2, ls="-.", label="folds / Na channels")
        ax2.set_ylim(0, 1.05)
        ax2.set_ylabel("limb endplate (fraction of healthy)")
        ax2.set_title("Endplate", fontsize="medium")
        ax2.legend(frameon=False, fontsize="x-small", loc="lower right")
        self._strength = {}
        for g in MUSCLE_GROUPS:
            col, ls = plots.MUSCLE_GROUP_STYLE[g]
            self._strength[g], = ax3.plot(t, [1, 1], color=C[col], ls=ls, lw=1.8, label=_GROUP_WORDS[g])
        ax3.axhline(NORMAL_STRENGTH, color=C["black"], lw=1, ls=":", label="normal above")
        ax3.set_ylim(0, 1.05)
        ax3.set_ylabel("strength (fraction of fibres firing)")
        ax3.set_title("Strength", fontsize="medium")
        ax3.legend(frameon=False, fontsize="x-small", loc="lower right")
        for ax in (ax1, ax2, ax3):
            ax.set_xlim(*t)
            ax.set_xlabel("age (days)")
        self._moving(self._ab, self._igg, self._achr, self._na, *self._strength.values())

    def refresh(self, r):
        c = r["course"]
        t = c.t_days
        self._ab.set_data(t, c.pathogenic_igg)
        self._igg.set_data(t, c.total_igg)
        self._achr.set_data(t, c.achr_fraction)
        self._na.set_data(t, c.na_channel_fraction)
        for g in MUSCLE_GROUPS:
            self._strength[g].set_data(t, c.strength[g])

    def alt_state(self, r):
        c = r["course"]
        return (f"At birth AChR {_pct(c.achr_fraction[0])}, breathing strength {c.strength['respiratory'][0]:.2f}, "
                f"feeding strength {c.strength['bulbar'][0]:.2f}; all weakness resolved: "
                f"{_day_text(r['all_normal_day'], NEONATAL_DAYS)}; {r['crisis_days']} days in crisis.")

    def describe(self, r):
        c = r["course"]
        back = " · ".join(f"{_GROUP_WORDS[g]} {_day_text(r['normal_from'][g], NEONATAL_DAYS)}"
                          for g in ("respiratory", "bulbar", "limb", "ocular"))
        half = r["antibody_half_day"]
        return (f"At birth: AChR {_pct(c.achr_fraction[0])}, breathing strength "
                f"{c.strength['respiratory'][0]:.2f}, feeding (bulbar) strength {c.strength['bulbar'][0]:.2f}"
                f" · mother's antibody halved by {_day_text(half, NEONATAL_DAYS)}<br>"
                f"Back to normal for daily use (strength above {NORMAL_STRENGTH}): {back}<br>"
                f"<b>All weakness resolved: {_day_text(r['all_normal_day'], NEONATAL_DAYS)}</b> · "
                f"days in crisis (breathing strength below {CRISIS_STRENGTH:.2f}): {r['crisis_days']}")


def neonatal_panel(**initial) -> NeonatalPanel:
    """Lesson 07 panel: transient neonatal MG as the mother's antibody is catabolised."""
    return NeonatalPanel(**initial)


#: Congenital myasthenic syndromes of the panel (label, archetype).
CMS_CHOICES = [("CHRNE: too few AChR (genetic)", "congenital"),
               ("COLQ: no AChE anchored at the endplate", "congenital_colq")]
#: Immune therapies offered (label, key) and the therapy each key starts on day 0.
IMMUNE_CHOICES = [("none", "none"), ("prednisone 60 mg a day", "prednisone"),
                  ("plasma exchange, 5 sessions", "plex"), ("FcRn antagonist, 4 weekly doses", "fcrn")]
_IMMUNE = {"none": None, "prednisone": T.Prednisone, "plex": T.PlasmaExchange, "fcrn": T.FcRnAntagonist}


def congenital_therapies(pyridostigmine_mg, immune):
    """The therapies the congenital panel gives from day 0 (pyridostigmine 4 tablets a day)."""
    out = []
    if pyridostigmine_mg > 0:
        out.append(T.Pyridostigmine(start_day=0.0, dose_mg=pyridostigmine_mg))
    if _IMMUNE[immune] is not None:
        out.append(_IMMUNE[immune](start_day=0.0))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _untreated_cms(name):
    return simulate_course(name, CONGENITAL_DAYS)


class CongenitalPanel(Panel):
    """A congenital myasthenic syndrome with pyridostigmine and an immune therapy.

    ``simulate_course(name, CONGENITAL_DAYS, congenital_therapies(pyridostigmine_mg, immune))``
    against the untreated course, read on day ``CONGENITAL_READ_DAY``.
    """

    title = "Congenital myasthenic syndromes: genetic, not autoimmune"
    alt = ("Two panels. Left: strength (0-1) of the eye, face and swallowing, limb and breathing "
           "muscles, untreated and with the chosen treatment, as paired bars. Right: endplate AChE "
           "activity as a fraction of healthy, daily mean and lowest of the day, untreated and "
           "treated, with the level below which lingering ACh blocks the fibres.")
    figsize = (10.0, 3.3)

    def _controls(self):
        return {
            "syndrome": dropdown("syndrome", CMS_CHOICES, "congenital"),
            "pyridostigmine_mg": slider("pyridostigmine, 4 tablets a day", 0.0, 0.0, 120.0, 15.0,
                                        "mg each", fmt=".0f", continuous=False),
            "immune": dropdown("immune therapy", IMMUNE_CHOICES, "none"),
        }

    def compute(self, syndrome, pyridostigmine_mg, immune):
        untreated = _untreated_cms(syndrome)
        treated = simulate_course(syndrome, CONGENITAL_DAYS, congenital_therapies(pyridostigmine_mg, immune))
        i = CONGENITAL_READ_DAY
        return dict(patient=PATIENTS[syndrome], untreated=untreated, treated=treated, day=i,
                    strength_untreated={g: float(untreated.strength[g][i]) for g in MUSCLE_GROUPS},
                    strength_treated={g: float(treated.strength[g][i]) for g in MUSCLE_GROUPS},
                    ache_untreated=(float(untreated.ache_activity[i]),
                                    float(untreated.disease.ache_activity_min[i])),
                    ache_treated=(float(treated.ache_activity[i]),
                                  float(treated.disease.ache_activity_min[i])),
                    adl_untreated=int(untreated.mg_adl[i]), adl_treated=int(treated.mg_adl[i]))

    def setup(self, fig):
        ax1, ax2 = self._axes = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1.5, 1.0]))
        x = np.arange(len(MUSCLE_GROUPS))
        self._s0 = ax1.bar(x - 0.2, np.zeros(x.size), 0.38, color=C["sky"], label="untreated")
        self._s1 = ax1.bar(x + 0.2, np.zeros(x.size), 0.38, color=C["blue"], hatch="//",
                           edgecolor="white", label="with the treatment")
        ax1.axhline(NORMAL_STRENGTH, color=C["black"], lw=1, ls=":", label="normal above")
        ax1.set_xticks(x, ["eyes", "face, swallowing", "limbs", "breathing"], fontsize="small")
        ax1.set_ylim(0, 1.1)
        ax1.set_ylabel("strength (fraction of fibres firing)")
        ax1.set_title("Strength by muscle group", fontsize="medium")
        ax1.legend(frameon=False, fontsize="x-small", loc="upper left", ncol=3)
        x2 = np.arange(2)
        self._a0 = ax2.bar(x2 - 0.2, [0, 0], 0.38, color=C["sky"])
        self._a1 = ax2.bar(x2 + 0.2, [0, 0], 0.38, color=C["blue"], hatch="//", edgecolor="white")
        ax2.axhline(1.0 - T.DEPOLARIZING_BLOCK_INHIBITION, color=C["vermillion"], lw=1.5, ls="--",
                    label="below: cholinergic weakness expected (clinic)")
        ax2.set_xticks(x2, ["daily mean", "lowest of the day"], fontsize="small")
        ax2.set_yscale("log")
        ax2.set_ylim(0.01, 10.0)
        ax2.set_ylabel("AChE activity (fraction of healthy)")
        ax2.set_title("Acetylcholinesterase at the endplate", fontsize="medium")
        ax2.legend(frameon=False, fontsize="x-small", loc="upper right")
        self._moving(*self._s0, *self._s1, *self._a0, *self._a1)

    def refresh(self, r):
        for bar, g in zip(self._s0, MUSCLE_GROUPS):
            bar.set_height(r["strength_untreated"][g])
        for bar, g in zip(self._s1, MUSCLE_GROUPS):
            bar.set_height(r["strength_treated"][g])
        for bar, v in zip(self._a0, r["ache_untreated"]):
            bar.set_height(v)
        for bar, v in zip(self._a1, r["ache_treated"]):
            bar.set_height(v)

    def alt_state(self, r):
        s0, s1 = r["strength_untreated"], r["strength_treated"]
        return (f"{r['patient'].congenital_subtype} on day {r['day']}: limb strength {s0['limb']:.2f} untreated, "
                f"{s1['limb']:.2f} treated; breathing {s0['respiratory']:.2f} and {s1['respiratory']:.2f}; "
                f"model MG-ADL {r['adl_untreated']} untreated, {r['adl_treated']} treated.")

    def describe(self, r):
        s0, s1 = r["strength_untreated"], r["strength_treated"]
        return (f"{r['patient'].congenital_subtype} (day {r['day']}): limb strength {s0['limb']:.2f} → "
                f"{s1['limb']:.2f} · breathing {s0['respiratory']:.2f} → {s1['respiratory']:.2f} · "
                f"lowest AChE activity of the day {r['ache_untreated'][1]:.3f} → {r['ache_treated'][1]:.3f}"
                f"<br><b>Model MG-ADL {r['adl_untreated']} untreated → {r['adl_treated']} treated</b> · "
                f"no antibody, so immune therapy has nothing to act on")


def congenital_panel(**initial) -> CongenitalPanel:
    """Lesson 07 panel: CHRNE and COLQ syndromes with pyridostigmine and immune therapy."""
    return CongenitalPanel(**initial)
