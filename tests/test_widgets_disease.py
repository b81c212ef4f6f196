"""Panels of lessons 06-07: set values, check that the result and the figure follow, and that the
numbers shown are those of the model called directly."""
import numpy as np
import pytest

from mgmodel import PATIENTS, simulate_course, simulate_disease, therapy, widgets
from mgmodel.clinic import adl_item_score
from mgmodel.widgets import disease as D


# ------------------------------------------------------------------------------------------------
# lesson 06: injury panel
# ------------------------------------------------------------------------------------------------
def test_injury_panel_defaults_are_the_early_onset_patient():
    panel = widgets.injury_panel()
    r = panel.result
    ref = simulate_course(PATIENTS["achr_early_onset"], 1)
    slow = simulate_disease(PATIENTS["achr_early_onset"], 1)
    assert r["steady_safety_factor"] == pytest.approx(ref.safety_factor["limb"][0], rel=1e-9)
    assert r["mg_adl"] == ref.mg_adl[0]
    assert r["steady_achr_fraction"] == pytest.approx(slow.achr_fraction[0], rel=1e-9)
    assert r["steady_na_channel_fraction"] == pytest.approx(slow.na_channel_fraction[0], rel=1e-9)
    assert r["steady_block"] == pytest.approx(slow.ach_site_block[0], rel=1e-9)
    # the onset starts healthy and settles at the untreated steady state
    assert r["achr_fraction"][0] == pytest.approx(1.0)
    assert r["na_channel_fraction"][0] == pytest.approx(1.0)
    assert r["achr_fraction"][-1] == pytest.approx(slow.achr_fraction[0], rel=1e-3)
    # the safety factor along the onset is the one simulate_course reports for the same state
    assert r["safety_factor"][-1] == pytest.approx(ref.safety_factor["limb"][0], rel=2e-3)
    # on day 0 the receptors and folds are all there; only the ACh sites that blocking antibodies
    # take at once are lost (blockade needs no turnover), so the safety factor is below healthy by
    # the blockade alone
    block0 = 1.0 - r["free_achr_fraction"][0] / r["achr_fraction"][0]
    assert block0 == pytest.approx(PATIENTS["achr_early_onset"].w_block * r["occupancy"], rel=0.05)
    assert r["safety_factor"][0] == pytest.approx(float(D.limb_safety_factor(1.0, 1.0, block0)), rel=1e-9)
    assert r["safety_factor"][0] < r["healthy_safety_factor"]
    assert f"{ref.safety_factor['limb'][0]:.2f}" in panel.readout.value
    assert f"MG-ADL {ref.mg_adl[0]} / 24" in panel.readout.value
    # without blocking antibodies day 0 is a healthy endplate
    assert panel.update(w_block=0.0)["safety_factor"][0] == pytest.approx(r["healthy_safety_factor"], rel=0.05)


def test_injury_routes_alone_and_together():
    panel = widgets.injury_panel()
    r = panel.result
    alone = r["lost_alone"]
    assert alone["clustering"] == pytest.approx(0.0, abs=1e-12)       # weight 0 by default
    assert r["lost_together"] > max(alone.values())                   # routes add up in parallel
    # blockade alone is the blocked share: receptors stay, only ACh sites are taken
    theta = r["occupancy"]
    assert alone["blockade"] == pytest.approx(PATIENTS["achr_early_onset"].w_block * theta, rel=1e-9)
    # no complement, no fold loss
    r0 = panel.update(w_complement=0.0)
    assert np.allclose(r0["na_channel_fraction"], 1.0)
    assert r0["steady_safety_factor"] > r["steady_safety_factor"]
    assert r0["mg_adl"] < r["mg_adl"]


def test_injury_igg4_neither_modulates_nor_fixes_complement():
    panel = widgets.injury_panel()
    png_before = panel.png()
    r = panel.update(subclass="IgG4")
    assert panel.png() != png_before
    assert r["lost_alone"]["modulation"] == pytest.approx(0.0, abs=1e-9)
    assert r["lost_alone"]["complement"] == pytest.approx(0.0, abs=1e-9)
    assert np.allclose(r["na_channel_fraction"], 1.0)
    # a MuSK-type antibody: clustering loss without complement
    r = panel.update(w_block=0.0, w_clustering=0.85, antibody_load=2.0)
    assert r["lost_alone"]["clustering"] > 0.5
    assert np.allclose(r["na_channel_fraction"], 1.0)
    assert r["steady_achr_fraction"] < 0.5


def test_injury_more_antibody_more_damage():
    panel = widgets.injury_panel()
    lo = panel.update(antibody_load=0.2)["lost_together"]
    hi = panel.update(antibody_load=2.0)["lost_together"]
    assert hi > lo


# ------------------------------------------------------------------------------------------------
# lesson 07
# ------------------------------------------------------------------------------------------------
def test_thymus_panel_matches_the_model_and_spares_musk():
    panel = widgets.thymus_panel()
    r = panel.update(surgery_day=60.0)
    ref = simulate_course("achr_early_onset", D.THYMUS_DAYS, [therapy.Thymectomy(start_day=60.0)])
    np.testing.assert_allclose(r["with_"].mg_adl, ref.mg_adl)
    np.testing.assert_allclose(r["with_"].pathogenic_igg, ref.pathogenic_igg)
    assert r["mean_adl_with"] < r["mean_adl_without"]
    assert f"{ref.mg_adl.mean():.1f} with thymectomy" in panel.readout.value
    # earlier surgery, more benefit
    early = panel.update(surgery_day=0.0)["mean_adl_with"]
    late = panel.update(surgery_day=360.0)["mean_adl_with"]
    assert early < late
    png = panel.png()
    r = panel.update(patient="musk")
    assert panel.png() != png
    np.testing.assert_array_equal(r["with_"].mg_adl, r["without"].mg_adl)
    assert r["mean_adl_with"] == r["mean_adl_without"]


def test_trigger_panel_delays_and_directions():
    panel = widgets.trigger_panel()
    # a moderate patient (load 3: MG-ADL ~5) whose antibody production doubles
    r = panel.update(antibody_load=3.0, production=2.0)
    ref = simulate_course(PATIENTS["achr_early_onset"].replace(antibody_load=3.0, production_rel=2.0),
                          D.TRIGGER_DAYS)
    c = r["course"]
    np.testing.assert_allclose(c.mg_adl, ref.mg_adl)
    assert c.pathogenic_igg[-1] == pytest.approx(2.0, rel=0.05)
    assert c.mg_adl[-1] > c.mg_adl[0]
    # the antibody leads, the receptors follow: half-way days in that order
    assert 0 < r["antibody_half_day"] < r["achr_half_day"]
    assert r["adl_first_change_day"] > 0
    # a trigger going away: less antibody, better
    r = panel.update(production=0.5)
    assert r["course"].mg_adl[-1] < r["course"].mg_adl[0]
    # no change at all
    r = panel.update(production=1.0)
    assert r["antibody_half_day"] is None and r["adl_first_change_day"] is None
    assert "no change" in panel.readout.value


def test_neonatal_panel_resolves_and_matches_the_model():
    panel = widgets.neonatal_panel()
    r = panel.result
    ref = simulate_course("neonatal", D.NEONATAL_DAYS)
    c = r["course"]
    np.testing.assert_allclose(c.pathogenic_igg, ref.pathogenic_igg)
    np.testing.assert_allclose(c.strength["respiratory"], ref.strength["respiratory"])
    assert np.all(np.diff(c.pathogenic_igg) < 0)                 # the baby makes none
    half = float(ref.t_days[np.argmax(ref.pathogenic_igg <= 0.5)])
    assert r["antibody_half_day"] == half
    assert f"halved by day {half:.0f}" in panel.readout.value
    # a baby whose breathing is affected at birth (more maternal antibody than the archetype's):
    # breathing is back to normal for daily use from the day the model says
    load = 2.0
    r = panel.update(antibody_load=load)
    ref = simulate_course(PATIENTS["neonatal"].replace(antibody_load=load), D.NEONATAL_DAYS)
    np.testing.assert_allclose(r["course"].strength["respiratory"], ref.strength["respiratory"])
    ok = adl_item_score(1.0 - ref.strength["respiratory"]) == 0
    day = r["normal_from"]["respiratory"]
    assert day is not None and day > 0 and ok[int(day):].all() and not ok[int(day) - 1]
    # more maternal antibody: weaker at birth, later recovery
    r_hi = panel.update(antibody_load=3.0)
    assert r_hi["course"].strength["respiratory"][0] < r["course"].strength["respiratory"][0]
    assert r_hi["normal_from"]["respiratory"] > day
    # little antibody: breathing normal from birth
    r_lo = panel.update(antibody_load=0.05)
    assert r_lo["normal_from"]["respiratory"] == 0.0


def test_neonatal_igg3_clears_faster():
    panel = widgets.neonatal_panel()
    slow = panel.update(igg3_share=0.0)["course"].pathogenic_igg
    fast = panel.update(igg3_share=0.6)["course"].pathogenic_igg
    assert fast[30] < slow[30]


def test_congenital_panel_pyridostigmine_helps_chrne_harms_colq_immune_does_nothing():
    panel = widgets.congenital_panel()
    r = panel.update(syndrome="congenital", pyridostigmine_mg=60.0)
    ref = simulate_course("congenital", D.CONGENITAL_DAYS, [therapy.Pyridostigmine(0.0, 60.0)])
    day = D.CONGENITAL_READ_DAY
    assert r["strength_treated"]["limb"] == pytest.approx(float(ref.strength["limb"][day]))
    assert r["strength_treated"]["limb"] > r["strength_untreated"]["limb"]
    assert r["ache_treated"][1] < r["ache_untreated"][1]
    png = panel.png()
    r = panel.update(syndrome="congenital_colq")
    assert panel.png() != png
    assert r["strength_treated"]["limb"] < r["strength_untreated"]["limb"]
    for syndrome in ("congenital", "congenital_colq"):
        for immune in ("prednisone", "plex", "fcrn"):
            r = panel.update(syndrome=syndrome, pyridostigmine_mg=0.0, immune=immune)
            assert r["strength_treated"] == r["strength_untreated"], (syndrome, immune)
            assert r["adl_treated"] == r["adl_untreated"]


def test_disease_panels_are_registered_and_render_headless(monkeypatch):
    shown = []
    import IPython.display
    monkeypatch.setenv("MGMODEL_HEADLESS", "1")
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    for name in ("injury_panel", "thymus_panel", "trigger_panel", "neonatal_panel", "congenital_panel"):
        assert name in widgets.PANELS
        panel = widgets.PANELS[name]()
        assert panel.png()[:8] == b"\x89PNG\r\n\x1a\n"
        panel._ipython_display_()
    kinds = {type(o).__name__ for o in shown}
    assert "Image" in kinds and "VBox" not in kinds


def test_blitted_figure_equals_a_full_redraw():
    """The panels redraw only their data artists; the result must match a full draw."""
    panel = widgets.injury_panel()
    panel.update(antibody_load=1.5, w_complement=0.4)
    fast = panel.png()
    panel._background_key = None          # force a full draw of the background
    assert panel.png() == fast
