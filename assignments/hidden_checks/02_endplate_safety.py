"""Hidden checks of assignment 2 (endplate safety; the mystery patient), outside the kernels.

Parts 1-3 compare with references computed at generate time (1e-9 relative for Martin's
correction, in the form Part 1 states, and the direct method; 1 % for the safety factors). Parts 4-7 are per student: the
grader rebuilds the patient of the account that submitted (the student folder, never an id the
notebook claims) with ``mgmodel.cases.lab_record`` and solves it with the model, in the clean
grading process (``student_references``). Tolerance 2 %. An error in Part 4 (or 5) carried
consistently into the later parts is not counted twice: the later parts also accept the result
of the student's own earlier fractions, provided those fractions reproduce the patient's MEPP.
"""

import numpy as np

from grading import Part, call, expect_close, expect_true, number, value

_V = np.linspace(0.0, 60.0, 25)
_rng = np.random.default_rng(302)
_EPP, _MEPP = _rng.uniform(1.0, 40.0, 20), _rng.uniform(0.2, 1.2, 20)
_TOL = 0.02


def _martin(v, v_rest_mV=-80.0, e_rev_mV=0.0):
    """Martin's (1955) correction as Part 1 states it: v / (1 - v / (E_rev - V_rest)).

    (mgmodel's ``martin_correction`` uses McLachlan & Martin's (1981) factor f = 0.8; the
    assignment asks for Martin's original form, f = 1.)
    """
    return v / (1.0 - v / (e_rev_mV - v_rest_mV))


def references():
    import mgmodel as mg

    epp = float(mg.simulate_epp(mg.HUMAN).peak_epp_mV)
    gap = float(mg.threshold_mV(mg.HUMAN) - mg.HUMAN.v_rest_mV)
    return {
        "martin": _martin(_V),
        "martin_other": _martin(_V, -90.0, -5.0),
        "direct": _martin(_EPP) / _MEPP,
        "direct_other": _martin(_EPP, -90.0, -5.0) / _MEPP,
        "sf_raw": float(mg.safety_factor(mg.HUMAN)),
        "sf_corrected": _martin(epp, mg.HUMAN.v_rest_mV, mg.HUMAN.e_rev_mV) / gap,
    }


# --- the mystery patient, solved with the model (clean grading process only) ---------------------

def _na_for(rec):
    import mgmodel as mg
    from scipy.optimize import brentq

    return float(brentq(lambda f: float(mg.threshold_gap_mV(f)) - (rec.threshold_mV - rec.rest_mV), 1e-6, 1.0))


def _achr_for(rec, na):
    import mgmodel as mg
    from scipy.optimize import brentq

    ep = mg.HUMAN.replace(na_channel_fraction=na)
    return float(brentq(lambda x: mg.simulate_epp(ep.replace(achr_fraction=x), quanta=1).peak_epp_mV
                        - rec.mepp_mV, 1e-3, 1.5))


def _sf(rec, achr, na):
    import mgmodel as mg

    return float(mg.safety_factor(mg.HUMAN.replace(achr_fraction=achr, na_channel_fraction=na,
                                                   quantal_content=rec.quantal_content)))


def _qmin(achr, na):
    import mgmodel as mg
    from scipy.optimize import brentq

    ep = mg.HUMAN.replace(achr_fraction=achr, na_channel_fraction=na)
    return float(brentq(lambda q: mg.safety_factor(ep, quanta=q) - 1.0, 1.0, 1000.0, xtol=1e-4))


def _record(student_id):
    from mgmodel.cases import lab_record

    return lab_record(student_id)


def student_references(student_id):
    """The graded patient's report and the answers of parts 4-7 (``python -m grading key``)."""
    rec = _record(student_id)
    na = _na_for(rec)
    achr = _achr_for(rec, na)
    return {"threshold_mV": rec.threshold_mV, "rest_mV": rec.rest_mV, "mepp_mV": rec.mepp_mV,
            "quantal_content": rec.quantal_content, "na_channel_fraction": na,
            "achr_fraction": achr, "safety_factor": _sf(rec, achr, na), "min_quanta": _qmin(achr, na)}


def _close(v, r):
    return abs(v - r) <= _TOL * abs(r)


def _same(v, r):
    """Equal to the reference but for round-off: the carried-forward answer is the reference."""
    return abs(v - r) <= 1e-6 * abs(r)


def _fits_mepp(ref, achr, na):
    """Do the student's own fractions reproduce the graded patient's MEPP (2 %)?"""
    import mgmodel as mg

    try:
        ep = mg.HUMAN.replace(achr_fraction=achr, na_channel_fraction=na)
        return _close(mg.simulate_epp(ep, quanta=1).peak_epp_mV, ref["mepp_mV"])
    except ValueError:
        return False


def _own_fractions(ans, ref):
    achr, na = number(ans["achr"], "patient_achr_fraction"), number(ans["na"], "patient_na_fraction")
    expect_true(_fits_mepp(ref, achr, na),
                "your fractions from parts 4-5 do not reproduce the graded patient's MEPP")
    return achr, na


# --- the checks ----------------------------------------------------------------------------------

def _p1(ans, ref):
    expect_close(ans["v"], ref["martin"], rtol=1e-9, what="the corrected EPP")
    expect_close(ans["v_other"], ref["martin_other"], rtol=1e-9, what="the corrected EPP at other potentials")


def _p2(ans, ref):
    expect_close(ans["m"], ref["direct"], rtol=1e-9, what="the quantal content")
    expect_close(ans["m_other"], ref["direct_other"], rtol=1e-9, what="the quantal content at other potentials")


def _p3(ans, ref):
    expect_close(ans["raw"], ref["sf_raw"], rtol=0.01, what="the raw SF (1 %)")
    expect_close(ans["corrected"], ref["sf_corrected"], rtol=0.01, what="the corrected SF (1 %)")


def _p4(ans, ref):
    expect_close(ans["na"], ref["na_channel_fraction"], rtol=_TOL,
                 what="na_channel_fraction (2 %) for the graded patient")


def _p5(ans, ref):
    achr = number(ans["achr"], "patient_achr_fraction")
    refs = [ref["achr_fraction"]]
    try:  # an error in part 4 carried forward: the receptors that fit the student's own folds
        na = number(ans["na"], "patient_na_fraction")
        if not _same(na, ref["na_channel_fraction"]):
            refs.append(_achr_for(_record(ref["student_id"]), na))
    except (AssertionError, ValueError):
        pass
    expect_true(any(_close(achr, r) for r in refs), "achr_fraction is off by more than 2 % for the graded patient")


def _p6(ans, ref):
    sf = number(ans["sf"], "patient_sf")
    achr, na = _own_fractions(ans, ref)
    refs = [ref["safety_factor"]]
    if not (_same(achr, ref["achr_fraction"]) and _same(na, ref["na_channel_fraction"])):
        refs.append(_sf(_record(ref["student_id"]), achr, na))  # an error carried forward
    expect_true(any(_close(sf, r) for r in refs), "the SF is off by more than 2 % for the graded patient")


def _p7(ans, ref):
    q = number(ans["q"], "patient_min_quanta")
    achr, na = _own_fractions(ans, ref)
    refs = [ref["min_quanta"]]
    if not (_same(achr, ref["achr_fraction"]) and _same(na, ref["na_channel_fraction"])):
        refs.append(_qmin(achr, na))  # an error carried forward
    expect_true(any(_close(q, r) for r in refs), "the number of quanta is off by more than 2 % for the graded patient")


_FRACTIONS = {"achr": value("patient_achr_fraction"), "na": value("patient_na_fraction")}
PARTS = {
    "p1_tests": Part({"v": call("martin_correct", _V), "v_other": call("martin_correct", _V, -90.0, -5.0)}, _p1),
    "p2_tests": Part({"m": call("quantal_content_direct", _EPP, _MEPP),
                      "m_other": call("quantal_content_direct", _EPP, _MEPP, -90.0, -5.0)}, _p2),
    "p3_tests": Part({"raw": value("sf_healthy_raw"), "corrected": value("sf_healthy_corrected")}, _p3),
    "p4_tests": Part({"na": value("patient_na_fraction")}, _p4),
    "p5_tests": Part(dict(_FRACTIONS), _p5),
    "p6_tests": Part({"sf": value("patient_sf"), **_FRACTIONS}, _p6),
    "p7_tests": Part({"q": value("patient_min_quanta"), **_FRACTIONS}, _p7),
}
