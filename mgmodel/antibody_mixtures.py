"""Antibody mixtures: what one clone, two clones and a polyclonal serum do at the endplate.

A single AChR antibody clone can act by several mechanisms at once - blockade, antigenic modulation
and complement activation (Pham et al. 2023 Acta Neuropathol 146:319). Polyclonal sera, with
antibodies against several subunits of the receptor, are more destructive: antibodies to different
subunits act in synergy, clustering the receptors and activating complement far more than any of
them alone (Rose et al. 2022 Acta Neuropathol 144:1005). This module turns that into counting:
Fc tails per receptor for C1q, bridgeable sites per receptor for cross-linking, and feeds the
result into :func:`mgmodel.disease.simulate_junction`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ._checks import check_choice, check_int, check_number
from .disease import MODULATION_MAX_FOLD, JunctionCourse, simulate_junction, target_occupancy
from .patients import Patient, get_patient

__all__ = ["ACHR_SUBUNIT_COPIES", "C1Q_FOOTPRINT_RECEPTORS", "C1Q_FULL_ACTIVATION_FC", "BRIDGING_SHARE",
           "MixtureEffect", "mixture_effect", "simulate_mixture"]

ACHR_SUBUNIT_COPIES = MappingProxyType({"alpha": 2, "beta": 1, "delta": 1, "epsilon": 1})
"""Copies of each subunit in one adult muscle AChR, (α)2βδε (Unwin 2005 J Mol Biol 346:967). An
antibody against the α subunit (the main immunogenic region) has two sites per receptor, one
against β, δ or ε has one."""

C1Q_FOOTPRINT_RECEPTORS = 2
"""Receptors close enough for the Fc tails of the antibodies on them to be bound by one C1q
(modelling choice: AChRs are packed ~10 nm apart at the fold crests, C1q spans ~30 nm)."""

C1Q_FULL_ACTIVATION_FC = 6
"""Fc tails that activate C1q fully: an IgG hexamer (Diebolder et al. 2014 Science 343:1260). One
IgG alone does not activate C1q; between 2 and 6 the activation rises as ((k - 1) / 5)^2, a
modelling choice."""

BRIDGING_SHARE = 0.5
"""Share of bound bivalent IgG whose second arm holds a neighbouring receptor (modelling choice)."""


@dataclass(frozen=True)
class MixtureEffect:
    """What a mixture of AChR antibodies does at one endplate, at steady binding.

    Attributes
    ----------
    occupancy : mapping of str to float
        Fraction of the sites of each subunit with antibody bound (0..1).
    fc_per_receptor : float
        Mean number of antibody Fc tails per receptor.
    complement_activation : float
        Mean C1q activation over the patches of the membrane, 0 (none) .. 1 (every patch carries a
        hexamer's worth of Fc).
    cluster_size : float
        Weight-average number of receptors held together by antibody bridges; ``inf`` when the
        bridges form a lattice that spans the endplate.
    modulation_fold : float
        Degradation rate of the receptors relative to normal, 1 .. ``MODULATION_MAX_FOLD``:
        ``1 + (MODULATION_MAX_FOLD - 1) (1 - 1 / cluster_size)``.
    """

    occupancy: MappingProxyType
    fc_per_receptor: float
    complement_activation: float
    cluster_size: float
    modulation_fold: float


def mixture_effect(occupancy, crosslinking=1.0) -> MixtureEffect:
    """Complement activation and antigenic modulation by antibodies against AChR subunits.

    A clone binds one subunit; ``occupancy`` gives, per subunit, the fraction of its sites with
    antibody bound (a polyclonal serum binds several subunits at once). Two consequences follow
    from counting (modelling choices, after Rose et al. 2022 Acta Neuropathol 144:1005 and Pham et
    al. 2023 Acta Neuropathol 146:319):

    - **complement**: C1q needs several Fc tails close together (:data:`C1Q_FULL_ACTIVATION_FC`).
      The Fc tails on :data:`C1Q_FOOTPRINT_RECEPTORS` neighbouring receptors are counted exactly
      (each site bound independently); activation rises steeply with their number, so antibodies to
      *different* subunits, which add tails to the same receptors, act in synergy;
    - **modulation**: a bound bivalent IgG bridges two receptors with probability
      ``BRIDGING_SHARE * crosslinking``; receptors with three or more bridgeable sites (antibodies
      to two or more subunits) can join into a lattice, one clone to α makes chains, one clone to
      a single-copy subunit makes pairs. The weight-average cluster size is that of a branching
      process (Flory's gelation theory); larger clusters are internalised faster.

    Parameters
    ----------
    occupancy : mapping of str to float
        Subunit name (keys of :data:`ACHR_SUBUNIT_COPIES`) to the fraction of its sites bound, 0..1.
    crosslinking : float
        1 for bivalent IgG1/IgG3, 0 for Fab fragments or IgG4 after Fab-arm exchange.

    Returns
    -------
    MixtureEffect
    """
    if not hasattr(occupancy, "items") or not occupancy:
        raise ValueError(f"occupancy must be a non-empty mapping of subunit to fraction; got {occupancy!r}")
    occ = {}
    for s, th in occupancy.items():
        check_choice("subunit", s, tuple(ACHR_SUBUNIT_COPIES))
        occ[s] = check_number(f"occupancy[{s!r}]", th, 0, 1)
    c = check_number("crosslinking", crosslinking, 0, 1)
    # exact distribution of the Fc tails in one C1q footprint: a product of binomials
    pmf = np.ones(1)
    for s, th in occ.items():
        n = ACHR_SUBUNIT_COPIES[s] * C1Q_FOOTPRINT_RECEPTORS
        binom = np.array([math.comb(n, k) * th ** k * (1 - th) ** (n - k) for k in range(n + 1)])
        pmf = np.convolve(pmf, binom)
    k = np.arange(pmf.size)
    activation = np.clip((k - 1.0) / (C1Q_FULL_ACTIVATION_FC - 1.0), 0.0, 1.0) ** 2
    complement = float(np.sum(pmf * activation))
    # bridges: n_s sites per receptor, each a bridge with probability p_s
    p = {s: BRIDGING_SHARE * c * th for s, th in occ.items()}
    mean_bridges = sum(ACHR_SUBUNIT_COPIES[s] * p[s] for s in occ)
    if mean_bridges <= 0.0:
        size = 1.0
    else:
        # reached over a bridge at a site of subunit s, a receptor offers mean_bridges - p_s more
        onward = sum(ACHR_SUBUNIT_COPIES[s] * p[s] / mean_bridges * (mean_bridges - p[s]) for s in occ)
        size = 1.0 + mean_bridges / (1.0 - onward) if onward < 1.0 else math.inf
    fold = 1.0 + (MODULATION_MAX_FOLD - 1.0) * (1.0 - 1.0 / size)
    fc = sum(ACHR_SUBUNIT_COPIES[s] * th for s, th in occ.items())
    return MixtureEffect(MappingProxyType(occ), float(fc), complement, float(size), float(fold))


def simulate_mixture(subunits, days=120, *, patient=None, crosslinking=1.0, initial="healthy"):
    """Follow a limb endplate attacked by antibodies against the given AChR subunits.

    Every clone binds its subunit with the patient's baseline occupancy
    (:func:`target_occupancy` of ``patient.antibody_load``); the degradation fold and the
    complement activation of :func:`mixture_effect` replace the patient's modulation and
    complement weights, while blockade and the subclass's complement potency are the patient's.

    Parameters
    ----------
    subunits : sequence of str
        Subunits the clones bind, e.g. ``("alpha",)`` for one clone to the main immunogenic region
        or ``("alpha", "beta", "delta", "epsilon")`` for a polyclonal serum.
    days : int
        Days to follow, >= 1.
    patient : Patient, optional
        Default: the early-onset AChR+ archetype.
    crosslinking : float
        As in :func:`mixture_effect`.
    initial : "healthy" or "steady"
        Start from a healthy endplate (a passive-transfer experiment) or at steady state.

    Returns
    -------
    tuple of (MixtureEffect, JunctionCourse)
        The mixture's effect and the endplate, one row per day (one muscle group).
    """
    p = get_patient("achr_early_onset") if patient is None else patient
    if not isinstance(p, Patient):
        raise ValueError(f"patient must be a Patient; got {p!r}")
    if isinstance(subunits, str) or not subunits:
        raise ValueError(f"subunits must be a non-empty sequence of subunit names; got {subunits!r}")
    n = check_int("days", days, 1, 36500)
    theta = float(target_occupancy(p.antibody_load))
    eff = mixture_effect({s: theta for s in subunits}, crosslinking)
    jn = simulate_junction(1.0, np.full((n + 1, 1), theta), patient=p, initial=initial,
                           modulation=eff.modulation_fold, lysis=eff.complement_activation)
    return eff, jn
