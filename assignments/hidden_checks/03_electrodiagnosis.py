"""Hidden checks of assignment 3 (electrodiagnosis), run outside the students' kernels.

Tolerances: 1e-9 (absolute, %) for the decrement formula, 1e-6 relative for the MCD, exact for
classifications and for the predictions of Part 5 (graded against the model's result), 1 % of the
decrement (at least 0.01 percentage points) for the simulated RNS decrement, 1e-6 relative for the
simulated MCDs (same seeds, same model), and 0.015 in receptor fraction for the inversion of
Part 7 (a root of a simulated, step-wise decrement: a grid of 0.01 also passes; the decrement
changes by about 0.6 percentage points per 0.01 of receptor fraction there).

Part 6's recordings were simulated with the model (2000 limb fibres, CMAP scaled to mV, rounded to
0.1 mV): P a LEMS terminal (`lems_presynaptic(0.6)`, healthy endplates), Q healthy, R severe MG
(AChR 0.35, Na 0.6), S moderate MG (AChR 0.55, Na 0.75). Patient W of Part 7 was simulated at
AChR 0.62, Na 0.7 with other seeds (rng 21/22), so the model's estimate is near, not at, 0.62.
"""

import math

import numpy as np

from grading import Part, call, expect_close, expect_equal, expect_true, number, value

_rng = np.random.default_rng(401)
_TRAINS = [_rng.uniform(0.5, 10.0, 10) for _ in range(20)]
_rng = np.random.default_rng(402)
_PAIRS = []
for _ in range(20):
    _a = 3.0 + _rng.normal(0.0, 0.02, 60)
    _b = 5.0 + _rng.normal(0.0, 0.03, 60)
    _a[_rng.random(60) < 0.1] = np.nan
    _b[_rng.random(60) < 0.1] = np.nan
    _PAIRS.append((_a, _b))
_FEW = ([np.nan, 4.0, 4.1], [5.0, np.nan, 5.2])
_TRAINS_RECORDED = {  # the read-only cell "trains" of the notebook
    "patient A": [8.2, 8.0, 7.8, 7.7, 7.7, 7.8, 7.9, 7.9, 8.0, 8.0],
    "patient B": [6.1, 5.3, 4.8, 4.6, 4.7, 4.8, 5.0, 5.0, 5.1, 5.1],
    "patient C": [9.4, 9.0, 8.6, 8.5, 8.3, 8.4, 8.5, 8.6, 8.6, 8.7],
}
_PATIENT_W_MV = [6.6, 5.8, 5.1, 4.8, 5.0, 5.3, 5.5, 5.6, 5.8, 5.9]   # the read-only cell "patient_w"
_EDX_TRUTH = {"patient P": "LEMS", "patient Q": "normal", "patient R": "MG", "patient S": "MG"}
_SFEMG_CASES = {  # (MCDs in µs, limit of the mean, limit of a pair) -> abnormal?
    "two_high": (np.r_[np.full(18, 20.0), 50.0, 50.0], 30.0, 43.0),       # 10 % over: normal
    "three_high": (np.r_[np.full(17, 20.0), 50.0, 50.0, 50.0], 30.0, 43.0),  # 15 % over: abnormal
    "high_mean": (np.full(20, 35.0), 30.0, 43.0),                           # mean over 30: abnormal
    "other_limits": (np.full(20, 35.0), 36.0, 50.0),                        # limits from the arguments
}


def _decrement(c):
    return 100.0 * (1.0 - min(c[3], c[4]) / c[0])


def _mcd(a, b):
    ok = np.isfinite(a) & np.isfinite(b)
    ipi = 1000.0 * (b[ok] - a[ok])
    return float(np.mean(np.abs(np.diff(ipi))))


def references():
    import mgmodel as mg
    from mgmodel.electrodiagnosis import simulate_rns, simulate_sfemg
    from mgmodel.population import sample_fibres

    refs = {
        "decrements": [_decrement(c) for c in _TRAINS],
        "mcds": [_mcd(a, b) for a, b in _PAIRS],
        "rns_abnormal": {k: bool(_decrement(v) > 10.0) for k, v in _TRAINS_RECORDED.items()},
        "sfemg": {k: bool(m.mean() > lm or np.mean(m > lp) > 0.10) for k, (m, lm, lp) in _SFEMG_CASES.items()},
    }
    from scipy.optimize import brentq

    def model_decrement(f):
        p = sample_fibres(2000, mg.HUMAN.replace(achr_fraction=f, na_channel_fraction=0.7), rng=1)
        return _decrement(simulate_rns(p, rate_hz=3.0, n_stimuli=10, rng=2).cmap)

    target = _decrement(_PATIENT_W_MV)
    refs["w_achr"] = float(brentq(lambda f: model_decrement(f) - target, 0.3, 1.0, xtol=1e-5))
    refs["edx"] = dict(_EDX_TRUTH)
    pop = sample_fibres(2000, mg.HUMAN.replace(achr_fraction=0.8, na_channel_fraction=0.9), rng=1)
    refs["mild_decrement"] = float(simulate_rns(pop, rate_hz=3.0, n_stimuli=10, rng=2).decrement_pct)
    s = simulate_sfemg(pop, n_pairs=20, n_discharges=100, rng=3)
    mcd = np.asarray(s.mcd_us, dtype=float)
    ok = np.isfinite(mcd)
    refs["mild_mcd"] = mcd
    refs["mild_abnormal"] = bool(np.mean(mcd[ok]) > s.limit_mean_us or np.mean(mcd[ok] > s.limit_pair_us) > 0.10)
    refs["mild_rns_abnormal"] = bool(refs["mild_decrement"] > 10.0)
    return refs


def _close_pct(answer, reference, what):
    """Within 1 % of the reference, or 0.01 percentage points near a zero decrement."""
    expect_true(abs(number(answer, what) - reference) <= 0.01 * max(abs(reference), 1.0),
                f"{what} differs from the reference simulation")


def _p1(ans, ref):
    for i, r in enumerate(ref["decrements"]):
        expect_close(ans[f"d{i}"], r, atol=1e-9, what="the decrement")
        expect_close(ans[f"short{i}"], r, atol=1e-9, what="the decrement of a list of five amplitudes")


def _p2(ans, ref):
    got = ans["abnormal"]
    expect_true(isinstance(got, dict), "rns_abnormal should be a dict")
    expect_equal({k: bool(v) for k, v in got.items()}, ref["rns_abnormal"], what="the classification of the trains")


def _p3(ans, ref):
    for i, r in enumerate(ref["mcds"]):
        expect_close(ans[f"m{i}"], r, rtol=1e-6, what="the MCD (blocked discharges?)")
    expect_true(math.isnan(number(ans["few"], "the MCD")), "too few usable discharges should give nan")


def _p4(ans, ref):
    for key, abnormal in ref["sfemg"].items():
        expect_true(bool(ans[key]) == abnormal, {
            "two_high": "exactly 10 % of pairs over the limit is not yet abnormal",
            "three_high": "more than 10 % of pairs over the limit is abnormal",
            "high_mean": "a raised mean alone is abnormal",
            "other_limits": "the limits must come from the arguments"}[key])


def _p5(ans, ref):
    expect_true(bool(ans["pred_rns"]) == ref["mild_rns_abnormal"],
                "the prediction for RNS does not match the physiology (what does RNS count?)")
    expect_true(bool(ans["pred_sfemg"]) == ref["mild_abnormal"],
                "the prediction for SFEMG does not match the physiology (what does jitter measure?)")
    _close_pct(ans["dec"], ref["mild_decrement"], "the decrement")
    expect_close(ans["mcd"], ref["mild_mcd"], rtol=1e-6, what="the MCDs", equal_nan=True)
    expect_true(bool(ans["abnormal"]) == ref["mild_abnormal"], "the study is misclassified")


def _p6(ans, ref):
    got = ans["edx"]
    expect_true(isinstance(got, dict) and set(got) == set(ref["edx"]), "edx_diagnosis needs one entry per patient")
    wrong = sorted(k for k in ref["edx"] if got[k] != ref["edx"][k])
    expect_true(not wrong, "misclassified: " + ", ".join(wrong))


def _p7(ans, ref):
    expect_true(abs(number(ans["achr"], "the receptor fraction") - ref["w_achr"]) <= 0.015,
                "the receptor fraction does not reproduce patient W's decrement in the model")


PARTS = {
    "p1_tests": Part({**{f"d{i}": call("decrement_pct", c) for i, c in enumerate(_TRAINS)},
                      **{f"short{i}": call("decrement_pct", [float(x) for x in c[:5]])
                         for i, c in enumerate(_TRAINS)}}, _p1),
    "p2_tests": Part({"abnormal": value("rns_abnormal")}, _p2),
    "p3_tests": Part({**{f"m{i}": call("mcd_us", a, b) for i, (a, b) in enumerate(_PAIRS)},
                      "few": call("mcd_us", *_FEW)}, _p3),
    "p4_tests": Part({k: call("sfemg_abnormal", *args) for k, args in _SFEMG_CASES.items()}, _p4),
    "p5_tests": Part({"pred_rns": value("predicted_rns_abnormal"), "pred_sfemg": value("predicted_sfemg_abnormal"),
                      "dec": value("mild_decrement_pct"), "mcd": value("mild_mcd_us"),
                      "abnormal": value("mild_jitter_abnormal")}, _p5),
    "p6_tests": Part({"edx": value("edx_diagnosis")}, _p6),
    "p7_tests": Part({"achr": value("patient_w_achr_fraction")}, _p7),
}
