"""What one therapy does for one patient: the best month of strength against the untreated course.

:func:`therapy_matrix` (patients x therapies) is the heat map of lesson 08. Both run
:func:`mgmodel.clinic.simulate_course`, imported when called (the clinic itself uses the therapies).
"""

from __future__ import annotations

import numpy as np

__all__ = ["therapy_effect", "therapy_matrix"]


def therapy_effect(patient, therapy, *, days=395, untreated=None, rng=None) -> float:
    """What one therapy does for one patient: its best month, in percentage points of strength.

    The change in :func:`mgmodel.clinic.mean_strength` against the untreated course, averaged over each 30-day
    window from the therapy's start day on; the window with the largest change (sign kept) is
    returned. A month, because fast therapies (plasma exchange, FcRn antagonists) act for weeks
    and slow ones (thymectomy, immunosuppressants) only after months.

    Parameters
    ----------
    patient : Patient or str
    therapy : a therapy object from :mod:`mgmodel.therapy`
    days : int
        Length of both courses (at least the start day + 30).
    untreated : CourseResult, optional
        The untreated course of the same patient and length, if already computed.
    rng : as in :func:`mgmodel.clinic.simulate_course` (the same seed for both courses).
    """
    from ..clinic import mean_strength, simulate_course

    start = int(therapy.start_day)
    if days < start + 30:
        raise ValueError(f"days must be at least the therapy's start day + 30 = {start + 30}; got {days}")
    base = untreated if untreated is not None else simulate_course(patient, days, rng=rng)
    delta = mean_strength(simulate_course(patient, days, [therapy], rng=rng)) - mean_strength(base)
    month = np.convolve(delta[start:], np.ones(30) / 30, mode="valid")
    return float(100.0 * month[np.argmax(np.abs(month))])


def therapy_matrix(patients, therapies, *, days=395, rng=None, progress=True) -> np.ndarray:
    """:func:`therapy_effect` for every patient (rows) and therapy (columns), percentage points.

    Takes a few seconds for the ten archetypes and nine therapies, so it shows a progress bar
    (notebook-aware) unless ``progress=False``.
    """
    from tqdm.auto import tqdm

    from ..clinic import simulate_course

    patients, therapies = list(patients), list(therapies)
    out = np.zeros((len(patients), len(therapies)))
    with tqdm(total=len(patients) * len(therapies), desc="simulating courses", disable=not progress,
              leave=False) as bar:
        for i, p in enumerate(patients):
            base = simulate_course(p, days, rng=rng)
            for j, th in enumerate(therapies):
                out[i, j] = therapy_effect(p, th, days=days, untreated=base, rng=rng)
                bar.update()
    return out
