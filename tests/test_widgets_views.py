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
