"""A muscle is many fibres: sampled populations of endplates.

A patient does not feel one endplate. Weakness is the fraction of fibres whose transmission fails,
and fibres differ: in receptor number, in how much transmitter their nerve terminal releases, in
their firing threshold and in size. :func:`sample_fibers` draws such a population with a seeded
``numpy.random.Generator``; the result, a :class:`FiberPopulation`, holds one array per property
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

The healthy spreads are set so that, with the core's median safety factor of 2.1, at least 99 %
of healthy fibres stay above threshold at every stimulus of a 3 Hz train (calibration section 3)
and a healthy SFEMG study is normal (section 5): wider spreads put a few healthy fibres so close to
threshold that they jitter and block. The resulting healthy safety factors span about 1.5-3
(1st-99th percentile), narrower than the 4.1-12 that Paton & Waud (1967) found between cat
muscles with a pharmacological measure.

Each fibre's contribution to the compound muscle action potential (CMAP) is taken proportional to
its diameter, and to force to its cross-sectional area (diameter²) (modelling choice).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from . import fastpath as _fp
from ._checks import check_array, check_int, check_rng
from .muscles import MuscleProfile, get_muscle
from .parameters import HUMAN, Endplate
from .safety import threshold_gap_mV

__all__ = ["FiberPopulation", "sample_fibers", "HETEROGENEITY", "draw_fibres", "apply_disease"]

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
class FiberPopulation:
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
    def _epp(self) -> "_FibreEPP":
        return _FibreEPP(_fp.epp_table(self.endplate), self.functional_achr, self.ache_activity,
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
        return (f"FiberPopulation({s['n_fibres']} fibres, {s['muscle']}, median AChR "
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


def sample_fibers(n, endplate: Endplate = HUMAN, *, muscle="limb", rng=None) -> FiberPopulation:
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
    FiberPopulation

    Examples
    --------
    >>> from mgmodel import HUMAN
    >>> pop = sample_fibers(1000, HUMAN, rng=1)
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

    return FiberPopulation(
        achr_fraction=achr, na_channel_fraction=na, threshold_gap_mV=gap, quantal_content=quanta,
        diameter=diameter, capacitance_scale=cap, ach_site_block=endplate.ach_site_block,
        ache_activity=endplate.ache_activity, endplate=endplate, muscle=prof, seed_info=seed_info,
    )


class _FibreEPP:
    """Peak EPP of fixed fibres for any quanta: the fast-path table with the fibre axes resolved.

    AChE activity is shared by the population, and each fibre's AChR and fold fraction do not
    change during a train, so their interpolation weights are computed once; for each impulse
    only the quanta axis is searched. Values are identical to ``EPPTable.peak_mV`` (the test
    suite checks it); this is 20-30 times faster for large populations.
    """

    def __init__(self, table, functional_achr, ache, na, cap_scale):
        peak = table.peak                                     # (F, A, E, M)
        n_f, n_a, n_e, n_m = peak.shape
        ag = _fp._ACHE_GRID
        ia = int(np.clip(np.searchsorted(ag, ache, side="right") - 1, 0, n_a - 2))
        wa = float(np.clip((ache - ag[ia]) / (ag[ia + 1] - ag[ia]), 0.0, 1.0))
        tab = peak[:, ia] * (1.0 - wa) + peak[:, ia + 1] * wa   # (F, E, M)
        packed = np.zeros(tab.shape, dtype=complex)            # value and step to the next node
        packed.real = tab
        packed.imag[..., :-1] = np.diff(tab, axis=-1)
        self._flat = packed.ravel()
        self._n_m = n_m
        f = np.asarray(functional_achr, float)
        below = f < _fp._F_GRID[0]                              # unbuffered patch: scale the quanta
        self._qscale = np.where(below, f / _fp._F_GRID[0], 1.0) / cap_scale
        lf, lg = np.log(np.maximum(f, _fp._F_GRID[0])), np.log(_fp._F_GRID)
        i0 = np.clip(np.searchsorted(lg, lf, side="right") - 1, 0, n_f - 2)
        w0 = np.clip((lf - lg[i0]) / (lg[i0 + 1] - lg[i0]), 0.0, 1.0)
        esc = _fp._escape_axis(na, table.constants["escape_gain_fold_loss"])
        eg = _fp._ESC_GRID
        i2 = np.clip(np.searchsorted(eg, esc, side="right") - 1, 0, n_e - 2)
        w2 = np.clip((esc - eg[i2]) / (eg[i2 + 1] - eg[i2]), 0.0, 1.0)
        self._base = (i0 * n_e + i2) * n_m
        self._corners = ((0, (1 - w0) * (1 - w2)), (n_m, (1 - w0) * w2),
                         (n_e * n_m, w0 * (1 - w2)), (n_e * n_m + n_m, w0 * w2))
        g = _fp._M_GRID
        self._g = g
        self._lg1 = np.log(g[1])
        self._dlg = np.log(g[2] / g[1])
        if not np.allclose(np.diff(np.log(g[1:])), self._dlg, rtol=1e-9, atol=1e-12):
            raise RuntimeError("the fast-path quanta grid is no longer geometric; update _FibreEPP")

    def peak(self, quanta):
        m = np.asarray(quanta, float)
        col = (lambda a: a[:, None]) if m.ndim == 2 else (lambda a: a)
        m = m * col(self._qscale)
        g = self._g
        x = (np.log(np.maximum(m, g[1])) - self._lg1) / self._dlg
        j = np.minimum(x.astype(np.int64), self._n_m - 3) + 1
        low = m < g[1]
        j[low] = 0
        gj = g[j]
        fr = (m - gj) / (g[j + 1] - gj)
        np.clip(fr, 0.0, 1.0, out=fr)
        idx = j + col(self._base)
        out = None
        for off, w in self._corners:
            z = self._flat[idx + off]
            v = z.real + fr * z.imag
            v *= col(w)
            out = v if out is None else out + v
        return out
