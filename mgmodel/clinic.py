"""From the slow disease to what the patient feels: strength, MG-ADL score and crisis, day by day.

:func:`simulate_course` couples the slow floor (:func:`mgmodel.disease.simulate_disease`: antibodies,
receptors, folds, drugs over days to months) to the fast floors (endplate, safety factor, fibre
populations) at every day:

1. The disease sets each muscle group's endplate state: AChR present and blocked, fold membrane
   with its Na channels, AChE activity. Chronic loss of receptors raises the quantal content
   (presynaptic compensation, :func:`mgmodel.parameters.compensated_quantal_content`).
2. A fixed, seeded sample of fibres per muscle group (:func:`mgmodel.population.draw_fibres`) is
   put in that state (:func:`mgmodel.population.apply_disease`), and each fibre's EPP is taken from
   the fast path for the quanta released during sustained use: the plateau of the rundown at the
   group's own firing rate (:func:`mgmodel.presynaptic.relative_release`, mean over a 2-s burst).
3. A fibre fires with probability ``Φ((EPP - gap) / σ)``, where σ is the impulse-to-impulse
   spread of its EPP from binomial release and quantal size (``CV² = (1 - p + CV_q²) / m``; del
   Castillo & Katz 1954; CV_q = 0.3, Katz & Miledi 1972). **Strength** of a group is the
   force-weighted fraction of fibres firing (force ∝ fibre cross-section).
4. When AChE inhibition exceeds 80 % (``therapy.DEPOLARIZING_BLOCK_INHIBITION``) the long-lasting
   endplate current keeps the endplate depolarized between impulses, its Na channels inactivate
   and fibres stop firing - the cholinergic (depolarizing) block (Engel et al. 1973; Ohno et al.
   1998 for COLQ deficiency). The blocked share grows linearly from 0 at 80 % to 1 at 100 %
   inhibition of the day's lowest AChE activity (a modelling choice).

Clinical readout
----------------
**MG-ADL** (Wolfe et al. 1999): eight items scored 0-3, total 0-24. Each item is scored from the
weakness ``w = 1 - strength`` of the muscle group that serves it:
talking, chewing, swallowing <- bulbar; breathing <- respiratory; brushing teeth or combing hair,
rising from a chair <- limb; double vision, eyelid droop <- ocular. Score 0 for w < 0.25,
1 for w < 0.50, 2 for w < 0.75, 3 otherwise. The cut-offs are a modelling choice: daily activities
use well under half of a muscle's maximal force, so function is lost only after much of the
force is (the item anchors are "normal", "mild", "moderate", "severe/unable").

**Crisis**: respiratory strength below 0.30. Forced vital capacity scales with inspiratory muscle
strength; intubation is considered when it falls below ~20 mL/kg, about 30 % of a normal
~65-70 mL/kg (the "20/30/40 rule"; Lacomis 2005, Neurocrit Care 3:189).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.special import ndtr

from ._checks import check_int, check_rng
from .disease import SlowCourse, simulate_disease
from .fastpath import epp_table
from .muscles import get_muscle
from .parameters import HUMAN, compensated_quantal_content
from .patients import MUSCLE_GROUPS, get_patient
from .plots import OKABE_ITO
from .population import apply_disease, draw_fibres
from .presynaptic import PRESYNAPTIC, relative_release
from .safety import threshold_gap_mV
from .therapy import DEPOLARIZING_BLOCK_INHIBITION

__all__ = ["CourseResult", "simulate_course", "plot_course", "MG_ADL_ITEMS", "CRISIS_STRENGTH",
           "adl_item_score", "mean_strength", "therapy_effect", "therapy_matrix"]

#: MG-ADL items and the muscle group that serves each (Wolfe et al. 1999).
MG_ADL_ITEMS = MappingProxyType({
    "talking": "bulbar", "chewing": "bulbar", "swallowing": "bulbar", "breathing": "respiratory",
    "brushing teeth or combing hair": "limb", "rising from a chair": "limb",
    "double vision": "ocular", "eyelid droop": "ocular",
})
#: Weakness cut-offs for item scores 1, 2 and 3 (modelling choice; see the module docstring).
ADL_CUTOFFS = (0.25, 0.50, 0.75)
#: Respiratory strength below which the model flags a myasthenic crisis (Lacomis 2005).
CRISIS_STRENGTH = 0.30
#: Coefficient of variation of the quantal size (MEPP amplitude), Katz & Miledi 1972.
QUANTAL_SIZE_CV = 0.3
#: Fibres sampled per muscle group (their spread of states makes strength fall smoothly).
N_FIBRES = 40
#: Length of the burst of sustained use whose mean release sets strength, s.
BURST_S = 2.0


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
        Respiratory strength below :data:`CRISIS_STRENGTH`.
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
def _sustained_release(rate_hz):
    """Mean quantal content over a burst of sustained use at ``rate_hz``, relative to rested."""
    n = max(2, int(round(BURST_S * rate_hz)))
    return float(np.mean(relative_release(rate_hz, n)))


def _group_readout(group, state, draws, table):
    """Safety factor of the median endplate and strength of one muscle group, per day."""
    prof = get_muscle(group)
    achr, na, block, ache = (state.achr_fraction, state.na_channel_fraction, state.ach_site_block,
                             state.ache_activity)
    m_day = compensated_quantal_content(achr, HUMAN.quantal_content)

    # the median endplate of the group: safety factor at a rested impulse
    med_na = np.clip(prof.fold_fraction * na, 1e-12, 1.0)
    med_epp = table.peak_mV(achr * (1.0 - block), m_day * prof.quantal_content_scale, ache, med_na)
    sf = med_epp / threshold_gap_mV(med_na, HUMAN)

    # the sampled fibres in sustained use
    f_achr, f_na, gap, quanta = apply_disease(draws, prof, HUMAN, achr[:, None], na[:, None], m_day[:, None])
    m_eff = quanta * _sustained_release(prof.firing_rate_hz) / draws["capacitance_scale"]
    epp = table.peak_mV(f_achr * (1.0 - block[:, None]), m_eff, ache[:, None], f_na)
    cv = np.sqrt((1.0 - PRESYNAPTIC.release_probability + QUANTAL_SIZE_CV ** 2) / np.maximum(m_eff, 1e-9))
    p_fire = ndtr((epp - gap) / np.maximum(epp * cv, 1e-9))
    w = draws["diameter"] ** 2
    strength = p_fire @ w / w.sum()
    # cholinergic (depolarizing) block when AChE inhibition exceeds the limit
    a_block = 1.0 - DEPOLARIZING_BLOCK_INHIBITION
    blocked = np.clip((a_block - state.ache_min) / a_block, 0.0, 1.0)
    return sf, strength * (1.0 - blocked)


@dataclass(frozen=True)
class _GroupState:
    achr_fraction: np.ndarray
    na_channel_fraction: np.ndarray
    ach_site_block: np.ndarray
    ache_activity: np.ndarray
    ache_min: np.ndarray


def _readonly(a):
    a = np.array(a)
    a.setflags(write=False)
    return a


def simulate_course(patient, days, therapies=(), *, rng=None) -> CourseResult:
    """Simulate a patient's course over ``days`` with therapies, down to strength and MG-ADL.

    Parameters
    ----------
    patient : Patient or str
        A :class:`mgmodel.patients.Patient` or the name of an archetype in ``PATIENTS``.
    days : int
        Length of the course, 1-3,650 days.
    therapies : sequence of therapy objects
        From :mod:`mgmodel.therapy`, each with its own ``start_day`` and dosing.
    rng : None, int or numpy.random.Generator
        Seeds the sampled fibres of each muscle group (and the disease's day-to-day variability,
        if the patient has any). ``None`` = seed 0. Same seed, same result.

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
    draws = {g: draw_fibres(N_FIBRES, get_muscle(g), gen) for g in MUSCLE_GROUPS}
    slow = simulate_disease(pat, days, therapies, rng=gen)
    table = epp_table(HUMAN)

    sf, strength = {}, {}
    for g in MUSCLE_GROUPS:
        gc = slow.by_group[g]
        state = _GroupState(gc.achr_fraction, gc.na_channel_fraction, gc.ach_site_block,
                            gc.ache_activity, slow.ache_activity_min)
        sf[g], strength[g] = _group_readout(g, state, draws[g], table)

    items = {item: adl_item_score(1.0 - strength[g]) for item, g in MG_ADL_ITEMS.items()}
    adl = np.sum(list(items.values()), axis=0).astype(int)
    ro = MappingProxyType
    return CourseResult(
        t_days=slow.t_days, total_igg=slow.total_igg, pathogenic_igg=slow.pathogenic_igg,
        albumin=slow.albumin, achr_fraction=slow.achr_fraction,
        na_channel_fraction=slow.na_channel_fraction, ache_activity=slow.ache_activity,
        safety_factor=ro({g: _readonly(v) for g, v in sf.items()}),
        strength=ro({g: _readonly(v) for g, v in strength.items()}),
        mg_adl_items=ro({k: _readonly(v) for k, v in items.items()}),
        mg_adl=_readonly(adl), crisis=_readonly(strength["respiratory"] < CRISIS_STRENGTH),
        therapy_intervals=slow.therapy_intervals, patient=pat, disease=slow,
    )


def mean_strength(result: CourseResult) -> np.ndarray:
    """Strength averaged over the four muscle groups, per day (0-1)."""
    return np.mean([result.strength[g] for g in MUSCLE_GROUPS], axis=0)


def therapy_effect(patient, therapy, *, days=395, untreated=None, rng=None) -> float:
    """What one therapy does for one patient: its best month, in percentage points of strength.

    The change in :func:`mean_strength` against the untreated course, averaged over each 30-day
    window from the therapy's start day on; the window with the largest change (sign kept) is
    returned. A month, because fast therapies (plasma exchange, FcRn antagonists) act for weeks
    and slow ones (thymectomy, immunosuppressants) only after months.

    Parameters
    ----------
    patient : Patient or str
    therapy : a therapy object from :mod:`mgmodel.therapy`
    days : int
        Length of both courses (at least the start day + 30).
    untreated : CourseResult, optional
        The untreated course of the same patient and length, if already computed.
    rng : as in :func:`simulate_course` (the same seed for both courses).
    """
    start = int(therapy.start_day)
    if days < start + 30:
        raise ValueError(f"days must be at least the therapy's start day + 30 = {start + 30}; got {days}")
    base = untreated if untreated is not None else simulate_course(patient, days, rng=rng)
    delta = mean_strength(simulate_course(patient, days, [therapy], rng=rng)) - mean_strength(base)
    month = np.convolve(delta[start:], np.ones(30) / 30, mode="valid")
    return float(100.0 * month[np.argmax(np.abs(month))])


def therapy_matrix(patients, therapies, *, days=395, rng=None, progress=True) -> np.ndarray:
    """:func:`therapy_effect` for every patient (rows) and therapy (columns), percentage points.

    Takes a few seconds for the ten archetypes and nine therapies, so it shows a progress bar
    (notebook-aware) unless ``progress=False``.
    """
    from tqdm.auto import tqdm

    patients, therapies = list(patients), list(therapies)
    out = np.zeros((len(patients), len(therapies)))
    with tqdm(total=len(patients) * len(therapies), desc="simulating courses", disable=not progress,
              leave=False) as bar:
        for i, p in enumerate(patients):
            base = simulate_course(p, days, rng=rng)
            for j, th in enumerate(therapies):
                out[i, j] = therapy_effect(p, th, days=days, untreated=base, rng=rng)
                bar.update()
    return out


_GROUP_STYLE = {"ocular": ("orange", "-"), "bulbar": ("purple", "--"), "limb": ("blue", "-"),
                "respiratory": ("vermillion", "-.")}


def plot_course(result: CourseResult, ax=None):
    """Disease timeline on shared time axes: antibodies, endplate, safety factor, MG-ADL.

    Parameters
    ----------
    result : CourseResult
    ax : None or sequence of 4 Axes
        Where to draw (top to bottom); a new figure when None.

    Returns
    -------
    ndarray of 4 Axes
    """
    if not isinstance(result, CourseResult):
        raise ValueError(f"result must be a CourseResult from simulate_course; got {type(result).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, axes = plt.subplots(4, 1, figsize=(8, 8.5), sharex=True)
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != 4:
            raise ValueError(f"ax must be None or 4 Axes; got {axes.size}")
    c, t = OKABE_ITO, result.t_days
    a0, a1, a2, a3 = axes
    a0.plot(t, result.pathogenic_igg, color=c["vermillion"], lw=2, label="pathogenic antibody")
    a0.plot(t, result.total_igg, color=c["blue"], lw=1.5, ls="--", label="total IgG")
    a0.plot(t, result.albumin, color=c["green"], lw=1.5, ls=":", label="albumin")
    a0.set_ylabel("relative to baseline")
    a0.set_title(f"Course of the patient: {result.patient.name}")
    a1.plot(t, result.achr_fraction, color=c["blue"], lw=2, label="AChR (limb)")
    a1.plot(t, result.na_channel_fraction, color=c["orange"], lw=2, ls="--", label="folds / Na channels (limb)")
    a1.set_ylabel("fraction of healthy")
    a1.set_ylim(0, 1.1)
    for g in MUSCLE_GROUPS:
        col, ls = _GROUP_STYLE[g]
        a2.plot(t, result.safety_factor[g], color=c[col], ls=ls, lw=1.8, label=g)
    a2.axhline(1.0, color=c["black"], lw=1, ls=":")
    a2.set_ylabel("safety factor")
    a3.step(t, result.mg_adl, where="post", color=c["black"], lw=2, label="MG-ADL (model)")
    a3.set_ylim(-0.5, 24.5)
    a3.set_ylabel("MG-ADL score (0-24)")
    a3.set_xlabel("time (days)")
    if result.crisis.any():
        a3.fill_between(t, 0, 24, where=result.crisis, color=c["vermillion"], alpha=0.2,
                        step="post", label="crisis")
    # therapy bars along the top of the first panel, in axes coordinates
    for k, (label, start, end) in enumerate(result.therapy_intervals):
        for a in axes:
            a.axvspan(start, max(end, start + 0.5), color=c["sky"], alpha=0.12, lw=0)
        a0.annotate(label, xy=(start, 1.0), xycoords=("data", "axes fraction"), fontsize="x-small",
                    xytext=(2, -10 - 9 * (k % 3)), textcoords="offset points", color=c["blue"])
    for a in axes:
        a.legend(frameon=False, fontsize="x-small", loc="upper right")
    a3.set_xlim(t[0], t[-1])
    return axes
