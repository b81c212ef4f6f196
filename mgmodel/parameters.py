"""The parameters of one neuromuscular endplate: a frozen dataclass with units, ranges and sources.

Every field carries metadata: its unit, its valid range and the source of its default value
(keys into ``REFERENCES.md`` at the top of the repository). ``Endplate()`` is a healthy adult
human endplate at 37 °C; ``RODENT`` is a rat/mouse limb-muscle endplate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ._checks import check_number, checked_replace

__all__ = ["Endplate", "HUMAN", "RODENT", "AVOGADRO", "REFERENCE_TEMPERATURE_C"]

AVOGADRO = 6.02214076e23  # molecules per mol

#: Temperature at which the kinetic constants of ``Endplate`` are given, °C: the mouse endplate
#: channel's burst lasts 1.0 ms at 23 °C and 0.3 ms at 39 °C (Dreyer et al. 1976, mouse omohyoid), and
#: the binding and gating constants (Colquhoun & Sakmann 1985) are room-temperature values.
REFERENCE_TEMPERATURE_C = 23.0


def _p(default, unit, lo, hi, source, *, lo_open=False, hi_open=False, doc=""):
    return field(
        default=default,
        metadata=dict(unit=unit, lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open, source=source, doc=doc),
    )


@dataclass(frozen=True)
class Endplate:
    """All parameters of one endplate and its muscle fibre (defaults: healthy adult human, 37 °C).

    Disease and drug state
    ----------------------
    achr_fraction : functional AChR relative to a healthy endplate, 0 < x <= 1.5 (1 = healthy).
    ach_site_block : fraction of the remaining AChR whose ACh sites are occupied by a blocking
        antibody or a competitive antagonist (curare) for the millisecond of an EPP, 0 <= x < 1.
    quantal_content : mean number of quanta released by one nerve impulse (human 20-50).
    ache_activity : acetylcholinesterase activity, 1 = normal, 0 = fully inhibited.
    na_channel_fraction : fraction of the junctional folds' membrane, and of the voltage-gated
        Na channels in it, that is left, 0 < x <= 1. Complement lysis lowers it (Ruff & Lennon 2008).
        It raises the firing threshold and, as folds simplify and the cleft widens, speeds the
        escape of ACh from the cleft.

    The remaining fields are kinetic and membrane constants; ``Endplate.table()`` lists them all
    with units and sources. Use ``.replace(**changes)`` to make a variant.
    """

    # --- disease and drug state -------------------------------------------------------------
    achr_fraction: float = _p(1.0, "", 0.0, 1.5, "definition", lo_open=True,
                              doc="functional AChR relative to a healthy endplate")
    ach_site_block: float = _p(0.0, "", 0.0, 1.0, "definition", hi_open=True,
                               doc="fraction of AChR with the ACh site blocked (antibody or curare)")
    # fit: 50, the top of the human range (Slater 2017: 20-50), with the MEPP at 0.99 mV (the top of
    # 0.3-1.0 mV; capacitance_nF below): together they put the healthy limb's median raw safety
    # factor at 2.4, the margin that healthy jitter (mean MCD < 30 µs; Stålberg et al. 2016) and
    # curare's first failures at 0.76 ± 0.05 receptor occupancy (Paton & Waud 1967) both need. At
    # 45 quanta and 0.95 mV (SF 2.1) the healthy MCD was 32 µs and 5 % of fibres failed at 0.65.
    quantal_content: float = _p(50.0, "quanta", 0.0, 400.0, "Slater2017", lo_open=True,
                                doc="mean quanta per impulse (human 20-50)")
    ache_activity: float = _p(1.0, "", 0.0, 1.0, "definition",
                              doc="AChE activity, 1 normal, 0 fully inhibited")
    na_channel_fraction: float = _p(1.0, "", 0.0, 1.0, "RuffLennon2008", lo_open=True,
                                    doc="fraction of fold membrane and its Na channels left")

    # --- one quantum and the patch of cleft it acts on -----------------------------------------
    ach_per_quantum: float = _p(7000.0, "molecules", 1000.0, 20000.0, "KufflerYoshikami1975",
                                doc="ACh molecules in one quantum (6,000-10,000)")
    patch_area_um2: float = _p(0.3, "µm²", 0.05, 10.0, "Stiles1996",
                               doc="area one quantum saturates (disc of radius ~0.3 µm)")
    cleft_width_nm: float = _p(50.0, "nm", 20.0, 200.0, "textbook",
                               doc="primary cleft width (50-70 nm)")
    achr_per_patch: float = _p(3000.0, "receptors", 100.0, 20000.0, "Salpeter1987",
                               doc="AChR in the patch at achr_fraction=1 (10⁴ µm⁻² at the crests)")
    ache_per_patch: float = _p(750.0, "enzymes", 0.0, 5000.0, "Anglister1998",
                               doc="AChE catalytic sites in the patch (AChR:AChE 4:1)")

    # --- receptor binding and gating (Colquhoun & Sakmann 1985; Akk & Auerbach 1999) ---------
    k_on_per_uM_ms: float = _p(0.20, "µM⁻¹ ms⁻¹", 0.01, 2.0, "ColquhounSakmann1985",
                               doc="ACh association rate per site (2e8 M⁻¹ s⁻¹)")
    kd_site_uM: float = _p(80.0, "µM", 10.0, 500.0, "ColquhounSakmann1985",
                           doc="per-site ACh dissociation constant (30-160 µM)")
    beta_per_ms: float = _p(30.0, "ms⁻¹", 1.0, 200.0, "AkkAuerbach1999",
                            doc="opening rate of the doubly liganded receptor (3e4 s⁻¹)")
    alpha_per_ms: float = _p(2.0, "ms⁻¹", 0.1, 20.0, "ColquhounSakmann1985",
                             doc="closing rate of the open channel (2e3 s⁻¹)")
    conductance_pS: float = _p(50.0, "pS", 10.0, 100.0, "ColquhounSakmann1985",
                               doc="single-channel conductance (40-60 pS)")
    e_rev_mV: float = _p(0.0, "mV", -30.0, 30.0, "ColquhounSakmann1985",
                         doc="reversal potential of the AChR channel")

    # --- removal of ACh -------------------------------------------------------------------
    ache_kcat_per_ms: float = _p(16.0, "ms⁻¹", 1.0, 50.0, "Rosenberry1975",
                                 doc="AChE turnover number (1.6e4 s⁻¹)")
    ache_km_uM: float = _p(90.0, "µM", 10.0, 1000.0, "Rosenberry1975",
                           doc="AChE Michaelis constant")
    ach_diffusion_um2_per_ms: float = _p(0.76, "µm²/ms", 0.05, 2.0, "Stiles1996",
                                         doc="ACh diffusion coefficient in the cleft, 23 °C (4-7.6e-6 cm²/s)")
    endplate_area_um2: float = _p(250.0, "µm²", 20.0, 2000.0, "Jones2017",
                                  doc="synaptic area of the endplate (human; smaller than rodent)")
    escape_gain_fold_loss: float = _p(2.0, "", 0.0, 20.0, "Engel1977",
                                      doc="extra ACh diffusion per unit of fold loss (cleft widens)")

    # --- desensitization (Katz & Thesleff 1957; Magleby & Pallotta 1981) ------------------
    desens_per_ms: float = _p(0.02, "ms⁻¹", 0.0, 1.0, "MaglebyPallotta1981",
                              doc="entry of doubly liganded receptors into the desensitized state, 23 °C")
    desens_recovery_per_ms: float = _p(0.005, "ms⁻¹", 1e-5, 1.0, "MaglebyPallotta1981",
                                       doc="recovery from desensitization (tens to hundreds of ms), 23 °C")

    # --- temperature (Q10s; reference 23 °C) -------------------------------------------------
    temperature_C: float = _p(36.0, "°C", 20.0, 42.0, "Flouris2015",
                              doc="muscle temperature (human limb muscle at rest 35.8-36.7 °C)")
    q10_gating: float = _p(2.12, "", 1.0, 5.0, "Dreyer1976",
                           doc="Q10 of channel gating and binding (burst 1.0 ms at 23 °C, 0.3 ms at 39 °C)")
    q10_ache: float = _p(2.12, "", 1.0, 4.0, "assumed",
                         doc="Q10 of AChE hydrolysis (taken equal to gating's; no endplate figure found)")
    q10_diffusion: float = _p(1.3, "", 1.0, 2.0, "textbook",
                              doc="Q10 of ACh diffusion (viscosity of water, Stokes-Einstein)")

    # --- muscle fibre membrane --------------------------------------------------------------
    v_rest_mV: float = _p(-80.0, "mV", -100.0, -60.0, "RuffLennon2008",
                          doc="resting membrane potential")
    capacitance_nF: float = _p(3.45, "nF", 0.5, 100.0, "fit:MEPP",
                               doc="effective capacitance charged by the endplate current")
    tau_membrane_ms: float = _p(5.0, "ms", 0.5, 50.0, "fit:EPPtime",
                                doc="effective membrane time constant at the endplate")
    threshold_gap_mV: float = _p(15.0, "mV", 2.0, 50.0, "RuffLennon2008",
                                 doc="V_threshold - V_rest with all Na channels (threshold -65 mV)")
    na_slope_mV: float = _p(4.0, "mV", 1.0, 15.0, "Hille2001",
                            doc="e-fold voltage of Na conductance activation near rest")
    e_na_mV: float = _p(50.0, "mV", 20.0, 80.0, "Hille2001", doc="Na reversal potential")
    na_m_half_mV: float = _p(-35.0, "mV", -70.0, 0.0, "Hille2001",
                             doc="half-activation voltage of the endplate Na channels (m_inf)")
    na_h_half_mV: float = _p(-72.0, "mV", -100.0, -40.0, "RuffWhittlesey1992",
                             doc="half-inactivation voltage of the endplate Na channels")
    na_h_slope_mV: float = _p(6.0, "mV", 1.0, 20.0, "RuffWhittlesey1992",
                              doc="slope of Na steady-state inactivation (e-fold)")

    def __post_init__(self):
        for f in dataclasses.fields(self):
            m = f.metadata
            check_number(f.name, getattr(self, f.name), m["lo"], m["hi"],
                         lo_open=m["lo_open"], hi_open=m["hi_open"], unit=m["unit"])
            object.__setattr__(self, f.name, float(getattr(self, f.name)))

    def replace(self, **changes) -> "Endplate":
        """Return a copy with some fields changed (each is checked again)."""
        return checked_replace(self, changes, "parameter")

    # --- derived quantities -------------------------------------------------------------------
    @property
    def patch_volume_L(self) -> float:
        """Volume of the cleft patch one quantum acts on, in litres."""
        return self.patch_area_um2 * self.cleft_width_nm * 1e-3 * 1e-15

    @property
    def molecules_per_uM(self) -> float:
        """Molecules in the patch per µM of concentration."""
        return 1e-6 * self.patch_volume_L * AVOGADRO

    @property
    def functional_achr_fraction(self) -> float:
        """AChR available to ACh during an EPP: ``achr_fraction * (1 - ach_site_block)``."""
        return self.achr_fraction * (1.0 - self.ach_site_block)

    def rate_factor(self, kind: str) -> float:
        """Factor by which rates of ``kind`` run faster than at the 23 °C reference.

        ``kind`` is ``"gating"`` (binding, gating, desensitization), ``"ache"`` or ``"diffusion"``;
        the factor is ``Q10 ** ((temperature_C - 23) / 10)``.
        """
        q10 = {"gating": self.q10_gating, "ache": self.q10_ache, "diffusion": self.q10_diffusion}
        if kind not in q10:
            raise ValueError(f"kind must be one of {sorted(q10)}; got {kind!r}")
        return float(q10[kind] ** ((self.temperature_C - REFERENCE_TEMPERATURE_C) / 10.0))

    def table(self) -> str:
        """A plain-text table of all parameters with value, unit, valid range and source."""
        rows = [("parameter", "value", "unit", "range", "source")]
        for f in dataclasses.fields(self):
            m = f.metadata
            lo = "(" if m["lo_open"] else "["
            hi = ")" if m["hi_open"] else "]"
            rows.append((f.name, f"{getattr(self, f.name):g}", m["unit"],
                         f"{lo}{m['lo']:g}, {m['hi']:g}{hi}", m["source"]))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)

    def _repr_html_(self) -> str:  # a readable table in notebooks
        rows = "".join(
            f"<tr><td>{f.name}</td><td>{getattr(self, f.name):g}</td><td>{f.metadata['unit']}</td>"
            f"<td>{f.metadata['doc']}</td><td>{f.metadata['source']}</td></tr>"
            for f in dataclasses.fields(self)
        )
        return ("<table><tr><th>parameter</th><th>value</th><th>unit</th><th>meaning</th>"
                f"<th>source</th></tr>{rows}</table>")


#: A healthy adult human endplate at 36 °C (quantal content 50, threshold 15 mV above rest).
HUMAN = Endplate()

#: A healthy rat/mouse limb endplate: more quanta (50-100), more AChR per patch, bigger fibres
#: (Wood & Slater 1997; Salpeter 1987; Slater 2017).
RODENT = Endplate(
    quantal_content=90.0,
    achr_per_patch=3700.0,
    ache_per_patch=925.0,
    capacitance_nF=3.8,
    endplate_area_um2=400.0,
    temperature_C=37.0,
)


#: Presynaptic compensation in MG: quantal content rises as postsynaptic sensitivity falls,
#: ``m = m_healthy * min(COMPENSATION_MAX, achr_fraction ** -COMPENSATION_EXPONENT)``. Human MG
#: endplates release normal or increased numbers of quanta (Cull-Candy et al. 1980), and rat
#: endplates whose receptors were partly blocked with alpha-bungarotoxin raise their quantal
#: content within days, by up to about twofold (Plomp, van Kempen & Molenaar 1992). The exponent
#: and the cap are modelling choices in that range: at achr_fraction 0.3 the rise is 1.5-fold.
COMPENSATION_EXPONENT = 0.35
COMPENSATION_MAX = 2.0


def compensated_quantal_content(achr_fraction, healthy_quantal_content):
    """Quantal content of a chronically myasthenic endplate (see ``COMPENSATION_EXPONENT``).

    Works on floats and numpy arrays; ``achr_fraction`` >= 1 gives no change.
    """
    import numpy as np

    a = np.asarray(achr_fraction, float)
    factor = np.minimum(COMPENSATION_MAX, np.maximum(a, 1e-12) ** -COMPENSATION_EXPONENT)
    out = np.asarray(healthy_quantal_content, float) * np.where(a < 1.0, factor, 1.0)
    return float(out) if out.ndim == 0 else out


def mg_endplate(achr_fraction, na_channel_fraction=1.0, *, base: Endplate = HUMAN,
                compensation=True) -> Endplate:
    """An endplate of a patient with MG: fewer functional AChR, possibly fewer folds.

    Parameters
    ----------
    achr_fraction : float
        Functional AChR relative to healthy, (0, 1.5].
    na_channel_fraction : float
        Fold membrane and its Na channels left, (0, 1] (complement lysis lowers it).
    base : Endplate
        The healthy endplate to start from (default ``HUMAN``).
    compensation : bool
        Raise the quantal content as MG endplates do over days to weeks (Cull-Candy et al. 1980;
        Plomp et al. 1992); ``False`` gives the acute loss of receptors (e.g. right after a dose
        of alpha-bungarotoxin or curare).
    """
    ep = base.replace(achr_fraction=achr_fraction, na_channel_fraction=na_channel_fraction)
    if not isinstance(compensation, bool):
        raise ValueError(f"compensation must be True or False; got {compensation!r}")
    if compensation:
        ep = ep.replace(quantal_content=compensated_quantal_content(ep.achr_fraction, base.quantal_content))
    return ep
