"""A vectorized fast path for the endplate potential: a precomputed table, interpolated in numpy.

Fibre populations (10⁵ fibres × 10 stimuli), trains, single-fibre EMG and widgets need the EPP
for many (functional AChR, quanta, AChE activity, Na-channel/fold fraction) combinations at once.
Solving the full model for each is far too slow, so this module solves it once on a grid and
interpolates.

How the table is built
----------------------
The cleft (:mod:`mgmodel.cleft`) does not depend on the membrane potential, but it does depend on
the number of quanta released together (through the territories of neighbouring quanta). It is
solved for every node of (functional AChR, AChE activity, fold/Na fraction) and for the quanta in
``_MI_GRID`` at once, with a batched second-order Rosenbrock scheme (ROS2; Verwer et al. 1999)
and a block-eliminating linear solver (the systems on the last, contiguous axis, so that each
matrix entry is one vector operation). The open receptors per quantum are carried onto the finer
quanta grid of the membrane by a cubic spline in log quanta (the territory, and with it the
open receptors per quantum, changes smoothly with the number of quanta up to
``MAX_INTERACTING_QUANTA``; linear interpolation there cost up to 1.8 % of the peak between the
cleft's quanta nodes). The membrane ``du/dt = -u / tau - k m O(t) (u - D)`` (``u = V - V_rest``,
``D = E_rev - V_rest``) is integrated exactly for each step with the conductance held at its
mid-step value, with 0.01 ms steps over the first 3 ms (the step of
:func:`mgmodel.simulate_epp`'s output grid, so the two integrate the membrane alike), 0.02 ms to
10 ms and 0.1 ms for the slow tail. The table holds the peak depolarization, the times at which
the EPP first reaches 5 %, 10 %, ... 100 % of its peak (firing latency), the depolarization left
at the delays ``_TAIL_MS`` (summation in trains) and the fraction of receptors one impulse
desensitizes.

How it is read
--------------
The peak is what decides firing, so it is carried from the solved nodes onto a finer grid
(``_REFINE`` fine intervals per solved interval along the functional-AChR, AChE and fold axes)
by not-a-knot cubic splines of log peak, one axis after the other; log peak is close to a power
law of functional AChR and of the AChE and fold axes, so the splines are accurate where
straight lines between the nodes were not. Lookups stay multilinear, on the fine grid, in (log
functional AChR, log(AChE activity + 0.05), fold axis, quanta); the AChR and fold axes of the
fine grid are uniform and the AChE axis is searched through equal buckets, so a lookup costs
less than before (``benchmarks/bench_endplate.py``). The quanta grid has nodes at 1 and 100
quanta, where the territories stop changing and the peak has a kink. The rise profile, tail
and desensitization are read multilinearly on the solved nodes.

Accuracy. Table v12 (linear interpolation everywhere, 0.02 ms membrane steps) was within 2.4 %
of :func:`mgmodel.simulate_epp` (4.1 % at AChE < 0.02, 7 % below functional AChR 0.05). Its
error was almost all interpolation: across the cleft's quanta nodes (up to 1.8 %) and, midway
between nodes, along the AChE (4.4 %), AChR (1.6 %) and fold (1 %) axes; the Rosenbrock steps
cost at most 0.1 % and the membrane step 0.2 %. Measured now on independent random states
(``tests/test_fastpath.py``, ``benchmarks/bench_endplate.py``): the peak is within 0.4 % for
functional AChR 0.05-1.5 (AChE 0-1, Na/fold 0.02-1, quanta 0-200; HUMAN and RODENT, also at 25
and 40 °C), about 0.1 % low on average (the Rosenbrock steps), and within 0.8 % below
functional AChR 0.05 (for this the AChE nodes crowd towards zero: there, with few receptors to
buffer the ACh, the peak halves between no AChE and 0.5 % of it).

A larger or smaller fibre (capacitance ``C``, same time constant) behaves as the reference fibre
with ``quanta * C_ref / C`` quanta, so fibre size enters as an effective quantal content (a bigger
fibre's bigger endplate also has proportionally larger territories, so the interaction of quanta
scales the same way).

The table is built on first use (about 10-11 s of CPU time, one thread; see
``benchmarks/bench_endplate.py``) and cached on disk under ``$MGMODEL_CACHE`` (default
``~/.cache/mgmodel``) keyed on the endplate's constants. Temperature is one of those constants,
not an axis: each temperature builds (once) and caches its own table.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import threading

import numpy as np
from scipy.interpolate import CubicSpline

from ._checks import check_array
from .cleft import cleft_rates, integrate_cleft, stack_rates
from .parameters import HUMAN, Endplate

__all__ = ["EPPTable", "FibreEPP", "epp_table", "epp_fast", "STATE_FIELDS"]

#: Fields of Endplate that vary between fibres, patients or days; they are the table's axes.
#: Every other field is a constant of the table.
STATE_FIELDS = ("achr_fraction", "ach_site_block", "quantal_content", "ache_activity",
                "na_channel_fraction")

_TABLE_VERSION = 13
_F_GRID = np.geomspace(2e-4, 1.5, 20)               # functional AChR fraction
#: AChE activity. Nodes crowd towards zero, where with few receptors (little buffering) the peak
#: halves between no AChE and 0.5 % of it.
_ACHE_GRID = np.array([0.0, 0.0015, 0.003, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.18, 0.3, 0.45,
                       0.7, 1.0])
#: The AChE axis is interpolated in log(activity + _ACHE_FLOOR): the current lasts about as long
#: as the reciprocal of the total removal of ACh, enzymatic (∝ activity) plus diffusion out of the
#: patch, which is some 5 % of the normal enzymatic rate when few receptors buffer the ACh.
_ACHE_FLOOR = 0.05
_ESC_GRID = np.linspace(0.0, 1.0, 4)                # healthy diffusion rate / actual diffusion rate
#: Quanta (effective): zero, then geometric from 0.24 to 1060 with 1 and 100 on nodes, where the
#: territories stop changing (the peak has a kink there).
_M_GRID = np.r_[0.0, 100.0 ** (1.0 + np.arange(-51, 21) / 39.0)]   # geometric: see _quanta_index
_M_INV_STEP = 1.0 / np.diff(_M_GRID)
#: Quanta at which the cleft is solved (100 = MAX_INTERACTING_QUANTA).
_MI_GRID = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 24.0, 32.0, 48.0, 64.0, 100.0])
#: Fine intervals per solved interval of the peak's fine grid along the AChR, AChE, fold axes.
_REFINE = (3, 4, 4)
_ACHE_LONG = 0.3                                    # below this AChE activity the current is long
_T_SHORT_MS = 8.0                                   # window of the cleft solve otherwise
_Q_LEVELS = np.linspace(0.05, 1.0, 20)              # fractions of the peak for the rise profile
_TAIL_MS = np.array([2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 25.0])    # delays of the stored tail
#: Membrane steps (ms) by time after release, (until, step): 0.01 ms (simulate_epp's default
#: grid) while the endplate current is large, coarser as it decays, 0.1 ms in the slow tail.
_MEMBRANE_STEPS = ((3.0, 0.01), (10.0, 0.02), (25.0, 0.1))
_T_MAX_MS = float(_TAIL_MS[-1])
_T_RISE_MS = 10.0                                   # the rise profile is searched in this window
#: Every grid and step above, so that a cached table built with other grids is never reused
#: (the cache key holds it besides the version and the endplate's constants).
_GRID_SIGNATURE = [np.asarray(g, float).round(12).tolist() for g in (
    _F_GRID, _ACHE_GRID, _ESC_GRID, _M_GRID, _MI_GRID, _Q_LEVELS, _TAIL_MS, _REFINE,
    np.ravel(_MEMBRANE_STEPS), (_ACHE_FLOOR, _ACHE_LONG, _T_SHORT_MS, _T_RISE_MS))]


def _time_grid():
    """Membrane time points (ms) from 0 to ``_T_MAX_MS``, with the steps of ``_MEMBRANE_STEPS``."""
    t, start = [np.zeros(1)], 0.0
    for until, h in _MEMBRANE_STEPS:
        n = int(round((until - start) / h))
        t.append(start + np.arange(1, n + 1) * h)
        start = until
    return np.concatenate(t)


def _subdivide(x, r):
    """Axis coordinates ``x`` with each interval cut into ``r`` equal parts."""
    return np.r_[(x[:-1, None] + np.diff(x)[:, None] * (np.arange(r) / r)).ravel(), x[-1]]


#: Axis coordinates of the solved nodes (log functional AChR, the AChE axis, the escape axis)
#: and of the fine grid of the peak.
_COARSE_AXES = (np.log(_F_GRID), np.log(_ACHE_GRID + _ACHE_FLOOR), _ESC_GRID)
_FINE_AXES = tuple(_subdivide(x, r) for x, r in zip(_COARSE_AXES, _REFINE))
# lookups index the AChR and fold axes and the log quanta grid by arithmetic
if not all(np.allclose(np.diff(x), x[1] - x[0], rtol=1e-9, atol=0.0) for x in (
        _COARSE_AXES[0], _COARSE_AXES[2], _FINE_AXES[0], _FINE_AXES[2], np.log(_M_GRID[1:]))):
    raise RuntimeError("a fast-path axis indexed by arithmetic is no longer uniform")


def _mi_matrix(m):
    """Weights (len(m), len(_MI_GRID)) that carry open receptors per quantum from the cleft
    quanta ``_MI_GRID`` to quanta ``m``: a not-a-knot cubic spline in log quanta, held constant
    below the first and beyond the last node (the territories stop changing there)."""
    lg = np.log(_MI_GRID)
    x = np.log(np.clip(np.asarray(m, float), _MI_GRID[0], _MI_GRID[-1]))
    return CubicSpline(lg, np.eye(len(lg)), axis=0)(x)


def _constants(ep: Endplate) -> dict:
    d = dataclasses.asdict(ep)
    for name in STATE_FIELDS:
        d.pop(name)
    return d


def _cache_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("MGMODEL_CACHE", pathlib.Path.home() / ".cache" / "mgmodel"))


class EPPTable:
    """Peak EPP and rise profile on a grid, for one set of endplate constants.

    Use :func:`epp_table` to get the (cached) table of an endplate; then :meth:`peak_mV` and
    :meth:`time_to_mV` evaluate it for arrays of fibres.
    """

    def __init__(self, constants: dict, peak: np.ndarray, rise: np.ndarray, tail: np.ndarray,
                 desens: np.ndarray):
        self.constants = constants
        self.peak_nodes = peak       # (F, ACHE, NA, M) mV above rest at the solved nodes
        self.peak = _refine(peak)    # (F', ACHE', NA', M) the same on the fine grid
        self.rise = rise      # (F, ACHE, NA, M, Q) ms
        self.tail = tail      # (F, ACHE, NA, M, K) mV above rest at the delays _TAIL_MS
        self.desens = desens  # (F, ACHE, NA, M) desensitized fraction after one impulse

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def build(cls, ep: Endplate) -> "EPPTable":
        """Solve the cleft on the grid (all grid points at once) and integrate the membrane.

        The cleft depends on the number of quanta (through the territories of neighbouring
        quanta), so it is solved at the quanta in ``_MI_GRID`` and the open receptors per
        quantum are carried by a cubic spline in log quanta to the finer ``_M_GRID`` of the
        membrane.
        """
        t = _time_grid()
        # Fold loss acts on the EPP through diffusion, which it speeds as (1 + gain (1 - na));
        # the grid is uniform in 1 / (1 + gain (1 - na)) from 1 / (1 + gain) (no folds) to 1.
        na_grid = _na_from_escape_axis(_ESC_GRID, ep.escape_gain_fold_loss)
        rows = [(f, a, n) for f in _F_GRID for a in _ACHE_GRID for n in na_grid]
        n_r, n_i = len(rows), len(_MI_GRID)
        rates = []
        for f, a, n in rows:
            e = dataclasses.replace(ep, achr_fraction=f, ach_site_block=0.0, ache_activity=a,
                                    na_channel_fraction=max(n, 1e-6))
            rates += [cleft_rates(e, mi) for mi in _MI_GRID]
        long = np.repeat([a < _ACHE_LONG for _, a, _ in rows], n_i)
        open_q = np.zeros((len(t), n_r * n_i))                    # per quantum, µM of patch
        des_q = np.zeros(n_r * n_i)                                # per quantum, µM of patch
        # with AChE working the current is over within a few ms: the rest of the window is the
        # membrane's own discharge (zero conductance), so those rows need a shorter solve
        for sel, n_t in ((long, len(t)), (~long, int(np.searchsorted(t, _T_SHORT_MS - 1e-9)) + 1)):
            idx = np.flatnonzero(sel)
            if idx.size:
                o, d = integrate_cleft(stack_rates([rates[q] for q in idx]), t[:n_t])
                open_q[:n_t, idx] = o
                des_q[idx] = d
        r_tot = np.array([r.r_tot for r in rates])
        open_q = open_q.reshape(len(t), n_r, n_i)
        # desensitized receptors per quantum as a fraction of the endplate's receptors
        des_q = (des_q / np.maximum(r_tot, 1e-300)).reshape(n_r, n_i) * ep.patch_area_um2 \
            / ep.endplate_area_um2
        k = ep.molecules_per_uM * ep.conductance_pS * 1e-6 / ep.capacitance_nF  # 1/(µM ms) per quantum
        peak, rise, tail = _membrane(open_q, t, k, ep.e_rev_mV - ep.v_rest_mV, ep.tau_membrane_ms)
        # desensitized fraction of the endplate's receptors: per quantum, times quanta, over the
        # number of patches the endplate holds
        des = (des_q @ _mi_matrix(_M_GRID).T) * _M_GRID
        shape = (len(_F_GRID), len(_ACHE_GRID), len(_ESC_GRID), len(_M_GRID))
        return cls(_constants(ep), peak.reshape(shape), rise.reshape(shape + (len(_Q_LEVELS),)),
                   tail.reshape(shape + (len(_TAIL_MS),)), np.clip(des, 0.0, 1.0).reshape(shape))

    # -- evaluation ------------------------------------------------------------------------
    def _weights(self, f, ache, na, m, axes=_COARSE_AXES):
        """Indices and weights of the multilinear interpolation (flat inputs) on grid ``axes``."""
        # below the smallest AChR grid value the patch is unbuffered and open channels scale
        # with receptor number: fold the excess into an effective quantal content
        scale = np.where(f < _F_GRID[0], f / _F_GRID[0], 1.0)
        f = np.maximum(f, _F_GRID[0])
        m = m * scale
        out = []
        esc = _escape_axis(na, self.constants["escape_gain_fold_loss"])
        for x, grid in zip((np.log(f), _ache_axis(ache), esc, m), axes + (_M_GRID,)):
            i = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, len(grid) - 2)
            w = (x - grid[i]) / (grid[i + 1] - grid[i])
            out.append((i, np.clip(w, 0.0, 1.0)))
        return out

    def _interp(self, values, f, ache, na, m):
        """Multilinear interpolation: gather the 16 corners at once, then contract axis by axis.

        ``values`` is the fine-grid peak or any array on the solved nodes (rise, tail, desens).
        """
        axes = _FINE_AXES if values.shape[:3] == self.peak.shape[:3] else _COARSE_AXES
        (i0, w0), (i1, w1), (i2, w2), (i3, w3) = self._weights(f, ache, na, m, axes)
        n0, n1, n2, n3 = values.shape[:4]
        flat = values.reshape(n0 * n1 * n2 * n3, -1)           # (grid points, 1 or levels)
        base = ((i0 * n1 + i1) * n2 + i2) * n3 + i3
        corners = np.array([((b0 * n1 + b1) * n2 + b2) * n3 + b3
                            for b0 in (0, 1) for b1 in (0, 1) for b2 in (0, 1) for b3 in (0, 1)])
        v = flat[base[:, None] + corners]                       # (N, 16, 1 or levels)
        v = v.reshape(len(base), 2, 2, 2, 2, flat.shape[1])
        for w in (w0, w1, w2, w3):                              # contract the leading corner axis
            w = w.reshape((-1,) + (1,) * (v.ndim - 2))
            v = v[:, 0] + (v[:, 1] - v[:, 0]) * w
        return v[:, 0] if values.ndim == 4 else v

    @property
    def endplate(self) -> Endplate:
        """An ``Endplate`` with the table's constants (state fields at their defaults)."""
        return Endplate(**self.constants)

    @property
    def tail_delays_ms(self) -> np.ndarray:
        """Delays after release (ms) at which the table stores the EPP's tail."""
        return _TAIL_MS.copy()

    @property
    def tail_window_ms(self) -> float:
        """Longest delay after release for which the table stores the EPP's tail, ms."""
        return float(_TAIL_MS[-1])

    def tail_mV(self, delay_ms, functional_achr, quanta, ache_activity=1.0, na_channel_fraction=1.0):
        """Depolarization left ``delay_ms`` after a release (mV above rest), delay in [0, window].

        Interpolated in the stored tail between ``_TAIL_MS`` delays (log-linear in the value).
        """
        d = float(delay_ms)
        f, m, a, n = (np.asarray(x, float) for x in np.broadcast_arrays(
            functional_achr, quanta, ache_activity, na_channel_fraction))
        shape = f.shape
        prof = self._interp(self.tail, f.ravel(), a.ravel(), n.ravel(), m.ravel())   # (N, K)
        k = int(np.clip(np.searchsorted(_TAIL_MS, d) - 1, 0, len(_TAIL_MS) - 2))
        w = float(np.clip((d - _TAIL_MS[k]) / (_TAIL_MS[k + 1] - _TAIL_MS[k]), 0.0, 1.0))
        lo, hi = np.maximum(prof[:, k], 1e-12), np.maximum(prof[:, k + 1], 1e-12)
        out = np.exp(np.log(lo) * (1 - w) + np.log(hi) * w)
        return np.where(prof[:, k + 1] > 1e-12, out, 0.0).reshape(shape)

    def tail_tau_ms(self, functional_achr, quanta, ache_activity=1.0, na_channel_fraction=1.0):
        """Time constant of the tail's decay beyond the window, ms (from its last two delays)."""
        f, m, a, n = (np.asarray(x, float) for x in np.broadcast_arrays(
            functional_achr, quanta, ache_activity, na_channel_fraction))
        prof = self._interp(self.tail, f.ravel(), a.ravel(), n.ravel(), m.ravel())
        lo, hi = np.maximum(prof[:, -2], 1e-12), np.maximum(prof[:, -1], 1e-12)
        tau_m = self.constants["tau_membrane_ms"]
        rate = np.log(lo / hi) / (_TAIL_MS[-1] - _TAIL_MS[-2])
        # never slower than the decay of the tail itself, never faster than the bare membrane
        tau = np.where(rate > 0, 1.0 / np.maximum(rate, 1e-9), tau_m)
        return np.clip(tau, tau_m, 1e4).reshape(f.shape)

    @property
    def desens_read_ms(self) -> np.ndarray:
        """Time after release (ms) at which ``desens`` is read, one value per AChE grid node.

        The cleft is solved for 25 ms where AChE activity is below 0.3 and for 8 ms otherwise;
        the stored desensitized fraction already includes the recovery over that time.
        """
        return np.where(_ACHE_GRID < _ACHE_LONG, _T_MAX_MS, _T_SHORT_MS)

    def desens_at_release(self, recovery_per_ms: float) -> np.ndarray:
        """The ``desens`` array carried back to the moment of release, (F, ACHE, NA, M).

        ``desens`` is read ``desens_read_ms`` after release, after recovery (rate
        ``recovery_per_ms``, ms⁻¹, at the table's temperature) has acted for that long. A train
        that lets each impulse's desensitization recover from its release time uses this array,
        so that the recovery within the read window is not counted twice. Exact once the window
        has passed (desensitization is small and recovers as a first-order process).
        """
        k = float(recovery_per_ms)
        if not np.isfinite(k) or k < 0:
            raise ValueError(f"recovery_per_ms must be finite and >= 0 (ms⁻¹); got {recovery_per_ms!r}")
        grow = np.exp(k * self.desens_read_ms)
        return self.desens * grow[None, :, None, None]

    def desensitized_fraction(self, functional_achr, quanta, ache_activity=1.0, na_channel_fraction=1.0):
        """Fraction of the available receptors that one impulse leaves desensitized."""
        f, m, a, n = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                           (functional_achr, quanta, ache_activity, na_channel_fraction)))
        d = self._interp(self.desens, f.ravel(), a.ravel(), n.ravel(), m.ravel()).reshape(f.shape)
        return np.clip(d, 0.0, 1.0)

    def peak_mV(self, functional_achr, quanta, ache_activity=1.0, na_channel_fraction=1.0):
        """Peak EPP (mV above rest) for arrays of fibres (inputs broadcast; checked upstream)."""
        f, m, a, n = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                           (functional_achr, quanta, ache_activity, na_channel_fraction)))
        return self._peak_flat(f.ravel(), a.ravel(), n.ravel(), m.ravel()).reshape(f.shape)

    def _peak_flat(self, f, ache, na, m):
        """The multilinear interpolation of :meth:`_interp` for the fine peak, faster: the AChR
        and fold axes are uniform (indices by arithmetic), the AChE axis is searched through
        buckets, and the quanta axis is contracted first at each (AChR, AChE, fold) corner."""
        scale = np.where(f < _F_GRID[0], f / _F_GRID[0], 1.0)
        m = m * scale
        n1, n2, n3 = self.peak.shape[1:]
        i0, w0 = _uniform_index(np.log(np.maximum(f, _F_GRID[0])), _FINE_AXES[0])
        i1, w1 = _bucket_index(_ache_axis(ache), _FINE_AXES[1], _ACHE_BUCKETS)
        i2, w2 = _uniform_index(_escape_axis(na, self.constants["escape_gain_fold_loss"]), _FINE_AXES[2])
        j, fr = _quanta_index(m)
        base = ((i0 * n1 + i1) * n2 + i2) * n3 + j
        z, val = self.peak.reshape(-1), []
        for off in ((a * n1 + b) * n2 * n3 + c * n3 for a in (0, 1) for b in (0, 1) for c in (0, 1)):
            lo = z[base + off]
            val.append(lo + fr * (z[base + (off + 1)] - lo))
        v = [lo + (hi - lo) * w2 for lo, hi in zip(val[0::2], val[1::2])]     # fold axis
        v = [lo + (hi - lo) * w1 for lo, hi in zip(v[0::2], v[1::2])]         # AChE axis
        return v[0] + (v[1] - v[0]) * w0                                      # AChR axis

    def time_to_mV(self, level_mV, functional_achr, quanta, ache_activity=1.0, na_channel_fraction=1.0):
        """Time (ms after release) at which the EPP first reaches ``level_mV`` above rest.

        ``inf`` where the EPP never gets there.
        """
        f, m, a, n, lv = np.broadcast_arrays(*(np.asarray(x, float) for x in (
            functional_achr, quanta, ache_activity, na_channel_fraction, level_mV)))
        shape = f.shape
        f, m, a, n, lv = (x.ravel() for x in (f, m, a, n, lv))
        pk = self._peak_flat(f, a, n, m)
        prof = self._interp(self.rise, f, a, n, m)            # (N, Q)
        return self.time_from_profile(lv, pk, prof).reshape(shape)

    @staticmethod
    def time_from_profile(level_mV, peak_mV, profile):
        """First time (ms) an EPP with peak ``peak_mV`` (N,) and rise ``profile`` (N, Q) reaches
        ``level_mV`` (N,); ``inf`` where it never does."""
        lv, pk, prof = np.asarray(level_mV, float), np.asarray(peak_mV, float), profile
        q = np.divide(lv, pk, out=np.full_like(lv, np.inf), where=pk > 0)
        j = np.clip(np.searchsorted(_Q_LEVELS, q) - 1, 0, len(_Q_LEVELS) - 2)
        w = np.clip((q - _Q_LEVELS[j]) / (_Q_LEVELS[j + 1] - _Q_LEVELS[j]), 0.0, 1.0)
        rows = np.arange(len(q))
        t = prof[rows, j] * (1 - w) + prof[rows, j + 1] * w
        # below the first level, the rise is close to linear from release
        t = np.where(q < _Q_LEVELS[0], prof[:, 0] * q / _Q_LEVELS[0], t)
        return np.where(q > 1.0, np.inf, t)


def _uniform_index(x, grid):
    """Interval index and weight of ``x`` on a uniform ``grid`` (clipped to its ends)."""
    p = np.clip((x - grid[0]) / (grid[1] - grid[0]), 0.0, len(grid) - 1.0)
    i = np.minimum(p.astype(np.int64), len(grid) - 2)
    return i, p - i


def _buckets(grid):
    """Width and interval index of equal buckets along a non-uniform ``grid``, each no wider
    than its narrowest interval (a bucket meets at most two intervals)."""
    h = float(np.min(np.diff(grid)))
    left = grid[0] + h * np.arange(int(np.ceil((grid[-1] - grid[0]) / h)) + 1)
    return h, np.clip(np.searchsorted(grid, left, side="right") - 1, 0, len(grid) - 2)


def _bucket_index(x, grid, buckets):
    """Interval index and weight of ``x`` on a non-uniform ``grid`` (clipped), via :func:`_buckets`."""
    h, first = buckets
    k = np.clip((x - grid[0]) / h, 0.0, len(first) - 1.0).astype(np.int64)
    i = first[k]
    i = i + ((x >= grid[i + 1]) & (i < len(grid) - 2))
    return i, np.clip((x - grid[i]) / (grid[i + 1] - grid[i]), 0.0, 1.0)


_ACHE_BUCKETS = _buckets(_FINE_AXES[1])


def _quanta_index(m):
    """Interval index and (linear) weight of quanta ``m`` on ``_M_GRID``: zero, then geometric."""
    g = _M_GRID
    x = np.log(np.maximum(m, g[1]))
    x -= np.log(g[1])
    j = (x * (1.0 / np.log(g[2] / g[1]))).astype(np.int64)
    np.minimum(j, len(g) - 3, out=j)
    j += m >= g[1]                  # below the first geometric node: the interval from zero
    fr = m - g[j]
    fr *= _M_INV_STEP[j]
    return j, np.clip(fr, 0.0, 1.0, out=fr)


def _ache_axis(ache):
    """Position of an AChE activity on the table's (logarithmic) AChE axis."""
    return np.log(np.asarray(ache, float) + _ACHE_FLOOR)


def _escape_axis(na, gain):
    """Position of a Na/fold fraction on the table's escape axis (0 = no folds, 1 = healthy)."""
    x = 1.0 / (1.0 + gain * (1.0 - np.asarray(na, float)))
    x0 = 1.0 / (1.0 + gain)
    return (x - x0) / (1.0 - x0) if gain > 0 else np.asarray(na, float)


def _na_from_escape_axis(y, gain):
    """Inverse of :func:`_escape_axis`."""
    if gain <= 0:
        return np.asarray(y, float)
    x0 = 1.0 / (1.0 + gain)
    x = x0 + np.asarray(y, float) * (1.0 - x0)
    return 1.0 - (1.0 / x - 1.0) / gain


def _refine(peak):
    """The peak (F, ACHE, NA, M) on the solved nodes carried onto the fine grid ``_FINE_AXES``.

    Not-a-knot cubic splines of log peak along the functional-AChR, AChE and fold axes in turn
    (the peak is close to a power law in each; the splines pass through the nodes). No release,
    no EPP: the zero-quanta column stays zero.
    """
    out = np.log(np.maximum(np.asarray(peak, float)[..., 1:], 1e-300))
    for ax, (xc, xf) in enumerate(zip(_COARSE_AXES, _FINE_AXES)):
        out = CubicSpline(xc, out, axis=ax)(xf)
    return np.concatenate([np.zeros(out.shape[:3] + (1,)), np.exp(out)], axis=-1)


def _membrane(open_q, t, k, drive, tau, chunk=48):
    """Exact step-wise integration of the membrane for every grid row and quantal content.

    ``open_q`` (T, rows, len(_MI_GRID)) holds open receptors per quantum (µM of patch volume) at
    the times ``t`` (ms, from :func:`_time_grid`).
    Returns the peak depolarization (mV), shape (rows, quanta); the first times (ms) at which the
    EPP reaches each fraction in ``_Q_LEVELS`` of its peak, (rows, quanta, levels); and the
    depolarization at the delays ``_TAIL_MS``, (rows, quanta, delays).
    """
    n_t, n_rows, _ = open_q.shape
    nm, nq = len(_M_GRID), len(_Q_LEVELS)
    w_mi = _mi_matrix(_M_GRID)                                 # (M, I)
    n_rise = int(np.searchsorted(t, _T_RISE_MS - 1e-9)) + 1
    t_rise = t[:n_rise]
    i_tail = np.searchsorted(t, _TAIL_MS - 1e-9)
    dt = np.diff(t)[:, None, None]
    peak = np.zeros((n_rows, nm))
    rise = np.zeros((n_rows, nm, nq))
    tail = np.zeros((n_rows, nm, len(_TAIL_MS)))
    for r0 in range(0, n_rows, chunk):
        o = open_q[:, r0:r0 + chunk]                           # (T, R, I)
        nr = o.shape[1]
        om = np.maximum(o @ w_mi.T, 0.0)                       # (T, R, M) per quantum
        gk = k * (0.5 * (om[1:] + om[:-1])) * _M_GRID            # (T-1, R, M)
        lam = 1.0 / tau + gk
        u_inf = gk * drive / lam
        decay = np.exp(-lam * dt)
        u = np.zeros((n_t, nr, nm))
        for s in range(n_t - 1):
            u[s + 1] = u_inf[s] + (u[s] - u_inf[s]) * decay[s]
        pk = u.max(axis=0)                                     # (R, M)
        tail[r0:r0 + nr] = np.moveaxis(u[i_tail], 0, -1)
        # the EPP rises monotonically to its peak: search its running maximum, all columns at
        # once, by laying the columns end to end with an offset larger than any voltage
        ur = u[:n_rise]
        run = np.maximum.accumulate(ur, axis=0).reshape(n_rise, -1).T   # (R*M, T)
        offset = 1e4 * np.arange(run.shape[0])[:, None]
        flat = (run + offset).ravel()
        level = (_Q_LEVELS[None, :] * pk.reshape(-1, 1)) + offset  # (R*M, Q)
        idx = np.searchsorted(flat, level.ravel()).reshape(level.shape) - np.arange(run.shape[0])[:, None] * n_rise
        idx = np.clip(idx, 1, n_rise - 1)
        rows = np.arange(run.shape[0])[:, None]
        lo_v, hi_v = run[rows, idx - 1], run[rows, idx]
        frac = np.clip(np.divide(level - offset - lo_v, hi_v - lo_v,
                                 out=np.zeros_like(lo_v), where=hi_v > lo_v), 0.0, 1.0)
        t_cross = t_rise[idx - 1] + frac * (t_rise[idx] - t_rise[idx - 1])
        peak[r0:r0 + nr] = pk
        rise[r0:r0 + nr] = t_cross.reshape(nr, nm, nq)
    rise[:, 0] = rise[:, 1]  # zero quanta: no EPP; copy the profile of the smallest release
    return peak, rise, tail


_LOCK = threading.Lock()
_MEMO: dict = {}   # cache key, or the tuple of constants -> EPPTable


def epp_table(endplate: Endplate = HUMAN) -> EPPTable:
    """The EPP table for an endplate's constants: from memory, the disk cache, or built anew."""
    if not isinstance(endplate, Endplate):
        raise ValueError(f"endplate must be an mgmodel.Endplate; got {type(endplate).__name__}")
    # the constants as a tuple: a quick lookup for an endplate seen before (the clinic asks
    # for the same table many times per slider move)
    quick = tuple(getattr(endplate, fld.name) for fld in dataclasses.fields(Endplate)
                  if fld.name not in STATE_FIELDS)
    table = _MEMO.get(quick)
    if table is not None:
        return table
    const = _constants(endplate)
    key = hashlib.sha256(json.dumps([_TABLE_VERSION, _GRID_SIGNATURE, const], sort_keys=True).encode()).hexdigest()[:20]
    with _LOCK:
        if key in _MEMO:
            _MEMO[quick] = _MEMO[key]
            return _MEMO[key]
        path = _cache_dir() / f"epp-table-{key}.npz"
        table = None
        if path.exists():
            try:
                with np.load(path) as z:
                    table = EPPTable(const, z["peak"], z["rise"], z["tail"], z["desens"])
            except (OSError, ValueError, KeyError):
                table = None
        if table is None:
            table = EPPTable.build(endplate)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
                np.savez_compressed(tmp, peak=table.peak_nodes, rise=table.rise, tail=table.tail, desens=table.desens)
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only home: keep the table in memory only
        _MEMO[key] = _MEMO[quick] = table
        return table


def epp_fast(endplate: Endplate = HUMAN, *, achr_fraction=None, quanta=None, ache_activity=None,
             na_channel_fraction=None, ach_site_block=None):
    """Peak EPP (mV above rest) for many combinations at once, from the precomputed table.

    Every keyword defaults to the endplate's own value and may be an array; arrays broadcast.
    Agrees with :func:`mgmodel.simulate_epp` to within 0.4 % (functional AChR >= 0.05; 0.8 %
    below; see the module docstring).

    Parameters
    ----------
    endplate : Endplate
        Supplies the constants and the default state.
    achr_fraction : array_like, optional
        Functional AChR relative to healthy, (0, 1.5].
    quanta : array_like, optional
        Quanta released, [0, 1000].
    ache_activity : array_like, optional
        AChE activity, [0, 1].
    na_channel_fraction : array_like, optional
        Fold membrane / Na channels left, (0, 1].
    ach_site_block : array_like, optional
        Fraction of AChR with the ACh site blocked, [0, 1).

    Returns
    -------
    ndarray
        Peak depolarization, mV.
    """
    ep = endplate
    table = epp_table(ep)
    f = check_array("achr_fraction", ep.achr_fraction if achr_fraction is None else achr_fraction,
                    0.0, 1.5, lo_open=True)
    blk = check_array("ach_site_block", ep.ach_site_block if ach_site_block is None else ach_site_block,
                      0.0, 1.0, hi_open=True)
    m = check_array("quanta", ep.quantal_content if quanta is None else quanta, 0.0, 1000.0)
    a = check_array("ache_activity", ep.ache_activity if ache_activity is None else ache_activity, 0.0, 1.0)
    n = check_array("na_channel_fraction",
                    ep.na_channel_fraction if na_channel_fraction is None else na_channel_fraction,
                    0.0, 1.0, lo_open=True)
    return table.peak_mV(f * (1.0 - blk), m, a, n)


class FibreEPP:
    """Peak EPP of fixed fibres for any quanta: the table with the fibre axes resolved once.

    AChE activity is shared by the fibres, and each fibre's functional AChR and fold/Na fraction
    do not change during a train, so their interpolation weights are computed once; for each
    impulse only the quanta axis is searched. Values equal :meth:`EPPTable.peak_mV` with
    ``quanta / cap_scale`` quanta (checked in the tests); 20-30 times faster for large
    populations.

    Parameters
    ----------
    table : EPPTable
        From :func:`epp_table`.
    functional_achr : ndarray (N,)
        Functional AChR of each fibre, ``achr_fraction * (1 - ach_site_block)``.
    ache_activity : float
        AChE activity shared by the fibres, [0, 1].
    na_channel_fraction : ndarray (N,)
        Fold membrane / Na channels left at each endplate, (0, 1].
    cap_scale : ndarray (N,)
        Effective capacitance relative to the table's reference fibre (the fibre sees
        ``quanta / cap_scale`` quanta).
    """

    def __init__(self, table, functional_achr, ache_activity, na_channel_fraction, cap_scale=1.0):
        if not isinstance(table, EPPTable):
            raise ValueError(f"table must be an EPPTable from epp_table; got {type(table).__name__}")
        self._ache = float(ache_activity)
        f = np.asarray(functional_achr, float)
        self._f = f
        self._na = np.broadcast_to(np.asarray(na_channel_fraction, float), f.shape)
        cap = np.broadcast_to(np.asarray(cap_scale, float), f.shape)
        self._gain = table.constants["escape_gain_fold_loss"]
        below = f < _F_GRID[0]                                 # unbuffered patch: scale the quanta
        self._qscale = np.where(below, f / _F_GRID[0], 1.0) / cap
        self._resolved = {}
        ia, wa, base, corners = self._resolve(_FINE_AXES)
        tab = table.peak[:, ia] * (1.0 - wa) + table.peak[:, ia + 1] * wa   # (F, E, M)
        packed = np.zeros(tab.shape, dtype=complex)            # value and step to the next node
        packed.real = tab
        packed.imag[..., :-1] = np.diff(tab, axis=-1)
        self._flat = packed.ravel()
        self._base, self._corners = base, corners

    def _resolve(self, axes):
        """AChE index and weight, flat base index and the four (AChR, fold) corners with their
        weights of these fibres on the grid with axis coordinates ``axes`` (memoized)."""
        key = id(axes)
        if key not in self._resolved:
            ag, eg = axes[1], axes[2]
            n_e, n_m = len(eg), len(_M_GRID)
            ax = float(_ache_axis(self._ache))
            ia = int(np.clip(np.searchsorted(ag, ax, side="right") - 1, 0, len(ag) - 2))
            wa = float(np.clip((ax - ag[ia]) / (ag[ia + 1] - ag[ia]), 0.0, 1.0))
            i0, w0 = _uniform_index(np.log(np.maximum(self._f, _F_GRID[0])), axes[0])
            i2, w2 = _uniform_index(_escape_axis(self._na, self._gain), eg)
            corners = ((0, (1 - w0) * (1 - w2)), (n_m, (1 - w0) * w2),
                       (n_e * n_m, w0 * (1 - w2)), (n_e * n_m + n_m, w0 * w2))
            self._resolved[key] = (ia, wa, (i0 * n_e + i2) * n_m, corners)
        return self._resolved[key]

    def evaluate(self, values, quanta):
        """Any table quantity ``values`` (F, A, E, M[, Q]) for these fibres at ``quanta`` (N,).

        ``values`` is on the solved nodes (``rise``, ``tail``, ``desens``) or is the fine-grid
        ``peak``; the same interpolation as :meth:`peak` (whose packed form is faster). Returns
        (N,) or (N, Q).
        """
        axes = _FINE_AXES if values.shape[0] == len(_FINE_AXES[0]) else _COARSE_AXES
        ia, wa, base, corners = self._resolve(axes)
        tab = values[:, ia] * (1.0 - wa) + values[:, ia + 1] * wa     # (F, E, M[, Q])
        flat = tab.reshape(-1, *tab.shape[3:]) if tab.ndim == 4 else tab.reshape(-1)
        j, fr = _quanta_index(np.asarray(quanta, float) * self._qscale)
        if flat.ndim == 2:
            fr = fr[:, None]
        idx = j + base
        out = 0.0
        for off, w in corners:
            lo, hi = flat[idx + off], flat[idx + off + 1]
            ww = w[:, None] if flat.ndim == 2 else w
            out = out + (lo + (hi - lo) * fr) * ww
        return out

    def peak(self, quanta):
        """Peak EPP (mV above rest); ``quanta`` of shape (N,) or (N, S), already checked."""
        m = np.asarray(quanta, float)
        col = (lambda a: a[:, None]) if m.ndim == 2 else (lambda a: a)
        j, fr = _quanta_index(m * col(self._qscale))
        idx = j + col(self._base)
        out = None
        for off, w in self._corners:
            z = self._flat[idx + off]
            v = z.real + fr * z.imag
            v *= col(w)
            out = v if out is None else out + v
        return out
