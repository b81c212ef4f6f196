"""Hidden checks of assignment 6 (injury and origins: lessons 06-07), run outside the students' kernels.

The references follow the model: they are computed by ``nbgrader generate_assignment`` from the
current ``mgmodel`` (disease, antibody_mixtures, safety). Tolerances: 1e-9 for the closed form of
Part 1a and the fold of Part 1b, 1 % for the modulation weight found by root finding through the
simulated junction, 0.5 % for the Na-channel and fold fractions found by root finding on the
threshold, 1e-6 for the mixture counting (exact arithmetic), exact matches for choices, rankings
and classifications, +-1 day for the neonatal half day and 2 % for the fitted half-life.
"""

import numpy as np

from grading import Part, call, expect_close, expect_equal, expect_true, number, value

_rng = np.random.default_rng(606)
_FOLDS = _rng.uniform(1.0, 3.0, 15)
_GAP_MV = 17.0                 # the "measured" depolarization needed to fire (Part 2)
_THETA = 0.6                   # occupancy of every clone (Part 3)
_ARCHETYPES = ("achr_early_onset", "achr_late_onset", "thymoma", "musk")
_CLASSIFICATION = {"A": "cause", "B": "risk factor", "C": "risk factor", "D": "association",
                   "E": "proposed link", "F": "unproven treatment", "G": "unproven treatment", "H": "cause"}


def references():
    import mgmodel as mg
    from scipy.optimize import brentq

    from mgmodel import therapy
    from mgmodel.antibody_mixtures import ACHR_SUBUNIT_COPIES, mixture_effect
    from mgmodel.disease import NA_CHANNEL_FOLD_SHARE, simulate_disease, simulate_junction, target_occupancy
    from mgmodel.patients import PATIENTS

    theta = float(target_occupancy(4.0))
    base = PATIENTS["achr_early_onset"].replace(antibody_load=4.0, w_block=0.0, w_complement=0.0)

    def left(w):
        j = simulate_junction(1.0, np.full((2, 1), theta), patient=base.replace(w_modulation=w), initial="steady")
        return float(j.achr_fraction[0, 0])

    na = brentq(lambda f: float(mg.threshold_gap_mV(f)) - _GAP_MV, 0.05, 1.0, xtol=1e-12)
    c = {k: mixture_effect(o).complement_activation
         for k, o in (("alpha", {"alpha": _THETA}), ("beta", {"beta": _THETA}),
                      ("both", {"alpha": _THETA, "beta": _THETA}))}
    without = {s: mixture_effect({t: _THETA for t in ACHR_SUBUNIT_COPIES if t != s}).complement_activation
               for s in ACHR_SUBUNIT_COPIES}
    options = {"complement inhibitor": therapy.ComplementInhibitor(start_day=0),
               "rituximab": therapy.Rituximab(start_day=0)}
    best = {}
    for p in ("achr_early_onset", "musk"):
        runs = {name: simulate_disease(p, 180, [t]) for name, t in options.items()}
        score = {name: mg.safety_factor(mg.mg_endplate(float(d.achr_fraction[180] * (1 - d.ach_site_block[180])),
                                                       float(d.na_channel_fraction[180])))
                 for name, d in runs.items()}
        best[p] = max(score, key=score.get)
    benefit = {p: float(simulate_disease(p, 730).pathogenic_igg.mean()
                        - simulate_disease(p, 730, [therapy.Thymectomy(start_day=0)]).pathogenic_igg.mean())
               for p in _ARCHETYPES}
    baby = simulate_disease("neonatal", 180).pathogenic_igg
    days = np.arange(30, 121)
    slope = float(np.polyfit(days, np.log(baby[30:121]), 1)[0])
    return {
        "steady": 1.0 / _FOLDS,
        "w_needed": float(brentq(lambda w: left(w) - 0.40, 0.0, 1.0, xtol=1e-10)),
        "na_fraction": float(na),
        "fold_fraction": float(1.0 - (1.0 - na) / NA_CHANNEL_FOLD_SHARE),
        "complement": {k: float(v) for k, v in c.items()},
        "synergy_ratio": float(c["both"] / (c["alpha"] + c["beta"])),
        "best_clone": min(without, key=without.get),
        "best_therapy": best,
        "ranking": sorted(benefit, key=benefit.get, reverse=True),
        "half_day": int(np.argmax(baby <= 0.5)),
        "apparent_half_life": float(np.log(2.0) / -slope),
    }


def _p1(ans, ref):
    expect_close(ans["steady"], ref["steady"], rtol=1e-9, what="the steady-state receptors")
    expect_close(ans["fold"], 2.5, rtol=1e-9, what="the degradation fold for 40 % of the receptors")
    expect_close(ans["w"], ref["w_needed"], rtol=0.01, what="the modulation weight (1 %)")


def _p2(ans, ref):
    expect_close(ans["na"], ref["na_fraction"], rtol=0.005, what="the Na-channel fraction (0.5 %)")
    expect_close(ans["folds"], ref["fold_fraction"], rtol=0.005, what="the fold fraction (0.5 %)")


def _p3(ans, ref):
    for key, name in (("alpha", "complement_alpha"), ("beta", "complement_beta"), ("both", "complement_both")):
        expect_close(ans[name], ref["complement"][key], rtol=1e-6, atol=1e-12, what=name)
    expect_close(ans["ratio"], ref["synergy_ratio"], rtol=1e-6, what="the synergy ratio")
    expect_equal(ans["clone"], ref["best_clone"], what="the clone whose removal helps most")


def _p4(ans, ref):
    expect_true(isinstance(ans["best"], dict), "best_therapy should be a dict")
    expect_equal(dict(ans["best"]), ref["best_therapy"], what="the choice of therapy")


def _p5(ans, ref):
    expect_equal(list(ans["ranking"]), ref["ranking"], what="the thymectomy ranking")


def _p6(ans, ref):
    expect_true(abs(number(ans["half_day"], "half_day") - ref["half_day"]) <= 1, "half_day is not the model's day")
    expect_close(ans["half_life"], ref["apparent_half_life"], rtol=0.02, what="the apparent half-life (2 %)")


def _p7(ans, ref):
    got = ans["classification"]
    expect_true(isinstance(got, dict) and set(got) == set(_CLASSIFICATION), "classify each of A to H")
    wrong = sum(got[k] != v for k, v in _CLASSIFICATION.items())
    expect_true(wrong == 0, "some of the 8 statements are classified differently from the key")


PARTS = {
    "p1_tests": Part({"steady": call("steady_receptors", _FOLDS), "fold": value("fold_needed"),
                      "w": value("w_needed")}, _p1),
    "p2_tests": Part({"na": value("na_fraction"), "folds": value("fold_fraction")}, _p2),
    "p3_tests": Part({"complement_alpha": value("complement_alpha"), "complement_beta": value("complement_beta"),
                      "complement_both": value("complement_both"), "ratio": value("synergy_ratio"),
                      "clone": value("best_clone_to_remove")}, _p3),
    "p4_tests": Part({"best": value("best_therapy")}, _p4),
    "p5_tests": Part({"ranking": value("thymectomy_ranking")}, _p5),
    "p6_tests": Part({"half_day": value("half_day"), "half_life": value("apparent_half_life_days")}, _p6),
    "p7_tests": Part({"classification": value("classification")}, _p7),
}
