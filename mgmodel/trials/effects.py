"""Why the placebo arm improves too: the trial effects, each a separate, switchable mechanism.

:class:`TrialEffects` says which mechanisms act in a run; :data:`ALL_EFFECTS` has them all on.

Regression to the mean (``regression_to_mean``)
    Patients are enrolled when their scores pass a threshold (MG-ADL >= 5 in ADAPT, >= 6 in
    CHAMPION-MG and RAISE) at screening and at baseline. Scores fluctuate from day to day
    (:mod:`mgmodel.trials.outcomes`) and antibody production varies slowly, so patients are
    enrolled on average in a worse spell than their own mean; later visits drift back, in every
    arm. The effect needs nothing but fluctuation and a threshold (Barnett et al. 2005 Int J
    Epidemiol 34:215). Switched off, eligibility is judged on the patient's noise-free scores and
    antibody production does not vary, so enrolment no longer selects bad spells.
Expectation (placebo) response (``expectation``)
    Being in a blinded trial with the hope of a new drug, with more attention and care, improves
    what patients report and how they perform: in the placebo arms of MG trials MG-ADL falls by
    1.4-2.3 points (CHAMPION-MG -1.4, Vu et al. 2022; RAISE -2.30, Howard et al. 2023), part of it
    regression to the mean, part expectation. Modelled as a shift of the weakness patients
    report (MG-ADL) of :data:`EXPECTATION_WEAKNESS`, reached with time constant
    :data:`EXPECTATION_ONSET_DAYS`; the examiner-scored QMG gets :data:`EXPECTATION_QMG_SHARE` of
    it (effort-dependent timed tasks). Open-label arms and unblinded designs get none.
Background therapy (``background_therapy``)
    Standard-of-care drugs (pyridostigmine, prednisone, azathioprine or mycophenolate) taken in
    both arms, begun ``CohortSpec.background_days`` before randomisation: slow immunosuppressants
    still improve the disease months after they were started (azathioprine 6-15 months, Palace et
    al. 1998 Neurology 50:1778), so both arms drift better. Switched off, nobody takes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import checked_replace

__all__ = ["TrialEffects", "ALL_EFFECTS", "NO_EFFECTS", "EXPECTATION_WEAKNESS", "EXPECTATION_ONSET_DAYS",
           "EXPECTATION_QMG_SHARE"]

EXPECTATION_WEAKNESS = 0.035
"""Reduction of reported weakness by the expectation response at full effect (weakness units).
fit: the placebo arms of CHAMPION-MG (-1.4) and RAISE (-2.30) together with regression to the mean."""
EXPECTATION_ONSET_DAYS = 36.0
"""Time constant of the expectation response, days: in a model-based meta-analysis of 13 placebo-
controlled MG trials the placebo effect on MG-ADL grew over time and reached 90 % of its maximum
by 12 weeks (Chen et al. 2021 Expert Opin Investig Drugs 30:1231), i.e. 84 d / ln 10."""
EXPECTATION_QMG_SHARE = 0.5
"""Share of the expectation response seen in the examiner-scored QMG (soft)."""


@dataclass(frozen=True)
class TrialEffects:
    """Which trial effects act (see the module docstring). All on by default."""

    regression_to_mean: bool = True
    expectation: bool = True
    background_therapy: bool = True

    def __post_init__(self):
        for name in ("regression_to_mean", "expectation", "background_therapy"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False; got {getattr(self, name)!r}")

    def replace(self, **changes) -> "TrialEffects":
        """A copy with some switches changed."""
        return checked_replace(self, changes, "effect")


ALL_EFFECTS = TrialEffects()
"""Every trial effect on."""
NO_EFFECTS = TrialEffects(False, False, False)
"""Every trial effect off: what the drug alone does."""
