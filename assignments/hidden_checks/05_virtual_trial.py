"""Hidden checks of assignment 5 (a virtual trial), run outside the students' kernels.

Every reference is a closed form or a tight numerical evaluation of one (scipy, computed once at
generate time); none needs the trial simulator. Tolerances: 1e-6 relative (and 1e-9 absolute) for
the expected regression to the mean, a closed form; 1e-3 MG-ADL points for the threshold found by
root finding (the prompt asks for that precision); 1 percentage point for the predicted responder
rate (a Monte Carlo estimate with 10^5 draws is within about 0.3 points); exact for patient numbers
(whole numbers, rounded up), for the number needed to treat and for the categorical choices;
1e-9 absolute for absolute differences in percentage points and 1e-6 relative for the detectable
difference. The diluted trial (part 6) also accepts the student's own ``n_per_arm`` applied to the
diluted difference (an error in part 4 is not charged twice).
"""

import math

import numpy as np

from grading import Part, call, expect_close, expect_equal, expect_true, number, value

# PUBLIC inputs, sent into the kernel to call the students' functions (fixed, seeded)
_rng = np.random.default_rng(701)
_RTM_CASES = []
for _ in range(12):   # (mean, sd_between, sd_day, threshold); thresholds 2 SD below to 3.5 SD above
    _m, _tau, _sig = float(_rng.uniform(3.0, 12.0)), float(_rng.uniform(1.0, 4.0)), float(_rng.uniform(0.5, 3.0))
    _RTM_CASES.append((_m, _tau, _sig, float(_m + _rng.uniform(-2.0, 3.5) * math.hypot(_tau, _sig))))
_rng = np.random.default_rng(702)
_TARGET_CASES = []
for _ in range(8):    # (target fall, mean, sd_between, sd_day); the threshold lies 1.5 SD below to 3 SD above
    _m, _tau, _sig = float(_rng.uniform(4.0, 10.0)), float(_rng.uniform(1.5, 4.0)), float(_rng.uniform(0.8, 2.5))
    _a = float(_rng.uniform(-1.5, 3.0))
    _TARGET_CASES.append((float(round(_sig ** 2 / math.hypot(_tau, _sig) * math.exp(
        -0.5 * _a * _a) / math.sqrt(2 * math.pi) / (0.5 * math.erfc(_a / math.sqrt(2))), 3)), _m, _tau, _sig))
# the prompt's cohort (part 3): true mean MG-ADL 8.0, SD between patients 2.5, day-to-day SD 2.0,
# enrolment at MG-ADL >= 6, responder = at least 3 points better
_COHORT = dict(mean=8.0, sd_between=2.5, sd_day=2.0, threshold=6.0, points=3.0)


def _z(p):
    from scipy.stats import norm
    return float(norm.ppf(p))


def _n_exact(d, sd, power, alpha):
    return 2.0 * ((_z(1.0 - alpha / 2.0) + _z(power)) * sd / abs(d)) ** 2


def _far_from_whole(x, gap=0.02):
    return abs(x - round(x)) > gap


_rng = np.random.default_rng(703)
_N_CASES = []
while len(_N_CASES) < 12:
    _c = (float(_rng.uniform(-5.0, 5.0)), float(_rng.uniform(1.0, 8.0)), float(_rng.choice([0.8, 0.9, 0.95])),
          float(_rng.choice([0.05, 0.01])))
    if abs(_c[0]) > 0.3 and _far_from_whole(_n_exact(*_c)):
        _N_CASES.append(_c)
_DETECT_CASES = [(20, 3.0, 0.8, 0.05), (86, 3.5, 0.8, 0.05), (150, 5.0, 0.9, 0.01), (12, 2.0, 0.95, 0.05)]
_rng = np.random.default_rng(704)
_NNT_CASES = []
while len(_NNT_CASES) < 12:
    _t, _c = (float(round(x, 1)) for x in _rng.uniform(5.0, 95.0, 2))
    if _t - _c > 1.0 and _far_from_whole(100.0 / (_t - _c), 1e-6):
        _NNT_CASES.append((_t, _c))
_RAISE = dict(difference=-4.39 - (-2.30), sd=3.5, musk_share=0.2)   # RAISE's arm means (Howard2023)


def _expected_fall(mean, sd_between, sd_day, threshold):
    from scipy.stats import norm
    s = math.hypot(sd_between, sd_day)
    a = (threshold - mean) / s
    mills = float(np.exp(norm.logpdf(a) - norm.logsf(a)))
    return sd_day ** 2 / s * mills


def references():
    from scipy.integrate import quad
    from scipy.optimize import brentq
    from scipy.stats import norm

    refs = {"falls": [_expected_fall(*c) for c in _RTM_CASES]}
    thresholds = []
    for target, m, tau, sig in _TARGET_CASES:
        s = math.hypot(tau, sig)
        thresholds.append(brentq(lambda c: _expected_fall(m, tau, sig, c) - target, m - 12 * s, m + 12 * s,
                                 xtol=1e-12))
    refs["thresholds"] = thresholds

    # responder rate: P(X1 - X2 >= k | X1 >= c), X1 = mu + e1, X2 = mu + e2
    m, tau, sig, c, k = (_COHORT[x] for x in ("mean", "sd_between", "sd_day", "threshold", "points"))
    s2 = tau ** 2 + sig ** 2
    s = math.sqrt(s2)
    cond_sd = math.sqrt(2 * sig ** 2 - sig ** 4 / s2)   # SD of D = X1 - X2 given X1

    def joint(x):
        return norm.pdf(x, m, s) * norm.sf(k, sig ** 2 / s2 * (x - m), cond_sd)

    both, _ = quad(joint, c, m + 15 * s, epsabs=1e-13, epsrel=1e-11)
    refs["responder_pct"] = 100.0 * both / float(norm.sf(c, m, s))
    refs["cohort_fall"] = _expected_fall(m, tau, sig, c)

    refs["n"] = [int(math.ceil(_n_exact(*case))) for case in _N_CASES]
    refs["detectable"] = [(_z(1.0 - a / 2.0) + _z(p)) * sd * math.sqrt(2.0 / n) for n, sd, p, a in _DETECT_CASES]
    refs["arr"] = [t - c for t, c in _NNT_CASES]
    refs["nnt"] = [int(math.ceil(100.0 / (t - c))) for t, c in _NNT_CASES]
    refs["adapt"] = [67.7 - 29.7, int(math.ceil(100.0 / (67.7 - 29.7)))]          # Howard2021
    d_diluted = (1.0 - _RAISE["musk_share"]) * _RAISE["difference"]
    refs["raise_n"] = int(math.ceil(_n_exact(_RAISE["difference"], _RAISE["sd"], 0.8, 0.05)))
    refs["diluted_n"] = int(math.ceil(_n_exact(d_diluted, _RAISE["sd"], 0.8, 0.05)))
    refs["cohort"] = "AChR-antibody generalized MG"
    refs["c5_in_musk"] = "no benefit beyond the placebo arm"
    return refs


def _whole(x, what):
    v = number(x, what)
    expect_true(v.is_integer(), f"{what} should be a whole number of patients")
    return int(v)


def _p1(ans, ref):
    for i, r in enumerate(ref["falls"]):
        expect_close(ans[f"f{i}"], r, rtol=1e-6, atol=1e-9, what="the expected fall of the placebo arm")


def _p2(ans, ref):
    for i, r in enumerate(ref["thresholds"]):
        expect_close(ans[f"c{i}"], r, atol=1e-3, what="the enrolment threshold")


def _p3(ans, ref):
    expect_close(ans["pct"], ref["responder_pct"], atol=1.0, what="the predicted placebo responder rate (1 point)")


def _p4(ans, ref):
    for i, r in enumerate(ref["n"]):
        expect_equal(_whole(ans[f"n{i}"], "n_per_arm"), r, what="the patients per arm (rounded up?)")
    for i, r in enumerate(ref["detectable"]):
        expect_close(ans[f"d{i}"], r, rtol=1e-6, what="the detectable difference")
    expect_equal(_whole(ans["raise"], "raise_n_per_arm"), ref["raise_n"], what="raise_n_per_arm")


def _pair(x, what):
    expect_true(isinstance(x, (list, tuple, np.ndarray)) and len(x) == 2, f"{what} should return two values")
    return number(x[0], what), number(x[1], what)


def _p5(ans, ref):
    for i, (ra, rn) in enumerate(zip(ref["arr"], ref["nnt"])):
        arr, nnt = _pair(ans[f"a{i}"], "absolute_difference_and_nnt")
        expect_close(arr, ra, atol=1e-9, what="the absolute difference (percentage points)")
        expect_equal(nnt, float(rn), what="the number needed to treat (rounded up?)")
    expect_close(ans["arr"], ref["adapt"][0], atol=1e-9, what="adapt_arr")
    expect_equal(number(ans["nnt"], "adapt_nnt"), float(ref["adapt"][1]), what="adapt_nnt")


def _p6(ans, ref):
    expect_equal(ans["cohort"], ref["cohort"], what="the cohort to enrol")
    expect_equal(ans["musk"], ref["c5_in_musk"], what="the prediction for a MuSK cohort")
    n = _whole(ans["diluted"], "diluted_n_per_arm")
    if n != ref["diluted_n"]:   # carried forward: the student's own n_per_arm on the diluted difference
        expect_true(number(ans["own"], "n_per_arm") == n, "diluted_n_per_arm differs from the reference")


PARTS = {
    "p1_tests": Part({f"f{i}": call("expected_regression", *c) for i, c in enumerate(_RTM_CASES)}, _p1),
    "p2_tests": Part({f"c{i}": call("threshold_for_regression", *c) for i, c in enumerate(_TARGET_CASES)}, _p2),
    "p3_tests": Part({"pct": value("placebo_responder_pct")}, _p3),
    "p4_tests": Part({**{f"n{i}": call("n_per_arm", *c) for i, c in enumerate(_N_CASES)},
                      **{f"d{i}": call("detectable_difference", *c) for i, c in enumerate(_DETECT_CASES)},
                      "raise": value("raise_n_per_arm")}, _p4),
    "p5_tests": Part({**{f"a{i}": call("absolute_difference_and_nnt", *c) for i, c in enumerate(_NNT_CASES)},
                      "arr": value("adapt_arr"), "nnt": value("adapt_nnt")}, _p5),
    "p6_tests": Part({"cohort": value("complement_trial_cohort"), "musk": value("c5_in_musk"),
                      "diluted": value("diluted_n_per_arm"),
                      "own": call("n_per_arm", (1.0 - _RAISE["musk_share"]) * _RAISE["difference"], _RAISE["sd"],
                                  0.8, 0.05)}, _p6),
}
