"""Virtual clinical trials of myasthenia gravis therapies, and why the placebo arm improves too.

Rooms:

- :mod:`~mgmodel.trials.cohort` - the virtual cohort (:class:`CohortSpec`, :func:`draw_patient`);
- :mod:`~mgmodel.trials.outcomes` - MG-ADL and QMG as clinicians score them, with fluctuation and
  item noise, and their subdomains;
- :mod:`~mgmodel.trials.effects` - regression to the mean, expectation, background therapy
  (:class:`TrialEffects`, each switchable);
- :mod:`~mgmodel.trials.designs` - the designs as data (:data:`DESIGNS`);
- :mod:`~mgmodel.trials.run` - :func:`run_trial` (serial or on a Dask cluster);
- :mod:`~mgmodel.trials.result` - :class:`TrialResult`;
- :mod:`~mgmodel.trials.plots` - :func:`plot_trial`, :func:`plot_forest`;
- :mod:`~mgmodel.trials.calibration` - the re-runnable check of the model against the trials.

Example
-------
>>> from mgmodel import trials
>>> r = trials.run_trial("RAISE", n_per_arm=20, progress=False)
>>> r.arms
('zilucoplan', 'placebo')
"""

from .cohort import COHORTS, CohortSpec, VirtualPatient, draw_patient
from .outcomes import QMG_ITEMS, fluctuation, mg_adl, qmg, score_items, subdomains
from .effects import ALL_EFFECTS, NO_EFFECTS, TrialEffects
from .designs import DESIGNS, ENDPOINTS, Arm, Design, Eligibility, Responder, get_design
from .result import TrialResult
from .run import run_trial
from .plots import plot_change_histogram, plot_forest, plot_placebo_sources, plot_power, plot_trial

__all__ = [
    "COHORTS", "CohortSpec", "VirtualPatient", "draw_patient",
    "QMG_ITEMS", "fluctuation", "mg_adl", "qmg", "score_items", "subdomains",
    "ALL_EFFECTS", "NO_EFFECTS", "TrialEffects",
    "DESIGNS", "ENDPOINTS", "Arm", "Design", "Eligibility", "Responder", "get_design",
    "TrialResult", "run_trial", "plot_trial", "plot_forest", "plot_placebo_sources", "plot_power",
    "plot_change_histogram",
]
