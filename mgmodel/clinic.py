"""From the slow disease to what the patient feels: strength, MG-ADL score and crisis, day by day.

:func:`simulate_course` couples the slow floor (:func:`mgmodel.disease.simulate_disease`: antibodies,
receptors, folds, drugs over days to months) to the fast floors (endplate, safety factor, fibre
populations) at every day:

1. The disease sets each muscle group's endplate state: AChR present and blocked, fold membrane
   with its Na channels, AChE activity. Chronic loss of receptors raises the quantal content
   (presynaptic compensation, :func:`mgmodel.parameters.compensated_quantal_content`).
2. Strength of a group is an **expectation over its fibre population**, not a draw: a large fixed
   sample of :data:`FIBRE_SAMPLE_SIZE` fibres per group (:func:`fibre_sample`, drawn once with its
   own fixed seed and shared by every patient) is put in the group's state
   (:func:`mgmodel.population.apply_disease`), and each fibre's EPP is taken from the fast path for
   the quanta released during sustained use: the plateau of the rundown at the group's own firing
   rate through the group's own nerve terminal (:func:`mgmodel.presynaptic.relative_release` with
   :attr:`mgmodel.muscles.MuscleProfile.terminal`, mean over a 2-s burst; the ocular terminal,
   which recycles faster, keeps 0.93 of its rested release at 150 Hz where a limb terminal would
   keep 0.67). Severity and crisis
   are therefore properties of the patient, not of a seed (the sampling error of the mean strength
   is below 0.01).
3. A fibre fires with probability ``Φ((EPP - gap) / σ)``, where σ is the impulse-to-impulse
   spread of its EPP from binomial release and quantal size (``CV² = (1 - p + CV_q²) / m``; del
   Castillo & Katz 1954; CV_q = 0.3, Katz & Miledi 1972). **Strength** of a group is the
   force-weighted fraction of fibres firing (force ∝ fibre cross-section), relative to the same
   group of a healthy person (:func:`healthy_strength`), as the clinical scales score function
   against normal (relative strength keeps a healthy person at 1 in every group).
4. **Cholinergic (depolarizing) block** is not a rule here: it is read from the endplate's own
   train physiology (:func:`cholinergic_block`). For each group, part of its fixed fibre sample
   is driven by a :data:`BLOCK_TRAIN_S` train at the group's own firing rate through its own
   terminal (:func:`mgmodel.postsynaptic.postsynaptic_train`), at each AChE activity of
   :data:`BLOCK_ACHE_GRID`: with AChE inhibited the EPPs outlast the interval between impulses and
   sum into a lasting depolarization, which desensitizes receptors and inactivates the Na channels
   until the impulse can no longer leave the endplate (:func:`mgmodel.safety.propagates`). The
   share of force lost in the second half of the train is the group's block at that activity,
   and strength is multiplied by ``1 - block`` at the day's deepest AChE activity. The curve is
   computed for healthy receptors (block and myasthenic weakness are combined as independent
   losses; modelling choice). Because block needs the EPPs to sum, it follows the firing rate:
   the eye muscles (tonic ~150 Hz) block when about 80 % of AChE is inhibited, the bulbar muscles
   (30 Hz) only at about 99 %, a limb (20 Hz) or the diaphragm (12 Hz) only when AChE is
   essentially gone. Clinically, cholinergic weakness is expected beyond ~80 % (erythrocyte) AChE
   inhibition (``therapy.DEPOLARIZING_BLOCK_INHIBITION``; drug labels, Breyer-Pfaff et al. 1985):
   the model reaches it in the eye muscles but needs more inhibition for the limbs, a difference
   its note and ``docs/validation.md`` record.

Clinical readout
----------------
**MG-ADL** (Wolfe et al. 1999): eight items scored 0-3, total 0-24. Each item is scored from the
weakness ``w = 1 - strength`` of the muscle group that serves it:
talking, chewing, swallowing <- bulbar; breathing <- respiratory; brushing teeth or combing hair,
rising from a chair <- limb; double vision, eyelid droop <- ocular. Score 0 for w < 0.25,
1 for w < 0.50, 2 for w < 0.75, 3 otherwise. The cut-offs are a modelling choice: daily activities
use well under half of a muscle's maximal force, so function is lost only after much of the
force is (the item anchors are "normal", "mild", "moderate", "severe/unable"). The trials
(:mod:`mgmodel.trials.outcomes`) add item-level noise and day-to-day fluctuation on top.

**Crisis** is an event, an episode of respiratory failure: it starts on the day respiratory
strength falls below :data:`CRISIS_STRENGTH` (0.30) and lasts until it has recovered to
:data:`CRISIS_RECOVERY_STRENGTH` (0.40), so a patient near the line does not flicker in and out.
Forced vital capacity scales with inspiratory muscle strength; intubation is considered when it
falls below ~20 mL/kg, about 30 % of a normal ~65-70 mL/kg, and weaning when it is back above
~25 mL/kg (the "20/30/40 rule"; Lacomis 2005, Neurocrit Care 3:189). Crises are usually
*triggered*: infection is the most common precipitant (38 % of crises, Thomas et al. 1997
Neurology 48:1253). An :class:`Infection` passed in ``events`` lowers the strength of every group
for its duration (fever and systemic illness lower the margin of transmission; modelling choice
for the size, :data:`INFECTION_STRENGTH_LOSS`); each episode records what triggered it.

**Cholinergic side effects**: nicotinic (fasciculations, cramps) and muscarinic (diarrhoea,
sweating) effects of AChE inhibitors grow with how little AChE is left at the day's deepest. In
MuSK MG the antibody has already displaced part of the endplate AChE (ColQ; Kawakami et al. 2011
Neurology 77:1819), so a standard dose leaves less and patients tolerate it poorly (Evoli et al.
2003 Brain 126:2304; Punga et al. 2006 Muscle Nerve 34:111). ``cholinergic_side_effects`` flags days
whose AChE activity at the deepest is below :data:`CHOLINERGIC_SIDE_EFFECT_ACTIVITY`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.special import ndtr

from ._checks import check_array, check_int, check_number, check_rng
from .disease import SlowCourse, simulate_disease
from .fastpath import epp_table
from .muscles import get_muscle
from .parameters import HUMAN, compensated_quantal_content
from .patients import MUSCLE_GROUPS, get_patient
from .population import apply_disease, draw_fibres
from .postsynaptic import postsynaptic_train
from .presynaptic import PRESYNAPTIC, relative_release
from .safety import threshold_gap_mV
from .therapy import Pyridostigmine

__all__ = ["CourseResult", "simulate_course", "MG_ADL_ITEMS", "CRISIS_STRENGTH", "CRISIS_RECOVERY_STRENGTH",
           "Infection", "adl_item_score", "mean_strength", "group_strength", "fibre_sample",
           "FIBRE_SAMPLE_SIZE", "healthy_strength", "CHOLINERGIC_SIDE_EFFECT_ACTIVITY", "transient_worsening",
           "strength_over_days", "DAY_SAMPLING_TOL", "DAY_SAMPLING_STEP", "cholinergic_block",
           "BLOCK_ACHE_GRID", "BLOCK_TRAIN_S", "BLOCK_FIBRES"]

#: MG-ADL items and the muscle group that serves each (Wolfe et al. 1999).
MG_ADL_ITEMS = MappingProxyType({
    "talking": "bulbar", "chewing": "bulbar", "swallowing": "bulbar", "breathing": "respiratory",
    "brushing teeth or combing hair": "limb", "rising from a chair": "limb",
    "double vision": "ocular", "eyelid droop": "ocular",
})
#: Weakness cut-offs for item scores 1, 2 and 3 (modelling choice; see the module docstring).
ADL_CUTOFFS = (0.25, 0.50, 0.75)
#: Respiratory strength below which a myasthenic crisis starts (Lacomis 2005).
CRISIS_STRENGTH = 0.30
#: Respiratory strength at which a crisis ends (weaning, vital capacity ~25 mL/kg; Lacomis 2005).
CRISIS_RECOVERY_STRENGTH = 0.40
#: Coefficient of variation of the quantal size (MEPP amplitude), Katz & Miledi 1972.
QUANTAL_SIZE_CV = 0.3
#: Fibres in the fixed sample per muscle group over which strength is averaged.
FIBRE_SAMPLE_SIZE = 512
#: Seed of the fixed fibre sample (one sample shared by every patient and every call).
FIBRE_SAMPLE_SEED = 1954
#: Length of the burst of sustained use whose mean release sets strength, s.
BURST_S = 2.0
#: AChE activities (fraction of normal) at which each group's cholinergic block is computed;
#: :func:`cholinergic_block` interpolates between them (dense where the block sets in).
BLOCK_ACHE_GRID = (0.0, 0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05,
                   0.06, 0.08, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3, 0.4, 0.6, 1.0)
#: Length of the train of sustained use from which the cholinergic block is read, s.
BLOCK_TRAIN_S = 0.5
#: Fibres of each group's fixed sample driven by that train (the first ones of the sample).
BLOCK_FIBRES = 128
#: AChE activity (fraction of normal) at the day's deepest below which cholinergic side effects
#: appear (modelling choice between the therapeutic 50-80 % and the ~20 % at which the eye muscles block).
CHOLINERGIC_SIDE_EFFECT_ACTIVITY = 0.5
#: Fractional loss of strength at the height of an infection of severity 1 (modelling choice).
INFECTION_STRENGTH_LOSS = 0.5


@dataclass(frozen=True)
class Infection:
    """An intercurrent infection: the commonest trigger of myasthenic crisis (Thomas et al. 1997).

    For ``duration_days`` from ``start_day`` the strength of every muscle group is multiplied by
    ``1 - INFECTION_STRENGTH_LOSS * severity * sin(pi * s / duration)`` (``s`` days into the
    illness): worst in the middle, gone at the end.

    Parameters
    ----------
    start_day : float
        First day of the illness (>= 0).
    duration_days : float
        Length of the illness, days (1-60).
    severity : float
        0 (none) to 1 (a severe febrile illness such as pneumonia).
    """

    start_day: float = 0.0
    duration_days: float = 10.0
    severity: float = 1.0

    label = "infection"

    def __post_init__(self):
        object.__setattr__(self, "start_day", check_number("start_day", self.start_day, 0, None, unit="days"))
        object.__setattr__(self, "duration_days",
                           check_number("duration_days", self.duration_days, 1, 60, unit="days"))
        object.__setattr__(self, "severity", check_number("severity", self.severity, 0, 1))

    def strength_factor(self, t_days):
        """Multiplier of strength (<= 1) on the days ``t_days``."""
        s = np.asarray(t_days, float) - self.start_day
        on = (s >= 0) & (s <= self.duration_days)
        bump = np.where(on, np.sin(np.pi * np.clip(s, 0, self.duration_days) / self.duration_days), 0.0)
        return 1.0 - INFECTION_STRENGTH_LOSS * self.severity * bump


@dataclass(frozen=True)
class CourseResult:
    """A patient's course: disease, endplates and clinical readout, one value per day.

    Attributes
    ----------
    t_days : ndarray
        Days 0 ... ``days``.
    total_igg, pathogenic_igg, albumin : ndarray
        Relative to the patient's baseline (see :class:`mgmodel.disease.SlowCourse`).
    achr_fraction, na_channel_fraction, ache_activity : ndarray
        Limb endplate state: AChR present, fold/Na fraction, AChE activity (daily mean).
    safety_factor : mapping str -> ndarray
        Safety factor of the typical (median) endplate of each muscle group at a rested impulse.
    strength : mapping str -> ndarray
        Force-weighted fraction of fibres firing during sustained use, per muscle group, 0-1.
    mg_adl_items : mapping str -> ndarray
        The eight MG-ADL item scores (0-3) per day.
    mg_adl : ndarray
        Model MG-ADL total, 0-24 (int).
    crisis : ndarray of bool
        Inside an episode of crisis (see the module docstring).
    crisis_episodes : tuple of (start_day, end_day, trigger)
        Each episode; ``end_day`` is None if it lasts to the end; ``trigger`` is the label of the
        event active when it began ("infection") or "disease".
    cholinergic_side_effects : ndarray of bool
        Days on an AChE inhibitor with cholinergic side effects (see the module docstring).
    therapy_intervals : tuple
        (label, start_day, end_day) of each therapy.
    patient : Patient
    disease : SlowCourse
        Everything the slow floor computed.
    """

    t_days: np.ndarray
    total_igg: np.ndarray
    pathogenic_igg: np.ndarray
    albumin: np.ndarray
    achr_fraction: np.ndarray
    na_channel_fraction: np.ndarray
    ache_activity: np.ndarray
    safety_factor: MappingProxyType
    strength: MappingProxyType
    mg_adl_items: MappingProxyType
    mg_adl: np.ndarray
    crisis: np.ndarray
    crisis_episodes: tuple
    cholinergic_side_effects: np.ndarray
    therapy_intervals: tuple
    patient: object
    disease: SlowCourse

    def summary(self, day=None) -> dict:
        """The readout at one day (default: the last) as plain numbers."""
        i = -1 if day is None else int(np.clip(np.searchsorted(self.t_days, day), 0, len(self.t_days) - 1))
        return dict(day=float(self.t_days[i]), mg_adl=int(self.mg_adl[i]), crisis=bool(self.crisis[i]),
                    pathogenic_igg=float(self.pathogenic_igg[i]), achr_fraction=float(self.achr_fraction[i]),
                    **{f"strength_{g}": float(self.strength[g][i]) for g in MUSCLE_GROUPS},
                    **{f"sf_{g}": float(self.safety_factor[g][i]) for g in MUSCLE_GROUPS})


def adl_item_score(weakness):
    """MG-ADL item score (0-3) from weakness ``1 - strength`` (vectorized)."""
    return np.searchsorted(np.asarray(ADL_CUTOFFS), np.asarray(weakness, float), side="right")


@functools.lru_cache(maxsize=16)
def _sustained_release(group):
    """Mean quantal content over a burst of sustained use of ``group``, relative to rested.

    The burst runs at the group's own firing rate through the group's own nerve terminal
    (:attr:`mgmodel.muscles.MuscleProfile.terminal`: the ocular terminal recycles faster).
    """
    prof = get_muscle(group)
    rate_hz = prof.firing_rate_hz
    n = max(2, int(round(BURST_S * rate_hz)))
    return float(np.mean(relative_release(rate_hz, n, prof.terminal)))


@functools.lru_cache(maxsize=8)
def fibre_sample(group):
    """The fixed sample of fibres of one muscle group (read-only arrays; see the module docstring)."""
    prof = get_muscle(group)
    seed = FIBRE_SAMPLE_SEED + MUSCLE_GROUPS.index(prof.name) if prof.name in MUSCLE_GROUPS else FIBRE_SAMPLE_SEED
    draws = draw_fibres(FIBRE_SAMPLE_SIZE, prof, np.random.default_rng(seed))
    for v in draws.values():
        v.setflags(write=False)
    return draws


@functools.lru_cache(maxsize=8)
def healthy_strength(group):
    """Force-weighted fraction of fibres firing in sustained use in a healthy person (0-1)."""
    return float(_absolute_strength(group, np.ones(1), np.ones(1), np.zeros(1), np.ones(1), np.ones(1))[1][0])


@functools.lru_cache(maxsize=8)
def _block_curve(group):
    """Share of the group's force lost to cholinergic block at each AChE activity of the grid."""
    prof = get_muscle(group)
    table = epp_table(HUMAN)
    draws = {k: v[:BLOCK_FIBRES] for k, v in fibre_sample(prof.name).items()}
    f_achr, f_na, gap, quanta = apply_disease(draws, prof, HUMAN, 1.0, 1.0, HUMAN.quantal_content)
    rate = prof.firing_rate_hz
    n = max(4, int(round(BLOCK_TRAIN_S * rate)))
    times = np.arange(n) * 1000.0 / rate
    q = quanta[:, None] * relative_release(rate, n, prof.terminal)[None, :]
    w = draws["diameter"] ** 2
    kept = []
    for a in BLOCK_ACHE_GRID:
        tr = postsynaptic_train(table, f_achr, q, times, ache_activity=a, na_channel_fraction=f_na,
                                cap_scale=draws["capacitance_scale"], threshold_gap_mV=gap,
                                with_latency=False)
        kept.append(float(tr.fires[:, n // 2:].mean(axis=1) @ w / w.sum()))
    kept = np.array(kept)
    return np.clip(1.0 - kept / kept[-1], 0.0, 1.0)


def cholinergic_block(group, ache_activity):
    """Share of a muscle group's force lost to cholinergic (depolarizing) block in sustained use.

    Read from the endplate's train physiology at the group's own firing rate (see the module
    docstring, item 4), interpolated over :data:`BLOCK_ACHE_GRID`.

    Parameters
    ----------
    group : str
        One of :data:`mgmodel.patients.MUSCLE_GROUPS`.
    ache_activity : float or ndarray
        AChE activity at the endplate, fraction of normal, [0, 1].

    Returns
    -------
    ndarray
        0 (no block) to 1 (every fibre blocked), of the shape of ``ache_activity``.

    Examples
    --------
    >>> float(cholinergic_block("limb", 1.0))
    0.0
    """
    prof = get_muscle(group)
    a = check_array("ache_activity", ache_activity, 0, 1)
    return np.interp(a, BLOCK_ACHE_GRID, _block_curve(prof.name))


def group_strength(group, achr_fraction, na_channel_fraction, ach_site_block=0.0, ache_activity=1.0,
                   ache_activity_min=None):
    """Safety factor of the median endplate and strength of one muscle group, for any array shape.

    Parameters
    ----------
    group : str
        One of :data:`mgmodel.patients.MUSCLE_GROUPS`.
    achr_fraction, na_channel_fraction : float or ndarray
        AChR present and fold/Na channel fraction of the group's median endplate (0-1.5, 0-1).
    ach_site_block : float or ndarray
        Fraction of present receptors with the ACh site blocked (0-1).
    ache_activity : float or ndarray
        AChE activity, daily mean (0-1).
    ache_activity_min : float or ndarray, optional
        AChE activity at the day's deepest (default ``ache_activity``); sets the cholinergic block.

    Returns
    -------
    (ndarray, ndarray)
        Safety factor of the median endplate at a rested impulse, and strength relative to a
        healthy person (0-1), both of the broadcast shape of the inputs. Vectorized over the fixed
        fibre sample.
    """
    prof = get_muscle(group)
    achr = check_array("achr_fraction", achr_fraction, 0, 1.5)
    na = check_array("na_channel_fraction", na_channel_fraction, 0, 1)
    block = check_array("ach_site_block", ach_site_block, 0, 1)
    ache = check_array("ache_activity", ache_activity, 0, 1)
    ache_min = ache if ache_activity_min is None else check_array("ache_activity_min", ache_activity_min, 0, 1)
    achr, na, block, ache, ache_min = np.broadcast_arrays(achr, na, block, ache, ache_min)
    shape = achr.shape
    sf, strength = _absolute_strength(prof.name, *(np.ravel(x) for x in (achr, na, block, ache, ache_min)))
    strength = np.minimum(strength / healthy_strength(prof.name), 1.0)
    return sf.reshape(shape), strength.reshape(shape)


def _absolute_strength(group, achr, na, block, ache, ache_min):
    """Safety factor and absolute strength for 1-D state arrays (see :func:`group_strength`)."""
    prof = get_muscle(group)
    table = epp_table(HUMAN)
    draws = fibre_sample(prof.name)
    m_day = compensated_quantal_content(achr, HUMAN.quantal_content)

    # the median endplate of the group (safety factor at a rested impulse; column 0) and the fixed
    # sample of fibres in sustained use (the other columns), in one table lookup
    med_na = np.clip(prof.fold_fraction * na, 1e-12, 1.0)
    f_achr, f_na, gap, quanta = apply_disease(draws, prof, HUMAN, achr[:, None], na[:, None], m_day[:, None])
    m_eff = quanta * _sustained_release(prof.name) / draws["capacitance_scale"]
    both = table.peak_mV(np.concatenate([(achr * (1.0 - block))[:, None], f_achr * (1.0 - block[:, None])], axis=1),
                         np.concatenate([(m_day * prof.quantal_content_scale)[:, None], m_eff], axis=1),
                         ache[:, None], np.concatenate([med_na[:, None], f_na], axis=1))
    sf = both[:, 0] / threshold_gap_mV(med_na, HUMAN)
    epp = both[:, 1:]
    cv = np.sqrt((1.0 - PRESYNAPTIC.release_probability + QUANTAL_SIZE_CV ** 2) / np.maximum(m_eff, 1e-9))
    p_fire = ndtr((epp - gap) / np.maximum(epp * cv, 1e-9))
    w = draws["diameter"] ** 2
    strength = (p_fire @ w / w.sum()) * (1.0 - cholinergic_block(prof.name, ache_min))
    return sf, strength


#: Tolerances of the adaptive day sampling of :func:`strength_over_days`: strength (absolute),
#: safety factor (relative) and endplate state (absolute, fractions of normal).
DAY_SAMPLING_TOL = 5e-3
#: Spacing of the first days evaluated by :func:`strength_over_days`, days.
DAY_SAMPLING_STEP = 32
#: Endplate states already evaluated, per muscle group: state bytes -> (safety factor, strength).
#: A slider that moves one therapy's start day leaves the days before it as they were.
_STATE_MEMO = {}
_STATE_MEMO_SIZE = 50_000


def strength_over_days(group, achr_fraction, na_channel_fraction, ach_site_block, ache_activity,
                       ache_activity_min, factor=1.0, *, tol=DAY_SAMPLING_TOL):
    """:func:`group_strength` along a daily course, evaluated only on the days it needs.

    The slow floor changes over days to weeks, while each evaluation costs a pass over the fixed
    fibre sample, so the days are sampled adaptively: every :data:`DAY_SAMPLING_STEP` days first,
    then an interval is halved until (a) the endplate state on every day inside it lies within
    ``tol`` of the straight line between its ends (catches short pulses between samples) and (b)
    strength and safety factor at its middle day lie within ``tol`` (absolute; relative for the
    safety factor) of the straight line. Days between samples are interpolated linearly. Days whose
    interpolated ``strength * factor`` lies within ``2 tol`` of an MG-ADL cut-off or a crisis line
    are then evaluated exactly, so item scores and crisis days equal those of a day-by-day
    evaluation. Days with an identical state are evaluated once, and states already evaluated in
    this process are looked up (a slider that moves one therapy's start day leaves the days before
    it as they were).

    Parameters
    ----------
    group : str
        One of :data:`mgmodel.patients.MUSCLE_GROUPS`.
    achr_fraction, na_channel_fraction, ach_site_block, ache_activity, ache_activity_min : ndarray
        Daily state of the group's median endplate, each of shape ``(D,)`` (see
        :func:`group_strength`).
    factor : float or ndarray
        Multiplier of strength applied afterwards (transient worsening, infection), shape ``(D,)``;
        only used to find the days near a cut-off.
    tol : float
        Tolerance (see above), 1e-6 to 0.05; 0 evaluates every day.

    Returns
    -------
    (ndarray, ndarray)
        Safety factor and strength per day, as :func:`group_strength`.
    """
    state = np.stack([np.asarray(x, float).ravel() for x in np.broadcast_arrays(
        achr_fraction, na_channel_fraction, ach_site_block, ache_activity, ache_activity_min)])
    n_days = state.shape[1]
    tol = float(tol)
    if tol != 0.0:
        tol = check_number("tol", tol, 1e-6, 0.05)
    sf = np.full(n_days, np.nan)
    st = np.full(n_days, np.nan)

    memo = _STATE_MEMO.setdefault(get_muscle(group).name, {})

    def evaluate(days):
        days = np.unique(np.asarray(days, int))
        days = days[np.isnan(st[days])]
        if days.size == 0:
            return
        uniq, inverse = np.unique(state[:, days], axis=1, return_inverse=True)
        keys = [col.tobytes() for col in uniq.T]
        todo = [k for k, key in enumerate(keys) if key not in memo]
        if todo:
            f, s = group_strength(group, *uniq[:, todo])
            if len(memo) + len(todo) > _STATE_MEMO_SIZE:
                memo.clear()
            memo.update({keys[k]: (fk, sk) for k, fk, sk in zip(todo, f, s)})
        f, s = np.array([memo[key] for key in keys]).T
        sf[days], st[days] = f[np.ravel(inverse)], s[np.ravel(inverse)]

    if tol == 0.0 or n_days <= 3:
        evaluate(np.arange(n_days))
        return sf, st
    knots = np.unique(np.r_[np.arange(0, n_days, DAY_SAMPLING_STEP), n_days - 1])
    intervals = list(zip(knots[:-1], knots[1:]))
    evaluate(knots)
    accepted = []
    while intervals:
        # (a) the state between the ends must be close to the chord
        split, mids = [], []
        for a, b in intervals:
            if b - a <= 1:
                accepted.append((a, b))
                continue
            x = (np.arange(a, b + 1) - a) / (b - a)
            chord = state[:, a:a + 1] + (state[:, b:b + 1] - state[:, a:a + 1]) * x
            if np.max(np.abs(state[:, a:b + 1] - chord)) > tol:
                split.append((a, b))
            else:
                mids.append((a, b))
        # (b) strength and safety factor at the middle day must be close to the chord
        evaluate([(a + b) // 2 for a, b in split + mids])
        for a, b in mids:
            m = (a + b) // 2
            x = (m - a) / (b - a)
            s_lin = st[a] + (st[b] - st[a]) * x
            f_lin = sf[a] + (sf[b] - sf[a]) * x
            if abs(st[m] - s_lin) > tol or abs(sf[m] - f_lin) > tol * max(abs(sf[m]), 1e-9):
                split.append((a, b))
            else:
                accepted.append((a, b))
        intervals = [iv for a, b in split for iv in ((a, (a + b) // 2), ((a + b) // 2, b))]
    done = ~np.isnan(st)
    days = np.arange(n_days)
    st_lin = np.interp(days, days[done], st[done])
    sf_lin = np.interp(days, days[done], sf[done])
    # exact evaluation near the MG-ADL cut-offs and crisis lines
    lines = np.r_[1.0 - np.asarray(ADL_CUTOFFS), CRISIS_STRENGTH, CRISIS_RECOVERY_STRENGTH]
    near = np.min(np.abs((st_lin * np.broadcast_to(factor, st_lin.shape))[:, None] - lines), axis=1) < 2 * tol
    evaluate(days[near & ~done])
    done = ~np.isnan(st)
    st[~done], sf[~done] = st_lin[~done], sf_lin[~done]
    return sf, st


def transient_worsening(therapies, t_days):
    """Multiplier of strength (<= 1) from therapies that worsen transmission for a while.

    Asks each therapy for a ``strength_factor(t_days)`` method (high-dose prednisone started at
    full dose: :meth:`mgmodel.therapy.Prednisone.strength_factor`); others leave strength alone.
    """
    out = np.ones_like(np.asarray(t_days, float))
    for th in therapies:
        f = getattr(th, "strength_factor", None)
        if f is not None:
            out = out * f(t_days)
    return out


def _on_ache_inhibitor(therapies, t):
    on = np.zeros(t.shape, bool)
    for th in therapies:
        if isinstance(th, Pyridostigmine):
            on |= (t >= th.start_day) & ((t < th.stop_day) if th.stop_day is not None else True)
    return on


def _readonly(a):
    a = np.array(a)
    a.setflags(write=False)
    return a


def _crisis_episodes(resp, t, events):
    """Episodes of crisis with hysteresis, and what triggered each."""
    in_crisis = np.zeros(resp.shape, bool)
    episodes, start, state = [], None, False
    for i, s in enumerate(resp):
        if not state and s < CRISIS_STRENGTH:
            state, start = True, i
        elif state and s >= CRISIS_RECOVERY_STRENGTH:
            state = False
            episodes.append((float(t[start]), float(t[i]), _trigger(events, t[start])))
        in_crisis[i] = state
    if state:
        episodes.append((float(t[start]), None, _trigger(events, t[start])))
    return in_crisis, tuple(episodes)


def _trigger(events, day):
    for ev in events:
        if ev.start_day <= day <= ev.start_day + ev.duration_days:
            return ev.label
    return "disease"


def _check_events(events):
    if isinstance(events, Infection):
        events = (events,)
    try:
        items = tuple(events)
    except TypeError:
        raise ValueError(f"events must be a sequence of Infection objects; got {events!r}") from None
    for ev in items:
        if not isinstance(ev, Infection):
            raise ValueError(f"events must contain only Infection objects; got {ev!r}")
    return items


def simulate_course(patient, days, therapies=(), *, events=(), rng=None, production_cv=0.0) -> CourseResult:
    """Simulate a patient's course over ``days`` with therapies, down to strength and MG-ADL.

    Parameters
    ----------
    patient : Patient or str
        A :class:`mgmodel.patients.Patient` or the name of an archetype in ``PATIENTS``.
    days : int
        Length of the course, 1-3,650 days.
    therapies : sequence of therapy objects
        From :mod:`mgmodel.therapy`, each with its own ``start_day`` and dosing.
    events : sequence of Infection
        Intercurrent illnesses that may trigger a crisis.
    rng : None, int or numpy.random.Generator
        Seeds the day-to-day variability of antibody production (only used when
        ``production_cv > 0``). ``None`` = seed 0. Same seed, same result. Strength does not
        depend on a seed: it is an expectation over a fixed fibre sample.
    production_cv : float
        Slow random variability of antibody production (see :func:`mgmodel.disease.simulate_disease`).

    Returns
    -------
    CourseResult

    Examples
    --------
    >>> from mgmodel import simulate_course, therapy
    >>> untreated = simulate_course("achr_early_onset", 180)
    >>> treated = simulate_course("achr_early_onset", 180, [therapy.ComplementInhibitor(start_day=30)])
    >>> bool(treated.mg_adl[-1] < untreated.mg_adl[-1])
    True
    """
    pat = get_patient(patient)
    days = check_int("days", days, 1, 3650)
    gen = check_rng(rng)
    evs = _check_events(events)
    slow = simulate_disease(pat, days, therapies, rng=gen, production_cv=production_cv)
    t = slow.t_days
    factor = transient_worsening(therapies, t)
    for ev in evs:
        factor = factor * ev.strength_factor(t)

    sf, strength = {}, {}
    for g in MUSCLE_GROUPS:
        gc = slow.by_group[g]
        sf[g], s = strength_over_days(g, gc.achr_fraction, gc.na_channel_fraction, gc.ach_site_block,
                                      gc.ache_activity, slow.ache_activity_min, factor)
        strength[g] = s * factor

    items = {item: adl_item_score(1.0 - strength[g]) for item, g in MG_ADL_ITEMS.items()}
    adl = np.sum(list(items.values()), axis=0).astype(int)
    crisis, episodes = _crisis_episodes(strength["respiratory"], t, evs)
    ro = MappingProxyType
    return CourseResult(
        t_days=t, total_igg=slow.total_igg, pathogenic_igg=slow.pathogenic_igg,
        albumin=slow.albumin, achr_fraction=slow.achr_fraction,
        na_channel_fraction=slow.na_channel_fraction, ache_activity=slow.ache_activity,
        safety_factor=ro({g: _readonly(v) for g, v in sf.items()}),
        strength=ro({g: _readonly(v) for g, v in strength.items()}),
        mg_adl_items=ro({k: _readonly(v) for k, v in items.items()}),
        mg_adl=_readonly(adl), crisis=_readonly(crisis), crisis_episodes=episodes,
        cholinergic_side_effects=_readonly(_on_ache_inhibitor(therapies, t)
                                           & (slow.ache_activity_min < CHOLINERGIC_SIDE_EFFECT_ACTIVITY)),
        therapy_intervals=slow.therapy_intervals + tuple(
            (ev.label, ev.start_day, min(ev.start_day + ev.duration_days, float(days))) for ev in evs),
        patient=pat, disease=slow,
    )


def mean_strength(result: CourseResult) -> np.ndarray:
    """Strength averaged over the four muscle groups, per day (0-1)."""
    return np.mean([result.strength[g] for g in MUSCLE_GROUPS], axis=0)
