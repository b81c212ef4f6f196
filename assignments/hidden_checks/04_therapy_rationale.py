"""Hidden checks of assignment 4 (therapy rationale), run outside the students' kernels.

Tolerances: 1e-6 relative for the half-life read from noise-free exponential courses (any fit that
uses the data gives it exactly), 1e-9 for the closed forms (absolute for fractions, half-lives in
days x 1e-9), 1e-6 relative against a tight numerical solution of dC/dt = S - k1 C, exact for the
categorical answers, 1 % for results of the simulated disease course (of 0.01 for AChR gains
near 0). The predictions of Part 6 are graded against the model: the therapy with the larger
simulated AChR gain at day 60.

Part 1's tracers are exponentials with half-lives 21 d (A, IgG1-like) and 7 d (B, IgG3) times
3 % log-normal noise (seed 7). Part 5's courses are `simulate_disease(...).total_igg[::3]` over
42 days, rounded to 0.01: X "achr_late_onset" with PlasmaExchange(start_day=0), Y
"achr_early_onset" with ComplementInhibitor(start_day=0), Z "achr_late_onset" with
FcRnAntagonist(start_day=0).
"""

import numpy as np

from grading import Part, call, expect_close, expect_equal, expect_true, number, value

_rng = np.random.default_rng(501)
_COURSES = []                                                     # (days, level, half-life) noise-free
for _h in (21.0, 7.0, 3.0, 12.5, 40.0):
    _t = np.sort(_rng.uniform(0.0, 60.0, 8))
    _COURSES.append((_t, float(_rng.uniform(0.3, 5.0)) * np.exp(-np.log(2.0) * _t / _h), _h))
_TRACER_TRUTH = {"tracer A": False, "tracer B": True}           # IgG3? (half-lives 21 d and 7 d)
_THERAPY_TRUTH = {"patient X": "plasma_exchange", "patient Y": "complement", "patient Z": "fcrn"}
_T2 = np.linspace(0.0, 60.0, 13)
_BLOCKADE_CASES = ((21.0, 3.0), (21.0, 8.0), (18.0, 12.0))      # (normal, blocked half-life)
_rng = np.random.default_rng(503)
_HALF_CASES = [(float(_rng.uniform(7.0, 25.0)), float(_rng.uniform(0.5, 0.95)), float(_rng.uniform(0.0, 1.0)))
               for _ in range(20)]                                # (half-life, rescued, occupancy)
_PLEX_CASES = ((5, 1.0, 0.42), (3, 1.5, 0.45), (1, 0.5, 0.40), (8, 1.2, 0.5))
_GAIN_KEYS = [(p, t) for p in ("achr_early_onset", "musk") for t in ("fcrn", "complement")]


def references():
    from scipy.integrate import solve_ivp

    from mgmodel.disease import simulate_disease
    from mgmodel.therapy import ComplementInhibitor, FcRnAntagonist

    refs = {"course_half_lives": [h for _, _, h in _COURSES], "tracers": dict(_TRACER_TRUTH),
            "therapies": dict(_THERAPY_TRUTH)}
    for i, (h0, h1) in enumerate(_BLOCKADE_CASES):
        k0, k1 = np.log(2.0) / h0, np.log(2.0) / h1
        sol = solve_ivp(lambda t, c: k0 - k1 * c, (0.0, 60.0), [1.0], t_eval=_T2, rtol=1e-10, atol=1e-12)
        refs[f"blockade{i}"] = sol.y[0]
    refs["half_lives"] = [h * (1.0 - r) / (1.0 - r * (1.0 - b)) for h, r, b in _HALF_CASES]
    refs["plex"] = [(1.0 - f * (1.0 - np.exp(-v))) ** n for n, v, f in _PLEX_CASES]
    gains = {}
    for patient in ("achr_early_onset", "musk"):
        base = simulate_disease(patient, 60).achr_fraction[60]
        for key, therapy in (("fcrn", FcRnAntagonist(start_day=0)), ("complement", ComplementInhibitor(start_day=0))):
            gains[(patient, key)] = float(simulate_disease(patient, 60, (therapy,)).achr_fraction[60] - base)
    refs["gains"] = gains
    refs["better"] = {p: max(("fcrn", "complement"), key=lambda t: gains[(p, t)]) for p in ("achr_early_onset", "musk")}
    return refs


def _p1(ans, ref):
    for i, h in enumerate(ref["course_half_lives"]):
        expect_close(ans[f"h{i}"], h, rtol=1e-6, what="the half-life read from a course")
    got = ans["igg3"]
    expect_true(isinstance(got, dict) and set(got) == set(ref["tracers"]), "tracer_is_igg3 needs one entry per tracer")
    expect_equal({k: bool(v) for k, v in got.items()}, ref["tracers"], what="the subclass of the tracers")


def _p2(ans, ref):
    for i in range(len(_BLOCKADE_CASES)):
        expect_close(ans[f"c{i}"], ref[f"blockade{i}"], rtol=1e-6,
                     what="C(t) (it should solve dC/dt = S - k1 C from the steady state)")


def _p3(ans, ref):
    for i, (h, _, _) in enumerate(_HALF_CASES):
        expect_close(ans[f"h{i}"], ref["half_lives"][i], atol=1e-9 * h, what="the half-life")
    expect_close(ans["full"], 2.1, atol=1e-9, what="the half-life at full blockade")


def _p4(ans, ref):
    for i, r in enumerate(ref["plex"]):
        expect_close(ans[f"r{i}"], r, atol=1e-9, what="the remaining fraction")


def _p5(ans, ref):
    got = ans["given"]
    expect_true(isinstance(got, dict) and set(got) == set(ref["therapies"]), "therapy_given needs one entry per patient")
    wrong = sorted(k for k in ref["therapies"] if got[k] != ref["therapies"][k])
    expect_true(not wrong, "misidentified: " + ", ".join(wrong))


def _p6(ans, ref):
    pred = ans["pred"]
    expect_true(isinstance(pred, dict) and set(pred) == set(ref["better"]), "predicted_better needs the keys of both patients")
    wrong = sorted(k for k in ref["better"] if pred[k] != ref["better"][k])
    expect_true(not wrong, "the prediction does not match the physiology for: " + ", ".join(wrong))
    gains = ans["gains"]
    expect_true(isinstance(gains, dict), "achr_gain should be a dict")
    for key in _GAIN_KEYS:
        expect_true(key in gains, "achr_gain lacks a (patient, therapy) key")
        r = ref["gains"][key]
        expect_true(abs(number(gains[key], "a gain") - r) <= 0.01 * max(abs(r), 0.01),
                    "a gain differs from the reference")


PARTS = {
    "p1_tests": Part({**{f"h{i}": call("half_life_from_course", t, c) for i, (t, c, _) in enumerate(_COURSES)},
                      "igg3": value("tracer_is_igg3")}, _p1),
    "p2_tests": Part({f"c{i}": call("igg_after_blockade", _T2, h0, h1)
                      for i, (h0, h1) in enumerate(_BLOCKADE_CASES)}, _p2),
    "p3_tests": Part({**{f"h{i}": call("half_life_with_blockade", *c) for i, c in enumerate(_HALF_CASES)},
                      "full": call("half_life_with_blockade", 21.0, 0.9, 1.0)}, _p3),
    "p4_tests": Part({f"r{i}": call("plex_remaining", *c) for i, c in enumerate(_PLEX_CASES)}, _p4),
    "p5_tests": Part({"given": value("therapy_given")}, _p5),
    "p6_tests": Part({"pred": value("predicted_better"), "gains": value("achr_gain")}, _p6),
}
