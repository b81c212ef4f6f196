"""Therapies as schedules, each with its pharmacology.

Every therapy is a frozen dataclass with a ``start_day`` (day 0 = start of the simulation) and its
dosing. :func:`therapy_effects` turns a tuple of them into arrays on the simulation's time grid, one
array per mechanism, which :func:`mgmodel.disease.simulate_disease` consumes:

======================== =========================================== =========================================
mechanism                meaning                                     therapies
======================== =========================================== =========================================
``drive``                autoimmune drive on B cells (1 = untreated) Prednisone, Immunosuppressant, Thymectomy
``b_cells``              CD20+ B cells relative to normal            Rituximab
``fcrn_occupancy``       FcRn IgG sites held by a blocker (0..1)     FcRnAntagonist
``complement_block``     fraction of C5/MAC formation blocked        ComplementInhibitor
``ivig_g_per_kg``        infused IgG given at the start of a step    IVIG
``plex_remaining``       plasma protein left after exchange(s)       PlasmaExchange
``ache_inhibition``      daily mean AChE inhibition (waking hours)   Pyridostigmine
``ache_inhibition_peak`` deepest AChE inhibition of the day          Pyridostigmine
======================== =========================================== =========================================

Drug effects combine as independent actions: multiplicative for ``drive``, ``b_cells`` and
``plex_remaining``; ``1 - prod(1 - x)`` for occupancies, blocks and inhibitions; doses add.

Pyridostigmine also has an hour-scale interface, :func:`pyridostigmine_inhibition` and
:meth:`Pyridostigmine.ache_activity`, for the fast (endplate) model.

Rooms: :mod:`~mgmodel.therapy.schedule` (the base class), :mod:`~mgmodel.therapy.pyridostigmine`,
:mod:`~mgmodel.therapy.immunosuppression`, :mod:`~mgmodel.therapy.antibody_removal`,
:mod:`~mgmodel.therapy.complement`, :mod:`~mgmodel.therapy.combine` and
:mod:`~mgmodel.therapy.effect` (what one therapy does for one patient, the lesson-08 heat map).
"""

from .schedule import Therapy
from .pyridostigmine import (DEPOLARIZING_BLOCK_INHIBITION, FIRST_DOSE_CLOCK_H, WAKING_HOURS, Pyridostigmine,
                             pyridostigmine_ache_activity, pyridostigmine_inhibition)
from .immunosuppression import Immunosuppressant, Prednisone, Rituximab, Thymectomy
from .antibody_removal import IVIG, IVIG_ANTI_IDIOTYPE_POTENCY, FcRnAntagonist, PlasmaExchange
from .complement import ComplementInhibitor
from .combine import THERAPY_TYPES, therapy_effects
from .effect import therapy_effect, therapy_matrix

__all__ = [
    "Therapy", "Pyridostigmine", "Prednisone", "Immunosuppressant", "Thymectomy", "PlasmaExchange", "IVIG",
    "FcRnAntagonist", "ComplementInhibitor", "Rituximab", "THERAPY_TYPES", "therapy_effects",
    "pyridostigmine_inhibition", "pyridostigmine_ache_activity", "DEPOLARIZING_BLOCK_INHIBITION",
    "IVIG_ANTI_IDIOTYPE_POTENCY", "WAKING_HOURS", "FIRST_DOSE_CLOCK_H", "therapy_effect", "therapy_matrix",
]
