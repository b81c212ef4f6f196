"""Slow immune therapies: prednisone, steroid-sparing drugs, thymectomy, rituximab."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_int, check_number
from .schedule import Therapy, onset_offset

__all__ = ["Prednisone", "Immunosuppressant", "Thymectomy", "Rituximab"]

PREDNISONE_EMAX = 0.7
"""Largest fractional fall of the autoimmune drive under corticosteroids (soft)."""
PREDNISONE_ED50_MG = 20.0
"""Daily prednisone dose giving half the largest effect, mg/day (soft; 0.75-1 mg/kg/day = 50-75 mg
is the usual full dose)."""
PREDNISONE_ONSET_DAYS = 14.0
"""Time constant of the fall of the drive, days: improvement begins after ~2-3 weeks and is maximal
after several months (Pascuzzi et al. 1984 Ann Neurol 15:291); the months come from the antibody and
receptor half-lives downstream."""


PREDNISONE_WORSENING_ONSET_DAYS = 5.0
"""Day after the first dose at which the transient early worsening peaks: exacerbations began on
average ~5 days after starting high-dose daily prednisone and lasted a few days, in 48 % of
patients (Pascuzzi et al. 1984 Ann Neurol 15:291)."""
PREDNISONE_WORSENING_DAYS = 8.0
"""Length of the transient early worsening, days (Pascuzzi et al. 1984: a few days, rarely weeks)."""


@dataclass(frozen=True)
class Prednisone(Therapy):
    """Prednisone (daily oral corticosteroid): broad suppression of T-cell help and B-cell activation.

    Lowers the autoimmune drive (and so antibody production) with an Emax dose relation; the clinical
    effect starts after 2-3 weeks and grows over months (Pascuzzi et al. 1984). Started at a high
    dose, it worsens weakness transiently in about half the patients, around day 5 for a few days
    (Pascuzzi et al. 1984; a direct effect on transmission): ``early_worsening`` is the share of
    strength lost at its peak (0 = none, the default; 0.2-0.3 in those affected, modelling choice),
    applied by :func:`mgmodel.clinic.simulate_course` through :meth:`strength_factor`.

    Parameters
    ----------
    start_day : float
        First day (>= 0).
    dose_mg_per_day : float
        Daily dose, mg (0-100).
    stop_day : float, optional
        Day the drug stops; the effect then fades with the same time constant.
    early_worsening : float
        Share of strength lost at the peak of the transient early worsening (0-0.5).
    """

    start_day: float = 0.0
    dose_mg_per_day: float = 60.0
    stop_day: float | None = None
    early_worsening: float = 0.0

    label = "prednisone"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(
            self, "dose_mg_per_day", check_number("dose_mg_per_day", self.dose_mg_per_day, 0, 100, unit="mg/day")
        )
        self._check_stop()
        object.__setattr__(self, "early_worsening", check_number("early_worsening", self.early_worsening, 0, 0.5))

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        d = self.dose_mg_per_day
        emax = PREDNISONE_EMAX * d / (d + PREDNISONE_ED50_MG)
        x = onset_offset(t_days + 0.5 * dt_days, self.start_day, self.stop_day, PREDNISONE_ONSET_DAYS)
        return {"drive": 1.0 - emax * x}

    def strength_factor(self, t_days):
        """Multiplier of strength (<= 1) from the transient early worsening, on the days ``t_days``."""
        s = np.asarray(t_days, float) - self.start_day
        peak, width = PREDNISONE_WORSENING_ONSET_DAYS, PREDNISONE_WORSENING_DAYS
        bump = np.exp(-0.5 * ((s - peak) / (width / 4.0)) ** 2) * (s >= 0) * (s <= peak + width)
        return 1.0 - self.early_worsening * bump


IMMUNOSUPPRESSANT_AGENTS = {
    # agent: (largest fall of the drive, onset time constant in days); sources in the class docstring
    "azathioprine": (0.6, 120.0),
    "mycophenolate": (0.6, 90.0),
}


@dataclass(frozen=True)
class Immunosuppressant(Therapy):
    """Steroid-sparing immunosuppressant (azathioprine or mycophenolate): slow antiproliferative drug.

    Both block purine synthesis in proliferating lymphocytes and lower the autoimmune drive by up to
    ~60 % (soft), slowly: azathioprine's benefit appears after 6-15 months (Palace et al. 1998
    Neurology 50:1778), mycophenolate's after ~6-12 months (Hehir et al. 2010 Muscle Nerve 41:593).
    Modelled with onset time constants of 120 d and 90 d on the drive; antibody and receptor
    half-lives add the rest of the delay.

    Parameters
    ----------
    start_day : float
        First day (>= 0).
    agent : {"azathioprine", "mycophenolate"}
    stop_day : float, optional
    """

    start_day: float = 0.0
    agent: str = "azathioprine"
    stop_day: float | None = None

    label = "immunosuppressant"

    def __post_init__(self):
        self._check_start()
        check_choice("agent", self.agent, IMMUNOSUPPRESSANT_AGENTS)
        self._check_stop()

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        emax, tau = IMMUNOSUPPRESSANT_AGENTS[self.agent]
        x = onset_offset(t_days + 0.5 * dt_days, self.start_day, self.stop_day, tau)
        return {"drive": 1.0 - emax * x}


THYMECTOMY_TIME_CONSTANT_DAYS = 180.0
"""Time constant of the loss of thymus-dependent drive after thymectomy, days: the thymus goes at
once, but the autoreactive T and B cells it seeded persist and fade over months (MGTX: benefit
visible within the first year and maintained at 3 years, Wolfe et al. 2016 NEJM 375:511)."""


@dataclass(frozen=True)
class Thymectomy(Therapy):
    """Thymectomy (extended transsternal in MGTX): removes the thymic source of autoimmune drive.

    In early-onset AChR+ MG the hyperplastic thymus holds germinal centres, AChR-specific T cells
    and B cells that make AChR antibody; removing it lowers the drive by the patient's
    ``thymic_drive_fraction`` over months. MGTX (Wolfe et al. 2016): AChR+ non-thymomatous patients,
    3-year time-weighted QMG 6.15 with thymectomy vs 8.99 on prednisone alone. In MuSK MG the thymus
    is not involved (``thymic_drive_fraction`` = 0), so nothing changes.

    Parameters
    ----------
    start_day : float
        Day of surgery (>= 0).
    """

    start_day: float = 0.0

    label = "thymectomy"

    def __post_init__(self):
        self._check_start()

    def interval(self, horizon_days):
        return self._clip(self.start_day, self.start_day + 1.0, horizon_days)

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        x = onset_offset(t_days + 0.5 * dt_days, self.start_day, None, THYMECTOMY_TIME_CONSTANT_DAYS)
        return {"drive": 1.0 - patient.thymic_drive_fraction * x}


RITUXIMAB_DEPLETION = 0.98
"""Fraction of CD20+ B cells removed during depletion (blood B cells become undetectable)."""
RITUXIMAB_ONSET_DAYS = 7.0
"""Time constant of B-cell depletion including tissue B cells, days (blood: within days)."""
RITUXIMAB_DEPLETION_DAYS = 180.0
"""Duration of full depletion before repopulation starts, days: recovery begins ~6 months after a
course (Rituxan prescribing information)."""
RITUXIMAB_RECOVERY_DAYS = 60.0
"""Time constant of B-cell repopulation, days: median B cells normal by ~12 months (label)."""


@dataclass(frozen=True)
class Rituximab(Therapy):
    """Rituximab: anti-CD20 antibody that depletes B cells (not CD20-negative plasma cells).

    Without B cells no new short-lived plasma cells are made, so production falls within weeks to
    the long-lived plasma-cell share. MuSK IgG4 antibody comes mostly from short-lived plasmablasts
    and falls steeply (Díaz-Manera et al. 2012 Neurology 78:189; Stathopoulos et al. 2017 JCI Insight
    2:e94263): favourable outcome in 58 % vs 16 % of controls (Hehir et al. 2017 Neurology 89:1069).
    AChR antibody leans more on long-lived plasma cells and falls less.

    Parameters
    ----------
    start_day : float
        First infusion (>= 0). A course (375 mg/m2 weekly x 4, or 1 g x 2) is one event here.
    n_cycles : int
        Number of courses (1-20).
    cycle_interval_days : float
        Days from the start of one course to the next (>= 30).
    """

    start_day: float = 0.0
    n_cycles: int = 1
    cycle_interval_days: float = 180.0

    label = "rituximab"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(self, "n_cycles", check_int("n_cycles", self.n_cycles, 1, 20))
        object.__setattr__(
            self,
            "cycle_interval_days",
            check_number("cycle_interval_days", self.cycle_interval_days, 30, 3650, unit="days"),
        )

    def interval(self, horizon_days):
        end = self.start_day + (self.n_cycles - 1) * self.cycle_interval_days + RITUXIMAB_DEPLETION_DAYS
        return self._clip(self.start_day, end, horizon_days)

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        tm = t_days + 0.5 * dt_days
        depleted = np.zeros_like(tm)
        for c in range(self.n_cycles):
            t0 = self.start_day + c * self.cycle_interval_days
            s = tm - t0
            build = 1.0 - np.exp(-np.maximum(s, 0.0) / RITUXIMAB_ONSET_DAYS)
            at_end = 1.0 - math.exp(-RITUXIMAB_DEPLETION_DAYS / RITUXIMAB_ONSET_DAYS)
            recover = at_end * np.exp(-np.maximum(s - RITUXIMAB_DEPLETION_DAYS, 0.0) / RITUXIMAB_RECOVERY_DAYS)
            d = np.where(s < 0, 0.0, np.where(s < RITUXIMAB_DEPLETION_DAYS, build, recover))
            depleted = np.maximum(depleted, d)
        return {"b_cells": 1.0 - RITUXIMAB_DEPLETION * depleted}
