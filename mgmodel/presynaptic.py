"""The nerve terminal across a train of impulses: depletion, refilling, facilitation, potentiation.

The defect in MG is postsynaptic, but the *shape* of the decrement comes from the nerve terminal:
every impulse uses up part of the transmitter that is ready for release, so the second, third and
fourth EPPs are smaller; in a healthy muscle the safety factor covers the loss, in MG it does not.
In the Lambert-Eaton myasthenic syndrome (LEMS) the lesion is here: antibodies to P/Q-type
calcium channels let less calcium in per impulse (:func:`lems_presynaptic`).

The model, per impulse
----------------------
* A **store** of releasable quanta (the "immediately available store" of Elmqvist & Quastel 1965),
  of ``quantal_content / release_fraction`` quanta when rested, a fraction ``pool`` of which is
  full. A rested healthy impulse releases the fraction ``release_fraction`` = 0.2 of it
  (Elmqvist & Quastel 1965 give 0.1-0.2 for human intercostal muscle; soft).
* **Release is binomial** (Johnson & Wernig 1971; Miyamoto 1975; Bennett et al. 1977): a
  number ``n`` of quanta are docked at release sites and each is released with probability
  ``p``; the quanta released are ``Binomial(n, p)``, less variable than Poisson release. At rest
  ``p = release_probability`` = 0.7 and ``n = release_fraction / release_probability`` of what
  the store holds, so the variance of the count is ``m (1 - p)``. The value of ``p`` is a
  modelling choice: binomial fits at mammalian junctions in normal calcium tend to give high
  values, estimates from the rundown of short tetani far lower, and non-uniform release sites
  bias every binomial estimate (Brown, Perkel & Feldman 1976). 0.7 is the highest value that
  leaves a terminal room to facilitate (with ``facilitation_max`` 0.4 a docked quantum is then
  released with probability at most 0.98), the closest to the binomial fits. For 50 or more
  docked quanta the count is drawn from the binomial's normal approximation (rounded; mean and
  variance within 1 %), below that exactly (a numerical choice, for speed).
* **Calcium sets p** through a cooperative sensor: ``p ∝ S(c) = c^4 / (c^4 + K^4)`` (release
  grows with the 4th power of calcium at low calcium and saturates at high; Dodge & Rahamimoff
  1967), with ``c = ca_entry_fraction × (1 + F)`` the calcium of one impulse relative to a
  healthy impulse and ``F`` the residual calcium of previous impulses (facilitation: +0.35 of
  the impulse's own entry per impulse, decaying in 60 ms; Katz & Miledi 1968; Mallart & Martin
  1967; Magleby & Zengel 1982). ``K^4 = facilitation_max`` so that a healthy terminal, which
  works near the sensor's saturation, can facilitate by at most +40 %: facilitation is modest
  in a healthy muscle. A terminal that lets in little calcium (LEMS) works on the steep foot of
  the sensor: it releases far less at rest and facilitates many-fold, because the same relative
  residual calcium raises ``S`` almost as ``(1 + F)^4``.
* **Quantal size** varies from quantum to quantum with CV ``quantal_size_cv`` = 0.3 (the
  spread of MEPP amplitudes: del Castillo & Katz 1954; Katz & Miledi 1972). The EPP of an
  impulse is driven by the *sum* of the sizes of the quanta released (``quantal_sum``, in mean
  quanta): for ``m`` quanta it has mean ``m`` and variance ``m × CV²`` (drawn as a normal
  variate for ``m >= 8`` and as the exact gamma sum for smaller ``m``; modelling choice).
* **Release-time dispersion**: the quanta of one impulse are not released at one instant; the
  single-quantum latencies spread over a short "release period" that is ~0.5 ms wide at frog
  junctions near 18 °C and shortens steeply on warming (synaptic delay Q10 ≈ 3; Katz & Miledi
  1965). Scaled to 37 °C this gives a standard deviation of ~0.03 ms (``release_dispersion_ms``;
  derived, soft). The mean release time of ``m`` quanta then varies by ``sd / sqrt(m)``
  between impulses: a source of SFEMG jitter that grows when few quanta are released.
* **Refilling** brings the store back to full at the rate ``k`` (per s). Without help, the store
  refills in ``1 / refill_rate_per_s`` = 2 s. Residual calcium speeds it up (Dittman & Regehr
  1998; Wang & Kaczmarek 1998; in models of the human NMJ, Miralles 2016):

  - a *fast* residual calcium ``Cf`` (+1 per healthy impulse, decays in 0.2 s, of the order of
    the residual calcium of mouse motor terminals, David & Barrett 2003; soft) acts
    cooperatively (Hill 4, half effect at 3 impulses' worth): it hardly acts at 3 Hz, begins to
    at 10 Hz and makes refilling fast at 20-50 Hz, so the rundown is deepest at 3-5 Hz - the
    rates at which the clinic looks for a decrement - and high-rate trains run down less;
  - a *slow* calcium/mobilization signal ``Cs`` (+1 per healthy impulse, decays in 2 s, Hill
    2, half effect at 6) builds up over the first seconds of a 3 Hz train and speeds refilling
    after the 4th-5th stimulus. This gives the U-shaped decrement of MG: largest at the 4th-5th
    response, partly repaired by the 10th.

  Both grow by ``ca_entry_fraction`` per impulse: less calcium, less acceleration.
* **Post-tetanic potentiation** ``Phi`` builds up slowly during sustained activity and decays in
  ~50 s (Magleby & Zengel 1976). It is a slowly cleared residual calcium (Rosenthal 1969;
  Delaney, Zucker & Tank 1989), so it adds to ``c`` (``c = ca_entry_fraction × (1 + F + Phi)``), and it
  also raises the number of quanta docked (``n × (1 + Phi)``), as binomial analyses of
  tetanized mammalian junctions require an increase of the available store and not of ``p``
  alone. Release is larger right after exercise ("post-activation facilitation", Desmedt 1973);
  in a healthy or myasthenic terminal mostly through ``n``, in LEMS mostly through calcium.
* **Post-activation exhaustion** ``E``: sustained activity leaves a drive ``X`` that decays in
  4 min; ``E`` follows ``X`` with a 100 s lag and slows refilling by up to 60 %. It is small
  right after exercise and largest 2-4 min later, when the MG decrement is larger than before
  exercise (Desmedt 1973; AAEM protocol). Its mechanism is not settled; slowed mobilization is a
  modelling choice.
* A **reserve** feeds the refilling (refilling is scaled by the reserve ``R``, 1 = full). Each
  impulse draws on it in proportion to the quanta released, and recycling restores it at a
  saturable rate (at most ``reserve_recovery_per_s``). Below ~15 Hz recycling keeps up and the
  reserve stays nearly full; during sustained firing at 20 Hz or more a limb terminal drains
  it over tens of seconds, release falls and, in MG, fibres drop out: fatigable weakness. It
  recovers within ~10 s of rest. The recycling capacity is a modelling choice; terminals built
  for tonic firing (extraocular muscle, :mod:`mgmodel.muscles`) recycle faster.

With the defaults a rested terminal stimulated at 3 Hz loses ~25 % of its first quantal content
by the 4th-5th stimulus (target 20-40 %, Elmqvist & Quastel 1965) and then partly
recovers; at 20-50 Hz facilitation and calcium-accelerated refilling keep the loss small for the
first seconds; sustained firing at 20 Hz drains the reserve and release falls over tens of
seconds.

All time constants and gains that are not attributed above are modelling choices, made so that
the model reproduces the rundown of Elmqvist & Quastel (1965) and the exercise-test time course
of Desmedt (1973).

Units: time in s, rates in Hz and s⁻¹, quanta as numbers.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_int, check_number, check_rng, checked_replace

__all__ = ["Presynaptic", "PRESYNAPTIC", "TerminalState", "ReleaseTrain", "rested_state", "advance",
           "simulate_release", "relative_release", "after_activity", "lems_presynaptic",
           "release_time_sd_ms"]


def _f(default, lo, hi, unit="", *, lo_open=False, doc=""):
    return dataclasses.field(default=default, metadata=dict(lo=lo, hi=hi, unit=unit, lo_open=lo_open, doc=doc))


@dataclass(frozen=True)
class Presynaptic:
    """Constants of the nerve terminal (defaults: human NMJ, 37 °C). See the module docstring.

    Use ``.replace(**changes)`` for a variant; every value is checked.
    """

    release_fraction: float = _f(0.20, 0.0, 0.9, lo_open=True,
                                 doc="fraction of the store released by one impulse at rest")
    release_probability: float = _f(0.7, 0.0, 1.0, lo_open=True,
                                    doc="release probability of a docked quantum, rested healthy impulse (binomial p)")
    ca_entry_fraction: float = _f(1.0, 0.0, 1.5, lo_open=True,
                                  doc="calcium entry per impulse relative to a healthy terminal (LEMS < 1)")
    ca_cooperativity: float = _f(4.0, 1.0, 6.0, doc="Hill coefficient of the release calcium sensor")
    quantal_size_cv: float = _f(0.3, 0.0, 1.0, doc="coefficient of variation of the size of one quantum")
    release_dispersion_ms: float = _f(0.03, 0.0, 1.0, "ms",
                                      doc="standard deviation of single-quantum release times at 37 °C")
    release_dispersion_q10: float = _f(3.0, 1.0, 5.0, doc="Q10 of the release-time dispersion (synaptic delay)")
    # fit: 0.35 keeps the 30-50 Hz content >= 0.8 of the first over 10 stimuli (previous calibration)
    facilitation_increment: float = _f(0.35, 0.0, 5.0,
                                       doc="residual calcium left per impulse, relative to its own entry")
    facilitation_tau_s: float = _f(0.06, 0.001, 10.0, "s", doc="decay of facilitation")
    facilitation_max: float = _f(0.40, 0.0, 5.0, lo_open=True,
                                 doc="largest relative increase of p in a healthy terminal (sensor saturation)")
    refill_rate_per_s: float = _f(0.5, 0.0, 100.0, "s⁻¹", doc="refilling rate without residual calcium")
    # fit: 0.2 s puts the deepest 3-10 Hz rundown at 3-5 Hz (the clinic's 2-5 Hz optimum)
    fast_ca_tau_s: float = _f(0.20, 0.001, 10.0, "s", doc="decay of fast residual calcium")
    fast_refill_max_per_s: float = _f(60.0, 0.0, 1000.0, "s⁻¹", doc="largest extra refilling from fast calcium")
    fast_ca_half: float = _f(3.0, 0.01, 100.0, "impulses", doc="fast calcium giving half of its effect")
    fast_ca_hill: float = _f(4.0, 0.5, 8.0, doc="cooperativity of the fast calcium effect")
    slow_ca_tau_s: float = _f(2.0, 0.01, 100.0, "s", doc="decay of slow calcium / mobilization signal")
    slow_refill_max_per_s: float = _f(4.0, 0.0, 1000.0, "s⁻¹", doc="largest extra refilling from slow calcium")
    slow_ca_half: float = _f(6.0, 0.01, 1000.0, "impulses", doc="slow calcium giving half of its effect")
    slow_ca_hill: float = _f(2.0, 0.5, 8.0, doc="cooperativity of the slow calcium effect")
    potentiation_increment: float = _f(0.0015, 0.0, 1.0, doc="rise of Phi per impulse, towards its maximum")
    potentiation_max: float = _f(0.6, 0.0, 5.0, doc="largest post-tetanic potentiation of u")
    potentiation_tau_s: float = _f(50.0, 0.1, 3600.0, "s", doc="decay of post-tetanic potentiation")
    exhaustion_increment: float = _f(0.002, 0.0, 1.0, doc="rise of the exhaustion drive X per impulse")
    exhaustion_drive_tau_s: float = _f(240.0, 1.0, 36000.0, "s", doc="decay of the exhaustion drive")
    exhaustion_onset_tau_s: float = _f(100.0, 1.0, 36000.0, "s", doc="lag of exhaustion behind its drive")
    exhaustion_gain: float = _f(0.6, 0.0, 0.99, doc="fraction of refilling lost at full exhaustion")
    reserve_use: float = _f(0.023, 0.0, 1.0, doc="reserve used per store-full of quanta released")
    reserve_recovery_per_s: float = _f(0.07, 1e-4, 100.0, "s⁻¹", doc="largest rate of recycling into the reserve")
    reserve_half: float = _f(0.02, 1e-4, 10.0, doc="reserve deficit at which recycling runs at half speed")

    def __post_init__(self):
        for f in dataclasses.fields(self):
            m = f.metadata
            v = check_number(f.name, getattr(self, f.name), m["lo"], m["hi"], lo_open=m["lo_open"],
                             unit=m["unit"])
            object.__setattr__(self, f.name, v)
        p_top = self.release_probability * (1.0 + self.facilitation_max)
        if p_top > 1.0:
            raise ValueError("release_probability * (1 + facilitation_max) must be <= 1 (a docked quantum "
                             f"cannot be released with probability > 1); got {p_top:g}")
        docked = self.release_fraction * (1.0 + self.potentiation_max) / self.release_probability
        if docked > 1.0:
            raise ValueError("release_fraction * (1 + potentiation_max) / release_probability must be <= 1 "
                             f"(no more quanta docked than the store holds); got {docked:g}")
        if abs(self.exhaustion_drive_tau_s - self.exhaustion_onset_tau_s) < 1e-6:
            raise ValueError("exhaustion_drive_tau_s and exhaustion_onset_tau_s must differ; got "
                             f"{self.exhaustion_drive_tau_s:g} s for both")

    def replace(self, **changes) -> "Presynaptic":
        """Return a copy with some constants changed (each is checked again)."""
        return checked_replace(self, changes, "parameter")


#: Default human nerve terminal.
PRESYNAPTIC = Presynaptic()


@dataclass(frozen=True)
class TerminalState:
    """The state of the nerve terminals of a population at one instant.

    ``pool`` is per fibre (fraction of the store that is full); the other variables depend only on
    the history of impulses, which every fibre of a stimulated nerve (or of one motor unit)
    shares, so they are scalars.
    """

    pool: np.ndarray
    facilitation: float = 0.0
    ca_fast: float = 0.0
    ca_slow: float = 0.0
    potentiation: float = 0.0
    exhaustion_drive: float = 0.0
    exhaustion: float = 0.0
    reserve: float = 1.0

    @property
    def n_fibres(self) -> int:
        return int(self.pool.shape[0])


def rested_state(n_fibres: int) -> TerminalState:
    """Terminals that have been at rest for a long time: full stores, no residual effects."""
    if isinstance(n_fibres, bool) or not isinstance(n_fibres, (int, np.integer)) or n_fibres < 1:
        raise ValueError(f"n_fibres must be a whole number >= 1; got {n_fibres!r}")
    pool = np.ones(int(n_fibres))
    return TerminalState(pool=pool)


def _hill_exposure(c0, dt, tau, half, n):
    """Integral over ``dt`` of ``h(c) = c^n / (c^n + K^n)`` for ``c = c0 exp(-t / tau)``, in s."""
    if c0 <= 0.0:
        return 0.0
    c1 = c0 * math.exp(-dt / tau)
    kn = half ** n
    return tau / n * math.log((c0 ** n + kn) / (c1 ** n + kn))


def _exhaustion_after(x0, e0, dt, p):
    """Exhaustion drive and exhaustion after ``dt`` s without impulses (exact)."""
    tx, te = p.exhaustion_drive_tau_s, p.exhaustion_onset_tau_s
    ex = math.exp(-dt / tx)
    ee = math.exp(-dt / te)
    a = x0 * tx / (tx - te)
    return x0 * ex, a * ex + (e0 - a) * ee


def _reserve_after(r, dt, p):
    """Reserve after ``dt`` s of recycling at the saturable rate ``V d / (d + K)`` (exact).

    The deficit ``d = 1 - r`` obeys ``d + K ln d = d0 + K ln d0 - V t``; solved by Newton's
    method in ``y = ln d`` (the left side is convex and increasing in ``y``, and the start
    ``ln d0`` lies right of the root, so the iteration converges monotonically).
    """
    d0 = 1.0 - r
    if d0 <= 1e-12 or dt <= 0.0:
        return min(r, 1.0)
    k, v = p.reserve_half, p.reserve_recovery_per_s
    c = d0 + k * math.log(d0) - v * dt
    y = math.log(d0)
    for _ in range(100):
        ey = math.exp(y)
        step = (ey + k * y - c) / (ey + k)
        y -= step
        if abs(step) < 1e-12:
            break
    return 1.0 - math.exp(y)


def _relax(s, dt, p):
    """Scalars of a state and the log of the pool's unfilled fraction factor after ``dt`` s."""
    f, cf, cs, phi, x, e, r = s
    if dt <= 0.0:
        return s, 0.0
    r1 = _reserve_after(r, dt, p)
    # the exhaustion slows refilling; it changes over minutes, so its mean over the interval is
    # taken from its two ends (exact enough for the intervals of any train)
    x1, e1 = _exhaustion_after(x, e, dt, p)
    slow_down = (1.0 - p.exhaustion_gain * 0.5 * (e + e1)) * 0.5 * (r + r1)
    exposure = (p.refill_rate_per_s * dt
                + p.fast_refill_max_per_s * _hill_exposure(cf, dt, p.fast_ca_tau_s, p.fast_ca_half, p.fast_ca_hill)
                + p.slow_refill_max_per_s * _hill_exposure(cs, dt, p.slow_ca_tau_s, p.slow_ca_half, p.slow_ca_hill))
    new = (f * math.exp(-dt / p.facilitation_tau_s), cf * math.exp(-dt / p.fast_ca_tau_s),
           cs * math.exp(-dt / p.slow_ca_tau_s), phi * math.exp(-dt / p.potentiation_tau_s), x1, e1, r1)
    return new, -exposure * slow_down


def _scalars(state):
    return (state.facilitation, state.ca_fast, state.ca_slow, state.potentiation,
            state.exhaustion_drive, state.exhaustion, state.reserve)


def _state(pool, s):
    f, cf, cs, phi, x, e, r = s
    return TerminalState(pool=pool, facilitation=f, ca_fast=cf, ca_slow=cs, potentiation=phi,
                         exhaustion_drive=x, exhaustion=e, reserve=r)


def _sensor(c, p):
    """Calcium sensor occupancy ``c^n / (c^n + K^n)`` with ``K^n = facilitation_max``."""
    cn = c ** p.ca_cooperativity
    return cn / (cn + p.facilitation_max)


def _release_terms(s, p):
    """(fraction of the available store docked, release probability of a docked quantum)."""
    f, phi = s[0], s[3]
    prob = p.release_probability * _sensor(p.ca_entry_fraction * (1.0 + f + phi), p) * (1.0 + p.facilitation_max)
    dock = p.release_fraction * (1.0 + phi) / p.release_probability
    return min(dock, 1.0), min(prob, 1.0)


def _release_fraction(s, p):
    dock, prob = _release_terms(s, p)
    return dock * prob


def _after_impulse(s, p, used):
    """Scalars after an impulse that released the fraction ``used`` of a full store (mean)."""
    f, cf, cs, phi, x, e, r = s
    ca = p.ca_entry_fraction
    return (f + p.facilitation_increment, cf + ca, cs + ca,
            phi + p.potentiation_increment * (p.potentiation_max - phi),
            x + p.exhaustion_increment * (1.0 - x), e, max(r - p.reserve_use * used, 0.0))


def _check_params(params):
    if not isinstance(params, Presynaptic):
        raise ValueError(f"params must be an mgmodel.presynaptic.Presynaptic; got {type(params).__name__}")
    return params


def _check_state(state, n=None):
    if not isinstance(state, TerminalState):
        raise ValueError(f"state must be a TerminalState; got {type(state).__name__}")
    if n is not None and state.n_fibres != n:
        raise ValueError(f"state must describe {n} fibres; got a state of {state.n_fibres}")
    return state


def advance(state: TerminalState, dt_s, params: Presynaptic = PRESYNAPTIC) -> TerminalState:
    """The terminal state after ``dt_s`` seconds without impulses (closed form)."""
    _check_state(state)
    _check_params(params)
    dt = check_number("dt_s", dt_s, 0.0, 1e6, unit="s")
    s, log_keep = _relax(_scalars(state), dt, params)
    pool = 1.0 - (1.0 - state.pool) * math.exp(log_keep)
    return _state(pool, s)


@dataclass(frozen=True)
class ReleaseTrain:
    """Quanta released by a train of impulses.

    Attributes
    ----------
    times_s : ndarray (S,)
        Impulse times, s (from the instant of the starting state).
    quanta : ndarray (N, S)
        Quanta released per fibre and impulse (whole numbers when ``stochastic``).
    quantal_sum : ndarray (N, S)
        Sum of the sizes of the quanta released, in mean quanta (equal to ``quanta`` when not
        ``stochastic`` or when ``quantal_size_cv`` is 0): what drives the EPP.
    expected : ndarray (N, S)
        Mean quanta that the terminal state predicts for each impulse.
    release_fraction : ndarray (S,)
        ``u`` at each impulse.
    state : TerminalState
        The state just after the last impulse.
    """

    times_s: np.ndarray
    quanta: np.ndarray
    quantal_sum: np.ndarray
    expected: np.ndarray
    release_fraction: np.ndarray
    state: TerminalState


def _check_times(times_s):
    t = check_array("times_s", times_s, 0.0, None, unit="s")
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"times_s must be a 1-D array of at least one impulse time; got shape {t.shape}")
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ValueError("times_s must increase strictly")
    return t


def _quantal_sum(m, cv, rng):
    """Sum of the sizes of ``m`` quanta of CV ``cv`` (mean size 1): normal for m >= 8, gamma below."""
    if cv <= 0.0:
        return m.copy()
    out = m + cv * np.sqrt(m) * rng.standard_normal(m.shape)
    few = m < 8.0
    if np.any(few):
        out[few] = rng.gamma(m[few] / (cv * cv), cv * cv)
    np.maximum(out, 0.0, out=out)
    return out


#: Docked quanta from which the binomial count is drawn from its normal approximation (rounded,
#: clipped to [0, n]); below it the exact binomial. At n >= 50 and 0.05 <= p <= 0.95 the two
#: differ by less than 1 % in mean and variance (numerical choice, for speed: exact binomial
#: draws cost ~3x as much for 10^5 fibres).
_NORMAL_BINOMIAL_N = 50


def _normal_binomial(n, prob, rng):
    x = rng.standard_normal(n.shape)
    x *= np.sqrt(n * (prob * (1.0 - prob)))
    x += n * prob
    np.rint(x, out=x)
    np.maximum(x, 0.0, out=x)           # = np.clip(x, 0, n), without clip's per-call overhead
    np.minimum(x, n, out=x)
    return x


def _binomial(n, prob, rng):
    """Binomial(n, prob) counts (float array) for whole-number ``n`` >= 0."""
    if 0.05 <= prob <= 0.95:
        # ufunc reductions: the same tests as .any()/.all() without their Python-level overhead
        if np.minimum.reduce(n, initial=np.inf) >= _NORMAL_BINOMIAL_N:
            return _normal_binomial(n, prob, rng)
        small = n < _NORMAL_BINOMIAL_N
        if np.maximum.reduce(n, initial=-np.inf) >= _NORMAL_BINOMIAL_N:
            out = np.empty(n.shape)
            big = ~small
            out[big] = _normal_binomial(n[big], prob, rng)
            out[small] = rng.binomial(n[small].astype(np.int64), prob)
            return out
    return rng.binomial(n.astype(np.int64), prob).astype(float)


def _run(q, times, p, state, rng, stochastic):
    """The inner loop (inputs already checked). ``q`` (N,) rested quantal content.

    Returns ``(quanta, quantal_sum, expected, u, state)``.
    """
    n_fibres, n_imp = q.shape[0], times.shape[0]
    store = q / p.release_fraction
    inv_store = np.divide(1.0, store, out=np.zeros_like(store), where=store > 0)
    pool = state.pool.copy()
    s = _scalars(state)
    quanta = np.empty((n_fibres, n_imp))
    expected = np.empty((n_fibres, n_imp))
    u_all = np.empty(n_imp)
    t_prev = 0.0
    avail = np.empty(n_fibres)
    for k in range(n_imp):
        s, log_keep = _relax(s, times[k] - t_prev, p)
        if log_keep != 0.0:
            keep = math.exp(log_keep)
            pool *= keep
            pool += 1.0 - keep          # pool = 1 - (1 - pool) * keep
        dock, prob = _release_terms(s, p)
        u_all[k] = dock * prob
        np.multiply(pool, store, out=avail)
        np.multiply(avail, u_all[k], out=expected[:, k])
        if stochastic:
            docked = np.rint(dock * avail)
            if dock > 0.5:              # rint could then exceed what the store holds
                np.minimum(docked, np.floor(avail + 1e-9), out=docked)
            m = _binomial(docked, prob, rng)
        else:
            m = expected[:, k]
        quanta[:, k] = m
        frac = m * inv_store
        used = float(np.add.reduce(frac) / n_fibres)     # = frac.mean(), with less call overhead
        pool -= frac
        np.maximum(pool, 0.0, out=pool)
        s = _after_impulse(s, p, used)
        t_prev = times[k]
    qsum = _quantal_sum(quanta, p.quantal_size_cv, rng) if stochastic else quanta.copy()
    return quanta, qsum, expected, u_all, _state(pool, s)


def simulate_release(quantal_content, times_s, params: Presynaptic = PRESYNAPTIC, *, state=None,
                     rng=None, stochastic=True) -> ReleaseTrain:
    """Quanta released by each fibre's terminal for a train of impulses.

    Parameters
    ----------
    quantal_content : array_like (N,)
        Mean quanta released by each rested terminal for one impulse, >= 0.
    times_s : array_like (S,)
        Impulse times, s, increasing, counted from the instant of ``state``.
    params : Presynaptic
        Terminal constants.
    state : TerminalState, optional
        Starting state (default: rested).
    rng : None, int or numpy.random.Generator
        Random source for binomial release (``None`` = seed 0).
    stochastic : bool
        If False, release the mean number of quanta (no fluctuation).

    Returns
    -------
    ReleaseTrain
    """
    q = check_array("quantal_content", quantal_content, 0.0, 1e4, unit="quanta")
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"quantal_content must be a 1-D array with one value per fibre; got shape {q.shape}")
    times = _check_times(times_s)
    _check_params(params)
    if not isinstance(stochastic, bool):
        raise ValueError(f"stochastic must be True or False; got {stochastic!r}")
    state = rested_state(q.size) if state is None else _check_state(state, q.size)
    gen = check_rng(rng)
    quanta, qsum, expected, u, new_state = _run(q, times, params, state, gen, stochastic)
    return ReleaseTrain(times_s=times, quanta=quanta, quantal_sum=qsum, expected=expected,
                        release_fraction=u, state=new_state)


def relative_release(rate_hz, n_stimuli, params: Presynaptic = PRESYNAPTIC, *, state=None) -> np.ndarray:
    """Mean quantal content of each impulse of a regular train, relative to a rested terminal.

    Deterministic (no binomial fluctuation): the rundown curve of the terminal. "Rested" means
    a rested *healthy* terminal (``ca_entry_fraction`` 1): a LEMS terminal starts below 1.

    >>> r = relative_release(3.0, 10)
    >>> bool(0.6 <= min(r[3], r[4]) <= 0.8)
    True
    """
    rate = check_number("rate_hz", rate_hz, 0.0, 1000.0, lo_open=True, unit="Hz")
    n = _check_count("n_stimuli", n_stimuli)
    _check_params(params)
    state = rested_state(1) if state is None else _check_state(state)
    if state.n_fibres != 1:
        state = _state(np.array([float(np.mean(state.pool))]), _scalars(state))
    quanta, _, _, _, _ = _run(np.ones(1), np.arange(n) / rate, params, state, None, False)
    return quanta[0]


def _check_count(name, value, lo=1, hi=100000):
    return check_int(name, value, lo, hi)


def after_activity(state: TerminalState, rate_hz, duration_s, params: Presynaptic = PRESYNAPTIC) -> TerminalState:
    """The terminal state at the end of sustained regular firing (mean release, no fluctuation).

    Used for the exercise protocol and to bring terminals to a steady state before SFEMG. The
    state returned is one interval after the last impulse.
    """
    _check_state(state)
    _check_params(params)
    rate = check_number("rate_hz", rate_hz, 0.0, 1000.0, lo_open=True, unit="Hz")
    dur = check_number("duration_s", duration_s, 0.0, 3600.0, unit="s")
    n = int(round(dur * rate))
    if n == 0:
        return state
    p = params
    dt = 1.0 / rate
    s = _scalars(state)
    # mean-field: refilling and release are affine maps of the pool with the same slope for every
    # fibre, so follow one reference pool that starts full and carry each fibre's extra deficit
    unfilled = 1.0 - state.pool
    pool = 1.0
    first = True
    for _ in range(n):
        if not first:
            s, log_keep = _relax(s, dt, p)
            keep = math.exp(log_keep)
            pool = 1.0 - (1.0 - pool) * keep
            unfilled = unfilled * keep
        first = False
        u = _release_fraction(s, p)
        used = u * pool
        pool -= used
        unfilled = unfilled * (1.0 - u)
        s = _after_impulse(s, p, used)
    s, log_keep = _relax(s, dt, p)
    keep = math.exp(log_keep)
    pool = 1.0 - (1.0 - pool) * keep
    unfilled = unfilled * keep
    # a pool that started below full carries its extra deficit, shrunk by every release and refill
    new_pool = np.clip(pool - unfilled, 0.0, 1.0)
    return _state(new_pool, s)


def release_time_sd_ms(quanta, params: Presynaptic = PRESYNAPTIC, temperature_C=37.0):
    """Standard deviation of the mean release time of ``quanta`` quanta, ms (0 where none).

    The single-quantum release times of one impulse spread with the standard deviation
    ``release_dispersion_ms`` at 37 °C, scaled by ``release_dispersion_q10`` at other
    temperatures (Katz & Miledi 1965); the mean of ``m`` of them varies as ``sd / sqrt(m)``.
    """
    _check_params(params)
    m = check_array("quanta", quanta, 0.0, 1e5)
    t = check_number("temperature_C", temperature_C, 20.0, 42.0, unit="°C")
    sd = params.release_dispersion_ms * params.release_dispersion_q10 ** ((37.0 - t) / 10.0)
    return np.where(m > 0, sd / np.sqrt(np.maximum(m, 1e-12)), 0.0)


def lems_presynaptic(ca_entry_fraction=0.6, base: Presynaptic = PRESYNAPTIC) -> Presynaptic:
    """The nerve terminal in the Lambert-Eaton myasthenic syndrome (LEMS).

    IgG against the P/Q-type (Ca_v2.1) calcium channels of the motor nerve terminal removes
    channels and so reduces the calcium that enters with each impulse (Lang et al. 1981; Fukunaga
    et al. 1982, active-zone particles lost; Motomura et al. 1995). Here that is one number, the
    calcium entry relative to a healthy terminal; through the cooperative calcium sensor
    (Dodge & Rahamimoff 1967) it lowers the release probability steeply - the rested
    quantal content falls to 0.34 of normal at ``ca_entry_fraction`` 0.6, 0.19 at 0.5 and 0.08
    at 0.4 - and makes residual calcium facilitate release many-fold at high rates (at 50 Hz up
    to 3, 4.7 and 7.4 times the first impulse; a healthy terminal: 1.2 times) and after brief
    exercise, while quantal size and the store are normal (Elmqvist & Lambert 1968; Lambert &
    Elmqvist 1971). Which entry fraction matches a given patient is not known; 0.6 gives the
    classic electrodiagnostic picture in a muscle with healthy endplates.

    Parameters
    ----------
    ca_entry_fraction : float
        Calcium entry per impulse relative to a healthy terminal, (0, 1].
    base : Presynaptic
        The healthy terminal to modify.

    Returns
    -------
    Presynaptic

    Examples
    --------
    >>> first = relative_release(3.0, 1, lems_presynaptic(0.6))[0]   # relative to a healthy terminal
    >>> bool(0.25 < first < 0.45)
    True
    """
    f = check_number("ca_entry_fraction", ca_entry_fraction, 0.0, 1.0, lo_open=True)
    _check_params(base)
    return base.replace(ca_entry_fraction=f)
