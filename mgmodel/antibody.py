"""IgG over days to months: where it comes from and how FcRn keeps it.

Physiology in brief. Plasma cells secrete IgG into the plasma, from where it exchanges
slowly with the interstitial (extravascular) fluid, which holds a little more than half of the body's
IgG. Endothelial and haematopoietic cells take up plasma by fluid-phase pinocytosis; in the acidic
endosome the neonatal Fc receptor (FcRn) binds IgG (at its Fc) and albumin (at a separate site) and
returns them to the surface, while everything unbound goes on to the lysosome. Because FcRn is
saturable, the fraction of IgG rescued falls when IgG is high (IVIG) and rises when IgG is low
(Brambell's receptor; concentration-dependent IgG catabolism, Waldmann & Strober 1969), and an
IgG-site blocker (efgartigimod) lowers every IgG subclass while leaving albumin alone.

Model
-----
Every protein pool has a plasma (P) and an extravascular (E) compartment, in amounts relative to the
patient's baseline total body pool (P + E = 1 at baseline)::

    dP/dt = input - k_up (1 - r) P - k_pe P + k_ep E
    dE/dt =                        + k_pe P - k_ep E

``k_up`` is the pinocytic uptake rate (the same fluid-phase uptake for IgG and albumin), ``r`` the
fraction of what is taken up that FcRn returns. For IgG ``r = r_max (1 - occupancy) / (1 + C / K)``
with ``C`` the plasma IgG relative to normal and ``K`` the saturation constant; ``r_max`` is set so
that ``r`` equals the documented rescue fraction at normal IgG. Each step of the integrator solves
the 2 x 2 linear system exactly with its rates frozen over the step (an exponential integrator), so a
one-day step is exact for constant rates and the ~1-day plasma-interstitium exchange is not smeared.

Production is the sum of short-lived plasma cells (plasmablasts; days; constantly replenished from
CD20+ B cells, so rituximab and T-cell help matter) and long-lived plasma cells (CD20-negative,
turnover of about two years in the model; replenished only slowly). Units: time in days, amounts
relative to the patient's baseline (1.0), doses in g/kg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.signal import lfilter

from ._checks import check_array, check_int, check_number

__all__ = [
    "Subclass",
    "SUBCLASSES",
    "PoolRates",
    "pool_rates",
    "IGG_RATES",
    "IGG3_RATES",
    "ALBUMIN_RATES",
    "IGG_INTRAVASCULAR_FRACTION",
    "IGG3_SERUM_SHARE",
    "ALBUMIN_INTRAVASCULAR_FRACTION",
    "IGG_HALF_LIFE_DAYS",
    "IGG3_HALF_LIFE_DAYS",
    "ALBUMIN_HALF_LIFE_DAYS",
    "EQUILIBRATION_TIME_DAYS",
    "FCRN_RESCUE_AT_NORMAL_IGG",
    "FCRN_HALF_SATURATION_REL",
    "IGG_BODY_POOL_G_PER_KG",
    "SHORT_LIVED_PC_LIFETIME_DAYS",
    "LONG_LIVED_PC_LIFETIME_DAYS",
    "INFANT_WEIGHT_DOUBLING_DAYS",
    "INFANT_SYNTHESIS_RAMP_DAYS",
    "fcrn_rescue",
    "half_life_at_igg_days",
    "plasma_cell_output",
    "AntibodyCourse",
    "simulate_antibodies",
]

LN2 = math.log(2.0)

# ---------------------------------------------------------------------------------------------
# Subclasses
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subclass:
    """Properties of one human IgG subclass that matter at the endplate.

    Attributes
    ----------
    name : str
        ``"IgG1"`` .. ``"IgG4"``.
    half_life_days : float
        Serum half-life at normal IgG. IgG1, IgG2 and IgG4 about 21 d, IgG3 about 7 d (Morell, Terry &
        Waldmann 1970 J Clin Invest 49:673). IgG3 is short-lived because its R435 weakens FcRn
        binding and it loses the competition for FcRn (Stapleton et al. 2011 Nat Commun 2:599).
    complement_potency : float
        Relative ability to fix C1q and drive the classical pathway to the membrane-attack complex,
        0..1: IgG3 > IgG1 >> IgG2 > IgG4 = 0 (ranking from Vidarsson et al. 2014 Front Immunol
        5:520; the numbers are a soft rank scale).
    crosslinks : float
        1 if the antibody is bivalent for one antigen and can cross-link receptors (antigenic
        modulation), 0 if functionally monovalent. IgG4 swaps half-molecules in vivo (Fab-arm
        exchange) and ends up bispecific, i.e. monovalent for the autoantigen (van der Neut
        Kolfschoten et al. 2007 Science 317:1554).
    """

    name: str
    half_life_days: float
    complement_potency: float
    crosslinks: float


SUBCLASSES = MappingProxyType(
    {
        "IgG1": Subclass("IgG1", 21.0, 0.8, 1.0),
        "IgG2": Subclass("IgG2", 21.0, 0.2, 1.0),
        "IgG3": Subclass("IgG3", 7.5, 1.0, 1.0),
        "IgG4": Subclass("IgG4", 21.0, 0.0, 0.0),
    }
)
"""The four IgG subclasses by name (read-only mapping of :class:`Subclass`)."""

# ---------------------------------------------------------------------------------------------
# Compartments and FcRn
# ---------------------------------------------------------------------------------------------

IGG_HALF_LIFE_DAYS = 21.0
"""Half-life of IgG1/IgG2/IgG4 (and of total IgG) at normal serum IgG, days (Morell et al. 1970)."""

IGG3_HALF_LIFE_DAYS = 7.5
"""Half-life of IgG3, days: about 7 d (Morell et al. 1970; calibration 7-8 d)."""

ALBUMIN_HALF_LIFE_DAYS = 20.0
"""Half-life of albumin, days: 19-21 d (Peters 1996, *All About Albumin*); FcRn-dependent
(Chaudhury et al. 2003 J Exp Med 197:315)."""

IGG3_SERUM_SHARE = 0.07
"""IgG3 share of serum IgG: ~4-8 % (Vidarsson et al. 2014 Front Immunol 5:520). Only shapes the
total-IgG curve (IgG3 is less FcRn-dependent)."""

IGG_INTRAVASCULAR_FRACTION = 0.42
"""Fraction of body IgG in the plasma: ~40-45 % (Waldmann & Strober 1969 Prog Allergy 13:1), i.e.
55-60 % extravascular as in the plasma-exchange literature (Guptill et al. 2016 Autoimmunity 49:472)."""

ALBUMIN_INTRAVASCULAR_FRACTION = 0.40
"""Fraction of body albumin in the plasma: ~40 % (Peters 1996)."""

EQUILIBRATION_TIME_DAYS = 1.0
"""Time constant of plasma-interstitium re-equilibration, days. Modelling assumption (soft): most of
the rebound of IgG after a plasma exchange comes from the interstitium within ~2 days. The 5-session
plasma-exchange result moves by less than 2 percentage points for values from 0.5 to 3 d."""

FCRN_RESCUE_AT_NORMAL_IGG = 0.90
"""Fraction of pinocytosed IgG that FcRn returns at normal IgG. Modelling choice: without FcRn IgG is
catabolised about ten times faster, of the order seen in FcRn- or beta2m-deficient mice, whose IgG
half-life is several-fold shorter (Junghans & Anderson 1996 PNAS 93:5512; Israel et al. 1996
Immunology 89:573; Roopenian et al. 2003 J Immunol 170:3528)."""

FCRN_HALF_SATURATION_REL = 10.0
"""Saturation constant of FcRn rescue, in units of normal plasma IgG (soft). The IgG half-life is then
~9 d at three times normal IgG (myeloma-like levels, or just after IVIG 2 g/kg) and ~50 d at 0.3
times normal (hypogammaglobulinaemia): the inverse relation between IgG level and IgG survival of
Waldmann & Strober 1969 and Brambell et al. 1964 Nature 203:1352. Cross-check: in a newborn, whose
IgG falls to ~45 % of the birth level, maternal IgG1 then has a half-life of ~40 d by mass, against
48 d measured (Sarvas et al. 1993 J Clin Immunol 13:145)."""

IGG_BODY_POOL_G_PER_KG = 1.0
"""Total body IgG, g/kg: serum IgG ~10 g/L x plasma volume ~0.042 L/kg / intravascular fraction 0.42
(textbook values). Converts IVIG doses (g/kg) into units of the baseline body pool."""

SHORT_LIVED_PC_LIFETIME_DAYS = 5.0
"""Mean lifetime of short-lived plasma cells / plasmablasts, days: a few days (Radbruch et al. 2006
Nat Rev Immunol 6:741)."""

LONG_LIVED_PC_LIFETIME_DAYS = 730.0
"""Mean turnover time of the long-lived (CD20-negative) plasma-cell pool that makes autoantibody,
days. Long-lived plasma cells can survive for years (Radbruch et al. 2006); two years is a modelling
choice for autoreactive cells, which lets thymectomy and immunosuppression act over months to years
and lets AChR antibody (60 % long-lived source) fall only by about half in the six months after
rituximab, against ~90 % for MuSK antibody (10 %)."""

INFANT_WEIGHT_DOUBLING_DAYS = 150.0
"""Days for a newborn's weight (and plasma volume) to double: ~4-5 months (WHO growth standards).
Growth dilutes maternal IgG on top of its catabolism."""

INFANT_SYNTHESIS_RAMP_DAYS = 180.0
"""Time constant with which a newborn's own IgG synthesis rises toward the adult-equivalent rate
(soft). Together with the decay of maternal IgG it gives the physiological IgG nadir of ~30-40 % of
the birth level at 3-5 months (textbook)."""


@dataclass(frozen=True)
class PoolRates:
    """Rate constants of one protein in the two-compartment FcRn model (all in 1/day).

    Attributes
    ----------
    k_up : float
        Fluid-phase pinocytic uptake of plasma, 1/day.
    rescue : float
        Fraction returned by FcRn at normal IgG and no blocker (0..1).
    k_pe, k_ep : float
        Plasma -> extravascular and extravascular -> plasma transfer, 1/day.
    intravascular_fraction : float
        Plasma share of the body pool at steady state.
    """

    k_up: float
    rescue: float
    k_pe: float
    k_ep: float
    intravascular_fraction: float

    @property
    def elimination_rate(self) -> float:
        """Catabolic rate of the plasma pool at normal IgG, 1/day."""
        return self.k_up * (1.0 - self.rescue)

    def terminal_half_life_days(self, elimination_rate=None) -> float:
        """Half-life of the slow (terminal) phase for a plasma catabolic rate, days."""
        k = self.elimination_rate if elimination_rate is None else float(elimination_rate)
        tr = k + self.k_pe + self.k_ep
        det = k * self.k_ep
        slow = 0.5 * tr - math.sqrt(max(0.25 * tr * tr - det, 0.0))
        return LN2 / slow if slow > 0 else math.inf


def _exchange_rates(intravascular_fraction, equilibration_days):
    ksum = 1.0 / equilibration_days
    return ksum * (1.0 - intravascular_fraction), ksum * intravascular_fraction


def _plasma_catabolic_rate(half_life_days, k_pe, k_ep):
    """Plasma catabolic rate k that gives the requested terminal half-life (exact, two compartments)."""
    lam = LN2 / half_life_days
    # slowest eigenvalue -lam of [[-(k+k_pe), k_ep], [k_pe, -k_ep]] -> (k + k_pe - lam)(k_ep - lam) = k_pe k_ep
    return k_pe * k_ep / (k_ep - lam) - k_pe + lam


def pool_rates(half_life_days, intravascular_fraction, equilibration_days=EQUILIBRATION_TIME_DAYS,
               k_up=None, rescue=FCRN_RESCUE_AT_NORMAL_IGG) -> PoolRates:
    """Rate constants that reproduce a measured half-life and plasma share.

    Parameters
    ----------
    half_life_days : float
        Terminal half-life at normal IgG, days.
    intravascular_fraction : float
        Plasma share of the body pool.
    equilibration_days : float
        Plasma-interstitium exchange time constant, days.
    k_up : float, optional
        Pinocytic uptake, 1/day. If given, the FcRn rescue fraction is solved for (used for IgG3 and
        albumin, which share the fluid-phase uptake of IgG); otherwise ``rescue`` is used and
        ``k_up`` is solved for.
    rescue : float
        FcRn rescue fraction used when ``k_up`` is not given.
    """
    k_pe, k_ep = _exchange_rates(intravascular_fraction, equilibration_days)
    k_el = _plasma_catabolic_rate(half_life_days, k_pe, k_ep)
    if k_up is None:
        k_up = k_el / (1.0 - rescue)
    else:
        rescue = 1.0 - k_el / k_up
    return PoolRates(float(k_up), float(rescue), k_pe, k_ep, intravascular_fraction)


IGG_RATES = pool_rates(IGG_HALF_LIFE_DAYS, IGG_INTRAVASCULAR_FRACTION)
"""Rates of IgG1/IgG2/IgG4 (and of total IgG)."""
IGG3_RATES = pool_rates(IGG3_HALF_LIFE_DAYS, IGG_INTRAVASCULAR_FRACTION, k_up=IGG_RATES.k_up)
"""Rates of IgG3: same uptake and compartments as IgG1, weaker FcRn rescue."""
ALBUMIN_RATES = pool_rates(ALBUMIN_HALF_LIFE_DAYS, ALBUMIN_INTRAVASCULAR_FRACTION, k_up=IGG_RATES.k_up)
"""Rates of albumin: same fluid-phase uptake, rescued at FcRn's albumin site (not saturable here)."""

_SAT_NORM = 1.0 + 1.0 / FCRN_HALF_SATURATION_REL


def fcrn_rescue(rates: PoolRates, igg_rel=1.0, occupancy=0.0, fcrn_fraction=1.0):
    """Fraction of pinocytosed IgG returned by FcRn.

    Parameters
    ----------
    rates : PoolRates
        ``IGG_RATES`` or ``IGG3_RATES``.
    igg_rel : float or ndarray
        Plasma total IgG (endogenous + IVIG) relative to normal; saturates FcRn.
    occupancy : float or ndarray
        Fraction of FcRn IgG sites held by a blocker (0..1).
    fcrn_fraction : float
        FcRn expressed relative to normal (0 = knockout), for teaching experiments.
    """
    if not isinstance(rates, PoolRates):
        raise ValueError(f"rates must be a PoolRates (IGG_RATES, IGG3_RATES); got {rates!r}")
    igg = check_array("igg_rel", igg_rel, 0, None, lo_open=True)
    occ = check_array("occupancy", occupancy, 0, 1)
    frac = check_number("fcrn_fraction", fcrn_fraction, 0, 1)
    r_max = rates.rescue * _SAT_NORM
    out = frac * r_max * (1.0 - occ) / (1.0 + igg / FCRN_HALF_SATURATION_REL)
    return float(out) if out.ndim == 0 else out


def half_life_at_igg_days(igg_rel=1.0, occupancy=0.0, rates: PoolRates = IGG_RATES, fcrn_fraction=1.0):
    """Terminal IgG half-life (days) of a tracer at a fixed IgG level and blocker occupancy.

    At normal IgG this returns the documented 21 d (IgG3: 7.5 d); with ``fcrn_fraction=0`` it gives
    the FcRn-knockout half-life (a few days).
    """
    check_number("igg_rel", igg_rel, 0, None, lo_open=True)
    check_number("occupancy", occupancy, 0, 1)
    r = float(fcrn_rescue(rates, igg_rel, occupancy, fcrn_fraction))
    return rates.terminal_half_life_days(rates.k_up * (1.0 - r))


# ---------------------------------------------------------------------------------------------
# Production by plasma cells
# ---------------------------------------------------------------------------------------------


def plasma_cell_output(drive, b_cells, long_lived_fraction, dt_days, noise=None):
    """Pathogenic antibody production over time, relative to baseline (1.0 = steady disease).

    Short-lived plasma cells (lifetime :data:`SHORT_LIVED_PC_LIFETIME_DAYS`) are made continuously
    from activated B cells, so their output follows ``drive * b_cells`` within days. Long-lived plasma
    cells (:data:`LONG_LIVED_PC_LIFETIME_DAYS`) are replenished from the same source, but so slowly
    that rituximab (which spares CD20-negative plasma cells) barely touches them within months.

    Parameters
    ----------
    drive : ndarray
        Autoimmune drive per step (T-cell help, germinal centres; 1 = untreated disease). Lowered
        by steroids, immunosuppressants and thymectomy.
    b_cells : ndarray
        CD20+ B cells per step relative to normal (rituximab drives it toward 0).
    long_lived_fraction : float
        Share of baseline production that comes from long-lived plasma cells.
    dt_days : float
        Step, days.
    noise : ndarray, optional
        Multiplicative day-to-day variation of the source (mean 1).

    Returns
    -------
    ndarray
        Production per step, relative to baseline. Value at index n applies over step n.
    """
    drive = check_array("drive", drive, 0, None)
    b_cells = check_array("b_cells", b_cells, 0, 1)
    long_lived_fraction = check_number("long_lived_fraction", long_lived_fraction, 0, 1)
    dt_days = check_number("dt_days", dt_days, 0, 1, lo_open=True, unit="days")
    src = drive * b_cells
    if noise is not None:
        src = src * check_array("noise", noise, 0, None)
    out = np.zeros_like(src)
    for share, life in ((1.0 - long_lived_fraction, SHORT_LIVED_PC_LIFETIME_DAYS),
                        (long_lived_fraction, LONG_LIVED_PC_LIFETIME_DAYS)):
        if share <= 0.0:
            continue
        a = math.exp(-dt_days / life)
        # x[n+1] = a x[n] + (1 - a) share src[n], with x[0] = share (steady state before day 0)
        y, _ = lfilter([1.0 - a], [1.0, -a], share * src, zi=[a * share])
        out[1:] += y[:-1]
        out[0] += share
    return out


# ---------------------------------------------------------------------------------------------
# The integrator
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AntibodyCourse:
    """Antibody and albumin pools over time (all relative to the baseline of each quantity).

    Attributes
    ----------
    t_days : ndarray
        Sample times, days (the state at the start of each step, before that step's events).
    total_igg : ndarray
        Plasma total IgG (endogenous + infused), relative to the patient's baseline plasma IgG.
    pathogenic_igg : ndarray
        Plasma pathogenic IgG relative to its baseline (0 when there is none).
    pathogenic_tissue : ndarray
        Extravascular pathogenic IgG relative to its baseline: what reaches the endplate.
    complement_potency : ndarray
        Complement-fixing potency of the tissue antibody, weighted by subclass (changes when the
        short-lived IgG3 share changes).
    ivig_tissue : ndarray
        Extravascular infused IgG, relative to the normal extravascular IgG pool.
    albumin : ndarray
        Plasma albumin relative to baseline.
    """

    t_days: np.ndarray
    total_igg: np.ndarray
    pathogenic_igg: np.ndarray
    pathogenic_tissue: np.ndarray
    complement_potency: np.ndarray
    ivig_tissue: np.ndarray
    albumin: np.ndarray


def _propagator(k, k_pe, k_ep, dt):
    """exp(A dt) of A = [[-(k+k_pe), k_ep], [k_pe, -k_ep]] as four floats (closed form)."""
    a = k + k_pe
    tr_half = -0.5 * (a + k_ep)
    disc = math.sqrt(max(tr_half * tr_half - k * k_ep, 0.0))
    l1 = tr_half + disc
    l2 = tr_half - disc
    e1 = math.exp(l1 * dt)
    e2 = math.exp(l2 * dt)
    if disc > 1e-12:
        c0 = (l1 * e2 - l2 * e1) / (l1 - l2)
        c1 = (e1 - e2) / (l1 - l2)
    else:  # repeated eigenvalue
        c0 = e1 * (1.0 - l1 * dt)
        c1 = e1 * dt
    return c0 - c1 * a, c1 * k_ep, c1 * k_pe, c0 - c1 * k_ep


def _relax(p, e, u, k, ratio, m):
    """One exact step of a plasma (p) / extravascular (e) pool pair with plasma input ``u``.

    ``m`` is the step's propagator ``(m11, m12, m21, m22)`` of the deviation from the steady
    state ``(u / k, u / k * ratio)``.
    """
    ps = u / k
    es = ps * ratio
    dp, de = p - ps, e - es
    return ps + m[0] * dp + m[1] * de, es + m[2] * dp + m[3] * de


def simulate_antibodies(n_steps, dt_days, *, pathogenic_production, pathogenic_initial=1.0,
                        igg3_fraction=0.0, subclass_potency=(0.0, 0.0), total_production=None,
                        fcrn_occupancy=None, ivig_dose_rel=None, plex_remaining=None,
                        growth_rate_per_day=0.0, fcrn_fraction=1.0) -> AntibodyCourse:
    """Integrate total IgG, pathogenic IgG (two subclass pools), infused IgG and albumin.

    Parameters
    ----------
    n_steps : int
        Number of steps; arrays of ``n_steps + 1`` samples are returned.
    dt_days : float
        Step, days.
    pathogenic_production : ndarray
        Production per step relative to the rate that holds the baseline (length ``n_steps + 1``;
        the last value is unused).
    pathogenic_initial : float
        Pathogenic IgG at t = 0 relative to baseline (1 for established disease and for maternal
        antibody at birth, 0 for none).
    igg3_fraction : float
        IgG3 share of the pathogenic antibody at baseline (the rest has the 21-d half-life).
    subclass_potency : (float, float)
        Complement potency of the IgG1/2/4 part and of the IgG3 part.
    total_production : ndarray, optional
        Endogenous total IgG production relative to the adult baseline (default 1 throughout).
    fcrn_occupancy : ndarray, optional
        FcRn IgG-site occupancy by a blocker per step (0..1).
    ivig_dose_rel : ndarray, optional
        Infused IgG per step, in units of the baseline body IgG pool, given at the start of the step.
    plex_remaining : ndarray, optional
        Fraction of plasma protein left by plasma exchange at the start of each step (1 = none).
        Albumin is assumed replaced (5 % albumin replacement fluid), IgG is not.
    growth_rate_per_day : float
        Dilution by body growth (infants), 1/day.
    fcrn_fraction : float
        FcRn expression relative to normal (0 = knockout; teaching experiments only).
    """
    n = check_int("n_steps", n_steps, 1, 10_000_000)
    dt = check_number("dt_days", dt_days, 0, 1, lo_open=True, unit="days")

    def series(name, x, default, lo, hi):
        if x is None:
            return np.full(n + 1, default)
        arr = check_array(name, x, lo, hi)
        if arr.shape not in ((), (n + 1,)):
            raise ValueError(f"{name} must be a number or an array of n_steps + 1 = {n + 1} values; "
                             f"got shape {arr.shape}")
        return np.broadcast_to(arr, (n + 1,))

    prod_p = series("pathogenic_production", pathogenic_production, 0.0, 0, None)
    prod_t = series("total_production", total_production, 1.0, 0, None)
    occ = series("fcrn_occupancy", fcrn_occupancy, 0.0, 0, 1)
    ivig = series("ivig_dose_rel", ivig_dose_rel, 0.0, 0, None)
    plex = series("plex_remaining", plex_remaining, 1.0, 0, 1)
    check_number("pathogenic_initial", pathogenic_initial, 0, None)
    check_number("igg3_fraction", igg3_fraction, 0, 1)
    check_number("growth_rate_per_day", growth_rate_per_day, 0, 1)
    check_number("fcrn_fraction", fcrn_fraction, 0, 1)

    g = IGG_RATES
    g3 = IGG3_RATES
    alb = ALBUMIN_RATES
    f = g.intravascular_fraction
    fa = alb.intravascular_fraction
    k_pe, k_ep = g.k_pe, g.k_ep
    gr = float(growth_rate_per_day)
    # baseline plasma inputs (amount per day into plasma) that hold each pool at 1.0
    in_long = g.elimination_rate * f
    in_3 = g3.elimination_rate * f
    in_alb = alb.elimination_rate * fa
    igg3_total_share = IGG3_SERUM_SHARE
    rmax = g.rescue * _SAT_NORM * fcrn_fraction
    rmax3 = g3.rescue * _SAT_NORM * fcrn_fraction
    ralb = alb.rescue * fcrn_fraction
    ksat = FCRN_HALF_SATURATION_REL
    k_up = g.k_up
    k_alb = alb.k_up * (1.0 - ralb) + gr
    pa, pb, pc, pd = _propagator(k_alb, alb.k_pe, alb.k_ep, dt)
    alb_ps = in_alb / k_alb
    alb_es = alb_ps * alb.k_pe / alb.k_ep

    f3 = float(igg3_fraction)
    pot1, pot3 = float(subclass_potency[0]), float(subclass_potency[1])
    p0 = float(pathogenic_initial)
    # state: (plasma, extravascular) per pool; every IgG pool split into an IgG1/2/4 and an IgG3 part
    tl_p, tl_e = (1 - igg3_total_share) * f, (1 - igg3_total_share) * (1 - f)
    t3_p, t3_e = igg3_total_share * f, igg3_total_share * (1 - f)
    iv_p = iv_e = 0.0
    pl_p, pl_e = p0 * (1 - f3) * f, p0 * (1 - f3) * (1 - f)
    p3_p, p3_e = p0 * f3 * f, p0 * f3 * (1 - f)
    al_p, al_e = fa, 1.0 - fa

    tot = [0.0] * (n + 1)
    path = [0.0] * (n + 1)
    tissue = [0.0] * (n + 1)
    pot = [0.0] * (n + 1)
    ivt = [0.0] * (n + 1)
    albo = [0.0] * (n + 1)
    e_base = 1.0 - f
    # plain Python floats in the loop (numpy scalars are several times slower one at a time)
    prod_p, prod_t, occ, ivig, plex = (x.tolist() for x in (prod_p, prod_t, occ, ivig, plex))
    ratio = k_pe / k_ep
    cache = {}

    def prop(k):
        """Propagator for plasma catabolic rate k, cached (rates repeat in untreated stretches)."""
        m = cache.get(k)
        if m is None:
            if len(cache) > 64:
                cache.clear()
            m = cache[k] = _propagator(k, k_pe, k_ep, dt)
        return m

    for i in range(n + 1):
        # sample the state at the start of step i
        tot[i] = (tl_p + t3_p + iv_p) / f
        path[i] = (pl_p + p3_p) / f
        ex = pl_e + p3_e
        tissue[i] = ex / e_base
        pot[i] = (pot1 * pl_e + pot3 * p3_e) / ex if ex > 1e-300 else pot1 * (1 - f3) + pot3 * f3
        ivt[i] = iv_e / e_base
        albo[i] = al_p / fa
        if i == n:
            break
        # events at the start of the step: plasma exchange, then infusion
        rem = plex[i]
        if rem != 1.0:
            tl_p *= rem
            t3_p *= rem
            iv_p *= rem
            pl_p *= rem
            p3_p *= rem
        if ivig[i] != 0.0:
            iv_p += ivig[i]
        c = (tl_p + t3_p + iv_p) / f
        sat = (1.0 - occ[i]) / (1.0 + c / ksat)
        k_long = k_up * (1.0 - rmax * sat) + gr
        a11, a12, a21, a22 = prop(k_long)
        # predictor-corrector on FcRn saturation: if plasma IgG moves by more than 1 % over the
        # step (IVIG, exchange), refreeze the rates at the mid-step IgG level
        ps = (in_long * (1 - igg3_total_share) + in_3 * igg3_total_share) * prod_t[i] / k_long
        c_end = (ps + a11 * (tl_p + t3_p + iv_p - ps) + a12 * (tl_e + t3_e + iv_e - ps * ratio)) / f
        if abs(c_end - c) > 0.01 * c:
            sat = (1.0 - occ[i]) / (1.0 + 0.5 * (c + c_end) / ksat)
            k_long = k_up * (1.0 - rmax * sat) + gr
            a11, a12, a21, a22 = prop(k_long)
        k_3 = k_up * (1.0 - rmax3 * sat) + gr
        b11, b12, b21, b22 = prop(k_3)
        # each pool relaxes exactly towards its steady state for a constant plasma input u:
        # P* = u/k, E* = P* k_pe/k_ep (IgG1/2/4 with propagator a, IgG3 with b)
        a = (a11, a12, a21, a22)
        b = (b11, b12, b21, b22)
        tl_p, tl_e = _relax(tl_p, tl_e, in_long * (1 - igg3_total_share) * prod_t[i], k_long, ratio, a)
        t3_p, t3_e = _relax(t3_p, t3_e, in_3 * igg3_total_share * prod_t[i], k_3, ratio, b)
        # infused IgG (no input during the step)
        iv_p, iv_e = _relax(iv_p, iv_e, 0.0, k_long, ratio, a)
        pl_p, pl_e = _relax(pl_p, pl_e, in_long * (1 - f3) * prod_p[i], k_long, ratio, a)
        p3_p, p3_e = _relax(p3_p, p3_e, in_3 * f3 * prod_p[i], k_3, ratio, b)
        # albumin (albumin site: no IgG saturation, no IgG-site blocker; replaced during exchange)
        dp, de = al_p - alb_ps, al_e - alb_es
        al_p, al_e = alb_ps + pa * dp + pb * de, alb_es + pc * dp + pd * de

    t = np.arange(n + 1) * dt
    tot, path, tissue, pot, ivt, albo = (np.array(x) for x in (tot, path, tissue, pot, ivt, albo))
    if p0 == 0.0 and not any(prod_p):
        path[:] = 0.0
        tissue[:] = 0.0
    return AntibodyCourse(t, tot, path, tissue, pot, ivt, albo)
