"""IgG and albumin kinetics with FcRn (sources in REFERENCES.md: Morell1970, Roopenian2003, ...), and antibody mixtures."""

import math

import numpy as np
import pytest

from mgmodel import antibody as ab
from mgmodel import mg_endplate, safety_factor
from mgmodel.antibody_mixtures import ACHR_SUBUNIT_COPIES, mixture_effect, simulate_mixture
from mgmodel.patients import PATIENTS


def _fitted_half_life(y, t):
    slope = np.polyfit(t, np.log(y), 1)[0]
    return -math.log(2.0) / slope


def _tracer(n_days, igg3_fraction=0.0, dt=1.0, **kw):
    """A labelled IgG dose at steady state: pathogenic pool with production switched off."""
    n = int(round(n_days / dt))
    return ab.simulate_antibodies(n, dt, pathogenic_production=np.zeros(n + 1), pathogenic_initial=1.0,
                                  igg3_fraction=igg3_fraction, **kw)


def test_igg_half_life_18_to_25_days():
    """Total IgG (IgG1/2/4) half-life 18-25 d (Morell et al. 1970)."""
    c = _tracer(150)
    t = c.t_days[20:120]
    half = _fitted_half_life(c.pathogenic_igg[20:120], t)
    assert 18.0 <= half <= 25.0
    assert ab.half_life_at_igg_days() == pytest.approx(ab.IGG_HALF_LIFE_DAYS, rel=1e-9)


def test_igg3_half_life_7_to_8_days():
    c = _tracer(80, igg3_fraction=1.0)
    half = _fitted_half_life(c.pathogenic_igg[10:60], c.t_days[10:60])
    assert 7.0 <= half <= 8.0


def test_albumin_half_life_19_to_21_days():
    assert 19.0 <= ab.ALBUMIN_RATES.terminal_half_life_days() <= 21.0


def test_much_shorter_without_fcrn():
    """FcRn-null: IgG and albumin half-lives collapse to a few days (Roopenian 2003)."""
    ko = ab.half_life_at_igg_days(fcrn_fraction=0.0)
    assert ko < ab.IGG_HALF_LIFE_DAYS / 3.0
    alb_ko = ab.ALBUMIN_RATES.terminal_half_life_days(ab.ALBUMIN_RATES.k_up)
    assert alb_ko < ab.ALBUMIN_HALF_LIFE_DAYS / 3.0
    c = _tracer(60, fcrn_fraction=0.0)
    assert c.albumin[-1] < 0.5  # albumin falls too when FcRn is absent
    assert c.pathogenic_igg[30] < 0.01


def test_fcrn_saturation_direction():
    """High IgG shortens IgG survival, low IgG prolongs it (Waldmann & Strober 1969)."""
    high = ab.half_life_at_igg_days(3.0)
    low = ab.half_life_at_igg_days(0.3)
    assert high < 0.7 * ab.IGG_HALF_LIFE_DAYS
    assert low > 1.3 * ab.IGG_HALF_LIFE_DAYS


def test_extravascular_share_55_to_60_percent():
    assert 0.55 <= 1.0 - ab.IGG_INTRAVASCULAR_FRACTION <= 0.60


def test_steady_state_is_steady():
    n = 400
    c = ab.simulate_antibodies(n, 1.0, pathogenic_production=np.ones(n + 1), igg3_fraction=0.3,
                               subclass_potency=(0.8, 1.0))
    for arr in (c.total_igg, c.pathogenic_igg, c.pathogenic_tissue, c.albumin):
        np.testing.assert_allclose(arr, 1.0, atol=1e-9)


def test_one_plasma_volume_removes_63_percent_of_plasma_igg():
    dt = 0.01
    n = 100
    rem = np.ones(n + 1)
    rem[0] = math.exp(-1.0)
    c = ab.simulate_antibodies(n, dt, pathogenic_production=np.ones(n + 1), plex_remaining=rem)
    removed = 1.0 - c.total_igg[1]  # 15 minutes after the session
    assert 0.60 <= removed <= 0.66
    assert c.albumin[1] == pytest.approx(1.0, abs=1e-9)  # replaced by 5 % albumin


def test_subclasses_set_effector_functions():
    """AChR IgG1/IgG3 fix complement; MuSK IgG4 does not and cannot cross-link; LRP4 IgG1/IgG2."""
    achr = PATIENTS["achr_early_onset"]
    musk = PATIENTS["musk"]
    lrp4 = PATIENTS["lrp4"]
    assert {n for n, _ in achr.subclasses} == {"IgG1", "IgG3"}
    assert min(achr.complement_potency) > 0.5 and achr.crosslinking == 1.0
    assert {n for n, _ in musk.subclasses} == {"IgG4"}
    assert musk.complement_potency == (0.0, 0.0) and musk.crosslinking == 0.0
    assert {n for n, _ in lrp4.subclasses} == {"IgG1", "IgG2"}
    assert lrp4.complement_potency[0] > 0.0
    assert ab.SUBCLASSES["IgG3"].half_life_days < ab.SUBCLASSES["IgG1"].half_life_days


def test_plasma_cell_output_rituximab_leaves_long_lived_cells():
    n = 200
    b = np.ones(n + 1)
    b[10:] = 0.02
    out = ab.plasma_cell_output(np.ones(n + 1), b, long_lived_fraction=0.6, dt_days=1.0)
    assert out[0] == pytest.approx(1.0)
    assert out[5] == pytest.approx(1.0)
    # short-lived share gone within weeks, long-lived share fades only slowly
    assert 0.5 < out[60] < 0.62
    assert out[200] > 0.45


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ab.half_life_at_igg_days(igg_rel=0.0), "igg_rel"),
        (lambda: ab.half_life_at_igg_days(occupancy=1.5), "occupancy"),
        (lambda: ab.fcrn_rescue(ab.IGG_RATES, 1.0, 0.0, fcrn_fraction=float("nan")), "fcrn_fraction"),
        (lambda: ab.fcrn_rescue("IgG1", 1.0), "rates"),
        (lambda: ab.simulate_antibodies(-3, 1.0, pathogenic_production=0.0), "n_steps"),
        (lambda: ab.simulate_antibodies(10, 0.0, pathogenic_production=0.0), "dt_days"),
        (lambda: ab.simulate_antibodies(10, 1.0, pathogenic_production=np.ones(5)), "pathogenic_production"),
        (lambda: ab.simulate_antibodies(10, 1.0, pathogenic_production=1.0, fcrn_occupancy=2.0), "fcrn_occupancy"),
        (lambda: ab.simulate_antibodies(10, 1.0, pathogenic_production=1.0, plex_remaining=-1.0), "plex_remaining"),
        (lambda: ab.simulate_antibodies(10, 1.0, pathogenic_production=[np.nan] * 11), "pathogenic_production"),
        (lambda: ab.plasma_cell_output([1.0, 1.0], [1.0, 1.0], 1.5, 1.0), "long_lived_fraction"),
        (lambda: ab.plasma_cell_output([1.0, 1.0], [1.0, 2.0], 0.5, 1.0), "b_cells"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- antibody mixtures: one clone, two clones, a polyclonal serum ------------------------------


POLYCLONAL = tuple(ACHR_SUBUNIT_COPIES)


def test_one_clone_acts_by_several_mechanisms():
    # Pham et al. 2023: a single clone can block, modulate and activate complement
    e = mixture_effect({"alpha": 0.8})
    assert e.complement_activation > 0.1 and e.modulation_fold > 1.5


def test_clones_to_different_subunits_act_in_synergy_on_complement():
    # Rose et al. 2022: combinations of antibodies to disparate subunits activate complement far
    # more than the antibodies alone
    for th in (0.3, 0.5, 0.8):
        alone = mixture_effect({"alpha": th}).complement_activation + mixture_effect({"beta": th}).complement_activation
        together = mixture_effect({"alpha": th, "beta": th}).complement_activation
        assert together > 1.5 * alone


def test_polyclonal_serum_is_most_destructive():
    one, two, poly = (simulate_mixture(s, 120) for s in (("alpha",), ("alpha", "beta"), POLYCLONAL))
    for key in ("complement_activation", "modulation_fold", "cluster_size"):
        assert getattr(one[0], key) < getattr(two[0], key) < getattr(poly[0], key) or \
            (key == "cluster_size" and getattr(poly[0], key) == math.inf)
    sf = [safety_factor(mg_endplate(float(j.achr_fraction[-1, 0] * (1 - j.ach_site_block[-1, 0])),
                                    float(j.na_channel_fraction[-1, 0]))) for _, j in (one, two, poly)]
    assert sf[0] > sf[1] > sf[2]
    healthy = safety_factor(mg_endplate(1.0, 1.0))
    assert healthy - sf[2] > 1.5 * (healthy - sf[0])   # the serum costs far more margin than one clone


def test_lattice_needs_three_bridgeable_sites():
    assert mixture_effect({"beta": 1.0}).cluster_size <= 2.0             # pairs at most
    assert math.isfinite(mixture_effect({"alpha": 1.0}).cluster_size)    # chains, p = 0.5 < 1
    assert mixture_effect({s: 1.0 for s in POLYCLONAL}).cluster_size == math.inf


def test_one_igg_does_not_activate_c1q_and_igg4_does_not_modulate():
    assert mixture_effect({"beta": 0.01}).complement_activation < 1e-3
    assert mixture_effect({s: 0.8 for s in POLYCLONAL}, crosslinking=0.0).modulation_fold == 1.0


def test_mixture_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="subunit"):
        mixture_effect({"gamma_prime": 0.5})
    with pytest.raises(ValueError, match="occupancy"):
        mixture_effect({"alpha": 1.5})
    with pytest.raises(ValueError, match="subunits"):
        simulate_mixture("alpha")
