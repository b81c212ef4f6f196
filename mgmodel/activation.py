"""Sustained voluntary activation and rest: fatigable weakness, fibre by fibre.

A motor unit that keeps firing draws on its nerve terminals' stores (:mod:`mgmodel.presynaptic`:
rundown, mobilization, post-activation exhaustion); each fibre fires when the quanta of an impulse
reach its threshold (found once per fibre from the fast-path EPP). Force is the force-weighted
share of fibres that fire. :func:`simulate_activation` runs a sustained activation, a rest and a
short re-test; :func:`sustained_activation` and :func:`retest_after_rest` run the same in two
steps, so that one activation can be re-tested after several rests (a panel's rest slider)
without simulating it again, with the same result and random stream.

An activation is simulated in chunks of :data:`CHUNK_S` seconds of impulses (at most 500
impulses), each continuing the terminals' state and the random stream of the one before; so the
first ``D`` seconds of a longer activation *are* the activation of ``D`` seconds.
:class:`SustainedActivation` keeps those chunks, and gives the bout of any duration
(:meth:`SustainedActivation.bout`) by simulating at most one chunk more: a panel's duration
slider reads it.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_number, check_rng
from .population import FibrePopulation, check_population, muscle_terminal
from .presynaptic import Presynaptic, TerminalState, advance, rested_state, simulate_release

__all__ = ["ActivationResult", "simulate_activation", "ActivationBout", "sustained_activation",
           "retest_after_rest", "SustainedActivation", "CHUNK_S"]

#: Length of the chunks an activation is simulated in, s (at most 500 impulses per chunk).
CHUNK_S = 5.0
_MAX_CHUNK = 500


@dataclass(frozen=True)
class ActivationResult:
    """Force during sustained activation, a rest, and a second (re-test) activation.

    Attributes
    ----------
    t_s : ndarray
        Time of each motor-unit discharge, s from the start of activation.
    force : ndarray
        Force at each discharge relative to the full force (every fibre firing) = 1.
    bout : ndarray of int
        0 for the sustained activation, 1 for the re-test after rest.
    rate_hz, duration_s, rest_s, retest_s : float
        The protocol.
    """

    t_s: np.ndarray
    force: np.ndarray
    bout: np.ndarray
    rate_hz: float
    duration_s: float
    rest_s: float
    retest_s: float
    muscle: str

    def _mean(self, bout, t0, t1):
        sel = (self.bout == bout) & (self.t_s >= t0) & (self.t_s < t1)
        return float(np.mean(self.force[sel])) if np.any(sel) else math.nan

    @property
    def initial_force(self) -> float:
        """Mean force over the first second of activation."""
        return self._mean(0, 0.0, 1.0)

    @property
    def final_force(self) -> float:
        """Mean force over the last second of the sustained activation."""
        return self._mean(0, self.duration_s - 1.0, self.duration_s + 1e-9)

    @property
    def fatigue_pct(self) -> float:
        """Loss of force over the sustained activation, % of the initial force."""
        f0 = self.initial_force
        return float(100.0 * (1.0 - self.final_force / f0)) if f0 > 0 else math.nan

    @property
    def recovered_force(self) -> float:
        """Mean force over the first second of the re-test after rest (NaN without re-test)."""
        t0 = self.duration_s + self.rest_s
        return self._mean(1, t0, t0 + 1.0)


def simulate_activation(population: FibrePopulation, duration_s=30.0, rate_hz=None, rest_s=60.0, *,
                        retest_s=2.0, rng=None, presynaptic: Presynaptic | None = None) -> ActivationResult:
    """Sustained voluntary activation, rest, and a short re-test: force over time.

    Parameters
    ----------
    population : FibrePopulation
    duration_s : float
        Duration of the sustained activation, s (0.1-600).
    rate_hz : float, optional
        Motor-unit firing rate, Hz (default: the muscle profile's; 1-300).
    rest_s : float
        Rest before the re-test, s (0-3600).
    retest_s : float
        Duration of the re-test, s (0 = none; up to 60).
    rng : None, int or numpy.random.Generator
    presynaptic : Presynaptic, optional
        Default: the muscle's own terminal.

    Returns
    -------
    ActivationResult

    See Also
    --------
    sustained_activation, retest_after_rest : the same run in two steps, so that one activation can
        be re-tested after several rests without being simulated again.
    """
    rest, retest = _check_rest(rest_s, retest_s)
    gen = check_rng(rng)
    # one random stream through both bouts (a Generator passed in is advanced, as by any simulate_*)
    return _retest(_sustained(population, duration_s, rate_hz, presynaptic, gen), rest, retest, gen)


@dataclass(frozen=True, eq=False)
class ActivationBout:
    """The sustained part of :func:`simulate_activation`: force per impulse and the terminals' state.

    Attributes
    ----------
    t_s, force : ndarray
        Impulse times (s) and force (fraction of full) of the sustained activation.
    state : TerminalState
        The nerve terminals at its end.
    rate_hz, duration_s : float
    """

    population: FibrePopulation
    presynaptic: Presynaptic
    rate_hz: float
    duration_s: float
    t_s: np.ndarray
    force: np.ndarray
    state: TerminalState
    threshold_quanta: np.ndarray
    _gen_after: np.random.Generator = field(repr=False)   # a copy of the random stream at the bout's end


def sustained_activation(population: FibrePopulation, duration_s=30.0, rate_hz=None, *, rng=None,
                         presynaptic: Presynaptic | None = None) -> ActivationBout:
    """The sustained activation of :func:`simulate_activation` alone (same arguments and checks)."""
    return _sustained(population, duration_s, rate_hz, presynaptic, check_rng(rng))


class SustainedActivation:
    """One sustained activation of a population, from which bouts of any duration are read.

    The activation is simulated chunk by chunk (:data:`CHUNK_S`) only as far as a bout asks;
    :meth:`bout` then returns exactly what :func:`sustained_activation` gives for that duration
    with the same seed, simulating at most the one chunk the duration ends in (the chunks before
    are kept).

    Parameters
    ----------
    population : FibrePopulation
    rate_hz : float, optional
        Motor-unit firing rate, Hz (default: the muscle profile's; 1-300).
    rng : None, int or numpy.random.Generator
        The random stream (a Generator is copied, not advanced).
    presynaptic : Presynaptic, optional
        Default: the muscle's own terminal.

    Examples
    --------
    >>> import mgmodel as mg
    >>> act = SustainedActivation(mg.sample_fibres(20, rng=1), 20.0, rng=2)
    >>> a = act.bout(7.0)
    >>> b = sustained_activation(mg.sample_fibres(20, rng=1), 7.0, 20.0, rng=2)
    >>> bool((a.force == b.force).all())
    True
    """

    def __init__(self, population: FibrePopulation, rate_hz=None, *, rng=None,
                 presynaptic: Presynaptic | None = None):
        pop = check_population(population)
        self.population = pop
        self.rate_hz = pop.muscle.firing_rate_hz if rate_hz is None else \
            check_number("rate_hz", rate_hz, 1.0, 300.0, unit="Hz")
        self.presynaptic = muscle_terminal(pop, presynaptic)
        self.threshold_quanta = _threshold_quanta(pop)
        self.chunk = _chunk_length(self.rate_hz)
        # whole chunks simulated so far: force per chunk, and the state / stream after each
        self._force = []
        self._marks = [(rested_state(pop.n_fibres), copy.deepcopy(check_rng(rng)))]

    def _whole_chunks(self, k):
        """Simulate whole chunks until ``k`` are kept."""
        rate = self.rate_hz
        while len(self._force) < k:
            state, gen = self._marks[-1]
            gen = copy.deepcopy(gen)
            if self._force:                 # the interval after the previous chunk's last impulse
                state = advance(state, 1.0 / rate, self.presynaptic)
            f, state = _chunk(self.population, self.presynaptic, self.threshold_quanta, state, self.chunk,
                              rate, gen)
            self._force.append(f)
            self._marks.append((state, gen))

    def bout(self, duration_s) -> ActivationBout:
        """The sustained activation of ``duration_s`` seconds (0.1-600), as :func:`sustained_activation`."""
        dur = check_number("duration_s", duration_s, 0.1, 600.0, unit="s")
        rate, pop = self.rate_hz, self.population
        n_imp = int(round(dur * rate))
        k, rest = divmod(n_imp, self.chunk)
        self._whole_chunks(k)
        parts = self._force[:k]
        state, gen = self._marks[k]
        gen = copy.deepcopy(gen)
        if rest:
            if k:
                state = advance(state, 1.0 / rate, self.presynaptic)
            f, state = _chunk(pop, self.presynaptic, self.threshold_quanta, state, rest, rate, gen)
            parts = parts + [f]
        force = np.concatenate(parts) if parts else np.empty(0)
        return ActivationBout(population=pop, presynaptic=self.presynaptic, rate_hz=rate, duration_s=dur,
                              t_s=np.arange(n_imp) / rate, force=force, state=state,
                              threshold_quanta=self.threshold_quanta, _gen_after=gen)


def retest_after_rest(bout: ActivationBout, rest_s=60.0, *, retest_s=2.0) -> ActivationResult:
    """Rest and re-test after a :func:`sustained_activation`; the bout itself is not changed.

    Each call continues the random stream from where the activation left it, so the result equals
    ``simulate_activation`` with the same arguments and seed, for any number of rests tried.
    """
    if not isinstance(bout, ActivationBout):
        raise ValueError(f"bout must be an ActivationBout from sustained_activation; got {type(bout).__name__}")
    rest, retest = _check_rest(rest_s, retest_s)
    gen = copy.deepcopy(bout._gen_after)
    return _retest(bout, rest, retest, gen)


def _check_rest(rest_s, retest_s):
    return (check_number("rest_s", rest_s, 0.0, 3600.0, unit="s"),
            check_number("retest_s", retest_s, 0.0, 60.0, unit="s"))


def _sustained(population, duration_s, rate_hz, presynaptic, gen):
    """The bout of :func:`sustained_activation` (checks in :class:`SustainedActivation`); advances
    ``gen`` past it."""
    bout = SustainedActivation(population, rate_hz, rng=gen, presynaptic=presynaptic).bout(duration_s)
    gen.bit_generator.state = bout._gen_after.bit_generator.state
    return bout


def _chunk_length(rate):
    return max(1, min(_MAX_CHUNK, int(round(CHUNK_S * rate))))


def _chunk(pop, presynaptic, thr, state, n_imp, rate, gen):
    """``n_imp`` impulses at ``rate`` from ``state``: force per impulse and the state after."""
    tr = simulate_release(pop.quantal_content, np.arange(n_imp) / rate, presynaptic, state=state, rng=gen)
    return pop.force_weight @ (tr.quantal_sum >= thr[:, None]), tr.state


def _bout(pop, presynaptic, thr, state, length, rate, start, gen):
    """One bout of impulses at ``rate`` in chunks: times, force and the state after."""
    n_imp = int(round(length * rate))
    size = _chunk_length(rate)
    f_parts = []
    for c0 in range(0, n_imp, size):
        if c0:
            state = advance(state, 1.0 / rate, presynaptic)
        f, state = _chunk(pop, presynaptic, thr, state, min(size, n_imp - c0), rate, gen)
        f_parts.append(f)
    if not f_parts:
        return np.empty(0), np.empty(0), state
    return start + np.arange(n_imp) / rate, np.concatenate(f_parts), state


def _retest(bout, rest, retest, gen):
    pop, rate, dur = bout.population, bout.rate_hz, bout.duration_s
    state = advance(bout.state, rest, bout.presynaptic)
    t, f, _ = _bout(pop, bout.presynaptic, bout.threshold_quanta, state, retest, rate, dur + rest, gen)
    return ActivationResult(t_s=np.concatenate([bout.t_s, t]), force=np.concatenate([bout.force, f]),
                            bout=np.concatenate([np.zeros(bout.t_s.size, dtype=int), np.ones(t.size, dtype=int)]),
                            rate_hz=rate, duration_s=dur,
                            rest_s=rest, retest_s=retest, muscle=pop.muscle.name)


def _threshold_quanta(pop):
    """Quanta each fibre must release to reach its threshold (inf if it never can).

    The EPP grows monotonically with quanta, so the fibre fires exactly when it releases at least
    this many; found by bisection on the EPP of each fibre (fast path).
    """
    gap = pop.threshold_gap_mV
    hi = np.full(pop.n_fibres, 4.0) * np.maximum(pop.quantal_content, 1.0)
    top = pop.epp_mV(hi)
    never = ~(top >= gap)
    lo = np.zeros(pop.n_fibres)
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        up = pop.epp_mV(mid) >= gap
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    return np.where(never, np.inf, hi)
