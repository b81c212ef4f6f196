"""Terminal complement (C5) inhibitors."""

from __future__ import annotations

from dataclasses import dataclass

from .._checks import check_choice
from .schedule import Therapy, onset_offset

__all__ = ["ComplementInhibitor", "COMPLEMENT_INHIBITOR_AGENTS", "COMPLEMENT_BLOCK_LEVEL"]

COMPLEMENT_INHIBITOR_AGENTS = {
    # agent: (onset time constant of full block in days, half-life of the effect after the last dose in days)
    "eculizumab": (0.1, 11.3),   # anti-C5 mAb, IV every 2 weeks; t1/2 ~272 h (label)
    "ravulizumab": (0.1, 49.7),  # long-acting anti-C5 mAb, IV every 8 weeks; t1/2 ~50 d (label)
    "zilucoplan": (0.5, 7.2),    # SC macrocyclic C5 inhibitor, daily; t1/2 ~172 h (label)
}
COMPLEMENT_BLOCK_LEVEL = 0.99
"""Fraction of terminal complement activity blocked at therapeutic levels (near-complete C5 block)."""


@dataclass(frozen=True)
class ComplementInhibitor(Therapy):
    """Terminal complement (C5) inhibitor: eculizumab, ravulizumab or zilucoplan.

    Blocks cleavage of C5, so no membrane-attack complex forms on the postsynaptic folds: only the
    complement route of injury stops; blockade of the ACh site and antigenic modulation go on, and
    MuSK MG (IgG4, which does not fix complement) is not helped. Approved for AChR+ MG; improvement
    from the first week (ravulizumab, CHAMPION-MG, Vu et al. 2022 NEJM Evid 1:EVIDoa2100066;
    zilucoplan, RAISE, Howard et al. 2023 Lancet Neurol 22:395).

    Parameters
    ----------
    start_day : float
        First dose (>= 0).
    agent : {"eculizumab", "ravulizumab", "zilucoplan"}
        Sets the speed of onset and of offset after ``stop_day``.
    stop_day : float, optional
        Last day of treatment; the block then fades with the drug's half-life.
    """

    start_day: float = 0.0
    agent: str = "ravulizumab"
    stop_day: float | None = None

    label = "complement inhibitor"

    def __post_init__(self):
        self._check_start()
        check_choice("agent", self.agent, COMPLEMENT_INHIBITOR_AGENTS)
        self._check_stop()

    def effects(self, t_days, dt_days, patient):
        """Mechanism arrays on the time grid ``t_days`` (see :func:`therapy_effects`)."""
        tau_on, t_half = COMPLEMENT_INHIBITOR_AGENTS[self.agent]
        x = onset_offset(t_days + 0.5 * dt_days, self.start_day, self.stop_day, tau_on, t_half)
        return {"complement_block": COMPLEMENT_BLOCK_LEVEL * x}
