"""Lesson 10's panel: run a virtual trial, switch the trial effects on and off, change the arm size.

:func:`trial_panel` runs :func:`mgmodel.trials.run_trial` (a few seconds for 30 patients per arm,
so the slider acts on release) and shows the mean MG-ADL change per arm with its 95 % interval
and the published arm means where the design has them.
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..plots import OKABE_ITO
from ..trials import DESIGNS, TrialEffects, run_trial
from ._base import Panel, dropdown, slider

__all__ = ["TrialPanel", "trial_panel"]

_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"])


def _checkbox(description, value):
    return W.Checkbox(value=value, description=description, style={"description_width": "210px"},
                      layout=W.Layout(width="520px"))


class TrialPanel(Panel):
    """A virtual trial with its placebo arm: design, patients per arm, trial effects."""

    title = "A virtual trial: both arms improve - how much, and why?"
    figsize = (7.5, 3.6)

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
        return run_trial(design, n_per_arm=int(round(n_per_arm)), rng=0, progress=False, effects=effects)

    def setup(self, fig):
        self.ax = fig.add_subplot(1, 1, 1)

    def refresh(self, result):
        ax = self.ax
        ax.clear()
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
        arms = "; ".join(f"{arm} (n {result.summary[arm]['n']}) {result.summary[arm]['mg_adl_change']:+.2f}"
                         for arm in result.arms)
        p = result.primary
        return (f"Mean MG-ADL change at the primary day: {arms}; treatment - control {p['difference']:+.2f} "
                f"(95 % interval {p['low']:+.2f} to {p['high']:+.2f} {p['unit']}).")

    def describe(self, result):
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
