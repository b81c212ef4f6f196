"""Therapies as schedules, each with its pharmacology.

Every therapy is a frozen dataclass with a ``start_day`` (day 0 = start of the simulation) and its
dosing. :func:`therapy_effects` turns a tuple of them into arrays on the simulation's time grid, one
array per mechanism, which :func:`mgmodel.disease.simulate_disease` consumes:

======================== =========================================== =========================================
mechanism                meaning                                     therapies
======================== =========================================== =========================================
``drive``                autoimmune drive on B cells (1 = untreated) Prednisone, Immunosuppressant, Thymectomy
``b_cells``              CD20+ B cells relative to normal            Rituximab
``fcrn_occupancy``       FcRn IgG sites held by a blocker (0..1)     FcRnAntagonist
``complement_block``     fraction of C5/MAC formation blocked        ComplementInhibitor
``ivig_g_per_kg``        infused IgG given at the start of a step    IVIG
``plex_remaining``       plasma protein left after exchange(s)       PlasmaExchange
``ache_inhibition``      daily mean AChE inhibition (waking hours)   Pyridostigmine
``ache_inhibition_peak`` deepest AChE inhibition of the day          Pyridostigmine
======================== =========================================== =========================================

Drug effects combine as independent actions: multiplicative for ``drive``, ``b_cells`` and
``plex_remaining``; ``1 - prod(1 - x)`` for occupancies, blocks and inhibitions; doses add.

Pyridostigmine also has an hour-scale interface, :func:`pyridostigmine_inhibition` and
:meth:`Pyridostigmine.ache_activity`, for the fast (endplate) model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_choice, check_int, check_number, checked_replace

__all__ = [
    "Pyridostigmine",
    "Prednisone",
    "Immunosuppressant",
    "Thymectomy",
    "PlasmaExchange",
    "IVIG",
    "FcRnAntagonist",
    "ComplementInhibitor",
    "Rituximab",
    "THERAPY_TYPES",
    "therapy_effects",
    "pyridostigmine_inhibition",
    "pyridostigmine_ache_activity",
    "DEPOLARIZING_BLOCK_INHIBITION",
    "IVIG_ANTI_IDIOTYPE_POTENCY",
]

LN2 = math.log(2.0)

DEPOLARIZING_BLOCK_INHIBITION = 0.80
"""AChE inhibition above which ACh persists long enough to depolarise and inactivate the endplate
(cholinergic weakness, depolarizing block): > 80 % (calibration section 8; drug labels)."""

IVIG_ANTI_IDIOTYPE_POTENCY = 0.6
"""Neutralisation of pathogenic antibody by IVIG in the tissue (anti-idiotypes, complement scavenging),
per unit of infused IgG in the interstitium relative to the normal interstitial IgG pool. Calibrated
so that IVIG 2 g/kg and five plasma exchanges bring a similar receptor recovery at day 14, as the
trials found (Gajdos et al. 1997 Ann Neurol 41:789; Barth et al. 2011 Neurology 76:2017)."""


def _event_index(t_days, dt_days):
    """Index of the first step that starts at or after ``t_days``."""
    return int(math.ceil(t_days / dt_days - 1e-9))


class _Therapy:
    """Shared helpers (not public)."""

    label = "therapy"

    def _check_start(self):
        object.__setattr__(self, "start_day", check_number("start_day", self.start_day, 0, None, unit="days"))

    def _check_stop(self):
        if self.stop_day is not None:
            stop = check_number("stop_day", self.stop_day, 0, None, unit="days")
            if stop <= self.start_day:
                raise ValueError(
                    f"stop_day must be later than start_day ({self.start_day:g}); got {stop:g}"
                )
            object.__setattr__(self, "stop_day", stop)

    def replace(self, **changes):
        """Return a copy with some fields changed (validated again)."""
        return checked_replace(self, changes, "field")

    def interval(self, horizon_days):
        """(label, start_day, end_day) for plotting; ``end_day`` is capped at ``horizon_days``."""
        stop = getattr(self, "stop_day", None)
        end = horizon_days if stop is None else stop
        return self._clip(self.start_day, end, horizon_days)

    def _clip(self, start, end, horizon_days):
        return (self.label, min(start, horizon_days), min(end, horizon_days))


def _on_window(t, start, stop):
    on = t >= start
    if stop is not None:
        on &= t < stop
    return on


def _onset_offset(t, start, stop, tau_on_days, half_off_days=None):
    """Effect that builds up with time constant ``tau_on`` and, after ``stop``, fades (1 at full)."""
    x = np.where(t >= start, 1.0 - np.exp(-np.maximum(t - start, 0.0) / tau_on_days), 0.0)
    if stop is not None:
        at_stop = 1.0 - math.exp(-(stop - start) / tau_on_days)
        k_off = LN2 / half_off_days if half_off_days else 1.0 / tau_on_days
        x = np.where(t >= stop, at_stop * np.exp(-k_off * np.maximum(t - stop, 0.0)), x)
    return x


# ---------------------------------------------------------------------------------------------
# Pyridostigmine: hours
# ---------------------------------------------------------------------------------------------

PYRIDOSTIGMINE_HALF_LIFE_H = 1.8
"""Elimination half-life of oral pyridostigmine, hours: ~1.5-2 h (Breyer-Pfaff et al. 1985 Clin
Pharmacol Ther 37:495; calibration ~1.8 h)."""
PYRIDOSTIGMINE_ABSORPTION_PER_H = 2.5
"""First-order oral absorption rate, 1/h. Modelling choice (soft) that, with the effect-site delay,
puts the peak of AChE inhibition at ~1.2 h after a dose (label: peak 1-2 h)."""
PYRIDOSTIGMINE_EFFECT_SITE_PER_H = 4.0
"""Rate of carbamylation of endplate AChE following the plasma level (effect-site rate), 1/h.
Modelling choice (soft): the effect lags the plasma level by ~15 min."""
PYRIDOSTIGMINE_PEAK_INHIBITION_60MG = 0.35
"""Peak AChE inhibition after one 60 mg tablet, fraction: the middle of the therapeutic 20-50 %
(calibration section 8, soft). Sets the potency of the Emax model."""
WAKING_HOURS = 16.0
"""Hours of the day in which tablets are taken and muscles are used (07:00-23:00)."""
FIRST_DOSE_CLOCK_H = 7.0
"""Clock time of the first tablet, hours."""


def _pyr_unit_effect_site(t_h):
    """Effect-site level after a unit oral dose (Bateman absorption + effect compartment)."""
    ka = PYRIDOSTIGMINE_ABSORPTION_PER_H
    ke = LN2 / PYRIDOSTIGMINE_HALF_LIFE_H
    k0 = PYRIDOSTIGMINE_EFFECT_SITE_PER_H
    t = np.maximum(np.asarray(t_h, dtype=float), 0.0)
    amp = ka / (ka - ke)
    ce = k0 * amp * (
        (np.exp(-ke * t) - np.exp(-k0 * t)) / (k0 - ke) - (np.exp(-ka * t) - np.exp(-k0 * t)) / (k0 - ka)
    )
    return np.where(np.asarray(t_h) > 0, ce, 0.0)


_T_GRID = np.linspace(0.0, 12.0, 2401)
_UNIT_PEAK = float(_pyr_unit_effect_site(_T_GRID).max())
_EC50_UNITS = 60.0 * _UNIT_PEAK * (1.0 - PYRIDOSTIGMINE_PEAK_INHIBITION_60MG) / PYRIDOSTIGMINE_PEAK_INHIBITION_60MG


def pyridostigmine_inhibition(t_h, dose_times_h, dose_mg=60.0):
    """AChE inhibition (0..1) over hours for a schedule of oral pyridostigmine tablets.

    Linear pharmacokinetics (first-order absorption, elimination half-life 1.8 h) with an effect
    compartment for carbamylation, and an Emax (hyperbolic) relation between effect-site level and
    inhibition. A single 60 mg tablet: onset (half of its peak) ~20 min, peak ~1.2 h, above half its
    peak for ~3.7 h, peak inhibition 35 %.

    Parameters
    ----------
    t_h : float or array_like
        Times, hours.
    dose_times_h : array_like
        Times of the tablets, hours (may be negative, i.e. before the window).
    dose_mg : float or array_like
        Dose of each tablet, mg (one value for all, or one per tablet), 0-600 mg.

    Returns
    -------
    ndarray
        Fraction of endplate AChE inhibited at each time.
    """
    t = check_array("t_h", t_h, unit="h")
    times = check_array("dose_times_h", dose_times_h, unit="h").ravel()
    doses = np.broadcast_to(check_array("dose_mg", dose_mg, 0, 600, unit="mg"), times.shape)
    level = np.zeros_like(t, dtype=float)
    for td, d in zip(times, doses):
        level = level + d * _pyr_unit_effect_site(t - td)
    return level / (level + _EC50_UNITS)


def pyridostigmine_ache_activity(t_h, dose_times_h, dose_mg=60.0, baseline_activity=1.0):
    """Endplate AChE activity (1 = normal) over hours: ``baseline * (1 - inhibition)``.

    ``baseline_activity`` is below 1 where the endplate already lacks AChE (COLQ congenital
    myasthenic syndrome; MuSK antibodies that displace ColQ).
    """
    base = check_number("baseline_activity", baseline_activity, 0, 1)
    return base * (1.0 - pyridostigmine_inhibition(t_h, dose_times_h, dose_mg))


@dataclass(frozen=True)
class Pyridostigmine(_Therapy):
    """Pyridostigmine (Mestinon), an oral carbamate AChE inhibitor: the symptomatic treatment.

    By slowing the hydrolysis of ACh in the cleft it lets each quantum reach more of the remaining
    receptors, so the EPP grows. It does nothing to the immune attack. Pharmacology: oral
    bioavailability ~10-20 %, onset 15-30 min, peak 1-2 h, lasts 3-4 h, elimination half-life ~1.8 h
    (Breyer-Pfaff et al. 1985; drug labels). Therapeutic AChE inhibition is ~20-50 %; above ~80 % ACh
    lingers, the endplate stays depolarised and Na channels inactivate (cholinergic weakness,
    depolarizing block). MuSK MG tolerates it poorly and some congenital syndromes (COLQ endplate
    AChE deficiency, slow-channel) are made worse (Engel et al. 2015 Lancet Neurol 14:420).

    Parameters
    ----------
    start_day : float
        First day of treatment (>= 0).
    dose_mg : float
        Tablet size, mg (usual 30-120; range accepted 0-600).
    interval_h : float
        Hours between tablets (1-24).
    doses_per_day : int, optional
        Tablets per day; default fills the 16 waking hours (4 tablets at 4 h).
    stop_day : float, optional
        Day treatment stops (exclusive).
    """

    start_day: float = 0.0
    dose_mg: float = 60.0
    interval_h: float = 4.0
    doses_per_day: int | None = None
    stop_day: float | None = None

    label = "pyridostigmine"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(self, "dose_mg", check_number("dose_mg", self.dose_mg, 0, 600, unit="mg"))
        object.__setattr__(self, "interval_h", check_number("interval_h", self.interval_h, 1, 24, unit="h"))
        if self.doses_per_day is None:
            n = max(1, int(WAKING_HOURS // self.interval_h))
        else:
            n = check_int("doses_per_day", self.doses_per_day, 1, 24)
            if (n - 1) * self.interval_h >= 24:
                raise ValueError(
                    f"doses_per_day must fit in a day: (doses_per_day - 1) * interval_h < 24 h; "
                    f"got {n} tablets every {self.interval_h:g} h"
                )
        object.__setattr__(self, "doses_per_day", n)
        self._check_stop()

    def dose_times_h(self):
        """Clock times (hours after midnight) of the day's tablets."""
        return FIRST_DOSE_CLOCK_H + self.interval_h * np.arange(self.doses_per_day)

    def ache_activity(self, t_h, baseline_activity=1.0):
        """AChE activity over hours of one treatment day (t_h = clock hours; previous day included).

        Parameters
        ----------
        t_h : float or array_like
            Clock hours within the day (0-24); earlier days' tablets are superposed, so the curve is
            the steady state of daily dosing.
        baseline_activity : float
            AChE activity without the drug (1 = normal).
        """
        times = np.concatenate([self.dose_times_h() - 24.0, self.dose_times_h()])
        return pyridostigmine_ache_activity(t_h, times, self.dose_mg, baseline_activity)

    def daily_inhibition(self):
        """(mean over waking hours, peak) AChE inhibition of a steady treatment day."""
        t = np.linspace(FIRST_DOSE_CLOCK_H, FIRST_DOSE_CLOCK_H + WAKING_HOURS, 385)
        times = np.concatenate([self.dose_times_h() - 24.0, self.dose_times_h()])
        inh = pyridostigmine_inhibition(t, times, self.dose_mg)
        return float(inh.mean()), float(inh.max())

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        mean, peak = self.daily_inhibition()
        on = _on_window(t_days, self.start_day, self.stop_day)
        return {"ache_inhibition": np.where(on, mean, 0.0), "ache_inhibition_peak": np.where(on, peak, 0.0)}


# ---------------------------------------------------------------------------------------------
# Slow immune therapies
# ---------------------------------------------------------------------------------------------

PREDNISONE_EMAX = 0.7
"""Largest fractional fall of the autoimmune drive under corticosteroids (soft)."""
PREDNISONE_ED50_MG = 20.0
"""Daily prednisone dose giving half the largest effect, mg/day (soft; 0.75-1 mg/kg/day = 50-75 mg
is the usual full dose)."""
PREDNISONE_ONSET_DAYS = 14.0
"""Time constant of the fall of the drive, days: improvement begins after ~2-3 weeks and is maximal
after several months (Pascuzzi et al. 1984 Ann Neurol 15:291); the months come from the antibody and
receptor half-lives downstream."""


@dataclass(frozen=True)
class Prednisone(_Therapy):
    """Prednisone (daily oral corticosteroid): broad suppression of T-cell help and B-cell activation.

    Lowers the autoimmune drive (and so antibody production) with an Emax dose relation; the clinical
    effect starts after 2-3 weeks and grows over months (Pascuzzi et al. 1984). The transient early
    worsening seen in some patients is not modelled.

    Parameters
    ----------
    start_day : float
        First day (>= 0).
    dose_mg_per_day : float
        Daily dose, mg (0-100).
    stop_day : float, optional
        Day the drug stops; the effect then fades with the same time constant.
    """

    start_day: float = 0.0
    dose_mg_per_day: float = 60.0
    stop_day: float | None = None

    label = "prednisone"

    def __post_init__(self):
        self._check_start()
        object.__setattr__(
            self, "dose_mg_per_day", check_number("dose_mg_per_day", self.dose_mg_per_day, 0, 100, unit="mg/day")
        )
        self._check_stop()

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        d = self.dose_mg_per_day
        emax = PREDNISONE_EMAX * d / (d + PREDNISONE_ED50_MG)
        x = _onset_offset(t_days + 0.5 * dt_days, self.start_day, self.stop_day, PREDNISONE_ONSET_DAYS)
        return {"drive": 1.0 - emax * x}


IMMUNOSUPPRESSANT_AGENTS = {
    # agent: (largest fall of the drive, onset time constant in days); sources in the class docstring
    "azathioprine": (0.6, 120.0),
    "mycophenolate": (0.6, 90.0),
}


@dataclass(frozen=True)
class Immunosuppressant(_Therapy):
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
        x = _onset_offset(t_days + 0.5 * dt_days, self.start_day, self.stop_day, tau)
        return {"drive": 1.0 - emax * x}


THYMECTOMY_TIME_CONSTANT_DAYS = 180.0
"""Time constant of the loss of thymus-dependent drive after thymectomy, days: the thymus goes at
once, but the autoreactive T and B cells it seeded persist and fade over months (MGTX: benefit
visible within the first year and maintained at 3 years, Wolfe et al. 2016 NEJM 375:511)."""


@dataclass(frozen=True)
class Thymectomy(_Therapy):
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
        x = _onset_offset(t_days + 0.5 * dt_days, self.start_day, None, THYMECTOMY_TIME_CONSTANT_DAYS)
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
class Rituximab(_Therapy):
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


# ---------------------------------------------------------------------------------------------
# Antibody removal
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlasmaExchange(_Therapy):
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
            i = _event_index(d, dt_days)
            if i < rem.size:
                rem[i] *= per
        return {"plex_remaining": rem}


@dataclass(frozen=True)
class IVIG(_Therapy):
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
            i = _event_index(d, dt_days)
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
class FcRnAntagonist(_Therapy):
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
            i = _event_index(d, dt_days)
            if i < t_days.size:
                s = t_days - t_days[i]
                level += np.where(s >= 0, amount * np.exp(-k * np.maximum(s, 0.0)), 0.0)
        # mean level over each step (exact for exponential decay within the step)
        level *= (1.0 - math.exp(-k * dt_days)) / (k * dt_days)
        occ = FCRN_BLOCKER_MAX_OCCUPANCY * level / (level + FCRN_BLOCKER_KD_DOSES)
        return {"fcrn_occupancy": occ}


COMPLEMENT_INHIBITOR_AGENTS = {
    # agent: (onset time constant of full block in days, half-life of the effect after the last dose in days)
    "eculizumab": (0.1, 11.3),   # anti-C5 mAb, IV every 2 weeks; t1/2 ~272 h (label)
    "ravulizumab": (0.1, 49.7),  # long-acting anti-C5 mAb, IV every 8 weeks; t1/2 ~50 d (label)
    "zilucoplan": (0.5, 7.2),    # SC macrocyclic C5 inhibitor, daily; t1/2 ~172 h (label)
}
COMPLEMENT_BLOCK_LEVEL = 0.99
"""Fraction of terminal complement activity blocked at therapeutic levels (near-complete C5 block)."""


@dataclass(frozen=True)
class ComplementInhibitor(_Therapy):
    """Terminal complement (C5) inhibitor: eculizumab, ravulizumab or zilucoplan.

    Blocks cleavage of C5, so no membrane-attack complex forms on the postsynaptic folds: only the
    complement route of injury stops; blockade of the ACh site and antigenic modulation go on, and
    MuSK MG (IgG4, which does not fix complement) is not helped. Approved for AChR+ MG; improvement
    from the first week (ravulizumab, CHAMPION-MG, Vu et al. 2022 NEJM Evid 1:EVIDoa2100066;
    zilucoplan, RAISE, Howard et al. 2023 Lancet Neurol 22:395).

    Parameters
    ----------
    start_day : float
        First dose (>= 0).
    agent : {"eculizumab", "ravulizumab", "zilucoplan"}
        Sets the speed of onset and of offset after ``stop_day``.
    stop_day : float, optional
        Last day of treatment; the block then fades with the drug's half-life.
    """

    start_day: float = 0.0
    agent: str = "ravulizumab"
    stop_day: float | None = None

    label = "complement inhibitor"

    def __post_init__(self):
        self._check_start()
        check_choice("agent", self.agent, COMPLEMENT_INHIBITOR_AGENTS)
        self._check_stop()

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        tau_on, t_half = COMPLEMENT_INHIBITOR_AGENTS[self.agent]
        x = _onset_offset(t_days + 0.5 * dt_days, self.start_day, self.stop_day, tau_on, t_half)
        return {"complement_block": COMPLEMENT_BLOCK_LEVEL * x}


THERAPY_TYPES = (
    Pyridostigmine,
    Prednisone,
    Immunosuppressant,
    Thymectomy,
    PlasmaExchange,
    IVIG,
    FcRnAntagonist,
    ComplementInhibitor,
    Rituximab,
)
"""All therapy classes."""

_MULTIPLY = ("drive", "b_cells", "plex_remaining")
_BLOCK = ("fcrn_occupancy", "complement_block", "ache_inhibition", "ache_inhibition_peak")
_ADD = ("ivig_g_per_kg",)


def therapy_effects(therapies, t_days, dt_days, patient):
    """Combine the therapies into one array per mechanism on the time grid.

    Parameters
    ----------
    therapies : sequence of therapy objects
    t_days : ndarray
        Step start times, days.
    dt_days : float
        Step, days.
    patient : mgmodel.patients.Patient
        Needed for patient-specific effects (thymectomy acts on the thymic share of the drive).

    Returns
    -------
    dict of str -> ndarray
        Keys as in the module table; absent mechanisms are neutral (1 or 0).
    """
    t = np.asarray(t_days, dtype=float)
    out = {k: np.ones_like(t) for k in _MULTIPLY}
    out.update({k: np.zeros_like(t) for k in _BLOCK + _ADD})
    for th in therapies:
        for key, arr in th.effects(t, dt_days, patient).items():
            if key in _MULTIPLY:
                out[key] = out[key] * arr
            elif key in _BLOCK:
                out[key] = 1.0 - (1.0 - out[key]) * (1.0 - arr)
            else:
                out[key] = out[key] + arr
    return out
