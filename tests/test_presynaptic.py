"""Nerve-terminal dynamics: rundown, U shape, binomial release, potentiation and exhaustion
(calibration.md section 4, presynaptic rows)."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from mgmodel.presynaptic import (PRESYNAPTIC, Presynaptic, advance, after_activity, relative_release,
                                 rested_state, simulate_release)
from mgmodel.presynaptic import _reserve_after


def test_release_fraction_in_documented_range():
    # Elmqvist & Quastel 1965 (soft): 0.1-0.2 of the store released per impulse
    train = simulate_release([45.0], [0.0], stochastic=False)
    used = 1.0 - train.state.pool[0]
    assert 0.1 <= used <= 0.2


def test_rundown_at_3_hz_is_20_to_40_percent():
    r = relative_release(3.0, 10)
    assert r[0] == pytest.approx(1.0)
    fall = 1.0 - min(r[3], r[4])
    assert 0.20 <= fall <= 0.40


def test_rundown_is_u_shaped():
    """Largest at the 4th-6th stimulus, then partly repaired (Ca-accelerated refilling)."""
    r = relative_release(3.0, 10)
    k = int(np.argmin(r))
    assert k in (3, 4, 5)
    assert r[9] > r[k] + 0.03
    assert r[9] < 1.0


def test_high_rates_run_down_less_than_3_hz_over_the_first_stimuli():
    low = relative_release(3.0, 10)
    for rate in (30.0, 50.0):
        high = relative_release(rate, 10)
        assert min(high[3], high[4]) > min(low[3], low[4]) + 0.05
        assert high.min() >= 0.8


def test_release_is_binomial_and_sub_poisson():
    q = np.full(20000, 45.0)
    train = simulate_release(q, [0.0], rng=5)
    m = train.quanta[:, 0]
    assert np.all(m == np.round(m))
    assert m.mean() == pytest.approx(45.0, rel=0.02)
    fano = m.var() / m.mean()
    assert fano < 0.1                                   # far below Poisson (1)
    p = PRESYNAPTIC.release_probability
    assert m.var() == pytest.approx(45.0 * (1 - p), rel=0.25)


def test_deterministic_release_equals_expected():
    train = simulate_release([40.0, 50.0], [0.0, 0.1, 0.2], stochastic=False)
    np.testing.assert_allclose(train.quanta, train.expected)


def test_post_tetanic_potentiation_then_exhaustion():
    rested = rested_state(1)
    after = after_activity(rested, 25.0, 30.0)
    assert after.potentiation > 0.1
    right_after = relative_release(3.0, 1, state=advance(after, 5.0))[0]
    assert right_after > 1.05                        # more release right after exercise
    ex = [advance(after, t).exhaustion for t in (5.0, 60.0, 150.0, 240.0, 900.0)]
    assert ex[0] < ex[2] and ex[1] < ex[2]           # exhaustion largest minutes later
    assert ex[4] < 0.5 * ex[2]                       # and fading by 15 min
    late = relative_release(3.0, 10, state=advance(after, 150.0))
    base = relative_release(3.0, 10)
    assert min(late[3], late[4]) < min(base[3], base[4])   # deeper rundown at 2-4 min


def test_sustained_high_rate_drains_reserve_and_rest_restores_it():
    r = relative_release(20.0, 600)
    assert r[-1] < 0.85 * r[99]                      # release falls over 30 s at 20 Hz
    s = after_activity(rested_state(1), 20.0, 30.0)
    assert s.reserve < 0.6
    assert advance(s, 60.0).reserve > 0.99
    # below ~15 Hz recycling keeps up
    assert after_activity(rested_state(1), 10.0, 30.0).reserve > 0.85


def test_reserve_recovery_matches_ode():
    p = PRESYNAPTIC
    for r0, dt in ((0.3, 1.0), (0.3, 10.0), (0.9, 0.05), (0.0, 50.0)):
        sol = solve_ivp(lambda t, d: -p.reserve_recovery_per_s * d / (d + p.reserve_half), [0, dt],
                        [1 - r0], rtol=1e-10, atol=1e-14)
        assert _reserve_after(r0, dt, p) == pytest.approx(1 - sol.y[0, -1], abs=1e-8)


def test_same_seed_same_release_and_different_seeds_differ():
    q = np.full(200, 45.0)
    t = np.arange(10) / 3.0
    a = simulate_release(q, t, rng=3).quanta
    b = simulate_release(q, t, rng=3).quanta
    c = simulate_release(q, t, rng=4).quanta
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_bad_input():
    with pytest.raises(ValueError, match="release_fraction"):
        Presynaptic(release_fraction=0.0)
    with pytest.raises(ValueError, match="facilitation_tau_s"):
        PRESYNAPTIC.replace(facilitation_tau_s=-1.0)
    with pytest.raises(ValueError, match="no parameter"):
        PRESYNAPTIC.replace(bogus=1.0)
    with pytest.raises(ValueError, match="times_s"):
        simulate_release([45.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="quantal_content"):
        simulate_release([-1.0], [0.0])
    with pytest.raises(ValueError, match="rng"):
        simulate_release([45.0], [0.0], rng="seed")
    with pytest.raises(ValueError, match="rate_hz"):
        relative_release(0.0, 10)
    with pytest.raises(ValueError, match="n_stimuli"):
        relative_release(3.0, 0)
    with pytest.raises(ValueError, match="dt_s"):
        advance(rested_state(2), -1.0)
    with pytest.raises(ValueError, match="state"):
        simulate_release([45.0, 45.0], [0.0], state=rested_state(3))
    with pytest.raises(ValueError, match="n_fibres"):
        rested_state(0)
