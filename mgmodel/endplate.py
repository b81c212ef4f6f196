"""One endplate, one nerve impulse: the endplate potential from ACh in the cleft to the membrane.

The physiology, in the order it happens
---------------------------------------
1. The nerve impulse releases ``quanta`` vesicles, each of ~7,000 ACh molecules
   (Kuffler & Yoshikami 1975), at the same moment.
2. Each quantum lands on its own disc of cleft (~0.3 µm², 10⁴ AChR per µm²) whose receptors it
   saturates (Hartzell, Kuffler & Yoshikami 1975; Stiles et al. 1996), and spreads from there into
   its territory, the share of the endplate closest to it. :mod:`mgmodel.cleft` solves the
   binding, gating, desensitization, hydrolysis and radial diffusion of that ACh (patch and three
   rings) at the endplate's temperature (Q10s on every rate). Because neighbouring quanta
   release together, the territory shrinks as more quanta are released - the quanta interact -
   and with AChE inhibited the ACh spreads and rebinds further (buffered diffusion; Katz &
   Miledi 1973), which prolongs the current.
3. The receptor kinetics do not depend on the membrane potential, so the cleft is solved first
   (LSODA with an analytic Jacobian) and gives the open channels ``N_open(t)``.
4. The open channels carry the endplate current ``I = N_open * gamma * (V - E_rev)`` (negative =
   inward), which charges the membrane: ``C dV/dt = -C (V - V_rest) / tau_m - I``, integrated
   exactly over each output step. Because the driving force ``V - E_rev`` shrinks as V rises, EPPs
   sum less than linearly.

The action potential is disabled (as in a µ-conotoxin or cut-muscle experiment), so the result is
the EPP that is compared with the threshold to give the safety factor; the threshold, set by the
Na channels of the folds, is in :mod:`mgmodel.safety`, and trains of impulses (summation,
desensitization, Na inactivation, firing and latency) in :mod:`mgmodel.postsynaptic`.

At 36 °C the model gives a MEPP of 0.99 mV with ~1,800 channels open at its peak, an EPC
10-90 % rise of ~0.03 ms and an MEPC decay 1.46 times the mean burst; the EPP of 50 quanta is
35.5 mV and rises 10-90 % in 0.60 ms (1.24 ms in the previous, room-temperature model).

Units: time ms, concentration µM, voltage mV, current nA, conductance nS, capacitance nF.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import odeint

from ._checks import check_number
from .cleft import N_STATES, cleft_jacobian, cleft_rates, cleft_rhs
from .parameters import HUMAN, Endplate

__all__ = ["EPPResult", "simulate_epp", "solve_cleft", "membrane_response"]


@dataclass(frozen=True)
class EPPResult:
    """The time course of one endplate potential.

    Attributes
    ----------
    t_ms : ndarray
        Time after transmitter release, ms.
    v_mV : ndarray
        Membrane potential at the endplate, mV (action potential disabled).
    epc_nA : ndarray
        Endplate current ``N_open * gamma * (V - E_rev)``, nA; negative values are inward.
    open_channels : ndarray
        Number of open AChR channels at the endplate (all quanta together).
    ach_uM : ndarray
        Free ACh concentration in one quantal patch, µM.
    peak_epp_mV : float
        Peak depolarization above rest, mV.
    time_to_peak_ms : float
        Time from release to the peak of the EPP, ms.
    epc_decay_ms : float
        Time constant of the EPC decay (log-linear fit from 80 % to 20 % of its peak), ms.
    peak_open_channels : float
        Largest number of channels open at once.
    epc_rise_10_90_ms : float
        10-90 % rise time of the EPC, ms.
    quanta : float
        Quanta released.
    endplate : Endplate
        The parameters used.
    epp_rise_10_90_ms : float
        10-90 % rise time of the EPP, ms.
    desensitized_fraction : float
        Fraction of the endplate's available receptors left desensitized at the end.
    """

    t_ms: np.ndarray
    v_mV: np.ndarray
    epc_nA: np.ndarray
    open_channels: np.ndarray
    ach_uM: np.ndarray
    peak_epp_mV: float
    time_to_peak_ms: float
    epc_decay_ms: float
    peak_open_channels: float
    epc_rise_10_90_ms: float
    quanta: float
    endplate: Endplate
    epp_rise_10_90_ms: float = 0.0
    desensitized_fraction: float = 0.0


def solve_cleft(ep: Endplate, quanta, t_ms: np.ndarray, *, rtol=1e-7):
    """One quantum's cleft (patch and territory) on the time grid ``t_ms``, with LSODA.

    The receptor kinetics do not depend on the membrane potential (binding and gating are taken
    as voltage independent), so the cleft is solved first and the membrane after it.

    Returns
    -------
    open_per_quantum : ndarray
        Open receptors per quantum, in µM of the patch volume (patch plus territory).
    ach_uM : ndarray
        Free ACh in the patch, µM.
    desensitized_fraction : float
        Fraction of the endplate's available receptors desensitized at the end of the grid by
        ``quanta`` quanta.
    """
    rates = cleft_rates(ep, quanta)
    y0 = [rates.a0] + [0.0] * (N_STATES - 1)
    a0 = max(rates.a0, 1.0)
    buf = np.zeros((N_STATES, N_STATES))
    y = odeint(lambda y, t: cleft_rhs(y, rates), y0, t_ms, rtol=rtol, atol=1e-7 * a0,
               mxstep=50000, Dfun=lambda y, t: cleft_jacobian(y, rates, buf))
    y = np.maximum(y, 0.0)
    yt = list(y.T)
    o = rates.open_per_quantum(yt)
    d_end = rates.desensitized_per_quantum([x[-1] for x in yt])
    d_end = d_end / rates.r_tot if rates.r_tot > 0 else 0.0
    # each quantum's desensitized receptors, relative to all the endplate's receptors
    m = max(float(quanta), 0.0)
    des = min(1.0, m * d_end * ep.patch_area_um2 / ep.endplate_area_um2)
    return o, y[:, 0], des


def membrane_response(open_uM, t_ms, quanta, ep: Endplate):
    """Depolarization (mV above rest) of the passive membrane driven by ``quanta`` quanta.

    ``C du/dt = -C u / tau - g(t) (u - D)`` with ``g = quanta * open * gamma`` and
    ``D = E_rev - V_rest``, integrated exactly over each output step with the conductance held at
    its mid-step value (the same scheme as the fast-path table). Works on one trace (T,) or many
    (T, ...) at once.
    """
    k = ep.molecules_per_uM * ep.conductance_pS * 1e-6 / ep.capacitance_nF   # 1/(µM ms) per quantum
    drive = ep.e_rev_mV - ep.v_rest_mV
    dt = np.diff(t_ms)
    g = k * quanta * 0.5 * (open_uM[1:] + open_uM[:-1])
    shape = (-1,) + (1,) * (g.ndim - 1)
    lam = 1.0 / ep.tau_membrane_ms + g
    u_inf = g * drive / lam
    decay = np.exp(-lam * dt.reshape(shape))
    u = np.zeros(open_uM.shape)
    for s in range(len(dt)):
        u[s + 1] = u_inf[s] + (u[s] - u_inf[s]) * decay[s]
    return u


def _decay_tau(t, x):
    """Exponential decay time constant of ``x`` from 80 % to 20 % of its peak (log-linear fit)."""
    i_peak = int(np.argmax(x))
    peak = x[i_peak]
    if not peak > 1e-12:   # no measurable current
        return 0.0
    tail = x[i_peak:]
    sel = (tail <= 0.8 * peak) & (tail >= 0.2 * peak) & (tail > 0)
    # keep only the first contiguous run on the falling phase
    idx = np.flatnonzero(sel)
    if idx.size < 3:
        return 0.0
    idx = idx[: np.argmax(np.diff(np.r_[idx, idx[-1] + 2]) > 1) + 1]
    tt, yy = t[i_peak:][idx], np.log(tail[idx])
    slope = np.polyfit(tt, yy, 1)[0]
    return float(-1.0 / slope) if slope < 0 else 0.0


def _rise_10_90(t, x):
    i_peak = int(np.argmax(x))
    peak = x[i_peak]
    if not peak > 1e-12:   # no measurable current
        return 0.0
    rise = x[: i_peak + 1]
    t10 = np.interp(0.1 * peak, rise, t[: i_peak + 1])
    t90 = np.interp(0.9 * peak, rise, t[: i_peak + 1])
    return float(t90 - t10)


def simulate_epp(endplate: Endplate = HUMAN, quanta=None, *, t_max_ms=15.0, dt_ms=0.01,
                 rtol=1e-7) -> EPPResult:
    """Simulate the endplate potential evoked by one nerve impulse.

    Solves one quantum's cleft (patch and rings: free ACh, singly and doubly liganded, open and
    desensitized receptors) with LSODA and an analytic Jacobian, then the passive membrane.

    Parameters
    ----------
    endplate : Endplate
        Parameters of the endplate (default: healthy human).
    quanta : float, optional
        Quanta released, >= 0 (default ``endplate.quantal_content``); ``quanta=1`` gives the
        miniature EPP (MEPP), ``quanta=0`` gives no response.
    t_max_ms : float
        Length of the simulation, ms (1-200).
    dt_ms : float
        Spacing of the output grid, ms (0.001-0.1).
    rtol : float
        Relative tolerance of the solver (1e-10 to 1e-3); the absolute tolerance is 1e-7 of one
        quantum's ACh concentration.

    Returns
    -------
    EPPResult

    Examples
    --------
    >>> from mgmodel import simulate_epp, HUMAN
    >>> mepp = simulate_epp(HUMAN, quanta=1)
    >>> 0.3 <= mepp.peak_epp_mV <= 1.0
    True
    """
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    ep = endplate
    m = ep.quantal_content if quanta is None else check_number("quanta", quanta, 0.0, 1000.0, unit="quanta")
    t_max = check_number("t_max_ms", t_max_ms, 1.0, 200.0, unit="ms")
    dt = check_number("dt_ms", dt_ms, 0.001, 0.1, unit="ms")
    tol = check_number("rtol", rtol, 1e-10, 1e-3)
    n = int(round(t_max / dt)) + 1
    t = np.linspace(0.0, (n - 1) * dt, n)

    open_uM, ach, des = solve_cleft(ep, m, t, rtol=tol)
    u = membrane_response(open_uM, t, m, ep)
    v = ep.v_rest_mV + u
    open_ch = m * open_uM * ep.molecules_per_uM
    epc = open_ch * ep.conductance_pS * 1e-3 * (v - ep.e_rev_mV) * 1e-3  # nS * mV = pA -> nA
    dep = u
    i_pk = int(np.argmax(dep))
    return EPPResult(
        t_ms=t, v_mV=v, epc_nA=epc, open_channels=open_ch, ach_uM=ach,
        peak_epp_mV=float(max(dep[i_pk], 0.0)), time_to_peak_ms=float(t[i_pk]) if dep[i_pk] > 0 else 0.0,
        epc_decay_ms=_decay_tau(t, -epc), peak_open_channels=float(open_ch.max()),
        epc_rise_10_90_ms=_rise_10_90(t, -epc), quanta=float(m), endplate=ep,
        epp_rise_10_90_ms=_rise_10_90(t, dep), desensitized_fraction=float(des),
    )
