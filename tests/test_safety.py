"""Threshold and safety factor (Wood & Slater 2001; Paton & Waud 1967; Ruff & Lennon 2008); see
docs/validation.md."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq

from mgmodel import HUMAN, RODENT, martin_correction, safety_factor, threshold_gap_mV, threshold_mV


def test_healthy_human_safety_factor():
    assert 2.0 <= safety_factor(HUMAN) <= 5.0          # Wood & Slater 2001 (soft); Slater 2017


def test_healthy_rodent_safety_factor():
    assert 3.0 <= safety_factor(RODENT) <= 5.0         # Wood & Slater 1997 (soft)


def test_corrected_safety_factor_is_larger():
    raw, corr = safety_factor(HUMAN), safety_factor(HUMAN, corrected=True)
    assert corr > raw
    assert martin_correction(0.0) == 0.0


def _pharmacological_sf(base):
    """Paton & Waud's measure: 1 / (fraction of receptors left when transmission just fails)."""
    block = brentq(lambda b: safety_factor(base.replace(ach_site_block=b)) - 1.0, 0.0, 0.999)
    return 1.0 / (1.0 - block)


def test_pharmacological_safety_factor_rodent_in_cat_range():
    # cat: 4.1-12 (Paton & Waud 1967); the high-quantal-content RODENT preset is the closer
    # analogue; the human endplate, with its lower margin, needs less block.
    assert 4.1 <= _pharmacological_sf(RODENT) <= 12.0
    assert _pharmacological_sf(HUMAN) < _pharmacological_sf(RODENT)


def test_mg_lowers_sf_through_epp_and_through_threshold():
    """Ruff & Lennon 2008: AChR loss shrinks the EPP, Na-channel loss raises the threshold."""
    healthy = safety_factor(HUMAN)
    receptor_loss = safety_factor(HUMAN.replace(achr_fraction=0.5))
    fold_loss = HUMAN.replace(na_channel_fraction=0.5)
    assert receptor_loss < healthy
    assert threshold_mV(fold_loss) > threshold_mV(HUMAN) + 2.0
    assert safety_factor(fold_loss) < healthy
    both = safety_factor(HUMAN.replace(achr_fraction=0.5, na_channel_fraction=0.5))
    assert both < min(receptor_loss, safety_factor(fold_loss))


def test_threshold_rises_monotonically_as_na_channels_are_lost():
    f = np.linspace(1.0, 0.01, 50)
    gaps = threshold_gap_mV(f)
    assert gaps[0] == pytest.approx(HUMAN.threshold_gap_mV)
    assert np.all(np.diff(gaps) > 0)
    assert np.isinf(threshold_gap_mV(1e-12))
    assert safety_factor(HUMAN.replace(na_channel_fraction=1e-12)) == 0.0


def test_curare_fails_transmission():
    assert safety_factor(HUMAN.replace(ach_site_block=0.9)) < 1.0


@settings(max_examples=20, deadline=None)
@given(achr=st.floats(1e-3, 1.5), na=st.floats(1e-3, 1.0), quanta=st.floats(0, 200))
def test_safety_factor_finite_and_non_negative(achr, na, quanta):
    sf = safety_factor(HUMAN.replace(achr_fraction=achr, na_channel_fraction=na), quanta)
    assert np.isfinite(sf) and sf >= 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="na_channel_fraction"):
        threshold_gap_mV(0.0)
    with pytest.raises(ValueError, match="corrected"):
        safety_factor(HUMAN, corrected="yes")
    with pytest.raises(ValueError, match="epp_mV"):
        martin_correction(200.0)
    with pytest.raises(ValueError, match="endplate"):
        threshold_mV("human")


@settings(max_examples=50, deadline=None)
@given(na=st.floats(1e-12, 1.0))
def test_threshold_is_finite_or_inf_never_nan(na):
    gap = float(threshold_gap_mV(na))
    assert not np.isnan(gap) and gap >= HUMAN.threshold_gap_mV - 1e-9
    assert threshold_mV(HUMAN.replace(na_channel_fraction=na)) == pytest.approx(HUMAN.v_rest_mV + gap)


@settings(max_examples=50, deadline=None)
@given(v=st.floats(0.0, 79.9))
def test_martin_correction_is_monotonic_and_at_least_the_raw_epp(v):
    corrected = float(martin_correction(v))
    assert np.isfinite(corrected) and corrected >= v
    assert float(martin_correction(v + 0.05)) > corrected


def test_median_human_endplate_fails_at_the_paton_waud_occupancy():
    """Paton & Waud 1967: the twitch begins to fall when curare occupies 0.76 ± 0.05 of the
    receptors (the most sensitive fibres fail there) and is abolished at 0.917 (the most resistant
    fail). The median endplate therefore fails between the two (the population's 5 % and 95 %
    points are checked in tests/test_population.py)."""
    block = brentq(lambda b: safety_factor(HUMAN.replace(ach_site_block=b)) - 1.0, 0.0, 0.999)
    assert 0.76 <= block <= 0.917


def test_martin_correction_uses_mclachlan_martin_factor():
    """McLachlan & Martin 1981: v' = v / (1 - 0.8 v / (E_rev - V_rest))."""
    drive = HUMAN.e_rev_mV - HUMAN.v_rest_mV
    assert float(martin_correction(20.0)) == pytest.approx(20.0 / (1 - 0.8 * 20.0 / drive))


def test_threshold_is_lost_when_most_na_channels_are_gone():
    """Saturating activation: with too few Na channels (or most inactivated) the endplate is
    inexcitable - the basis of depolarizing block."""
    assert np.isinf(threshold_gap_mV(0.003))
    assert np.isfinite(threshold_gap_mV(0.05))
