"""Sustained voluntary activation and rest: fatigable weakness, fibre by fibre.

A motor unit that keeps firing draws on its nerve terminals' stores (:mod:`mgmodel.presynaptic`:
rundown, mobilization, post-activation exhaustion); each fibre fires when the quanta of an impulse
reach its threshold (found once per fibre from the fast-path EPP). Force is the force-weighted
share of fibres that fire. :func:`simulate_activation` runs a sustained activation, a rest and a
short re-test; :func:`sustained_activation` and :func:`retest_after_rest` run the same in two
steps, so that one activation can be re-tested after several rests (a panel's rest slider)
without simulating it again, with the same result and random stream.
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
           "retest_after_rest"]


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


def _sustained(population, duration_s, rate_hz, presynaptic, gen):
    pop = check_population(population)
    dur = check_number("duration_s", duration_s, 0.1, 600.0, unit="s")
    rate = pop.muscle.firing_rate_hz if rate_hz is None else \
        check_number("rate_hz", rate_hz, 1.0, 300.0, unit="Hz")
    presynaptic = muscle_terminal(pop, presynaptic)
    thr = _threshold_quanta(pop)
    t, f, state = _bout(pop, presynaptic, thr, rested_state(pop.n_fibres), dur, rate, 0.0, gen)
    return ActivationBout(population=pop, presynaptic=presynaptic, rate_hz=rate, duration_s=dur, t_s=t,
                          force=f, state=state, threshold_quanta=thr,
                          _gen_after=copy.deepcopy(gen))


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


def _bout(pop, presynaptic, thr, state, length, rate, start, gen):
    """One bout of impulses at ``rate``: times, force and the state after (chunks of 500)."""
    n_imp = int(round(length * rate))
    times = np.arange(n_imp) / rate
    t_parts, f_parts = [], []
    w = pop.force_weight
    # chunks keep the (N, chunk) arrays small for long activations
    for c0 in range(0, n_imp, 500):
        tc = times[c0:c0 + 500]
        tr = simulate_release(pop.quantal_content, tc - tc[0], presynaptic, state=state, rng=gen)
        state = tr.state
        fired = tr.quantal_sum >= thr[:, None]
        f_parts.append(w @ fired)
        t_parts.append(start + tc)
        if c0 + 500 < n_imp:
            state = advance(state, 1.0 / rate, presynaptic)
    if not t_parts:
        return np.empty(0), np.empty(0), state
    return np.concatenate(t_parts), np.concatenate(f_parts), state


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
