"""Interactive panels for the lessons: the model's logic behind sliders, one line in a notebook.

Every panel is a :class:`Panel`: labelled controls with units, one persistent figure (a PNG in an
``<img>`` with alt text, redrawn in place), a readout of the numbers, and

- ``panel.update(**values)`` — set controls from code and return the model result (for tests and
  for learners who want the numbers);
- a headless mode — when ``NBGRADER_EXECUTION`` or ``MGMODEL_HEADLESS`` is set, or there is no
  Jupyter front end, displaying the panel shows the static figure and readout instead of live
  widgets, so grading and CI never wait on a widget.

Panels that run in a few milliseconds redraw on every slider move; slower ones use
``continuous_update=False`` or a Run button.

``import mgmodel`` never imports this module; ``mgmodel.widgets`` is loaded on first use.
"""

from __future__ import annotations

import base64
import html
import io
import os

import ipywidgets as W
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import plots
from .endplate import simulate_epp
from .parameters import HUMAN
from .receptor import antibody_occupancy, ec50_uM, open_probability
from .safety import martin_correction, safety_factor, threshold_gap_mV

__all__ = ["Panel", "is_headless", "receptor_panel", "epp_panel", "safety_panel",
           "MultipleChoice", "NumericCheck", "multiple_choice", "numeric_check"]


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


def _slider(description, value, lo, hi, step, unit, *, log=False, continuous=True, fmt=".2f"):
    cls = W.FloatLogSlider if log else W.FloatSlider
    kw = dict(base=10, min=np.log10(lo), max=np.log10(hi)) if log else dict(min=lo, max=hi)
    return cls(value=value, step=step, description=f"{description} ({unit})" if unit else description,
               continuous_update=continuous, readout_format=fmt, style={"description_width": "210px"},
               layout=W.Layout(width="520px"), **kw)


class Panel:
    """Base class: controls -> ``compute`` -> ``draw`` + ``describe``; see the module docstring.

    Subclasses define ``title``, ``alt`` (alt text of the figure), ``_controls()`` returning a dict
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

    def _render(self):
        self.result = self.compute(**self.values())
        self.refresh(self.result)
        self.readout.value = self.describe(self.result)
        self.image.value = (f'<img src="data:image/png;base64,{self.png_base64()}" '
                            f'alt="{html.escape(self.alt)}" style="max-width:100%"/>')

    def png(self) -> bytes:
        """The current figure as PNG bytes (one Agg draw; ``savefig`` would draw twice)."""
        canvas = self._canvas
        canvas.draw()
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
            display(Image(data=self.png(), format="png"))
        else:
            display(self.widget)


# =========================================================================================
# Lesson 01: receptor binding
# =========================================================================================
class ReceptorPanel(Panel):
    """Dose-response of the AChR, with a competitive antagonist and a blocking antibody."""

    title = "ACh dose-response: open probability of the receptor"
    alt = ("Open probability of the acetylcholine receptor against ACh concentration on a log "
           "axis, without and with a competitive blocker; a marker shows the chosen concentration.")

    def _controls(self):
        return {
            "ach_uM": _slider("ACh", 20.0, 0.1, 1e4, 0.01, "µM", log=True, fmt=".3g"),
            "curare_uM": _slider("curare (d-tubocurarine)", 0.0, 0.0, 5.0, 0.05, "µM"),
            "antibody_nM": _slider("blocking antibody", 0.0, 0.0, 20.0, 0.1, "nM"),
            "antibody_kd_nM": _slider("antibody K_d", 1.0, 0.1, 10.0, 0.1, "nM"),
        }

    def compute(self, ach_uM, curare_uM, antibody_nM, antibody_kd_nM):
        conc = np.geomspace(0.1, 1e4, 300)
        blocked_fraction = float(antibody_occupancy(antibody_nM, antibody_kd_nM))
        free = 1.0 - blocked_fraction  # antibody-bound receptors do not open on this time scale
        return dict(
            conc_uM=conc, p_control=open_probability(conc),
            p_blocked=free * open_probability(conc, antagonist_uM=curare_uM),
            ach_uM=ach_uM, p_at_ach=float(free * open_probability(ach_uM, antagonist_uM=curare_uM)),
            ec50_control_uM=ec50_uM(), ec50_blocked_uM=ec50_uM(antagonist_uM=curare_uM),
            antibody_bound=blocked_fraction,
        )

    def setup(self, fig):
        ax = fig.add_subplot()
        c = plots.OKABE_ITO
        self._control, = ax.semilogx([0.1, 1e4], [0, 0], color=c["blue"], lw=2, label="no blocker")
        self._blocked, = ax.semilogx([0.1, 1e4], [0, 0], color=c["vermillion"], lw=2, ls="--",
                                     label="with curare and antibody")
        self._marker, = ax.plot([1.0], [0.0], "o", color=c["black"], label="chosen [ACh]")
        ax.set_xlim(0.1, 1e4)
        ax.set_ylim(0, 1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:g}"))
        ax.set_xlabel("ACh concentration (µM)")
        ax.set_ylabel("open probability")
        ax.set_title("How much ACh opens the receptor")
        ax.legend(frameon=False, fontsize="small", loc="upper left")

    def refresh(self, r):
        self._control.set_data(r["conc_uM"], r["p_control"])
        self._blocked.set_data(r["conc_uM"], r["p_blocked"])
        self._marker.set_data([r["ach_uM"]], [r["p_at_ach"]])

    def describe(self, r):
        return (f"EC50 {r['ec50_control_uM']:.1f} µM → {r['ec50_blocked_uM']:.1f} µM with curare · "
                f"P_open at {r['ach_uM']:.3g} µM: {r['p_at_ach']:.3f} · "
                f"receptors held by antibody: {100 * r['antibody_bound']:.0f} %")


def receptor_panel(**initial) -> ReceptorPanel:
    """Lesson 01 panel: dose-response, competitive block by curare, block by antibody."""
    return ReceptorPanel(**initial)


# =========================================================================================
# Lesson 02: the endplate potential
# =========================================================================================
class EPPPanel(Panel):
    """One nerve impulse: EPC and EPP as receptors, quanta and AChE activity change."""

    title = "The endplate potential of one nerve impulse"
    alt = ("Two panels against time in milliseconds: the endplate current (inward, nA) and the "
           "endplate potential above rest (mV) with the firing threshold as a dashed line.")
    figsize = (8.5, 3.2)

    def _controls(self):
        return {
            "achr_fraction": _slider("AChR (fraction of healthy)", 1.0, 0.05, 1.5, 0.05, ""),
            "quanta": _slider("quanta released", HUMAN.quantal_content, 0.0, 100.0, 1.0, "", fmt=".0f"),
            "ache_activity": _slider("AChE activity (1 = normal)", 1.0, 0.0, 1.0, 0.05, ""),
        }

    def compute(self, achr_fraction, quanta, ache_activity):
        ep = HUMAN.replace(achr_fraction=achr_fraction, ache_activity=ache_activity)
        return simulate_epp(ep, quanta, t_max_ms=15.0)

    def setup(self, fig):
        self._ax1, self._ax2 = fig.subplots(1, 2)
        r = self.compute(**self.values())
        c = plots.OKABE_ITO
        self._epc, = self._ax1.plot(r.t_ms, r.epc_nA, color=c["vermillion"], lw=2)
        self._ax1.set_xlabel("time after release (ms)")
        self._ax1.set_ylabel("endplate current (nA, inward < 0)")
        self._ax1.set_title("Endplate current")
        plots.plot_epp(r, ax=self._ax2, label="EPP")
        self._ax2.set_title("Endplate potential")
        self._epp, self._thr = self._ax2.lines[0], self._ax2.lines[1]
        self._ax1.set_xlim(0, r.t_ms[-1])

    def refresh(self, r):
        self._epc.set_data(r.t_ms, r.epc_nA)
        self._epp.set_data(r.t_ms, r.v_mV - r.endplate.v_rest_mV)
        self._ax1.set_ylim(min(-1e-3, 1.1 * r.epc_nA.min()), 0.05 * max(1e-3, -r.epc_nA.min()))
        gap = float(threshold_gap_mV(r.endplate.na_channel_fraction, r.endplate))
        self._ax2.set_ylim(0, 1.15 * max(r.peak_epp_mV, gap))

    def describe(self, r):
        gap = float(threshold_gap_mV(r.endplate.na_channel_fraction, r.endplate))
        return (f"EPP {r.peak_epp_mV:.1f} mV (threshold {gap:.1f} mV above rest) · "
                f"safety factor {r.peak_epp_mV / gap:.2f} · peak {r.peak_open_channels:,.0f} open channels · "
                f"EPC decay τ {r.epc_decay_ms:.2f} ms")


def epp_panel(**initial) -> EPPPanel:
    """Lesson 02 panel: the EPC and EPP; try quanta=1 for a MEPP and AChE below 1 for pyridostigmine."""
    return EPPPanel(**initial)


# =========================================================================================
# Lesson 03: the safety factor
# =========================================================================================
class SafetyPanel(Panel):
    """EPP against threshold: receptor loss, fold/Na-channel loss, quanta and curare."""

    title = "The safety factor: EPP against threshold"
    alt = ("Bar chart of the endplate potential next to the depolarization needed to fire, both "
           "in mV, for a healthy endplate and for the endplate set by the sliders.")
    figsize = (7.0, 3.4)

    def _controls(self):
        return {
            "achr_fraction": _slider("AChR (fraction of healthy)", 1.0, 0.05, 1.5, 0.05, ""),
            "na_channel_fraction": _slider("folds / Na channels left", 1.0, 0.05, 1.0, 0.05, ""),
            "quanta": _slider("quanta released", HUMAN.quantal_content, 5.0, 100.0, 1.0, "", fmt=".0f"),
            "curare_block": _slider("ACh sites blocked by curare", 0.0, 0.0, 0.95, 0.05, ""),
        }

    def compute(self, achr_fraction, na_channel_fraction, quanta, curare_block):
        ep = HUMAN.replace(achr_fraction=achr_fraction, na_channel_fraction=na_channel_fraction,
                           ach_site_block=curare_block)
        res = simulate_epp(ep, quanta, t_max_ms=10.0)
        gap = float(threshold_gap_mV(na_channel_fraction, ep))
        healthy_epp = simulate_epp(HUMAN, t_max_ms=10.0).peak_epp_mV
        return dict(endplate=ep, epp_mV=res.peak_epp_mV, gap_mV=gap, sf=res.peak_epp_mV / gap,
                    sf_corrected=float(martin_correction(res.peak_epp_mV, ep)) / gap,
                    healthy_epp_mV=healthy_epp, healthy_gap_mV=HUMAN.threshold_gap_mV,
                    fires=res.peak_epp_mV > gap)

    def setup(self, fig):
        ax = self._ax = fig.add_subplot()
        c = plots.OKABE_ITO
        x = np.array([0, 1])
        self._epp_bars = ax.bar(x - 0.18, [0, 0], 0.34, color=c["blue"], label="EPP")
        self._gap_bars = ax.bar(x + 0.18, [0, 0], 0.34, color=c["orange"], hatch="//",
                                label="needed to fire (threshold − rest)")
        ax.set_xticks(x, ["healthy", "this endplate"])
        ax.set_ylabel("depolarization (mV)")
        ax.set_ylim(0, 60)
        ax.legend(frameon=False, fontsize="small", loc="upper left")

    def refresh(self, r):
        for bar, h in zip(self._epp_bars, (r["healthy_epp_mV"], r["epp_mV"])):
            bar.set_height(h)
        for bar, h in zip(self._gap_bars, (r["healthy_gap_mV"], r["gap_mV"])):
            bar.set_height(h)
        verdict = "fires" if r["fires"] else "fails to fire"
        self._ax.set_title(f"Safety factor {r['sf']:.2f}: the fibre {verdict}")

    def describe(self, r):
        return (f"EPP {r['epp_mV']:.1f} mV · needed {r['gap_mV']:.1f} mV · "
                f"<b>SF {r['sf']:.2f}</b> (corrected for non-linear summation {r['sf_corrected']:.2f}) · "
                f"{'fires' if r['fires'] else 'FAILS'}")


def safety_panel(**initial) -> SafetyPanel:
    """Lesson 03 panel: the safety factor under receptor loss, fold loss, fewer quanta, curare."""
    return SafetyPanel(**initial)


# =========================================================================================
# Self-checks: immediate feedback, honest that they are public checks, not grades
# =========================================================================================
_HONEST = "<i>(self-check for your own learning — not a grade)</i>"


class MultipleChoice:
    """A multiple-choice question with an explanation shown after checking."""

    def __init__(self, question, options, answer, explanation):
        if answer not in range(len(options)):
            raise ValueError(f"answer must be an index in [0, {len(options) - 1}]; got {answer!r}")
        self.question, self.options, self.answer, self.explanation = question, list(options), answer, explanation
        self.choice = W.RadioButtons(options=self.options, value=None, layout=W.Layout(width="auto"))
        self.button = W.Button(description="Check", button_style="info")
        self.feedback = W.HTML()
        self.button.on_click(lambda _b: self.check())
        self.widget = W.VBox([W.HTML(f"<b>Self-check.</b> {question} {_HONEST}"), self.choice,
                              self.button, self.feedback])

    def check(self, option=None):
        """Check the selected option (or select ``option`` first); return True if correct."""
        if option is not None:
            self.choice.value = self.options[option] if isinstance(option, int) else option
        if self.choice.value is None:
            self.feedback.value = "Pick an answer first."
            return False
        ok = self.options.index(self.choice.value) == self.answer
        self.feedback.value = (f"✅ Correct. {self.explanation}" if ok else
                               "❌ Not quite. Look at the figure again and have another go.")
        return ok

    def _ipython_display_(self):
        from IPython.display import Markdown, display
        if is_headless():
            opts = "\n".join(f"- {o}" for o in self.options)
            display(Markdown(f"**Self-check.** {self.question}\n\n{opts}"))
        else:
            display(self.widget)


class NumericCheck:
    """A numeric question checked against an answer within a relative tolerance."""

    def __init__(self, question, answer, *, rel_tol=0.05, unit="", explanation=""):
        self.question, self.answer, self.rel_tol, self.unit, self.explanation = (
            question, float(answer), float(rel_tol), unit, explanation)
        self.entry = W.FloatText(description=unit or "value", layout=W.Layout(width="260px"))
        self.button = W.Button(description="Check", button_style="info")
        self.feedback = W.HTML()
        self.button.on_click(lambda _b: self.check())
        self.widget = W.VBox([W.HTML(f"<b>Self-check.</b> {question} {_HONEST}"),
                              W.HBox([self.entry, self.button]), self.feedback])

    def check(self, value=None):
        """Check the entered value (or ``value``); return True if within tolerance."""
        if value is not None:
            self.entry.value = float(value)
        v = float(self.entry.value)
        ok = abs(v - self.answer) <= self.rel_tol * abs(self.answer)
        if ok:
            self.feedback.value = f"✅ Public check passed ({self.answer:.3g} {self.unit}). {self.explanation}"
        else:
            hint = "too high" if v > self.answer else "too low"
            self.feedback.value = f"❌ {v:.3g} {self.unit} is {hint}. Have another go."
        return ok

    def _ipython_display_(self):
        from IPython.display import Markdown, display
        if is_headless():
            display(Markdown(f"**Self-check.** {self.question}"))
        else:
            display(self.widget)


def multiple_choice(question, options, answer, explanation="") -> MultipleChoice:
    """Build a multiple-choice self-check (``answer`` is the index of the right option)."""
    return MultipleChoice(question, options, answer, explanation)


def numeric_check(question, answer, *, rel_tol=0.05, unit="", explanation="") -> NumericCheck:
    """Build a numeric self-check accepting answers within ``rel_tol`` of ``answer``."""
    return NumericCheck(question, answer, rel_tol=rel_tol, unit=unit, explanation=explanation)


#: Every panel factory by name (used by the benchmark and the tests).
PANELS = {
    "receptor_panel": receptor_panel,
    "epp_panel": epp_panel,
    "safety_panel": safety_panel,
}
