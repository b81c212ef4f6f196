"""Your mystery patient for assignment 2: a lab report derived from your student id.

Every student gets a different patient, always the same one for the same id. The report holds only
what a laboratory would measure at one endplate of the patient's intercostal biopsy: the resting
potential, the firing threshold, the mean MEPP amplitude and the quantal content. The receptor
and fold loss behind these numbers are not stored anywhere: you infer them with the model, and so
does the grader (from the same report, with the same model).

During autograding the patient is the one of the account that submitted the notebook (the
student folder nbgrader grades), so a notebook copied from someone else is graded against the
copier's own patient.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["PatientRecord", "patient_record", "graded_id"]

# What the draws span. One hidden severity s in [0, 1] moves the threshold and the MEPP together,
# because complement removes folds (with their Na channels) and receptors together (Engel1977):
#   threshold 15.5-21 mV above rest (healthy human: 15 mV in mgmodel, after RuffLennon2008),
#   MEPP 0.24-0.64 mV (the model's healthy MEPP is 0.95 mV; in moderate MG, MEPPs are about
#   20-30 % of normal, Elmqvist1964),
#   quantal content 28-50, normal or raised as in MG (CullCandy1980; healthy human 20-50, Slater2017).
_REST_MV = -80.0
_GAP_MV = (16.0, 4.5, 0.5)     # gap = 16 + 4.5 s + U(-0.5, 0.5)
_MEPP_MV = (0.60, -0.32, 0.04)  # MEPP = 0.60 - 0.32 s + U(-0.04, 0.04)
_QUANTA_RANGE = (28, 50)
_SALT = "mgmodel assignment 02"


@dataclass(frozen=True)
class PatientRecord:
    """Measurements at one endplate of the patient (absolute potentials in mV)."""

    student_id: str
    rest_mV: float
    threshold_mV: float
    mepp_mV: float
    quantal_content: float

    def __str__(self) -> str:
        return "\n".join([
            f"Lab report - mystery patient of '{self.student_id}' (intercostal biopsy, 37 °C)",
            f"  resting potential            {self.rest_mV:7.1f} mV",
            f"  endplate firing threshold    {self.threshold_mV:7.1f} mV",
            f"  mean MEPP amplitude          {self.mepp_mV:7.2f} mV",
            f"  quantal content (mean)       {self.quantal_content:7.0f} quanta per impulse",
        ])


def _clean_id(student_id) -> str:
    if not isinstance(student_id, str) or not student_id.strip():
        raise ValueError("STUDENT_ID must be your course username as a non-empty string, "
                         "e.g. STUDENT_ID = \"jdoe17\"")
    return student_id.strip().lower()


def _generator(student_id: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{_SALT}:{student_id}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def patient_record(student_id) -> PatientRecord:
    """The lab report of the patient belonging to ``student_id`` (case and spaces ignored)."""
    sid = _clean_id(student_id)
    user = os.environ.get("JUPYTERHUB_USER")
    if user and user.lower() != sid and not os.environ.get("NBGRADER_EXECUTION"):
        warnings.warn(f"You are logged in as '{user}' but STUDENT_ID is '{student_id}'. Your work "
                      "is graded against the patient of the account you submit from.", stacklevel=2)
    rng = _generator(sid)
    severity = rng.uniform(0.0, 1.0)
    gap = _GAP_MV[0] + _GAP_MV[1] * severity + rng.uniform(-_GAP_MV[2], _GAP_MV[2])
    mepp = _MEPP_MV[0] + _MEPP_MV[1] * severity + rng.uniform(-_MEPP_MV[2], _MEPP_MV[2])
    quanta = rng.integers(_QUANTA_RANGE[0], _QUANTA_RANGE[1] + 1)
    return PatientRecord(student_id=sid, rest_mV=_REST_MV,
                         threshold_mV=round(_REST_MV + gap, 1),
                         mepp_mV=round(mepp, 2), quantal_content=float(quanta))


def graded_id(entered_id):
    """The id whose patient is graded.

    While nbgrader autogrades (``NBGRADER_EXECUTION=autograde``) the notebook runs in
    ``autograded/<student>/<assignment>/``, and ``<student>`` is the account that submitted it;
    that id is returned. Anywhere else (your own runs, ``nbgrader validate``) it is the id you
    entered.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        here = pathlib.Path.cwd()
        if here.parent.parent.name == "autograded":
            return here.parent.name
    return entered_id
