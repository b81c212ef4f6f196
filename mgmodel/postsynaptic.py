"""The endplate across a train of impulses: summation, desensitization, Na inactivation, firing.

:func:`postsynaptic_train` is the train-level verb of the endplate floor. It takes what the nerve
terminals released (quanta per fibre per impulse, from :mod:`mgmodel.presynaptic`) and decides,
fibre by fibre and impulse by impulse, how large the EPP is, whether the fibre fires and with
which latency. It works on 10⁵ fibres at once through the fast-path table
(:mod:`mgmodel.fastpath`); every quantity it uses comes from the same endplate model as
:func:`mgmodel.simulate_epp`.

What carries over from one impulse to the next
----------------------------------------------
1. **Summation.** Each EPP leaves a tail: the membrane discharges with its time constant, and
   while AChE is inhibited ACh lingers in the cleft and keeps channels open for longer (buffered
   diffusion; Katz & Miledi 1973). The table stores each EPP's tail up to its window and an
   exponential rate beyond; the tails of all earlier impulses combine, as conductances do, into a
   residual depolarization ``u_res = D (1 - prod(1 - u_k / D))``. The next EPP rides on it with a driving force reduced in proportion,
   ``u = u_res + p (1 - u_res / (E_rev - V_rest))`` (the same non-linear summation that limits a
   single EPP; Martin 1955), ``p`` being the EPP the impulse would give from rest.
2. **Desensitization.** Receptors that stay doubly liganded for long enter a desensitized,
   closed state and recover over hundreds of milliseconds (Katz & Thesleff 1957; Magleby &
   Pallotta 1981). The table gives the fraction each impulse desensitizes; the fraction
   recovers exponentially from each impulse's release time on (``Endplate.desens_recovery_per_ms``
   with its Q10); the table's value, read some ms after release, is first carried back to the
   release (:meth:`mgmodel.fastpath.EPPTable.desens_at_release`), so that the recovery within the
   table's window is not counted twice.
   Desensitized receptors are not available to the next impulse. With normal AChE this is
   negligible; with AChE inhibited it builds up.
3. **Na inactivation.** A sustained depolarization inactivates the endplate's Na channels:
   their available fraction falls as the steady-state inactivation curve ``h_inf(V)``
   (Boltzmann, ``Endplate.na_h_half_mV``, ``na_h_slope_mV``), relative to rest. The threshold is
   that of an endplate with ``na_channel_fraction * h_inf(V_rest + u_res) / h_inf(V_rest)``
   Na channels (:func:`mgmodel.safety.threshold_gap_mV`), so a residual depolarization raises the
   threshold.

4. **Leaving the endplate.** The impulse must also regenerate in the membrane beyond the
   endplate, which has 5-10 times fewer Na channels (Caldwell & Milton 1988) and is inactivated
   by the same lasting depolarization: beyond ~29 mV of residual depolarization it cannot
   (:func:`mgmodel.safety.propagates`), and the threshold is reported as ``inf``.

Together these give a depolarizing block under strong AChE inhibition and repetitive
stimulation without any rule for it: the EPP sums on a growing plateau while desensitization
shrinks it and inactivation lifts the threshold above it, until the impulse cannot leave the
endplate. How much inhibition it takes depends on the interval between impulses, because the
cleft clears ACh within a few ms even at 15 % AChE activity: at the eye muscles' tonic 150 Hz a
healthy endplate blocks at about 80 % inhibition (AChE 0.2), at 50 Hz at about 98 % (AChE 0.02;
residual ~2 mV at 85 % inhibition), at 20 Hz only near 99 %. Desensitization stays small in all
of these (under 1 % of the receptors), so in this model the block is one of summation and Na
inactivation. Clinically cholinergic weakness is expected beyond ~80 % inhibition
(``therapy.DEPOLARIZING_BLOCK_INHIBITION``): the model matches it for the eye muscles and needs
more for the limbs; what it lacks there (the repetitive firing a prolonged EPC causes, slow Na
inactivation, actions of the drug on the receptor itself) is not established here.

The firing decision is ``u >= gap`` and the latency is the time the EPP takes to reach the
threshold (the moment the action potential takes off), from the table's rise profile. What the
action potential itself does to the endplate (its own inactivation of Na channels, refractoriness)
is not modelled: at the intervals of clinical trains (≥ 5 ms) it has recovered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_number
from .fastpath import EPPTable, FibreEPP, epp_table
from .parameters import Endplate
from .safety import na_availability, propagates
from .safety import threshold_gap_mV as _gap_of_na

__all__ = ["PostsynapticTrain", "postsynaptic_train"]


@dataclass(frozen=True, eq=False)
class PostsynapticTrain:
    """The endplate side of a train of impulses, fibre by fibre (N fibres, S impulses).

    Attributes
    ----------
    times_ms : ndarray (S,)
        Release times, ms.
    epp_mV : ndarray (N, S)
        Peak depolarization above rest at each impulse, mV, including the residual of earlier
        impulses (action potential disabled: the EPP that is compared with the threshold).
    residual_mV : ndarray (N, S)
        Residual depolarization left by earlier impulses when each impulse arrives, mV.
    gap_mV : ndarray (N, S)
        Threshold above rest at each impulse, mV (raised by Na inactivation; inf if inexcitable).
    fires : ndarray (N, S) of bool
        Whether the fibre fires an action potential.
    latency_ms : ndarray (N, S)
        Time from release to the take-off of the action potential, ms; ``inf`` where it fails.
    desensitized : ndarray (N, S)
        Fraction of the fibre's receptors desensitized when each impulse arrives.
    safety_factor : ndarray (N, S)
        ``epp_mV / gap_mV`` (0 where inexcitable).
    """

    times_ms: np.ndarray
    epp_mV: np.ndarray
    residual_mV: np.ndarray
    gap_mV: np.ndarray
    fires: np.ndarray
    latency_ms: np.ndarray
    desensitized: np.ndarray
    safety_factor: np.ndarray


def _check_bool(name, value):
    """``value`` if it is a bool, else ValueError naming ``name``."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return value


def _tail(fib, table, delays, d, quanta):
    """Depolarization (mV) left ``d`` ms after an impulse, log-linear between stored delays."""
    k = int(np.clip(np.searchsorted(delays, d) - 1, 0, len(delays) - 2))
    w = float(np.clip((d - delays[k]) / (delays[k + 1] - delays[k]), 0.0, 1.0))
    if d < delays[0]:          # within the first stored delay: hold the first value
        k, w = 0, 0.0
    lo = np.maximum(fib.evaluate(table.tail[..., k], quanta), 1e-12)
    hi = np.maximum(fib.evaluate(table.tail[..., k + 1], quanta), 1e-12)
    return np.where(hi > 1e-12, np.exp(np.log(lo) * (1 - w) + np.log(hi) * w), 0.0)


def _fibre_vector(name, value, n, lo, hi, **kw):
    arr = check_array(name, value, lo, hi, **kw)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a number or have shape ({n},); got shape {arr.shape}")
    return arr


def postsynaptic_train(endplate_or_table, functional_achr, quanta, times_ms, *, ache_activity=1.0,
                       na_channel_fraction=1.0, cap_scale=1.0, threshold_gap_mV=None,
                       temperature_C=None, with_latency=True) -> PostsynapticTrain:
    """EPPs, firing and latencies of N fibres over a train of S impulses (vectorized over fibres).

    Parameters
    ----------
    endplate_or_table : Endplate or EPPTable
        Supplies the constants (temperature included); an ``Endplate`` is turned into its
        cached table with :func:`mgmodel.fastpath.epp_table`.
    functional_achr : array_like (N,)
        Functional AChR of each fibre relative to healthy, ``achr_fraction * (1 - ach_site_block)``,
        (0, 1.5].
    quanta : array_like (N, S)
        Quanta released at each fibre by each impulse, [0, 10⁴] (in the fibre's own units: the
        table sees ``quanta / cap_scale``).
    times_ms : array_like (S,)
        Release times, ms, non-decreasing, ≥ 0.
    ache_activity : float
        AChE activity shared by the fibres, [0, 1].
    na_channel_fraction : float or array_like (N,)
        Fold membrane / Na channels left at each endplate, (0, 1].
    cap_scale : float or array_like (N,)
        Effective capacitance of each fibre relative to the reference fibre, (0, 100].
    threshold_gap_mV : float or array_like (N,), optional
        Each fibre's resting threshold above rest, mV (e.g. with fibre-to-fibre noise); default
        :func:`mgmodel.safety.threshold_gap_mV` of its Na fraction. ``inf`` = inexcitable.
    temperature_C : float, optional
        Muscle temperature, °C [20, 42]; only with an ``Endplate`` (a table has its own):
        the endplate's ``temperature_C`` is replaced by it.
    with_latency : bool
        Compute ``latency_ms`` (default); ``False`` leaves it ``inf`` everywhere and saves time
        when only firing matters (RNS of large populations).

    Returns
    -------
    PostsynapticTrain

    Examples
    --------
    >>> import numpy as np
    >>> from mgmodel import HUMAN
    >>> tr = postsynaptic_train(HUMAN, np.ones(3), np.full((3, 4), 45.0), np.arange(4) * 333.0)
    >>> bool(tr.fires.all())
    True
    """
    if isinstance(endplate_or_table, Endplate):
        ep = endplate_or_table
        if temperature_C is not None:
            ep = ep.replace(temperature_C=temperature_C)
        table = epp_table(ep)
    elif isinstance(endplate_or_table, EPPTable):
        table = endplate_or_table
        if temperature_C is not None:
            raise ValueError("temperature_C must be None when a table is given (the table has its "
                             f"own temperature, {table.endplate.temperature_C:g} °C); got {temperature_C!r}")
        ep = table.endplate
    else:
        raise ValueError("endplate_or_table must be an Endplate or an EPPTable; "
                         f"got {type(endplate_or_table).__name__}")
    m = check_array("quanta", quanta, 0.0, 1e4)
    if m.ndim != 2:
        raise ValueError(f"quanta must have shape (N, S); got shape {m.shape}")
    n, s = m.shape
    t = check_array("times_ms", times_ms, 0.0, None, unit="ms")
    if t.shape != (s,):
        raise ValueError(f"times_ms must have shape ({s},) to match quanta; got shape {t.shape}")
    if s > 1 and np.any(np.diff(t) < 0):
        raise ValueError("times_ms must be non-decreasing; got a decrease")
    f = _fibre_vector("functional_achr", functional_achr, n, 0.0, 1.5, lo_open=True)
    na = _fibre_vector("na_channel_fraction", na_channel_fraction, n, 0.0, 1.0, lo_open=True)
    cap = _fibre_vector("cap_scale", cap_scale, n, 0.0, 100.0, lo_open=True)
    ache = check_number("ache_activity", ache_activity, 0.0, 1.0)
    with_latency = _check_bool("with_latency", with_latency)
    gap0_ref = _gap_of_na(na, ep)
    if threshold_gap_mV is None:
        gap0 = gap0_ref
    else:
        given = np.asarray(threshold_gap_mV, float) if not isinstance(threshold_gap_mV, str) else threshold_gap_mV
        # inf is a valid threshold (an inexcitable endplate); NaN and values <= 0 are not
        finite_given = np.where(np.isposinf(given), 1.0, given) if isinstance(given, np.ndarray) else given
        _fibre_vector("threshold_gap_mV", finite_given, n, 0.0, None, lo_open=True)
        gap0 = np.broadcast_to(given, (n,)).astype(float)
        gap0 = np.where(np.isfinite(gap0_ref), gap0, np.inf)
    excitable = np.isfinite(gap0)
    drive = ep.e_rev_mV - ep.v_rest_mV
    k_rec = ep.desens_recovery_per_ms * ep.rate_factor("gating")
    window = table.tail_window_ms
    delays = table.tail_delays_ms

    fib = FibreEPP(table, f, ache, na, cap)            # fibre axes resolved once for the train
    out = {k: np.empty((s, n)) for k in ("epp", "res", "gap", "lat", "des")}   # impulse-major
    # the largest tail the table holds at the end of its window: bounds what a far-away impulse
    # can still add (interpolation is a convex combination of table values)
    tail_end_max = float(np.max(table.tail[..., -1]))
    # each impulse's desensitization recovers from its release time on; the table's value was
    # read after recovery had already acted over the read window, so carry it back to release
    des_release = table.desens_at_release(k_rec)
    des = np.zeros(n)
    past = []                  # (release time, quanta as seen by the table) within the window
    far = np.zeros(n)          # residual of impulses beyond the table's window
    far_t = 0.0
    tau_far = None
    for j in range(s):
        tj = t[j]
        if j:
            des = des * np.exp(-k_rec * (tj - t[j - 1]))
        # tails combine as conductances do: each leaves the fraction (1 - u/D) of the driving
        # force, so u_res = D (1 - prod(1 - u_k / D)); far-away impulses add linearly (small)
        far = far * np.exp(-(tj - far_t) / tau_far) if tau_far is not None else far
        far_t = tj
        left = np.ones(n)
        keep = []
        for (tk, mk) in past:
            d = tj - tk
            if d <= window:
                left *= 1.0 - np.minimum(_tail(fib, table, delays, d, mk) / drive, 0.999)
                keep.append((tk, mk))
            else:
                if tau_far is not None and \
                        tail_end_max * np.exp(-(d - window) / float(np.max(tau_far))) < 1e-9:
                    continue       # decayed below 1e-9 mV for every fibre: nothing to add
                last = fib.evaluate(table.tail[..., -1], mk)
                if tau_far is None:
                    prev = fib.evaluate(table.tail[..., -2], mk)
                    rate = np.log(np.maximum(prev, 1e-12) / np.maximum(last, 1e-12)) / (delays[-1] - delays[-2])
                    tau_far = np.clip(np.where(rate > 0, 1.0 / np.maximum(rate, 1e-9), ep.tau_membrane_ms),
                                      ep.tau_membrane_ms, 1e4)
                far = far + last * np.exp(-(d - window) / tau_far)
        past = keep
        left *= 1.0 - np.minimum(far / drive, 0.999)
        res = drive * (1.0 - left)
        # desensitized receptors are unavailable: for the small fractions of normal trains this
        # is, to first order, a proportional loss of quanta; larger fractions use the full table
        mj = m[:, j] * (1.0 - des)
        p = fib.peak(mj)
        big = des > 0.05
        if np.any(big):
            p[big] = table.peak_mV(f[big] * (1.0 - des[big]), m[big, j] / cap[big], ache, na[big])
        drive_left = 1.0 - res / drive
        u = res + p * drive_left
        gap = gap0.copy()
        dep = excitable & (res > 1e-3)          # Na inactivation only where depolarization lingers
        if np.any(dep):
            avail = na_availability(res[dep], ep)
            gap[dep] = gap0[dep] * _gap_of_na(np.maximum(na[dep] * avail, 1e-300), ep) / gap0_ref[dep]
            # the impulse must also leave the endplate: the membrane beyond it, with fewer Na
            # channels, is inactivated by the same lasting depolarization
            gap[dep] = np.where(propagates(res[dep], ep), gap[dep], np.inf)
        fires = u >= gap
        lat = np.full(n, np.inf)
        if with_latency and np.any(fires):
            level = (gap[fires] - res[fires]) / drive_left[fires]
            sub = FibreEPP(table, f[fires], ache, na[fires], cap[fires])
            lat[fires] = EPPTable.time_from_profile(np.maximum(level, 0.0), p[fires],
                                                    sub.evaluate(table.rise, mj[fires]))
        out["epp"][j], out["res"][j], out["gap"][j] = u, res, gap
        out["lat"][j], out["des"][j] = lat, des
        des = des + (1.0 - des) * np.clip(fib.evaluate(des_release, mj), 0.0, 1.0)
        past.append((tj, mj))
    out = {k: v.T for k, v in out.items()}               # (N, S) views
    fires = out["epp"] >= out["gap"]
    sf = np.where(np.isfinite(out["gap"]), out["epp"] / np.where(np.isfinite(out["gap"]), out["gap"], 1.0), 0.0)
    return PostsynapticTrain(times_ms=t, epp_mV=out["epp"], residual_mV=out["res"], gap_mV=out["gap"],
                             fires=fires, latency_ms=out["lat"], desensitized=out["des"],
                             safety_factor=sf)
