"""Sampled fibre populations and muscle profiles (safety factor: Wood & Slater 2001; Slater 2017)."""
import numpy as np
import pytest

from mgmodel import HUMAN
from mgmodel.electrodiagnosis import simulate_rns
from mgmodel.fastpath import epp_table
from mgmodel.muscles import MUSCLES, MuscleProfile, get_muscle
from mgmodel.population import HETEROGENEITY, FibrePopulation, sample_fibres


@pytest.fixture(scope="module")
def healthy():
    return sample_fibres(5000, HUMAN, rng=11)


def test_healthy_median_safety_factor(healthy):
    # Wood & Slater 2001 (soft); Slater 2017
    assert 2.0 <= np.median(healthy.safety_factor()) <= 5.0


def test_healthy_population_fires_at_every_stimulus_of_a_3_hz_train(healthy):
    """>= 99 % of fibres SF > 1 at every stimulus of a 3 Hz train (a healthy decrement is < 5 %)."""
    r = simulate_rns(healthy, 3.0, 10, rng=12)
    sf = healthy.safety_factor(r.quanta)
    assert np.all((sf > 1.0).mean(axis=0) >= 0.99)


def test_population_inherits_the_endplate_state():
    ep = HUMAN.replace(achr_fraction=0.4, na_channel_fraction=0.7, ache_activity=0.6, ach_site_block=0.1)
    pop = sample_fibres(4000, ep, rng=2)
    assert np.median(pop.achr_fraction) == pytest.approx(0.4, rel=0.06)
    assert np.median(pop.na_channel_fraction) == pytest.approx(0.7, rel=0.06)
    assert pop.ache_activity == 0.6 and pop.ach_site_block == 0.1
    assert np.median(pop.quantal_content / pop.capacitance_scale) == pytest.approx(HUMAN.quantal_content, rel=0.03)
    np.testing.assert_allclose(pop.functional_achr, pop.achr_fraction * 0.9)


def test_disease_scales_the_whole_population():
    sf = [np.median(sample_fibres(2000, HUMAN.replace(achr_fraction=a), rng=3).safety_factor())
          for a in (1.0, 0.6, 0.3)]
    assert sf[0] > sf[1] > sf[2]
    # a healthy patient has no damaged endplates; disease spreads the damage between endplates
    h = sample_fibres(2000, HUMAN, rng=3)
    assert np.all(h.na_channel_fraction == 1.0)
    mg = sample_fibres(2000, HUMAN.replace(achr_fraction=0.3), rng=3)
    assert np.std(np.log(mg.achr_fraction)) > 2 * np.std(np.log(h.achr_fraction))


def test_spreads_follow_the_documented_distributions():
    pop = sample_fibres(20000, HUMAN, rng=4)
    eff = pop.quantal_content / pop.capacitance_scale
    assert np.std(np.log(eff)) == pytest.approx(np.sqrt(np.log1p(HETEROGENEITY["quantal_content_cv"] ** 2)), rel=0.05)
    cv_d = np.std(pop.diameter) / np.mean(pop.diameter)
    assert cv_d == pytest.approx(MUSCLES["limb"].fibre_size_cv, rel=0.1)
    np.testing.assert_allclose(pop.capacitance_scale, pop.diameter ** 1.5)
    assert pop.cmap_weight.sum() == pytest.approx(1.0) and pop.force_weight.sum() == pytest.approx(1.0)


def test_fast_fibre_evaluator_equals_the_table():
    ep = HUMAN.replace(achr_fraction=0.3, na_channel_fraction=0.6, ache_activity=0.5)
    pop = sample_fibres(500, ep, rng=5)
    q = pop.quantal_content[:, None] * np.array([0.0, 0.01, 0.3, 1.0, 1.7, 30.0])
    table = epp_table(ep)
    ref = table.peak_mV(pop.functional_achr[:, None], q / pop.capacitance_scale[:, None],
                        pop.ache_activity, pop.na_channel_fraction[:, None])
    np.testing.assert_allclose(pop.epp_mV(q), ref, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(pop.epp_mV(q[:, 3]), ref[:, 3], rtol=1e-10, atol=1e-10)


def test_latency_from_the_table():
    pop = sample_fibres(50, HUMAN, rng=6)
    idx = np.arange(0, 50, 5)
    q = pop.quantal_content[idx]
    table = epp_table(HUMAN)
    ref = table.time_to_mV(pop.threshold_gap_mV[idx], pop.functional_achr[idx],
                           q / pop.capacitance_scale[idx], 1.0, pop.na_channel_fraction[idx])
    np.testing.assert_allclose(pop.latency_ms(q, idx), ref)
    assert np.all(np.isinf(pop.latency_ms(np.zeros(idx.size), idx)))


def test_muscle_profiles():
    assert set(MUSCLES) == {"ocular", "bulbar", "limb", "respiratory"}
    ocular, limb = MUSCLES["ocular"], MUSCLES["limb"]
    assert ocular.firing_rate_hz >= 100.0            # tonic 100-200 Hz (Robinson 1970)
    assert ocular.damage_exponent > limb.damage_exponent   # fewer complement regulators
    assert MUSCLES["respiratory"].duty_cycle < 1.0
    sf = {m: np.median(sample_fibres(3000, HUMAN, muscle=m, rng=7).safety_factor()) for m in MUSCLES}
    assert sf["ocular"] < sf["limb"] < sf["respiratory"]
    # the same mild disease hits the eye muscles harder
    ep = HUMAN.replace(achr_fraction=0.8)
    o = sample_fibres(3000, ep, muscle="ocular", rng=8)
    li = sample_fibres(3000, ep, muscle="limb", rng=8)
    assert np.median(o.achr_fraction) < np.median(li.achr_fraction)
    assert get_muscle(ocular) is ocular


def test_same_seed_identical_different_seeds_differ():
    a = sample_fibres(300, HUMAN, rng=9)
    b = sample_fibres(300, HUMAN, rng=9)
    c = sample_fibres(300, HUMAN, rng=10)
    for name in ("achr_fraction", "quantal_content", "threshold_gap_mV", "diameter"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))
    np.testing.assert_array_equal(sample_fibres(10).quantal_content, sample_fibres(10).quantal_content)


def test_arrays_are_read_only(healthy):
    assert isinstance(healthy, FibrePopulation) and len(healthy) == 5000
    with pytest.raises(ValueError):
        healthy.achr_fraction[0] = 0.0
    assert "fibres" in repr(healthy)


def test_pharmacological_margin_paton_waud():
    """Paton & Waud 1967 (cat tibialis): threshold block of the twitch at 0.76 ± 0.05 receptor
    occupancy, nearly complete block at 0.917 - the most sensitive and the most resistant fibres
    (5 % and 95 % of a healthy population failing here)."""
    blocks = np.linspace(0.5, 0.99, 50)
    failing = np.array([np.mean(sample_fibres(10000, HUMAN.replace(ach_site_block=b), rng=1).safety_factor() < 1.0)
                        for b in blocks])
    first, nearly_all = np.interp([0.05, 0.95], failing, blocks)
    assert 0.71 <= first <= 0.81
    assert 0.87 <= nearly_all <= 0.96


def test_fibre_is_the_spelling_and_fiber_is_deprecated():
    import mgmodel
    import mgmodel.population as population
    with pytest.warns(DeprecationWarning, match="sample_fibres"):
        pop = mgmodel.sample_fibers(5, rng=1)
    assert isinstance(pop, FibrePopulation)
    np.testing.assert_array_equal(pop.quantal_content, sample_fibres(5, rng=1).quantal_content)
    with pytest.warns(DeprecationWarning, match="FibrePopulation"):
        assert mgmodel.FiberPopulation is FibrePopulation
    with pytest.warns(DeprecationWarning, match="FibrePopulation"):
        assert population.FiberPopulation is FibrePopulation
    assert "sample_fibres" in mgmodel.__all__ and "sample_fibers" not in mgmodel.__all__


def test_bad_input():
    with pytest.raises(ValueError, match="n must"):
        sample_fibres(0)
    with pytest.raises(ValueError, match="muscle"):
        sample_fibres(10, muscle="eye")
    with pytest.raises(ValueError, match="muscle"):
        sample_fibres(10, muscle=3)
    with pytest.raises(ValueError, match="endplate"):
        sample_fibres(10, endplate="human")
    with pytest.raises(ValueError, match="rng"):
        sample_fibres(10, rng=-1)
    pop = sample_fibres(10, rng=1)
    with pytest.raises(ValueError, match="quanta"):
        pop.epp_mV(np.ones(3))
    with pytest.raises(ValueError, match="quanta"):
        pop.epp_mV(-np.ones(10))
    with pytest.raises(ValueError, match="fold_fraction"):
        MuscleProfile(name="x", description="", fold_fraction=0.0)
    with pytest.raises(ValueError, match="no field"):
        MUSCLES["limb"].replace(speed=1.0)
