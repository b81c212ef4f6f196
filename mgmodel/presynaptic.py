"""The nerve terminal across a train of impulses: depletion, refilling, facilitation, potentiation.

The defect in MG is postsynaptic, but the *shape* of the decrement comes from the nerve terminal:
every impulse uses up part of the transmitter that is ready for release, so the second, third and
fourth EPPs are smaller; in a healthy muscle the safety factor covers the loss, in MG it does not.

The model, per impulse
----------------------
* A **store** of releasable quanta (the "immediately available store" of Elmqvist & Quastel 1965),
  of ``quantal_content / release_fraction`` quanta when rested, a fraction ``pool`` of which is
  full. One impulse releases on average the fraction ``u`` of what is there:
  ``u = release_fraction * (1 + F) * (1 + Phi)``, 0.2 at rest (Elmqvist & Quastel 1965 give
  0.1-0.2 for human intercostal muscle; soft).
* **Release is binomial**: the ``u * pool * store`` quanta expected are docked at release sites
  and each is released with the high probability ``release_probability``. Binomial release
  (Johnson & Wernig 1971; Miyamoto 1975) is less variable than Poisson release; with a high
  probability the EPP, and so the latency of the action potential, fluctuates little - this is
  what keeps the healthy SFEMG jitter below 30 µs (see ``release_probability``).
* **Refilling** brings the store back to full at the rate ``k`` (per s). Without help, the store
  refills in ``1 / refill_rate_per_s`` = 2 s. Residual calcium speeds it up (Dittman & Regehr
  1998; Wang & Kaczmarek 1998; in models of the human NMJ, Miralles 2016):

  - a *fast* residual calcium ``Cf`` (+1 per impulse, decays in 0.1 s) acts cooperatively
    (Hill 4, half effect at 3 impulses' worth): it hardly acts at 3 Hz but makes refilling
    fast at 20-50 Hz, so high-rate trains do not run down much;
  - a *slow* calcium/mobilization signal ``Cs`` (+1 per impulse, decays in 2 s, Hill 2, half
    effect at 6) builds up over the first seconds of a 3 Hz train and speeds refilling after
    the 4th-5th stimulus. This gives the U-shaped decrement of MG: largest at the 4th-5th
    response, partly repaired by the 10th.

* **Facilitation** ``F`` (+0.3 per impulse, decays in 60 ms, at most +40 %) raises ``u`` at high
  rates only (Mallart & Martin 1967; Magleby & Zengel 1982).
* **Post-tetanic potentiation** ``Phi`` builds up slowly during sustained activity and decays in
  ~50 s (Magleby & Zengel 1976): release is larger right after exercise ("post-activation
  facilitation", Desmedt 1973).
* **Post-activation exhaustion** ``E``: sustained activity leaves a drive ``X`` that decays in
  4 min; ``E`` follows ``X`` with a 100 s lag and slows refilling by up to 60 %. It is small
  right after exercise and largest 2-4 min later, when the MG decrement is larger than before
  exercise (Desmedt 1973; AAEM protocol). Its mechanism is not settled; slowed mobilization is a
  modelling choice.
* A **reserve** feeds the refilling (refilling is scaled by the reserve ``R``, 1 = full). Each
  impulse draws on it in proportion to the quanta released, and recycling restores it at a
  saturable rate (at most 0.07 per s). Below ~15 Hz recycling keeps up and the reserve stays
  nearly full; during sustained firing at 20 Hz or more it drains over tens of seconds, release
  falls and, in MG, fibres drop out: fatigable weakness. It recovers within ~10 s of rest. The
  recycling capacity is a modelling choice.

With the defaults a rested terminal stimulated at 3 Hz releases 100, 84, 75, 73, 73, 75, 78, 80,
81, 83 % of the first quantal content: a 27 % rundown by the 4th-5th stimulus (calibration:
20-40 %) followed by partial recovery. At 20 Hz the content dips to 77 % at the 4th stimulus, at
50 Hz to 86 %, and then rises back to or above the first value for a few seconds; sustained
firing at 20 Hz drains the reserve and release falls again over tens of seconds.

All time constants and gains that are not attributed above are modelling choices made so that the
model reproduces the calibration targets (``shared/science/calibration.md``, section 4).

Units: time in s, rates in Hz and s⁻¹, quanta as numbers.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_int, check_number, check_rng, checked_replace

__all__ = ["Presynaptic", "PRESYNAPTIC", "TerminalState", "ReleaseTrain", "rested_state", "advance",
           "simulate_release", "relative_release", "after_activity"]


def _f(default, lo, hi, unit="", *, lo_open=False, doc=""):
    return dataclasses.field(default=default, metadata=dict(lo=lo, hi=hi, unit=unit, lo_open=lo_open, doc=doc))


@dataclass(frozen=True)
class Presynaptic:
    """Constants of the nerve terminal (defaults: human NMJ, 37 °C). See the module docstring.

    Use ``.replace(**changes)`` for a variant; every value is checked.
    """

    release_fraction: float = _f(0.20, 0.0, 0.9, lo_open=True,
                                 doc="fraction of the store released by one impulse at rest")
    release_probability: float = _f(0.99, 0.0, 1.0, lo_open=True,
                                    doc="release probability of a docked quantum (binomial p)")
    facilitation_increment: float = _f(0.30, 0.0, 5.0, doc="rise of F per impulse")
    facilitation_tau_s: float = _f(0.06, 0.001, 10.0, "s", doc="decay of facilitation")
    facilitation_max: float = _f(0.40, 0.0, 5.0, doc="largest relative increase of u by facilitation")
    refill_rate_per_s: float = _f(0.5, 0.0, 100.0, "s⁻¹", doc="refilling rate without residual calcium")
    fast_ca_tau_s: float = _f(0.10, 0.001, 10.0, "s", doc="decay of fast residual calcium")
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
    reserve_half: float = _f(0.05, 1e-4, 10.0, doc="reserve deficit at which recycling runs at half speed")

    def __post_init__(self):
        for f in dataclasses.fields(self):
            m = f.metadata
            v = check_number(f.name, getattr(self, f.name), m["lo"], m["hi"], lo_open=m["lo_open"],
                             unit=m["unit"])
            object.__setattr__(self, f.name, v)
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


def _release_fraction(s, p):
    f, phi = s[0], s[3]
    u = p.release_fraction * min(1.0 + f, 1.0 + p.facilitation_max) * (1.0 + phi)
    return min(u, 0.95)


def _after_impulse(s, p, used):
    """Scalars after an impulse that released the fraction ``used`` of a full store (mean)."""
    f, cf, cs, phi, x, e, r = s
    return (f + p.facilitation_increment, cf + 1.0, cs + 1.0,
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
    expected : ndarray (N, S)
        Mean quanta that the terminal state predicts for each impulse.
    release_fraction : ndarray (S,)
        ``u`` at each impulse.
    state : TerminalState
        The state just after the last impulse.
    """

    times_s: np.ndarray
    quanta: np.ndarray
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


def _run(q, times, p, state, rng, stochastic):
    """The inner loop (inputs already checked). ``q`` (N,) rested quantal content."""
    n_fibres, n_imp = q.shape[0], times.shape[0]
    store = q / p.release_fraction
    inv_store = np.divide(1.0, store, out=np.zeros_like(store), where=store > 0)
    pool = state.pool.copy()
    s = _scalars(state)
    quanta = np.empty((n_fibres, n_imp))
    expected = np.empty((n_fibres, n_imp))
    u_all = np.empty(n_imp)
    t_prev = 0.0
    prob = p.release_probability
    for k in range(n_imp):
        s, log_keep = _relax(s, times[k] - t_prev, p)
        if log_keep != 0.0:
            keep = math.exp(log_keep)
            pool *= keep
            pool += 1.0 - keep          # pool = 1 - (1 - pool) * keep
        u = _release_fraction(s, p)
        u_all[k] = u
        avail = pool * store
        mean = u * avail
        expected[:, k] = mean
        if stochastic:
            docked = np.minimum(np.rint(mean / prob), np.floor(avail + 1e-9)).astype(np.int64)
            m = rng.binomial(docked, prob).astype(float)
        else:
            m = mean
        quanta[:, k] = m
        used = float(np.mean(m * inv_store)) if n_fibres > 1 else float(m[0] * inv_store[0])
        pool -= m * inv_store
        np.maximum(pool, 0.0, out=pool)
        s = _after_impulse(s, p, used)
        t_prev = times[k]
    return quanta, expected, u_all, _state(pool, s)


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
    quanta, expected, u, new_state = _run(q, times, params, state, gen, stochastic)
    return ReleaseTrain(times_s=times, quanta=quanta, expected=expected, release_fraction=u, state=new_state)


def relative_release(rate_hz, n_stimuli, params: Presynaptic = PRESYNAPTIC, *, state=None) -> np.ndarray:
    """Mean quantal content of each impulse of a regular train, relative to a rested terminal.

    Deterministic (no binomial fluctuation): the rundown curve of the terminal.

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
    quanta, _, _, _ = _run(np.ones(1), np.arange(n) / rate, params, state, None, False)
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
