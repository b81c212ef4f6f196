"""Therapies: pharmacology and the calibration rows of sections 7 and 8."""

import math

import numpy as np
import pytest

from mgmodel import therapy as T
from mgmodel.disease import simulate_disease
from mgmodel.patients import PATIENTS

# --------------------------------------------------------------------------- pyridostigmine (hours)


def _single_dose_curve(dose_mg=60.0):
    t = np.linspace(0.0, 12.0, 14401)
    return t, T.pyridostigmine_inhibition(t, [0.0], dose_mg)


def test_pyridostigmine_timing():
    """Onset 15-30 min, peak 1-2 h, lasts 3-4 h (labels; Breyer-Pfaff 1985).

    Onset and offset are the times the inhibition crosses half its peak; "lasts" is the time
    between them (full width at half maximum).
    """
    t, inh = _single_dose_curve()
    peak = inh.argmax()
    half = inh[peak] / 2.0
    onset = t[np.argmax(inh >= half)]
    offset = t[peak + np.argmax(inh[peak:] < half)]
    assert 0.25 <= onset <= 0.5
    assert 1.0 <= t[peak] <= 2.0
    assert 3.0 <= offset - onset <= 4.0


def test_pyridostigmine_elimination_half_life():
    """Terminal decline of the effect follows the ~1.8 h elimination half-life."""
    t, inh = _single_dose_curve()
    late = (t >= 6) & (t <= 12)
    occupancy_ratio = inh[late] / (1.0 - inh[late])  # proportional to the effect-site level
    slope = np.polyfit(t[late], np.log(occupancy_ratio), 1)[0]
    assert 1.6 <= math.log(2) / -slope <= 2.0


def test_pyridostigmine_therapeutic_inhibition_20_to_50_percent():
    _, inh = _single_dose_curve(60.0)
    assert 0.20 <= inh.max() <= 0.50
    mean, peak = T.Pyridostigmine(0).daily_inhibition()
    assert 0.20 <= mean <= 0.50 and peak <= 0.50
    # gross overdose crosses the depolarizing-block limit
    _, over = _single_dose_curve(600.0)
    assert over.max() > T.DEPOLARIZING_BLOCK_INHIBITION


def test_pyridostigmine_ache_activity_method():
    p = T.Pyridostigmine(0, dose_mg=60, interval_h=4)
    t = np.linspace(0, 24, 97)
    act = p.ache_activity(t)
    assert np.all((act > 0) & (act <= 1))
    assert act[t == 8.25][0] < 0.75  # just after the first dose
    assert p.ache_activity(8.25, baseline_activity=0.05) < 0.05
    np.testing.assert_allclose(T.pyridostigmine_ache_activity(5.0, [], 60.0), 1.0)


def test_pyridostigmine_slow_course_uses_daily_mean_and_peak():
    c = simulate_disease("achr_early_onset", 20, (T.Pyridostigmine(5, stop_day=10),))
    assert c.ache_activity[2] == pytest.approx(1.0)
    mean, peak = T.Pyridostigmine(5).daily_inhibition()
    assert c.ache_activity[7] == pytest.approx(1.0 - mean)
    assert c.ache_activity_min[7] == pytest.approx(1.0 - peak)
    assert c.ache_activity[15] == pytest.approx(1.0)


# --------------------------------------------------------------------------- antibody removal


def test_five_plasma_exchanges_lower_igg_60_to_70_percent():
    """5 sessions x 1 plasma volume every 2 days: IgG and AChR antibody 60-70 % lower at course end
    (Guptill 2016). Course end = the morning after the last session (day 9)."""
    c = simulate_disease("achr_early_onset", 60, (T.PlasmaExchange(0, n_sessions=5, interval_days=2),))
    assert 0.60 <= 1.0 - c.total_igg[9] <= 0.70
    assert 0.60 <= 1.0 - c.pathogenic_igg[9] <= 0.70
    np.testing.assert_allclose(c.albumin, 1.0, atol=1e-9)
    # no overshoot: IgG returns toward baseline from below (Guptill 2016; Junghans 1997)
    assert np.all(c.total_igg[9:] <= 1.0 + 1e-9)
    assert c.total_igg[29] < 0.8  # three weeks after the last session, not yet within 20 %


def test_plex_clinical_time_course():
    """Receptor recovery starts within a week, is best at ~2 weeks and wanes by 3-6 weeks."""
    base = simulate_disease("achr_early_onset", 60)
    c = simulate_disease("achr_early_onset", 60, (T.PlasmaExchange(0),))
    gain = c.achr_fraction - base.achr_fraction
    best = int(gain.argmax())
    assert gain[7] > 0.25 * gain[best]
    assert 10 <= best <= 21
    assert gain[42] < 0.5 * gain[best]


def test_fcrn_antagonist_weekly_x4():
    """Total IgG nadir 55-75 % below baseline around day 28-35; pathogenic fall within 10 points;
    albumin unchanged within 2 % (Ulrichts 2018; ADAPT)."""
    c = simulate_disease("achr_early_onset", 120, (T.FcRnAntagonist(0, n_doses=4, interval_days=7),))
    fall = 1.0 - c.total_igg
    nadir_day = int(fall.argmax())
    assert 0.55 <= fall.max() <= 0.75
    assert 21 <= nadir_day <= 35
    for d in (28, 35):
        assert 0.55 <= fall[d] <= 0.75
        assert abs((1.0 - c.pathogenic_igg[d]) - fall[d]) <= 0.10
    assert abs((1.0 - c.pathogenic_igg[nadir_day]) - fall[nadir_day]) <= 0.10
    assert np.all(np.abs(c.albumin - 1.0) <= 0.02)
    assert fall[21 + 56] < 0.2  # near baseline ~8 weeks after the last dose (Ulrichts 2018)


def test_fcrn_antagonist_helps_only_through_igg():
    """MuSK (IgG4) responds too; the congenital syndrome does not."""
    m0 = simulate_disease("musk", 60)
    m1 = simulate_disease("musk", 60, (T.FcRnAntagonist(0),))
    assert m1.achr_fraction[35] > m0.achr_fraction[35] + 0.05
    c0 = simulate_disease("congenital", 60)
    c1 = simulate_disease("congenital", 60, (T.FcRnAntagonist(0),))
    np.testing.assert_array_equal(c1.achr_fraction, c0.achr_fraction)
    assert c1.total_igg[28] < 0.5  # total IgG still falls: the drug works, the disease is not IgG


def test_ivig_saturates_fcrn_and_matches_plex_at_day_14():
    base = simulate_disease("achr_early_onset", 40)
    iv = simulate_disease("achr_early_onset", 40, (T.IVIG(0, dose_g_per_kg=2.0),))
    px = simulate_disease("achr_early_onset", 40, (T.PlasmaExchange(0),))
    assert 2.0 <= iv.total_igg.max() <= 4.0
    assert iv.pathogenic_igg[21] < 0.9  # faster catabolism of endogenous IgG
    ratio = (iv.achr_fraction[14] - base.achr_fraction[14]) / (px.achr_fraction[14] - base.achr_fraction[14])
    assert 0.67 <= ratio <= 1.5


# --------------------------------------------------------------------------- no single target suits every patient


HELPS = {
    # therapy: (therapy, helps these, not these, window of days averaged), reason in the comment
    "complement": (T.ComplementInhibitor(0), {"achr_early_onset", "thymoma", "seronegative"},
                   {"musk", "congenital"}, (14, 365)),  # MAC route only; IgG4 fixes no complement
    "rituximab": (T.Rituximab(0), {"musk"}, {"congenital", "neonatal"}, (14, 365)),  # no B-cell source
    # thymectomy acts over months (MGTX: benefit within the first year), so its window is the second half-year
    "thymectomy": (T.Thymectomy(0), {"achr_early_onset"}, {"musk", "congenital", "neonatal"}, (180, 365)),
    "fcrn": (T.FcRnAntagonist(0), {"achr_early_onset", "musk", "neonatal"}, {"congenital"}, (7, 42)),
    "plex": (T.PlasmaExchange(0), {"achr_early_onset", "musk"}, {"congenital"}, (7, 42)),  # transient
}


@pytest.mark.parametrize("key", sorted(HELPS))
def test_each_therapy_helps_some_archetypes_and_not_others(key):
    therapy, helped, not_helped, (first, last) = HELPS[key]
    days = 365
    window = slice(first, last + 1)
    for name in helped | not_helped:
        base = simulate_disease(name, days)
        treated = simulate_disease(name, days, (therapy,))
        gain = float(np.mean(treated.achr_fraction[window] - base.achr_fraction[window]))
        if name in helped:
            assert gain > 0.01, (key, name, gain)
        else:
            assert abs(gain) < 1e-9, (key, name, gain)


# --------------------------------------------------------------------------- schedules and bad input


def test_schedules():
    assert list(T.PlasmaExchange(3, n_sessions=3, interval_days=2).session_days()) == [3, 5, 7]
    f = T.FcRnAntagonist(0, n_doses=2, interval_days=7, n_cycles=2, cycle_gap_days=30)
    assert list(f.dose_days()) == [0, 7, 37, 44]
    assert list(T.IVIG(1, n_days=2, n_courses=2, course_interval_days=21).infusion_days()) == [1, 2, 22, 23]
    assert T.Pyridostigmine(0, interval_h=4).doses_per_day == 4
    assert T.Prednisone(2).replace(dose_mg_per_day=20).dose_mg_per_day == 20


def test_effects_combine_as_independent_actions():
    t = np.arange(50.0)
    p = PATIENTS["achr_early_onset"]
    one = T.therapy_effects((T.FcRnAntagonist(0),), t, 1.0, p)["fcrn_occupancy"]
    two = T.therapy_effects((T.FcRnAntagonist(0), T.FcRnAntagonist(0)), t, 1.0, p)["fcrn_occupancy"]
    np.testing.assert_allclose(two, 1 - (1 - one) ** 2)
    drive = T.therapy_effects((T.Prednisone(0), T.Thymectomy(0)), t, 1.0, p)["drive"]
    assert np.all(drive <= 1.0) and drive[-1] < 0.7


@pytest.mark.parametrize(
    "factory, name",
    [
        (lambda: T.PlasmaExchange(-1), "start_day"),
        (lambda: T.PlasmaExchange(float("nan")), "start_day"),
        (lambda: T.PlasmaExchange("3"), "start_day"),
        (lambda: T.PlasmaExchange(0, n_sessions=0), "n_sessions"),
        (lambda: T.PlasmaExchange(0, n_sessions=2.5), "n_sessions"),
        (lambda: T.PlasmaExchange(0, plasma_volumes=5), "plasma_volumes"),
        (lambda: T.FcRnAntagonist(0, n_doses=0), "n_doses"),
        (lambda: T.FcRnAntagonist(0, dose_mg_per_kg=-10), "dose_mg_per_kg"),
        (lambda: T.FcRnAntagonist(0, cycle_gap_days=float("inf")), "cycle_gap_days"),
        (lambda: T.IVIG(0, dose_g_per_kg=0), "dose_g_per_kg"),
        (lambda: T.IVIG(0, n_days=7), "n_days"),
        (lambda: T.Pyridostigmine(0, dose_mg=-60), "dose_mg"),
        (lambda: T.Pyridostigmine(0, interval_h=0.1), "interval_h"),
        (lambda: T.Pyridostigmine(0, interval_h=4, doses_per_day=7), "doses_per_day"),
        (lambda: T.Prednisone(5, stop_day=3), "stop_day"),
        (lambda: T.Prednisone(0, dose_mg_per_day=500), "dose_mg_per_day"),
        (lambda: T.Immunosuppressant(0, agent="methotrexate"), "agent"),
        (lambda: T.ComplementInhibitor(0, agent="aspirin"), "agent"),
        (lambda: T.Rituximab(0, n_cycles=0), "n_cycles"),
        (lambda: T.Thymectomy(None), "start_day"),
        (lambda: T.pyridostigmine_inhibition([0, 1], [0.0], dose_mg=float("nan")), "dose_mg"),
        (lambda: T.pyridostigmine_ache_activity(1.0, [0.0], baseline_activity=1.5), "baseline_activity"),
    ],
)
def test_bad_therapy_input_names_the_parameter(factory, name):
    with pytest.raises(ValueError, match=name):
        factory()
