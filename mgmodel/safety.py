"""The safety factor of neuromuscular transmission and the firing threshold of the endplate.

Safety factor
-------------
``SF = EPP / (V_threshold - V_rest)`` (Wood & Slater 2001; Ruff 2011), with the EPP computed with
the action potential disabled. ``safety_factor`` returns this *measured* (raw) SF, the EPP being
the real depolarization after non-linear summation - the number that decides whether the fibre
fires. ``corrected=True`` gives the SF from the EPP corrected for non-linear summation with
Martin's (1955) formula in the form of McLachlan & Martin (1981), ``v' = v / (1 - f v / (E_rev -
V_rest))`` with ``f = 0.8`` (``MARTIN_F``): ``f`` < 1 allows for the endplate current spreading
into the fibre's cable, so that the endplate depolarizes less than an isopotential patch would.
It is the form in which many papers report the SF, and always the larger of the two.

Threshold
---------
The endplate's threshold is low because the junctional folds are packed with voltage-gated Na
channels (Ruff & Lennon 2008; Slater 2017). Their steady-state conductance follows
Hodgkin-Huxley activation, ``q(x) = m_inf(x)³`` with ``m_inf`` a Boltzmann curve of
depolarization ``x = V - V_rest`` (half-activation ``na_m_half_mV``; slope ``3 s`` so that near
rest the conductance e-folds every ``s`` = ``na_slope_mV``). The threshold is the depolarization
at which the Na current first outgrows the leak current:

    x = f * G * (q(x) - q(0)) * (E_Na - V_rest - x)

where ``f`` is ``na_channel_fraction`` times the fraction of channels not inactivated
(:func:`na_availability`). ``G`` is fixed by requiring the healthy threshold (``f = 1``) to lie
``threshold_gap_mV`` above rest. Losing fold membrane (complement lysis in MG) lowers ``f`` and
raises the threshold. Because activation saturates, there is a smallest ``f`` (about 0.5 % of the
healthy channels) below which the Na current can never outgrow the leak: the endplate is then
inexcitable, the threshold is reported as ``inf`` and the SF as 0. A sustained depolarization
that inactivates most channels therefore blocks transmission (depolarizing block).

Leaving the endplate
--------------------
An action potential started at the endplate must regenerate in the membrane beyond it, whose Na
current density is 5-10 times lower than near the endplate (Caldwell & Milton 1988, loose-patch
clamp of rat, mouse and snake fibres; :data:`EXTRAJUNCTIONAL_NA_RATIO` = 1/7, the geometric middle).
A lasting depolarization of the endplate spreads into that membrane (the fibre's length constant,
~1 mm, is much longer than the endplate) and inactivates its channels as well; once the channels
left there fall below the smallest excitable fraction, the impulse cannot propagate however large
the EPP (:func:`propagates`). With the inactivation curve of :func:`na_availability` this happens
at a sustained depolarization of about 29 mV (a fibre held near -51 mV), in line with muscle
fibres becoming inexcitable when depolarized to about -55 to -50 mV (hyperkalaemic periodic
paralysis; Lehmann-Horn et al. 1987). The fold loss of MG does not touch that membrane.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.optimize import brentq

from ._checks import check_array
from .endplate import simulate_epp
from .parameters import HUMAN, Endplate

__all__ = ["threshold_mV", "threshold_gap_mV", "safety_factor", "martin_correction", "na_availability",
           "MARTIN_F", "EXTRAJUNCTIONAL_NA_RATIO", "propagates", "propagation_limit_mV"]

#: Na channel density of the membrane beyond the endplate relative to the endplate's own
#: (Caldwell & Milton 1988: 5- to 10-fold lower away from the endplate; geometric middle).
EXTRAJUNCTIONAL_NA_RATIO = 1.0 / 7.0


@functools.lru_cache(maxsize=32)
def _gap_table(gap0, slope, drive_na, x_half):
    """Threshold gap (mV) on a grid of log10(na_channel_fraction) from -9 to 0."""
    def q(x):
        return (1.0 / (1.0 + np.exp(-(x - x_half) / (3.0 * slope)))) ** 3

    q0 = q(0.0)
    g = gap0 / ((q(gap0) - q0) * (drive_na - gap0))
    log_f = np.linspace(-9.0, 0.0, 721)
    gaps = np.empty_like(log_f)
    xs = np.linspace(1e-6, drive_na - 1e-6, 4001)
    for i, lf in enumerate(log_f):
        fg = 10.0 ** lf * g

        def phi(x, fg=fg):
            return fg * (q(x) - q0) * (drive_na - x) - x

        # phi < 0 just above rest (leak wins), > 0 somewhere before E_Na if a threshold exists
        vals = phi(xs)
        pos = np.flatnonzero(vals > 0)
        if pos.size == 0:
            gaps[i] = np.inf
            continue
        j = pos[0]
        gaps[i] = brentq(phi, xs[j - 1], xs[j], xtol=1e-9)
    return log_f, gaps


def threshold_gap_mV(na_channel_fraction, endplate: Endplate = HUMAN):
    """Depolarization from rest needed to fire an action potential, mV (vectorized).

    Parameters
    ----------
    na_channel_fraction : float or array_like
        Fraction of the fold membrane and its Na channels left, in (0, 1].
    endplate : Endplate
        Supplies ``threshold_gap_mV`` (healthy gap), ``na_slope_mV``, ``e_na_mV``, ``v_rest_mV``.

    Returns
    -------
    ndarray
        ``V_threshold - V_rest`` in mV; ``inf`` where no threshold exists.
    """
    f = check_array("na_channel_fraction", na_channel_fraction, 0.0, 1.0, lo_open=True)
    log_f, gaps = _gap_table(endplate.threshold_gap_mV, endplate.na_slope_mV,
                             endplate.e_na_mV - endplate.v_rest_mV,
                             endplate.na_m_half_mV - endplate.v_rest_mV)
    lf = np.log10(f)
    out = np.interp(lf, log_f, gaps)  # inf in the table propagates where no threshold exists
    finite = np.isfinite(gaps)
    return np.where(lf < log_f[finite][0], np.inf, out)


def threshold_mV(endplate: Endplate = HUMAN) -> float:
    """Firing threshold of the endplate, mV (absolute membrane potential)."""
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    return float(endplate.v_rest_mV + threshold_gap_mV(endplate.na_channel_fraction, endplate))


#: McLachlan & Martin (1981): the factor of Martin's correction for a fibre with cable
#: properties (0.8 rather than Martin's 1955 value of 1 for an isopotential endplate).
MARTIN_F = 0.8


def martin_correction(epp_mV, endplate: Endplate = HUMAN):
    """EPP corrected for non-linear summation (Martin 1955; McLachlan & Martin 1981), mV.

    ``v' = v / (1 - f v / (E_rev - V_rest))`` with ``f = MARTIN_F = 0.8``: the EPP that would be
    seen if the driving force did not fall as the membrane depolarizes. Valid for
    ``0 <= v < E_rev - V_rest``.
    """
    drive = endplate.e_rev_mV - endplate.v_rest_mV
    v = check_array("epp_mV", epp_mV, 0.0, drive, hi_open=True, unit="mV")
    return v / (1.0 - MARTIN_F * v / drive)


def safety_factor(endplate: Endplate = HUMAN, quanta=None, *, corrected=False) -> float:
    """Safety factor of transmission at one endplate for one nerve impulse.

    Parameters
    ----------
    endplate : Endplate
        The endplate (default healthy human).
    quanta : float, optional
        Quanta released (default ``endplate.quantal_content``).
    corrected : bool
        If True, use the EPP corrected for non-linear summation (Martin 1955).

    Returns
    -------
    float
        ``EPP / (V_threshold - V_rest)``; > 1 means the fibre fires. 0 if no threshold exists.

    Examples
    --------
    >>> from mgmodel import safety_factor, HUMAN
    >>> 2.0 <= safety_factor(HUMAN) <= 5.0
    True
    """
    if not isinstance(corrected, bool):
        raise ValueError(f"corrected must be True or False; got {corrected!r}")
    res = simulate_epp(endplate, quanta, t_max_ms=10.0)
    epp = res.peak_epp_mV
    if corrected:
        epp = float(martin_correction(epp, endplate))
    gap = float(threshold_gap_mV(endplate.na_channel_fraction, endplate))
    return 0.0 if not np.isfinite(gap) else epp / gap



def na_availability(depolarization_mV, endplate: Endplate = HUMAN):
    """Fraction of the resting Na-channel availability left at a sustained depolarization.

    ``h_inf(V_rest + u) / h_inf(V_rest)`` with the Boltzmann steady-state inactivation curve
    ``h_inf(V) = 1 / (1 + exp((V - V_half) / k))`` (``na_h_half_mV``, ``na_h_slope_mV``).
    1 at rest; it falls as a lasting depolarization ``u`` (mV above rest) inactivates the
    channels, which raises the threshold (see :func:`threshold_gap_mV`).
    """
    u = check_array("depolarization_mV", depolarization_mV, -50.0, 200.0, unit="mV")
    ep = endplate
    k = ep.na_h_slope_mV
    x0 = (ep.v_rest_mV - ep.na_h_half_mV) / k
    return (1.0 + np.exp(x0)) / (1.0 + np.exp(x0 + u / k))


def propagates(depolarization_mV, endplate: Endplate = HUMAN):
    """Whether an action potential can leave the endplate on a sustained depolarization (vectorized).

    ``True`` where the membrane beyond the endplate, with :data:`EXTRAJUNCTIONAL_NA_RATIO` of the
    endplate's Na channels and the fraction :func:`na_availability` of them not inactivated by
    the lasting depolarization ``depolarization_mV`` (mV above rest), still has a threshold
    (see the module docstring): below :func:`propagation_limit_mV`, about 29 mV above rest for
    the human endplate.
    """
    u = check_array("depolarization_mV", depolarization_mV, -50.0, 200.0, unit="mV")
    return u < propagation_limit_mV(endplate)


def propagation_limit_mV(endplate: Endplate = HUMAN) -> float:
    """Sustained depolarization above rest (mV) beyond which no impulse leaves the endplate."""
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    return _propagation_limit(endplate.threshold_gap_mV, endplate.na_slope_mV, endplate.e_na_mV,
                              endplate.v_rest_mV, endplate.na_m_half_mV, endplate.na_h_half_mV,
                              endplate.na_h_slope_mV)


@functools.lru_cache(maxsize=32)
def _propagation_limit(*constants):
    gap0, slope, e_na, v_rest, m_half, h_half, h_slope = constants
    log_f, gaps = _gap_table(gap0, slope, e_na - v_rest, m_half - v_rest)
    smallest = 10.0 ** log_f[np.isfinite(gaps)][0]           # the smallest excitable fraction
    # availability h_inf(V_rest + u) / h_inf(V_rest) (na_availability) falls to smallest / ratio
    target = smallest / EXTRAJUNCTIONAL_NA_RATIO
    x0 = (v_rest - h_half) / h_slope
    # (1 + e^x0) / (1 + e^(x0 + u/k)) = target  ->  u = k (ln((1 + e^x0) / target - 1) - x0)
    return float(h_slope * (np.log((1.0 + np.exp(x0)) / target - 1.0) - x0))
