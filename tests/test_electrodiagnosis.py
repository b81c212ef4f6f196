"""Electrodiagnosis and weakness: calibration.md sections 4-5 (and the severe-MG row of 6)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from mgmodel import HUMAN
from mgmodel.electrodiagnosis import (ActivationResult, RNSResult, SFEMGResult, classify_endplates,
                                      simulate_activation, simulate_exercise_test, simulate_rns,
                                      simulate_sfemg)
from mgmodel.plots_edx import plot_force, plot_rns, plot_sfemg
from mgmodel.population import sample_fibers

N = 2500


def pop(achr=1.0, na=1.0, muscle="limb", seed=1, n=N):
    return sample_fibers(n, HUMAN.replace(achr_fraction=achr, na_channel_fraction=na), muscle=muscle, rng=seed)


@pytest.fixture(scope="module")
def healthy():
    return pop()


@pytest.fixture(scope="module")
def moderate():
    # AChR 0.5 with some fold loss: complement removes folds with the receptors (Engel 1977)
    return pop(0.5, 0.9)


# --- section 4: repetitive nerve stimulation -------------------------------------------------
def test_healthy_decrement_below_5_percent(healthy):
    for seed in range(3):
        r = simulate_rns(healthy, 3.0, 10, rng=seed)
        assert r.cmap[0] > 0.99
        assert r.decrement_pct < 5.0


@pytest.mark.parametrize("achr", [0.25, 0.3, 0.4])
def test_moderate_generalized_mg_decrement_at_least_10_percent(achr):
    # Abraham 2017: >= 10 % in moderate generalized MG (achr_fraction 0.25-0.4); fold loss 0.8
    r = simulate_rns(pop(achr, 0.8), 3.0, 10, rng=2)
    assert r.decrement_pct >= 10.0


def test_mg_decrement_is_u_shaped(moderate):
    r = simulate_rns(moderate, 3.0, 10, rng=3)
    k = int(np.argmin(r.cmap))
    assert k in (3, 4, 5)
    assert r.cmap[9] > r.cmap[k]


def test_mild_mg_decrement_at_low_rates_only():
    mild = pop(0.65)
    assert simulate_rns(mild, 3.0, 10, rng=4).decrement_pct >= 10.0
    for rate in (30.0, 50.0):
        assert simulate_rns(mild, rate, 10, rng=4).decrement_pct < 10.0


def test_severe_mg_decrement_also_at_high_rates():
    severe = pop(0.15, 0.6)
    for rate in (3.0, 30.0, 50.0):
        assert simulate_rns(severe, rate, 10, rng=5).decrement_pct >= 10.0


def test_healthy_high_rate_trains_do_not_decrement(healthy):
    for rate in (20.0, 50.0):
        r = simulate_rns(healthy, rate, 50, rng=6)
        assert r.decrement_pct < 5.0 and r.decrement_end_pct < 5.0


def test_exercise_facilitation_then_exhaustion(moderate):
    for ex_s in (30.0, 60.0):
        r = simulate_exercise_test(moderate, ex_s, rng=7)
        assert r.baseline_decrement_pct >= 10.0
        assert r.decrement_pct[0] < r.baseline_decrement_pct          # facilitation at once
        late = (r.times_after_s >= 120) & (r.times_after_s <= 240)
        assert r.decrement_pct[late].max() > r.baseline_decrement_pct   # exhaustion at 2-4 min
        assert r.facilitation_pct > 0 and r.exhaustion_pct > 0


def test_healthy_exercise_test_stays_normal(healthy):
    r = simulate_exercise_test(healthy, 60.0, rng=8)
    assert r.baseline_decrement_pct < 5.0 and np.all(r.decrement_pct < 5.0)


# --- section 5: single-fibre EMG --------------------------------------------------------------
def test_healthy_jitter_below_30_us():
    big = pop(n=8000, seed=21)
    many = simulate_sfemg(big, n_pairs=200, rng=1)
    assert many.mean_mcd_us < 30.0                       # Stålberg 2016: EDC limit 30 µs
    assert many.pairs_over_limit_pct <= 10.0
    studies = [simulate_sfemg(big, rng=s) for s in range(10)]
    assert np.median([s.mean_mcd_us for s in studies]) < 30.0
    assert sum(s.abnormal for s in studies) <= 1         # the limits are ~97.5th percentiles
    assert np.mean([s.pairs_with_blocking for s in studies]) < 0.5


def test_mg_jitter_raised_with_blocking(moderate):
    r = simulate_sfemg(moderate, rng=2)
    assert r.n_pairs == 20
    assert r.mean_mcd_us > 30.0
    assert r.abnormal
    assert r.pairs_with_blocking >= 1


def test_mild_ocular_mg_raised_jitter_with_normal_limb_decrement():
    ep = HUMAN.replace(achr_fraction=0.8)
    ocular = sample_fibers(N, ep, muscle="ocular", rng=3)
    limb = sample_fibers(N, ep, muscle="limb", rng=3)
    s = simulate_sfemg(ocular, rng=4)
    assert s.abnormal and s.mean_mcd_us > s.limit_mean_us
    assert simulate_rns(limb, 3.0, 10, rng=4).decrement_pct < 10.0


def test_severe_mg_mix_of_supra_sub_threshold_and_silent_endplates():
    # Albuquerque et al. 1976
    mix = classify_endplates(pop(0.12, 0.6, n=4000))
    assert sum(mix.values()) == pytest.approx(1.0)
    assert mix["suprathreshold"] >= 0.02
    assert mix["subthreshold"] >= 0.02
    assert mix["silent"] >= 0.02
    assert classify_endplates(pop(n=1000))["suprathreshold"] == 1.0


# --- weakness -------------------------------------------------------------------------------
def test_fatigable_weakness_and_recovery_with_rest():
    h = simulate_activation(pop(n=800), 30.0, 20.0, 60.0, rng=5)
    assert h.fatigue_pct < 5.0
    mg = simulate_activation(pop(0.6, n=800), 30.0, 20.0, 60.0, rng=5)
    assert mg.initial_force < h.initial_force
    assert mg.fatigue_pct > 8.0                          # force fades with use...
    assert mg.recovered_force > mg.final_force + 0.05    # ...and comes back with rest


# --- reproducibility and input checks ----------------------------------------------------------
def test_same_seed_identical_different_seeds_differ(moderate):
    a = simulate_rns(moderate, rng=9)
    b = simulate_rns(moderate, rng=9)
    c = simulate_rns(moderate, rng=10)
    np.testing.assert_array_equal(a.cmap, b.cmap)
    np.testing.assert_array_equal(a.epp_mV, b.epp_mV)
    assert not np.array_equal(a.quanta, c.quanta)
    s1, s2, s3 = (simulate_sfemg(moderate, rng=k) for k in (9, 9, 10))
    np.testing.assert_array_equal(s1.mcd_us, s2.mcd_us)
    assert not np.array_equal(s1.mcd_us, s3.mcd_us)


def test_result_shapes(moderate):
    r = simulate_rns(moderate, 3.0, 7, rng=1)
    assert r.epp_mV.shape == (N, 7) and r.fired.dtype == bool and r.cmap.shape == (7,)
    assert np.isnan(simulate_rns(moderate, 3.0, 4, rng=1).decrement_pct)
    s = simulate_sfemg(moderate, n_pairs=5, n_discharges=50, rng=1)
    assert s.latency_ms.shape == (5, 2, 50) and s.fibres.shape == (5, 2)


def test_bad_input(moderate):
    with pytest.raises(ValueError, match="population"):
        simulate_rns("muscle")
    with pytest.raises(ValueError, match="rate_hz"):
        simulate_rns(moderate, rate_hz=0.0)
    with pytest.raises(ValueError, match="n_stimuli"):
        simulate_rns(moderate, n_stimuli=0)
    with pytest.raises(ValueError, match="rng"):
        simulate_rns(moderate, rng="x")
    with pytest.raises(ValueError, match="n_pairs"):
        simulate_sfemg(moderate, n_pairs=0)
    with pytest.raises(ValueError, match="n_discharges"):
        simulate_sfemg(moderate, n_discharges=5)
    with pytest.raises(ValueError, match="exercise_s"):
        simulate_exercise_test(moderate, exercise_s=-1.0)
    with pytest.raises(ValueError, match="times_after_s"):
        simulate_exercise_test(moderate, times_after_s=(60.0, 30.0))
    with pytest.raises(ValueError, match="duration_s"):
        simulate_activation(moderate, duration_s=0.0)
    with pytest.raises(ValueError, match="detection_mV"):
        classify_endplates(moderate, detection_mV=0.0)
    with pytest.raises(ValueError, match="result"):
        plot_rns("r")
    with pytest.raises(ValueError, match="result"):
        plot_sfemg(None)
    with pytest.raises(ValueError, match="result"):
        plot_force(1)


# --- plots ------------------------------------------------------------------------------------
def test_plots_return_axes(moderate):
    r = simulate_rns(moderate, rng=1)
    s = simulate_sfemg(moderate, rng=1)
    a = simulate_activation(pop(0.6, n=300), 5.0, 20.0, 10.0, rng=1)
    assert isinstance(r, RNSResult) and isinstance(s, SFEMGResult) and isinstance(a, ActivationResult)
    for ax in (plot_rns(r), plot_sfemg(s), plot_sfemg(s, pair=0), plot_force(a)):
        assert isinstance(ax, plt.Axes)
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    _, ax = plt.subplots()
    assert plot_rns(r, ax=ax) is ax
    with pytest.raises(ValueError, match="pair"):
        plot_sfemg(s, pair=99)
