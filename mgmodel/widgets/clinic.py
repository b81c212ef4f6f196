"""Lesson 09 panel: the virtual MG clinic - a mystery patient to examine, test, diagnose and treat.

The cases (mystery patients, their stories, the tests and the diagnoses) live in
:mod:`mgmodel.cases`; the plan of start days and its cached course in :mod:`.plan`; the therapy
timeline is :class:`mgmodel.plots_clinic.TimelineView`. This module lays them out as one panel with
buttons (tests, Run, Reveal); ``panel.order()``, ``panel.run()``, ``panel.new_patient()`` and
``panel.reveal()`` do the same from code.

The model is educational: the panel shows what *this model* predicts, not what a patient should
be given. Real treatment decisions need physicians.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as W
import numpy as np
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from .. import plots
from ..cases import (ARCHETYPE_LABELS, DIAGNOSES, GROUP_WORDS, N_MYSTERY, STORIES, TESTS, complaints,
                     diagnosis_is_right, get_case, run_test, test_report)
from ..clinic import CRISIS_STRENGTH
from ..criteria import DECREMENT_LIMIT_FRACTION
from ..patients import MUSCLE_GROUPS, PATIENTS
from ..plots import MUSCLE_GROUP_STYLE
from ..plots_clinic import TimelineView, round_up
from ._base import Panel
from .plan import (HORIZON_DAYS, NOT_GIVEN, THERAPY_PLAN, cached_course, day_slider, plan_intervals,
                   plan_key, plan_text, plan_therapies, two_columns)

__all__ = ["ClinicPanel", "clinic_panel"]

C = plots.OKABE_ITO


def _vignette_html(case):
    who, story = STORIES[case.archetype]
    said = ", ".join(complaints(case)) or "none"
    return (f"<b>Patient {case.number}.</b> {html.escape(who)}. {html.escape(story)} Complaints: "
            f"{html.escape(said)}. MG-ADL today: <b>{case.first_visit.mg_adl[0]}</b> of 24.")


def _test_html(name, res):
    heading, findings = test_report(name, res)
    return f"<b>{html.escape(heading)}</b> {html.escape(findings)}"


def _crisis_fill(ax, t, crisis, old=None):
    """Shade the crisis days on ``ax`` (replacing the previous shading)."""
    if old is not None:
        old.remove()
    return ax.fill_between(t, 0, 24.5, where=crisis, step="post", color=C["vermillion"], alpha=0.2,
                           lw=0, label="crisis")


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
    figsize = (11.0, 9.6)

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
            two_columns(plan), W.HBox([self.controls["months"], self.run_button]),
            readout, image)
        self.widget.add_class("mgmodel-clinic")

    # -- controls -----------------------------------------------------------------------
    def _controls(self):
        c = {"patient_number": W.IntSlider(value=1, min=1, max=N_MYSTERY, step=1,
                                           description="patient number", continuous_update=False,
                                           style={"description_width": "110px"},
                                           layout=W.Layout(width="420px"))}
        for key, (label, _) in THERAPY_PLAN.items():
            c[key] = day_slider(label)
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
        return run_test(self.controls["patient_number"].value, test)

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
        case = get_case(int(patient_number))
        horizon = 30 * int(months)
        key = plan_key(days)
        given = plan_therapies(dict(key), horizon)
        course = cached_course(case.patient, horizon, key) if self._ran else None
        return dict(case=case, course=course, horizon=horizon, given=given,
                    intervals=plan_intervals(given, horizon),
                    tests={k: run_test(case.number, k) for k in self._ordered},
                    revealed=self._revealed, ran=self._ran)

    # -- drawing ------------------------------------------------------------------------
    def setup(self, fig):
        grid = fig.subplots(4, 2, gridspec_kw=dict(width_ratios=(1, 1.55), height_ratios=(1.5, 1, 1, 1)))
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
        self._exam_bars = e0.bar(x, np.zeros(len(x)), color=[C[MUSCLE_GROUP_STYLE[g][0]] for g in MUSCLE_GROUPS])
        self._exam_vals = [e0.text(i, 2, "", ha="center", va="bottom", fontsize="x-small") for i in x]
        e0.set_xticks(x, [GROUP_WORDS[g].replace(" and ", " &\n") for g in MUSCLE_GROUPS],
                      fontsize="x-small")
        e0.set_ylim(0, 115)
        e0.set_ylabel("strength (%)", fontsize="small")
        e0.set_title("Examination: strength in sustained use", fontsize="small")
        # RNS
        k = np.arange(1, 11)
        e1.axhline(100 * DECREMENT_LIMIT_FRACTION, color=C["black"], ls=":", lw=1)
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
        self._timeline = TimelineView(tl, [label for label, _ in THERAPY_PLAN.values()], fontsize="x-small")
        t = np.arange(HORIZON_DAYS + 1)
        nan = np.full(t.shape, np.nan)
        self._strength = {}
        for g in MUSCLE_GROUPS:
            col, ls = MUSCLE_GROUP_STYLE[g]
            self._strength[g], = c0.plot(t, nan, color=C[col], ls=ls, lw=1.8, label=GROUP_WORDS[g],
                                         zorder=3 if g == "bulbar" else 2)
        c0.axhline(100 * CRISIS_STRENGTH, color=C["vermillion"], lw=1, ls=":")
        c0.text(0.99, 100 * CRISIS_STRENGTH, "crisis line (breathing)", ha="right", va="bottom",
                transform=blended_transform_factory(c0.transAxes, c0.transData), fontsize="x-small",
                color=C["vermillion"])
        c0.set_ylim(0, 115)
        c0.set_ylabel("strength (%)", fontsize="small")
        c0.legend(frameon=False, fontsize="x-small", loc="lower left", ncol=4)
        self._adl, = c1.step(t, nan, where="post", color=C["black"], lw=2, label="MG-ADL")
        self._crisis = None
        c1.set_ylim(-0.5, 24.5)
        c1.set_ylabel("MG-ADL (0-24)", fontsize="small")
        crisis_key = Patch(color=C["vermillion"], alpha=0.2, lw=0, label="crisis (breathing fails)")
        c1.legend(handles=[self._adl, crisis_key], frameon=False, fontsize="x-small", loc="upper right",
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
            lines.append("Antibodies: " + "\n  ".join(f"{k} {v}" for k, v in tests["antibodies"].items()))
        if "ct" in tests:
            lines.append(textwrap.fill("Chest CT: " + tests["ct"]["finding"], 40, subsequent_indent="  "))
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
            self._rns_ax.set_ylim(min(30.0, round_up(100 * low - 19, 10)), 110)
        self._not_done["rns"].set_visible(rns is None)
        # SFEMG
        sf = tests.get("sfemg")
        if sf:
            scored = np.sort(np.where(np.isfinite(sf["mcd"]), sf["mcd"], sf["limit_pair"]))
            self._jit.set_data(np.arange(1, scored.size + 1), scored)
            self._lim_pair.set_ydata([sf["limit_pair"]] * 2)
            self._lim_mean.set_ydata([sf["limit_mean"]] * 2)
            self._sf_ax.set_ylim(0, max(120.0, round_up(1.1 * float(scored.max()), 50)))
        else:
            self._jit.set_data([], [])
        self._not_done["sfemg"].set_visible(sf is None)
        # course
        c0, c1, c2 = self._course_axes
        course = r["course"]
        self._timeline.update(r["intervals"], r["horizon"])
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
            c2.set_ylim(0, max(1.5, round_up(1.1 * float(course.total_igg.max()), 0.5)))
            self._course_note.set_text("")
        who = ARCHETYPE_LABELS[r["case"].archetype] if r["revealed"] else "diagnosis hidden"
        self._timeline.ax.set_title(f"Patient {r['case'].number} ({who}): therapies and the next "
                                    f"{r['horizon'] // 30} months")

    def _moving_artists(self):
        return [self._lab_text, *self._exam_bars, *self._exam_vals, *self._not_done.values(),
                *self._rns_lines.values(), self._jit, self._lim_pair, self._lim_mean,
                *self._strength.values(), self._adl, self._crisis, self._igg, self._titer,
                self._course_note, *self._timeline.bars.values(), self._timeline.ax.title]

    def alt_state(self, r):
        case, course = r["case"], r["course"]
        head = f"Patient {case.number}, plan {plan_text(r['given'])}"
        if course is None:
            return f"{head}: MG-ADL today {case.first_visit.mg_adl[0]}; the months ahead are not run yet."
        return (f"{head}: MG-ADL {course.mg_adl[0]} today, {course.mg_adl[-1]} after {r['horizon']} days, "
                f"lowest {int(course.mg_adl.min())}; {int(course.crisis.sum())} days in crisis.")

    def describe(self, r):
        case, course = r["case"], r["course"]
        self.vignette.value = _vignette_html(case)
        self.results.value = "<br>".join(_test_html(k, v) for k, v in r["tests"].items()) or \
            "<i>No tests ordered yet.</i>"
        if r["revealed"]:
            guess = self.diagnosis.value
            right = diagnosis_is_right(guess, case.archetype)
            verdict = ("✅ your diagnosis is right. " if right else
                       "❌ not your diagnosis. " if guess else "")
            self.verdict.value = (f"{verdict}<b>Diagnosis: {html.escape(ARCHETYPE_LABELS[case.archetype])}.</b> "
                                  f"{html.escape(PATIENTS[case.archetype].description)}")
        else:
            self.verdict.value = ""
        head = f"<b>Patient {case.number}</b> · plan: {html.escape(plan_text(r['given']))}"
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

