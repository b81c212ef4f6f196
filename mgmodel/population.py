"""A muscle is many fibres: sampled populations of endplates.

A patient does not feel one endplate. Weakness is the fraction of fibres whose transmission fails,
and fibres differ: in receptor number, in how much transmitter their nerve terminal releases, in
their firing threshold and in size. :func:`sample_fibres` draws such a population with a seeded
``numpy.random.Generator``; the result, a :class:`FibrePopulation`, holds one array per property
and evaluates the EPP of every fibre at once through the fast path (:mod:`mgmodel.fastpath`).

Disease scales the whole population
-----------------------------------
The population inherits the state of an :class:`~mgmodel.parameters.Endplate` - its
``achr_fraction``, ``na_channel_fraction``, ``ach_site_block``, ``ache_activity`` and
``quantal_content`` - as the values of its *median* fibre. Around the median, fibres vary:

========================  =====================================================================
fibre diameter            lognormal, CV 0.20 in limb muscle (normal "variability coefficient"
                          < 250, i.e. CV < 0.25: Brooke & Engel 1969); the muscle profile sets it
effective capacitance     ∝ diameter^1.5 (input conductance of a long cylindrical fibre; cable
                          theory, Jack, Noble & Tsien 1975)
quantal content           ∝ effective capacitance × lognormal(CV 0.15). Bigger fibres have bigger
                          endplates that release more (Kuno, Turkanis & Weakly 1971; Harris &
                          Ribchester 1979), so size alone does not change the safety factor; the
                          residual CV 0.15 is a modelling choice
AChR (healthy spread)     lognormal, CV 0.12 (modelling choice)
threshold gap             the gap of the fibre's fold/Na fraction (:func:`threshold_gap_mV`) ×
                          lognormal(CV 0.07) for resting potential and channel density
                          (modelling choice)
disease, per endplate     in MG the loss differs widely between endplates of one muscle
                          (Albuquerque et al. 1976; Engel et al. 1977): a fibre's AChR and fold
                          fraction are the patient's values raised to ``s × h``, with ``s`` the
                          muscle's damage exponent and ``h`` lognormal with median 1 and CV 0.5
                          (modelling choice), so a healthy patient (fraction 1) is unaffected and
                          the same endplates lose both receptors and folds, as complement does
========================  =====================================================================

The healthy spreads are set so that at least 99 % of healthy fibres stay above threshold at every
stimulus of a 3 Hz train and no healthy fibre blocks in SFEMG: wider spreads put a few healthy
fibres so close to threshold that they jitter and block. The healthy limb's safety factors run
from 1.7 to 3.2 (1st-99th percentile) around a median of 2.4, and its mean jitter is ~25 µs
(limit 30 µs; Stålberg et al. 2016). The pharmacological margin gives a second check of the
spread (Paton & Waud 1967, cat): transmission begins to fail when curare occupies 0.76 ± 0.05 of
the receptors and is nearly fully blocked at 0.92, i.e. the fibres' margins span a factor of ~3
in receptors left (0.24 → 0.08). The model's 5 % and 95 % of fibres fail at ``ach_site_block``
0.72 and 0.88 (the median at 0.82): both ends within the tolerance, the span (a factor ~2.3 in
receptors left) a little narrower than the cat's.

Quantal content, AChR and threshold are fixed per fibre; what varies from impulse to impulse is
release itself (:mod:`mgmodel.presynaptic`: a binomial count of quanta of variable size released
at variable instants), which the electrodiagnosis functions draw.

Each fibre's contribution to the compound muscle action potential (CMAP) is taken proportional to
its diameter, and to force to its cross-sectional area (diameter²) (modelling choice).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np

from . import fastpath as _fp
from ._checks import check_array, check_int, check_rng
from .muscles import MuscleProfile, get_muscle
from .parameters import HUMAN, Endplate
from .postsynaptic import postsynaptic_train
from .presynaptic import Presynaptic
from .safety import threshold_gap_mV

__all__ = ["FibrePopulation", "sample_fibres", "HETEROGENEITY", "draw_fibres", "apply_disease"]

#: Spreads (coefficients of variation) of the fibre-to-fibre differences; see the module docstring.
HETEROGENEITY = {
    "quantal_content_cv": 0.15,
    "achr_cv": 0.12,
    "threshold_cv": 0.07,
    "damage_cv": 0.50,
}


def _lognormal(rng, cv, n):
    """Lognormal factors with median 1 and coefficient of variation ``cv``."""
    if cv <= 0:
        return np.ones(n)
    sigma = np.sqrt(np.log1p(cv * cv))
    return np.exp(sigma * rng.standard_normal(n))


def _readonly(a):
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class FibrePopulation:
    """A sampled population of muscle fibres and their endplates (one array entry per fibre).

    Attributes
    ----------
    achr_fraction : ndarray
        AChR of each endplate relative to a healthy endplate.
    na_channel_fraction : ndarray
        Fold membrane and Na channels left at each endplate, (0, 1].
    threshold_gap_mV : ndarray
        Depolarization needed to fire, mV above rest (inf if the endplate is inexcitable).
    quantal_content : ndarray
        Mean quanta released by the rested terminal for one impulse.
    diameter : ndarray
        Fibre diameter relative to the muscle's typical fibre.
    capacitance_scale : ndarray
        Effective capacitance relative to the reference fibre of the EPP table; the fast path
        sees ``quanta / capacitance_scale`` quanta.
    ach_site_block, ache_activity : float
        Shared by all fibres (circulating antibody or drug, enzyme inhibitor).
    endplate : Endplate
        The endplate (patient state and constants) the population was drawn for.
    muscle : MuscleProfile
        The muscle group.
    seed_info : str
        How the population was drawn (for the record).
    """

    achr_fraction: np.ndarray
    na_channel_fraction: np.ndarray
    threshold_gap_mV: np.ndarray
    quantal_content: np.ndarray
    diameter: np.ndarray
    capacitance_scale: np.ndarray
    ach_site_block: float
    ache_activity: float
    endplate: Endplate
    muscle: MuscleProfile
    seed_info: str = ""

    def __post_init__(self):
        n = self.achr_fraction.shape[0]
        for name in ("achr_fraction", "na_channel_fraction", "threshold_gap_mV", "quantal_content",
                     "diameter", "capacitance_scale"):
            arr = getattr(self, name)
            if arr.shape != (n,):
                raise ValueError(f"{name} must have one value per fibre ({n}); got shape {arr.shape}")
            object.__setattr__(self, name, _readonly(arr))

    # -- sizes and weights ----------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.achr_fraction.shape[0])

    @property
    def n_fibres(self) -> int:
        """Number of fibres."""
        return len(self)

    @functools.cached_property
    def cmap_weight(self) -> np.ndarray:
        """Each fibre's share of the full CMAP (∝ diameter); sums to 1."""
        return _readonly(self.diameter / self.diameter.sum())

    @functools.cached_property
    def force_weight(self) -> np.ndarray:
        """Each fibre's share of the full force (∝ diameter²); sums to 1."""
        a = self.diameter ** 2
        return _readonly(a / a.sum())

    @property
    def functional_achr(self) -> np.ndarray:
        """AChR available to ACh during an EPP: ``achr_fraction * (1 - ach_site_block)``."""
        return self.achr_fraction * (1.0 - self.ach_site_block)

    # -- EPPs -------------------------------------------------------------------------------
    @functools.cached_property
    def _epp(self) -> "_fp.FibreEPP":
        return _fp.FibreEPP(_fp.epp_table(self.endplate), self.functional_achr, self.ache_activity,
                         self.na_channel_fraction, self.capacitance_scale)

    def epp_mV(self, quanta=None) -> np.ndarray:
        """Peak EPP of every fibre (mV above rest) for the quanta each releases.

        ``quanta`` has shape (N,) or (N, S) (one column per impulse); default: each fibre's
        rested quantal content.
        """
        m = self.quantal_content if quanta is None else check_array("quanta", quanta, 0.0, 1e4)
        if m.ndim == 0 or m.shape[0] != self.n_fibres or m.ndim > 2:
            raise ValueError(f"quanta must have shape ({self.n_fibres},) or ({self.n_fibres}, S); "
                             f"got {m.shape}")
        return self._epp.peak(m)

    def safety_factor(self, quanta=None) -> np.ndarray:
        """EPP / threshold gap of every fibre (0 where the endplate is inexcitable)."""
        epp = self.epp_mV(quanta)
        gap = self.threshold_gap_mV if epp.ndim == 1 else self.threshold_gap_mV[:, None]
        return np.where(np.isfinite(gap), epp / np.where(np.isfinite(gap), gap, 1.0), 0.0)

    def latency_ms(self, quanta, fibres=None) -> np.ndarray:
        """Time (ms after release) at which each EPP reaches its fibre's threshold; inf if never.

        ``quanta`` has shape (n,) or (n, S) for the fibres ``fibres`` (indices; default all).
        """
        idx = np.arange(self.n_fibres) if fibres is None else np.asarray(fibres, dtype=int)
        m = check_array("quanta", quanta, 0.0, 1e4)
        if m.shape[0] != idx.shape[0]:
            raise ValueError(f"quanta must have one row per fibre ({idx.shape[0]}); got shape {m.shape}")
        col = (lambda a: a[idx][:, None]) if m.ndim == 2 else (lambda a: a[idx])
        gap = col(self.threshold_gap_mV)
        table = _fp.epp_table(self.endplate)
        finite = np.isfinite(gap)
        t = table.time_to_mV(np.where(finite, gap, 1e3), col(self.functional_achr),
                             m / col(self.capacitance_scale), self.ache_activity,
                             col(self.na_channel_fraction))
        return np.where(finite, t, np.inf)

    def endplate_train(self, quanta, times_ms, fibres=None, *, with_latency=True):
        """The endplates of (some) fibres across a train: EPPs with summation, firing, latency.

        ``quanta`` (n, S) are the quanta (or quantal sums) released at the fibres ``fibres``
        (indices; default all) at ``times_ms`` (S,); returns the
        :class:`mgmodel.postsynaptic.PostsynapticTrain` of :func:`mgmodel.postsynaptic_train`
        for these fibres (their own AChR, folds, size and threshold); ``with_latency=False``
        skips the latencies (faster).
        """
        idx = np.arange(self.n_fibres) if fibres is None else np.asarray(fibres, dtype=int)
        return postsynaptic_train(_fp.epp_table(self.endplate), self.functional_achr[idx], quanta, times_ms,
                                  ache_activity=self.ache_activity,
                                  na_channel_fraction=self.na_channel_fraction[idx],
                                  cap_scale=self.capacitance_scale[idx],
                                  threshold_gap_mV=self.threshold_gap_mV[idx], with_latency=with_latency)

    def summary(self) -> dict:
        """Medians and spreads of the population, and its healthy-state safety factor."""
        sf = self.safety_factor()
        return {
            "n_fibres": self.n_fibres,
            "muscle": self.muscle.name,
            "median_achr_fraction": float(np.median(self.achr_fraction)),
            "median_na_channel_fraction": float(np.median(self.na_channel_fraction)),
            "median_quantal_content": float(np.median(self.quantal_content)),
            "median_safety_factor": float(np.median(sf)),
            "fraction_sf_above_1": float(np.mean(sf > 1.0)),
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (f"FibrePopulation({s['n_fibres']} fibres, {s['muscle']}, median AChR "
                f"{s['median_achr_fraction']:.2f}, median SF {s['median_safety_factor']:.2f}, "
                f"{100 * s['fraction_sf_above_1']:.1f} % above threshold)")


def draw_fibres(n, prof: MuscleProfile, gen: np.random.Generator) -> dict:
    """The random part of a population: each fibre's multipliers, independent of disease.

    Returns a dict of arrays (length ``n``): ``diameter``, ``capacitance_scale``,
    ``quantal_noise``, ``damage`` (the per-endplate exponent ``s × h``), ``achr_noise``,
    ``threshold_noise``. :func:`apply_disease` turns them into a population for any patient
    state, so one set of fibres can be followed through a disease course day by day.
    """
    h = HETEROGENEITY
    diameter = _lognormal(gen, prof.fibre_size_cv, n)
    quantal_noise = _lognormal(gen, h["quantal_content_cv"], n)
    damage = prof.damage_exponent * _lognormal(gen, h["damage_cv"], n)
    achr_noise = _lognormal(gen, h["achr_cv"], n)
    threshold_noise = _lognormal(gen, h["threshold_cv"], n)
    return dict(diameter=diameter, capacitance_scale=diameter ** 1.5, quantal_noise=quantal_noise,
                damage=damage, achr_noise=achr_noise, threshold_noise=threshold_noise)


def apply_disease(draws: dict, prof: MuscleProfile, endplate: Endplate, achr_fraction,
                  na_channel_fraction, quantal_content):
    """Per-fibre AChR, fold/Na fraction, threshold gap (mV) and quanta for a patient state.

    ``achr_fraction``, ``na_channel_fraction`` and ``quantal_content`` are the median fibre's
    values (limb scale); they may be arrays of shape ``(days, 1)`` to give ``(days, fibres)``.
    The patient's loss, in log units, is scaled per endplate by its ``damage`` exponent.
    """
    damage = draws["damage"]
    achr = np.clip(np.asarray(achr_fraction, float) ** damage * draws["achr_noise"], 1e-9, 1.5)
    na = np.clip(prof.fold_fraction * np.asarray(na_channel_fraction, float) ** damage, 1e-12, 1.0)
    gap = threshold_gap_mV(na, endplate) * draws["threshold_noise"]
    quanta = (np.asarray(quantal_content, float) * prof.quantal_content_scale * draws["quantal_noise"]
              * draws["capacitance_scale"])
    return achr, na, gap, quanta


def sample_fibres(n, endplate: Endplate = HUMAN, *, muscle="limb", rng=None) -> FibrePopulation:
    """Draw a population of ``n`` muscle fibres with their endplates.

    Parameters
    ----------
    n : int
        Number of fibres, 1 to 10,000,000.
    endplate : Endplate
        Patient state and constants; its values are those of the population's median fibre in a
        limb muscle (see the module docstring for the spreads).
    muscle : str or MuscleProfile
        ``"ocular"``, ``"bulbar"``, ``"limb"`` (default) or ``"respiratory"``.
    rng : None, int or numpy.random.Generator
        Random source (``None`` = seed 0, so calls without ``rng`` are reproducible).

    Returns
    -------
    FibrePopulation

    Examples
    --------
    >>> from mgmodel import HUMAN
    >>> pop = sample_fibres(1000, HUMAN, rng=1)
    >>> 2.0 <= float(np.median(pop.safety_factor())) <= 5.0
    True
    """
    n = check_int("n", n, 1, 10_000_000)
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    prof = get_muscle(muscle)
    seed_info = f"rng={rng!r}" if not isinstance(rng, np.random.Generator) else "rng=Generator"
    draws = draw_fibres(n, prof, check_rng(rng))
    achr, na, gap, quanta = apply_disease(draws, prof, endplate, endplate.achr_fraction,
                                          endplate.na_channel_fraction, endplate.quantal_content)
    diameter, cap = draws["diameter"], draws["capacitance_scale"]

    return FibrePopulation(
        achr_fraction=achr, na_channel_fraction=na, threshold_gap_mV=gap, quantal_content=quanta,
        diameter=diameter, capacitance_scale=cap, ach_site_block=endplate.ach_site_block,
        ache_activity=endplate.ache_activity, endplate=endplate, muscle=prof, seed_info=seed_info,
    )



def check_population(population) -> "FibrePopulation":
    """``population`` itself if it is a :class:`FibrePopulation`; else a ``ValueError`` saying so."""
    if not isinstance(population, FibrePopulation):
        raise ValueError("population must be a FibrePopulation from mgmodel.population.sample_fibres; "
                         f"got {type(population).__name__}")
    return population


def muscle_terminal(population, params):
    """The nerve terminal to simulate: ``params``, or the population's muscle's own when None."""
    if params is None:
        return population.muscle.terminal
    if not isinstance(params, Presynaptic):
        raise ValueError("presynaptic must be an mgmodel.Presynaptic (e.g. mgmodel.lems_presynaptic(0.6)) "
                         f"or None; got {type(params).__name__}")
    return params


def sample_fibers(*args, **kwargs) -> FibrePopulation:
    """Deprecated spelling of :func:`sample_fibres` (same arguments and result)."""
    warnings.warn("mgmodel.sample_fibers is deprecated; use mgmodel.sample_fibres (same arguments)",
                  DeprecationWarning, stacklevel=2)
    return sample_fibres(*args, **kwargs)


def __getattr__(name):
    # the deprecated class spelling: the same class, with a warning
    if name == "FiberPopulation":
        warnings.warn("mgmodel.FiberPopulation is deprecated; use mgmodel.FibrePopulation",
                      DeprecationWarning, stacklevel=2)
        return FibrePopulation
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
