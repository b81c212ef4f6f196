"""The lesson figures as plot_* calls (mgmodel.plots_fibres, mgmodel.plots_decrement).

Each function draws what the model computed, says so in its alt text, keeps its colours apart
under colour-vision deficiency, and rejects bad input with a ValueError naming it.
"""
import matplotlib
import numpy as np
import pytest

import mgmodel as mg
from mgmodel import plots, plots_decrement as PD, plots_fibres as PF
from mgmodel.presynaptic import relative_release

from test_widgets_palette import _check_figure

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def muscles():
    healthy = mg.sample_fibres(300, mg.HUMAN, rng=1)
    patient = mg.sample_fibres(300, mg.mg_endplate(0.5, 0.9), rng=1)
    return dict(healthy=healthy, patient=patient,
                rns_h=mg.simulate_rns(healthy, 3.0, 10, rng=2), rns_mg=mg.simulate_rns(patient, 3.0, 10, rng=2),
                train=mg.simulate_rns(patient, 20.0, 30, rng=2))


@pytest.fixture(autouse=True)
def _close():
    import matplotlib.pyplot as plt
    yield
    plt.close("all")


def _done(ax, *numbers):
    text = plots.alt_text(ax)
    for n in numbers:
        assert n in text, (n, text)
    fig = np.asarray(ax, dtype=object).ravel()[0].figure
    _check_figure(fig, text[:40])
    return text


def test_safety_factor_histogram(muscles):
    p = muscles["patient"]
    ax = PF.plot_safety_factor_histogram({"healthy": muscles["healthy"], "MG": p})
    assert sum(patch.get_height() for patch in ax.patches) == 2 * 300      # every fibre counted once
    _done(ax, f"median {np.median(p.safety_factor()):.2f}")
    with pytest.raises(ValueError, match="populations"):
        PF.plot_safety_factor_histogram({"MG": "not a muscle"})


def test_fibre_margins_and_muscle_train(muscles):
    p, run = muscles["patient"], muscles["train"]
    ax = PF.plot_fibre_margins(p, run)
    assert len(ax.lines) == 4
    _done(ax, "of 30 times")
    ax = PF.plot_muscle_train(p, run)
    force = p.force_weight @ run.fired
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 100 * force)
    _done(ax, f"{100 * force[0]:.0f} % at the first impulse")
    with pytest.raises(ValueError, match="fibres"):
        PF.plot_fibre_margins(mg.sample_fibres(10, mg.HUMAN, rng=1), run)


def test_recovery_after_rest(muscles):
    back = [mg.simulate_activation(muscles["patient"], 10.0, 20.0, rest_s=r, retest_s=2.0, rng=2) for r in (0, 20)]
    ax = PF.plot_recovery_after_rest(back)
    _done(ax, f"20 s: {100 * back[1].recovered_force:.0f} %")
    with pytest.raises(ValueError, match="results"):
        PF.plot_recovery_after_rest([])


def test_force_against_achr_uses_the_group_colours():
    ax = PF.plot_force_against_achr([1.0, 0.7, 0.4], {"ocular": [100, 80, 20], "limb": [100, 100, 85]})
    assert matplotlib.colors.to_hex(ax.lines[0].get_color()) == plots.OKABE_ITO["sky"].lower()
    _done(ax, "ocular below 90 % from AChR 0.70", "limb below 90 % from AChR 0.40")
    with pytest.raises(ValueError, match="achr_fraction"):
        PF.plot_force_against_achr([2.0, 0.5], {"limb": [1, 2]})
    with pytest.raises(ValueError, match="forces"):
        PF.plot_force_against_achr([1.0, 0.5], {"limb": [1, 2, 3]})


def test_rundown_to_decrement(muscles):
    runs = {"healthy": (muscles["healthy"], muscles["rns_h"]), "MG": (muscles["patient"], muscles["rns_mg"])}
    axes = PD.plot_rundown_to_decrement(relative_release(3.0, 10), runs)
    assert len(axes) == 3
    mg_run = muscles["rns_mg"]
    assert mg_run.cmap[0] > 0, "a moderate patient responds to the first stimulus"
    np.testing.assert_allclose(axes[2].lines[1].get_ydata(), 100 * mg_run.cmap / mg_run.cmap[0])
    _done(axes, f"decrement {mg_run.decrement_pct:.0f} %")
    with pytest.raises(ValueError, match="runs"):
        PD.plot_rundown_to_decrement(relative_release(3.0, 10), {"MG": muscles["rns_mg"]})


def test_cmap_series_rate_and_exercise(muscles):
    ax = PD.plot_cmap_series({"MG": muscles["rns_mg"], "healthy": muscles["rns_h"]})
    _done(ax, "MG: lowest response number")
    ax = PD.plot_decrement_by_rate([3, 10, 20], {"mild": [12, 8, 2], "severe": [40, 35, 20]})
    assert ax.get_xscale() == "log"
    _done(ax, "40 % at 3 Hz")
    ex = mg.simulate_exercise_test(muscles["patient"], 30.0, rng=3)
    ax = PD.plot_exercise_tests({"MG, 30 s": ex})
    _done(ax, f"{ex.baseline_decrement_pct:.0f} % before")
    with pytest.raises(ValueError, match="rates_hz"):
        PD.plot_decrement_by_rate([0, 3], {"a": [1, 2]})


def test_test_sensitivity():
    axes = PD.plot_test_sensitivity([1.0, 0.8, 0.6], [2.0, 6.0, 25.0], [20.0, 40.0, 70.0], 34.0)
    _done(axes, "abnormal (over 10 %) first at AChR 0.60", "first at AChR 0.80")
    with pytest.raises(ValueError, match="one length"):
        PD.plot_test_sensitivity([1.0, 0.8], [2.0], [20.0, 40.0], 34.0)


@pytest.fixture(scope="module")
def courses():
    return {"untreated": mg.simulate_course("achr_early_onset", 90),
            "prednisone from day 10": mg.simulate_course("achr_early_onset", 90, [mg.therapy.Prednisone(start_day=10)])}


def test_plot_courses(courses):
    from mgmodel.plots_clinic import COURSE_QUANTITIES, plot_courses
    for quantity in COURSE_QUANTITIES:
        ax = plot_courses(courses, quantity=quantity, crisis_line=quantity == "breathing strength")
        assert len(ax.lines) == 2 + (quantity == "breathing strength")
        _done(ax, "untreated: ", "prednisone from day 10: ")
    ax = plot_courses(courses, quantity="AChR")
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 100 * courses["prednisone from day 10"].achr_fraction)
    with pytest.raises(ValueError, match="quantity"):
        plot_courses(courses, quantity="happiness")
    with pytest.raises(ValueError, match="courses"):
        plot_courses({})


def test_plot_outcome_bars_and_therapy_matrix():
    from mgmodel.plots_clinic import plot_outcome_bars, plot_therapy_matrix
    ax = plot_outcome_bars({"alone": {"a": 8.0, "b": 6.0}, "with surgery": {"a": 5.0, "b": 6.0}},
                           ylabel="MG-ADL averaged over 3 years", title="t")
    assert len(ax.patches) == 4
    _done(ax, "with surgery: a 5, b 6")
    with pytest.raises(ValueError, match="groups"):
        plot_outcome_bars({"x": {"a": 1.0}, "y": {"b": 2.0}}, ylabel="y", title="t")
    ax = plot_therapy_matrix([[10.0, -5.0], [0.0, 30.0]], ["AChR", "MuSK"], ["prednisone", "rituximab"])
    _done(ax, "AChR: prednisone (+10)", "MuSK: rituximab (+30)")
    with pytest.raises(ValueError, match="shape"):
        plot_therapy_matrix([[1.0]], ["a", "b"], ["c"])


def test_injury_plots():
    from mgmodel.disease import simulate_junction, target_occupancy
    from mgmodel.plots_injury import plot_crosslinking, plot_receptor_loss
    patient = mg.PATIENTS["achr_early_onset"]
    theta = float(target_occupancy(patient.antibody_load))
    runs = {"all routes": simulate_junction(1.0, np.full((61, 1), theta), patient=patient, initial="healthy"),
            "blockade only": simulate_junction(1.0, np.full((61, 1), theta), initial="healthy",
                                               patient=patient.replace(w_modulation=0.0, w_complement=0.0))}
    ax = plot_receptor_loss(runs)
    jn = runs["all routes"]
    usable = jn.achr_fraction[:, 0] * (1 - jn.ach_site_block[:, 0])
    _done(ax, f"all routes: {100 * (1 - usable[-1]):.0f} % lost by day 60")
    axes = plot_crosslinking()
    _done(axes, "IgG with two arms (cross-links): degradation up to")
    with pytest.raises(ValueError, match="occupancy"):
        plot_crosslinking(occupancy=[0.5, 2.0])
    with pytest.raises(ValueError, match="junctions"):
        plot_receptor_loss({"x": 1})


def test_plot_courses_takes_a_slow_course_for_what_it_has():
    from mgmodel.plots_clinic import plot_courses
    slow = {"FcRn antagonist": mg.simulate_disease("achr_early_onset", 60, [mg.therapy.FcRnAntagonist()]),
            "untreated": mg.simulate_disease("achr_early_onset", 60)}
    ax = plot_courses(slow, quantity="pathogenic antibody")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 100 * slow["FcRn antagonist"].pathogenic_igg)
    _done(ax, "FcRn antagonist: 100 on day 0")
    with pytest.raises(ValueError, match="has no 'limb strength'"):
        plot_courses(slow, quantity="limb strength")


def test_curare_test_and_adl_against_load():
    from mgmodel.plots_injury import plot_adl_against_load
    block = np.linspace(0, 0.9, 10)
    sf = {"healthy": 2.0 * (1 - block), "AChR 50 %": 1.2 * (1 - block)}
    ax = plots.plot_curare_test(block, sf)
    _done(ax, "healthy: SF 2.00 unblocked, below 1 from 60 % blocked", "AChR 50 %: SF 1.20 unblocked, below 1 from 20 %")
    with pytest.raises(ValueError, match="block"):
        plots.plot_curare_test([0.0, 1.0], {"x": [1, 2]})
    ax = plot_adl_against_load([0.5, 1.0, 1.5], [2, 9, 10], grid=[0.5, 1.5], one_patient=[3, 12])
    _done(ax, "3 patients", "from 3 to 12")
    with pytest.raises(ValueError, match="one length"):
        plot_adl_against_load([0.5, 1.0], [2])


def test_pyridostigmine_doses():
    from mgmodel.plots_clinic import plot_pyridostigmine_doses
    doses = np.arange(15, 481, 15)
    peak = np.array([mg.therapy.Pyridostigmine(dose_mg=d).daily_inhibition()[1] for d in doses])
    ax = plot_pyridostigmine_doses(doses, peak, {"normal endplate": 1.0, "COLQ deficiency": 0.05})
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 100 * (1 - peak))
    _done(ax, "COLQ deficiency: below the block line from 15 mg")
    with pytest.raises(ValueError, match="baselines"):
        plot_pyridostigmine_doses(doses, peak, {"x": 0.0})


# --- added by H6b: the figures of lessons 01-03 and 10 -------------------------------------------

def test_plot_quantum_and_endplate_currents():
    one = mg.simulate_epp(mg.HUMAN, quanta=1)
    axes = plots.plot_quantum(one)
    np.testing.assert_allclose(axes[1].lines[0].get_ydata(), one.open_channels)
    _done(axes, f"peaks at {one.ach_uM.max():.0f} µM", f"{one.peak_open_channels:,.0f}")
    slow = mg.simulate_epp(mg.HUMAN.replace(ache_activity=0.1))
    ax = plots.plot_endplate_currents({"AChE 100%": mg.simulate_epp(mg.HUMAN), "AChE 10%": slow})
    _done(ax, f"AChE 10%: decay time constant {slow.epc_decay_ms:.2f} ms")
    with pytest.raises(ValueError, match="EPPResult"):
        plots.plot_quantum("not a result")
    with pytest.raises(ValueError, match="results"):
        plots.plot_endplate_currents({"x": 1})


def test_plot_lines_and_safety_map():
    ach = np.geomspace(0.1, 1e4, 50)
    ax = plots.plot_lines(ach, {"no curare": mg.open_probability(ach)}, logx=True, reference=(0.5, "half open"),
                          xlabel="ACh concentration (µM)", ylabel="open probability", title="t")
    assert ax.get_xscale() == "log" and len(ax.lines) == 2
    _done(ax, "Open probability against ACh concentration", "half open at 0.5")
    with pytest.raises(ValueError, match=r"lines\['a'\]"):
        plots.plot_lines([1, 2, 3], {"a": [1, 2]}, xlabel="x", ylabel="y", title="t")
    A, N = np.meshgrid(np.linspace(0.1, 1, 20), np.linspace(0.1, 1, 20))
    sf = mg.epp_fast(mg.HUMAN, achr_fraction=A, na_channel_fraction=N) / mg.threshold_gap_mV(N)
    ax = plots.plot_safety_map(A, N, sf)
    _done(ax, "with the folds intact transmission fails below AChR")
    with pytest.raises(ValueError, match="2-D grids"):
        plots.plot_safety_map(A, N, sf[:5])


def test_trial_lesson_plots():
    from mgmodel import trials
    ax = trials.plot_placebo_sources(["none", "all three"], [-0.2, -2.0], published=-1.4)
    _done(ax, "all three -2.0", "published placebo arm at -1.4")
    ax = trials.plot_power(np.arange(5, 101), 1 - np.exp(-np.arange(5, 101) / 30), actual_n=86)
    _done(ax, "power reaches 80 % at 49 per arm")
    result = trials.run_trial("ADAPT", n_per_arm=10, progress=False)
    ax = trials.plot_change_histogram(result)
    assert sum(p.get_height() for p in ax.patches) == result.patients["arm"].size
    _done(ax, f"{result.arms[0]}: 10 patients")
    with pytest.raises(ValueError, match="one length"):
        trials.plot_placebo_sources(["a"], [1.0, 2.0])
    with pytest.raises(ValueError, match="TrialResult"):
        trials.plot_change_histogram("x")
