"""The virtual cohort: patients drawn with between-patient variability, seeded and reproducible.

A :class:`CohortSpec` is a recipe for the people a trial screens. Each candidate gets, from its
own random stream:

=============================  =====================================================================
age, disease duration          normal / lognormal around the trial's baseline table (ADAPT, Howard
                               et al. 2021 Lancet Neurol 20:526; CHAMPION-MG, Vu et al. 2022 NEJM
                               Evid 1:EVIDoa2100066; RAISE, Howard et al. 2023 Lancet Neurol
                               22:395; MGTX, Wolfe et al. 2016 NEJM 375:511; MuSK, Hehir et al.
                               2017 Neurology 89:1069)
age at onset, thymus           onset before 50 years: thymic hyperplasia and a larger thymic share
                               of the drive; later onset: an involuted thymus, more long-lived
                               plasma cells (Gilhus et al. 2019 Nat Rev Dis Primers 5:30)
antibody load (titre)          lognormal (``load_median``, ``load_cv``): titre differs by orders of
                               magnitude between patients and predicts severity poorly (Sanders
                               et al. 2014); the median is ``fit:`` to the trials' baseline MG-ADL
injury routes                  complement, modulation and blockade weights drawn per patient: the
                               complement-activating capacity of AChR antibodies varies widely
                               between patients (Obaid et al. 2022 Neurol Neuroimmunol
                               Neuroinflamm 9:e1169), so complement inhibitors help some patients
                               much and others little
IgG subclass mix               IgG3 share beta-distributed around 0.2 (Rødgaard et al. 1987)
muscle involvement             per-group susceptibility, lognormal around the group medians
fixed weakness                 long-standing MG leaves weakness that no immunotherapy reverses
                               (endplate simplification, muscle atrophy; fixed ophthalmoparesis):
                               a share ``FIXED_WEAKNESS_MAX * (1 - exp(-duration / 10 y))`` of
                               strength is lost for good. In ADAPT, MG-ADL responders to
                               efgartigimod were 78.6 % with < 3 years of disease and 56.8 % with
                               >= 6 years (Bril et al., AAN 2023 abstract); the size is ``fit:``
background therapy             pyridostigmine, prednisone, a non-steroidal immunosuppressant, each
                               with the share of the baseline tables, started ``background_days``
                               before randomisation (the trials asked for stable doses)
=============================  =====================================================================

Numbers marked *soft* are plausible ranges, not fitted and not taken from a table.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_number, checked_replace
from ..patients import PATIENTS, Patient
from ..therapy import Immunosuppressant, Prednisone, Pyridostigmine

__all__ = ["CohortSpec", "VirtualPatient", "draw_patient", "COHORTS", "FIXED_WEAKNESS_MAX",
           "FIXED_WEAKNESS_YEARS"]

FIXED_WEAKNESS_MAX = 0.3
"""Largest share of strength lost for good after many years of MG.
fit: ADAPT MG-ADL responders 67.7 % vs 29.7 % (Howard et al. 2021), with the complement and
blocking weights (0.4 before the endplate's healthy safety factor rose to 2.4; with the stronger
endplate less of the trial patients' weakness is fixed and more is antibody-driven)."""
FIXED_WEAKNESS_YEARS = 10.0
"""Time constant of the build-up of fixed weakness with disease duration, years (soft)."""


@dataclass(frozen=True)
class CohortSpec:
    """Distributions of the patients a trial screens (see the module docstring).

    Attributes
    ----------
    name : str
    antibody : {"AChR", "MuSK"}
    age_mean, age_sd : float
        Age at randomisation, years (truncated to 18-80).
    duration_median_years, duration_cv : float
        Disease duration at randomisation (lognormal), years; capped at ``duration_max_years``.
    duration_max_years : float
    load_median, load_cv : float
        Antibody load at the endplate (``Patient.antibody_load``), lognormal.
        fit: the trials' baseline MG-ADL after their eligibility thresholds (ADAPT AChR+ about 8.8,
        CHAMPION-MG about 9.0, RAISE about 10.6); one median for every AChR+ cohort.
    complement_weight, modulation_weight : (float, float)
        Mean and SD of the beta-distributed route weights. The complement mean (0.085) is
        fit: CHAMPION-MG (-3.1 vs -1.4) and RAISE (-4.39 vs -2.30) MG-ADL changes.
    block_weight : float
        Mean share of ACh-site blocking antibody (beta, SD half the mean); blocking antibodies are
        found in about half of AChR+ patients (Howard et al. 1987 Ann N Y Acad Sci 505:526). The
        mean (0.42) is fit: with the complement weight, ADAPT's responders 67.7 % vs 29.7 % (FcRn
        antagonists lower every route, C5 inhibitors only complement).
    susceptibility : tuple of 4 float
        Median per-group susceptibility (ocular, bulbar, limb, respiratory).
    susceptibility_cv : float
        Lognormal spread of each group's susceptibility.
    p_pyridostigmine, p_prednisone, p_immunosuppressant : float
        Shares on each background therapy.
    prednisone_mg : (float, float)
        Range of the background prednisone dose, mg/day (uniform).
    background_days : (float, float)
        Range of the time on background immunotherapy before randomisation, days (uniform).
    production_cv : float
        Slow variability of antibody production (:func:`mgmodel.disease.simulate_disease`).
    """

    name: str
    antibody: str = "AChR"
    age_mean: float = 50.0
    age_sd: float = 15.0
    duration_median_years: float = 6.0
    duration_cv: float = 0.9
    duration_max_years: float = 40.0
    load_median: float = 8.0
    load_cv: float = 0.5
    complement_weight: tuple = (0.085, 0.07)
    modulation_weight: tuple = (0.75, 0.1)
    block_weight: float = 0.42
    susceptibility: tuple = (0.12, 1.0, 1.0, 1.0)
    susceptibility_cv: float = 0.5
    p_pyridostigmine: float = 0.85
    p_prednisone: float = 0.65
    p_immunosuppressant: float = 0.5
    prednisone_mg: tuple = (5.0, 20.0)
    background_days: tuple = (180.0, 720.0)
    production_cv: float = 0.2

    def __post_init__(self):
        check_choice("antibody", self.antibody, ("AChR", "MuSK"))
        check_number("age_mean", self.age_mean, 18, 80, unit="years")
        check_number("age_sd", self.age_sd, 0, 30, unit="years")
        check_number("duration_median_years", self.duration_median_years, 0, 40, lo_open=True, unit="years")
        check_number("duration_cv", self.duration_cv, 0, 3)
        check_number("duration_max_years", self.duration_max_years, 0, 60, lo_open=True, unit="years")
        check_number("load_median", self.load_median, 0, 20, lo_open=True)
        check_number("load_cv", self.load_cv, 0, 3)
        for name in ("complement_weight", "modulation_weight"):
            m, s = getattr(self, name)
            check_number(f"{name} mean", m, 0, 1)
            check_number(f"{name} SD", s, 0, 0.5)
        check_number("block_weight", self.block_weight, 0, 0.9)
        if len(self.susceptibility) != 4:
            raise ValueError(f"susceptibility must have 4 values; got {self.susceptibility!r}")
        for s in self.susceptibility:
            check_number("susceptibility", s, 0, 20)
        check_number("susceptibility_cv", self.susceptibility_cv, 0, 3)
        for name in ("p_pyridostigmine", "p_prednisone", "p_immunosuppressant"):
            check_number(name, getattr(self, name), 0, 1)
        lo, hi = self.prednisone_mg
        check_number("prednisone_mg low", lo, 0, 100, unit="mg/day")
        check_number("prednisone_mg high", hi, lo, 100, unit="mg/day")
        lo, hi = self.background_days
        check_number("background_days low", lo, 0, 3650, unit="days")
        check_number("background_days high", hi, lo, 3650, unit="days")
        check_number("production_cv", self.production_cv, 0, 1)

    def replace(self, **changes) -> "CohortSpec":
        """A copy with some fields changed (validated again)."""
        return checked_replace(self, changes, "field")


@dataclass(frozen=True)
class VirtualPatient:
    """One candidate of a trial: the patient, the background therapy and the covariates.

    Attributes
    ----------
    patient : Patient
    background : tuple of therapy objects
        Standard-of-care therapy, with start days relative to the start of the simulation.
    run_in_days : int
        Days simulated before randomisation (the time on background therapy).
    fixed_weakness : float
        Share of strength lost for good (0-1; see the module docstring).
    covariates : dict
        age, onset age, duration (years), thymus, on pyridostigmine / prednisone / immunosuppressant.
    """

    patient: Patient
    background: tuple
    run_in_days: int
    fixed_weakness: float
    covariates: dict


def _beta(rng, mean, sd):
    """A beta draw with the given mean and SD (SD shrunk if the pair is impossible)."""
    mean = float(np.clip(mean, 1e-3, 1 - 1e-3))
    var = min(sd * sd, 0.9 * mean * (1 - mean))
    if var <= 0:
        return mean
    k = mean * (1 - mean) / var - 1.0
    return float(rng.beta(mean * k, (1 - mean) * k))


def _lognormal(rng, median, cv):
    s = np.sqrt(np.log1p(cv * cv))
    return float(median * np.exp(s * rng.standard_normal()))


def draw_patient(spec: CohortSpec, rng, *, name="virtual") -> VirtualPatient:
    """Draw one candidate from ``spec`` with the Generator ``rng`` (see the module docstring)."""
    age = float(np.clip(rng.normal(spec.age_mean, spec.age_sd), 18, 80))
    duration = min(_lognormal(rng, spec.duration_median_years, spec.duration_cv), spec.duration_max_years,
                   age - 10.0)
    onset = age - duration
    load = _lognormal(rng, spec.load_median, spec.load_cv)
    sus = tuple(float(np.clip(_lognormal(rng, m, spec.susceptibility_cv), 0, 20)) for m in spec.susceptibility)
    if spec.antibody == "AChR":
        early = onset < 50
        igg3 = _beta(rng, 0.2, 0.1)
        template = PATIENTS["achr_early_onset" if early else "achr_late_onset"]
        patient = dataclasses.replace(
            template, name=name, description=f"virtual trial patient ({spec.name})",
            subclasses=(("IgG1", 1.0 - igg3), ("IgG3", igg3)),
            antibody_load=min(load, 100.0),
            w_complement=_beta(rng, *spec.complement_weight),
            w_modulation=_beta(rng, *spec.modulation_weight),
            w_block=_beta(rng, spec.block_weight, 0.5 * spec.block_weight),
            long_lived_fraction=_beta(rng, 0.55 if early else 0.7, 0.1),
            thymic_drive_fraction=_beta(rng, 0.45 if early else 0.1, 0.1),
            muscle_susceptibility=sus,
        )
        thymus = patient.thymus
    else:
        template = PATIENTS["musk"]
        patient = dataclasses.replace(
            template, name=name, description=f"virtual trial patient ({spec.name})",
            antibody_load=min(load, 100.0), w_clustering=_beta(rng, 0.85, 0.08),
            w_ache_anchor=_beta(rng, 0.4, 0.1), long_lived_fraction=_beta(rng, 0.1, 0.05),
            muscle_susceptibility=sus,
        )
        thymus = patient.thymus

    lo, hi = spec.background_days
    run_in = int(round(rng.uniform(lo, hi)))
    on_pyr = bool(rng.random() < spec.p_pyridostigmine)
    on_pred = bool(rng.random() < spec.p_prednisone)
    on_ist = bool(rng.random() < spec.p_immunosuppressant)
    dose = float(rng.uniform(*spec.prednisone_mg))
    background = []
    if on_pyr:
        background.append(Pyridostigmine(start_day=0.0))
    if on_pred:
        background.append(Prednisone(start_day=0.0, dose_mg_per_day=dose))
    if on_ist:
        agent = "azathioprine" if rng.random() < 0.5 else "mycophenolate"
        background.append(Immunosuppressant(start_day=0.0, agent=agent))
    cov = dict(age=age, onset_age=onset, duration_years=duration, thymus=thymus,
               pyridostigmine=on_pyr, prednisone=on_pred, prednisone_mg=dose if on_pred else 0.0,
               immunosuppressant=on_ist, antibody_load=patient.antibody_load,
               w_complement=patient.w_complement, w_modulation=patient.w_modulation)
    fixed = FIXED_WEAKNESS_MAX * (1.0 - np.exp(-duration / FIXED_WEAKNESS_YEARS))
    cov["fixed_weakness"] = fixed
    return VirtualPatient(patient, tuple(background), run_in, float(fixed), cov)


COHORTS = {
    # generalized AChR+ MG on standard care, as screened by ADAPT, CHAMPION-MG and RAISE:
    # mean age ~46-58 years, disease duration ~9-10 years, most on an AChE inhibitor, about two in
    # three on corticosteroids, about half on a non-steroidal immunosuppressant (baseline tables)
    "generalized AChR+": CohortSpec(name="generalized AChR+", age_mean=52.0, age_sd=15.0,
                                    duration_median_years=6.0, duration_cv=0.9),
    # MGTX: 18-65 years, median age 33, generalized non-thymomatous AChR+ MG of < 5 years
    # (median ~1 year), no immunotherapy but prednisone (Wolfe et al. 2016)
    "MGTX": CohortSpec(name="MGTX", age_mean=35.0, age_sd=10.0, duration_median_years=1.0, duration_cv=0.8,
                       duration_max_years=5.0, p_pyridostigmine=0.9, p_prednisone=0.0, p_immunosuppressant=0.0,
                       background_days=(30.0, 60.0)),
    # MuSK MG (Hehir et al. 2017): bulbar and respiratory weakness, on standard care
    # load 4 (was 1 with FIXED_WEAKNESS_MAX 0.4; with less fixed weakness a load of 1 left 6 in 10
    # on standard care at MG-ADL 0-1 after 3.5 years): fit: Hehir et al. 2017, favourable outcome
    # in 16 % of the standard-care arm
    "MuSK": CohortSpec(name="MuSK", antibody="MuSK", age_mean=45.0, age_sd=15.0, duration_median_years=3.0,
                       load_median=4.0, susceptibility=(0.12, 1.6, 0.8, 1.3), p_pyridostigmine=0.5,
                       p_prednisone=0.75, p_immunosuppressant=0.5),
}
"""Cohort presets by name."""
