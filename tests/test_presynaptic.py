"""Nerve-terminal dynamics: binomial release, quantal size, calcium, LEMS, rundown, U shape,
potentiation and exhaustion (sources in the module docstring of mgmodel.presynaptic)."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from mgmodel.presynaptic import (PRESYNAPTIC, Presynaptic, advance, after_activity, lems_presynaptic,
                                 relative_release, release_time_sd_ms, rested_state, simulate_release)
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


def test_release_is_binomial_with_a_physiological_probability():
    """Binomial release (Johnson & Wernig 1971; Miyamoto 1975), p <= 0.7: Fano factor 1 - p."""
    p = PRESYNAPTIC.release_probability
    assert 0.1 <= p <= 0.7
    q = np.full(20000, 45.0)
    train = simulate_release(q, [0.0], rng=5)
    m = train.quanta[:, 0]
    assert np.all(m == np.round(m))
    assert m.mean() == pytest.approx(45.0, rel=0.02)
    assert m.var() / m.mean() == pytest.approx(1.0 - p, rel=0.1)     # sub-Poisson (Poisson: 1)


def test_quantal_size_varies_with_cv_0_3():
    """Sum of quantal sizes: mean m, extra variance m CV^2 (del Castillo & Katz 1954; CV 0.3)."""
    cv = PRESYNAPTIC.quantal_size_cv
    assert cv == pytest.approx(0.3, abs=0.05)
    for q0 in (45.0, 3.0):                                  # normal branch and gamma branch
        train = simulate_release(np.full(40000, q0), [0.0], rng=6)
        m, s = train.quanta[:, 0], train.quantal_sum[:, 0]
        assert s.mean() == pytest.approx(m.mean(), rel=0.02)
        assert np.var(s - m) == pytest.approx(m.mean() * cv ** 2, rel=0.1)
        assert np.all(s >= 0) and np.all(s[m == 0] == 0)
    det = simulate_release([45.0], [0.0, 0.1], stochastic=False)
    np.testing.assert_array_equal(det.quantal_sum, det.quanta)


def test_release_rises_with_the_fourth_power_of_calcium_at_low_calcium():
    """Dodge & Rahamimoff 1967: release ~ [Ca]^4 at low calcium, saturating at normal calcium."""
    low = [relative_release(3.0, 1, PRESYNAPTIC.replace(ca_entry_fraction=c))[0] for c in (0.1, 0.2)]
    assert low[1] / low[0] == pytest.approx(2.0 ** 4, rel=0.1)
    high = [relative_release(3.0, 1, PRESYNAPTIC.replace(ca_entry_fraction=c))[0] for c in (1.0, 1.2)]
    assert high[1] / high[0] < 1.2                          # near saturation: much less than 1.2^4


def test_lems_terminal_releases_little_and_facilitates_strongly():
    """LEMS (Elmqvist & Lambert 1968; Lambert & Elmqvist 1971): low quantal content at rest,
    normal quantal size, large facilitation at high rates; healthy facilitation is modest."""
    lems = lems_presynaptic(0.6)
    assert lems.ca_entry_fraction == 0.6 and lems.quantal_size_cv == PRESYNAPTIC.quantal_size_cv
    rest = relative_release(3.0, 1, lems)[0]
    assert rest < 0.5
    gain_lems = relative_release(50.0, 50, lems).max() / rest
    gain_healthy = relative_release(50.0, 50).max()
    assert gain_lems > 2.0
    assert gain_healthy < 1.4
    after = after_activity(rested_state(1), 20.0, 10.0, lems)          # 10 s of exercise
    assert relative_release(3.0, 1, lems, state=advance(after, 2.0))[0] > 1.5 * rest
    with pytest.raises(ValueError, match="ca_entry_fraction"):
        lems_presynaptic(0.0)
    with pytest.raises(ValueError, match="ca_entry_fraction"):
        lems_presynaptic(1.5)


def test_release_time_dispersion():
    """Spread of quantal release times: shorter when warm (Q10 ~3, Katz & Miledi 1965), and the
    mean release time of m quanta varies as sd / sqrt(m)."""
    sd = release_time_sd_ms(np.array([1.0, 4.0, 0.0]))
    assert sd[0] == pytest.approx(PRESYNAPTIC.release_dispersion_ms)
    assert sd[1] == pytest.approx(sd[0] / 2) and sd[2] == 0.0
    cold = release_time_sd_ms(np.array([1.0]), temperature_C=27.0)[0]
    assert cold == pytest.approx(sd[0] * PRESYNAPTIC.release_dispersion_q10)
    with pytest.raises(ValueError, match="temperature_C"):
        release_time_sd_ms(np.array([1.0]), temperature_C=50.0)


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
    with pytest.raises(ValueError, match="release_probability"):
        Presynaptic(release_probability=0.9)          # 0.9 x 1.4 > 1 when facilitated
    with pytest.raises(ValueError, match="release_fraction"):
        Presynaptic(release_probability=0.25)         # more docked than the store holds
