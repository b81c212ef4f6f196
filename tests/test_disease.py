"""The junction under attack and the slow course (receptor turnover, injury routes, subtypes; sources in REFERENCES.md)."""

import math

import numpy as np
import pytest
from scipy.optimize import curve_fit

from mgmodel import therapy as T
from mgmodel.disease import (
    MODULATION_MAX_FOLD,
    SlowCourse,
    modulation_fold,
    simulate_disease,
    simulate_junction,
)
from mgmodel.patients import MUSCLE_GROUPS, PATIENTS, Patient, get_patient

LN2 = math.log(2.0)
IMMUNE = (
    T.Prednisone(0), T.Immunosuppressant(0), T.Thymectomy(0), T.PlasmaExchange(0), T.IVIG(20),
    T.FcRnAntagonist(40), T.ComplementInhibitor(0), T.Rituximab(0),
)


def _turnover_experiment(patient, theta, days=60.0, dt=0.05):
    """Block synthesis at t=0 in a healthy endplate and follow receptor loss (a pulse-chase)."""
    n = int(round(days / dt))
    th = np.full((n + 1, 1), theta)
    j = simulate_junction(dt, th, patient=patient, synthesis=0.0, initial="healthy")
    return np.arange(n + 1) * dt, j.achr_fraction[:, 0]


def _biexp(t, a, k1, k2):
    return a * np.exp(-k1 * t) + (1.0 - a) * np.exp(-k2 * t)


# --------------------------------------------------------------------------- receptor turnover


def test_achr_two_pool_half_lives():
    """~80 % of junctional AChR with t1/2 8-13 d, ~20 % with t1/2 ~1 d (Stanley & Drachman 1983)."""
    t, y = _turnover_experiment(PATIENTS["achr_early_onset"], 0.0)
    (a, k1, k2), _ = curve_fit(_biexp, t, y, p0=(0.7, 0.1, 1.0))
    stable_share, slow, fast = (a, k1, k2) if k1 < k2 else (1 - a, k2, k1)
    assert 8.0 <= LN2 / slow <= 13.0
    assert 0.5 <= LN2 / fast <= 1.5
    assert stable_share == pytest.approx(0.8, abs=0.05)


def test_modulation_bivalent_2_to_3_fold_fab_1_fold():
    """Cross-linking IgG raises AChR degradation 2-3x; monovalent Fab ~1x (Kao & Drachman 1977)."""
    assert 2.0 <= modulation_fold(0.9, crosslinking=1.0) <= 3.0
    assert modulation_fold(0.9, crosslinking=0.0) == pytest.approx(1.0)
    assert MODULATION_MAX_FOLD <= 3.0
    # the same in a chase experiment: modulation only, no complement, no block
    mod_only = PATIENTS["achr_early_onset"].replace(w_complement=0.0, w_block=0.0, w_modulation=1.0)
    fab_like = mod_only.replace(subclasses=(("IgG4", 1.0),))  # monovalent
    t, y0 = _turnover_experiment(mod_only, 0.0)
    _, y_igg = _turnover_experiment(mod_only, 0.9)
    _, y_fab = _turnover_experiment(fab_like, 0.9)
    late = (t >= 10) & (t <= 30)
    rate = lambda y: -np.polyfit(t[late], np.log(y[late]), 1)[0]  # noqa: E731
    assert 2.0 <= rate(y_igg) / rate(y0) <= 3.0
    assert rate(y_fab) / rate(y0) == pytest.approx(1.0, abs=0.05)


# --------------------------------------------------------------------------- disease steady states


@pytest.mark.parametrize("name", ["achr_early_onset", "achr_late_onset", "thymoma"])
def test_achr_20_to_40_percent_in_moderate_severe_achr_mg(name):
    """AChR 20-40 % of normal with complement, untreated, after months (Fambrough 1973, soft)."""
    c = simulate_disease(name, 180)
    assert 0.20 <= c.achr_fraction[-1] <= 0.40
    assert c.achr_fraction[-1] == pytest.approx(c.achr_fraction[0], abs=1e-9)  # steady


def test_complement_removes_na_channels_with_the_folds():
    achr = simulate_disease("achr_early_onset", 120)
    musk = simulate_disease("musk", 120)
    assert achr.na_channel_fraction[0] < 0.85  # folds lost with their Na channels
    np.testing.assert_allclose(musk.na_channel_fraction, 1.0)  # IgG4: no complement, folds kept
    ci = simulate_disease("achr_early_onset", 120, (T.ComplementInhibitor(0),))
    assert ci.na_channel_fraction[-1] > 0.95  # folds regrow once lysis stops (slowly)
    assert ci.na_channel_fraction[7] < ci.na_channel_fraction[60]


def test_ach_site_block_is_a_fraction():
    c = simulate_disease("thymoma", 30)
    assert 0.0 < c.ach_site_block[0] < 0.5


def test_ocular_mg_spares_limbs():
    c = simulate_disease("ocular", 30)
    assert c.by_group["ocular"].achr_fraction[0] < 0.4
    assert c.by_group["limb"].achr_fraction[0] > 0.8
    np.testing.assert_array_equal(c.achr_fraction, c.by_group["limb"].achr_fraction)


# --------------------------------------------------------------------------- subtypes and therapies


def test_complement_inhibitor_does_nothing_in_musk():
    base = simulate_disease("musk", 365)
    ci = simulate_disease("musk", 365, (T.ComplementInhibitor(0),))
    for field in ("achr_fraction", "na_channel_fraction", "pathogenic_igg", "ache_activity"):
        np.testing.assert_allclose(getattr(ci, field), getattr(base, field), atol=1e-12)


def test_rituximab_lowers_musk_antibody_and_restores_achr():
    base = simulate_disease("musk", 365)
    rtx = simulate_disease("musk", 365, (T.Rituximab(0),))
    assert rtx.pathogenic_igg[180] < 0.3
    assert rtx.achr_fraction[180] - base.achr_fraction[180] > 0.2
    # AChR antibody leans on long-lived plasma cells: falls less
    achr = simulate_disease("achr_early_onset", 365, (T.Rituximab(0),))
    assert achr.pathogenic_igg[180] > rtx.pathogenic_igg[180] + 0.2


def test_complement_inhibitor_onset_within_a_week():
    base = simulate_disease("achr_early_onset", 90)
    ci = simulate_disease("achr_early_onset", 90, (T.ComplementInhibitor(0),))
    gain = ci.achr_fraction - base.achr_fraction
    assert gain[7] > 0.25 * gain[84] > 0


def test_thymectomy_helps_achr_not_musk():
    base = simulate_disease("achr_early_onset", 1095)
    thx = simulate_disease("achr_early_onset", 1095, (T.Thymectomy(0),))
    assert thx.pathogenic_igg[90] > 0.85  # slow: months
    assert thx.pathogenic_igg[365] < 0.85
    assert thx.pathogenic_igg[1095] < thx.pathogenic_igg[365]
    assert thx.achr_fraction[1095] > base.achr_fraction[1095] + 0.03
    m0 = simulate_disease("musk", 730)
    m1 = simulate_disease("musk", 730, (T.Thymectomy(0),))
    np.testing.assert_allclose(m1.achr_fraction, m0.achr_fraction, atol=1e-12)
    np.testing.assert_allclose(m1.pathogenic_igg, m0.pathogenic_igg, atol=1e-12)


def test_neonatal_mg_resolves_on_its_own():
    """Maternal antibody only: it is catabolised and the endplates recover over months.

    With the infant's own IgG low, FcRn is less saturated and maternal IgG1 lives longer (half-life
    ~40 d by mass; 48 d measured, Sarvas et al. 1993): pathogenic IgG falls to ~10 % of its birth
    level by day 90-105, and the receptors and folds return with their own half-lives behind it.
    The endplate does not need all its receptors back to transmit: the clinical target (weakness
    lasting weeks, <= 3 months, Papazian 1992) is judged on strength in tests/test_clinic.py; here
    the junction is clearly better within two months and keeps recovering.
    """
    c = simulate_disease("neonatal", 120)
    assert c.achr_fraction[0] < 0.5  # weak at birth
    np.testing.assert_array_equal(c.production, 0.0)
    assert c.achr_fraction[60] > c.achr_fraction[0] + 0.2
    assert c.pathogenic_igg[90] < 0.15 and c.pathogenic_igg[105] < 0.10
    assert c.achr_fraction[105] > 2.0 * c.achr_fraction[0]
    assert np.all(np.diff(c.pathogenic_igg) <= 0) and np.all(np.diff(c.achr_fraction[1:]) >= -1e-9)


def test_congenital_unaffected_by_immune_therapies():
    for name in ("congenital", "congenital_colq"):
        base = simulate_disease(name, 200)
        treated = simulate_disease(name, 200, IMMUNE)
        for field in ("achr_fraction", "na_channel_fraction", "ach_site_block", "ache_activity"):
            np.testing.assert_array_equal(getattr(treated, field), getattr(base, field))
        np.testing.assert_array_equal(base.pathogenic_igg, 0.0)


def test_pyridostigmine_helps_chrne_but_harms_colq():
    """CHRNE: AChE lowered into the therapeutic band; COLQ: pushed further below the block limit."""
    pyr = (T.Pyridostigmine(0),)
    chrne = simulate_disease("congenital", 10, pyr)
    colq = simulate_disease("congenital_colq", 10, pyr)
    limit = 1.0 - T.DEPOLARIZING_BLOCK_INHIBITION
    assert 0.5 <= chrne.ache_activity[5] <= 0.8
    assert chrne.ache_activity_min[5] > limit
    assert PATIENTS["congenital_colq"].baseline_ache_activity < limit
    assert colq.ache_activity[5] < PATIENTS["congenital_colq"].baseline_ache_activity


def test_musk_antibody_lowers_endplate_ache():
    c = simulate_disease("musk", 10)
    assert c.ache_activity[0] < 0.9


# --------------------------------------------------------------------------- ranges, seeds, speed-free checks


@pytest.mark.parametrize("name", sorted(PATIENTS))
def test_outputs_in_range(name):
    th = (T.PlasmaExchange(10), T.FcRnAntagonist(40), T.IVIG(100), T.Pyridostigmine(5),
          T.ComplementInhibitor(150), T.Rituximab(200), T.Prednisone(0))
    c = simulate_disease(name, 300, th)
    assert isinstance(c, SlowCourse)
    assert c.t_days.shape == (301,)
    for g in MUSCLE_GROUPS:
        s = c.by_group[g]
        assert np.all((s.achr_fraction > 0) & (s.achr_fraction <= 1.5))
        assert np.all((s.na_channel_fraction > 0) & (s.na_channel_fraction <= 1.0))
        assert np.all((s.ach_site_block >= 0) & (s.ach_site_block < 1.0))
        assert np.all((s.ache_activity > 0) & (s.ache_activity <= 1.0))
    for f in ("total_igg", "pathogenic_igg", "albumin", "production", "ache_activity_min"):
        assert np.all(np.isfinite(getattr(c, f)))
    assert len(c.therapy_intervals) == len(th)
    assert all(0 <= s < e <= 300 for _, s, e in c.therapy_intervals)


def test_results_are_read_only():
    c = simulate_disease("musk", 5)
    with pytest.raises(ValueError):
        c.achr_fraction[0] = 1.0


def test_deterministic_by_default_and_same_seed_same_result():
    a = simulate_disease("achr_early_onset", 200)
    b = simulate_disease("achr_early_onset", 200, rng=123)
    np.testing.assert_array_equal(a.achr_fraction, b.achr_fraction)  # no variability: rng unused
    x = simulate_disease("achr_early_onset", 200, rng=7, production_cv=0.2)
    y = simulate_disease("achr_early_onset", 200, rng=np.random.default_rng(7), production_cv=0.2)
    z = simulate_disease("achr_early_onset", 200, rng=8, production_cv=0.2)
    np.testing.assert_array_equal(x.pathogenic_igg, y.pathogenic_igg)
    np.testing.assert_array_equal(x.achr_fraction, y.achr_fraction)
    assert not np.allclose(x.pathogenic_igg, z.pathogenic_igg)
    assert not np.allclose(x.pathogenic_igg, a.pathogenic_igg)


def test_step_size_converges():
    th = (T.PlasmaExchange(10), T.FcRnAntagonist(60), T.IVIG(120))
    a = simulate_disease("achr_early_onset", 200, th, dt_days=1.0)
    b = simulate_disease("achr_early_onset", 200, th, dt_days=0.1)
    np.testing.assert_allclose(a.achr_fraction, b.achr_fraction, atol=0.02)
    np.testing.assert_allclose(a.total_igg, b.total_igg, rtol=0.03)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(days=-5), "days"),
        (dict(days=0), "days"),
        (dict(days=10.5), "days"),
        (dict(days=float("nan")), "days"),
        (dict(days="30"), "days"),
        (dict(dt_days=0.0), "dt_days"),
        (dict(dt_days=0.3), "dt_days"),
        (dict(dt_days=2.0), "dt_days"),
        (dict(dt_days=float("nan")), "dt_days"),
        (dict(rng="seed"), "rng"),
        (dict(rng=-1), "rng"),
        (dict(production_cv=-0.1), "production_cv"),
        (dict(production_cv=float("nan")), "production_cv"),
        (dict(therapies=("plex",)), "therapies"),
        (dict(therapies=5), "therapies"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, name):
    args = dict(patient="achr_early_onset", days=30)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        simulate_disease(**args)


@pytest.mark.parametrize("patient", ["achr", "", 3, None, ["musk"]])
def test_unknown_patient(patient):
    with pytest.raises(ValueError, match="patient"):
        simulate_disease(patient, 10)


def test_get_patient_passes_patients_through():
    p = PATIENTS["lrp4"]
    assert get_patient(p) is p
    assert get_patient("lrp4") is p


@pytest.mark.parametrize(
    "changes, name",
    [
        (dict(antibody="IgE"), "antibody"),
        (dict(antibody_load=-1.0), "antibody_load"),
        (dict(antibody_load=float("nan")), "antibody_load"),
        (dict(w_block=1.0), "w_block"),
        (dict(w_complement=1.5), "w_complement"),
        (dict(long_lived_fraction=-0.1), "long_lived_fraction"),
        (dict(subclasses=(("IgG5", 1.0),)), "subclass"),
        (dict(subclasses=(("IgG1", 0.5),)), "subclass"),
        (dict(muscle_susceptibility=(1.0, 1.0)), "muscle_susceptibility"),
        (dict(thymus="absent"), "thymus"),
        (dict(baseline_achr_fraction=0.0), "baseline_achr_fraction"),
        (dict(baseline_achr_fraction=2.0), "baseline_achr_fraction"),
        (dict(baseline_ache_activity=0.0), "baseline_ache_activity"),
        (dict(autoimmune="yes"), "autoimmune"),
        (dict(congenital_subtype="XYZ"), "congenital_subtype"),
        (dict(subclasses=5), "subclasses"),
        (dict(muscle_susceptibility=2.0), "muscle_susceptibility"),
        (dict(no_such_field=1), "no_such_field"),
    ],
)
def test_bad_patient_fields(changes, name):
    with pytest.raises(ValueError, match=name):
        PATIENTS["achr_early_onset"].replace(**changes)


def test_patient_table_and_archetype_keys():
    required = {"achr_early_onset", "achr_late_onset", "thymoma", "musk", "lrp4", "seronegative",
                "ocular", "neonatal", "congenital"}
    assert required <= set(PATIENTS)
    assert "antibody_load" in PATIENTS["musk"].table()
    assert isinstance(PATIENTS["congenital"], Patient)
    assert not PATIENTS["congenital"].autoimmune and PATIENTS["congenital"].antibody == "genetic"
    assert PATIENTS["neonatal"].antibody == "maternal" and PATIENTS["neonatal"].production_rel == 0.0


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: modulation_fold(1.2), "occupancy"),
        (lambda: modulation_fold(0.5, crosslinking=2.0), "crosslinking"),
        (lambda: simulate_junction(1.0, np.full((5, 1), 1.0), patient=PATIENTS["musk"]), "theta"),
        (lambda: simulate_junction(1.0, np.full((5, 1), 0.5), patient="musk"), "patient"),
        (lambda: simulate_junction(-1.0, np.full((5, 1), 0.5), patient=PATIENTS["musk"]), "dt_days"),
        (lambda: simulate_junction(1.0, np.full((5, 1), 0.5), patient=PATIENTS["musk"], initial="x"), "initial"),
        (lambda: simulate_junction(1.0, np.full((5, 1), 0.5), patient=PATIENTS["musk"],
                                   complement_block=np.ones(3)), "complement_block"),
    ],
)
def test_bad_junction_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
