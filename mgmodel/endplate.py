"""One endplate, one nerve impulse: the endplate potential as a stiff ODE.

The physiology, in the order it happens
---------------------------------------
1. The nerve impulse releases ``quanta`` vesicles, each of ~7,000 ACh molecules
   (Kuffler & Yoshikami 1975).
2. Each quantum acts on its own small patch of cleft (~1 µm² × 50 nm), where its ACh reaches
   ~230 µM against ~170 µM of receptor sites: a nearly saturating disc (Hartzell, Kuffler &
   Yoshikami 1975; Stiles et al. 1996). Treating the whole cleft as one well-mixed volume would
   dilute a quantum to ~0.1 µM, far below the K_d, and make the EPP grow as quanta² - wrong.
   Patches of different quanta barely overlap, so the endplate current is ``quanta`` times the
   current of one patch.
3. In the patch, free ACh ``A`` binds two sites of the receptor (``R -> AR -> A2R``), the doubly
   liganded receptor opens (``A2R <-> A2R*``, rates beta and alpha), ACh bound to receptors is
   protected from hydrolysis and is released again on unbinding (receptor buffering). Free ACh is
   destroyed by AChE (Michaelis-Menten, scaled by ``ache_activity``) and escapes from the patch by
   diffusion (faster when the junctional folds are lost).
4. The open channels carry the endplate current ``I = N_open * gamma * (V - E_rev)`` (negative =
   inward), which charges the membrane: ``C dV/dt = -C (V - V_rest) / tau_m - I``. Because the
   driving force ``V - E_rev`` shrinks as V rises, EPPs sum less than linearly.

The action potential is disabled (as in a µ-conotoxin or curare-free "cut-muscle" experiment), so
the result is the EPP that is compared with the threshold to give the safety factor.

Units: time ms, concentration µM, voltage mV, current nA, conductance nS, capacitance nF.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import odeint

from ._checks import check_number
from .parameters import HUMAN, Endplate

__all__ = ["EPPResult", "simulate_epp", "patch_rates", "solve_patch"]


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


def patch_rates(ep: Endplate):
    """Rate constants of one quantal patch as a tuple of floats (ms⁻¹, µM, µM/ms).

    Returns ``(kon, koff, beta, alpha, vmax, km, kesc, r_tot, a0)`` with ``r_tot`` the available
    receptor concentration (µM) and ``a0`` the ACh concentration of one quantum released at
    once into the patch (µM).
    """
    per_uM = ep.molecules_per_uM
    r_tot = ep.achr_per_patch * ep.functional_achr_fraction / per_uM
    e_tot = ep.ache_per_patch / per_uM
    vmax = ep.ache_kcat_per_ms * e_tot * ep.ache_activity
    kon = ep.k_on_per_uM_ms
    koff = kon * ep.kd_site_uM
    return (kon, koff, ep.beta_per_ms, ep.alpha_per_ms, vmax, ep.ache_km_uM,
            ep.escape_rate_per_ms, r_tot, ep.ach_per_quantum / per_uM)


def _patch_rhs(y, t, kon, koff, beta, alpha, vmax, km, kesc, r_tot):
    a, r1, r2, o = y[0], y[1], y[2], y[3]
    r0 = r_tot - r1 - r2 - o
    bind1 = 2.0 * kon * a * r0 - koff * r1
    bind2 = kon * a * r1 - 2.0 * koff * r2
    gate = beta * r2 - alpha * o
    da = -bind1 - bind2 - vmax * a / (km + a) - kesc * a
    return [da, bind1 - bind2, bind2 - gate, gate]


def _patch_jac(y, t, kon, koff, beta, alpha, vmax, km, kesc, r_tot):
    a, r1, r2, o = y[0], y[1], y[2], y[3]
    r0 = r_tot - r1 - r2 - o
    # partial derivatives of bind1 = 2 kon a r0 - koff r1 and bind2 = kon a r1 - 2 koff r2
    b1 = (2.0 * kon * r0, -2.0 * kon * a - koff, -2.0 * kon * a, -2.0 * kon * a)
    b2 = (kon * r1, kon * a, -2.0 * koff, 0.0)
    g = (0.0, 0.0, beta, -alpha)
    ache = vmax * km / (km + a) ** 2
    return [
        [-b1[0] - b2[0] - ache - kesc, -b1[1] - b2[1], -b1[2] - b2[2], -b1[3] - b2[3]],
        [b1[0] - b2[0], b1[1] - b2[1], b1[2] - b2[2], b1[3] - b2[3]],
        [b2[0] - g[0], b2[1] - g[1], b2[2] - g[2], b2[3] - g[3]],
        [g[0], g[1], g[2], g[3]],
    ]


def solve_patch(ep: Endplate, t_ms: np.ndarray, *, rtol=1e-7):
    """Free ACh (µM) and open receptors (µM) of one quantal patch on the time grid ``t_ms``.

    The membrane potential does not enter the patch kinetics (binding and gating are taken as
    voltage independent), so the patch can be solved once and reused for any number of quanta.
    """
    kon, koff, beta, alpha, vmax, km, kesc, r_tot, a0 = patch_rates(ep)
    args = (kon, koff, beta, alpha, vmax, km, kesc, r_tot)
    y = odeint(_patch_rhs, [a0, 0.0, 0.0, 0.0], t_ms, args=args, Dfun=_patch_jac,
               rtol=rtol, atol=1e-9 * max(a0, 1.0), mxstep=20000)
    return np.maximum(y[:, 0], 0.0), np.maximum(y[:, 3], 0.0)


def _full_rhs(y, t, kon, koff, beta, alpha, vmax, km, kesc, r_tot, g_per_uM, e_rev, v_rest, tau, cap):
    # the patch equations of _patch_rhs, written out again here because this function is the
    # solver's inner loop (a call saved is ~30 % of simulate_epp's time), plus the membrane
    a, r1, r2, o, v = y
    r0 = r_tot - r1 - r2 - o
    bind1 = 2.0 * kon * a * r0 - koff * r1
    bind2 = kon * a * r1 - 2.0 * koff * r2
    gate = beta * r2 - alpha * o
    return [-bind1 - bind2 - vmax * a / (km + a) - kesc * a, bind1 - bind2, bind2 - gate, gate,
            -(v - v_rest) / tau - g_per_uM * o * (v - e_rev) * 1e-3 / cap]


def _full_jac(y, t, kon, koff, beta, alpha, vmax, km, kesc, r_tot, g_per_uM, e_rev, v_rest, tau, cap):
    jac = _patch_jac(y, t, kon, koff, beta, alpha, vmax, km, kesc, r_tot)
    for row in jac:
        row.append(0.0)
    k = g_per_uM * 1e-3 / cap
    jac.append([0.0, 0.0, 0.0, -k * (y[4] - e_rev), -1.0 / tau - k * y[3]])
    return jac


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

    Solves the coupled stiff system of one quantal patch (free ACh, singly and doubly liganded
    receptors, open channels) and the membrane potential with LSODA and an analytic Jacobian.

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
        Relative tolerance of the solver (1e-10 to 1e-3); absolute tolerances are 1e-6 of one
        quantum's ACh concentration and 10 µV.

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

    kon, koff, beta, alpha, vmax, km, kesc, r_tot, a0 = patch_rates(ep)
    g_per_uM = m * ep.molecules_per_uM * ep.conductance_pS * 1e-3  # nS per µM of open receptor
    args = (kon, koff, beta, alpha, vmax, km, kesc, r_tot, g_per_uM, ep.e_rev_mV, ep.v_rest_mV,
            ep.tau_membrane_ms, ep.capacitance_nF)
    y0 = [a0, 0.0, 0.0, 0.0, ep.v_rest_mV]
    # absolute tolerances: a millionth of one quantum's concentration, 10 µV
    y = odeint(_full_rhs, y0, t, args=args, Dfun=_full_jac, rtol=tol,
               atol=[1e-6 * a0] * 4 + [1e-5], mxstep=20000)
    ach = np.maximum(y[:, 0], 0.0)
    o_uM = np.maximum(y[:, 3], 0.0)
    v = y[:, 4]
    open_ch = m * o_uM * ep.molecules_per_uM
    epc = open_ch * ep.conductance_pS * 1e-3 * (v - ep.e_rev_mV) * 1e-3  # nS * mV = pA -> nA
    dep = v - ep.v_rest_mV
    i_pk = int(np.argmax(dep))
    return EPPResult(
        t_ms=t, v_mV=v, epc_nA=epc, open_channels=open_ch, ach_uM=ach,
        peak_epp_mV=float(max(dep[i_pk], 0.0)), time_to_peak_ms=float(t[i_pk]) if dep[i_pk] > 0 else 0.0,
        epc_decay_ms=_decay_tau(t, -epc), peak_open_channels=float(open_ch.max()),
        epc_rise_10_90_ms=_rise_10_90(t, -epc), quanta=float(m), endplate=ep,
    )
