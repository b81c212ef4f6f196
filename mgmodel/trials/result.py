"""The result of a virtual trial: per-arm summaries, time courses, the primary comparison."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .outcomes import MSE_MAX

__all__ = ["TrialResult", "summarize", "Z95"]

Z95 = 1.959963984540054
"""Two-sided 95 % normal quantile."""


@dataclass(frozen=True)
class TrialResult:
    """What a virtual trial found.

    Attributes
    ----------
    design : Design
    arms : tuple of str
        Treatment arm first, control last.
    summary : mapping arm -> dict
        ``n``, ``baseline_mg_adl``, ``baseline_qmg``, ``mg_adl_change`` and ``qmg_change`` (mean
        change at the primary day), ``mg_adl_responder_pct`` and ``qmg_responder_pct`` (the
        design's definitions), ``mse_pct`` (MG-ADL 0-1), ``qmg_time_weighted`` (time-weighted mean
        QMG from baseline to the primary day, where the design defines it, else None) and
        ``favourable_pct`` (MG-ADL at the last visit <= the design's limit, else None).
    patients : mapping column -> ndarray
        The per-patient table (one row per enrolled patient): ``arm`` (name), scores per visit,
        responder flags, covariates.
    courses : mapping arm -> dict
        ``day`` (baseline and visits), ``mg_adl_change`` / ``qmg_change`` mean with ``*_low`` /
        ``*_high`` 95 % intervals.
    primary : dict
        ``endpoint``, ``difference`` (treatment - control), ``low``, ``high`` (95 % interval),
        ``unit`` and the ``published`` difference where the design has one.
    seed : int
    effects : TrialEffects
    screened : int
        Candidates drawn until every arm was full.
    """

    design: object
    arms: tuple
    summary: MappingProxyType
    patients: MappingProxyType
    courses: MappingProxyType
    primary: dict
    seed: int
    effects: object
    screened: int

    def compare(self):
        """Rows (endpoint, arm, model, published) for every published outcome of the design."""
        rows = []
        for ep, values in self.design.published.items():
            for arm, pub in zip((self.arms[0], self.arms[-1]), values):
                rows.append((ep, arm, self.summary[arm][ep], pub))
        return rows

    def table(self):
        """The per-patient table as a list of dicts (one per patient)."""
        cols = {k: v for k, v in self.patients.items() if np.ndim(v) == 1}
        n = len(next(iter(cols.values())))
        return [{k: (v[i].item() if hasattr(v[i], "item") else v[i]) for k, v in cols.items()} for i in range(n)]


def _mean_ci(x):
    x = np.asarray(x, float)
    m = float(np.mean(x))
    se = float(np.std(x, ddof=1) / np.sqrt(x.size)) if x.size > 1 else 0.0
    return m, m - Z95 * se, m + Z95 * se


def _diff_ci(a, b, kind):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if kind == "pct":
        pa, pb = a.mean(), b.mean()
        se = np.sqrt(pa * (1 - pa) / a.size + pb * (1 - pb) / b.size)
        d = 100 * (pa - pb)
        return float(d), float(d - 100 * Z95 * se), float(d + 100 * Z95 * se)
    d = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return float(d), float(d - Z95 * se), float(d + Z95 * se)


def _responder(change, days, rule, primary_day):
    """Responder flags from score changes (patients x follow-up visits; negative = better)."""
    better = -change >= rule.points
    if rule.kind == "at_day":
        return better[:, list(days).index(primary_day)]
    run = np.zeros(better.shape[0], int)
    ok = np.zeros(better.shape[0], bool)
    started_early = np.zeros(better.shape[0], bool)
    for j, day in enumerate(days):
        started_early = np.where(better[:, j] & (run == 0), day <= rule.by_day, started_early)
        run = np.where(better[:, j], run + 1, 0)
        ok |= (run >= rule.consecutive) & started_early
        started_early = np.where(run == 0, False, started_early)
    return ok


def summarize(design, enrolled, sizes, seed, effects, screened):
    """Build the :class:`TrialResult` from the enrolled patients' rows."""
    days = np.asarray(design.visit_days, float)
    pday = design.primary_day
    jp = 2 + list(days).index(pday)
    adl, q = enrolled["mg_adl"], enrolled["qmg"]
    d_adl = adl[:, 2:] - adl[:, [1]]
    d_q = q[:, 2:] - q[:, [1]]
    resp_adl = _responder(d_adl, days, design.mg_adl_responder, pday)
    resp_q = _responder(d_q, days, design.qmg_responder, pday)
    upto = days <= pday
    if design.mg_adl_responder.kind == "sustained":
        mse = np.any(adl[:, 2:][:, upto] <= MSE_MAX, axis=1)
    else:
        mse = adl[:, jp] <= MSE_MAX
    t = np.concatenate([[0.0], days[upto]])
    qa = np.concatenate([q[:, [1]], q[:, 2:][:, upto]], axis=1)
    tw = np.trapezoid(qa, t, axis=1) / (t[-1] - t[0]) if hasattr(np, "trapezoid") else \
        np.trapz(qa, t, axis=1) / (t[-1] - t[0])
    fav = adl[:, -1] <= design.favourable_max_mg_adl if design.favourable_max_mg_adl is not None else None

    names = design.arm_names
    arm_idx = enrolled["arm"]
    summary, courses = {}, {}
    for a, name in enumerate(names):
        m = arm_idx == a
        s = dict(
            n=int(m.sum()), baseline_mg_adl=float(adl[m, 1].mean()), baseline_qmg=float(q[m, 1].mean()),
            mg_adl_change=float(d_adl[m, jp - 2].mean()), qmg_change=float(d_q[m, jp - 2].mean()),
            mg_adl_responder_pct=float(100 * resp_adl[m].mean()), qmg_responder_pct=float(100 * resp_q[m].mean()),
            mse_pct=float(100 * mse[m].mean()),
            qmg_time_weighted=float(tw[m].mean()) if design.time_weighted else None,
            favourable_pct=float(100 * fav[m].mean()) if fav is not None else None,
        )
        summary[name] = s
        c = {"day": np.concatenate([[0.0], days])}
        for key, delta in (("mg_adl_change", d_adl), ("qmg_change", d_q)):
            rows = [_mean_ci(np.zeros(m.sum()))] + [_mean_ci(delta[m, j]) for j in range(days.size)]
            c[key] = np.array([r[0] for r in rows])
            c[key + "_low"] = np.array([r[1] for r in rows])
            c[key + "_high"] = np.array([r[2] for r in rows])
        courses[name] = MappingProxyType(c)

    ep = design.primary
    t_m, c_m = arm_idx == 0, arm_idx == len(names) - 1
    per_patient = {"mg_adl_change": d_adl[:, jp - 2], "qmg_change": d_q[:, jp - 2],
                   "mg_adl_responder_pct": resp_adl, "qmg_responder_pct": resp_q, "mse_pct": mse,
                   "qmg_time_weighted": tw, "favourable_pct": fav}[ep]
    kind = "pct" if ep.endswith("_pct") else "mean"
    diff, lo, hi = _diff_ci(per_patient[t_m], per_patient[c_m], kind)
    pub = design.published.get(ep)
    primary = dict(endpoint=ep, difference=diff, low=lo, high=hi,
                   unit="percentage points" if kind == "pct" else ("QMG points" if "qmg" in ep else "MG-ADL points"),
                   published=(pub[0] - pub[1]) if pub else None)

    table = {k: v for k, v in enrolled.items() if k not in ("arm",)}
    table.update(arm=np.array([names[a] for a in arm_idx]), mg_adl_change=d_adl[:, jp - 2],
                 qmg_change=d_q[:, jp - 2], mg_adl_responder=resp_adl, qmg_responder=resp_q, mse=mse,
                 qmg_time_weighted=tw)
    for v in table.values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    return TrialResult(design=design, arms=names, summary=MappingProxyType(summary),
                       patients=MappingProxyType(table), courses=MappingProxyType(courses), primary=primary,
                       seed=int(seed), effects=effects, screened=int(screened))
