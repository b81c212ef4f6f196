"""Outcome measures as clinicians score them: MG-ADL and QMG from strength per muscle group.

Both scales score items 0 (normal) to 3 (severe). Here each item is scored from the *latent
weakness* of the muscle group that serves it, ``w = 1 - strength`` (from
:func:`mgmodel.clinic.group_strength`), plus two kinds of noise that every trial lives with:

* **day-to-day fluctuation** of the disease (``fluctuation``, shared by all items of a visit):
  myasthenic weakness varies from day to day with exertion, sleep, heat, intercurrent illness
  and emotion, which is why the scales ask about, or test, fatigable tasks (Wolfe et al. 1999
  Neurology 52:1487; Barohn et al. 1998 Ann N Y Acad Sci 841:769). It is a per-patient
  Ornstein-Uhlenbeck process, see :func:`fluctuation`.
* **item-level measurement noise** (independent per item and visit): recall of the past week for
  MG-ADL, effort and timing for QMG. MG-ADL changes of 2 points and QMG changes of 2-3 points are
  taken as the smallest real changes (MG-ADL: Muppidi et al. 2011 Muscle Nerve 44:727; QMG:
  Katzberg et al. 2014 Muscle Nerve 49:661), so the noise is set to keep the test-retest SD of a
  stable patient near 1 point (MG-ADL) and 1.5 points (QMG); see :data:`ITEM_NOISE`.

A score is the number of cut-offs the noisy weakness exceeds. MG-ADL uses the clinic's cut-offs
(:data:`mgmodel.clinic.ADL_CUTOFFS`); QMG's timed and measured tasks detect weakness earlier
than daily activities do, so its cut-offs are lower (:data:`QMG_CUTOFFS`, modelling choice).

Subdomains (Bril et al. 2023 Eur J Neurol 31:e16098, post hoc ADAPT; and RAISE): ocular, bulbar,
respiratory and limb/gross motor, the item groups of :data:`MG_ADL_ITEMS` and :data:`QMG_ITEMS`.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from .._checks import check_array, check_number
from ..clinic import ADL_CUTOFFS, MG_ADL_ITEMS
from ..patients import MUSCLE_GROUPS

__all__ = ["MG_ADL_ITEMS", "QMG_ITEMS", "QMG_CUTOFFS", "ITEM_NOISE", "FLUCTUATION_SD", "FLUCTUATION_DAYS",
           "fluctuation", "score_items", "mg_adl", "qmg", "subdomains", "MSE_MAX"]

#: QMG items (Barohn et al. 1998) and the muscle group that serves each.
QMG_ITEMS = MappingProxyType({
    "double vision (lateral gaze)": "ocular", "ptosis (upward gaze)": "ocular",
    "facial muscles": "bulbar", "swallowing 4 oz water": "bulbar", "speech (counting 1-50)": "bulbar",
    "right arm outstretched": "limb", "left arm outstretched": "limb",
    "vital capacity": "respiratory",
    "right hand grip": "limb", "left hand grip": "limb", "head lifted 45 degrees": "limb",
    "right leg outstretched": "limb", "left leg outstretched": "limb",
})
#: Weakness cut-offs for QMG item scores 1, 2, 3 (lower than MG-ADL's; modelling choice).
#: fit: the trials' baseline QMG for their baseline MG-ADL (CHAMPION-MG about 14.7 for 9.0;
#: RAISE about 19 for 10.6, selected by its QMG >= 12 threshold).
QMG_CUTOFFS = (0.23, 0.48, 0.73)
#: SD of the item-level measurement noise, in units of weakness (soft; see the module docstring).
ITEM_NOISE = MappingProxyType({"mg_adl": 0.06, "qmg": 0.06})
#: SD of the day-to-day fluctuation of weakness (soft; modelling choice, see the module docstring).
FLUCTUATION_SD = 0.05
#: Correlation time of the fluctuation, days (soft: weeks of better and worse spells).
FLUCTUATION_DAYS = 10.0
#: MG-ADL total of "minimal symptom expression" (0 or 1; Vissing et al. 2020 J Neurol 267:1991).
MSE_MAX = 1

_SCALES = {"mg_adl": (MG_ADL_ITEMS, ADL_CUTOFFS), "qmg": (QMG_ITEMS, QMG_CUTOFFS)}


def fluctuation(days, rng, *, sd=FLUCTUATION_SD, tau_days=FLUCTUATION_DAYS, n=None):
    """Day-to-day fluctuation of weakness at the visit ``days``: a stationary OU process.

    Parameters
    ----------
    days : array_like
        Increasing visit days (any origin).
    rng : numpy.random.Generator
    sd : float
        Stationary SD, weakness units (0-0.5).
    tau_days : float
        Correlation time, days (> 0).
    n : int, optional
        Number of independent patients (rows); default one row.

    Returns
    -------
    ndarray, shape (n or 1, len(days))
    """
    d = check_array("days", days).ravel()
    sd = check_number("sd", sd, 0, 0.5)
    tau = check_number("tau_days", tau_days, 0, None, lo_open=True, unit="days")
    rows = 1 if n is None else int(n)
    out = np.empty((rows, d.size))
    if d.size == 0:
        return out
    out[:, 0] = sd * rng.standard_normal(rows)
    for j in range(1, d.size):
        a = math.exp(-max(d[j] - d[j - 1], 0.0) / tau)
        out[:, j] = a * out[:, j - 1] + sd * math.sqrt(1.0 - a * a) * rng.standard_normal(rows)
    return out


def score_items(scale, weakness, noise=None, *, fluct=0.0, shift=0.0):
    """Item scores of one scale from latent weakness per muscle group.

    Parameters
    ----------
    scale : {"mg_adl", "qmg"}
    weakness : mapping group -> ndarray
        ``1 - strength`` of each group, all of one shape S (e.g. patients x visits).
    noise : None, numpy.random.Generator or ndarray of shape S + (n_items,)
        Item-level measurement noise: None for none, a Generator to draw it, or standard-normal
        draws (one per item, in the order of the scale's items), scaled by :data:`ITEM_NOISE`.
    fluct : float or ndarray of shape S
        Day-to-day fluctuation added to every item.
    shift : float or ndarray of shape S
        Further shift of the weakness the patient reports or shows (negative = better), e.g. an
        expectation (placebo) response.

    Returns
    -------
    dict item -> int ndarray of shape S
    """
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of {sorted(_SCALES)}; got {scale!r}")
    items, cutoffs = _SCALES[scale]
    cut = np.asarray(cutoffs)
    shape = np.shape(np.asarray(next(iter(weakness.values()))))
    if isinstance(noise, np.random.Generator):
        z = noise.standard_normal(shape + (len(items),))
    elif noise is None:
        z = np.zeros(shape + (len(items),))
    else:
        z = np.asarray(noise, float)
        if z.shape != shape + (len(items),):
            raise ValueError(f"noise must have shape {shape + (len(items),)}; got {z.shape}")
    out = {}
    for k, (item, g) in enumerate(items.items()):
        w = np.asarray(weakness[g], float) + fluct + shift + ITEM_NOISE[scale] * z[..., k]
        out[item] = np.searchsorted(cut, w, side="right")
    return out


def _total(items):
    return np.sum(list(items.values()), axis=0).astype(int)


def mg_adl(weakness, noise=None, **kw):
    """MG-ADL total (0-24) and items; arguments as in :func:`score_items`."""
    items = score_items("mg_adl", weakness, noise, **kw)
    return _total(items), items


def qmg(weakness, noise=None, **kw):
    """QMG total (0-39) and items; arguments as in :func:`score_items`."""
    items = score_items("qmg", weakness, noise, **kw)
    return _total(items), items


def subdomains(items, scale="mg_adl"):
    """Subdomain totals (ocular, bulbar, limb, respiratory) from item scores."""
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of {sorted(_SCALES)}; got {scale!r}")
    mapping = _SCALES[scale][0]
    return {g: np.sum([items[k] for k, gg in mapping.items() if gg == g], axis=0) for g in MUSCLE_GROUPS}
