"""What the clinician measures: repetitive nerve stimulation, the exercise test, single-fibre EMG,
and what the patient feels: force during sustained use and its recovery with rest.

Every function takes a :class:`~mgmodel.population.FibrePopulation`, runs its nerve terminals
(:mod:`mgmodel.presynaptic`: binomial release per fibre per impulse, each quantum of variable
size, released at a variable instant) and its endplates (the fast-path EPP table) and decides,
fibre by fibre and impulse by impulse, whether the EPP reaches the threshold. Results are frozen
dataclasses of named arrays with scalar summaries.

The nerve terminals are the muscle's own (``population.muscle.terminal``: the extraocular
terminal recycles faster, :mod:`mgmodel.muscles`) unless ``presynaptic=`` gives others, e.g.
``mgmodel.lems_presynaptic(0.6)`` for the Lambert-Eaton myasthenic syndrome: the same muscle
then shows a low first CMAP, a decrement at 3 Hz and a large increment at 50 Hz and after a
brief exercise - the presynaptic pattern that tells LEMS from MG.

Repetitive nerve stimulation (RNS)
    A supramaximal stimulus excites every axon, so the CMAP is the sum of the action potentials
    of the fibres whose endplates transmit. ``cmap`` is that sum relative to the full response
    (every fibre firing), each fibre weighted by its diameter. The decrement is
    ``100 * (1 - min(CMAP4, CMAP5) / CMAP1)`` - abnormal above 10 % in most laboratories
    (Abraham et al. 2017). At 20-50 Hz clinicians read the change from the first to the last
    response (``decrement_end_pct``; negative = increment).
Exercise test
    A baseline train, 30-60 s of maximal voluntary contraction, then trains right after and every
    minute for 4 minutes: the decrement is repaired at once (post-activation facilitation) and
    larger than at baseline at 2-4 min (post-activation exhaustion) (Desmedt 1973; AAEM).
Single-fibre EMG (SFEMG)
    Two fibres of one motor unit fire after each discharge of their axon; the interval between
    their action potentials varies from discharge to discharge - the *jitter*, measured as the
    mean consecutive difference (MCD) of the interval. Here each fibre's latency is the mean
    release time of that discharge's quanta plus the time its EPP takes to reach threshold (from
    the fast path) plus a fixed conduction time, so all the jitter comes from the endplates, as it
    mostly does (Stålberg & Trontelj 1994): from the binomial count and the sizes of the quanta
    (a smaller EPP crosses threshold later) and from the dispersion of release times. Nothing
    is added as noise; jitter grows as the margin falls because a small EPP crosses threshold
    on its flat part, and an endplate blocks only once its EPP fluctuates around threshold,
    when its jitter is already high. A discharge in which one fibre fails is *blocking*. A study
    is abnormal (IFCN, Sanders et al. 2019) if the mean MCD exceeds the muscle's limit or more
    than 10 % of pairs exceed the limit for one pair (Stålberg et al. 2016).
Sustained activation
    All motor units fire at one rate; force is the fraction of fibres that fire, weighted by
    cross-sectional area. Only transmission failure is modelled - not the metabolic fatigue of
    the muscle fibres themselves - so a healthy muscle keeps its force. A fibre fires when the
    quanta of that discharge reach its rested threshold (each EPP taken from rest: the summation
    of EPPs and the Na inactivation that :func:`mgmodel.postsynaptic_train` adds at high rates
    are left out here, a simplification that keeps minutes of 150 Hz firing fast to compute).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_int, check_number, check_rng
# sustained activation has its own module; its names stay importable from here as before
from .activation import (ActivationBout, ActivationResult, retest_after_rest,  # noqa: F401
                         simulate_activation, sustained_activation)
from .population import FibrePopulation, check_population, muscle_terminal
from .presynaptic import (Presynaptic, TerminalState, advance, after_activity, release_time_sd_ms,
                          rested_state, simulate_release)

__all__ = ["RNSResult", "simulate_rns", "ExerciseTestResult", "simulate_exercise_test",
           "SFEMGResult", "simulate_sfemg", "ActivationResult", "simulate_activation",
           "ActivationBout", "sustained_activation", "retest_after_rest", "classify_endplates"]


def _fires(population, epp):
    """Firing decision: the EPP reaches the fibre's threshold (never for inexcitable endplates)."""
    gap = population.threshold_gap_mV
    return epp >= (gap[:, None] if epp.ndim == 2 else gap)


# --------------------------------------------------------------------------------------------
# Repetitive nerve stimulation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RNSResult:
    """One train of repetitive nerve stimulation.

    Attributes
    ----------
    rate_hz : float
        Stimulation rate, Hz.
    times_s : ndarray (S,)
        Stimulus times, s.
    cmap : ndarray (S,)
        CMAP amplitude per stimulus relative to the full response (every fibre firing) = 1.
    fraction_firing : ndarray (S,)
        Fraction of fibres firing per stimulus (unweighted).
    epp_mV : ndarray (N, S)
        Peak EPP of every fibre at every stimulus, mV above rest.
    quanta : ndarray (N, S)
        Quanta released.
    quantal_sum : ndarray (N, S)
        Sum of the sizes of the quanta released, in mean quanta (what drives each EPP).
    fired : ndarray (N, S) of bool
        Whether each fibre fired.
    decrement_pct : float
        ``100 * (1 - min(CMAP4, CMAP5) / CMAP1)``; NaN with fewer than 5 stimuli or no first response.
    muscle : str
        The muscle group.
    state : TerminalState
        Terminal state just after the last stimulus (to chain trains).
    """

    rate_hz: float
    times_s: np.ndarray
    cmap: np.ndarray
    fraction_firing: np.ndarray
    epp_mV: np.ndarray = field(repr=False)
    quanta: np.ndarray = field(repr=False)
    quantal_sum: np.ndarray = field(repr=False)
    fired: np.ndarray = field(repr=False)
    decrement_pct: float
    muscle: str
    state: TerminalState = field(repr=False)

    @property
    def n_stimuli(self) -> int:
        return int(self.cmap.shape[0])

    @property
    def decrement_end_pct(self) -> float:
        """``100 * (1 - CMAP_last / CMAP1)``: the change over the whole train (negative = increment)."""
        c1 = self.cmap[0]
        return float(100.0 * (1.0 - self.cmap[-1] / c1)) if c1 > 0 else math.nan

    @property
    def increment_pct(self) -> float:
        """``100 * (max CMAP / CMAP1 - 1)``: the largest increment over the train."""
        c1 = self.cmap[0]
        return float(100.0 * (self.cmap.max() / c1 - 1.0)) if c1 > 0 else math.nan


def _decrement(cmap):
    if cmap.shape[0] < 5 or cmap[0] <= 0:
        return math.nan
    return float(100.0 * (1.0 - min(cmap[3], cmap[4]) / cmap[0]))


#: Shortest interval (s) at which, with normal AChE, an impulse finds the endplate as it was at
#: rest: the previous EPP has decayed and no receptors are left desensitized. Trains this slow
#: (clinical 2-5 Hz RNS) take each EPP from rest; faster trains, or any train with AChE inhibited,
#: go through :func:`mgmodel.postsynaptic_train` (summation, desensitization, Na inactivation).
#: ``tests/test_electrodiagnosis.py`` checks that both give the same firing at 3 Hz.
NO_SUMMATION_INTERVAL_S = 0.1


def _train(population, times, params, state, rng):
    """Release, EPPs and firing for a train; returns (ReleaseTrain, epp, fired)."""
    tr = simulate_release(population.quantal_content, times, params, state=state, rng=rng)
    slow = times.size == 1 or float(np.min(np.diff(times))) >= NO_SUMMATION_INTERVAL_S
    if slow and population.ache_activity >= 1.0:
        epp = population.epp_mV(tr.quantal_sum)
        return tr, epp, _fires(population, epp)
    post = population.endplate_train(tr.quantal_sum, 1000.0 * times, with_latency=False)
    return tr, post.epp_mV, post.fires


def simulate_rns(population: FibrePopulation, rate_hz=3.0, n_stimuli=10, *, rng=None,
                 state: TerminalState | None = None, presynaptic: Presynaptic | None = None) -> RNSResult:
    """Repetitive nerve stimulation: supramaximal stimuli at ``rate_hz``, CMAP per stimulus.

    Parameters
    ----------
    population : FibrePopulation
        The muscle (from :func:`mgmodel.population.sample_fibres`).
    rate_hz : float
        Stimulation rate, Hz (0.1-200; clinically 2-3 Hz, or 20-50 Hz).
    n_stimuli : int
        Number of stimuli (1-10,000; clinically 10 at low rates).
    rng : None, int or numpy.random.Generator
        Random source of binomial release (``None`` = seed 0).
    state : TerminalState, optional
        Terminal state before the first stimulus (default: rested).
    presynaptic : Presynaptic, optional
        Nerve-terminal constants (default: the muscle's own terminal,
        ``population.muscle.terminal``); e.g. ``mgmodel.lems_presynaptic(0.6)`` for LEMS.

    Returns
    -------
    RNSResult

    Examples
    --------
    >>> from mgmodel import HUMAN
    >>> from mgmodel.population import sample_fibres
    >>> r = simulate_rns(sample_fibres(1000, HUMAN, rng=1), rng=2)
    >>> bool(r.decrement_pct < 5)
    True
    """
    pop = check_population(population)
    rate = check_number("rate_hz", rate_hz, 0.1, 200.0, unit="Hz")
    n = check_int("n_stimuli", n_stimuli, 1, 10_000)
    params = muscle_terminal(pop, presynaptic)
    if state is None:
        state = rested_state(pop.n_fibres)
    elif not isinstance(state, TerminalState) or state.n_fibres != pop.n_fibres:
        raise ValueError(f"state must be a TerminalState of {pop.n_fibres} fibres; got {state!r:.60}")
    gen = check_rng(rng)
    times = np.arange(n) / rate
    tr, epp, fired = _train(pop, times, params, state, gen)
    cmap = pop.cmap_weight @ fired
    return RNSResult(rate_hz=rate, times_s=times, cmap=cmap, fraction_firing=fired.mean(axis=0),
                     epp_mV=epp, quanta=tr.quanta, quantal_sum=tr.quantal_sum, fired=fired,
                     decrement_pct=_decrement(cmap), muscle=pop.muscle.name, state=tr.state)


# --------------------------------------------------------------------------------------------
# Exercise test
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExerciseTestResult:
    """RNS before and after a period of maximal voluntary exercise.

    Attributes
    ----------
    exercise_s, exercise_rate_hz : float
        Duration and motor-unit firing rate of the exercise.
    baseline : RNSResult
        Train before exercise.
    times_after_s : ndarray (K,)
        Start of each post-exercise train, s after the end of exercise.
    trains : tuple of RNSResult
        The post-exercise trains.
    decrement_pct : ndarray (K,)
        Decrement of each post-exercise train.
    cmap1 : ndarray (K,)
        First CMAP of each post-exercise train (relative to the full response).
    """

    exercise_s: float
    exercise_rate_hz: float
    baseline: RNSResult = field(repr=False)
    times_after_s: np.ndarray
    trains: tuple = field(repr=False)
    decrement_pct: np.ndarray
    cmap1: np.ndarray

    @property
    def baseline_decrement_pct(self) -> float:
        return self.baseline.decrement_pct

    @property
    def facilitation_pct(self) -> float:
        """Repair right after exercise: baseline decrement minus the first post-exercise one."""
        return float(self.baseline.decrement_pct - self.decrement_pct[0])

    @property
    def exhaustion_pct(self) -> float:
        """Worsening at 2-4 min: largest decrement in that window minus the baseline one."""
        sel = (self.times_after_s >= 120.0) & (self.times_after_s <= 240.0)
        if not np.any(sel):
            return math.nan
        return float(np.nanmax(self.decrement_pct[sel]) - self.baseline.decrement_pct)


def simulate_exercise_test(population: FibrePopulation, exercise_s=30.0, *, exercise_rate_hz=None,
                           rate_hz=3.0, n_stimuli=10, times_after_s=(5.0, 60.0, 120.0, 180.0, 240.0),
                           rng=None, presynaptic: Presynaptic | None = None) -> ExerciseTestResult:
    """The RNS exercise protocol: baseline train, exercise, trains right after and at 1-4 min.

    Parameters
    ----------
    population : FibrePopulation
    exercise_s : float
        Duration of maximal voluntary exercise, s (clinically 30-60 s; 0-600).
    exercise_rate_hz : float, optional
        Motor-unit firing rate during exercise (default: the muscle profile's rate).
    rate_hz, n_stimuli :
        The RNS trains (default 3 Hz, 10 stimuli).
    times_after_s : sequence of float
        When each post-exercise train starts, s after the end of exercise, increasing
        (default: 5 s - "immediately" - then 1, 2, 3 and 4 min).
    rng : None, int or numpy.random.Generator
    presynaptic : Presynaptic, optional
        Default: the muscle's own terminal.

    Returns
    -------
    ExerciseTestResult
    """
    pop = check_population(population)
    ex_s = check_number("exercise_s", exercise_s, 0.0, 600.0, unit="s")
    ex_rate = pop.muscle.firing_rate_hz if exercise_rate_hz is None else \
        check_number("exercise_rate_hz", exercise_rate_hz, 0.0, 500.0, lo_open=True, unit="Hz")
    rate = check_number("rate_hz", rate_hz, 0.1, 200.0, unit="Hz")
    n = check_int("n_stimuli", n_stimuli, 5, 10_000)
    presynaptic = muscle_terminal(pop, presynaptic)
    try:
        after = np.asarray(times_after_s, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"times_after_s must be a sequence of times in s; got {times_after_s!r}") from None
    if after.size == 0 or not np.all(np.isfinite(after)) or np.any(after < 0) or np.any(np.diff(after) <= 0):
        raise ValueError(f"times_after_s must be increasing times >= 0 s; got {times_after_s!r}")
    train_s = (n - 1) / rate
    if after.size > 1 and np.any(np.diff(after) < train_s):
        raise ValueError(f"times_after_s must be at least one train ({train_s:g} s) apart; got {times_after_s!r}")
    gen = check_rng(rng)

    baseline = simulate_rns(pop, rate, n, rng=gen, presynaptic=presynaptic)
    # the baseline train is taken long enough before exercise for its after-effects to be gone
    state = after_activity(rested_state(pop.n_fibres), ex_rate, ex_s, presynaptic)
    trains = []
    clock = 1.0 / ex_rate  # after_activity returns the state one interval after the last impulse
    for t0 in after:
        state = advance(state, max(t0 - clock, 0.0), presynaptic)
        tr = simulate_rns(pop, rate, n, rng=gen, state=state, presynaptic=presynaptic)
        trains.append(tr)
        state, clock = tr.state, t0 + train_s
    return ExerciseTestResult(
        exercise_s=ex_s, exercise_rate_hz=ex_rate, baseline=baseline, times_after_s=after,
        trains=tuple(trains), decrement_pct=np.array([t.decrement_pct for t in trains]),
        cmap1=np.array([t.cmap[0] for t in trains]),
    )


# --------------------------------------------------------------------------------------------
# Single-fibre EMG
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SFEMGResult:
    """Voluntary single-fibre EMG: jitter and blocking of fibre pairs.

    Attributes
    ----------
    mcd_us : ndarray (P,)
        Jitter of each pair: mean consecutive difference of the interpotential interval over the
        discharges in which both potentials appear, µs; NaN if fewer than 2 had both. (The
        motor unit fires regularly here, so the MSD correction for irregular firing is not
        needed.)
    mean_mcd_us : float
        Mean of the pairs' jitter (pairs without a value count at the pair limit).
    blocking_pct : ndarray (P,)
        Per pair, % of recorded discharges in which one of the two potentials was missing.
    abnormal : bool
        IFCN criteria: ``mean_mcd_us`` above the muscle's limit, or more than 10 % of pairs above
        the limit for one pair.
    pairs_over_limit_pct : float
        % of pairs whose jitter exceeds the limit for one pair.
    latency_ms : ndarray (P, 2, D)
        Latency of each potential (NaN where blocked), ms after the axon's discharge.
    fibres : ndarray (P, 2)
        Indices of the fibres of each pair in the population.
    limit_mean_us, limit_pair_us : float
        The reference limits used (Stålberg et al. 2016, from the muscle profile).
    rate_hz : float
        Firing rate of the motor units.
    n_pairs_requested : int
        Pairs asked for; fewer are returned when the muscle has too few fibres that transmit.
    """

    mcd_us: np.ndarray
    mean_mcd_us: float
    blocking_pct: np.ndarray
    abnormal: bool
    pairs_over_limit_pct: float
    latency_ms: np.ndarray = field(repr=False)
    fibres: np.ndarray = field(repr=False)
    limit_mean_us: float
    limit_pair_us: float
    rate_hz: float
    n_pairs_requested: int

    @property
    def n_pairs(self) -> int:
        return int(self.mcd_us.shape[0])

    @property
    def pairs_with_blocking(self) -> int:
        return int(np.sum(self.blocking_pct > 0))


def _jitter(lat_a, lat_b):
    """MCD (µs) of the interval between two potentials, and the blocking %, for one pair."""
    fa, fb = np.isfinite(lat_a), np.isfinite(lat_b)
    recorded = fa | fb
    both = fa & fb
    n_rec = int(recorded.sum())
    blocking = 100.0 * float((recorded & ~both).sum()) / n_rec if n_rec else 100.0
    d = (lat_b - lat_a)[both] * 1000.0
    if d.size < 2:
        return math.nan, blocking
    return float(np.mean(np.abs(np.diff(d)))), blocking


def simulate_sfemg(population: FibrePopulation, n_pairs=20, n_discharges=100, *, rate_hz=10.0,
                   rng=None, warmup_s=2.0, presynaptic: Presynaptic | None = None) -> SFEMGResult:
    """Voluntary single-fibre EMG: jitter and blocking of ``n_pairs`` fibre pairs.

    The motor unit fires at ``rate_hz`` (voluntary SFEMG: 5-15 Hz); its terminals are brought to
    their steady state by ``warmup_s`` of firing, then ``n_discharges`` are recorded. Pairs are
    drawn at random from fibres whose endplates transmit at least once: a fibre that never fires
    gives no potential to record. Latency = mean release time of the quanta of that discharge
    (release-time dispersion, :func:`mgmodel.presynaptic.release_time_sd_ms`) + time for the EPP
    of that discharge (binomial count × variable quantal size) to reach threshold + a fixed
    conduction time per fibre (1-3 ms), so pairs differ in mean interval but not in jitter.

    Parameters
    ----------
    population : FibrePopulation
    n_pairs : int
        Pairs to record (1-500; IFCN: 20).
    n_discharges : int
        Discharges per pair (10-10,000; IFCN: 50-100).
    rate_hz : float
        Motor-unit firing rate, Hz (1-50).
    rng : None, int or numpy.random.Generator
    warmup_s : float
        Firing before the recording starts, s (0-60).
    presynaptic : Presynaptic, optional
        Default: the muscle's own terminal.

    Returns
    -------
    SFEMGResult
    """
    pop = check_population(population)
    n_pairs = check_int("n_pairs", n_pairs, 1, 500)
    n_dis = check_int("n_discharges", n_discharges, 10, 10_000)
    rate = check_number("rate_hz", rate_hz, 1.0, 50.0, unit="Hz")
    warm = check_number("warmup_s", warmup_s, 0.0, 60.0, unit="s")
    presynaptic = muscle_terminal(pop, presynaptic)
    temperature = float(getattr(pop.endplate, "temperature_C", 37.0))
    if pop.n_fibres < 2:
        raise ValueError(f"population must have at least 2 fibres for SFEMG; got {pop.n_fibres}")
    gen = check_rng(rng)

    # candidate fibres in random order, simulated in batches until enough pairs transmit
    order = gen.permutation(pop.n_fibres)
    order = order[:order.size - order.size % 2]
    times = np.arange(n_dis) / rate
    lat_a, lat_b, fib_a, fib_b = [], [], [], []
    start, found = 0, 0
    batch = 2 * n_pairs + 8
    while found < n_pairs and start < order.size:
        cand = order[start:start + batch]
        start += cand.size
        state = after_activity(rested_state(cand.size), rate, warm, presynaptic)
        tr = simulate_release(pop.quantal_content[cand], times, presynaptic, state=state, rng=gen)
        # at voluntary SFEMG rates (<= 50 Hz, usually 5-15 Hz) the previous EPP has decayed
        # before the next discharge, so each latency is that of a single EPP from rest
        lat = pop.latency_ms(tr.quantal_sum, cand)               # (n, D), inf = fails
        lat = lat + release_time_sd_ms(tr.quanta, presynaptic, temperature) * gen.standard_normal(lat.shape)
        lat = lat + (1.0 + 2.0 * gen.random(cand.size))[:, None]  # conduction time, ms
        lat[~np.isfinite(lat)] = np.nan
        seen = np.any(np.isfinite(lat), axis=1)
        ok = np.flatnonzero(seen[0::2] & seen[1::2])[:n_pairs - found]
        lat_a.append(lat[0::2][ok])
        lat_b.append(lat[1::2][ok])
        fib_a.append(cand[0::2][ok])
        fib_b.append(cand[1::2][ok])
        found += ok.size
        batch = 4 * batch
    lat_pairs = np.stack([np.concatenate(lat_a), np.concatenate(lat_b)], axis=1)  # (P, 2, D)
    fibres = np.stack([np.concatenate(fib_a), np.concatenate(fib_b)], axis=1)
    rows = np.arange(lat_pairs.shape[0])
    mcd = np.empty(rows.size)
    block = np.empty(rows.size)
    for i in range(rows.size):
        mcd[i], block[i] = _jitter(lat_pairs[i, 0], lat_pairs[i, 1])

    lim_mean, lim_pair = pop.muscle.jitter_limit_mean_us, pop.muscle.jitter_limit_pair_us
    if rows.size:
        scored = np.where(np.isfinite(mcd), mcd, lim_pair)   # a pair with nothing to measure
        mean_mcd = float(np.mean(scored))
        over = float(100.0 * np.mean(~(mcd <= lim_pair)))    # NaN counts as over the limit
        abnormal = bool(mean_mcd > lim_mean or over > 10.0)
    else:
        mean_mcd, over, abnormal = math.nan, math.nan, True
    return SFEMGResult(mcd_us=mcd, mean_mcd_us=mean_mcd, blocking_pct=block, abnormal=abnormal,
                       pairs_over_limit_pct=over, latency_ms=lat_pairs,
                       fibres=fibres, limit_mean_us=lim_mean,
                       limit_pair_us=lim_pair, rate_hz=rate, n_pairs_requested=n_pairs)


# --------------------------------------------------------------------------------------------
# Endplates that fire, fail, or are silent
# --------------------------------------------------------------------------------------------
def classify_endplates(population: FibrePopulation, *, detection_mV=0.5, quanta=None) -> dict:
    """Fractions of suprathreshold, subthreshold and silent endplates for one nerve impulse.

    *Suprathreshold*: the EPP reaches threshold. *Subthreshold*: an EPP is seen but stays below
    threshold. *Silent*: no EPP larger than ``detection_mV`` (the noise of an intracellular
    recording, about half a normal MEPP) - the three kinds of endplate Albuquerque et al. (1976)
    found side by side in MG muscle.

    Returns
    -------
    dict
        ``{"suprathreshold": f1, "subthreshold": f2, "silent": f3}``, fractions summing to 1.
    """
    pop = check_population(population)
    det = check_number("detection_mV", detection_mV, 0.0, 50.0, lo_open=True, unit="mV")
    epp = pop.epp_mV(quanta)
    fires = _fires(pop, epp)
    silent = ~fires & (epp < det)
    return {"suprathreshold": float(np.mean(fires)), "subthreshold": float(np.mean(~fires & ~silent)),
            "silent": float(np.mean(silent))}
