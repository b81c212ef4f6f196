"""Figures of lesson 04: a muscle of many fibres, each with its own margin.

* :func:`plot_safety_factor_histogram` - the safety factor of every fibre of one or more muscles;
* :func:`plot_fibre_margins` - the margin (EPP / depolarization needed) of chosen fibres through a
  train, impulse by impulse;
* :func:`plot_muscle_train` - fibres firing and force of the whole muscle through a train;
* :func:`plot_recovery_after_rest` - force after rests of different lengths;
* :func:`plot_force_against_achr` - force against the receptors left, one line per muscle group
  or condition.

Each takes the model's result objects (or the arrays a lesson's sweep computed with them) and
``ax=None``, draws, sets alt text (:func:`mgmodel.plots.alt_text`) and returns the Axes. Colours:
:data:`mgmodel.plots.SERIES_COLOURS` in order, or the muscle group's colour
(:data:`mgmodel.plots.MUSCLE_GROUP_STYLE`) when a line is a muscle group.
"""

from __future__ import annotations

import numpy as np

from .electrodiagnosis import ActivationResult, RNSResult
from .population import FibrePopulation
from .plots import MUSCLE_GROUP_STYLE, OKABE_ITO, new_axes, series_colour, set_alt_text

__all__ = ["plot_safety_factor_histogram", "plot_fibre_margins", "plot_muscle_train",
           "plot_recovery_after_rest", "plot_force_against_achr"]


def _check_mapping(name, mapping, kind):
    if not isinstance(mapping, dict) or not mapping:
        raise ValueError(f"{name} must be a non-empty dict of label -> {kind.__name__}; got {mapping!r:.80}")
    for label, value in mapping.items():
        if not isinstance(value, kind):
            raise ValueError(f"{name}[{label!r}] must be a {kind.__name__}; got {type(value).__name__}")


def plot_safety_factor_histogram(populations, ax=None, *, bins=None):
    """Histogram of the safety factor of every fibre, one per muscle, with the line SF = 1.

    Parameters
    ----------
    populations : dict of str -> FibrePopulation
        Label -> a muscle from :func:`mgmodel.sample_fibres`.
    ax : matplotlib Axes, optional
    bins : array, optional
        Bin edges (default 0 to 3.5 in 49 bins).

    Returns
    -------
    matplotlib Axes
    """
    _check_mapping("populations", populations, FibrePopulation)
    ax = new_axes(ax)
    bins = np.linspace(0.0, 3.5, 50) if bins is None else np.asarray(bins, float)
    parts = []
    for k, (label, pop) in enumerate(populations.items()):
        sf = pop.safety_factor()
        ax.hist(sf, bins, color=series_colour(k), alpha=0.6, label=label)
        parts.append(f"{label}: median {np.median(sf):.2f}, {100 * np.mean(sf < 1):.0f} % of fibres below 1")
    ax.axvline(1.0, color=OKABE_ITO["black"], ls="--", label="SF = 1 (threshold)")
    ax.set_xlabel("safety factor of the fibre (EPP / depolarization needed)")
    ax.set_ylabel("number of fibres")
    ax.set_title("Every fibre has its own margin")
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, "Histogram of the safety factor of each fibre with a dashed line at SF = 1; "
                        + "; ".join(parts) + ".")


def plot_fibre_margins(population: FibrePopulation, run: RNSResult, ax=None, *, targets=(1.6, 1.0, 0.9)):
    """The margin (EPP / depolarization needed) of a few fibres at each impulse of a train.

    Parameters
    ----------
    population : FibrePopulation
        The muscle the train ran in.
    run : RNSResult
        From :func:`mgmodel.simulate_rns` on ``population``.
    ax : matplotlib Axes, optional
    targets : sequence of float
        Safety factors at rest; the fibre closest to each is drawn.

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(population, FibrePopulation) or not isinstance(run, RNSResult):
        raise ValueError("population must be a FibrePopulation and run an RNSResult from simulate_rns on it")
    if run.epp_mV.shape[0] != population.n_fibres:
        raise ValueError(f"run has {run.epp_mV.shape[0]} fibres but population has {population.n_fibres}")
    ax = new_axes(ax)
    sf_rest = population.safety_factor()
    margin = run.epp_mV / population.threshold_gap_mV[:, None]
    k = np.arange(1, run.n_stimuli + 1)
    parts = []
    for j, target in enumerate(targets):
        i = int(np.argmin(np.abs(sf_rest - target)))
        fired = int(run.fired[i].sum())
        ax.plot(k, margin[i], "o-", ms=3, color=series_colour(j),
                label=f"SF {sf_rest[i]:.2f} at rest: fired {fired} of {run.n_stimuli}")
        parts.append(f"a fibre with SF {sf_rest[i]:.2f} at rest fires {fired} of {run.n_stimuli} times")
    ax.axhline(1.0, color=OKABE_ITO["black"], ls="--", lw=1)
    ax.set_xlabel("impulse number")
    ax.set_ylabel("EPP / depolarization needed")
    ax.set_title(f"{len(targets)} fibres through a {run.rate_hz:g} Hz train")
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, f"The margin, EPP over the depolarization needed, of {len(targets)} fibres at each "
                        f"of {run.n_stimuli} impulses at {run.rate_hz:g} Hz, with a dashed line at 1: "
                        + "; ".join(parts) + ".")


def plot_muscle_train(population: FibrePopulation, run: RNSResult, ax=None):
    """Fibres firing and force of the whole muscle at each impulse of a train (% of full).

    Parameters
    ----------
    population : FibrePopulation
    run : RNSResult
        From :func:`mgmodel.simulate_rns` on ``population``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(population, FibrePopulation) or not isinstance(run, RNSResult):
        raise ValueError("population must be a FibrePopulation and run an RNSResult from simulate_rns on it")
    ax = new_axes(ax)
    k = np.arange(1, run.n_stimuli + 1)
    force = population.force_weight @ run.fired
    ax.plot(k, 100 * run.fraction_firing, "o-", ms=3, color=OKABE_ITO["blue"], label="fibres firing")
    ax.plot(k, 100 * force, "s--", ms=3, color=OKABE_ITO["vermillion"], label="force")
    ax.set_ylim(0, 105)
    ax.set_xlabel("impulse number")
    ax.set_ylabel("% of all fibres / of full force")
    ax.set_title("The whole muscle")
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    return set_alt_text(ax, f"Percentage of fibres firing and force at each of {run.n_stimuli} impulses at "
                        f"{run.rate_hz:g} Hz: force {100 * force[0]:.0f} % at the first impulse, lowest "
                        f"{100 * force.min():.0f} % at impulse {int(force.argmin()) + 1}, "
                        f"{100 * force[-1]:.0f} % at the last.")


def plot_recovery_after_rest(results, ax=None):
    """Force after rest against the length of the rest, with the force at the start of use.

    Parameters
    ----------
    results : sequence of ActivationResult
        From :func:`mgmodel.simulate_activation` on one muscle, differing in ``rest_s``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    results = list(results)
    if not results or not all(isinstance(r, ActivationResult) for r in results):
        raise ValueError("results must be a non-empty sequence of ActivationResult from simulate_activation")
    ax = new_axes(ax)
    rests = [r.rest_s for r in results]
    back = [100 * r.recovered_force for r in results]
    ax.plot(rests, back, "o-", color=OKABE_ITO["vermillion"], label="after rest")
    ax.axhline(100 * results[0].initial_force, color=OKABE_ITO["black"], ls=":", label="at the start of use")
    ax.set_ylim(0, 105)
    ax.set_xlabel(f"rest after {results[0].duration_s:g} s of use (s)")
    ax.set_ylabel("force (% of full force)")
    ax.set_title("Force after rest")
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    pairs = ", ".join(f"{r:g} s: {b:.0f} %" for r, b in zip(rests, back))
    return set_alt_text(ax, f"Force after rest against the length of the rest ({pairs}), with a dotted line "
                        f"at the force at the start of use, {100 * results[0].initial_force:.0f} %.")


def plot_force_against_achr(achr_fraction, forces, ax=None, *, ylabel="force of one impulse (% of full)",
                            title="Who fails first as receptors are lost"):
    """Force against the receptors left, one line per muscle group or condition (AChR falls to the right).

    Parameters
    ----------
    achr_fraction : array (K,)
        Receptors left, fraction of healthy.
    forces : dict of str -> array (K,)
        Label -> force in % of full at each ``achr_fraction``. A label that is a muscle group
        (ocular, bulbar, limb, respiratory) is drawn in that group's colour and style.
    ax : matplotlib Axes, optional
    ylabel, title : str

    Returns
    -------
    matplotlib Axes
    """
    achr = np.asarray(achr_fraction, float)
    if achr.ndim != 1 or achr.size < 2 or not np.all((achr > 0) & (achr <= 1.5)):
        raise ValueError(f"achr_fraction must be a 1-D array of at least 2 values in (0, 1.5]; got {achr_fraction!r}")
    if not isinstance(forces, dict) or not forces:
        raise ValueError(f"forces must be a non-empty dict of label -> array; got {forces!r:.80}")
    ax = new_axes(ax)
    parts = []
    for k, (label, force) in enumerate(forces.items()):
        force = np.asarray(force, float)
        if force.shape != achr.shape:
            raise ValueError(f"forces[{label!r}] must have {achr.size} values; got shape {force.shape}")
        colour, ls = MUSCLE_GROUP_STYLE.get(label, (None, "-"))
        ax.plot(achr, force, "o", ls=ls, ms=3, color=OKABE_ITO[colour] if colour else series_colour(k), label=label)
        below = achr[force < 90.0]
        parts.append(f"{label} below 90 % from AChR {below.max():.2f}" if below.size else f"{label} stays above 90 %")
    ax.invert_xaxis()
    ax.set_ylim(0, 105)
    ax.set_xlabel("patient's AChR (fraction of healthy)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return set_alt_text(ax, f"{ylabel[0].upper()}{ylabel[1:]} against the receptors left, from "
                        f"{achr.max():.2f} down to {achr.min():.2f} of healthy: " + "; ".join(parts) + ".")
