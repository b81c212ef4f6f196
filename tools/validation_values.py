"""The model's values for the validation table (``tools/validation.py``), computed with the
public API of :mod:`mgmodel`. Expensive intermediate results are cached so that rows sharing one
simulation run it once."""
from __future__ import annotations

import functools
import math

import numpy as np

@functools.cache
def mepp():
    from mgmodel import HUMAN, simulate_epp
    return simulate_epp(HUMAN, quanta=1)


def burst_ms(ep):
    """Mean open-burst duration of the doubly liganded receptor at the endplate's temperature, ms."""
    k_off = ep.k_on_per_uM_ms * ep.kd_site_uM
    return (1 / ep.alpha_per_ms) * (1 + ep.beta_per_ms / (2 * k_off)) / ep.rate_factor("gating")


@functools.cache
def mg_mepp_pct(achr):
    from mgmodel import HUMAN, simulate_epp
    r = simulate_epp(HUMAN.replace(achr_fraction=achr, na_channel_fraction=0.7), 1)
    return 100.0 * r.peak_epp_mV / mepp().peak_epp_mV


@functools.cache
def ache_off():
    from mgmodel import HUMAN, simulate_epp
    normal = simulate_epp(HUMAN, t_max_ms=40.0)
    blocked = simulate_epp(HUMAN.replace(ache_activity=0.0), t_max_ms=40.0)
    return blocked.epc_decay_ms / normal.epc_decay_ms, blocked.peak_epp_mV / normal.peak_epp_mV


def failing_block(base):
    """Fraction of ACh sites blocked (curare-like) at which the endplate's safety factor is 1."""
    from scipy.optimize import brentq
    from mgmodel import safety_factor
    return brentq(lambda b: safety_factor(base.replace(ach_site_block=b)) - 1.0, 0.0, 0.999)


@functools.cache
def healthy_fibres(n=5000, seed=11):
    from mgmodel import HUMAN
    from mgmodel.population import sample_fibres
    return sample_fibres(n, HUMAN, rng=seed)


@functools.cache
def paton_waud_population():
    """Receptor block at which 5 % and 95 % of a healthy population fail (10,000 fibres)."""
    from mgmodel import HUMAN
    from mgmodel.population import sample_fibres
    blocks = np.linspace(0.5, 0.99, 50)
    failing = [np.mean(sample_fibres(10000, HUMAN.replace(ach_site_block=b), rng=1).safety_factor() < 1.0)
               for b in blocks]
    return tuple(np.interp([0.05, 0.95], failing, blocks))


def pop(achr=1.0, na=1.0, muscle="limb", seed=1, n=2500):
    from mgmodel import HUMAN
    from mgmodel.population import sample_fibres
    return sample_fibres(n, HUMAN.replace(achr_fraction=achr, na_channel_fraction=na), muscle=muscle, rng=seed)


@functools.cache
def rns(achr, na, seed=2):
    from mgmodel.electrodiagnosis import simulate_rns
    return simulate_rns(pop(achr, na), 3.0, 10, rng=seed)


@functools.cache
def healthy_3hz_min_firing():
    from mgmodel.electrodiagnosis import simulate_rns
    fibres = healthy_fibres()
    r = simulate_rns(fibres, 3.0, 10, rng=12)
    return 100.0 * float((fibres.safety_factor(r.quanta) > 1.0).mean(axis=0).min())


@functools.cache
def mg_first_cmap():
    from mgmodel import mg_endplate
    from mgmodel.electrodiagnosis import simulate_rns
    from mgmodel.population import sample_fibres
    return float(simulate_rns(sample_fibres(2500, mg_endplate(0.35, 0.8), rng=1), 3.0, 10, rng=2).cmap[0])


@functools.cache
def healthy_jitter():
    from mgmodel.electrodiagnosis import simulate_sfemg
    return simulate_sfemg(pop(n=8000, seed=21), n_pairs=200, rng=1).mean_mcd_us


@functools.cache
def mg_sfemg():
    from mgmodel.electrodiagnosis import simulate_sfemg
    return simulate_sfemg(pop(0.5, 0.9), rng=2)


@functools.cache
def frontalis():
    from mgmodel import mg_endplate
    from mgmodel.electrodiagnosis import simulate_sfemg
    from mgmodel.population import sample_fibres
    s = simulate_sfemg(sample_fibres(3000, mg_endplate(0.36), muscle="bulbar", rng=3), 100, rng=4)
    return s.mean_mcd_us, 100.0 * float(np.mean(s.blocking_pct > 0))


@functools.cache
def endplate_mix():
    from mgmodel.electrodiagnosis import classify_endplates
    mix = classify_endplates(pop(0.12, 0.6, n=4000))
    return 100.0 * min(mix["suprathreshold"], mix["subthreshold"], mix["silent"])


@functools.cache
def two_pools():
    from scipy.optimize import curve_fit
    from mgmodel.disease import simulate_junction
    from mgmodel.patients import PATIENTS
    dt, days = 0.05, 60.0
    n = int(round(days / dt))
    j = simulate_junction(dt, np.zeros((n + 1, 1)), patient=PATIENTS["achr_early_onset"], synthesis=0.0,
                          initial="healthy")
    t, y = np.arange(n + 1) * dt, j.achr_fraction[:, 0]
    (a, k1, k2), _ = curve_fit(lambda t, a, k1, k2: a * np.exp(-k1 * t) + (1 - a) * np.exp(-k2 * t),
                               t, y, p0=(0.7, 0.1, 1.0))
    stable, slow, fast = (a, k1, k2) if k1 < k2 else (1 - a, k2, k1)
    return math.log(2) / slow, math.log(2) / fast, stable


@functools.cache
def disease(name, days, therapy=None):
    from mgmodel import therapy as T
    from mgmodel.disease import simulate_disease
    therapies = {
        None: (),
        "plex5": (T.PlasmaExchange(0, n_sessions=5, interval_days=2),),
        "plex": (T.PlasmaExchange(0),),
        "fcrn4": (T.FcRnAntagonist(0, n_doses=4, interval_days=7),),
        "ivig": (T.IVIG(0, dose_g_per_kg=2.0),),
        "complement": (T.ComplementInhibitor(0),),
        "rituximab": (T.Rituximab(0),),
    }[therapy]
    return simulate_disease(name, days, therapies)


def tracer_half_life(igg3_fraction, days, lo, hi):
    from mgmodel import antibody as ab
    c = ab.simulate_antibodies(days, 1.0, pathogenic_production=np.zeros(days + 1), pathogenic_initial=1.0,
                               igg3_fraction=igg3_fraction)
    slope = np.polyfit(c.t_days[lo:hi], np.log(c.pathogenic_igg[lo:hi]), 1)[0]
    return -math.log(2.0) / slope


def one_plasma_volume():
    from mgmodel import antibody as ab
    rem = np.ones(101)
    rem[0] = math.exp(-1.0)
    c = ab.simulate_antibodies(100, 0.01, pathogenic_production=np.ones(101), plex_remaining=rem)
    return 100.0 * (1.0 - c.total_igg[1])


@functools.cache
def pyridostigmine():
    from mgmodel import therapy as T
    t = np.linspace(0.0, 12.0, 14401)
    inh = T.pyridostigmine_inhibition(t, [0.0], 60.0)
    peak = int(inh.argmax())
    half = inh[peak] / 2.0
    onset = t[np.argmax(inh >= half)]
    offset = t[peak + np.argmax(inh[peak:] < half)]
    late = (t >= 6) & (t <= 12)
    slope = np.polyfit(t[late], np.log(inh[late] / (1.0 - inh[late])), 1)[0]
    return dict(onset_min=60.0 * onset, peak_h=t[peak], lasts_h=offset - onset,
                half_life_h=math.log(2) / -slope, peak_pct=100.0 * inh[peak])


@functools.cache
def block_inhibition_pct():
    """Smallest AChE inhibition (of 80, 90, 95, 97, 98, 99 %) at which a healthy endplate driven at
    50 Hz fails on a sustained depolarization (a depolarizing block); 100 if none does."""
    from mgmodel import HUMAN, postsynaptic_train
    n, s = 3, 20
    t = np.arange(s) * 1000.0 / 50.0
    for inhibition in (0.80, 0.90, 0.95, 0.97, 0.98, 0.99):
        tr = postsynaptic_train(HUMAN, np.full(n, HUMAN.functional_achr_fraction),
                                np.full((n, s), HUMAN.quantal_content), t, ache_activity=1.0 - inhibition,
                                na_channel_fraction=HUMAN.na_channel_fraction)
        if not tr.fires[:, -1].any():
            return 100.0 * inhibition
    return 100.0


def clinic_block_half_pct(group):
    """AChE inhibition, %, at which the clinic's cholinergic block of ``group`` reaches half of its
    force (:func:`mgmodel.clinic.cholinergic_block`, read from the train physiology)."""
    from mgmodel.clinic import cholinergic_block
    a = np.linspace(0.0, 1.0, 4001)
    return 100.0 * (1.0 - float(a[np.argmax(cholinergic_block(group, a) < 0.5)]))


@functools.cache
def fast_path_error_pct():
    """Worst relative error of the fast EPP table against the full model, %, over 16 random
    states (functional AChR >= 0.05, AChE activity >= 0.02, seeded)."""
    from mgmodel import HUMAN, epp_fast, simulate_epp
    rng = np.random.default_rng(2024)
    worst = 0.0
    done = 0
    while done < 16:
        ep = HUMAN.replace(achr_fraction=float(np.exp(rng.uniform(np.log(0.05), np.log(1.5)))),
                           ache_activity=float(rng.uniform(0.02, 1)),
                           na_channel_fraction=float(rng.uniform(0.02, 1)),
                           ach_site_block=float(rng.uniform(0, 0.5)))
        if ep.functional_achr_fraction < 0.05:
            continue
        m = float(rng.uniform(1, 200))
        ref = simulate_epp(ep, m).peak_epp_mV
        worst = max(worst, abs(float(epp_fast(ep, quanta=m)) - ref) / ref)
        done += 1
    return 100.0 * worst


@functools.cache
def trials():
    from mgmodel.trials.calibration import calibration_table
    rows, _ = calibration_table(["ADAPT", "CHAMPION-MG", "RAISE", "C5-in-MuSK"], progress=False)
    out = {(r["design"], r["endpoint"], r["arm"]): r["model"] for r in rows}
    from mgmodel.trials import run_trial
    out["musk_diff"] = run_trial("C5-in-MuSK", progress=False).primary["difference"]
    return out


def trial(design, endpoint, arm_index):
    def value():
        from mgmodel.trials import DESIGNS
        arm = DESIGNS[design].arms[arm_index].name
        return trials()[(design, endpoint, arm)]
    return value


def attr(name, scale=1.0):
    def value():
        from mgmodel import HUMAN
        return scale * getattr(HUMAN, name)
    return value


def h():
    from mgmodel import HUMAN
    return HUMAN


def r():
    from mgmodel import RODENT
    return RODENT
