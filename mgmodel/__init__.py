"""mgmodel: the neuromuscular junction in myasthenia gravis, from receptor to clinic.

Floors of the model, each a module named for the physiology:

- :mod:`mgmodel.parameters` - the ``Endplate`` dataclass and the ``HUMAN``/``RODENT`` presets;
- :mod:`mgmodel.receptor`   - ACh binding and gating at equilibrium, antibodies, antagonists;
- :mod:`mgmodel.endplate`   - one nerve impulse: the endplate potential as a stiff ODE;
- :mod:`mgmodel.safety`     - threshold and safety factor;
- :mod:`mgmodel.fastpath`   - the vectorized EPP table used by populations and widgets;
- :mod:`mgmodel.muscles`, :mod:`mgmodel.population` - muscle groups and sampled fibres;
- :mod:`mgmodel.presynaptic` - the releasable pool across a train, stochastic release;
- :mod:`mgmodel.electrodiagnosis` - repetitive stimulation, exercise test, single-fibre EMG, force;
- :mod:`mgmodel.antibody`, :mod:`mgmodel.disease`, :mod:`mgmodel.therapy`,
  :mod:`mgmodel.patients` - the slow floor: IgG and FcRn, injury of the junction, therapies,
  virtual patients;
- :mod:`mgmodel.clinic` - the whole course of a patient: strength per muscle group, MG-ADL, crisis;
- :mod:`mgmodel.plots`, :mod:`mgmodel.plots_edx`, :mod:`mgmodel.plots_clinic` - ``plot_*`` functions
  taking result objects.

Units: ms, mV, µM, nA, nS, nF (fast floors); days (slow floors). Educational use only - not
medical advice.
"""

from .parameters import HUMAN, RODENT, Endplate, compensated_quantal_content, mg_endplate
from .receptor import antibody_occupancy, ec50_uM, hill_slope, open_probability
from .endplate import EPPResult, simulate_epp
from .safety import martin_correction, safety_factor, threshold_gap_mV, threshold_mV
from .fastpath import epp_fast, epp_table
from .postsynaptic import PostsynapticTrain, postsynaptic_train
from .plots import OKABE_ITO, plot_epp
from .muscles import MUSCLES, MuscleProfile
from .population import FibrePopulation, sample_fibers, sample_fibres
from .presynaptic import PRESYNAPTIC, Presynaptic, lems_presynaptic, relative_release, simulate_release
from .electrodiagnosis import (ActivationResult, ExerciseTestResult, RNSResult, SFEMGResult,
                               classify_endplates, simulate_activation, simulate_exercise_test,
                               simulate_rns, simulate_sfemg)
from .plots_edx import plot_force, plot_rns, plot_sfemg
from . import therapy, patients
from .patients import PATIENTS, Patient
from .disease import SlowCourse, simulate_disease
from .clinic import CourseResult, simulate_course
from .plots_clinic import plot_course
from . import cases, criteria, plots_decrement, plots_fibres, plots_injury   # lesson figures, cases, limits

__version__ = "0.1.0"


def __getattr__(name):
    # ``mgmodel.widgets`` needs ipywidgets; load it only when a lesson asks for it, so that
    # ``import mgmodel`` works without the course extra.
    if name == "FiberPopulation":      # deprecated spelling (warns), the same class
        from . import population
        return population.FiberPopulation
    if name == "widgets":
        import importlib
        return importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'mgmodel' has no attribute {name!r}")

__all__ = [
    "Endplate", "HUMAN", "RODENT", "mg_endplate", "compensated_quantal_content",
    "open_probability", "antibody_occupancy", "ec50_uM", "hill_slope",
    "EPPResult", "simulate_epp",
    "safety_factor", "threshold_mV", "threshold_gap_mV", "martin_correction",
    "epp_fast", "epp_table", "PostsynapticTrain", "postsynaptic_train",
    "plot_epp", "OKABE_ITO",
    "MUSCLES", "MuscleProfile", "FibrePopulation", "sample_fibres",
    "PRESYNAPTIC", "Presynaptic", "lems_presynaptic", "relative_release", "simulate_release",
    "RNSResult", "SFEMGResult", "ExerciseTestResult", "ActivationResult",
    "simulate_rns", "simulate_sfemg", "simulate_exercise_test", "simulate_activation",
    "classify_endplates", "plot_rns", "plot_sfemg", "plot_force",
    "therapy", "patients", "Patient", "PATIENTS", "SlowCourse", "simulate_disease",
    "CourseResult", "simulate_course", "plot_course",
]
