"""Electrodiagnosis and weakness: RNS, exercise test, SFEMG, LEMS, force (sources in each test)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from mgmodel import HUMAN, lems_presynaptic, mg_endplate
from mgmodel.electrodiagnosis import (ActivationResult, RNSResult, SFEMGResult, classify_endplates,
                                      simulate_activation, simulate_exercise_test, simulate_rns,
                                      simulate_sfemg)
from mgmodel.plots_edx import plot_force, plot_rns, plot_sfemg
from mgmodel.population import sample_fibres

N = 2500


def pop(achr=1.0, na=1.0, muscle="limb", seed=1, n=N):
    return sample_fibres(n, HUMAN.replace(achr_fraction=achr, na_channel_fraction=na), muscle=muscle, rng=seed)


@pytest.fixture(scope="module")
def healthy():
    return pop()


@pytest.fixture(scope="module")
def moderate():
    # AChR 0.5 with some fold loss: complement removes folds with the receptors (Engel 1977)
    return pop(0.5, 0.9)


# --- repetitive nerve stimulation ------------------------------------------------------------
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


def test_moderate_mg_first_cmap_is_near_normal():
    """In MG the first CMAP of a train is normal or near-normal and the decrement follows (a low
    first CMAP is the sign of a presynaptic syndrome); moderate generalized MG with the
    compensatory rise of quantal content of a chronic MG endplate (Plomp et al. 1992)."""
    r = simulate_rns(sample_fibres(N, mg_endplate(0.35, 0.8), rng=1), 3.0, 10, rng=2)
    assert r.cmap[0] >= 0.8
    assert r.decrement_pct >= 10.0


def test_decrement_is_largest_at_2_to_5_hz():
    """The clinic stimulates at 2-5 Hz because the decrement is largest there: slower rates let
    the store refill, faster ones recruit facilitation (Desmedt 1973; AAEM practice)."""
    for p in (pop(0.35, 0.8), sample_fibres(N, mg_endplate(0.35, 0.8), rng=1)):
        rates = (1.0, 2.0, 3.0, 5.0, 10.0, 20.0)
        dec = [simulate_rns(p, r, 10, rng=3).decrement_pct for r in rates]
        assert rates[int(np.argmax(dec))] in (2.0, 3.0, 5.0)
        assert max(dec[1:4]) > dec[4] + 3.0


def test_slow_trains_see_a_rested_endplate(moderate):
    """At 3 Hz with normal AChE every EPP starts from rest: the train-level endplate
    (summation, desensitization, Na inactivation) gives the same firing as single EPPs."""
    r = simulate_rns(moderate, 3.0, 10, rng=1)
    post = moderate.endplate_train(r.quantal_sum, 1000.0 * r.times_s)
    np.testing.assert_allclose(r.epp_mV, post.epp_mV, rtol=2e-3, atol=1e-3)
    assert np.mean(r.fired == post.fires) > 0.999


def test_mg_decrement_is_u_shaped(moderate):
    r = simulate_rns(moderate, 3.0, 10, rng=3)
    k = int(np.argmin(r.cmap))
    assert k in (3, 4, 5)
    assert r.cmap[9] > r.cmap[k]


def test_mild_mg_decrement_at_low_rates_only():
    """Mild MG: an abnormal decrement at 3 Hz but none at 30-50 Hz, where facilitation and
    calcium-accelerated refilling compensate (severe MG decrements at every rate)."""
    mild = pop(0.5)                  # AChR loss without fold loss: the 3 Hz decrement just abnormal
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


# --- single-fibre EMG -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def healthy_big():
    return pop(n=8000, seed=21)


def test_healthy_sfemg_pairs_within_their_limit_and_no_blocking(healthy_big):
    many = simulate_sfemg(healthy_big, n_pairs=200, rng=1)
    assert many.pairs_over_limit_pct <= 10.0             # Stålberg 2016: EDC pair limit 43 µs
    studies = [simulate_sfemg(healthy_big, rng=s) for s in range(10)]
    assert np.mean([s.pairs_with_blocking for s in studies]) < 0.5


def test_healthy_jitter_below_30_us(healthy_big):
    many = simulate_sfemg(healthy_big, n_pairs=200, rng=1)
    assert many.mean_mcd_us < 30.0                       # Stålberg 2016: EDC limit 30 µs
    studies = [simulate_sfemg(healthy_big, rng=s) for s in range(10)]
    assert np.median([s.mean_mcd_us for s in studies]) < 30.0
    assert sum(s.abnormal for s in studies) <= 1         # the limits are ~97.5th percentiles


def test_mg_jitter_raised_with_blocking(moderate):
    r = simulate_sfemg(moderate, rng=2)
    assert r.n_pairs == 20
    assert r.mean_mcd_us > 30.0
    assert r.abnormal
    assert r.pairs_with_blocking >= 1


def test_jitter_rises_as_the_margin_falls_and_blocking_needs_high_jitter(moderate):
    """Stålberg & Trontelj 1994: jitter grows as the safety margin falls, and impulse blocking
    appears in endplates whose jitter is already high (usually above 80-100 µs)."""
    s = simulate_sfemg(moderate, n_pairs=300, rng=11)
    sf = moderate.safety_factor()
    margin = np.minimum(sf[s.fibres[:, 0]], sf[s.fibres[:, 1]])
    ok = np.isfinite(s.mcd_us)
    low, high = margin[ok] < np.median(margin[ok]), margin[ok] >= np.median(margin[ok])
    assert np.median(s.mcd_us[ok][low]) > 1.5 * np.median(s.mcd_us[ok][high])
    blocking = ok & (s.blocking_pct > 0)
    assert blocking.sum() >= 20
    assert np.mean(s.mcd_us[blocking] < 50.0) < 0.05
    assert np.median(s.mcd_us[blocking]) > 80.0


def test_mild_ocular_mg_raised_jitter_with_normal_limb_decrement():
    ep = HUMAN.replace(achr_fraction=0.8)
    ocular = sample_fibres(N, ep, muscle="ocular", rng=3)
    limb = sample_fibres(N, ep, muscle="limb", rng=3)
    s = simulate_sfemg(ocular, rng=4)
    assert s.abnormal and s.mean_mcd_us > s.limit_mean_us
    assert simulate_rns(limb, 3.0, 10, rng=4).decrement_pct < 10.0


def test_ocular_mg_frontalis_jitter_and_blocking():
    """Ocular MG - weak eyes, a normal limb decrement - has abnormal frontalis SFEMG: mean jitter
    64.3 ± 25.6 µs with blocking 29.3 ± 23.2 % (90 patients, PMID 15198885; Ukachoke et al. 1994:
    56 µs), and a raised jitter in the clinically normal EDC (43.6 ± 14.5 µs).
    Tolerances: frontalis MCD within 30 % of 64 µs, blocking pairs 29 ± 15 points, EDC within
    one SD."""
    ep = mg_endplate(0.36)           # receptors lost everywhere, folds kept: eyes weak, limb CMAP normal
    limb = sample_fibres(N, ep, rng=3)
    assert simulate_rns(limb, 3.0, 10, rng=4).decrement_pct < 10.0
    assert 43.6 - 14.5 <= simulate_sfemg(limb, 100, rng=4).mean_mcd_us <= 43.6 + 14.5
    eye = simulate_activation(sample_fibres(400, ep, muscle="ocular", rng=3), 5.0, rng=1)
    assert eye.initial_force < 0.8                       # the eyes are weak
    s = simulate_sfemg(sample_fibres(3000, ep, muscle="bulbar", rng=3), 100, rng=4)   # frontalis
    assert 0.7 * 64.0 <= s.mean_mcd_us <= 1.3 * 64.0
    assert 14.0 <= 100.0 * np.mean(s.blocking_pct > 0) <= 44.0


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
    mg = simulate_activation(pop(0.5, n=800), 30.0, 20.0, 60.0, rng=5)
    assert mg.initial_force < h.initial_force
    assert mg.fatigue_pct > 8.0                          # force fades with use...
    assert mg.recovered_force > mg.final_force + 0.05    # ...and comes back with rest


# --- Lambert-Eaton: the presynaptic differential --------------------------------------------
@pytest.fixture(scope="module")
def lems():
    return lems_presynaptic(0.6)


def test_lems_low_cmap_decrement_at_3_hz_increment_at_50_hz(healthy, lems):
    """LEMS (AAEM; Tim et al. 2000; Oh et al. 2005): a low resting CMAP, a decrement at 3 Hz and
    an increment of more than 100 % at 50 Hz - in a muscle whose endplates are healthy."""
    r3 = simulate_rns(healthy, 3.0, 10, rng=1, presynaptic=lems)
    assert r3.cmap[0] < 0.5
    assert r3.decrement_pct >= 10.0
    r50 = simulate_rns(healthy, 50.0, 50, rng=1, presynaptic=lems)
    assert r50.increment_pct > 100.0


def test_lems_increment_after_brief_exercise(healthy, lems):
    """10 s of maximal exercise more than doubles the LEMS CMAP (>= 100 % increment; Tim et al.
    2000, Oh et al. 2005); in MG the first CMAP barely changes."""
    base = simulate_rns(healthy, 3.0, 10, rng=2, presynaptic=lems).cmap[0]
    ex = simulate_exercise_test(healthy, 10.0, rng=2, presynaptic=lems, times_after_s=(2.0, 60.0))
    assert ex.cmap1[0] > 2.0 * base
    assert ex.cmap1[1] < ex.cmap1[0]                    # the facilitation wears off within a minute


def test_presynaptic_keyword_everywhere(healthy, lems):
    small = pop(n=300)
    assert simulate_sfemg(small, 5, 20, rng=1, presynaptic=lems).n_pairs >= 1
    a = simulate_activation(small, 2.0, 20.0, 1.0, rng=1, presynaptic=lems)
    b = simulate_activation(small, 2.0, 20.0, 1.0, rng=1)
    assert a.initial_force < b.initial_force
    with pytest.raises(ValueError, match="presynaptic"):
        simulate_rns(small, presynaptic="lems")


# --- muscle-specific terminals ------------------------------------------------------------------
def test_healthy_eye_muscle_sustains_its_own_tonic_rate():
    """Extraocular motoneurons fire tonically at 100-200 Hz (Robinson 1970) and the muscles do
    not fatigue in normal use (< 10 % loss of saccadic velocity over 31 min, Fuchs & Binder 1983)."""
    ocular = pop(muscle="ocular", n=600)
    a = simulate_activation(ocular, 60.0, rest_s=1.0, rng=3)
    assert a.rate_hz >= 100.0
    assert a.initial_force > 0.95
    assert a.fatigue_pct < 10.0


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


def test_activation_in_two_steps_equals_one_run():
    """sustained_activation + retest_after_rest gives simulate_activation's result, for any rest
    and without changing the bout (a panel re-tests one activation after several rests)."""
    from mgmodel.activation import retest_after_rest, sustained_activation
    p = pop(0.5, n=300)
    bout = sustained_activation(p, 5.0, 20.0, rng=7)
    for rest in (30.0, 1.0, 30.0):
        one = simulate_activation(p, 5.0, 20.0, rest, retest_s=2.0, rng=7)
        two = retest_after_rest(bout, rest, retest_s=2.0)
        np.testing.assert_array_equal(one.force, two.force)
        np.testing.assert_array_equal(one.t_s, two.t_s)
        assert one.recovered_force == two.recovered_force
    with pytest.raises(ValueError, match="bout"):
        retest_after_rest(one, 10.0)
    with pytest.raises(ValueError, match="rest_s"):
        retest_after_rest(bout, -1.0)


def test_a_shorter_activation_is_the_start_of_a_longer_one():
    """SustainedActivation reads bouts of any duration from one activation; each equals
    sustained_activation's bout of that duration, re-tests included (the fatigue panel's
    duration slider)."""
    from mgmodel.activation import SustainedActivation, retest_after_rest, sustained_activation
    p = pop(0.5, n=120)
    act = SustainedActivation(p, 20.0, rng=4)
    for d in (12.0, 3.0, 7.5, 20.0, 10.0):
        a, b = act.bout(d), sustained_activation(p, d, 20.0, rng=4)
        np.testing.assert_array_equal(a.force, b.force)
        np.testing.assert_array_equal(retest_after_rest(a, 5.0).force, retest_after_rest(b, 5.0).force)
    long = act.bout(20.0)
    assert np.array_equal(long.force[:240], act.bout(12.0).force)    # the first 12 s of 20 s
    gen = np.random.default_rng(9)
    b = sustained_activation(p, 4.0, 20.0, rng=gen)                   # a Generator is advanced past the bout
    assert gen.random() == b._gen_after.random()
    with pytest.raises(ValueError, match="duration_s"):
        act.bout(0.0)
    with pytest.raises(ValueError, match="rate_hz"):
        SustainedActivation(p, 0.5)
