"""The clinical-case room (mgmodel.cases): mystery patients, tests, stories, diagnoses, lab reports."""
import dataclasses
import importlib.util
import pathlib
import sys

import numpy as np
import pytest

import mgmodel as mg
from mgmodel import cases
from mgmodel.widgets import therapy as W

MYSTERY = pathlib.Path(__file__).parents[1] / "assignments" / "source" / "02_endplate_safety" / "mystery.py"


def _assignment_mystery():
    spec = importlib.util.spec_from_file_location("assignment02_mystery", MYSTERY)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up while it executes
    spec.loader.exec_module(mod)
    return mod


#: Lab reports of assignment 02's own mystery.py before it used mgmodel.cases (same ids, same values).
GOLDEN = {"jdoe17": ("jdoe17", -80.0, -61.4, 0.45, 29.0), "A": ("a", -80.0, -62.7, 0.46, 33.0),
          "  Mixed Case ": ("mixed case", -80.0, -61.1, 0.41, 48.0),
          "student-042": ("student-042", -80.0, -59.6, 0.3, 30.0), "zz": ("zz", -80.0, -62.1, 0.5, 31.0)}


@pytest.mark.parametrize("student_id", sorted(GOLDEN))
def test_lab_record_gives_assignment_02s_values(student_id):
    assert dataclasses.astuple(cases.lab_record(student_id)) == GOLDEN[student_id]


@pytest.mark.skipif(not MYSTERY.exists(), reason="assignment 02 has no mystery.py")
@pytest.mark.parametrize("student_id", ["jdoe17", "A", "  Mixed Case ", "student-042", "zz"])
def test_lab_record_reproduces_assignment_02(student_id):
    ref = _assignment_mystery().patient_record(student_id)
    got = cases.lab_record(student_id)
    assert dataclasses.astuple(got) == dataclasses.astuple(ref)
    assert str(got) == str(ref)


def test_lab_record_is_reproducible_and_in_range():
    a = [cases.lab_record(f"s{k}") for k in range(200)]
    assert a[7] == cases.lab_record("S7 ")
    gaps = np.array([r.threshold_mV - r.rest_mV for r in a])
    mepp = np.array([r.mepp_mV for r in a])
    assert gaps.min() >= 15.5 - 0.05 and gaps.max() <= 21.0 + 0.05
    assert mepp.min() >= 0.24 - 0.005 and mepp.max() <= 0.64 + 0.005
    # a lab report is of a myasthenic endplate: MEPPs below the model's healthy MEPP
    assert mepp.max() < mg.simulate_epp(mg.HUMAN, 1.0).peak_epp_mV
    assert all(r.rest_mV == mg.HUMAN.v_rest_mV for r in a)
    with pytest.raises(ValueError, match="STUDENT_ID"):
        cases.lab_record("  ")


def test_widgets_names_are_the_cases_names():
    assert W.mystery_patient is cases.mystery_patient
    assert W.DIAGNOSES is cases.DIAGNOSES and W.CLINIC_POOL is cases.CLINIC_POOL
    assert W.ARCHETYPE_CHOICES is cases.ARCHETYPE_CHOICES


def test_every_test_has_a_report_and_the_story_hides_the_diagnosis():
    n = next(k for k in range(1, 9) if cases.mystery_patient(k)[0] == "musk")
    case = cases.get_case(n)
    text = cases.vignette(case)
    assert text.startswith(f"Patient {n}.") and "musk" not in text.lower()
    assert f"MG-ADL today: {case.first_visit.mg_adl[0]} of 24." in text
    for key in cases.TESTS:
        heading, findings = cases.test_report(key, cases.run_test(n, key))
        assert heading and findings.endswith(".")
    rns = cases.run_test(n, "rns")
    assert "abnormal ≥ 10 %" in cases.test_report("rns", rns)[1]
    with pytest.raises(ValueError, match="unknown test"):
        cases.run_test(n, "x-ray")
    with pytest.raises(ValueError, match="patient number"):
        cases.mystery_patient(2.5)


def test_diagnoses():
    assert cases.diagnosis_is_right("MuSK-antibody MG", "musk")
    assert not cases.diagnosis_is_right("MuSK-antibody MG", "lrp4")
    assert not cases.diagnosis_is_right(None, "musk")
    with pytest.raises(ValueError, match="diagnosis"):
        cases.diagnosis_is_right("flu", "musk")
