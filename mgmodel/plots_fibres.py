"""Figures of lesson 04: a muscle of many fibres, each with its own margin.

* :func:`plot_safety_factor_histogram` - the safety factor of every fibre of one or more muscles;
* :func:`plot_fibre_margins` - the margin (EPP / depolarization needed) of chosen fibres through a
  train, impulse by impulse;
* :func:`plot_firing_raster` - which fibre fired at each impulse of a train (:class:`FiringRasterView`);
* :func:`plot_muscle_train` - fibres firing and force of the whole muscle through a train
  (:class:`MuscleTrainView`); the two views are the figure of the lesson-04 population panel;
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
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from .electrodiagnosis import ActivationResult, RNSResult
from .population import FibrePopulation
from .plots import MUSCLE_GROUP_STYLE, OKABE_ITO, new_axes, series_colour, set_alt_text

__all__ = ["plot_safety_factor_histogram", "plot_fibre_margins", "plot_muscle_train", "plot_firing_raster",
           "FiringRasterView", "MuscleTrainView",
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


def _check_run(population, run):
    if not isinstance(population, FibrePopulation) or not isinstance(run, RNSResult):
        raise ValueError("population must be a FibrePopulation and run an RNSResult from simulate_rns on it")
    if run.fired.shape[0] != population.n_fibres:
        raise ValueError(f"run has {run.fired.shape[0]} fibres but population has {population.n_fibres}")


class FiringRasterView:
    """Which fibre fired at each impulse of a train: one row per fibre, sorted by safety factor.

    Built once on ``ax`` for ``n_fibres`` fibres and ``n_impulses`` impulses; :meth:`update`
    replaces the image data and the title. Blue where the fibre fired, orange where transmission
    failed; the fibres with the lowest safety factor at rest are at the bottom. Used by
    :func:`plot_firing_raster` and the lesson-04 panel (``mgmodel.widgets.population_panel``).
    """

    def __init__(self, ax, n_fibres, n_impulses):
        self.ax = ax
        self.n_fibres, self.n_impulses = int(n_fibres), int(n_impulses)
        n, m = self.n_impulses, self.n_fibres
        cmap = ListedColormap([OKABE_ITO["orange"], OKABE_ITO["blue"]])
        self.image = ax.imshow(np.ones((m, n)), cmap=cmap, vmin=0, vmax=1, aspect="auto", origin="lower",
                               interpolation="nearest", extent=(0.5, n + 0.5, 0, m))
        ax.set_xlim(0.5, n + 0.5)
        ax.set_ylim(0, m)
        ax.set_xlabel("impulse number")
        ax.set_ylabel("fibres, lowest safety factor at the bottom")
        ax.legend(handles=[Patch(color=OKABE_ITO["blue"], label="fired"),
                           Patch(color=OKABE_ITO["orange"], label="failed")],
                  loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False, fontsize="small")

    @property
    def moving(self):
        """The artists :meth:`update` changes (the title included)."""
        return [self.image, self.ax.title]

    @staticmethod
    def raster(population: FibrePopulation, run: RNSResult):
        """``run.fired`` with the fibres sorted by their safety factor at rest (lowest first)."""
        _check_run(population, run)
        return run.fired[np.argsort(population.safety_factor(), kind="stable")]

    def update(self, population: FibrePopulation, run: RNSResult):
        """Draw the firing of ``run`` in ``population``; returns self."""
        raster = self.raster(population, run)
        if raster.shape != (self.n_fibres, self.n_impulses):
            raise ValueError(f"run has {raster.shape[0]} fibres and {raster.shape[1]} impulses; this view "
                             f"draws {self.n_fibres} and {self.n_impulses}")
        self.image.set_data(raster.astype(float))
        self.ax.set_title(f"{run.n_stimuli} impulses at {run.rate_hz:g} Hz ({run.n_stimuli / run.rate_hz:.2g} s), "
                          f"{population.muscle.name} muscle")
        return self

    @staticmethod
    def describe(population: FibrePopulation, run: RNSResult) -> str:
        """Alt text for the drawing of ``run``."""
        f = run.fraction_firing
        return (f"A raster with one row per muscle fibre ({population.n_fibres}), sorted by safety factor, "
                f"and one column per impulse ({run.n_stimuli} at {run.rate_hz:g} Hz); blue where the fibre "
                f"fired, orange where transmission failed: {100 * f[0]:.0f} % of fibres fire at the first "
                f"impulse, {100 * f[-1]:.0f} % at the last, fewest {100 * f.min():.0f} %.")


def plot_firing_raster(population: FibrePopulation, run: RNSResult, ax=None):
    """Which fibre fired at each impulse of a train, fibres sorted by safety factor (a :class:`FiringRasterView`).

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
    _check_run(population, run)
    ax = new_axes(ax)
    view = FiringRasterView(ax, population.n_fibres, run.n_stimuli).update(population, run)
    return set_alt_text(ax, view.describe(population, run))


class MuscleTrainView:
    """Fibres firing and force of the whole muscle at each impulse of a train (% of full).

    Built once on ``ax`` for ``n_impulses`` impulses; :meth:`update` moves the two lines. Used by
    :func:`plot_muscle_train` and the lesson-04 panel (``mgmodel.widgets.population_panel``).
    """

    def __init__(self, ax, n_impulses):
        self.ax = ax
        self.n_impulses = int(n_impulses)
        k = np.arange(1, self.n_impulses + 1)
        nan = np.full(k.shape, np.nan)
        self.firing, = ax.plot(k, nan, "o-", ms=3, color=OKABE_ITO["blue"], label="fibres firing")
        self.force, = ax.plot(k, nan, "s--", ms=3, color=OKABE_ITO["vermillion"], label="force")
        ax.set_xlim(0.5, self.n_impulses + 0.5)
        ax.set_ylim(0, 105)
        ax.set_xlabel("impulse number")
        ax.set_ylabel("% of all fibres / of full force")
        ax.set_title("Fibres firing and force")
        ax.legend(frameon=False, fontsize="small", loc="lower left")

    @property
    def moving(self):
        """The artists :meth:`update` changes."""
        return [self.firing, self.force]

    def update(self, population: FibrePopulation, run: RNSResult):
        """Draw ``run`` in ``population``; returns self."""
        _check_run(population, run)
        if run.n_stimuli != self.n_impulses:
            raise ValueError(f"run has {run.n_stimuli} impulses; this view draws {self.n_impulses}")
        self.firing.set_ydata(100 * run.fraction_firing)
        self.force.set_ydata(100 * (population.force_weight @ run.fired))
        return self

    @staticmethod
    def describe(population: FibrePopulation, run: RNSResult) -> str:
        """Alt text for the drawing of ``run``."""
        force = population.force_weight @ run.fired
        return (f"Percentage of fibres firing and force at each of {run.n_stimuli} impulses at {run.rate_hz:g} Hz: "
                f"force {100 * force[0]:.0f} % at the first impulse, lowest {100 * force.min():.0f} % at impulse "
                f"{int(force.argmin()) + 1}, {100 * force[-1]:.0f} % at the last.")


def plot_muscle_train(population: FibrePopulation, run: RNSResult, ax=None):
    """Fibres firing and force of the whole muscle at each impulse of a train (a :class:`MuscleTrainView`).

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
    _check_run(population, run)
    ax = new_axes(ax)
    view = MuscleTrainView(ax, run.n_stimuli).update(population, run)
    return set_alt_text(ax, view.describe(population, run))


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
