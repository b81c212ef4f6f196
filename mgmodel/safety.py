"""The safety factor of neuromuscular transmission and the firing threshold of the endplate.

Safety factor
-------------
``SF = EPP / (V_threshold - V_rest)`` (Wood & Slater 2001; Ruff 2011), with the EPP computed with
the action potential disabled. ``safety_factor`` returns this *measured* (raw) SF, the EPP being
the real depolarization after non-linear summation - the number that decides whether the fibre
fires. ``corrected=True`` gives the SF from the EPP corrected for non-linear summation with
Martin's (1955) formula ``v' = v / (1 - v / (E_rev - V_rest))``, the form in which many older
papers report it; it is always the larger of the two.

Threshold
---------
The endplate's threshold is low because the junctional folds are packed with voltage-gated Na
channels (Ruff & Lennon 2008; Slater 2017). Near threshold their conductance rises
exponentially with depolarization ``x = V - V_rest`` (e-fold ``s`` = ``na_slope_mV``), so the
threshold is the depolarization at which the Na current first outgrows the leak current:

    x = f * G * (exp(x / s) - 1) * (E_Na - V_rest - x)

where ``f`` is ``na_channel_fraction``. ``G`` is fixed by requiring the healthy threshold
(``f = 1``) to lie ``threshold_gap_mV`` above rest. Losing fold membrane (complement lysis in MG)
lowers ``f`` and raises the threshold; below ``f`` of about 1e-9 no threshold exists (the fibre
is inexcitable at the endplate) and the threshold is reported as ``inf``, the SF as 0.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.optimize import brentq

from ._checks import check_array
from .endplate import simulate_epp
from .parameters import HUMAN, Endplate

__all__ = ["threshold_mV", "threshold_gap_mV", "safety_factor", "martin_correction"]


@functools.lru_cache(maxsize=32)
def _gap_table(gap0, slope, drive_na):
    """Threshold gap (mV) on a grid of log10(na_channel_fraction) from -9 to 0."""
    g = gap0 / ((np.exp(gap0 / slope) - 1.0) * (drive_na - gap0))
    log_f = np.linspace(-9.0, 0.0, 361)
    gaps = np.empty_like(log_f)
    for i, lf in enumerate(log_f):
        fg = 10.0 ** lf * g

        def phi(x, fg=fg):
            return fg * np.expm1(x / slope) * (drive_na - x) - x

        # phi < 0 just above rest (leak wins), > 0 somewhere before E_Na if a threshold exists
        xs = np.linspace(1e-6, drive_na - 1e-6, 4001)
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
                             endplate.e_na_mV - endplate.v_rest_mV)
    lf = np.log10(f)
    out = np.interp(lf, log_f, gaps)  # inf in the table propagates where no threshold exists
    return np.where(lf < log_f[0], np.inf, out)


def threshold_mV(endplate: Endplate = HUMAN) -> float:
    """Firing threshold of the endplate, mV (absolute membrane potential)."""
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    return float(endplate.v_rest_mV + threshold_gap_mV(endplate.na_channel_fraction, endplate))


def martin_correction(epp_mV, endplate: Endplate = HUMAN):
    """EPP corrected for non-linear summation (Martin 1955), mV.

    ``v' = v / (1 - v / (E_rev - V_rest))``: the EPP that would be seen if the driving force did
    not fall as the membrane depolarizes. Valid for ``0 <= v < E_rev - V_rest``.
    """
    drive = endplate.e_rev_mV - endplate.v_rest_mV
    v = check_array("epp_mV", epp_mV, 0.0, drive, hi_open=True, unit="mV")
    return v / (1.0 - v / drive)


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

