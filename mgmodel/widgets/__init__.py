"""Interactive panels for the lessons: the model's logic behind sliders, one line in a notebook.

Every panel is a :class:`Panel` (see :mod:`mgmodel.widgets._base`): labelled controls with units,
one persistent figure with alt text, a readout of the numbers, ``panel.update(**values)``
returning the model result, and a headless mode for grading and CI. A lesson cell that builds a
panel is one line: ``widgets.epp_panel()``.

Modules: :mod:`.endplate` (lessons 01-03), :mod:`.fibres` (lessons 04-05), :mod:`.disease`
(lessons 06-07), :mod:`.therapy` (lesson 08), :mod:`.clinic` (lesson 09, the clinic; its cases are
:mod:`mgmodel.cases`), :mod:`.plan` (the treatment plan both share), :mod:`.trials` (lesson 10,
virtual trials), :mod:`.selfcheck` (self-check questions). Figures a panel shares with a static ``plot_*`` are drawn by the same view class
(see :mod:`mgmodel.plots`).
"""

from ._base import Panel, is_headless
from .endplate import epp_panel, receptor_panel, safety_panel
from .fibres import exercise_panel, fatigue_panel, population_panel, rns_panel, sfemg_panel
from .disease import congenital_panel, injury_panel, neonatal_panel, thymus_panel, trigger_panel
from .therapy import fcrn_panel, pyridostigmine_panel, therapy_panel
from .clinic import clinic_panel
from .trials import trial_panel
from .selfcheck import MultipleChoice, NumericCheck, multiple_choice, numeric_check

#: Every panel factory by name (used by the benchmark and the tests).
PANELS = {
    "receptor_panel": receptor_panel,
    "epp_panel": epp_panel,
    "safety_panel": safety_panel,
    "population_panel": population_panel,
    "fatigue_panel": fatigue_panel,
    "rns_panel": rns_panel,
    "sfemg_panel": sfemg_panel,
    "exercise_panel": exercise_panel,
    "injury_panel": injury_panel,
    "thymus_panel": thymus_panel,
    "trigger_panel": trigger_panel,
    "neonatal_panel": neonatal_panel,
    "congenital_panel": congenital_panel,
    "therapy_panel": therapy_panel,
    "pyridostigmine_panel": pyridostigmine_panel,
    "fcrn_panel": fcrn_panel,
    "clinic_panel": clinic_panel,
    "trial_panel": trial_panel,
}

__all__ = ["Panel", "is_headless", "PANELS", "receptor_panel", "epp_panel", "safety_panel",
           "population_panel", "fatigue_panel", "rns_panel", "sfemg_panel", "exercise_panel",
           "injury_panel", "thymus_panel", "trigger_panel", "neonatal_panel", "congenital_panel",
           "therapy_panel", "pyridostigmine_panel", "fcrn_panel", "clinic_panel", "trial_panel",
           "MultipleChoice", "NumericCheck", "multiple_choice", "numeric_check"]
