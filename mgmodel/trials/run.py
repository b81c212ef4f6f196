"""Running a virtual trial: screen, randomise, treat, score, compare.

:func:`run_trial` draws candidates from the design's cohort, each with its own random stream
(``SeedSequence([seed, i])`` for candidate ``i``), so a candidate is the same person whatever the
arm sizes, the chunking or the machine that simulates it. For every candidate:

1. the slow disease (:func:`mgmodel.disease.simulate_disease`) runs from the start of background
   therapy through the run-in to the end of follow-up, with the arm's therapies from day 0;
2. strength per muscle group at the screening, baseline and follow-up visits is the expectation
   over the clinic's fixed fibre sample (:func:`mgmodel.clinic.group_strength`), vectorized over
   all candidates and visits of a chunk at once;
3. MG-ADL and QMG are scored with day-to-day fluctuation, item noise and, in blinded arms after
   randomisation, the expectation response (:mod:`mgmodel.trials.outcomes`,
   :mod:`mgmodel.trials.effects`).

Candidates who pass the eligibility thresholds at screening and at baseline are enrolled, in the
order they were drawn, into the arm they were allocated to (probability proportional to the arm
sizes) until every arm is full. With ``client=`` a :class:`dask.distributed.Client` simulates the
chunks of candidates on its workers; the result is identical to the serial run.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_int
from ..clinic import group_strength
from ..disease import simulate_disease
from ..patients import MUSCLE_GROUPS
from .cohort import draw_patient
from .designs import get_design
from .effects import (ALL_EFFECTS, EXPECTATION_ONSET_DAYS, EXPECTATION_QMG_SHARE, EXPECTATION_WEAKNESS,
                      TrialEffects)
from .outcomes import MG_ADL_ITEMS, QMG_ITEMS, fluctuation, mg_adl, qmg, subdomains
from .result import TrialResult, summarize

__all__ = ["run_trial", "simulate_candidates", "CHUNK", "Recruitment"]

CHUNK = 48
"""Candidates simulated together (one vectorized strength evaluation; one Dask task)."""
_MAX_SCREENED_PER_ENROLLED = 25


def _shift(th, days):
    changes = {"start_day": th.start_day + days}
    if getattr(th, "stop_day", None) is not None:
        changes["stop_day"] = th.stop_day + days
    return th.replace(**changes)


def _visit_days(design):
    return np.concatenate([[design.screening_day, 0.0], np.asarray(design.visit_days, float)])


def _allocation_p(design, sizes):
    s = np.asarray(sizes, float)
    return s / s.sum()


def simulate_candidates(design, effects, seed, start, stop, sizes):
    """Simulate candidates ``start`` .. ``stop - 1`` of a trial (a pure function; one Dask task).

    Returns
    -------
    dict of ndarray
        One row per candidate: ``arm`` (index), ``mg_adl`` and ``qmg`` (visits: screening,
        baseline, follow-up), ``eligible_noisy`` / ``eligible_true`` (eligibility with and without
        fluctuation and item noise), subdomain totals and covariates.
    """
    design = get_design(design)
    obs = _visit_days(design)
    p_arm = _allocation_p(design, sizes)
    n = stop - start
    state = {k: np.empty((n, obs.size, len(MUSCLE_GROUPS))) for k in ("achr", "na", "block", "ache", "ache_min")}
    arm = np.empty(n, int)
    fl = np.empty((n, obs.size))
    z_adl = np.empty((n, obs.size, len(MG_ADL_ITEMS)))
    z_qmg = np.empty((n, obs.size, len(QMG_ITEMS)))
    cov = {}
    kept = np.empty(n)
    for r, i in enumerate(range(start, stop)):
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(i)]))
        vp = draw_patient(design.cohort, rng, name=f"candidate {i}")
        arm[r] = int(rng.choice(p_arm.size, p=p_arm))
        background = vp.background if effects.background_therapy else ()
        run_in = vp.run_in_days - int(math.floor(design.screening_day))
        therapies = tuple(background) + tuple(_shift(th, run_in) for th in design.arms[arm[r]].therapies)
        slow = simulate_disease(vp.patient, int(run_in + design.days), therapies, rng=rng,
                                production_cv=design.cohort.production_cv if effects.regression_to_mean else 0.0)
        kept[r] = 1.0 - vp.fixed_weakness
        idx = np.round(run_in + obs).astype(int)
        for j, g in enumerate(MUSCLE_GROUPS):
            gc = slow.by_group[g]
            state["achr"][r, :, j] = gc.achr_fraction[idx]
            state["na"][r, :, j] = gc.na_channel_fraction[idx]
            state["block"][r, :, j] = gc.ach_site_block[idx]
            state["ache"][r, :, j] = gc.ache_activity[idx]
            state["ache_min"][r, :, j] = slow.ache_activity_min[idx]
        fl[r] = fluctuation(obs, rng)[0]
        z_adl[r] = rng.standard_normal((obs.size, len(MG_ADL_ITEMS)))
        z_qmg[r] = rng.standard_normal((obs.size, len(QMG_ITEMS)))
        for k, v in vp.covariates.items():
            cov.setdefault(k, []).append(v)

    # strength at screening and baseline for everyone; at follow-up only for those who may enrol
    def weakness_of(rows, cols):
        w = {}
        for j, g in enumerate(MUSCLE_GROUPS):
            sel = (rows[:, None], cols[None, :])
            _, s = group_strength(g, state["achr"][..., j][sel], state["na"][..., j][sel],
                                  state["block"][..., j][sel], state["ache"][..., j][sel],
                                  state["ache_min"][..., j][sel])
            w[g] = 1.0 - s * kept[rows][:, None]
        return w

    everyone, first = np.arange(n), np.arange(2)
    w0 = weakness_of(everyone, first)
    expect = np.zeros((n, obs.size))
    if effects.expectation and design.blinded:
        ramp = np.where(obs > 0, 1.0 - np.exp(-np.maximum(obs, 0.0) / EXPECTATION_ONSET_DAYS), 0.0)
        expect = -EXPECTATION_WEAKNESS * np.broadcast_to(ramp, (n, obs.size))
    el = design.eligibility

    def eligible(a, qq, items):
        ocular = items["double vision"] + items["eyelid droop"]
        share_ok = (a - ocular) > el.min_non_ocular_share * a
        return np.all((a >= el.min_mg_adl) & (qq >= el.min_qmg) & share_ok, axis=1)

    adl0, items0 = mg_adl(w0, z_adl[:, :2], fluct=fl[:, :2], shift=expect[:, :2])
    q0, _ = qmg(w0, z_qmg[:, :2], fluct=fl[:, :2], shift=EXPECTATION_QMG_SHARE * expect[:, :2])
    adl_true, items_true = mg_adl(w0)
    q_true, _ = qmg(w0)
    el_noisy, el_true = eligible(adl0, q0, items0), eligible(adl_true, q_true, items_true)

    # full follow-up for the possible enrollees (others keep -1 at follow-up visits)
    keep = np.flatnonzero(el_noisy | el_true)
    adl = np.full((n, obs.size), -1, int)
    q = np.full((n, obs.size), -1, int)
    sub = {g: np.full((n, obs.size), -1, int) for g in MUSCLE_GROUPS}
    if keep.size:
        w = weakness_of(keep, np.arange(obs.size))
        a_k, items_k = mg_adl(w, z_adl[keep], fluct=fl[keep], shift=expect[keep])
        q_k, _ = qmg(w, z_qmg[keep], fluct=fl[keep], shift=EXPECTATION_QMG_SHARE * expect[keep])
        adl[keep], q[keep] = a_k, q_k
        for g, v in subdomains(items_k).items():
            sub[g][keep] = v
    adl[:, :2], q[:, :2] = adl0, q0

    out = dict(
        index=np.arange(start, stop), arm=arm, mg_adl=adl, qmg=q, eligible_noisy=el_noisy,
        eligible_true=el_true, **{f"mg_adl_{g}": v for g, v in sub.items()},
        **{k: np.asarray(v) for k, v in cov.items()},
    )
    return out


def _concat(parts):
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _run_chunks(design, effects, seed, ranges, sizes, client, bar):
    if client is None:
        parts = []
        for a, b in ranges:
            parts.append(simulate_candidates(design, effects, seed, a, b, sizes))
            bar.update(b - a)
        return parts
    futures = [client.submit(simulate_candidates, design, effects, seed, a, b, sizes, pure=False)
               for a, b in ranges]
    parts = []
    for (a, b), fut in zip(ranges, futures):
        parts.append(fut.result())
        bar.update(b - a)
    return parts


def run_trial(design, *, n_per_arm=None, rng=None, progress=True, effects=ALL_EFFECTS, client=None):
    """Run a virtual trial and summarise it.

    Parameters
    ----------
    design : Design or str
        A :class:`~mgmodel.trials.Design` or a name in :data:`~mgmodel.trials.DESIGNS`.
    n_per_arm : None, int or sequence of int
        Patients per arm; default the published arm sizes. One int for every arm.
    rng : None, int or numpy.random.Generator
        Seed of the trial (``None`` = 0). A Generator gives one seed drawn from it. Same seed, same
        cohort and result.
    progress : bool
        Show a progress bar (notebook-aware) over the screened candidates.
    effects : TrialEffects
        Which trial effects act (:mod:`mgmodel.trials.effects`).
    client : dask.distributed.Client, optional
        Simulate chunks of candidates on the client's workers (same result as serial).

    Returns
    -------
    TrialResult
    """
    d = get_design(design)
    if not isinstance(effects, TrialEffects):
        raise ValueError(f"effects must be a TrialEffects; got {effects!r}")
    sizes = tuple(d.n_per_arm) if n_per_arm is None else n_per_arm
    if rng is None:
        seed = 0
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(2 ** 62))
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        seed = int(rng)
    else:
        raise ValueError(f"rng must be None, a whole-number seed >= 0 or a numpy.random.Generator; got {rng!r}")
    return Recruitment(d, effects, seed).extend(sizes, progress=progress, client=client).result(sizes)


class Recruitment:
    """The candidates a trial has screened so far, from which trials of any size are read.

    Candidates are drawn in a fixed order, each with its own random stream, and enrolled in that
    order; so the trial with ``n`` patients per arm is the first ``n`` eligible candidates of each
    arm, whatever else was screened. A recruitment screens until it can fill the largest trial
    asked for (:meth:`extend`) and then gives the trial of every smaller size without simulating
    anyone again (:meth:`result`): the lesson panel's arm-size slider reads it. The allocation
    ratio is fixed by the first sizes given (equal arms for one int).

    Parameters
    ----------
    design : Design or str
    effects : TrialEffects
    seed : int
        Whole number >= 0, as the ``rng`` seed of :func:`run_trial`.

    Examples
    --------
    >>> rec = Recruitment("RAISE", ALL_EFFECTS, 0)
    >>> rec.extend(12, progress=False).result(10).summary["placebo"]["n"]
    10
    """

    def __init__(self, design, effects=ALL_EFFECTS, seed=0):
        self.design = get_design(design)
        if not isinstance(effects, TrialEffects):
            raise ValueError(f"effects must be a TrialEffects; got {effects!r}")
        self.effects = effects
        self.seed = check_int("seed", seed, 0, 2 ** 63 - 1)
        self._ratio = None
        self._rows = None              # every candidate screened so far, one row each
        self._enrolled = {}            # sizes -> chosen rows, for the candidates screened so far
        self.screened = 0
        self._key = "eligible_noisy" if effects.regression_to_mean else "eligible_true"

    def _sizes(self, n_per_arm):
        k = len(self.design.arms)
        if isinstance(n_per_arm, (int, np.integer)) and not isinstance(n_per_arm, bool):
            sizes = (check_int("n_per_arm", n_per_arm, 2, 100000),) * k
        else:
            sizes = tuple(check_int("n_per_arm", v, 2, 100000) for v in n_per_arm)
            if len(sizes) != k:
                raise ValueError(f"n_per_arm must have one size per arm ({k}); got {n_per_arm!r}")
        if self._ratio is None:
            self._ratio = sizes
        elif not np.allclose(np.asarray(sizes, float) / sum(sizes), np.asarray(self._ratio, float) / sum(self._ratio)):
            raise ValueError(f"n_per_arm {sizes} must keep this recruitment's allocation ratio {self._ratio}")
        return sizes

    def _chosen(self, sizes):
        if self._rows is None:
            return None
        if sizes not in self._enrolled:
            self._enrolled[sizes] = _enrol(self._rows, self._key, sizes)
        return self._enrolled[sizes]

    def covers(self, n_per_arm) -> bool:
        """Whether enough candidates have been screened for ``n_per_arm`` patients per arm."""
        return self._chosen(self._sizes(n_per_arm)) is not None

    def extend(self, n_per_arm, *, progress=False, client=None):
        """Screen more candidates until a trial of ``n_per_arm`` per arm can be filled; returns self."""
        from tqdm.auto import tqdm

        sizes = self._sizes(n_per_arm)
        if client is not None and not hasattr(client, "submit"):
            raise ValueError(f"client must be a dask.distributed.Client; got {client!r}")
        d, total = self.design, sum(sizes)
        batch = int(math.ceil(1.6 * total / CHUNK) * CHUNK) if not self.screened else int(math.ceil(total / CHUNK) * CHUNK)
        with tqdm(desc=f"{d.name}: screening and treating", unit="patient", disable=not progress,
                  leave=False) as bar:
            while self._chosen(sizes) is None:
                if self.screened >= _MAX_SCREENED_PER_ENROLLED * total:
                    raise ValueError(f"the {d.cohort.name!r} cohort is too mild for the eligibility of {d.name}: "
                                     f"fewer than {total} of {self.screened} candidates qualified")
                a0 = self.screened
                ranges = [(a, min(a + CHUNK, a0 + batch)) for a in range(a0, a0 + batch, CHUNK)]
                parts = _run_chunks(d, self.effects, self.seed, ranges, self._ratio, client, bar)
                self._rows = _concat(([self._rows] if self._rows is not None else []) + parts)
                self._enrolled.clear()
                self.screened += batch
                batch = int(math.ceil(total / CHUNK) * CHUNK)
        return self

    def result(self, n_per_arm) -> TrialResult:
        """The trial with ``n_per_arm`` patients per arm from the candidates screened so far.

        Raises ValueError if they cannot fill it (call :meth:`extend` first).
        """
        sizes = self._sizes(n_per_arm)
        chosen = self._chosen(sizes)
        if chosen is None:
            raise ValueError(f"n_per_arm {sizes}: only {self.screened} candidates screened so far, too few; "
                             "call extend() first")
        enrolled = {k: v[chosen] for k, v in self._rows.items()}
        return summarize(self.design, enrolled, sizes, self.seed, self.effects, screened=int(chosen.max()) + 1)


def _enrol(allc, key, sizes):
    counts = np.zeros(len(sizes), int)
    chosen = []
    for i in np.flatnonzero(allc[key]):
        a = allc["arm"][i]
        if counts[a] < sizes[a]:
            counts[a] += 1
            chosen.append(i)
            if np.array_equal(counts, sizes):
                return np.asarray(chosen)
    return None
