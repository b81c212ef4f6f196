"""Hidden checks of assignment 1 (receptor binding), run outside the students' kernels.

The inputs below are public (they are sent into the kernel to call the student's functions);
the references are computed by ``nbgrader generate_assignment`` and stored in
``grading_store/references/01_receptor_binding.json``. Tolerances: 1e-9 relative for closed
forms, 1e-6 for the two-site scheme, 0.5 % for the EC50 found by root finding, 1 % and 2 %
for the MEPP results that depend on the simulated endplate.
"""

import numpy as np

from grading import Part, call, expect_close, value

_rng = np.random.default_rng(101)
_T, _K = _rng.uniform(0.0, 50.0, 25), _rng.uniform(0.05, 5.0, 25)
_rng = np.random.default_rng(202)
_P, _K2 = _rng.uniform(0.01, 0.99, 30), _rng.uniform(0.05, 5.0, 30)
_C = np.geomspace(0.1, 1e4, 40)
_OPEN_CASES = ((80.0, 2.0), (35.0, 1.2), (150.0, 5.0))   # (kd_site_uM, alpha_per_ms)
_BLOCK_CASES = ((0.5, 0.2), (2.0, 0.1), (0.05, 0.3))     # (antagonist_uM, kb_uM)


def _efficacy(alpha_per_ms):
    """E = beta / alpha of the human receptor with closing rate ``alpha_per_ms`` (an input)."""
    import mgmodel as mg

    return float(mg.HUMAN.beta_per_ms / alpha_per_ms)


def references():
    import mgmodel as mg
    from scipy.optimize import brentq

    m0 = mg.simulate_epp(mg.HUMAN, quanta=1).peak_epp_mV

    def ratio(t):
        return mg.simulate_epp(mg.HUMAN.replace(ach_site_block=t / (t + 0.5)), quanta=1).peak_epp_mV / m0

    refs = {
        "occupancy": _T / (_T + _K),
        "occupancy_model": np.asarray(mg.antibody_occupancy(_T, _K), dtype=float),
        "titer": _K2 * _P / (1.0 - _P),
        "ec50": float(mg.ec50_uM(mg.HUMAN)),
        "mepp_ratio": float(mg.simulate_epp(mg.HUMAN.replace(ach_site_block=0.3 / 0.8), quanta=1).peak_epp_mV / m0),
        "titer_half": float(brentq(lambda t: ratio(t) - 0.5, 1e-3, 100.0, xtol=1e-7)),
    }
    for i, (kd, alpha) in enumerate(_OPEN_CASES):
        ep = mg.HUMAN.replace(kd_site_uM=kd, alpha_per_ms=alpha)
        refs[f"popen{i}"] = np.asarray(mg.open_probability(_C, ep), dtype=float)
    for i, (b, kb) in enumerate(_BLOCK_CASES):
        refs[f"dose_ratio{i}"] = float(mg.ec50_uM(mg.HUMAN, antagonist_uM=b, antagonist_kd_uM=kb)
                                       / mg.ec50_uM(mg.HUMAN))
    return refs


def _p1(ans, ref):
    expect_close(ans["theta"], ref["occupancy"], rtol=1e-9, what="occupancy")
    expect_close(ans["theta"], ref["occupancy_model"], rtol=1e-9, what="occupancy (against mgmodel)")
    expect_close(ans["half"], 0.5, atol=1e-12, what="occupancy at titer = K_d")


def _p2(ans, ref):
    expect_close(ans["titer"], ref["titer"], rtol=1e-9, what="the titer")


def _p3(ans, ref):
    for i in range(len(_OPEN_CASES)):
        expect_close(ans[f"p{i}"], ref[f"popen{i}"], rtol=1e-6, atol=1e-12, what="P_open of the two-site scheme")


def _p4(ans, ref):
    expect_close(ans["ec50"], ref["ec50"], rtol=0.005, what="the EC50 (0.5 %)")


def _p5(ans, ref):
    for i in range(len(_BLOCK_CASES)):
        expect_close(ans[f"r{i}"], ref[f"dose_ratio{i}"], rtol=1e-6, what="the dose ratio")


def _p6(ans, ref):
    expect_close(ans["ratio"], ref["mepp_ratio"], rtol=0.01, what="the MEPP ratio (1 %)")


def _p7(ans, ref):
    expect_close(ans["titer"], ref["titer_half"], rtol=0.02, what="the titer (2 %)")


PARTS = {
    "p1_tests": Part({"theta": call("occupancy", _T, _K), "half": call("occupancy", 0.7, 0.7)}, _p1),
    "p2_tests": Part({"titer": call("titer_for_occupancy", _P, _K2)}, _p2),
    "p3_tests": Part({f"p{i}": call("open_prob_two_site", _C, kd, _efficacy(alpha))
                      for i, (kd, alpha) in enumerate(_OPEN_CASES)}, _p3),
    "p4_tests": Part({"ec50": value("ec50_numeric_uM")}, _p4),
    "p5_tests": Part({f"r{i}": call("dose_ratio", b, kb) for i, (b, kb) in enumerate(_BLOCK_CASES)}, _p5),
    "p6_tests": Part({"ratio": value("mepp_ratio_blocked")}, _p6),
    "p7_tests": Part({"titer": value("titer_half_mepp_nM")}, _p7),
}
