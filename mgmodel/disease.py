"""The junction under attack, over days to months, and :func:`simulate_disease`.

Receptors
---------
Junctional AChRs turn over in two pools (Stanley & Drachman 1983 Science 222:67, mouse): ~80 % are
stable (half-life 12.4 d) and ~20 % are degraded rapidly (18.7 h), like newly inserted receptors not
yet stabilised by the nerve. Synthesis and insertion balance degradation in health.

Three routes of injury by AChR antibodies act in parallel (Drachman 1994 NEJM 330:1797), each scaled
by the patient's weight for it and by the occupancy of the target,
``theta = L s a / (1 + L s a)`` (``L`` antibody load, ``s`` muscle-group susceptibility, ``a`` tissue
antibody relative to baseline):

1. **Blockade** of the ACh binding site: ``ach_site_block = w_block * theta``, a fraction of the
   receptors present that cannot bind ACh; within one EPP it acts like receptor loss.
2. **Antigenic modulation**: bivalent IgG cross-links neighbouring AChRs, which are internalised and
   degraded faster; the degradation rate of both pools is multiplied by
   ``1 + (MODULATION_MAX_FOLD - 1) * w_modulation * crosslinking * theta``: 2-3 times with
   bivalent antibody, ~1 with monovalent Fab or IgG4 (Kao & Drachman 1977 Science 196:527;
   Drachman et al. 1978 NEJM 298:1116).
3. **Complement**: IgG1/IgG3 on the fold crests fix C1q and the membrane-attack complex lyses the
   postsynaptic membrane, which is shed with its AChRs and its Na channels: folds simplify, the cleft
   widens, the Na-channel-rich troughs are lost (Engel et al. 1977 Mayo Clin Proc 52:267; Ruff &
   Lennon 2008 J Neuroimmunol 201-202:13). Lysis removes receptors at rate ``lambda`` and fold
   membrane ``M`` at the same rate, and folds regrow slowly. Fewer folds also leave less membrane
   for new receptors.

MuSK IgG4 (and LRP4 antibodies) block agrin-LRP4-MuSK signalling, so AChR clusters disperse
(receptors leave the junction at rate ``delta``) and fewer new receptors are clustered, with no
complement and no Na-channel loss (Koneczny et al. 2013 PLoS One 8:e80695). MuSK antibody also
displaces ColQ, lowering endplate AChE (Kawakami et al. 2011 Neurology 77:1819).

Integration
-----------
Over each step all rates are frozen and every pool decays exponentially toward its instantaneous
steady state (exact for constant rates). The linear recurrences are solved in blocks with cumulative
products in numpy, for all muscle groups at once. The antibody part (nonlinear, FcRn saturation) is
in :mod:`mgmodel.antibody`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.signal import lfilter

from . import antibody as ab
from ._checks import check_array, check_choice, check_int, check_number, check_rng
from .patients import MUSCLE_GROUPS, Patient, get_patient
from .therapy import IVIG_ANTI_IDIOTYPE_POTENCY, THERAPY_TYPES, therapy_effects

__all__ = [
    "ACHR_STABLE_HALF_LIFE_DAYS",
    "ACHR_RAPID_HALF_LIFE_DAYS",
    "ACHR_RAPID_POOL_FRACTION",
    "MODULATION_MAX_FOLD",
    "LYSIS_MAX_PER_DAY",
    "FOLD_REPAIR_HALF_LIFE_DAYS",
    "DISPERSAL_MAX_PER_DAY",
    "modulation_fold",
    "target_occupancy",
    "JunctionCourse",
    "simulate_junction",
    "GroupCourse",
    "SlowCourse",
    "DiseaseState",
    "simulate_disease",
]

LN2 = math.log(2.0)

ACHR_STABLE_HALF_LIFE_DAYS = 12.4
"""Half-life of the stable junctional AChR pool, days (Stanley & Drachman 1983: 8-13 d)."""
ACHR_RAPID_HALF_LIFE_DAYS = 18.7 / 24.0
"""Half-life of the rapidly turned-over junctional pool: 18.7 h (Stanley & Drachman 1983; ~1 d)."""
ACHR_RAPID_POOL_FRACTION = 0.20
"""Share of junctional AChRs in the rapid pool in health (Stanley & Drachman 1983)."""

MODULATION_MAX_FOLD = 3.0
"""Degradation rate relative to normal with all receptors bound by cross-linking antibody: MG IgG
speeds AChR degradation 2-3 fold (Kao & Drachman 1977 Science 196:527; Appel et al. 1977 PNAS
74:2130)."""

LYSIS_MAX_PER_DAY = 0.15
"""Rate of complement-mediated lysis of postsynaptic membrane with all targets bound by fully
complement-fixing antibody, 1/day. Soft; sets moderate-to-severe AChR MG at 20-40 % of normal
endplate AChR (Fambrough et al. 1973 Science 182:293; fit:Lysis in REFERENCES.md)."""

FOLD_REPAIR_HALF_LIFE_DAYS = 10.0
"""Half-time of regrowth of lost postsynaptic folds once lysis stops, days (soft: repair is slow,
weeks; endplates of chronic MG remain simplified)."""

FOLD_DEPENDENT_INSERTION = 0.5
"""Share of AChR insertion capacity that needs intact fold crests (soft)."""

NA_CHANNEL_FOLD_SHARE = 0.7
"""Share of endplate Na channels that sit in the fold troughs and are lost with the folds (soft;
Na channels are concentrated in the depths of the folds, Flucher & Daniels 1989 Neuron 3:163)."""

DISPERSAL_MAX_PER_DAY = 0.25
"""Rate at which AChRs leave the junction when MuSK signalling is fully blocked, 1/day (soft; MuSK
IgG4 passive transfer causes weakness within ~1-2 weeks, Klooster et al. 2012 Brain 135:1081)."""

CLUSTERING_INSERTION_LOSS = 0.5
"""Share of new receptors that fail to cluster at the junction when MuSK signalling is fully blocked
(soft)."""

_K_STABLE = LN2 / ACHR_STABLE_HALF_LIFE_DAYS
_K_RAPID = LN2 / ACHR_RAPID_HALF_LIFE_DAYS
_K_REPAIR = LN2 / FOLD_REPAIR_HALF_LIFE_DAYS
_PRODUCTION_NOISE_DAYS = 30.0


def target_occupancy(load, tissue_antibody=1.0, susceptibility=1.0):
    """Fraction of the target occupied: ``L s a / (1 + L s a)``."""
    x = (check_array("load", load, 0, None) * check_array("susceptibility", susceptibility, 0, None)
         * check_array("tissue_antibody", tissue_antibody, 0, None))
    return x / (1.0 + x)


def modulation_fold(occupancy, crosslinking=1.0, weight=1.0):
    """Factor by which antigenic modulation multiplies AChR degradation.

    Parameters
    ----------
    occupancy : float or ndarray
        Fraction of AChRs with antibody bound (0..1).
    crosslinking : float
        1 for bivalent IgG, 0 for monovalent Fab fragments or IgG4 after Fab-arm exchange.
    weight : float
        Share of the antibody that binds so as to cross-link (patient's ``w_modulation``).

    Returns
    -------
    float or ndarray
        1 (no acceleration) .. ``MODULATION_MAX_FOLD``.
    """
    occ = check_array("occupancy", occupancy, 0, 1)
    c = check_number("crosslinking", crosslinking, 0, 1)
    w = check_number("weight", weight, 0, 1)
    out = 1.0 + (MODULATION_MAX_FOLD - 1.0) * w * c * occ
    return float(out) if out.ndim == 0 else out


def _affine_recurrence(a, b, x0):
    """Solve x[i+1] = a[i] x[i] + b[i] (elementwise over trailing axes) by blocks of cumprods."""
    n = a.shape[0]
    x = np.empty((n + 1,) + a.shape[1:])
    x[0] = x0
    worst = float(-np.log(np.maximum(a.min(), 1e-300))) if n else 0.0
    block = int(max(1, min(128, 500.0 // max(worst, 1e-9))))
    for s in range(0, n, block):
        aa = a[s:s + block]
        p = np.cumprod(aa, axis=0)
        x[s + 1:s + 1 + aa.shape[0]] = p * (x[s] + np.cumsum(b[s:s + block] / p, axis=0))
    return x


@dataclass(frozen=True)
class JunctionCourse:
    """Endplate state per step and muscle group (arrays of shape (n_steps + 1, n_groups)).

    Attributes
    ----------
    achr_fraction : ndarray
        Receptors present (stable + rapid pool) relative to a healthy endplate, before the patient's
        genetic baseline is applied.
    stable, rapid : ndarray
        The two pools (healthy: 0.8 and 0.2).
    folds : ndarray
        Postsynaptic fold membrane relative to healthy (1 = intact).
    na_channel_fraction : ndarray
        Endplate Na channels relative to healthy.
    ach_site_block : ndarray
        Fraction of present receptors whose ACh site is blocked.
    ache_factor : ndarray
        Endplate AChE left by the antibody (ColQ displacement), relative to healthy.
    """

    achr_fraction: np.ndarray
    stable: np.ndarray
    rapid: np.ndarray
    folds: np.ndarray
    na_channel_fraction: np.ndarray
    ach_site_block: np.ndarray
    ache_factor: np.ndarray


def simulate_junction(dt_days, theta, *, patient, complement_potency=None, complement_block=None,
                      synthesis=1.0, initial="steady", modulation=None, lysis=None) -> JunctionCourse:
    """Integrate AChR pools and folds of each muscle group given the antibody occupancy over time.

    Parameters
    ----------
    dt_days : float
        Step, days.
    theta : ndarray, shape (n_steps + 1, n_groups)
        Occupancy of the target at each step start (see :func:`target_occupancy`).
    patient : Patient
        Supplies the route weights and the antibody's cross-linking.
    complement_potency : ndarray, optional
        Complement potency of the tissue antibody per step (default from the patient's subclasses).
    complement_block : ndarray, optional
        Fraction of MAC formation blocked per step (complement inhibitor).
    synthesis : float or ndarray
        AChR synthesis relative to normal per step (1; set to 0 for a turnover experiment).
    initial : "steady" or "healthy"
        Start from the untreated steady state of the first step's antibody (no complement block),
        or from a healthy endplate.
    modulation : float, optional
        Degradation fold of the receptors (1..``MODULATION_MAX_FOLD``) replacing the patient's
        ``1 + (MODULATION_MAX_FOLD - 1) w_modulation crosslinking theta`` (from
        :func:`mixture_effect`).
    lysis : float, optional
        Complement activation (0..1) replacing the patient's ``w_complement * theta`` (from
        :func:`mixture_effect`).
    """
    dt = check_number("dt_days", dt_days, 0, 1, lo_open=True, unit="days")
    theta = check_array("theta", theta, 0, 1, hi_open=True)
    if theta.ndim == 1:
        theta = theta[:, None]
    if theta.ndim != 2 or theta.shape[0] < 2:
        raise ValueError(f"theta must have shape (n_steps + 1, n_groups) with n_steps >= 1; got {theta.shape}")
    if not isinstance(patient, Patient):
        raise ValueError(f"patient must be a Patient; got {patient!r}")
    check_choice("initial", initial, ("steady", "healthy"))
    n = theta.shape[0] - 1

    def series(name, x, default):
        arr = np.full(n + 1, default) if x is None else check_array(name, x, 0, 1)
        if arr.shape not in ((), (n + 1,)):
            raise ValueError(f"{name} must have {n + 1} values (one per step); got shape {arr.shape}")
        return np.broadcast_to(arr, (n + 1,))

    if complement_potency is None:
        p1, p3 = patient.complement_potency
        f3 = patient.igg3_fraction
        complement_potency = p1 * (1.0 - f3) + p3 * f3
    pot = series("complement_potency", complement_potency, 0.0)
    cblock = series("complement_block", complement_block, 0.0)
    syn = np.broadcast_to(check_array("synthesis", synthesis, 0, 10), (n + 1,))[:, None]

    attack = (patient.w_complement * theta if lysis is None
              else np.full_like(theta, check_number("lysis", lysis, 0, 1)))
    lam = LYSIS_MAX_PER_DAY * pot[:, None] * attack * (1.0 - cblock[:, None])
    mod = (1.0 + (MODULATION_MAX_FOLD - 1.0) * patient.w_modulation * patient.crosslinking * theta
           if modulation is None
           else np.full_like(theta, check_number("modulation", modulation, 1, MODULATION_MAX_FOLD)))
    disp = DISPERSAL_MAX_PER_DAY * patient.w_clustering * theta
    cluster_ins = 1.0 - CLUSTERING_INSERTION_LOSS * patient.w_clustering * theta

    # folds: dM/dt = k_rep (1 - M) - lam M
    k_m = _K_REPAIR + lam
    m_inf = _K_REPAIR / k_m
    a_m = np.exp(-k_m * dt)
    # the steady state before treatment: first step's antibody, no complement block
    lam0 = LYSIS_MAX_PER_DAY * pot[0] * attack[0]
    m0 = _K_REPAIR / (_K_REPAIR + lam0) if initial == "steady" else np.ones(theta.shape[1])
    folds = _affine_recurrence(a_m[:-1], (m_inf * (1.0 - a_m))[:-1], m0)

    m_mid = 0.5 * (folds[:-1] + folds[1:])
    ins = syn[:-1] * (1.0 - FOLD_DEPENDENT_INSERTION * (1.0 - m_mid)) * cluster_ins[:-1]
    out = []
    for k_base, share in ((_K_STABLE, 1.0 - ACHR_RAPID_POOL_FRACTION), (_K_RAPID, ACHR_RAPID_POOL_FRACTION)):
        k = mod * k_base + lam + disp
        a = np.exp(-k[:-1] * dt)
        r_inf = share * k_base * ins / k[:-1]
        if initial == "steady":
            ins0 = syn[0] * (1.0 - FOLD_DEPENDENT_INSERTION * (1.0 - m0)) * cluster_ins[0]
            x0 = share * k_base * ins0 / (mod[0] * k_base + lam0 + disp[0])
        else:
            x0 = np.full(theta.shape[1], share)
        out.append(_affine_recurrence(a, r_inf * (1.0 - a), x0))
    stable, rapid = out
    achr = stable + rapid
    na = 1.0 - NA_CHANNEL_FOLD_SHARE * (1.0 - folds)
    block = patient.w_block * theta
    ache = 1.0 - patient.w_ache_anchor * theta
    return JunctionCourse(achr, stable, rapid, folds, na, block, ache)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


def _frozen(x):
    x = np.ascontiguousarray(x, dtype=float)
    x.setflags(write=False)
    return x


@dataclass(frozen=True)
class GroupCourse:
    """Endplate state of one muscle group, one value per day.

    Attributes
    ----------
    achr_fraction, na_channel_fraction, ach_site_block, ache_activity : ndarray
        As in :class:`SlowCourse`, for this muscle group.
    """

    achr_fraction: np.ndarray
    na_channel_fraction: np.ndarray
    ach_site_block: np.ndarray
    ache_activity: np.ndarray


@dataclass(frozen=True)
class SlowCourse:
    """The slow (days-months) course of one patient: one value per day from day 0 to ``days``.

    Antibody and endplate values at day d are the state in the morning of day d, before that day's
    sessions and doses (a plasma exchange on day 0 shows from day 1). The drug-level arrays
    (``ache_activity``, ``ache_activity_min``, ``fcrn_occupancy``, ``complement_block``,
    ``b_cells``, ``drive``) describe the whole of day d.

    The top-level endplate arrays are those of limb muscle. ``by_group`` holds the four muscle
    groups with this patient's own distribution of injury (``Patient.muscle_susceptibility``); what
    is intrinsic to a muscle and common to all patients (:mod:`mgmodel.muscles`) is not included
    and should be applied on top, once.

    Attributes
    ----------
    t_days : ndarray
        Days 0, 1, ..., days.
    total_igg : ndarray
        Plasma total IgG (endogenous + infused) relative to the patient's baseline.
    pathogenic_igg : ndarray
        Plasma pathogenic IgG relative to the patient's baseline (0 if there is none; for the
        neonate, relative to the level at birth).
    albumin : ndarray
        Plasma albumin relative to baseline.
    achr_fraction : ndarray
        AChR present at limb endplates relative to a healthy endplate, in (0, 1.5]. Receptors whose
        ACh site is blocked are still counted here; the blocked share is ``ach_site_block``, so the
        receptors that can respond are ``achr_fraction * (1 - ach_site_block)``.
    na_channel_fraction : ndarray
        Endplate Na channels of limb endplates relative to healthy, in (0, 1].
    ach_site_block : ndarray
        Fraction of present receptors with the ACh site blocked by antibody, in [0, 1).
    ache_activity : ndarray
        Endplate AChE activity relative to healthy (1), daily mean over waking hours; lowered by
        pyridostigmine, by MuSK antibody (ColQ) and in COLQ deficiency.
    ache_activity_min : ndarray
        Lowest AChE activity of the day (at the peaks of pyridostigmine).
    production : ndarray
        Pathogenic antibody production relative to baseline.
    fcrn_occupancy, complement_block, b_cells, drive : ndarray
        Therapy mechanisms per day (see :mod:`mgmodel.therapy`).
    by_group : mapping of str -> GroupCourse
        Endplate state for each of :data:`mgmodel.patients.MUSCLE_GROUPS`; the top-level endplate
        arrays are those of ``"limb"``.
    therapy_intervals : tuple of (str, float, float)
        (label, start_day, end_day) of each therapy, for plotting bars.
    patient : Patient
        The patient simulated.
    """

    t_days: np.ndarray
    total_igg: np.ndarray
    pathogenic_igg: np.ndarray
    albumin: np.ndarray
    achr_fraction: np.ndarray
    na_channel_fraction: np.ndarray
    ach_site_block: np.ndarray
    ache_activity: np.ndarray
    ache_activity_min: np.ndarray
    production: np.ndarray
    fcrn_occupancy: np.ndarray
    complement_block: np.ndarray
    b_cells: np.ndarray
    drive: np.ndarray
    by_group: MappingProxyType
    therapy_intervals: tuple
    patient: Patient


DiseaseState = SlowCourse
"""Alias of :class:`SlowCourse`."""


def _check_dt(dt_days):
    dt = check_number("dt_days", dt_days, 0, 1, lo_open=True, unit="days")
    per_day = 1.0 / dt
    if abs(per_day - round(per_day)) > 1e-6:
        raise ValueError(f"dt_days must divide one day evenly (1, 0.5, 0.25, ...); got {dt:g}")
    return 1.0 / round(per_day), int(round(per_day))


def _check_therapies(therapies):
    if isinstance(therapies, THERAPY_TYPES):
        therapies = (therapies,)
    try:
        items = tuple(therapies)
    except TypeError:
        raise ValueError(
            f"therapies must be a sequence of therapy objects ({', '.join(t.__name__ for t in THERAPY_TYPES)}); "
            f"got {therapies!r}"
        ) from None
    for th in items:
        if not isinstance(th, THERAPY_TYPES):
            raise ValueError(
                f"therapies must contain only therapy objects ({', '.join(t.__name__ for t in THERAPY_TYPES)}); "
                f"got {th!r}"
            )
    return items


def _production_noise(rng, cv, n, dt):
    if cv <= 0.0:
        return None
    a = math.exp(-dt / _PRODUCTION_NOISE_DAYS)
    z = rng.standard_normal(n + 1)
    # stationary AR(1) (discretised Ornstein-Uhlenbeck) with unit variance, started in equilibrium
    x = np.empty(n + 1)
    x[0] = z[0]
    if n:
        x[1:], _ = lfilter([math.sqrt(1.0 - a * a)], [1.0, -a], z[1:], zi=[a * z[0]])
    sigma = math.sqrt(math.log1p(cv * cv))
    return np.exp(sigma * x - 0.5 * sigma * sigma)


def simulate_disease(patient, days, therapies=(), *, rng=None, dt_days=1.0, production_cv=0.0) -> SlowCourse:
    """Simulate antibodies, receptors and folds of one patient over days to months.

    Parameters
    ----------
    patient : Patient or str
        A :class:`~mgmodel.patients.Patient` or an archetype name in
        :data:`mgmodel.patients.PATIENTS`.
    days : int
        Length of the course, days (1-36500); results have ``days + 1`` daily samples.
    therapies : sequence of therapy objects
        From :mod:`mgmodel.therapy`, e.g. ``(PlasmaExchange(10), Prednisone(0))``.
    rng : None, int or numpy.random.Generator
        Only used when ``production_cv > 0``. ``None`` means seed 0 (reproducible).
    dt_days : float
        Integration step, days; must divide one day (1, 0.5, 0.25, ...). The exponential integrator
        is exact for constant rates, so 1 day is accurate; events (sessions, doses) fall on the first
        step at or after their time.
    production_cv : float
        Day-to-day variability of antibody production (coefficient of variation of a slow random
        fluctuation with a 30-day correlation time), 0-1. 0 (default) gives a deterministic course.

    Returns
    -------
    SlowCourse
        Daily arrays; see :class:`SlowCourse`.

    Raises
    ------
    ValueError
        For an unknown patient name, a non-integer or negative ``days``, a bad step, a therapy that
        is not a therapy object, or a bad ``rng``; the message names the parameter, its value and
        the valid range.
    """
    p = get_patient(patient)
    n_days = check_int("days", days, 1, 36500)
    dt, per_day = _check_dt(dt_days)
    items = _check_therapies(therapies)
    cv = check_number("production_cv", production_cv, 0, 1)
    gen = check_rng(rng)

    n = n_days * per_day
    t = np.arange(n + 1) * dt
    eff = therapy_effects(items, t, dt, p)

    # antibody production by plasma cells
    noise = _production_noise(gen, cv, n, dt)
    if p.production_rel > 0:
        production = p.production_rel * ab.plasma_cell_output(
            eff["drive"], eff["b_cells"], p.long_lived_fraction, dt, noise
        )
    else:
        production = np.zeros(n + 1)

    if p.infant:
        growth = LN2 / ab.INFANT_WEIGHT_DOUBLING_DAYS
        total_prod = 1.0 - np.exp(-t / ab.INFANT_SYNTHESIS_RAMP_DAYS)
    else:
        growth = 0.0
        total_prod = None

    course = ab.simulate_antibodies(
        n, dt,
        pathogenic_production=production,
        pathogenic_initial=1.0 if p.has_antibody else 0.0,
        igg3_fraction=p.igg3_fraction,
        subclass_potency=p.complement_potency,
        total_production=total_prod,
        fcrn_occupancy=eff["fcrn_occupancy"],
        ivig_dose_rel=eff["ivig_g_per_kg"] / ab.IGG_BODY_POOL_G_PER_KG,
        plex_remaining=eff["plex_remaining"],
        growth_rate_per_day=growth,
    )

    # antibody at the endplate, neutralised in part by IVIG in the tissue
    tissue = course.pathogenic_tissue / (1.0 + IVIG_ANTI_IDIOTYPE_POTENCY * course.ivig_tissue)
    sus = np.asarray(p.muscle_susceptibility)
    theta = target_occupancy(p.antibody_load, tissue[:, None], sus[None, :])
    jn = simulate_junction(dt, theta, patient=p, complement_potency=course.complement_potency,
                           complement_block=eff["complement_block"])

    # daily samples
    idx = np.arange(0, n + 1, per_day)
    achr = np.clip(jn.achr_fraction[idx] * p.baseline_achr_fraction, 1e-6, 1.5)
    na = np.clip(jn.na_channel_fraction[idx] * p.baseline_na_channel_fraction, 1e-6, 1.0)
    block = np.clip(jn.ach_site_block[idx], 0.0, 0.999)
    inh_mean = eff["ache_inhibition"][idx][:, None]
    inh_peak = eff["ache_inhibition_peak"][idx][:, None]
    ache_base = p.baseline_ache_activity * jn.ache_factor[idx]
    ache = ache_base * (1.0 - inh_mean)
    ache_min = ache_base * (1.0 - inh_peak)

    groups = {}
    for j, g in enumerate(MUSCLE_GROUPS):
        groups[g] = GroupCourse(_frozen(achr[:, j]), _frozen(na[:, j]), _frozen(block[:, j]), _frozen(ache[:, j]))
    limb = MUSCLE_GROUPS.index("limb")
    intervals = tuple(th.interval(float(n_days)) for th in items)

    return SlowCourse(
        t_days=_frozen(t[idx]),
        total_igg=_frozen(course.total_igg[idx]),
        pathogenic_igg=_frozen(course.pathogenic_igg[idx]),
        albumin=_frozen(course.albumin[idx]),
        achr_fraction=groups["limb"].achr_fraction,
        na_channel_fraction=groups["limb"].na_channel_fraction,
        ach_site_block=groups["limb"].ach_site_block,
        ache_activity=groups["limb"].ache_activity,
        ache_activity_min=_frozen(ache_min[:, limb]),
        production=_frozen(production[idx]),
        fcrn_occupancy=_frozen(eff["fcrn_occupancy"][idx]),
        complement_block=_frozen(eff["complement_block"][idx]),
        b_cells=_frozen(eff["b_cells"][idx]),
        drive=_frozen(eff["drive"][idx]),
        by_group=MappingProxyType(groups),
        therapy_intervals=intervals,
        patient=p,
    )
