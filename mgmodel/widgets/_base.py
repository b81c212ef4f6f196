"""The panel machinery shared by every lesson panel.

Every panel is a :class:`Panel`: labelled controls with units, one persistent figure (a PNG in an
``<img>`` with alt text, redrawn in place; every text at least ``mgmodel.plots.MIN_FONT_PT`` =
11 pt), a readout of the numbers, and

- ``panel.update(**values)`` — set controls from code and return the model result (for tests and
  for learners who want the numbers);
- a headless mode — when ``NBGRADER_EXECUTION`` or ``MGMODEL_HEADLESS`` is set, or there is no
  Jupyter front end, displaying the panel shows the static figure and readout instead of live
  widgets, so grading and CI never wait on a widget.

Panels that run in a few milliseconds redraw on every slider move; slower ones use
``continuous_update=False`` or a Run button.

``import mgmodel`` never imports this package; ``mgmodel.widgets`` is loaded on first use.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re

import ipywidgets as W
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..plots import MIN_FONT_PT


__all__ = ["Panel", "is_headless", "slider", "dropdown", "plain_text"]


def plain_text(markup: str) -> str:
    """``markup`` (a readout's HTML) as plain text: line and row breaks become " · ", other tags
    are dropped, entities decoded and spaces joined."""
    text = re.sub(r"<br\s*/?>|</(p|div|tr|li)>", " · ", markup, flags=re.I)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return re.sub(r"^(· )+|( ·)+$", "", re.sub(r"·( ·)+", "·", text)).strip()


def is_headless() -> bool:
    """True when panels should render a static figure instead of live widgets."""
    if os.environ.get("NBGRADER_EXECUTION") or os.environ.get("MGMODEL_HEADLESS", "") not in ("", "0"):
        return True
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the course extra
        return True
    ip = get_ipython()
    return ip is None or not hasattr(ip, "kernel")


def dropdown(description, options, value):
    """A labelled dropdown laid out like :func:`slider`."""
    return W.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "210px"}, layout=W.Layout(width="520px"))


#: Steps of an axis limit that follows the data (see :func:`stable_limit`).
_LIMIT_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def stable_limit(value):
    """The smallest "round" number (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) >= ``value`` > 0.

    A panel whose axis follows its data uses it so that the limit changes only when the data
    cross a step: between steps the axes, ticks and labels stay the same and the panel redraws
    only its moving artists (see :meth:`Panel.png`).
    """
    v = float(value)
    if not v > 0:
        raise ValueError(f"value must be a positive number; got {value!r}")
    scale = 10.0 ** np.floor(np.log10(v))
    for step in _LIMIT_STEPS:
        if step * scale >= v * (1 - 1e-12):
            return float(step * scale)
    return float(10.0 * scale)


def slider(description, value, lo, hi, step, unit, *, log=False, continuous=True, fmt=".2f"):
    cls = W.FloatLogSlider if log else W.FloatSlider
    kw = dict(base=10, min=np.log10(lo), max=np.log10(hi)) if log else dict(min=lo, max=hi)
    return cls(value=value, step=step, description=f"{description} ({unit})" if unit else description,
               continuous_update=continuous, readout_format=fmt, style={"description_width": "210px"},
               layout=W.Layout(width="520px"), **kw)


class Panel:
    """Base class: controls -> ``compute`` -> ``draw`` + ``describe``; see the module docstring.

    Subclasses define ``title``, ``alt`` (the fixed part of the figure's alt text: what it shows),
    ``alt_state(result)`` (one sentence with the current numbers, appended to ``alt`` after every
    update; :attr:`alt_text` is the whole), ``_controls()`` returning a dict
    of named widgets, ``compute(**values)`` returning a model result, ``setup(fig)`` creating the
    axes and artists once, ``refresh(result)`` moving the artists' data (creating axes, ticks and
    labels anew on every slider move would cost most of the redraw time), and
    ``describe(result)`` returning a short HTML readout.
    """

    title = ""
    figsize = (7.5, 3.4)

    def __init__(self, **initial):
        self.controls = self._controls()
        unknown = set(initial) - set(self.controls)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control(s) {sorted(unknown)}; "
                             f"valid: {sorted(self.controls)}")
        for name, value in initial.items():
            self.controls[name].value = value
        self.figure = Figure(figsize=self.figsize, dpi=80)
        self._canvas = FigureCanvasAgg(self.figure)
        self.image = W.HTML()
        self.readout = W.HTML()
        self.result = None
        self._rendering = False
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        header = W.HTML(f"<b>{html.escape(self.title)}</b>")
        self.widget = W.VBox([header, W.VBox(list(self.controls.values()) + self._extra_widgets()),
                              self.readout, self.image])
        # CSS classes let a browser test (and a stylesheet) find the parts of a panel
        self.widget.add_class("mgmodel-panel")
        self.widget.add_class(f"mgmodel-{type(self).__name__.lower()}")
        self.readout.add_class("mgmodel-readout")
        self.image.add_class("mgmodel-figure")
        self.setup(self.figure)
        self._readable_fonts()
        self._render()
        # lay the figure out once; the margins then stay fixed across redraws, which keeps a
        # redraw cheap (a layout engine on every redraw would double its cost)
        self.figure.tight_layout()
        self._render()

    # -- subclass hooks -----------------------------------------------------------------------
    def _controls(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _extra_widgets(self) -> list:
        return []

    def compute(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    def setup(self, fig):  # pragma: no cover - abstract
        raise NotImplementedError

    def refresh(self, result):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, result) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    alt = "figure"

    def alt_state(self, result) -> str:
        """One plain sentence on what the figure shows now, with the current numbers.

        Appended to ``alt`` in the figure's alt text after every update. Panels write their own;
        this default is the readout (:meth:`describe`) as plain text.
        """
        return plain_text(self.describe(result))

    # -- machinery -------------------------------------------------------------------------
    def values(self) -> dict:
        """Current control values by name."""
        return {k: w.value for k, w in self.controls.items()}

    def update(self, **values):
        """Set controls by name, recompute and redraw once; return the model result."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control(s) {sorted(unknown)}; "
                             f"valid: {sorted(self.controls)}")
        self._rendering = True
        try:
            for name, value in values.items():
                w = self.controls[name]
                if isinstance(w, (W.FloatSlider, W.FloatLogSlider, W.IntSlider)):
                    lo, hi = (10 ** w.min, 10 ** w.max) if isinstance(w, W.FloatLogSlider) else (w.min, w.max)
                    if not lo <= value <= hi:
                        raise ValueError(f"{name} must lie in [{lo:g}, {hi:g}]; got {value!r}")
                w.value = value
        finally:
            self._rendering = False
        self._render()
        return self.result

    def _on_change(self, _change):
        if not self._rendering:
            self._render()

    def _readable_fonts(self):
        """Raise every text of the figure, tick labels included, to at least MIN_FONT_PT points."""
        for ax in self.figure.axes:
            ax.tick_params(labelsize=max(MIN_FONT_PT, ax.xaxis.get_ticklabels()[0].get_fontsize()
                                         if ax.xaxis.get_ticklabels() else MIN_FONT_PT))
        for t in self.figure.findobj(Text):
            if t.get_fontsize() < MIN_FONT_PT:
                t.set_fontsize(MIN_FONT_PT)

    def _render(self):
        self.result = self.compute(**self.values())
        self.refresh(self.result)
        # texts a refresh re-creates or re-titles (set_title resets the size) stay readable
        for a in [*self._moving_artists(), *(ax.title for ax in self.figure.axes)]:
            if isinstance(a, Text) and a.get_fontsize() < MIN_FONT_PT:
                a.set_fontsize(MIN_FONT_PT)
        self.readout.value = self.describe(self.result)
        state = " ".join(self.alt_state(self.result).split())
        self.alt_text = f"{self.alt.strip()} Now: {state}" if state else self.alt.strip()
        self.image.value = (f'<img src="data:image/png;base64,{self.png_base64()}" '
                            f'alt="{html.escape(self.alt_text, quote=True)}" style="max-width:100%"/>')

    # -- redrawing only what moves ----------------------------------------------------------
    # Axes, ticks, labels and legends mostly stay put when a control moves, and drawing them
    # (text above all) costs most of an Agg draw. A panel marks the artists that change with
    # ``_moving(...)`` in ``setup``, or overrides ``_moving_artists()`` when it replaces artists
    # on refresh; the rest is drawn once into a background that is reused until an axis changes
    # its position or limits, or ``_background_extra()`` (e.g. titles) changes.

    def _moving(self, *artists):
        """Mark artists that change on refresh; returns the artist (or the tuple of them)."""
        registered = self.__dict__.setdefault("_moving_registered", [])
        registered.extend(artists)
        return artists[0] if len(artists) == 1 else artists

    def _moving_artists(self):
        """The artists drawn on top of the cached background (default: those marked)."""
        return self.__dict__.get("_moving_registered", [])

    def _background_extra(self):
        """Anything besides axis positions and limits that the background depends on."""
        return ()

    def png(self) -> bytes:
        """The current figure as PNG bytes (one Agg draw; ``savefig`` would draw twice)."""
        canvas, fig = self._canvas, self.figure
        moving = [a for a in self._moving_artists() if a is not None]
        if not moving:
            canvas.draw()
        else:
            for a in moving:
                a.set_animated(True)        # left out of the background
            key = (tuple((ax.get_position().bounds, ax.get_xlim(), ax.get_ylim()) for ax in fig.axes),
                   canvas.get_width_height(), self._background_extra())
            if key != self.__dict__.get("_background_key"):
                canvas.draw()
                self._background = canvas.copy_from_bbox(fig.bbox)
                self._background_key = key
            else:
                canvas.restore_region(self._background)
            for a in moving:
                if a.get_visible():
                    (a.axes or fig).draw_artist(a)
        image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def png_base64(self) -> str:
        return base64.b64encode(self.png()).decode("ascii")

    def _ipython_display_(self):
        from IPython.display import HTML, Image, display
        if is_headless():
            display(HTML(f"<b>{html.escape(self.title)}</b><br>{self.readout.value}"))
            display(Image(data=self.png(), format="png", alt=self.alt_text))
        else:
            display(self.widget)


