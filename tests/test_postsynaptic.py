"""The endplate over a train: summation, desensitization, Na inactivation, depolarizing block."""
import numpy as np
import pytest

from mgmodel import HUMAN, mg_endplate, postsynaptic_train
from mgmodel.fastpath import FibreEPP, epp_table
from mgmodel.safety import na_availability, propagates, threshold_gap_mV


def _train(ep, n=200, s=10, rate_hz=3.0, ache=None, quanta=None):
    m = np.full((n, s), ep.quantal_content if quanta is None else quanta)
    t = np.arange(s) * 1000.0 / rate_hz
    return postsynaptic_train(ep, np.full(n, ep.functional_achr_fraction), m, t,
                              ache_activity=ep.ache_activity if ache is None else ache,
                              na_channel_fraction=ep.na_channel_fraction)


def test_healthy_endplate_fires_every_impulse_with_a_short_latency():
    tr = _train(HUMAN, n=5)
    assert tr.fires.all()
    assert tr.epp_mV.shape == tr.latency_ms.shape == (5, 10)
    assert np.all((tr.latency_ms > 0.1) & (tr.latency_ms < 1.5))       # threshold reached in < 1.5 ms
    assert np.all(tr.residual_mV < 0.05)                                 # nothing left after 333 ms
    assert np.allclose(tr.safety_factor, tr.epp_mV / tr.gap_mV)


def test_epps_sum_at_high_rates_only():
    fast = _train(HUMAN, n=3, rate_hz=200.0)
    slow = _train(HUMAN, n=3, rate_hz=3.0)
    assert fast.residual_mV[:, 1:].min() > 0.5                          # 5 ms apart: the EPPs sum
    assert slow.residual_mV.max() < 0.05


def test_failing_fibres_have_infinite_latency():
    ep = HUMAN.replace(ach_site_block=0.9)
    tr = _train(ep, n=4)
    assert not tr.fires.any()
    assert np.all(np.isinf(tr.latency_ms))


def test_therapeutic_inhibition_helps_a_myasthenic_endplate():
    """Pyridostigmine-like AChE inhibition of 30-50 % raises the EPP of an MG endplate."""
    mg = mg_endplate(0.3, 0.8)
    base = _train(mg, n=2).epp_mV[:, 0]
    for inhibition, gain in ((0.3, 1.1), (0.5, 1.2)):
        treated = _train(mg, n=2, ache=1.0 - inhibition).epp_mV[:, 0]
        assert np.all(treated > gain * base)


def test_strong_inhibition_and_50_hz_give_a_depolarizing_block():
    """Strong AChE inhibition with repetitive stimulation blocks transmission (cholinergic
    weakness; clinically > 80 % inhibition); here it emerges from summation, desensitization and
    Na inactivation at 99 % inhibition and 50 Hz (at 50 Hz the model needs more inhibition than
    the clinic: a known difference; at the eye's 150 Hz it does not, see the next test)."""
    blocked = _train(HUMAN, n=3, s=20, rate_hz=50.0, ache=0.01)
    assert blocked.fires[:, 0].all()                      # the first impulse still transmits
    assert not blocked.fires[:, -1].any()                 # later ones fail
    assert blocked.residual_mV[:, -1].min() > 5.0         # on a sustained depolarization
    assert blocked.gap_mV[:, -1].min() > HUMAN.threshold_gap_mV   # Na inactivated: threshold up
    assert blocked.desensitized[:, -1].min() > blocked.desensitized[:, 1].max()
    assert blocked.gap_mV[:, -1].min() > blocked.residual_mV[:, -1].max()
    # normal AChE at 50 Hz, or the same inhibition at 3 Hz: no block
    assert _train(HUMAN, n=3, s=20, rate_hz=50.0).fires.all()
    assert _train(HUMAN, n=3, s=10, rate_hz=3.0, ache=0.01).fires.all()


def test_tonic_eye_firing_blocks_near_the_clinical_inhibition():
    """At the eye muscles' tonic 150 Hz (Robinson 1970) the EPPs sum even with normal AChE; the
    block sets in between 70 and 85 % AChE inhibition (clinically > 80 %, drug labels), and the
    blocked fibre sits on a depolarization beyond which no impulse leaves the endplate."""
    def late(ache):
        return _train(HUMAN, n=2, s=60, rate_hz=150.0, ache=ache)
    healthy, therapeutic, limit, over = late(1.0), late(0.5), late(0.3), late(0.15)
    assert healthy.fires.all() and therapeutic.fires.all() and limit.fires.all()
    assert not over.fires[:, 30:].any()
    assert np.isinf(over.gap_mV[:, -1]).all()
    assert not propagates(over.residual_mV[:, -1]).any() and propagates(limit.residual_mV[:, -1]).all()


def test_the_impulse_cannot_leave_an_endplate_held_beyond_about_30_mV():
    """The membrane beyond the endplate has 5-10x fewer Na channels (Caldwell & Milton 1988); a
    fibre held near -50 mV is inexcitable (Lehmann-Horn et al. 1987)."""
    u = np.arange(0.0, 60.0, 0.25)
    ok = propagates(u)
    limit = u[~ok][0]
    assert ok[0] and not ok[-1] and np.all(ok[u < limit]) and not np.any(ok[u >= limit])
    assert 22.0 <= limit <= 35.0                         # -58 to -45 mV absolute
    assert np.all(np.isfinite(threshold_gap_mV(np.array([1.0, 0.2]))))   # the endplate itself still fires


def test_na_availability():
    assert na_availability(0.0) == pytest.approx(1.0)
    a = na_availability(np.array([0.0, 5.0, 10.0, 20.0]))
    assert np.all(np.diff(a) < 0) and a[-1] < 0.2


def test_fibre_epp_matches_the_table():
    table = epp_table(HUMAN)
    rng = np.random.default_rng(3)
    f = rng.uniform(0.05, 1.5, 50)
    na = rng.uniform(0.2, 1.0, 50)
    cap = rng.uniform(0.7, 1.4, 50)
    m = rng.uniform(0, 120, (50, 4))
    fib = FibreEPP(table, f, 0.6, na, cap).peak(m)
    ref = table.peak_mV(f[:, None], m / cap[:, None], 0.6, na[:, None])
    assert np.allclose(fib, ref, rtol=1e-10, atol=1e-10)


def test_temperature_argument():
    t = np.arange(3) * 10.0
    warm = postsynaptic_train(HUMAN, [0.3], [[45.0] * 3], t)
    with pytest.raises(ValueError, match="temperature_C"):
        postsynaptic_train(epp_table(HUMAN), [0.3], [[45.0] * 3], t, temperature_C=30.0)
    assert warm.epp_mV.shape == (1, 3)


@pytest.mark.parametrize("kwargs, name", [
    (dict(functional_achr=[0.0]), "functional_achr"),
    (dict(quanta=[[-1.0, 1.0]]), "quanta"),
    (dict(quanta=[1.0, 2.0]), "quanta"),
    (dict(times_ms=[5.0, 1.0]), "times_ms"),
    (dict(times_ms=[0.0]), "times_ms"),
    (dict(ache_activity=1.5), "ache_activity"),
    (dict(na_channel_fraction=[0.0]), "na_channel_fraction"),
    (dict(cap_scale=[np.nan]), "cap_scale"),
])
def test_bad_input(kwargs, name):
    args = dict(functional_achr=[1.0], quanta=[[45.0, 45.0]], times_ms=[0.0, 10.0])
    args.update(kwargs)
    f, q, t = args.pop("functional_achr"), args.pop("quanta"), args.pop("times_ms")
    with pytest.raises(ValueError, match=name):
        postsynaptic_train(HUMAN, f, q, t, **args)
    with pytest.raises(ValueError, match="endplate_or_table"):
        postsynaptic_train("human", [1.0], [[1.0]], [0.0])


@pytest.mark.parametrize("ache", [1.0, 0.15])
def test_desensitization_recovers_once_from_release(ache):
    """An impulse's desensitization recovers from its release on, not again from the table's read time.

    The table reads the desensitized fraction some ms after release (after recovery has acted
    that long); a second impulse 400 ms later must see it decayed by exp(-k_rec * 400 ms) from
    the value at release, i.e. by exp(-k_rec * (400 - read time)) from the table's value.
    """
    table = epp_table(HUMAN)
    k_rec = HUMAN.desens_recovery_per_ms * HUMAN.rate_factor("gating")
    tr = postsynaptic_train(table, [1.0], [[45.0, 45.0]], [0.0, 400.0], ache_activity=ache)
    read = float(np.interp(ache, [0.0, 0.299, 0.3, 1.0],
                           [table.desens_read_ms[0], table.desens_read_ms[0],
                            table.desens_read_ms[-1], table.desens_read_ms[-1]]))
    once = table.desensitized_fraction(1.0, 45.0, ache) * np.exp(-k_rec * (400.0 - read))
    assert tr.desensitized[0, 1] == pytest.approx(float(once), rel=1e-6)
    assert tr.desensitized[0, 1] > table.desensitized_fraction(1.0, 45.0, ache) * np.exp(-k_rec * 400.0)


def test_desensitization_recovers_after_a_train():
    """After a 50 Hz train under strong AChE inhibition the receptors recover with the endplate's rate."""
    t = np.r_[np.arange(20) * 20.0, 380.0 + 1000.0]
    tr = postsynaptic_train(HUMAN, [1.0], np.full((1, 21), 45.0), t, ache_activity=0.15)
    d = tr.desensitized[0]
    assert np.all(np.diff(d[:20]) > 0)                       # builds up during the train
    assert d[20] < 0.01 * d[19]                              # gone 1 s after it (tau ~ 75 ms at 36 °C)
    assert tr.fires[0, 20] and tr.residual_mV[0, 20] < 0.05  # the endplate transmits again from rest


def test_desens_at_release_rejects_a_bad_rate():
    table = epp_table(HUMAN)
    assert np.all(table.desens_at_release(0.0) == table.desens)
    for bad in (-1.0, np.nan):
        with pytest.raises(ValueError, match="recovery_per_ms"):
            table.desens_at_release(bad)


@pytest.mark.parametrize("ache", [1.0, 0.6])
@pytest.mark.parametrize("rate_hz", [20.0, 50.0])
def test_no_block_with_normal_or_therapeutic_ache(ache, rate_hz):
    """A healthy endplate follows 20-50 Hz trains with normal AChE or 40 % inhibition (no block)."""
    tr = _train(HUMAN, n=2, s=50, rate_hz=rate_hz, ache=ache)
    assert tr.fires.all()
    assert tr.residual_mV.max() < 3.0                          # summation stays small
    assert tr.desensitized.max() < 0.01
    assert tr.epp_mV[:, -1].min() > 0.98 * tr.epp_mV[:, 0].min()
