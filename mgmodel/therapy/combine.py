"""All therapy types, and the combination of several therapies into mechanism arrays."""

from __future__ import annotations

import numpy as np

from .antibody_removal import IVIG, FcRnAntagonist, PlasmaExchange
from .complement import ComplementInhibitor
from .immunosuppression import Immunosuppressant, Prednisone, Rituximab, Thymectomy
from .pyridostigmine import Pyridostigmine

__all__ = ["THERAPY_TYPES", "therapy_effects"]

THERAPY_TYPES = (
    Pyridostigmine,
    Prednisone,
    Immunosuppressant,
    Thymectomy,
    PlasmaExchange,
    IVIG,
    FcRnAntagonist,
    ComplementInhibitor,
    Rituximab,
)
"""All therapy classes."""

_MULTIPLY = ("drive", "b_cells", "plex_remaining")
_BLOCK = ("fcrn_occupancy", "complement_block", "ache_inhibition", "ache_inhibition_peak")
_ADD = ("ivig_g_per_kg",)


def therapy_effects(therapies, t_days, dt_days, patient):
    """Combine the therapies into one array per mechanism on the time grid.

    Parameters
    ----------
    therapies : sequence of therapy objects
    t_days : ndarray
        Step start times, days.
    dt_days : float
        Step, days.
    patient : mgmodel.patients.Patient
        Needed for patient-specific effects (thymectomy acts on the thymic share of the drive).

    Returns
    -------
    dict of str -> ndarray
        Keys as in the module table; absent mechanisms are neutral (1 or 0).
    """
    t = np.asarray(t_days, dtype=float)
    out = {k: np.ones_like(t) for k in _MULTIPLY}
    out.update({k: np.zeros_like(t) for k in _BLOCK + _ADD})
    for th in therapies:
        for key, arr in th.effects(t, dt_days, patient).items():
            if key in _MULTIPLY:
                out[key] = out[key] * arr
            elif key in _BLOCK:
                out[key] = 1.0 - (1.0 - out[key]) * (1.0 - arr)
            else:
                out[key] = out[key] + arr
    return out
