"""Muscle groups: why the eyes are often first and when breathing fails.

One :class:`MuscleProfile` per group - ``"ocular"``, ``"bulbar"``, ``"limb"``, ``"respiratory"`` -
collects what differs between the endplates of different muscles and how the muscles are used.
:func:`mgmodel.population.sample_fibres` reads a profile when it draws a population of fibres.

What the literature supports, and what is a modelling choice
------------------------------------------------------------
Extraocular muscles (``"ocular"``)
    * Their motoneurons fire tonically at 100-200 Hz to hold gaze and in bursts of several hundred
      Hz during saccades (Robinson 1970; Fuchs & Luschei 1970): a high, sustained demand on
      transmitter release.
    * Their singly innervated fibres have smaller, simpler endplates with fewer and shallower
      junctional folds, hence fewer Na channels and a lower safety factor (Kaminski et al. 2002;
      Khanna et al. 2003; Serra, Ruff & Leigh 2012).
    * They express less of the complement regulators CD55 (DAF) and CD59, so that antibody-bound
      complement damages them more (Kaminski et al. 2004; Soltys et al. 2008).
    * Their fibres are small and vary widely in size (Spencer & Porter 2006).
    * They do not fatigue in normal use: 31 min of large saccades at 1 per second slowed the
      peak saccadic velocity by < 10 % in healthy people (Fuchs & Binder 1983). Their twitch
      fibres are rich in mitochondria and among the most fatigue-resistant of all skeletal
      muscle fibres (Porter & Baker 1996; Spencer & Porter 2006), and their singly innervated
      endplates are large with sparse folds (Spencer & Porter 2006).
    The numbers used for these differences (fold fraction 0.9, quantal content 0.95, damage
    exponent 2) are **modelling choices**: the papers show the direction of each difference,
    not a value that can be carried over to this model. Together they lower the median safety
    factor of a healthy ocular endplate below that of a limb endplate, and the same patient
    state costs an ocular endplate twice the receptor loss (in log units) of a limb endplate.

    **The ocular nerve terminal** (``terminal``) must sustain the tonic 100-200 Hz of its
    motoneurons without running down, or a healthy eye would lose its force within seconds;
    it does not (Fuchs & Binder 1983). How it manages is not known in detail - the same is
    true of why the eye muscles are so susceptible in MG: "the reasons for their
    susceptibility are not well understood" (Kaminski et al. 2002; Serra, Ruff & Leigh 2012).
    The model gives the ocular terminal a recycling capacity 10 times that of a limb terminal
    (**modelling choice**: with the limb terminal a healthy ocular population loses all its
    force within 10 s at 150 Hz, with 5 times the recycling ~40 %, with 10 times nothing) and an
    exhaustion drive 10 times smaller per impulse (**modelling choice**: 5 min of tonic firing
    then cost < 1 % of force instead of ~4 %), standing for its mitochondria-rich, continuously
    active terminals. Its release probability and
    facilitation are those of a limb terminal. With this terminal the eye's early failure in
    MG comes from its smaller safety margin and its greater damage, not from its drive.
Bulbar muscles (``"bulbar"``)
    Facial and oropharyngeal muscles are weak early and often in MG (Sanders & Massey 2008), and
    repetitive stimulation finds a decrement more often in facial and proximal than in distal
    muscles (Costa et al. 2004). No structural cause has been shown at their endplates; the
    slightly higher damage exponent (1.3) is a **modelling choice** standing for this clinical
    observation.
Limb muscles (``"limb"``)
    The reference: a distal limb muscle such as extensor digitorum or abductor digiti minimi. Its
    voluntary firing rates in a maximal contraction fall from ~27 to ~15 Hz over a minute
    (Bigland-Ritchie et al. 1983); 20 Hz is used.
Respiratory muscles (``"respiratory"``)
    The rodent diaphragm has a high quantal content and safety factor (Wood & Slater 2001), but
    it never rests: human diaphragm motor units fire at ~8-15 Hz during quiet breathing
    (Gandevia et al. 1999) for the inspiratory part of every breath (duty cycle ~0.4). The 10 %
    higher quantal content is a **modelling choice** in the direction of the rodent data.

SFEMG jitter limits (voluntary activation, concentric needle) are those of Stålberg et al. 2016:
orbicularis oculi 31 / 45 µs (mean / individual pair), frontalis 28 / 38 µs, extensor digitorum
30 / 43 µs. Extraocular muscles cannot be studied with SFEMG; ocular MG is studied in
orbicularis oculi or frontalis, so the ``"ocular"`` profile carries the orbicularis oculi limits,
``"bulbar"`` those of frontalis, and ``"limb"`` and ``"respiratory"`` (no reference values) those
of extensor digitorum.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from ._checks import check_choice, check_number, checked_replace
from .presynaptic import PRESYNAPTIC, Presynaptic

__all__ = ["MuscleProfile", "MUSCLES", "get_muscle", "OCULAR_TERMINAL"]


@dataclass(frozen=True)
class MuscleProfile:
    """How the endplates of one muscle group differ from the reference (limb) endplate.

    Attributes
    ----------
    name : str
        ``"ocular"``, ``"bulbar"``, ``"limb"`` or ``"respiratory"``.
    description : str
        Plain-words description of the muscles in the group.
    quantal_content_scale : float
        Mean quantal content relative to the ``Endplate``'s (limb) value.
    fold_fraction : float
        Junctional fold membrane (and its Na channels) relative to a limb endplate, (0, 1];
        multiplies the ``Endplate``'s ``na_channel_fraction``.
    damage_exponent : float
        How hard disease hits this muscle: a fibre's AChR and fold fraction are the patient's
        values raised to this power (1 = as in limb muscle, 2 = the loss in log units doubled).
    fibre_diameter_um : float
        Typical fibre diameter, µm (for orientation; sizes enter the model relative to it).
    fibre_size_cv : float
        Coefficient of variation of fibre diameter within the muscle.
    firing_rate_hz : float
        Typical sustained voluntary firing rate of its motor units, Hz.
    duty_cycle : float
        Fraction of time the muscle is active in its normal use (1 = on while used).
    jitter_limit_mean_us, jitter_limit_pair_us : float
        Upper reference limits of the mean MCD and of one pair's MCD (voluntary SFEMG, µs).
    terminal : Presynaptic
        The nerve terminals of the group (used by :mod:`mgmodel.electrodiagnosis` unless a
        ``presynaptic=`` is given).
    """

    name: str
    description: str
    quantal_content_scale: float = 1.0
    fold_fraction: float = 1.0
    damage_exponent: float = 1.0
    fibre_diameter_um: float = 55.0
    fibre_size_cv: float = 0.20
    firing_rate_hz: float = 20.0
    duty_cycle: float = 1.0
    jitter_limit_mean_us: float = 30.0
    jitter_limit_pair_us: float = 43.0
    terminal: Presynaptic = PRESYNAPTIC

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        check_number("quantal_content_scale", self.quantal_content_scale, 0.0, 5.0, lo_open=True)
        check_number("fold_fraction", self.fold_fraction, 0.0, 1.0, lo_open=True)
        check_number("damage_exponent", self.damage_exponent, 0.1, 10.0)
        check_number("fibre_diameter_um", self.fibre_diameter_um, 1.0, 200.0, unit="µm")
        check_number("fibre_size_cv", self.fibre_size_cv, 0.0, 1.0)
        check_number("firing_rate_hz", self.firing_rate_hz, 0.0, 500.0, lo_open=True, unit="Hz")
        check_number("duty_cycle", self.duty_cycle, 0.0, 1.0, lo_open=True)
        check_number("jitter_limit_mean_us", self.jitter_limit_mean_us, 0.0, 1000.0, lo_open=True, unit="µs")
        check_number("jitter_limit_pair_us", self.jitter_limit_pair_us, 0.0, 1000.0, lo_open=True, unit="µs")
        if not isinstance(self.terminal, Presynaptic):
            raise ValueError(f"terminal must be an mgmodel.Presynaptic; got {type(self.terminal).__name__}")

    def replace(self, **changes) -> "MuscleProfile":
        """Return a copy with some fields changed (each is checked again)."""
        return checked_replace(self, changes, "field")


#: The extraocular nerve terminal: limb release, 10x the recycling, 1/10 the exhaustion drive
#: per impulse (modelling choices; see the module docstring).
OCULAR_TERMINAL = PRESYNAPTIC.replace(
    reserve_recovery_per_s=10.0 * PRESYNAPTIC.reserve_recovery_per_s,
    exhaustion_increment=0.1 * PRESYNAPTIC.exhaustion_increment,
)

_PROFILES = {
    "ocular": MuscleProfile(
        name="ocular",
        description="extraocular muscles and levator palpebrae: small fibres, simple endplates, "
                    "high tonic firing rates, few complement regulators",
        quantal_content_scale=0.95,
        fold_fraction=0.9,
        damage_exponent=2.0,
        fibre_diameter_um=20.0,
        fibre_size_cv=0.35,
        firing_rate_hz=150.0,
        duty_cycle=1.0,
        jitter_limit_mean_us=31.0,
        jitter_limit_pair_us=45.0,
        terminal=OCULAR_TERMINAL,
    ),
    "bulbar": MuscleProfile(
        name="bulbar",
        description="facial, chewing, swallowing and speech muscles",
        quantal_content_scale=1.0,
        fold_fraction=1.0,
        damage_exponent=1.3,
        fibre_diameter_um=45.0,
        firing_rate_hz=30.0,
        jitter_limit_mean_us=28.0,
        jitter_limit_pair_us=38.0,
    ),
    "limb": MuscleProfile(
        name="limb",
        description="distal limb muscles (extensor digitorum, hand muscles): the reference",
    ),
    "respiratory": MuscleProfile(
        name="respiratory",
        description="diaphragm and intercostals: active with every breath",
        quantal_content_scale=1.1,
        fibre_diameter_um=50.0,
        firing_rate_hz=12.0,
        duty_cycle=0.4,
    ),
}

#: The four muscle groups, by name (read-only mapping).
MUSCLES = MappingProxyType(_PROFILES)


def get_muscle(muscle) -> MuscleProfile:
    """Return a :class:`MuscleProfile` from a name in :data:`MUSCLES` or a profile itself."""
    if isinstance(muscle, MuscleProfile):
        return muscle
    if not isinstance(muscle, str):
        raise ValueError(f"muscle must be one of {sorted(MUSCLES)} or a MuscleProfile; got {muscle!r}")
    check_choice("muscle", muscle, set(MUSCLES))
    return MUSCLES[muscle]
