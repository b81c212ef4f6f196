"""Therapies that remove or dilute IgG: plasma exchange, IVIG, FcRn antagonists."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_int, check_number
from .schedule import LN2, Therapy, event_index

__all__ = ["PlasmaExchange", "IVIG", "FcRnAntagonist", "IVIG_ANTI_IDIOTYPE_POTENCY"]

IVIG_ANTI_IDIOTYPE_POTENCY = 0.6
"""Neutralisation of pathogenic antibody by IVIG in the tissue (anti-idiotypes, complement scavenging),
per unit of infused IgG in the interstitium relative to the normal interstitial IgG pool. Calibrated
so that IVIG 2 g/kg and five plasma exchanges bring a similar receptor recovery at day 14, as the
trials found (Gajdos et al. 1997 Ann Neurol 41:789; Barth et al. 2011 Neurology 76:2017)."""

@dataclass(frozen=True)
class PlasmaExchange(Therapy):
    """Therapeutic plasma exchange (PLEX): removes plasma, replaced with 5 % albumin.

    Exchanging one plasma volume with continuous mixing leaves ``exp(-1)`` = 37 % of what was in the
    plasma, i.e. removes ~63 % of intravascular IgG; the ~55-60 % of IgG that is extravascular then
    flows back over a day or two, so five sessions over ~10 days lower IgG and AChR antibody by
    60-70 % at the end of the course (Guptill et al. 2016 Autoimmunity 49:472). Clinical effect within
    a week, best at ~2 weeks, gone by 3-6 weeks as production refills the pool. Albumin is replaced.

    Parameters
    ----------
    start_day : float
        Day of the first session (>= 0).
    n_sessions : int
        Number of exchanges (1-20).
    interval_days : float
        Days between sessions (0.5-14).
    plasma_volumes : float
        Plasma volumes exchanged per session (0.1-2).
    """

    start_day: float = 0.0
    n_sessions: int = 5
    interval_days: float = 2.0
    plasma_volumes: float = 1.0

    label = "plasma exchange"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(self, "n_sessions", check_int("n_sessions", self.n_sessions, 1, 20))
        object.__setattr__(
            self, "interval_days", check_number("interval_days", self.interval_days, 0.5, 14, unit="days")
        )
        object.__setattr__(
            self, "plasma_volumes", check_number("plasma_volumes", self.plasma_volumes, 0.1, 2.0)
        )

    def session_days(self):
        """Days of the sessions."""
        return self.start_day + self.interval_days * np.arange(self.n_sessions)

    def interval(self, horizon_days):
        return self._clip(self.start_day, float(self.session_days()[-1]) + 1.0, horizon_days)

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        rem = np.ones_like(t_days)
        per = math.exp(-self.plasma_volumes)
        for d in self.session_days():
            i = event_index(d, dt_days)
            if i < rem.size:
                rem[i] *= per
        return {"plex_remaining": rem}


@dataclass(frozen=True)
class IVIG(Therapy):
    """Intravenous immunoglobulin: pooled normal IgG, usually 2 g/kg over 2-5 days.

    Two actions in the model: (1) infused IgG raises plasma IgG about threefold and saturates
    FcRn, so every IgG, the pathogenic one included, is catabolised faster for a few weeks;
    (2) immunomodulation in the tissue, summarised as neutralisation of the pathogenic antibody in
    proportion to the infused IgG present (anti-idiotypes, complement scavenging; potency
    :data:`IVIG_ANTI_IDIOTYPE_POTENCY`). Clinically about as effective as plasma exchange at day 14
    (Gajdos et al. 1997; Barth et al. 2011 Neurology 76:2017).

    Parameters
    ----------
    start_day : float
        First infusion day (>= 0).
    dose_g_per_kg : float
        Total dose per course, g/kg (0.1-4).
    n_days : int
        Days over which a course is given, equal daily portions (1-5).
    n_courses : int
        Number of courses (1-50), e.g. maintenance every 3-4 weeks.
    course_interval_days : float
        Days from the start of one course to the next (>= 7).
    """

    start_day: float = 0.0
    dose_g_per_kg: float = 2.0
    n_days: int = 2
    n_courses: int = 1
    course_interval_days: float = 28.0

    label = "IVIG"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(
            self, "dose_g_per_kg", check_number("dose_g_per_kg", self.dose_g_per_kg, 0.1, 4.0, unit="g/kg")
        )
        object.__setattr__(self, "n_days", check_int("n_days", self.n_days, 1, 5))
        object.__setattr__(self, "n_courses", check_int("n_courses", self.n_courses, 1, 50))
        object.__setattr__(
            self,
            "course_interval_days",
            check_number("course_interval_days", self.course_interval_days, 7, 3650, unit="days"),
        )
        if self.course_interval_days < self.n_days:
            raise ValueError(
                f"course_interval_days must be at least n_days ({self.n_days}); got {self.course_interval_days:g}"
            )

    def infusion_days(self):
        """Days of the infusions."""
        starts = self.start_day + self.course_interval_days * np.arange(self.n_courses)
        return (starts[:, None] + np.arange(self.n_days)[None, :]).ravel()

    def interval(self, horizon_days):
        return self._clip(self.start_day, float(self.infusion_days()[-1]) + 1.0, horizon_days)

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        dose = np.zeros_like(t_days)
        per_day = self.dose_g_per_kg / self.n_days
        for d in self.infusion_days():
            i = event_index(d, dt_days)
            if i < dose.size:
                dose[i] += per_day
        return {"ivig_g_per_kg": dose}


FCRN_BLOCKER_HALF_LIFE_DAYS = 6.0
"""Half-life of the blocker's hold on FcRn after a dose of an efgartigimod-like Fc fragment, days
(fitted). With :data:`FCRN_BLOCKER_KD_DOSES` it is fitted so that 10 mg/kg weekly x 4 gives the
ADAPT-like total-IgG fall of the calibration (55-75 % at day 28-35; Howard et al. 2021) and IgG is
back near baseline ~8 weeks after the last dose (Ulrichts et al. 2018 JCI 128:4372). A single
10 mg/kg dose then lowers IgG by ~37 % (nadir ~day 12). The model overestimates the largest single
dose: 50 mg/kg gives ~67 %, Ulrichts et al. report up to ~50 % after one dose."""
FCRN_BLOCKER_KD_DOSES = 2.0
"""Drug level giving half the largest occupancy, in units of the level right after one 10 mg/kg
dose (fitted, see above)."""
FCRN_BLOCKER_MAX_OCCUPANCY = 0.95
"""Largest fraction of FcRn IgG sites the blocker can hold."""


@dataclass(frozen=True)
class FcRnAntagonist(Therapy):
    """FcRn antagonist (efgartigimod-like IgG1 Fc fragment engineered to bind FcRn tightly).

    Occupies FcRn's IgG site so pinocytosed IgG is not rescued and goes to the lysosome: every IgG
    subclass falls, the pathogenic antibody with it, while albumin (bound at a separate FcRn site)
    and IgA/IgM do not change. Weekly 10 mg/kg x 4: total IgG nadir 55-75 % below baseline around
    day 24-35, back near baseline ~8 weeks after the last dose (Ulrichts et al. 2018 JCI 128:4372;
    ADAPT, Howard et al. 2021 Lancet Neurol 20:526).

    Parameters
    ----------
    start_day : float
        Day of the first dose (>= 0).
    n_doses : int
        Doses per cycle (1-52).
    interval_days : float
        Days between doses within a cycle (1-28).
    n_cycles : int
        Number of cycles (1-50).
    cycle_gap_days : float
        Days from the last dose of one cycle to the first dose of the next (>= 1).
    dose_mg_per_kg : float
        Dose, mg/kg (0.1-50).
    """

    start_day: float = 0.0
    n_doses: int = 4
    interval_days: float = 7.0
    n_cycles: int = 1
    cycle_gap_days: float = 35.0
    dose_mg_per_kg: float = 10.0

    label = "FcRn antagonist"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(self, "n_doses", check_int("n_doses", self.n_doses, 1, 52))
        object.__setattr__(
            self, "interval_days", check_number("interval_days", self.interval_days, 1, 28, unit="days")
        )
        object.__setattr__(self, "n_cycles", check_int("n_cycles", self.n_cycles, 1, 50))
        object.__setattr__(
            self, "cycle_gap_days", check_number("cycle_gap_days", self.cycle_gap_days, 1, 3650, unit="days")
        )
        object.__setattr__(
            self, "dose_mg_per_kg", check_number("dose_mg_per_kg", self.dose_mg_per_kg, 0.1, 50, unit="mg/kg")
        )

    def dose_days(self):
        """Days of the doses."""
        cycle_len = (self.n_doses - 1) * self.interval_days + self.cycle_gap_days
        starts = self.start_day + cycle_len * np.arange(self.n_cycles)
        return (starts[:, None] + self.interval_days * np.arange(self.n_doses)[None, :]).ravel()

    def interval(self, horizon_days):
        return self._clip(self.start_day, float(self.dose_days()[-1]) + self.interval_days, horizon_days)

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        k = LN2 / FCRN_BLOCKER_HALF_LIFE_DAYS
        level = np.zeros_like(t_days)
        amount = self.dose_mg_per_kg / 10.0
        for d in self.dose_days():
            i = event_index(d, dt_days)
            if i < t_days.size:
                s = t_days - t_days[i]
                level += np.where(s >= 0, amount * np.exp(-k * np.maximum(s, 0.0)), 0.0)
        # mean level over each step (exact for exponential decay within the step)
        level *= (1.0 - math.exp(-k * dt_days)) / (k * dt_days)
        occ = FCRN_BLOCKER_MAX_OCCUPANCY * level / (level + FCRN_BLOCKER_KD_DOSES)
        return {"fcrn_occupancy": occ}
