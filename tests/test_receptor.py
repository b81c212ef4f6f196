"""Receptor binding at equilibrium: dose-response and binding/gating (Colquhoun & Ogden 1988; Dilger &
Brett 1990; Colquhoun & Sakmann 1985; Akk & Auerbach 1999); see docs/validation.md."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from mgmodel import HUMAN, antibody_occupancy, ec50_uM, hill_slope, open_probability


def test_dose_response_matches_colquhoun_ogden_1988():
    # EC50 10-30 µM, Hill 1.5-2.0, P_max >= 0.85 (Colquhoun & Ogden 1988; Dilger & Brett 1990)
    assert 10.0 <= ec50_uM() <= 30.0
    assert 1.5 <= hill_slope() <= 2.0
    assert open_probability(1e6) >= 0.85
    # the closed forms agree with the curve itself
    assert open_probability(ec50_uM()) == pytest.approx(0.5 * open_probability(1e9), rel=1e-4)
    x = ec50_uM() * np.exp([-1e-4, 1e-4])
    p = open_probability(x)
    pmax = open_probability(1e12)
    slope = np.diff(np.log(p / (pmax - p))) / np.diff(np.log(x))
    assert slope[0] == pytest.approx(hill_slope(), rel=1e-3)


def test_binding_and_gating_constants_in_literature_range():
    ep = HUMAN
    assert 30 <= ep.kd_site_uM <= 160
    assert 10 <= ep.beta_per_ms <= 60        # 1-6e4 s^-1
    assert 1 <= ep.alpha_per_ms <= 2         # 1-2e3 s^-1
    assert 40 <= ep.conductance_pS <= 60
    assert abs(ep.e_rev_mV) <= 5


def test_competitive_block_shifts_curve_right_without_lowering_maximum():
    ach = np.geomspace(0.1, 1e5, 200)
    free = open_probability(ach)
    blocked = open_probability(ach, antagonist_uM=1.0, antagonist_kd_uM=0.2)
    assert np.all(blocked <= free + 1e-15)
    assert blocked[-1] == pytest.approx(free[-1], rel=1e-2)
    # the shift is the Schild ratio 1 + [B]/K_B
    assert ec50_uM(antagonist_uM=1.0, antagonist_kd_uM=0.2) == pytest.approx(6.0 * ec50_uM())


def test_antibody_occupancy_law_of_mass_action():
    assert antibody_occupancy(1.0, 1.0) == pytest.approx(0.5)
    assert antibody_occupancy(0.0, 1.0) == 0.0
    assert antibody_occupancy(99.0, 1.0) == pytest.approx(0.99)


@given(st.floats(0, 1e7, allow_nan=False), st.floats(0, 1e4, allow_nan=False))
def test_open_probability_is_a_probability(ach, block):
    p = open_probability(ach, antagonist_uM=block)
    assert np.isfinite(p) and 0.0 <= p < 1.0


@given(st.floats(0, 1e6), st.floats(1e-6, 1e6))
def test_occupancy_in_unit_interval(titer, kd):
    occ = antibody_occupancy(titer, kd)
    assert 0.0 <= occ < 1.0 or (occ == 1.0 and titer / kd > 1e15)


@pytest.mark.parametrize("kwargs, name", [
    (dict(ach_uM=-1.0), "ach_uM"),
    (dict(ach_uM=float("nan")), "ach_uM"),
    (dict(ach_uM="ten"), "ach_uM"),
    (dict(ach_uM=1.0, antagonist_uM=-2.0), "antagonist_uM"),
    (dict(ach_uM=1.0, antagonist_kd_uM=0.0), "antagonist_kd_uM"),
])
def test_open_probability_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        open_probability(**kwargs)


def test_occupancy_rejects_bad_input():
    with pytest.raises(ValueError, match=r"kd_nM.*\(0, inf\)"):
        antibody_occupancy(1.0, 0.0)
    with pytest.raises(ValueError, match="titer_nM"):
        antibody_occupancy(float("inf"), 1.0)
    with pytest.raises(ValueError, match="endplate"):
        open_probability(1.0, endplate="human")
