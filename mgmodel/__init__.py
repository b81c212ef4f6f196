"""mgmodel: the neuromuscular junction in myasthenia gravis, from receptor to clinic.

Floors of the model, each a module named for the physiology:

- :mod:`mgmodel.parameters` - the ``Endplate`` dataclass and the ``HUMAN``/``RODENT`` presets;
- :mod:`mgmodel.receptor`   - ACh binding and gating at equilibrium, antibodies, antagonists;
- :mod:`mgmodel.endplate`   - one nerve impulse: the endplate potential as a stiff ODE;
- :mod:`mgmodel.safety`     - threshold and safety factor;
- :mod:`mgmodel.fastpath`   - the vectorized EPP table used by populations and widgets;
- :mod:`mgmodel.plots`      - ``plot_*`` functions taking result objects.

Units: ms, mV, µM, nA, nS, nF (fast floors); days (slow floors). Educational use only - not
medical advice.
"""

from .parameters import HUMAN, RODENT, Endplate
from .receptor import antibody_occupancy, ec50_uM, hill_slope, open_probability
from .endplate import EPPResult, simulate_epp
from .safety import martin_correction, safety_factor, threshold_gap_mV, threshold_mV
from .fastpath import epp_fast, epp_table
from .plots import OKABE_ITO, plot_epp

__version__ = "0.1.0"


def __getattr__(name):
    # ``mgmodel.widgets`` needs ipywidgets; load it only when a lesson asks for it, so that
    # ``import mgmodel`` works without the course extra.
    if name == "widgets":
        import importlib
        return importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'mgmodel' has no attribute {name!r}")

__all__ = [
    "Endplate", "HUMAN", "RODENT",
    "open_probability", "antibody_occupancy", "ec50_uM", "hill_slope",
    "EPPResult", "simulate_epp",
    "safety_factor", "threshold_mV", "threshold_gap_mV", "martin_correction",
    "epp_fast", "epp_table",
    "plot_epp", "OKABE_ITO",
]
