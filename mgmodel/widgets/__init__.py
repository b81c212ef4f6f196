"""Interactive panels for the lessons: the model's logic behind sliders, one line in a notebook.

Every panel is a :class:`Panel` (see :mod:`mgmodel.widgets._base`): labelled controls with units,
one persistent figure with alt text, a readout of the numbers, ``panel.update(**values)``
returning the model result, and a headless mode for grading and CI. A lesson cell that builds a
panel is one line: ``widgets.epp_panel()``.

Modules: :mod:`.endplate` (lessons 01-03), :mod:`.fibres` (lessons 04-05), :mod:`.course`
(lessons 06-09), :mod:`.selfcheck` (self-check questions).
"""

from ._base import Panel, is_headless
from .endplate import epp_panel, receptor_panel, safety_panel
from .selfcheck import MultipleChoice, NumericCheck, multiple_choice, numeric_check

#: Every panel factory by name (used by the benchmark and the tests).
PANELS = {
    "receptor_panel": receptor_panel,
    "epp_panel": epp_panel,
    "safety_panel": safety_panel,
}

__all__ = ["Panel", "is_headless", "PANELS", "receptor_panel", "epp_panel", "safety_panel",
           "MultipleChoice", "NumericCheck", "multiple_choice", "numeric_check"]
