"""Clinical limits the course reads the model's numbers against: one constant in one place.

The model computes a decrement, a jitter or a score; whether that number is *abnormal* is a
convention of clinical neurophysiology, not physiology, and every panel, plot and lesson that
says "abnormal" uses the limits here.

- :data:`DECREMENT_LIMIT_PCT` - repetitive nerve stimulation at 2-5 Hz: a decrement of the 4th or
  5th response against the 1st of 10 % or more is abnormal (Abraham et al. 2017, *Muscle Nerve*
  55:166-170).
- :data:`SFEMG_PAIRS_OVER_LIMIT_PCT` - single-fibre EMG: a study is abnormal when more than 10 % of
  the fibre pairs exceed the limit for one pair (IFCN guidelines, Sanders et al. 2019).
- :func:`decrement_is_abnormal` - the verdict on one decrement, NaN-safe.
"""

from __future__ import annotations

import math

__all__ = ["DECREMENT_LIMIT_PCT", "DECREMENT_LIMIT_FRACTION", "SFEMG_PAIRS_OVER_LIMIT_PCT",
           "decrement_is_abnormal", "decrement_verdict"]

#: Abnormal 3 Hz decrement, % of the first response (Abraham2017).
DECREMENT_LIMIT_PCT = 10.0
#: The same limit as the amplitude left: the 4th/5th response below 90 % of the 1st.
DECREMENT_LIMIT_FRACTION = 1.0 - DECREMENT_LIMIT_PCT / 100.0
#: SFEMG: abnormal when more than this % of pairs exceed the one-pair limit (Sanders2019).
SFEMG_PAIRS_OVER_LIMIT_PCT = 10.0


def decrement_is_abnormal(decrement_pct) -> bool:
    """True when a decrement (%) reaches :data:`DECREMENT_LIMIT_PCT`; False for NaN (not defined)."""
    d = float(decrement_pct)
    return math.isfinite(d) and d >= DECREMENT_LIMIT_PCT


def decrement_verdict(decrement_pct) -> str:
    """``"abnormal (≥ 10 %)"``, ``"normal (< 10 %)"`` or ``"not defined"`` for a decrement in %."""
    d = float(decrement_pct)
    if not math.isfinite(d):
        return "not defined"
    limit = f"{DECREMENT_LIMIT_PCT:g} %"
    return f"abnormal (≥ {limit})" if d >= DECREMENT_LIMIT_PCT else f"normal (< {limit})"
