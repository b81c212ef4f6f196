"""Colour-vision deficiency: every pair of colours in one plot stays distinguishable.

How it is checked: each colour is converted from sRGB to linear RGB, passed through the
simulation matrices of Machado, Oliveira & Fernandes (2009, IEEE TVCG 15:1291-1298; severity 1.0,
i.e. full protanopia, deuteranopia and tritanopia), and compared in CIELAB (D65) by the CIE76
colour difference ΔE. Within every Axes of every lesson panel and every static ``plot_*`` figure,
each pair of distinct data colours (lines, markers, bars; shading with alpha < 0.5 left out) must
differ by ΔE >= 20 for normal vision, protanopia and deuteranopia (the common deficiencies, ~8 %
of men) and by ΔE >= 12 for tritanopia (rare). Identical colours are allowed: they are one
category, or told apart by line style and legend.
"""
import itertools

import matplotlib
import matplotlib.colors as mcolors
import numpy as np
import pytest

import mgmodel as mg
from mgmodel import plots, widgets

matplotlib.use("Agg")

MACHADO = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
MIN_DELTA_E = {"normal": 20.0, "protanopia": 20.0, "deuteranopia": 20.0, "tritanopia": 12.0}
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def _linear(rgb):
    rgb = np.asarray(rgb, float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    t = (_SRGB_TO_XYZ @ linear_rgb) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(c1, c2, vision):
    """CIE76 ΔE between two matplotlib colours as seen with ``vision``."""
    m = MACHADO[vision]
    a, b = (_lab(np.clip(m @ _linear(mcolors.to_rgb(c)), 0, 1)) for c in (c1, c2))
    return float(np.linalg.norm(a - b))


def test_simulation_sanity():
    # red and green, the classic confusion, collapse under deuteranopia but not in normal vision
    assert delta_e("#FF0000", "#00FF00", "normal") > 80
    assert delta_e("#DD2222", "#44AA00", "deuteranopia") < 0.5 * delta_e("#DD2222", "#44AA00", "normal")
    assert delta_e("#0072B2", "#0072B2", "protanopia") == 0.0
    assert np.allclose(MACHADO["deuteranopia"].sum(axis=1), 1.0, atol=1e-3)   # white stays white


def test_close_pairs_are_the_okabe_ito_pairs_that_fail():
    failing = set()
    for a, b in itertools.combinations(plots.OKABE_ITO, 2):
        if any(delta_e(plots.OKABE_ITO[a], plots.OKABE_ITO[b], v) < MIN_DELTA_E[v] for v in MIN_DELTA_E):
            failing.add(frozenset({a, b}))
    assert set(plots.CLOSE_PAIRS) == failing


@pytest.mark.parametrize("colours", [
    [c for c, _ in plots.MUSCLE_GROUP_STYLE.values()],      # the muscle groups
    list(plots.SERIES_COLOURS),                             # the lines of one lesson plot
])
def test_shared_colour_sets_are_distinguishable(colours):
    colours = [plots.OKABE_ITO[c] for c in colours]
    for a, b in itertools.combinations(colours, 2):
        for v, limit in MIN_DELTA_E.items():
            assert delta_e(a, b, v) >= limit, (a, b, v)


def _data_colours(ax):
    out = set()
    for line in ax.lines:
        if not line.get_visible() or (line.get_alpha() or 1.0) < 0.5:
            continue
        x, y = (np.asarray(d, float) for d in line.get_data())
        if x.size == 0 or not np.any(np.isfinite(y)):
            continue
        colours = [line.get_color()] if line.get_linestyle() not in ("None", "", " ") else []
        if line.get_marker() not in (None, "None", "", " "):
            colours.append(line.get_markerfacecolor())
        out.update(mcolors.to_hex(c) for c in colours if str(c).lower() != "none")
    for p in ax.patches:
        if p.get_visible() and (p.get_alpha() or 1.0) >= 0.5 and p.get_facecolor()[3] >= 0.5:
            out.add(mcolors.to_hex(p.get_facecolor()))
    out.discard("#ffffff")
    return out


def _check_figure(fig, where):
    bad = []
    for k, ax in enumerate(fig.axes):
        for a, b in itertools.combinations(sorted(_data_colours(ax)), 2):
            for v, limit in MIN_DELTA_E.items():
                d = delta_e(a, b, v)
                if d < limit:
                    bad.append(f"{where}, axes {k}: {a} vs {b} under {v}: ΔE {d:.1f} < {limit:g}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_keeps_its_colours_apart(name):
    panel = widgets.PANELS[name]()
    if name == "clinic_panel":
        for test in ("exam", "rns", "sfemg", "antibodies"):
            panel.order(test)
        panel.run()
    _check_figure(panel.figure, name)


def test_the_check_catches_orange_against_vermillion():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color=plots.OKABE_ITO["orange"])
    ax.plot([0, 1], [1, 0], color=plots.OKABE_ITO["vermillion"])
    with pytest.raises(AssertionError, match="deuteranopia"):
        _check_figure(fig, "orange and vermillion")
    plt.close(fig)


def test_every_static_plot_keeps_its_colours_apart():
    import matplotlib.pyplot as plt
    pop = mg.sample_fibres(300, mg.mg_endplate(0.35, 0.8), rng=1)
    figures = {
        "plot_epp": mg.plot_epp(mg.simulate_epp(mg.HUMAN, 30)).figure,
        "plot_rns": mg.plot_rns(mg.simulate_rns(pop, 3.0, rng=2)).figure,
        "plot_sfemg": mg.plot_sfemg(mg.simulate_sfemg(pop, 20, 100, rng=2)).figure,
        "plot_force": mg.plot_force(mg.simulate_activation(pop, 20.0, 20.0, 20.0, rng=2)).figure,
        "plot_course": mg.plot_course(mg.simulate_course("thymoma", 120, [mg.therapy.PlasmaExchange(start_day=20)]),
                                      untreated=mg.simulate_course("thymoma", 120))[0].figure,
    }
    try:
        for name, fig in figures.items():
            _check_figure(fig, name)
    finally:
        plt.close("all")
