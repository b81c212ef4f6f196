"""Panels of lessons 01-03: receptor binding, the endplate potential, the safety factor."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter

from .. import plots
from ..endplate import simulate_epp
from ..parameters import HUMAN
from ..receptor import antibody_occupancy, ec50_uM, open_probability
from ..safety import martin_correction, threshold_gap_mV
from ._base import Panel, slider, stable_limit

__all__ = ["ReceptorPanel", "receptor_panel", "EPPPanel", "epp_panel", "SafetyPanel", "safety_panel"]


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
            "ach_uM": slider("ACh", 20.0, 0.1, 1e4, 0.01, "µM", log=True, fmt=".3g"),
            "curare_uM": slider("curare (d-tubocurarine)", 0.0, 0.0, 5.0, 0.05, "µM"),
            "antibody_nM": slider("blocking antibody", 0.0, 0.0, 20.0, 0.1, "nM"),
            "antibody_kd_nM": slider("antibody K_d", 1.0, 0.1, 10.0, 0.1, "nM"),
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
                                     label="with the curare and blocking antibody set below")
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

    def alt_state(self, r):
        return (f"At {r['ach_uM']:.3g} µM ACh the open probability is {r['p_at_ach']:.3f}; EC50 "
                f"{r['ec50_control_uM']:.1f} µM without curare and {r['ec50_blocked_uM']:.1f} µM with it; "
                f"{100 * r['antibody_bound']:.0f} % of receptors held by antibody.")

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
#: Axis ranges of the EPP panel: they hold the largest current and EPP its sliders can give
#: (100 quanta, AChR 1.5 or no AChE: ~610 nA, ~66 mV).
EPC_AXIS_NA = 700.0
EPP_AXIS_MV = 75.0


class EPPPanel(Panel):
    """One nerve impulse: EPC and EPP as receptors, quanta and AChE activity change."""

    title = "The endplate potential of one nerve impulse"
    alt = ("Two panels against time in milliseconds: the endplate current (inward, nA) and the "
           "endplate potential above rest (mV) with the firing threshold as a dashed line.")
    figsize = (8.5, 3.2)

    def _controls(self):
        return {
            "achr_fraction": slider("AChR (fraction of healthy)", 1.0, 0.05, 1.5, 0.05, ""),
            "quanta": slider("quanta released", HUMAN.quantal_content, 0.0, 100.0, 1.0, "", fmt=".0f"),
            "ache_activity": slider("AChE activity (1 = normal)", 1.0, 0.0, 1.0, 0.05, ""),
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
        self._moving(self._epc, self._epp, self._thr)

    def refresh(self, r):
        self._epc.set_data(r.t_ms, r.epc_nA)
        self._epp.set_data(r.t_ms, r.v_mV - r.endplate.v_rest_mV)
        # Fixed axes over the sliders' usual range (a MEPP or a tiny EPP gets a round scale of its
        # own): most slider moves then redraw only the curves, not the axes and their text.
        low = max(1e-3, -1.1 * r.epc_nA.min())
        low = EPC_AXIS_NA if low > 0.1 * EPC_AXIS_NA else stable_limit(low)
        self._ax1.set_ylim(-low, 0.05 * low)
        gap = float(threshold_gap_mV(r.endplate.na_channel_fraction, r.endplate))
        top = 1.15 * max(r.peak_epp_mV, gap)
        self._ax2.set_ylim(0, EPP_AXIS_MV if top > 0.1 * EPP_AXIS_MV else stable_limit(top))

    def alt_state(self, r):
        gap = float(threshold_gap_mV(r.endplate.na_channel_fraction, r.endplate))
        return (f"The EPP peaks at {r.peak_epp_mV:.1f} mV against a threshold {gap:.1f} mV above rest "
                f"(safety factor {r.peak_epp_mV / gap:.2f}): the fibre "
                f"{'fires' if r.peak_epp_mV >= gap else 'does not fire'}; the EPC decays with τ {r.epc_decay_ms:.2f} ms.")

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
            "achr_fraction": slider("AChR (fraction of healthy)", 1.0, 0.05, 1.5, 0.05, ""),
            "na_channel_fraction": slider("folds / Na channels left", 1.0, 0.05, 1.0, 0.05, ""),
            "quanta": slider("quanta released", HUMAN.quantal_content, 5.0, 100.0, 1.0, "", fmt=".0f"),
            "curare_block": slider("ACh sites blocked by curare", 0.0, 0.0, 0.95, 0.05, ""),
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

    def alt_state(self, r):
        return (f"EPP {r['epp_mV']:.1f} mV next to the {r['gap_mV']:.1f} mV needed: safety factor "
                f"{r['sf']:.2f}, the fibre {'fires' if r['fires'] else 'fails'}.")

    def describe(self, r):
        return (f"EPP {r['epp_mV']:.1f} mV · needed {r['gap_mV']:.1f} mV · "
                f"<b>SF {r['sf']:.2f}</b> (corrected for non-linear summation {r['sf_corrected']:.2f}) · "
                f"{'fires' if r['fires'] else 'FAILS'}")


def safety_panel(**initial) -> SafetyPanel:
    """Lesson 03 panel: the safety factor under receptor loss, fold loss, fewer quanta, curare."""
    return SafetyPanel(**initial)


