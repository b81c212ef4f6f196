"""One drawing per figure: panels draw with the same views as the static plot_* functions.

Also: alt text on every static figure, readable fonts in every panel, and the redraw from a kept
background equal to a full redraw for the panels built on views.
"""
import ast
import pathlib
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import mgmodel as mg
from mgmodel import plots, widgets
from mgmodel.plots_clinic import CourseView, TimelineView, plot_course
from mgmodel.plots_edx import RNSView, plot_rns

matplotlib.use("Agg")
WIDGETS = pathlib.Path(mg.__file__).parent / "widgets"


def _lines_data(lines):
    return [np.asarray(line.get_ydata(), float) for line in lines]


# ------------------------------------------------------------------------------------------
# views shared by plot_* and panels
# ------------------------------------------------------------------------------------------
def test_rns_panel_draws_with_the_view_of_plot_rns():
    panel = widgets.rns_panel()
    r = panel.update(achr_fraction=0.4, na_channel_fraction=0.85)
    assert isinstance(panel.view, RNSView)
    # the same view on a fresh figure gives the same traces, note and title as the panel
    ax = Figure().add_subplot()
    fresh = RNSView(ax, panel.n_stimuli, full_cmap_mV=panel.full_cmap_mV, window_ms=panel.window_ms,
                    n_points=120, compact=True).update(r)
    for a, b in zip(_lines_data(panel.view.traces), _lines_data(ax.lines[::2])):
        np.testing.assert_array_equal(a, b)
    assert fresh.note.get_text() == panel.view.note.get_text() == f"decrement {r.decrement_pct:.0f} %"
    static = plot_rns(r, Figure().add_subplot())
    assert static.get_title() == panel.view.ax.get_title()
    assert any(f"{r.decrement_pct:.1f} %" in t.get_text() for t in static.texts)
    # the amplitudes drawn are the model's
    peak = [np.max(np.asarray(line.get_ydata())) for line in panel.view.traces]
    np.testing.assert_allclose(peak, panel.full_cmap_mV * r.cmap * np.max(panel.view.shape))


def test_therapy_panel_draws_with_the_view_of_plot_course():
    panel = widgets.therapy_panel()
    r = panel.update(patient="achr_late_onset", prednisone_day=30, azathioprine_day=30, readout_day=120)
    assert isinstance(panel.view, CourseView) and isinstance(panel.view.timeline, TimelineView)
    axes = plot_course(r["course"], np.array([Figure().add_subplot(4, 1, k + 1) for k in range(4)]),
                       untreated=r["untreated"])
    view_lines = [panel.view.path, panel.view.igg, panel.view.albumin, panel.view.achr, panel.view.folds,
                  *panel.view.sf.values(), panel.view.adl]
    static_lines = [*axes[0].lines[:3], *axes[1].lines[:2], *axes[2].lines[:4], axes[3].lines[1]]
    for a, b in zip(_lines_data(view_lines), _lines_data(static_lines)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(panel.view.axes, axes):
        assert a.get_ylabel() == b.get_ylabel()
    # azathioprine is drawn on its own row of the timeline (it was labelled "immunosuppressant")
    assert panel.view.timeline.bars["azathioprine"].get_visible()
    assert panel.view.timeline.bars["prednisone"].get_visible()
    assert not panel.view.timeline.bars["rituximab"].get_visible()


def _same_lines(a, b):
    """Two lists of Line2D hold the same x and y data."""
    assert len(a) == len(b)
    for la, lb in zip(a, b):
        np.testing.assert_array_equal(np.asarray(la.get_xdata(), float), np.asarray(lb.get_xdata(), float))
        np.testing.assert_array_equal(np.asarray(la.get_ydata(), float), np.asarray(lb.get_ydata(), float))


def _moves_in_place(panel, change, artists):
    """``update(**change)`` keeps the figure's Axes and the given artists, and changes their data."""
    axes, kept = list(panel.figure.axes), list(artists())
    before = [np.array(a.get_array() if hasattr(a, "get_array") and not hasattr(a, "get_xydata")
                       else a.get_xydata(), dtype=float, copy=True) for a in kept]
    panel.update(**change)
    assert panel.figure.axes == axes and all(x is y for x, y in zip(panel.figure.axes, axes))
    assert all(x is y for x, y in zip(artists(), kept)), "update re-created artists"
    after = [np.asarray(a.get_array() if hasattr(a, "get_array") and not hasattr(a, "get_xydata")
                        else a.get_xydata(), dtype=float) for a in kept]
    assert any(b.shape != c.shape or not np.array_equal(b, c, equal_nan=True) for b, c in zip(before, after))


def test_sfemg_panel_draws_with_the_views_of_plot_sfemg_and_plot_jitter_pairs():
    from mgmodel.plots_sfemg import JitterPairsView, SFEMGView, plot_jitter_pairs
    panel = widgets.sfemg_panel()
    r = panel.update(achr_fraction=0.45, na_channel_fraction=0.85, muscle="bulbar")
    assert isinstance(panel.raster_view, SFEMGView) and isinstance(panel.pairs_view, JitterPairsView)
    raster = mg.plot_sfemg(r, Figure().add_subplot(), max_sweeps=panel.n_sweeps)
    pairs = plot_jitter_pairs(r, Figure().add_subplot())
    _same_lines([panel.raster_view.second, panel.raster_view.blocked], raster.lines[1:3])
    _same_lines([panel.pairs_view.ok, panel.pairs_view.blk, panel.pairs_view.mean], pairs.lines[:2] + pairs.lines[4:5])
    assert raster.get_title() == panel._ax1.get_title() and pairs.get_title() == panel._ax2.get_title()
    # the pair drawn is the model's most jittery one, and its sweeps are the model's latencies
    p = int(np.argmax(np.where(np.isfinite(r.mcd_us), r.mcd_us, np.inf)))
    assert panel.raster_view.pair == p and f"{r.mcd_us[p]:.0f} µs" in raster.get_title()
    lat = r.latency_ms[p][:, :panel.n_sweeps]
    assert panel.raster_view.blocked.get_xydata().shape[0] == int(np.sum(~np.all(np.isfinite(lat), axis=0)))
    # the sorted MCDs are the model's (pairs without a value at the one-pair limit)
    drawn = np.sort(np.concatenate([panel.pairs_view.ok.get_ydata(), panel.pairs_view.blk.get_ydata()]))
    scored = np.where(np.isfinite(r.mcd_us), r.mcd_us, r.limit_pair_us)
    np.testing.assert_allclose(drawn, np.sort(np.minimum(scored, panel.mcd_top_us)))
    _moves_in_place(panel, dict(achr_fraction=0.8), lambda: [panel.raster_view.second, panel.pairs_view.ok])


def test_fatigue_panel_draws_with_the_view_of_plot_force():
    from mgmodel.plots_edx import ForceView
    panel = widgets.fatigue_panel()
    r = panel.update(achr_fraction=0.4, rest_s=20.0)
    assert isinstance(panel.view, ForceView)
    ax = mg.plot_force(r, Figure().add_subplot())
    _same_lines([panel.view.use, panel.view.retest], ax.lines[:2])
    np.testing.assert_allclose(panel.view.use.get_ydata(), 100 * r.force[r.bout == 0])
    assert panel.view.rest.get_x() == ax.patches[0].get_x() == r.duration_s
    assert panel.view.rest.get_width() == ax.patches[0].get_width() == r.rest_s
    assert ax.get_xlim() == panel._ax.get_xlim()
    assert f"{r.fatigue_pct:.0f} % lost" in panel._ax.get_title()
    _moves_in_place(panel, dict(achr_fraction=0.7), lambda: [panel.view.use, panel.view.retest])
    # overlaid results on one Axes: the time axis holds the longest
    long = mg.simulate_activation(mg.sample_fibres(50, mg.HUMAN, rng=1), 40.0, 20.0, 30.0, rng=2)
    both = mg.plot_force(long, mg.plot_force(r, Figure().add_subplot()))
    assert both.get_xlim()[1] >= 40.0 + 30.0 + long.retest_s


def test_population_panel_draws_with_the_views_of_plots_fibres():
    from mgmodel.plots_fibres import FiringRasterView, MuscleTrainView, plot_firing_raster, plot_muscle_train
    panel = widgets.population_panel()
    r = panel.update(achr_fraction=0.5, rate_hz=30.0, muscle="ocular")
    assert isinstance(panel.raster_view, FiringRasterView) and isinstance(panel.train_view, MuscleTrainView)
    raster = plot_firing_raster(r["population"], r["run"], Figure().add_subplot())
    train = plot_muscle_train(r["population"], r["run"], Figure().add_subplot())
    np.testing.assert_array_equal(panel.raster_view.image.get_array(), raster.images[0].get_array())
    np.testing.assert_array_equal(panel.raster_view.image.get_array(), r["raster"].astype(float))
    assert raster.get_title() == panel._ax1.get_title()
    _same_lines([panel.train_view.firing, panel.train_view.force], train.lines[:2])
    np.testing.assert_allclose(panel.train_view.force.get_ydata(), 100 * r["force"])
    _moves_in_place(panel, dict(achr_fraction=0.3), lambda: [panel.raster_view.image, panel.train_view.force])


def test_exercise_panel_draws_with_the_views_of_plots_decrement():
    from mgmodel.plots_decrement import CMAPSeriesView, ExerciseTestView, plot_cmap_series, plot_exercise_tests
    panel = widgets.exercise_panel()
    r = panel.update(achr_fraction=0.45, exercise_s=45.0)
    assert isinstance(panel.test_view, ExerciseTestView) and isinstance(panel.train_view, CMAPSeriesView)
    tests = plot_exercise_tests({"decrement": r}, Figure().add_subplot())
    trains = plot_cmap_series(panel.trains(r), Figure().add_subplot())
    _same_lines(list(panel.test_view.lines.values()), tests.lines[1:2])
    np.testing.assert_allclose(panel.test_view.lines["decrement"].get_ydata()[1:], r.decrement_pct)
    assert tests.get_title() == panel._ax1.get_title() == "The exercise test: 45 s of exercise"
    _same_lines(list(panel.train_view.lines.values()), trains.lines[:3])
    np.testing.assert_allclose(panel.train_view.lines["before exercise"].get_ydata(),
                               100 * r.baseline.cmap / r.baseline.cmap[0])
    _moves_in_place(panel, dict(achr_fraction=0.7), lambda: list(panel.test_view.lines.values()))


def test_rns_panel_amplitudes_are_plot_cmap_series():
    from mgmodel.plots_decrement import plot_cmap_series
    panel = widgets.rns_panel()
    r = panel.update(achr_fraction=0.4, rate_hz=5.0)
    ax = plot_cmap_series({"amplitude": r}, Figure().add_subplot())
    _same_lines(panel.amplitude_view.moving, ax.lines[:1])
    _moves_in_place(panel, dict(achr_fraction=0.6), lambda: [*panel.view.traces, *panel.amplitude_view.moving])


def test_new_views_reject_bad_input():
    from mgmodel.plots_decrement import CMAPSeriesView, ExerciseTestView
    from mgmodel.plots_edx import ForceView
    from mgmodel.plots_fibres import MuscleTrainView, plot_firing_raster
    from mgmodel.plots_sfemg import JitterPairsView, SFEMGView, plot_jitter_pairs
    for view in (SFEMGView(Figure().add_subplot()), JitterPairsView(Figure().add_subplot()),
                 ForceView(Figure().add_subplot())):
        with pytest.raises(ValueError, match="Result"):
            view.update(None)
    with pytest.raises(ValueError, match="n_sweeps"):
        SFEMGView(Figure().add_subplot(), 0)
    with pytest.raises(ValueError, match="labels"):
        CMAPSeriesView(Figure().add_subplot(), [])
    with pytest.raises(ValueError, match="labels"):
        CMAPSeriesView(Figure().add_subplot(), ["a"]).update({"b": None})
    with pytest.raises(ValueError, match="times_after_s"):
        ExerciseTestView(Figure().add_subplot(), ["a"], [-5.0])
    with pytest.raises(ValueError, match="FibrePopulation"):
        MuscleTrainView(Figure().add_subplot(), 10).update(None, None)
    with pytest.raises(ValueError, match="FibrePopulation"):
        plot_firing_raster(None, None)
    with pytest.raises(ValueError, match="SFEMGResult"):
        plot_jitter_pairs("x")


def test_timeline_rejects_a_therapy_without_a_row():
    view = TimelineView(Figure().add_subplot(), ["prednisone"])
    with pytest.raises(ValueError, match="without a row"):
        view.update([("immunosuppressant", 0, 10)], 100)


def test_course_view_rejects_bad_input():
    with pytest.raises(ValueError, match="4 Axes"):
        CourseView([Figure().add_subplot()])
    view = CourseView([Figure().add_subplot(4, 1, k + 1) for k in range(4)])
    with pytest.raises(ValueError, match="CourseResult"):
        view.update(None)


@pytest.mark.parametrize("name, change", [
    ("therapy_panel", dict(prednisone_day=40, readout_day=200)),
    ("rns_panel", dict(achr_fraction=0.45)),
    ("clinic_panel", dict(complement_day=20)),
    ("pyridostigmine_panel", dict(dose_mg=90.0)),
    ("fcrn_panel", dict(plex_sessions=3)),
])
def test_fast_redraw_equals_a_full_redraw(name, change):
    panel = widgets.PANELS[name]()
    panel.update(**change)
    fast = panel.png()
    panel._background_key = None          # force a full redraw
    assert panel.png() == fast


# ------------------------------------------------------------------------------------------
# alt text
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def results():
    pop = mg.sample_fibres(300, mg.mg_endplate(0.35, 0.8), rng=1)
    return dict(epp=mg.simulate_epp(mg.HUMAN, 30), rns=mg.simulate_rns(pop, 3.0, rng=2),
                sfemg=mg.simulate_sfemg(pop, 20, 100, rng=2),
                force=mg.simulate_activation(pop, 20.0, 20.0, 20.0, rng=2),
                course=mg.simulate_course("achr_early_onset", 120, [mg.therapy.Prednisone(start_day=10)]))


@pytest.mark.parametrize("plot, key, number", [
    ("plot_epp", "epp", lambda r: f"{r.peak_epp_mV:.1f} mV"),
    ("plot_rns", "rns", lambda r: f"{r.decrement_pct:.1f} %"),
    ("plot_sfemg", "sfemg", lambda r: f"{r.mean_mcd_us:.0f} µs"),
    ("plot_force", "force", lambda r: f"{r.fatigue_pct:.0f} %"),
    ("plot_course", "course", lambda r: f"MG-ADL score (0-24), from {r.mg_adl[0]} on day 0"),
])
def test_every_static_plot_has_alt_text_with_its_numbers(results, plot, key, number):
    import matplotlib.pyplot as plt
    r = results[key]
    ax = getattr(mg, plot)(r)
    text = plots.alt_text(ax)
    assert len(text) > 80 and number(r) in text, text
    html = plots.figure_html(ax)
    assert html.startswith("<img") and 'alt="' in html and "data:image/png;base64," in html
    plt.close("all")


def test_alt_text_per_axes_and_show(monkeypatch, results):
    import IPython.display
    import matplotlib.pyplot as plt
    fig = plt.figure()
    a, b = fig.subplots(1, 2)
    mg.plot_epp(results["epp"], a)
    mg.plot_force(results["force"], b)
    text = plots.alt_text(fig)
    assert text.startswith("Endplate potential") and "Force in %" in text
    mg.plot_epp(results["epp"], a, show_threshold=False)        # redrawn: replaced, not appended
    assert plots.alt_text(fig).count("Endplate potential") == 1
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    plots.show(a)
    assert type(shown[0]).__name__ == "HTML" and 'alt="Endplate potential' in shown[0].data
    assert not plt.fignum_exists(fig.number)                    # closed: not shown twice
    with pytest.raises(ValueError, match="text"):
        plots.set_alt_text(a, "  ")
    with pytest.raises(ValueError, match="Figure or Axes"):
        plots.alt_text("not a figure")


# ------------------------------------------------------------------------------------------
# alt text of panels: the fixed description plus the current state
# ------------------------------------------------------------------------------------------
def _img_alt(panel):
    import html as html_
    m = re.search(r'alt="([^"]*)"', panel.image.value)
    assert m, panel.image.value[:80]
    return html_.unescape(m.group(1))


def _move_one_control(panel, name):
    if name == "clinic_panel":
        panel.order("exam")
        panel.run()
        return
    ctrl, w = next((k, w) for k, w in panel.controls.items() if hasattr(w, "min"))
    lo, hi = (10 ** w.min, 10 ** w.max) if "Log" in type(w).__name__ else (w.min, w.max)
    target = lo + 0.3 * (hi - lo) if abs(w.value - (lo + 0.3 * (hi - lo))) > 1e-9 else lo + 0.7 * (hi - lo)
    panel.update(**{ctrl: type(w.value)(target)})


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_alt_text_follows_its_state(name):
    panel = widgets.PANELS[name]()
    assert type(panel).alt_state is not widgets.Panel.alt_state, f"{name} does not describe its state"
    first = _img_alt(panel)
    assert first == panel.alt_text and first.startswith(panel.alt.strip())
    state = first[len(panel.alt.strip()):]
    assert state.startswith(" Now: ") and re.search(r"\d", state), f"{name}: no numbers in {state!r}"
    assert not re.search(r"<[a-zA-Z/]|&\w+;", state), f"{name}: markup in the alt text: {state!r}"
    _move_one_control(panel, name)
    assert _img_alt(panel) != first, f"{name}: the alt text did not follow the update"
    assert _img_alt(panel) == panel.alt_text


@pytest.mark.parametrize("name, change, number", [
    ("rns_panel", dict(achr_fraction=0.35), lambda r: f"decrement {r.decrement_pct:.0f} %"),
    ("sfemg_panel", dict(achr_fraction=0.4), lambda r: f"Mean MCD {r.mean_mcd_us:.0f} µs"),
    ("sfemg_panel", dict(achr_fraction=0.4),
     lambda r: f"blocking in {r.pairs_with_blocking} of {r.n_pairs} pairs"),
    ("fatigue_panel", dict(achr_fraction=0.4), lambda r: f"fatigue {r.fatigue_pct:.0f} %"),
    ("exercise_panel", dict(achr_fraction=0.4), lambda r: f"{r.baseline_decrement_pct:.0f} % before"),
    ("population_panel", dict(achr_fraction=0.4),
     lambda r: f"{100 * r['fraction_firing'][-1]:.0f} % at the last"),
])
def test_panel_alt_text_holds_the_numbers_of_two_states(name, change, number):
    panel = widgets.PANELS[name]()
    texts = []
    for step in (None, change):
        r = panel.result if step is None else panel.update(**step)
        text = _img_alt(panel)
        assert number(r) in text, (number(r), text)
        texts.append(text)
    assert texts[0] != texts[1]


def test_headless_display_carries_the_alt_text(monkeypatch):
    import IPython.display
    monkeypatch.setenv("MGMODEL_HEADLESS", "1")
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    panel = widgets.rns_panel(achr_fraction=0.4)
    panel._ipython_display_()
    image = shown[-1]
    assert type(image).__name__ == "Image" and image.alt == panel.alt_text
    assert f"decrement {panel.result.decrement_pct:.0f} %" in image.alt


# ------------------------------------------------------------------------------------------
# fonts
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_text_is_readable(name):
    panel = widgets.PANELS[name]()
    if name == "clinic_panel":
        panel.order("exam")
        panel.run()
    else:                                    # move one slider: refreshed titles stay readable too
        ctrl, w = next((k, w) for k, w in panel.controls.items() if hasattr(w, "min"))
        lo, hi = (10 ** w.min, 10 ** w.max) if "Log" in type(w).__name__ else (w.min, w.max)
        panel.update(**{ctrl: type(w.value)(lo + 0.4 * (hi - lo))})
    panel.png()
    small = [(t.get_text(), t.get_fontsize()) for t in panel.figure.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_fontsize() < plots.MIN_FONT_PT]
    assert not small, f"{name}: texts below {plots.MIN_FONT_PT} pt: {small[:5]}"


# ------------------------------------------------------------------------------------------
# rooms: no private names imported across modules; one place for the shared constants
# ------------------------------------------------------------------------------------------
def test_widgets_import_no_private_names():
    bad = []
    for path in sorted(WIDGETS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                bad += [f"{path.name}: from {node.module} import {a.name}" for a in node.names
                        if a.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and isinstance(node.value, ast.Name) and node.value.id not in ("self", "panel", "r", "cls"):
                bad.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert not bad, bad


def test_decrement_limit_and_group_colours_live_in_one_place():
    from mgmodel import criteria
    assert criteria.DECREMENT_LIMIT_PCT == 10.0                     # Abraham et al. 2017
    assert criteria.decrement_is_abnormal(10.0) and not criteria.decrement_is_abnormal(9.99)
    assert not criteria.decrement_is_abnormal(float("nan"))
    assert criteria.decrement_verdict(float("nan")) == "not defined"
    for path in [*WIDGETS.glob("*.py"), WIDGETS.parent / "plots_clinic.py", WIDGETS.parent / "cases.py"]:
        text = path.read_text()
        assert not re.search(r'"ocular": \("(' + "|".join(plots.OKABE_ITO) + ')"', text), \
            f"{path.name} defines its own muscle-group colours"
        assert ">= 10" not in text and "< 10 %" not in text and "≥ 10 %" not in text, \
            f"{path.name} writes the decrement limit itself"
