"""Trial designs as data: who is eligible, what each arm gets, when patients are seen, what counts.

:data:`DESIGNS` maps names to frozen :class:`Design` objects. Day 0 is randomisation; therapy
start days are relative to it. ``published`` holds the trial's reported outcomes (treatment,
control) for comparison; ``calibrated`` names those the model's ``fit:`` constants were tuned to.

=================  ==================================================================================
``ADAPT``          efgartigimod 10 mg/kg weekly x 4 vs placebo, AChR+ generalized MG, MG-ADL >= 5
                   (> 50 % non-ocular); cycle 1 (8 weeks); MG-ADL responder: >= 2 points better for
                   >= 4 consecutive weeks, the first within 1 week of the last infusion. AChR+ arms 65
                   and 64 (Howard et al. 2021 Lancet Neurol 20:526)
``CHAMPION-MG``    ravulizumab every 8 weeks vs placebo, AChR+, MG-ADL >= 6, 26 weeks; arms 86 and
                   89 (Vu et al. 2022 NEJM Evid 1:EVIDoa2100066)
``RAISE``          zilucoplan 0.3 mg/kg daily vs placebo, AChR+, MG-ADL >= 6 and QMG >= 12, 12 weeks;
                   arms 86 and 88 (Howard et al. 2023 Lancet Neurol 22:395)
``MGTX``           extended thymectomy + prednisone vs prednisone alone, AChR+ non-thymomatous
                   generalized MG < 5 years, 3 years, time-weighted QMG; arms 66 and 60, rater
                   blinded, not placebo-controlled (Wolfe et al. 2016 NEJM 375:511)
``MuSK-rituximab`` rituximab vs none on standard care in MuSK MG, blinded review of outcome after a
                   median > 3.5 years; favourable outcome in 58 % (14/24) vs 16 % (5/31) (Hehir et
                   al. 2017 Neurology 89:1069). Not randomised; modelled as two parallel arms.
                   Hehir's favourable outcome is an MG Status and Treatment Intensity level <= 2
                   (post-intervention status combined with the immunotherapy still needed); the
                   model has no treatment intensity and counts MG-ADL 0-1 at the last visit
``C5-in-MuSK``     not a trial that was run: RAISE's zilucoplan arm in a MuSK cohort, to show why MuSK
                   patients were excluded from the complement trials (IgG4 fixes no complement)
=================  ==================================================================================

Published values checked against the papers' abstracts or conference reports: ADAPT MG-ADL
responders 67.7 % vs 29.7 % and MSE 40.0 % (26/65) vs 11.1 % (7/63) in cycle 1; CHAMPION-MG MG-ADL
-3.1 vs -1.4, QMG -2.8 vs -0.8 and QMG >= 5-point responders 30.0 % vs 11.3 %; RAISE MG-ADL -4.39 vs
-2.30 and QMG -6.19 vs -3.25; MGTX 6.15 vs 8.99 and the alternate-day prednisone doses; Hehir 58 %
vs 16 %. Not yet checked against a primary source (kept as written): ADAPT QMG responders 63.1 %
vs 14.1 %, CHAMPION-MG MG-ADL >= 3-point responders 56.7 % vs 34.1 %, RAISE responders (MG-ADL
73.1 % vs 46.1 %, QMG 58.0 % vs 33.0 %) and MSE 14.0 % vs 5.8 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from .._checks import check_choice, check_int, checked_replace
from ..therapy import ComplementInhibitor, FcRnAntagonist, Prednisone, Rituximab, Thymectomy
from .cohort import COHORTS, CohortSpec

__all__ = ["Arm", "Eligibility", "Responder", "Design", "DESIGNS", "get_design", "ENDPOINTS"]

ENDPOINTS = ("mg_adl_change", "qmg_change", "mg_adl_responder_pct", "qmg_responder_pct", "mse_pct",
             "qmg_time_weighted", "favourable_pct")
"""Outcomes a :class:`~mgmodel.trials.TrialResult` summarises per arm."""


@dataclass(frozen=True)
class Arm:
    """One arm: its name, its therapies (start days relative to randomisation), placebo or not."""

    name: str
    therapies: tuple = ()
    placebo: bool = False


@dataclass(frozen=True)
class Eligibility:
    """Enrolment thresholds, applied at screening and at baseline (day 0).

    ``min_non_ocular_share``: share of the MG-ADL total from non-ocular items (ADAPT: > 50 %).
    """

    min_mg_adl: int = 0
    min_qmg: int = 0
    min_non_ocular_share: float = 0.0


@dataclass(frozen=True)
class Responder:
    """A responder definition.

    ``kind="sustained"``: at least ``points`` better than baseline at ``consecutive`` visits in a
    row, the first by ``by_day`` (ADAPT). ``kind="at_day"``: at least ``points`` better at the
    primary day (CHAMPION-MG, RAISE).
    """

    kind: str = "at_day"
    points: int = 3
    consecutive: int = 1
    by_day: float = float("inf")

    def __post_init__(self):
        check_choice("kind", self.kind, ("sustained", "at_day"))
        check_int("points", self.points, 1, 39)
        check_int("consecutive", self.consecutive, 1, 100)


@dataclass(frozen=True)
class Design:
    """A trial design (see the module docstring for the presets).

    Attributes
    ----------
    name, description, citation : str
    cohort : CohortSpec
    arms : tuple of Arm
        Treatment arm first, control last.
    n_per_arm : tuple of int
        Published arm sizes, in the order of ``arms``.
    visit_days : tuple of float
        Visits after randomisation, days; day 0 (baseline) is implied.
    primary_day : float
        Day of the primary (and change) endpoints.
    primary : str
        The primary endpoint, one of :data:`ENDPOINTS`.
    eligibility : Eligibility
    screening_day : float
        Day of the screening visit (< 0).
    mg_adl_responder, qmg_responder : Responder
    time_weighted : bool
        Report the time-weighted mean QMG over the visits (MGTX).
    favourable_max_mg_adl : int or None
        MG-ADL at the last visit at or below which the outcome counts as favourable.
    blinded : bool
        Patients blinded to their arm (expectation response in every arm).
    published : mapping endpoint -> (treatment, control)
    calibrated : tuple of str
        The published endpoints the model's ``fit:`` constants were tuned to.
    """

    name: str
    description: str
    citation: str
    cohort: CohortSpec
    arms: tuple
    n_per_arm: tuple
    visit_days: tuple
    primary_day: float
    primary: str
    eligibility: Eligibility = Eligibility()
    screening_day: float = -14.0
    mg_adl_responder: Responder = Responder()
    qmg_responder: Responder = Responder(points=5)
    time_weighted: bool = False
    favourable_max_mg_adl: int | None = None
    blinded: bool = True
    published: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    calibrated: tuple = ()

    def __post_init__(self):
        check_choice("primary", self.primary, ENDPOINTS)
        if len(self.arms) < 2 or len(self.n_per_arm) != len(self.arms):
            raise ValueError(f"a design needs >= 2 arms and one size per arm; got {len(self.arms)} arms, "
                             f"sizes {self.n_per_arm!r}")
        for n in self.n_per_arm:
            check_int("n_per_arm", n, 2, 100000)
        if self.primary_day not in self.visit_days:
            raise ValueError(f"primary_day {self.primary_day} must be one of the visit_days")
        if not self.screening_day < 0:
            raise ValueError(f"screening_day must be before randomisation (< 0); got {self.screening_day}")
        object.__setattr__(self, "published", MappingProxyType(dict(self.published)))

    @property
    def arm_names(self) -> tuple:
        """Names of the arms, treatment first, control last."""
        return tuple(a.name for a in self.arms)

    @property
    def days(self) -> float:
        """Length of follow-up after randomisation, days."""
        return float(max(self.visit_days))

    def replace(self, **changes) -> "Design":
        """A copy with some fields changed (e.g. another ``cohort``); validated again."""
        return checked_replace(self, changes, "field")


_W = 7.0
_ADAPT_EFG = FcRnAntagonist(start_day=0.0, n_doses=4, interval_days=7.0, dose_mg_per_kg=10.0)

DESIGNS = MappingProxyType({
    "ADAPT": Design(
        name="ADAPT", description="efgartigimod vs placebo, AChR+ generalized MG, cycle 1",
        citation="Howard et al. 2021 Lancet Neurol 20:526",
        cohort=COHORTS["generalized AChR+"].replace(age_mean=46.0),
        arms=(Arm("efgartigimod", (_ADAPT_EFG,)), Arm("placebo", placebo=True)),
        n_per_arm=(65, 64), visit_days=tuple(_W * k for k in range(1, 9)), primary_day=_W * 8,
        primary="mg_adl_responder_pct", eligibility=Eligibility(min_mg_adl=5, min_non_ocular_share=0.5),
        mg_adl_responder=Responder("sustained", points=2, consecutive=4, by_day=28.0),
        qmg_responder=Responder("sustained", points=3, consecutive=4, by_day=28.0),
        published={"mg_adl_responder_pct": (67.7, 29.7), "qmg_responder_pct": (63.1, 14.1),
                   "mse_pct": (40.0, 11.1)},
        calibrated=("mg_adl_responder_pct",),
    ),
    "CHAMPION-MG": Design(
        name="CHAMPION-MG", description="ravulizumab vs placebo, AChR+ generalized MG, 26 weeks",
        citation="Vu et al. 2022 NEJM Evid 1:EVIDoa2100066",
        cohort=COHORTS["generalized AChR+"].replace(age_mean=56.0, p_immunosuppressant=0.6),
        arms=(Arm("ravulizumab", (ComplementInhibitor(start_day=0.0, agent="ravulizumab"),)),
              Arm("placebo", placebo=True)),
        n_per_arm=(86, 89), visit_days=(7.0, 14.0, 28.0, 56.0, 84.0, 112.0, 140.0, 182.0), primary_day=182.0,
        primary="mg_adl_change", eligibility=Eligibility(min_mg_adl=6),
        mg_adl_responder=Responder("at_day", points=3), qmg_responder=Responder("at_day", points=5),
        published={"mg_adl_change": (-3.1, -1.4), "qmg_change": (-2.8, -0.8),
                   "mg_adl_responder_pct": (56.7, 34.1), "qmg_responder_pct": (30.0, 11.3)},
        calibrated=("mg_adl_change",),
    ),
    "RAISE": Design(
        name="RAISE", description="zilucoplan vs placebo, AChR+ generalized MG, 12 weeks",
        citation="Howard et al. 2023 Lancet Neurol 22:395",
        # RAISE enrolled more severe disease (baseline MG-ADL ~10.6, QMG ~19 against ~9 and ~15 in
        # CHAMPION-MG): the same generalized AChR+ cohort, made more severe by RAISE's second
        # threshold (QMG >= 12)
        cohort=COHORTS["generalized AChR+"].replace(age_mean=53.0),
        arms=(Arm("zilucoplan", (ComplementInhibitor(start_day=0.0, agent="zilucoplan"),)),
              Arm("placebo", placebo=True)),
        n_per_arm=(86, 88), visit_days=(7.0, 14.0, 28.0, 56.0, 84.0), primary_day=84.0,
        primary="mg_adl_change", eligibility=Eligibility(min_mg_adl=6, min_qmg=12),
        mg_adl_responder=Responder("at_day", points=3), qmg_responder=Responder("at_day", points=5),
        published={"mg_adl_change": (-4.39, -2.30), "qmg_change": (-6.19, -3.25),
                   "mg_adl_responder_pct": (73.1, 46.1), "qmg_responder_pct": (58.0, 33.0),
                   "mse_pct": (14.0, 5.8)},
        calibrated=("mg_adl_change",),
    ),
    "MGTX": Design(
        name="MGTX", description="thymectomy + prednisone vs prednisone, AChR+ non-thymomatous MG, 3 years",
        citation="Wolfe et al. 2016 NEJM 375:511",
        cohort=COHORTS["MGTX"],
        # prednisone was titrated to response (up to 100 mg on alternate days until minimal
        # manifestations, then tapered); each arm gets its published time-weighted average dose,
        # 44 mg (thymectomy) and 60 mg (prednisone alone) on alternate days = 22 and 30 mg/day
        arms=(Arm("thymectomy + prednisone", (Thymectomy(start_day=14.0), Prednisone(start_day=0.0,
                                                                                  dose_mg_per_day=22.0))),
              Arm("prednisone", (Prednisone(start_day=0.0, dose_mg_per_day=30.0),))),
        n_per_arm=(66, 60), visit_days=tuple(91.0 * k for k in range(1, 13)), primary_day=91.0 * 12,
        primary="qmg_time_weighted", eligibility=Eligibility(min_qmg=4),
        time_weighted=True, blinded=False,
        published={"qmg_time_weighted": (6.15, 8.99)},
    ),
    "MuSK-rituximab": Design(
        name="MuSK-rituximab", description="rituximab vs standard care in MuSK MG, blinded outcome review",
        citation="Hehir et al. 2017 Neurology 89:1069",
        cohort=COHORTS["MuSK"],
        # patients were retreated when symptoms or B cells returned; modelled as a course every 6 months
        arms=(Arm("rituximab", (Rituximab(start_day=0.0, n_cycles=7, cycle_interval_days=182.0),)),
              Arm("standard care")),
        n_per_arm=(24, 31), visit_days=tuple(182.0 * k for k in range(1, 8)), primary_day=182.0 * 7,
        primary="favourable_pct", eligibility=Eligibility(min_mg_adl=1),
        favourable_max_mg_adl=1, blinded=False,
        published={"favourable_pct": (58.0, 16.0)},
        calibrated=("favourable_pct",),  # the MuSK cohort's antibody load (standard-care arm only)
    ),
    "C5-in-MuSK": Design(
        name="C5-in-MuSK", description="zilucoplan vs placebo in MuSK MG: the trial that was not run",
        citation="hypothetical; RAISE design (Howard et al. 2023) in a MuSK cohort",
        cohort=COHORTS["MuSK"],
        arms=(Arm("zilucoplan", (ComplementInhibitor(start_day=0.0, agent="zilucoplan"),)),
              Arm("placebo", placebo=True)),
        n_per_arm=(86, 88), visit_days=(7.0, 14.0, 28.0, 56.0, 84.0), primary_day=84.0,
        primary="mg_adl_change", eligibility=Eligibility(min_mg_adl=6),
        mg_adl_responder=Responder("at_day", points=3), qmg_responder=Responder("at_day", points=5),
    ),
})
"""Trial designs by name (read-only)."""


def get_design(design) -> Design:
    """A :class:`Design` from a name in :data:`DESIGNS` or a Design (passed through)."""
    if isinstance(design, Design):
        return design
    if isinstance(design, str):
        check_choice("design", design, DESIGNS)
        return DESIGNS[design]
    raise ValueError(f"design must be a Design or one of {sorted(DESIGNS)}; got {design!r}")
