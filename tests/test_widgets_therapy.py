"""Panels of lessons 08-09: dropdowns, buttons and numbers that tests/test_widgets.py does not drive.

tests/test_widgets.py moves every slider of every panel; here the dropdowns and buttons are used,
the numbers shown are checked against the model called directly, and the clinic is played through
(tests, run, reveal, new patient).
"""
import io

import numpy as np
import PIL.Image
import pytest

import mgmodel
from mgmodel import simulate_course, simulate_disease, therapy as T, widgets
from mgmodel.cases import N_FIBRES_EDX, endplate_at_first_visit, get_case
from mgmodel.widgets import therapy as W


def _pixels(png):
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


# ------------------------------------------------------------------------------------------
# therapy_panel
# ------------------------------------------------------------------------------------------
def test_therapy_panel_patient_dropdown_changes_figure_and_numbers():
    panel = widgets.therapy_panel()
    seen = {panel.png()}
    text = {panel.readout.value}
    for _label, name in W.ARCHETYPE_CHOICES[1:]:
        panel.controls["patient"].value = name          # as a learner picks from the list
        assert panel.result["patient"] == name
        seen.add(panel.png())
        text.add(panel.readout.value)
    assert len(seen) == len(W.ARCHETYPE_CHOICES)
    assert len(text) == len(W.ARCHETYPE_CHOICES)


def test_therapy_panel_numbers_match_simulate_course():
    panel = widgets.therapy_panel()
    r = panel.update(patient="thymoma", plasma_exchange_day=100, complement_day=100, readout_day=200)
    ref = simulate_course("thymoma", W.HORIZON_DAYS, [T.PlasmaExchange(start_day=100),
                                                       T.ComplementInhibitor(start_day=100)])
    assert np.array_equal(r["course"].mg_adl, ref.mg_adl)
    assert f"MG-ADL on day 200: {ref.mg_adl[200]}</b>" in panel.readout.value
    assert f"crisis days: <b>{int(ref.crisis.sum())}</b>" in panel.readout.value
    assert f"(untreated {int(r['untreated'].crisis.sum())})" in panel.readout.value
    # crisis is an event with a trigger, not a state: untreated, without an infection, the severe
    # thymoma patient is not in crisis (tests/test_clinic.py tips them over with one)
    assert not r["untreated"].crisis.any()
    assert ref.mg_adl[200] < ref.mg_adl[50] and ref.mg_adl[200] < r["untreated"].mg_adl[200]   # rescue helps
    assert "plasma exchange from day 100" in panel.readout.value


def test_therapy_panel_readout_day_does_not_simulate_again():
    panel = widgets.therapy_panel(prednisone_day=30)
    course = panel.result["course"]
    before = panel.png()
    panel.update(readout_day=300)
    assert panel.result["course"] is course          # cached: only the marker moves
    assert panel.png() != before


def test_therapy_panel_not_given_is_the_right_end():
    panel = widgets.therapy_panel()
    untreated = panel.result["course"].mg_adl.copy()
    panel.update(rituximab_day=W.NOT_GIVEN)
    assert np.array_equal(panel.result["course"].mg_adl, untreated)
    assert "no treatment" in panel.readout.value


def test_complement_inhibitor_helps_achr_not_musk_in_the_panel():
    panel = widgets.therapy_panel()
    achr = panel.update(patient="achr_early_onset", complement_day=30)
    assert achr["course"].mg_adl[200] < achr["untreated"].mg_adl[200]
    musk = panel.update(patient="musk")
    assert np.array_equal(musk["course"].mg_adl, musk["untreated"].mg_adl)


def test_blitted_figure_matches_a_full_draw():
    panel = widgets.therapy_panel(fcrn_day=20, prednisone_day=60)
    fast = _pixels(panel.png())
    for a in panel._moving_artists():
        if a is not None:
            a.set_animated(False)
    panel._canvas.draw()                                   # everything, in the usual order
    full = np.asarray(panel._canvas.buffer_rgba())[..., :3]
    assert fast.shape == full.shape
    assert np.mean(np.any(fast != full, axis=2)) < 0.005      # only drawing order differs


# ------------------------------------------------------------------------------------------
# pyridostigmine_panel
# ------------------------------------------------------------------------------------------
def test_pyridostigmine_panel_matches_the_drug_model_and_calibration():
    panel = widgets.pyridostigmine_panel()
    r = panel.result
    ref = T.Pyridostigmine(dose_mg=60.0, interval_h=4.0).ache_activity(r["t_h"])
    assert np.allclose(r["activity"], ref)
    assert 15 <= r["onset_min"] <= 30 and 1.0 <= r["peak_h"] <= 2.0      # labels; Breyer-Pfaff 1985
    assert 0.20 <= r["peak_one"] <= 0.50
    assert r["hours_block"] == 0 and "never beyond 80 %" in panel.readout.value
    assert f"onset <b>{r['onset_min']:.0f} min</b>" in panel.readout.value


def test_pyridostigmine_overdose_crosses_the_block_line():
    panel = widgets.pyridostigmine_panel()
    r = panel.update(dose_mg=240.0, interval_h=2.0)
    assert r["hours_block"] > 0 and "cholinergic weakness" in panel.readout.value
    # an endplate that already lacks AChE (MuSK, COLQ) crosses it at a usual dose
    r = panel.update(dose_mg=60.0, interval_h=4.0, baseline_ache=0.2)
    assert r["hours_block"] > 0


# ------------------------------------------------------------------------------------------
# fcrn_panel
# ------------------------------------------------------------------------------------------
def test_fcrn_panel_default_is_adapt_like():
    """Weekly x 4 at 10 mg/kg: total IgG nadir 55-75 % below baseline at ~day 24-35; albumin unchanged."""
    panel = widgets.fcrn_panel()
    r = panel.result
    assert 0.55 <= 1 - r["total_low"] <= 0.75 and 24 <= r["total_low_day"] <= 35
    assert r["albumin_range"] == pytest.approx((1.0, 1.0), abs=1e-6)
    assert abs((1 - r["path_low"]) - (1 - r["total_low"])) <= 0.10   # antibody falls with IgG
    assert r["achr_best"] > r["achr_untreated"]
    shown = f"{100 * (1 - r['total_low']):.0f} % below baseline on day {r['total_low_day']}"
    assert shown in panel.readout.value


def test_fcrn_panel_plasma_exchange_and_ivig():
    panel = widgets.fcrn_panel()
    r = panel.update(fcrn_doses=0, plex_sessions=5)
    course = simulate_disease("achr_early_onset", 90, [T.PlasmaExchange(n_sessions=5)])
    assert np.allclose(r["course"].total_igg, course.total_igg)
    assert 0.60 <= 1 - course.total_igg[9] <= 0.75       # Guptill 2016: 60-70 % lower at course end
    r = panel.update(plex_sessions=0, ivig_g_per_kg=2.0)
    assert r["total_high"] > 1.5                           # infused IgG raises total IgG
    assert r["path_low"] < 1.0 and "highest" in panel.readout.value
    r = panel.update(ivig_g_per_kg=0.0)
    assert not r["marks"] and "no treatment" in panel.readout.value


def test_fcrn_panel_patient_dropdown():
    panel = widgets.fcrn_panel()
    before_png, before = panel.png(), panel.readout.value
    panel.controls["patient"].value = "musk"
    assert panel.result["patient"] == "musk"
    assert panel.png() != before_png and panel.readout.value != before


# ------------------------------------------------------------------------------------------
# clinic_panel
# ------------------------------------------------------------------------------------------
def test_mystery_patients_cover_the_pool_and_are_reproducible():
    names = [W.mystery_patient(n)[0] for n in range(1, 1 + len(W.CLINIC_POOL))]
    assert sorted(names) == sorted(W.CLINIC_POOL)
    a, b = W.mystery_patient(7), W.mystery_patient(7)
    assert a == b
    loads = {W.mystery_patient(n)[1].antibody_load for n in range(1, W.N_MYSTERY + 1)}
    assert len(loads) > 10                                # patients of one archetype differ
    with pytest.raises(ValueError, match="patient number"):
        W.mystery_patient(0)
    covered = {a for arche in W.DIAGNOSES.values() for a in arche}
    assert covered == set(W.CLINIC_POOL)


def test_clinic_buttons_order_tests_run_and_reveal():
    panel = widgets.clinic_panel(patient_number=4)
    archetype = panel.result["case"].archetype
    label = W._LABEL[archetype]
    assert panel.result["course"] is None and "press Run" in panel.readout.value
    for key, button in panel.test_buttons.items():
        before_png, before = panel.png(), panel.results.value
        button.click()                                   # as a learner clicks it
        assert key in panel.result["tests"]
        assert panel.png() != before_png and panel.results.value != before, key
    # identity stays hidden until the reveal
    shown = panel.readout.value + panel.vignette.value + panel.results.value + panel.verdict.value
    assert label not in shown and archetype not in shown
    before_png = panel.png()
    panel.run_button.click()
    assert panel.result["course"] is not None and panel.png() != before_png
    assert "month 6" in panel.readout.value
    panel.diagnosis.value = next(d for d, arche in W.DIAGNOSES.items() if archetype in arche)
    panel.reveal_button.click()
    assert "your diagnosis is right" in panel.verdict.value and label in panel.verdict.value
    panel.diagnosis.value = next(d for d, arche in W.DIAGNOSES.items() if archetype not in arche)
    assert "not your diagnosis" in panel.verdict.value


def test_clinic_test_results_come_from_the_model():
    panel = widgets.clinic_panel()
    n = next(k for k in range(1, 9) if W.mystery_patient(k)[0] == "musk")
    panel.new_patient(n)
    ab = panel.order("antibodies")
    assert ab == {"AChR": "negative", "MuSK": "POSITIVE", "LRP4": "negative"}
    exam = panel.order("exam")
    first = simulate_course(W.mystery_patient(n)[1], 1)
    assert exam["strength"]["bulbar"] == pytest.approx(first.strength["bulbar"][0])
    rns = panel.order("rns")
    # MuSK MG: the decrement is in the face, often not in the hand (Oh et al. 2006 Muscle Nerve
    # 33:500: orbicularis oculi decrements more common and severe than in AChR MG)
    assert rns["bulbar"]["decrement"] >= 10 and rns["bulbar"]["decrement"] > rns["limb"]["decrement"]
    ref = mgmodel.simulate_rns(mgmodel.sample_fibres(N_FIBRES_EDX, endplate_at_first_visit(get_case(n), "bulbar"),
                                                     muscle="bulbar", rng=n), 3.0, 10, rng=n + 1)
    assert rns["bulbar"]["decrement"] == pytest.approx(ref.decrement_pct)
    ocular = next(k for k in range(1, 9) if W.mystery_patient(k)[0] == "ocular")
    panel.new_patient(ocular)
    assert panel.result["tests"] == {}                      # a new patient starts without tests
    assert panel.order("rns")["limb"]["decrement"] < 10     # ocular MG: limb nerve test normal
    assert panel.order("exam")["strength"]["limb"] > 0.9
    with pytest.raises(ValueError, match="unknown test"):
        panel.order("x-ray")


def test_clinic_plan_change_waits_for_run():
    panel = widgets.clinic_panel(patient_number=2)
    panel.run()
    course = panel.result["course"]
    panel.controls["complement_day"].value = 0            # as a learner moves the slider
    assert panel.result["course"] is course and "press Run" in panel.readout.value
    panel.run()
    assert panel.result["course"] is not course and "complement inhibitor from day 0" in panel.readout.value
    assert "press Run" not in panel.readout.value


def test_clinic_treatment_has_consequences():
    """The thymoma patient: severe, but not in crisis without a trigger; rescue and immune therapy help.

    Crisis is an event (an infection tips a patient over; tests/test_clinic.py), not a permanent
    state of an untreated severe patient.
    """
    panel = widgets.clinic_panel()
    n = next(k for k in range(1, 9) if W.mystery_patient(k)[0] == "thymoma")
    panel.new_patient(n)
    untreated = panel.run()["course"]
    assert not untreated.crisis.any() and "no crisis" in panel.readout.value
    assert untreated.mg_adl[-1] >= 5                          # severe generalized disease
    treated = panel.update(plasma_exchange_day=0, complement_day=0, prednisone_day=0)["course"]
    ref = simulate_course(W.mystery_patient(n)[1], len(treated.t_days) - 1,
                          [th for _, _, th in W.plan_therapies(dict(plasma_exchange_day=0, complement_day=0,
                                                                    prednisone_day=0),
                                                               len(treated.t_days) - 1)])
    assert np.array_equal(treated.mg_adl, ref.mg_adl)
    assert treated.mg_adl[-1] < untreated.mg_adl[-1]
    assert treated.strength["respiratory"][-1] > untreated.strength["respiratory"][-1]


def test_clinic_new_patient_button_resets():
    panel = widgets.clinic_panel(patient_number=5)
    panel.order("exam")
    panel.update(prednisone_day=10)
    panel.reveal()
    panel.new_button.click()
    assert panel.controls["patient_number"].value != 5
    assert panel.result["tests"] == {} and not panel.result["revealed"] and panel.result["course"] is None
    assert panel.controls["prednisone_day"].value == W.NOT_GIVEN and panel.diagnosis.value is None


@pytest.mark.parametrize("name", ["therapy_panel", "pyridostigmine_panel", "fcrn_panel", "clinic_panel"])
def test_headless_display_is_static(name, monkeypatch):
    import IPython.display
    monkeypatch.setenv("MGMODEL_HEADLESS", "1")
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    widgets.PANELS[name]()._ipython_display_()
    kinds = [type(o).__name__ for o in shown]
    assert "Image" in kinds and "VBox" not in kinds
