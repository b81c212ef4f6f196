"""What the lesson-08 and clinic panels share: a treatment plan of start days, and its course.

- :data:`THERAPY_PLAN` - the nine therapies the panels offer, each with the standard dosing of its
  class in :mod:`mgmodel.therapy`, and :func:`plan_therapies`, which turns start days into therapy
  objects;
- :func:`cached_course` - :func:`mgmodel.simulate_course` cached on the hashable plan, so that a
  slider that does not change the plan (the day read out) does not simulate again;
- the controls every plan uses (:func:`day_slider`, :func:`two_columns`).

Start-day sliders share one convention: a therapy starts on the day chosen, and the rightmost
position (:data:`NOT_GIVEN`, day 365) means it is not given in the year shown.
"""

from __future__ import annotations

import math
from functools import lru_cache

import ipywidgets as W

from .. import therapy as T
from ..cases import ARCHETYPE_CHOICES, ARCHETYPE_LABELS
from ..clinic import simulate_course
from ._base import slider

__all__ = ["HORIZON_DAYS", "NOT_GIVEN", "THERAPY_PLAN", "ARCHETYPE_CHOICES", "ARCHETYPE_LABELS",
           "plan_therapies", "plan_intervals", "plan_text", "plan_key", "cached_course", "day_slider",
           "compact", "two_columns", "fcrn_cycles"]

#: Days shown by the therapy panel and the longest follow-up of the clinic.
HORIZON_DAYS = 365
#: Start day that means "not given" (the end of the year shown).
NOT_GIVEN = 365


def fcrn_cycles(start_day, horizon):
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
    "fcrn_day": ("FcRn antagonist", fcrn_cycles),
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


def plan_intervals(given, horizon):
    """(plan label, start, end) of each therapy of :func:`plan_therapies` within ``horizon`` days.

    The label is the plan's row label (e.g. "azathioprine"), not the therapy class's own
    ("immunosuppressant"), so that every therapy finds its row in the timeline.
    """
    return [(label, *th.interval(horizon)[1:]) for label, _, th in given]


def plan_text(given):
    """The plan in words, by start day: "prednisone from day 30, ..." or "no treatment"."""
    if not given:
        return "no treatment"
    return ", ".join(f"{label} from day {d:.0f}" for label, d, _ in sorted(given, key=lambda g: g[1]))


def plan_key(days):
    """The hashable plan of ``{control name: start day}`` (therapies given only)."""
    return tuple(sorted((k, float(v)) for k, v in days.items() if v < NOT_GIVEN))


@lru_cache(maxsize=64)
def cached_course(patient, days, therapies_key):
    """simulate_course (fibre seed 0, as the archetypes' defaults), cached on the hashable plan."""
    given = plan_therapies(dict(therapies_key), days)
    return simulate_course(patient, days, [th for _, _, th in given])


def compact(w, width="470px", desc="210px"):
    """``w`` laid out narrower, for two columns of sliders."""
    w.layout = W.Layout(width=width)
    w.style = {"description_width": desc}
    return w


def day_slider(label, value=NOT_GIVEN):
    """A start-day slider of one therapy (0 .. :data:`NOT_GIVEN` = not given)."""
    return compact(slider(f"{label} from day", value, 0, NOT_GIVEN, 5, "", continuous=False, fmt=".0f"))


def two_columns(widgets_):
    """The widgets in two columns, top to bottom then left to right."""
    half = (len(widgets_) + 1) // 2
    return W.HBox([W.VBox(widgets_[:half]), W.VBox(widgets_[half:])])
