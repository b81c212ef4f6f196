"""The slow floor coupled to the fast floors: strength, MG-ADL, crisis, and who each therapy helps."""
import numpy as np
import pytest

from mgmodel import therapy as T
from mgmodel.clinic import (CRISIS_RECOVERY_STRENGTH, CRISIS_STRENGTH, DAY_SAMPLING_TOL, MG_ADL_ITEMS, Infection,
                            adl_item_score, group_strength, mean_strength, simulate_course, strength_over_days)
from mgmodel.trials import DESIGNS
from mgmodel.plots_clinic import plot_course
from mgmodel.therapy import therapy_effect, therapy_matrix
from mgmodel.patients import MUSCLE_GROUPS, PATIENTS

START = 30
THERAPIES = {
    "pyridostigmine": T.Pyridostigmine(start_day=START), "prednisone": T.Prednisone(start_day=START),
    "immunosuppressant": T.Immunosuppressant(start_day=START), "thymectomy": T.Thymectomy(start_day=START),
    "plasma exchange": T.PlasmaExchange(start_day=START), "IVIG": T.IVIG(start_day=START),
    "FcRn antagonist": T.FcRnAntagonist(start_day=START),
    "complement inhibitor": T.ComplementInhibitor(start_day=START), "rituximab": T.Rituximab(start_day=START),
}
HELPS_PP = 1.5   # a best month 1.5 percentage points of strength above untreated counts as help


@pytest.fixture(scope="module")
def matrix():
    """Best-month change in mean strength (percentage points): archetypes x therapies."""
    gain = therapy_matrix(PATIENTS, THERAPIES.values(), progress=False)
    return {(p, t): gain[i, j] for i, p in enumerate(PATIENTS) for j, t in enumerate(THERAPIES)}


def test_readout_shapes_and_ranges():
    r = simulate_course("achr_early_onset", 100)
    assert r.t_days.shape == (101,) and r.mg_adl.shape == (101,)
    assert set(r.strength) == set(MUSCLE_GROUPS) == set(r.safety_factor)
    assert set(r.mg_adl_items) == set(MG_ADL_ITEMS)
    assert np.all((0 <= r.mg_adl) & (r.mg_adl <= 24))
    for g in MUSCLE_GROUPS:
        assert np.all((0 <= r.strength[g]) & (r.strength[g] <= 1)) and np.all(np.isfinite(r.safety_factor[g]))
    assert np.array_equal(r.mg_adl, np.sum(list(r.mg_adl_items.values()), axis=0))
    assert r.crisis.dtype == bool
    s = r.summary(50)
    assert s["day"] == 50 and isinstance(s["mg_adl"], int)


def test_untreated_generalized_mg_is_moderate_to_severe_and_eyes_go_first():
    r = simulate_course("achr_early_onset", 365)
    # a typical patient of the trials: eligible for ADAPT, CHAMPION-MG and RAISE (MG-ADL >= 5, 6, 6)
    assert max(d.eligibility.min_mg_adl for d in DESIGNS.values()) <= r.mg_adl[-1] <= 20
    # the eyes are weakest: high firing rate, fewer folds, less complement protection
    assert r.strength["ocular"][-1] < min(r.strength[g][-1] for g in ("bulbar", "limb", "respiratory"))
    ocular = simulate_course("ocular", 365)
    assert ocular.mg_adl_items["double vision"][-1] >= 1 and ocular.mg_adl_items["rising from a chair"][-1] == 0
    assert not ocular.crisis.any()


def test_crisis_is_an_event_triggered_by_infection():
    """A severe thymoma patient is not in crisis at rest; a severe infection tips them over."""
    severe = PATIENTS["thymoma"].replace(w_complement=0.7)   # complement-heavy: breathing at ~0.58 at rest
    calm = simulate_course(severe, 150)
    assert not calm.crisis.any() and calm.crisis_episodes == ()
    r = simulate_course(severe, 150, events=[Infection(start_day=40, duration_days=14, severity=1.0)])
    assert len(r.crisis_episodes) == 1
    start, end, trigger = r.crisis_episodes[0]
    assert trigger == "infection" and 40 <= start <= 54 and end is not None and end <= 70
    # hysteresis: once in crisis it lasts until breathing has recovered to the weaning level
    inside = (r.t_days >= start) & (r.t_days < end)
    assert np.array_equal(r.crisis, inside)
    assert r.strength["respiratory"][int(start)] < CRISIS_STRENGTH
    assert np.all(r.strength["respiratory"][inside] < CRISIS_RECOVERY_STRENGTH)
    with pytest.raises(ValueError, match="events"):
        simulate_course("thymoma", 10, events=["flu"])


def test_strength_is_a_property_of_the_patient_not_of_a_seed():
    a = simulate_course("thymoma", 60, rng=3)
    b = simulate_course("thymoma", 60, rng=4)
    assert np.array_equal(a.strength["respiratory"], b.strength["respiratory"])
    # group_strength is vectorized over any shape and agrees with the course
    g = a.disease.by_group["limb"]
    _, s = group_strength("limb", g.achr_fraction, g.na_channel_fraction, g.ach_site_block, g.ache_activity,
                          a.disease.ache_activity_min)
    assert np.allclose(s, a.strength["limb"])
    _, healthy = group_strength("ocular", np.ones((2, 3)), np.ones((2, 3)))
    assert healthy.shape == (2, 3) and np.allclose(healthy, 1.0)


def test_pyridostigmine_helps_achr_mg_and_is_poorly_tolerated_in_musk_mg():
    gain, side = {}, {}
    for p in ("achr_early_onset", "musk"):
        base = simulate_course(p, 40)
        on = simulate_course(p, 40, [T.Pyridostigmine(start_day=10)])
        gain[p] = float(mean_strength(on)[-1] - mean_strength(base)[-1])
        side[p] = bool(on.cholinergic_side_effects[20:].all())
        assert not on.cholinergic_side_effects[:10].any()          # none before the first tablet
    assert gain["achr_early_onset"] > 0.01 and gain["achr_early_onset"] > gain["musk"]
    assert side["musk"] and not side["achr_early_onset"]
    # the benefit is there within hours: AChE inhibition peaks ~1-2 h after a tablet
    th = T.Pyridostigmine()
    t = np.linspace(7.0, 9.0, 49)
    inh = 1.0 - th.ache_activity(t)
    assert 0.5 <= t[np.argmax(inh)] - 7.0 <= 2.0


def test_prednisone_onset_and_transient_early_worsening():
    base = simulate_course("achr_early_onset", 120)
    plain = simulate_course("achr_early_onset", 120, [T.Prednisone(start_day=10)])
    worse = simulate_course("achr_early_onset", 120, [T.Prednisone(start_day=10, early_worsening=0.25)])
    d_plain = mean_strength(plain) - mean_strength(base)
    d_worse = mean_strength(worse) - mean_strength(base)
    assert d_worse[15] < -0.05 and abs(d_plain[15]) < 0.01      # worse around day 5 of treatment
    assert d_worse[40] > 0 and d_plain[38] > 0                   # better within 2-4 weeks
    assert d_plain[110] > d_plain[38]                            # and more over months


def test_ocular_mg_responds_to_steroids():
    base = simulate_course("ocular", 240)
    pred = simulate_course("ocular", 240, [T.Prednisone(start_day=30)])
    assert pred.strength["ocular"][-1] - base.strength["ocular"][-1] > 0.05
    # ... and the patient notices: the ocular items fall within weeks of starting prednisone
    eyes = lambda r: r.mg_adl_items["double vision"] + r.mg_adl_items["eyelid droop"]
    assert eyes(base)[-1] == 6 and eyes(pred)[-1] < eyes(base)[-1]
    assert eyes(pred)[30] == eyes(base)[30]                     # nothing before the first dose


def test_generalized_archetypes_do_not_all_score_three_on_the_ocular_items():
    """The eye's own nerve terminal (faster recycling, mgmodel.muscles) at its 150 Hz."""
    eyes = {}
    for name in ("achr_early_onset", "achr_late_onset", "thymoma", "musk", "lrp4", "seronegative"):
        r = simulate_course(name, 1)
        eyes[name] = int(r.mg_adl_items["double vision"][0] + r.mg_adl_items["eyelid droop"][0])
    assert all(v < 6 for v in eyes.values()), eyes
    assert all(eyes[n] >= 2 for n in ("achr_early_onset", "achr_late_onset", "thymoma")), eyes


@pytest.mark.parametrize("name, therapies", [
    ("achr_early_onset", [T.Prednisone(0), T.PlasmaExchange(30), T.FcRnAntagonist(120, n_cycles=3)]),
    ("musk", [T.Pyridostigmine(0), T.Rituximab(60), T.IVIG(10)]),
])
def test_adaptive_day_sampling_equals_every_day(name, therapies):
    r = simulate_course(name, 400, therapies)
    for g in MUSCLE_GROUPS:
        gc = r.disease.by_group[g]
        args = (g, gc.achr_fraction, gc.na_channel_fraction, gc.ach_site_block, gc.ache_activity,
                r.disease.ache_activity_min)
        sf, s = strength_over_days(*args, tol=0.0)
        sf_ref, s_ref = group_strength(*args[:5], ache_activity_min=args[5])
        np.testing.assert_allclose(s, s_ref, rtol=1e-12)
        np.testing.assert_allclose(r.strength[g], s_ref, atol=DAY_SAMPLING_TOL)
        np.testing.assert_allclose(r.safety_factor[g], sf_ref, rtol=DAY_SAMPLING_TOL)
        # item scores, and with them MG-ADL, are those of a day-by-day evaluation
        np.testing.assert_array_equal(adl_item_score(1.0 - r.strength[g]), adl_item_score(1.0 - s_ref))
    with pytest.raises(ValueError, match="tol"):
        strength_over_days("limb", [1.0] * 5, 1.0, 0.0, 1.0, 1.0, tol=0.5)


def test_cholinergic_block_emerges_and_follows_the_firing_rate():
    """No threshold rule: block is read from the train physiology at each group's firing rate.
    Therapeutic inhibition (20-50 %) blocks nothing; the tonic eye muscles (150 Hz) block near the
    clinical > 80 % (drug labels); slower muscles need more inhibition."""
    from mgmodel.clinic import cholinergic_block
    for g in MUSCLE_GROUPS:
        assert float(cholinergic_block(g, 1.0)) == 0.0
        assert float(cholinergic_block(g, 0.5)) == 0.0 and float(cholinergic_block(g, 0.0)) == 1.0
    a = np.linspace(0.0, 1.0, 2001)
    half = {g: a[np.argmax(cholinergic_block(g, a) < 0.5)] for g in MUSCLE_GROUPS}
    assert 0.1 <= half["ocular"] <= 0.3                        # 70-90 % inhibition
    assert half["ocular"] > half["bulbar"] > half["limb"] > half["respiratory"] > 0.0
    with pytest.raises(ValueError, match="ache_activity"):
        cholinergic_block("limb", 1.5)


def test_pyridostigmine_overdose_weakens_the_eyes_first():
    """Beyond the therapeutic dose strength falls again (cholinergic weakness), in the fastest
    firing muscles first."""
    dose = {d: simulate_course("achr_early_onset", 40, [T.Pyridostigmine(start_day=10, dose_mg=d, interval_h=3)])
            for d in (60, 180, 300)}
    eyes = {d: float(r.strength["ocular"][-1]) for d, r in dose.items()}
    limb = {d: float(r.strength["limb"][-1]) for d, r in dose.items()}
    assert eyes[300] < eyes[180] and eyes[300] < eyes[60]
    assert limb[300] >= limb[180] >= limb[60]                  # the limbs still gain


def test_colq_is_worsened_by_ache_inhibitors_without_a_permanent_crisis():
    base = simulate_course("congenital_colq", 60)
    assert not base.crisis.any() and 4 <= base.mg_adl[-1] <= 20
    on = simulate_course("congenital_colq", 60, [T.Pyridostigmine(start_day=20)])
    assert on.mg_adl[-1] > base.mg_adl[-1]


def test_neonate_is_worst_within_the_first_days():
    r = simulate_course("neonatal", 60)
    assert int(np.argmin(mean_strength(r))) <= 3


def test_neonatal_mg_resolves_on_its_own_within_three_months():
    """Transient neonatal MG: feeding, breathing and limb weakness go within weeks, <= 3 months.

    The newborn is weakest in bulbar muscles (feeding, a weak cry) at birth; by 3 months every
    generalized group is back to normal and the MG-ADL to 0. The eyes are spared (the newborn has
    the low ocular susceptibility of generalized patients; ptosis is uncommon in neonatal MG).
    """
    r = simulate_course("neonatal", 160)
    generalized = [g for g in MUSCLE_GROUPS if g != "ocular"]
    assert r.strength["bulbar"][0] < 0.8
    assert r.strength["bulbar"][0] == min(r.strength["bulbar"])          # worst at birth
    assert all(r.strength[g][90] > 0.98 for g in generalized)
    assert r.mg_adl[-1] == 0 and np.all(np.diff(r.mg_adl) <= 0)
    # the weakness lasts weeks, not days (typically 2-4 weeks; Papazian 1992)
    weak_days = int(np.count_nonzero(r.mg_adl > 0))
    assert 10 <= weak_days <= 60
    eyes = r.mg_adl_items["double vision"] + r.mg_adl_items["eyelid droop"]
    assert r.strength["ocular"][90] > 0.98 and not eyes.any()


def test_adl_item_score_cutoffs():
    assert list(adl_item_score([0.0, 0.3, 0.6, 0.9])) == [0, 1, 2, 3]


def test_no_single_target_suits_every_patient(matrix):
    """Each therapy helps some archetypes and not others, for a reason the model carries."""
    effect = matrix.get
    helped = {t: {p for p in PATIENTS if effect((p, t)) > HELPS_PP} for t in THERAPIES}
    for t, who in helped.items():
        assert who, f"{t} helps nobody"
        assert set(PATIENTS) - who, f"{t} helps everybody"
    immune = set(THERAPIES) - {"pyridostigmine"}
    # genetic, not autoimmune: no immune therapy touches congenital myasthenic syndromes
    for t in immune:
        assert effect(("congenital", t)) == 0.0 and effect(("congenital_colq", t)) == 0.0
    # AChE inhibition helps AChR deficiency (CHRNE) and harms endplate AChE deficiency (COLQ)
    assert effect(("congenital", "pyridostigmine")) > 0.5
    assert effect(("congenital_colq", "pyridostigmine")) < -3.0      # emergent block (cholinergic_block)
    # IgG4 anti-MuSK does not fix complement; the thymus does not drive MuSK MG
    assert effect(("musk", "complement inhibitor")) == 0.0
    assert effect(("musk", "thymectomy")) == 0.0
    # no single therapy dominates in AChR MG: complement, FcRn and B-cell therapies are of one size
    for t in ("complement inhibitor", "FcRn antagonist", "rituximab"):
        assert effect(("achr_early_onset", t)) > 4 * HELPS_PP
    assert effect(("achr_early_onset", "complement inhibitor")) < 2 * effect(("achr_early_onset", "FcRn antagonist"))
    assert effect(("achr_early_onset", "thymectomy")) > HELPS_PP
    # B-cell depletion works best in MuSK MG (IgG4 from short-lived plasmablasts; Hehir 2017)
    assert effect(("musk", "rituximab")) > effect(("achr_early_onset", "rituximab")) > HELPS_PP
    # lowering IgG helps every antibody-mediated archetype, and the newborn with maternal IgG
    for p in ("achr_early_onset", "musk", "lrp4", "seronegative"):
        assert effect((p, "FcRn antagonist")) > HELPS_PP and effect((p, "plasma exchange")) > HELPS_PP
    # the newborn is weakest in the first days and clears the maternal IgG by itself within weeks
    # (Papazian 1992), so lowering IgG helps when given at birth, not from day 30 on
    for th in (T.FcRnAntagonist(start_day=0), T.PlasmaExchange(start_day=0)):
        assert therapy_effect("neonatal", th) > HELPS_PP
    assert effect(("neonatal", "plasma exchange")) < therapy_effect("neonatal", T.PlasmaExchange(start_day=0))
    # immunosuppression cannot act in the newborn: the antibody is the mother's
    assert effect(("neonatal", "prednisone")) == 0.0


def test_therapy_effect_checks_its_window():
    with pytest.raises(ValueError, match="days"):
        therapy_effect("musk", T.Prednisone(start_day=100), days=120)


def test_same_seed_same_course_and_seeds_differ():
    a = simulate_course("musk", 60, rng=3, production_cv=0.3)
    b = simulate_course("musk", 60, rng=3, production_cv=0.3)
    c = simulate_course("musk", 60, rng=4, production_cv=0.3)
    assert np.array_equal(a.strength["limb"], b.strength["limb"])
    assert not np.array_equal(a.strength["limb"], c.strength["limb"])


def test_plot_course():
    r = simulate_course("achr_early_onset", 200, [T.FcRnAntagonist(start_day=50)])
    axes = plot_course(r)
    assert len(axes) == 4 and axes[-1].get_xlabel() == "time (days)"
    assert all(a.get_ylabel() for a in axes) and axes[0].get_title()
    with pytest.raises(ValueError, match="result"):
        plot_course(None)


@pytest.mark.parametrize("kwargs, name", [
    (dict(patient="nobody", days=10), "patient"), (dict(patient="musk", days=0), "days"),
    (dict(patient="musk", days=10.5), "days"), (dict(patient="musk", days=10, rng="seed"), "rng"),
    (dict(patient="musk", days=10, therapies=["prednisone"]), "therap"),
])
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        simulate_course(**kwargs)
