"""The acetylcholine receptor at equilibrium: two-site binding, gating, antibodies and antagonists.

The muscle nicotinic AChR has two ACh binding sites; only the doubly liganded receptor opens
often (Colquhoun & Sakmann 1985). With per-site dissociation constant ``K`` and gating efficacy
``E = beta / alpha`` the equilibrium scheme

    R  <->  AR  <->  A2R  <->  A2R*          (two identical, independent sites;
                                            the last step has equilibrium constant E)

gives an open probability

    P_open = E a^2 / ((1 + a + b)^2 + E a^2),   a = [ACh]/K,  b = [B]/K_B,

where ``B`` is a competitive antagonist (curare, or a blocking antibody's Fab) that occupies a
site without opening the channel. The maximum is ``E / (1 + E)``; the antagonist shifts the
curve to the right without lowering the maximum - the signature of competitive block.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_number
from .parameters import HUMAN, Endplate

__all__ = ["open_probability", "antibody_occupancy", "ec50_uM", "hill_slope"]


def _check_endplate(endplate):
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    return endplate


def open_probability(ach_uM, endplate: Endplate = HUMAN, *, antagonist_uM=0.0, antagonist_kd_uM=0.2):
    """Steady-state open probability of the AChR at a given ACh concentration.

    Parameters
    ----------
    ach_uM : float or array_like
        Free ACh concentration, µM (>= 0).
    endplate : Endplate
        Supplies ``kd_site_uM`` (per-site K_d, µM) and the gating rates ``beta_per_ms``,
        ``alpha_per_ms``.
    antagonist_uM : float or array_like
        Concentration of a competitive antagonist of the ACh site (e.g. d-tubocurarine), µM.
    antagonist_kd_uM : float
        Its per-site dissociation constant, µM (d-tubocurarine about 0.1-0.3 µM at the
        adult receptor; Colquhoun & Sakmann 1985 review values).

    Returns
    -------
    ndarray
        Open probability, same shape as the broadcast inputs, in [0, E/(1+E)).
    """
    ep = _check_endplate(endplate)
    a = check_array("ach_uM", ach_uM, 0.0, None, unit="µM") / ep.kd_site_uM
    b = check_array("antagonist_uM", antagonist_uM, 0.0, None, unit="µM") / check_number(
        "antagonist_kd_uM", antagonist_kd_uM, 0.0, None, lo_open=True, unit="µM")
    efficacy = ep.beta_per_ms / ep.alpha_per_ms
    num = efficacy * a * a
    return num / ((1.0 + a + b) ** 2 + num)


def ec50_uM(endplate: Endplate = HUMAN, *, antagonist_uM=0.0, antagonist_kd_uM=0.2) -> float:
    """ACh concentration (µM) giving half the maximal open probability.

    Closed form: with ``c = 1 + b`` and ``u = a / (c + a)`` the open probability is
    ``E u^2 / (1 + E u^2)``; half of its maximum ``E / (1 + E)`` is reached at
    ``u = 1 / sqrt(2 + E)``, that is ``a = c / (sqrt(2 + E) - 1)``.
    """
    ep = _check_endplate(endplate)
    b = check_number("antagonist_uM", antagonist_uM, 0.0, None, unit="µM") / check_number(
        "antagonist_kd_uM", antagonist_kd_uM, 0.0, None, lo_open=True, unit="µM")
    efficacy = ep.beta_per_ms / ep.alpha_per_ms
    return float(ep.kd_site_uM * (1.0 + b) / (np.sqrt(2.0 + efficacy) - 1.0))


def hill_slope(endplate: Endplate = HUMAN) -> float:
    """Hill coefficient of the dose-response curve at its EC50 (dimensionless).

    The Hill slope is ``d ln(P / (Pmax - P)) / d ln[ACh]``; with ``u = a / (1 + a)`` it equals
    ``2 / (1 + u)``, evaluated at the EC50 where ``u = 1 / sqrt(2 + E)``. Two sites give a
    slope below 2 because singly liganded receptors absorb part of the agonist.
    """
    ep = _check_endplate(endplate)
    u = 1.0 / np.sqrt(2.0 + ep.beta_per_ms / ep.alpha_per_ms)
    return float(2.0 / (1.0 + u))


def antibody_occupancy(titer_nM, kd_nM):
    """Fraction of AChR bound by antibody at equilibrium.

    With antibody in excess over receptor (true in serum: the AChR of all endplates is far less
    than circulating IgG), occupancy follows the law of mass action,
    ``occupancy = titer / (titer + K_d)``.

    Parameters
    ----------
    titer_nM : float or array_like
        Concentration of free anti-AChR antibody, nM (a radio-immunoassay titer of
        0.5-100 nmol/L is typical of AChR MG; Vincent & Newsom-Davis 1985).
    kd_nM : float or array_like
        Dissociation constant of the antibody-AChR complex, nM (> 0; high-affinity MG
        antibodies are about 0.1-1 nM).

    Returns
    -------
    ndarray
        Fraction bound, in [0, 1).
    """
    t = check_array("titer_nM", titer_nM, 0.0, None, unit="nM")
    k = check_array("kd_nM", kd_nM, 0.0, None, lo_open=True, unit="nM")
    return t / (t + k)
