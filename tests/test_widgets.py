"""Drive every panel: set values, check that the result, the numbers shown and the figure change."""
import os

import numpy as np
import pytest

from mgmodel import HUMAN, safety_factor, simulate_epp, widgets


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_answers_every_control(name):
    panel = widgets.PANELS[name]()
    for ctrl, w in panel.controls.items():
        if not hasattr(w, "min"):
            continue
        before_png, before_text = panel.png(), panel.readout.value
        lo, hi = (10 ** w.min, 10 ** w.max) if "Log" in type(w).__name__ else (w.min, w.max)
        target = lo + 0.37 * (hi - lo) if w.value != lo + 0.37 * (hi - lo) else lo + 0.6 * (hi - lo)
        panel.update(**{ctrl: target})
        assert panel.png() != before_png, f"{name}.{ctrl}: figure did not change"
        assert panel.readout.value != before_text, f"{name}.{ctrl}: numbers did not change"
        assert 'alt="' in panel.image.value


def test_epp_panel_numbers_match_the_model():
    panel = widgets.epp_panel()
    r = panel.update(achr_fraction=0.5, quanta=30.0, ache_activity=0.7)
    ref = simulate_epp(HUMAN.replace(achr_fraction=0.5, ache_activity=0.7), 30.0)
    assert r.peak_epp_mV == pytest.approx(ref.peak_epp_mV, rel=1e-6)
    assert f"{ref.peak_epp_mV:.1f} mV" in panel.readout.value


def test_safety_panel_reports_failure():
    panel = widgets.safety_panel()
    assert panel.result["fires"]
    r = panel.update(achr_fraction=0.15)
    assert not r["fires"]
    assert r["sf"] == pytest.approx(safety_factor(HUMAN.replace(achr_fraction=0.15)), rel=1e-3)
    assert "FAILS" in panel.readout.value


def test_slider_move_triggers_redraw():
    panel = widgets.receptor_panel()
    before = panel.result["p_at_ach"]
    panel.controls["ach_uM"].value = 500.0   # as if a learner moved the slider
    assert panel.result["p_at_ach"] > before


def test_receptor_panel_curare_shifts_ec50():
    panel = widgets.receptor_panel()
    r = panel.update(curare_uM=1.0)
    assert r["ec50_blocked_uM"] > 5 * r["ec50_control_uM"]


def test_bad_update_names_the_control():
    panel = widgets.epp_panel()
    with pytest.raises(ValueError, match="achr"):
        panel.update(achr=0.5)
    with pytest.raises(ValueError, match=r"achr_fraction must lie in \[0.05, 1.5\]"):
        panel.update(achr_fraction=3.0)
    with pytest.raises(ValueError, match="no control"):
        widgets.safety_panel(bogus=1)


def test_headless_mode_renders_a_static_figure(monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert widgets.is_headless()
    shown = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    widgets.epp_panel()._ipython_display_()
    kinds = [type(o).__name__ for o in shown]
    assert "Image" in kinds and "VBox" not in kinds
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("MGMODEL_HEADLESS", "1")
    assert widgets.is_headless()


def test_self_checks():
    mc = widgets.multiple_choice("q?", ["a", "b", "c"], answer=1, explanation="because")
    assert not mc.check()                    # nothing picked yet
    assert not mc.check(0)
    assert "Not quite" in mc.feedback.value
    assert mc.check(1) and "because" in mc.feedback.value
    num = widgets.numeric_check("x?", 10.0, rel_tol=0.05, unit="mV")
    assert num.check(10.4) and "Public check passed" in num.feedback.value
    assert not num.check(12.0) and "too high" in num.feedback.value
    assert "not a grade" in num.widget.children[0].value
    with pytest.raises(ValueError, match="answer"):
        widgets.multiple_choice("q?", ["a"], answer=3)


def test_stable_limit_rounds_up_to_a_step_and_rejects_nonsense():
    from mgmodel.widgets._base import stable_limit
    assert stable_limit(0.93) == 1.0 and stable_limit(1.3) == 1.5 and stable_limit(41.0) == 50.0
    assert stable_limit(700.0) == 800.0 and stable_limit(8.0) == 8.0
    for bad in (0.0, -2.0, float("nan")):
        with pytest.raises(ValueError, match="value"):
            stable_limit(bad)


@pytest.mark.parametrize("factory, control, values", [
    ("epp_panel", "quanta", (33.0, 50.0, 67.0, 100.0)),
    ("epp_panel", "ache_activity", (0.0, 0.5, 1.0)),
    ("rns_panel", "rate_hz", (3.0, 10.0, 20.0, 50.0)),
])
def test_slider_moves_in_the_usual_range_redraw_only_what_moves(factory, control, values):
    """The axes (and their text) are drawn once; moves inside the usual range draw only the
    moving artists on the cached background (the structural reason these panels are fast)."""
    panel = getattr(widgets, factory)()
    panel.update(**{control: values[0]})
    full = []
    draw = panel._canvas.draw
    panel._canvas.draw = lambda: (full.append(1), draw())[1]
    for v in values[1:]:
        panel.update(**{control: v})
    assert full == []
