"""Lesson 10's panel: run a virtual trial, switch the trial effects on and off, change the arm size.

:func:`trial_panel` shows the mean MG-ADL change per arm with its 95 % interval and the published
arm means where the design has them. Screening and treating the candidates takes seconds, so the
panel keeps one :class:`mgmodel.trials.run.Recruitment` per design and set of effects (shared by
the panels of a notebook): the trial with fewer patients per arm is read from the candidates
already screened at once, exactly as :func:`mgmodel.trials.run_trial` would give it (candidates
are enrolled in the order drawn). A larger trial needs new candidates: the slider then says so on
the figure and *Recruit and run* screens them (a few seconds).
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..plots import OKABE_ITO
from dataclasses import dataclass

from ..trials import DESIGNS, TrialEffects
from ..trials.run import Recruitment
from ._base import Panel, dropdown, slider

__all__ = ["TrialPanel", "trial_panel"]

_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"])


def _checkbox(description, value):
    return W.Checkbox(value=value, description=description, style={"description_width": "210px"},
                      layout=W.Layout(width="520px"))


#: Recruitments by (design name, effects), shared by the panels of one kernel.
_RECRUITMENTS = {}


def recruitment(design, effects) -> Recruitment:
    """The shared :class:`~mgmodel.trials.run.Recruitment` of ``design`` with ``effects`` (seed 0)."""
    key = (design, effects)
    if key not in _RECRUITMENTS:
        _RECRUITMENTS[key] = Recruitment(design, effects, 0)
    return _RECRUITMENTS[key]


@dataclass(frozen=True)
class PendingTrial:
    """A trial size not yet recruited: what the panel shows until *Recruit and run* is pressed."""

    design: str
    n_per_arm: int
    screened: int


class TrialPanel(Panel):
    """A virtual trial with its placebo arm: design, patients per arm, trial effects."""

    title = "A virtual trial: both arms improve - how much, and why?"
    figsize = (7.5, 3.6)

    def __init__(self, **initial):
        self._run_now = True              # the first display runs its trial
        self.run_button = W.Button(description="Recruit and run ▶", button_style="success",
                                   layout=W.Layout(width="auto"))
        self.run_button.on_click(lambda _b: self.run())
        self._note = None
        super().__init__(**initial)
        self._run_now = False

    def _extra_widgets(self):
        return [self.run_button]

    def run(self):
        """Screen the candidates the current arm size needs and show that trial; returns it."""
        self._run_now = True
        try:
            self._render()
        finally:
            self._run_now = False
        return self.result

    def _controls(self):
        return dict(
            design=dropdown("trial", [n for n in DESIGNS if n != "MGTX"], "CHAMPION-MG"),
            n_per_arm=slider("patients per arm", 30, 10, 100, 1, "", continuous=False, fmt=".0f"),
            regression_to_mean=_checkbox("regression to the mean", True),
            expectation=_checkbox("expectation (placebo) response", True),
            background_therapy=_checkbox("background therapy", True),
        )

    def compute(self, design, n_per_arm, regression_to_mean, expectation, background_therapy):
        effects = TrialEffects(bool(regression_to_mean), bool(expectation), bool(background_therapy))
        rec = recruitment(design, effects)
        n = int(round(n_per_arm))
        if not rec.covers(n):
            if not self._run_now:
                return PendingTrial(design, n, rec.screened)
            rec.extend(n)
        return rec.result(n)

    def setup(self, fig):
        self.ax = fig.add_subplot(1, 1, 1)

    def refresh(self, result):
        ax = self.ax
        if isinstance(result, PendingTrial):
            # keep the last trial on the figure, under a note saying what the slider asks for
            if self._note is not None:
                self._note.remove()
            self._note = ax.text(0.5, 0.5, f"{result.n_per_arm} patients per arm: not recruited yet\n"
                                 "press 'Recruit and run'", transform=ax.transAxes, ha="center", va="center",
                                 fontsize="large", color=OKABE_ITO["black"],
                                 bbox=dict(boxstyle="round", facecolor="white", edgecolor=OKABE_ITO["black"]))
            self.alt = (f"The last virtual trial shown stays on the figure under a note: {result.n_per_arm} "
                        f"patients per arm of {result.design} are not recruited yet.")
            self._readable_fonts()
            return
        ax.clear()
        self._note = None
        for k, arm in enumerate(result.arms):
            c = result.courses[arm]
            weeks = c["day"] / 7.0
            col = _COLOURS[min(k, 1)]
            ax.fill_between(weeks, c["mg_adl_change_low"], c["mg_adl_change_high"], color=col, alpha=0.2, lw=0)
            ax.plot(weeks, c["mg_adl_change"], color=col, lw=2, ls="-" if k == 0 else "--", label=arm)
            pub = result.design.published.get("mg_adl_change")
            if pub is not None:
                ax.plot(result.design.primary_day / 7.0, pub[0 if k == 0 else 1], "D", color=OKABE_ITO["black"],
                        ms=7, label="published" if k == 0 else None)
        ax.axhline(0, color=OKABE_ITO["black"], lw=0.8, ls=":")
        ax.set_xlabel("time since randomisation (weeks)")
        ax.set_ylabel("MG-ADL change (points)")
        ax.set_title(f"{result.design.name}: mean change per arm (95 % interval)")
        ax.legend(frameon=False, loc="lower left")
        self.alt = (f"Mean MG-ADL change from baseline per arm of a virtual {result.design.name} trial with "
                    f"shaded 95 % intervals; black diamonds mark the published arm means.")
        self._readable_fonts()

    def alt_state(self, result):
        if isinstance(result, PendingTrial):
            return "Press Recruit and run to screen and treat the candidates this trial needs."
        arms = "; ".join(f"{arm} (n {result.summary[arm]['n']}) {result.summary[arm]['mg_adl_change']:+.2f}"
                         for arm in result.arms)
        p = result.primary
        return (f"Mean MG-ADL change at the primary day: {arms}; treatment - control {p['difference']:+.2f} "
                f"(95 % interval {p['low']:+.2f} to {p['high']:+.2f} {p['unit']}).")

    def describe(self, result):
        if isinstance(result, PendingTrial):
            return (f"<p><b>{result.n_per_arm} patients per arm</b> need more candidates than the "
                    f"{result.screened} screened so far for {html.escape(result.design)}: press "
                    "<i>Recruit and run</i> to screen and treat them (a few seconds). Smaller trials are "
                    "read from the candidates already screened at once.</p>")
        rows = []
        for arm in result.arms:
            s = result.summary[arm]
            rows.append(f"<tr><td>{html.escape(arm)}</td><td>{s['n']}</td><td>{s['baseline_mg_adl']:.1f}</td>"
                        f"<td>{s['mg_adl_change']:+.2f}</td><td>{s['mg_adl_responder_pct']:.0f} %</td></tr>")
        p = result.primary
        pub = "" if p["published"] is None else f"; published {p['published']:+.1f}"
        return ("<table><tr><th>arm</th><th>n</th><th>baseline MG-ADL</th><th>change</th><th>responders</th></tr>"
                + "".join(rows) + "</table>"
                + f"<p>{html.escape(p['endpoint'])}: treatment - control {p['difference']:+.2f} "
                  f"(95 % interval {p['low']:+.2f} to {p['high']:+.2f} {html.escape(p['unit'])}){pub}; "
                  f"{result.screened} candidates screened.</p>")


def trial_panel(**initial):
    """A :class:`TrialPanel`; keyword arguments set its controls (``design``, ``n_per_arm``, ...)."""
    return TrialPanel(**initial)
