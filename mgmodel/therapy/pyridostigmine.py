"""Pyridostigmine: oral AChE inhibition over hours, and its daily summary for the slow floor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_array, check_int, check_number
from .schedule import LN2, Therapy, on_window

__all__ = ["Pyridostigmine", "pyridostigmine_inhibition", "pyridostigmine_ache_activity",
           "DEPOLARIZING_BLOCK_INHIBITION", "WAKING_HOURS", "FIRST_DOSE_CLOCK_H"]

DEPOLARIZING_BLOCK_INHIBITION = 0.80
"""The clinical warning line: AChE inhibition beyond which cholinergic weakness is expected, > 80 %
(drug labels; Breyer-Pfaff et al. 1985). Plots and panels draw it for reference; the model itself
uses no threshold: block emerges from the endplate's train physiology
(:func:`mgmodel.clinic.cholinergic_block`; the eye muscles block at about this inhibition, the
limbs only near total inhibition)."""

PYRIDOSTIGMINE_HALF_LIFE_H = 1.8
"""Elimination half-life of oral pyridostigmine, hours: ~1.5-2 h (Breyer-Pfaff et al. 1985 Clin
Pharmacol Ther 37:495: ~1.8 h)."""
PYRIDOSTIGMINE_ABSORPTION_PER_H = 2.5
"""First-order oral absorption rate, 1/h. Modelling choice (soft) that, with the effect-site delay,
puts the peak of AChE inhibition at ~1.2 h after a dose (label: peak 1-2 h)."""
PYRIDOSTIGMINE_EFFECT_SITE_PER_H = 4.0
"""Rate of carbamylation of endplate AChE following the plasma level (effect-site rate), 1/h.
Modelling choice (soft): the effect lags the plasma level by ~15 min."""
PYRIDOSTIGMINE_PEAK_INHIBITION_60MG = 0.35
"""Peak AChE inhibition after one 60 mg tablet, fraction: the middle of the therapeutic 20-50 %
(drug labels, soft). Sets the potency of the Emax model."""
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
class Pyridostigmine(Therapy):
    """Pyridostigmine (Mestinon), an oral carbamate AChE inhibitor: the symptomatic treatment.

    By slowing the hydrolysis of ACh in the cleft it lets each quantum reach more of the remaining
    receptors, so the EPP grows. It does nothing to the immune attack. Pharmacology: oral
    bioavailability ~10-20 %, onset 15-30 min, peak 1-2 h, lasts 3-4 h, elimination half-life ~1.8 h
    (Breyer-Pfaff et al. 1985; drug labels). Therapeutic AChE inhibition is ~20-50 %; beyond ~80 % ACh
    lingers, the EPPs of a train sum, the endplate stays depolarised and Na channels inactivate
    (cholinergic weakness, depolarizing block; in the model it emerges from the train physiology,
    :func:`mgmodel.clinic.cholinergic_block`, first in the fast-firing eye muscles). MuSK MG tolerates it poorly and some congenital syndromes (COLQ endplate
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
        on = on_window(t_days, self.start_day, self.stop_day)
        return {"ache_inhibition": np.where(on, mean, 0.0), "ache_inhibition_peak": np.where(on, peak, 0.0)}
