"""What every therapy shares: a start day, a validated ``replace``, and time-course helpers.

A therapy is a frozen dataclass deriving from :class:`Therapy`; its ``effects(t_days, dt_days,
patient)`` returns mechanism arrays on the simulation's time grid (see :mod:`mgmodel.therapy`).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_number, checked_replace

__all__ = ["Therapy", "event_index", "on_window", "onset_offset", "LN2"]

LN2 = math.log(2.0)
"""Natural log of 2 (half-life to rate constant)."""


def event_index(t_days, dt_days):
    """Index of the first step that starts at or after ``t_days``."""
    return int(math.ceil(t_days / dt_days - 1e-9))


class Therapy:
    """Base of every therapy: start-day checks, ``replace`` and the plotting interval."""

    label = "therapy"

    def _check_start(self):
        object.__setattr__(self, "start_day", check_number("start_day", self.start_day, 0, None, unit="days"))

    def _check_stop(self):
        if self.stop_day is not None:
            stop = check_number("stop_day", self.stop_day, 0, None, unit="days")
            if stop <= self.start_day:
                raise ValueError(
                    f"stop_day must be later than start_day ({self.start_day:g}); got {stop:g}"
                )
            object.__setattr__(self, "stop_day", stop)

    def replace(self, **changes):
        """Return a copy with some fields changed (validated again)."""
        return checked_replace(self, changes, "field")

    def interval(self, horizon_days):
        """(label, start_day, end_day) for plotting; ``end_day`` is capped at ``horizon_days``."""
        stop = getattr(self, "stop_day", None)
        end = horizon_days if stop is None else stop
        return self._clip(self.start_day, end, horizon_days)

    def _clip(self, start, end, horizon_days):
        return (self.label, min(start, horizon_days), min(end, horizon_days))


def on_window(t, start, stop):
    on = t >= start
    if stop is not None:
        on &= t < stop
    return on


def onset_offset(t, start, stop, tau_on_days, half_off_days=None):
    """Effect that builds up with time constant ``tau_on`` and, after ``stop``, fades (1 at full)."""
    x = np.where(t >= start, 1.0 - np.exp(-np.maximum(t - start, 0.0) / tau_on_days), 0.0)
    if stop is not None:
        at_stop = 1.0 - math.exp(-(stop - start) / tau_on_days)
        k_off = LN2 / half_off_days if half_off_days else 1.0 / tau_on_days
        x = np.where(t >= stop, at_stop * np.exp(-k_off * np.maximum(t - stop, 0.0)), x)
    return x
