"""Clinical cases: mystery patients, their stories, the diagnostic tests and the diagnoses.

The room of the course where the model meets a patient the learner does not know:

- the capstone clinic's **mystery patients** (:func:`mystery_patient`, :func:`get_case`): an
  archetype of :data:`mgmodel.PATIENTS` drawn reproducibly from a patient number, with a spread of
  the antibody load, a story (:data:`STORIES`, :func:`vignette`) and the results of the tests a
  clinician orders (:data:`TESTS`, :func:`run_test`, :func:`test_report`), all computed by the
  model at the first visit;
- the **diagnoses** a learner chooses from (:data:`DIAGNOSES`, :func:`diagnosis_is_right`);
- assignment 02's **lab report** of a mystery endplate (:func:`lab_record`): resting potential,
  firing threshold, MEPP and quantal content drawn from a student id, so that every student gets
  a different patient and the grader the same one.

Nothing here draws or displays: the panels of :mod:`mgmodel.widgets` show these cases. The model
is educational; a mystery patient is a teaching device, not a clinical case record.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .clinic import simulate_course
from .criteria import DECREMENT_LIMIT_PCT, decrement_is_abnormal
from .electrodiagnosis import simulate_rns, simulate_sfemg
from .parameters import HUMAN, mg_endplate
from .patients import MUSCLE_GROUPS, PATIENTS
from .population import sample_fibres

__all__ = ["ARCHETYPE_CHOICES", "ARCHETYPE_LABELS", "CLINIC_POOL", "DIAGNOSES", "LOAD_CV", "N_MYSTERY",
           "STORIES", "COMPLAINTS", "TESTS", "N_FIBRES_EDX", "GROUP_WORDS", "mystery_patient", "Case",
           "get_case", "endplate_at_first_visit", "run_test", "complaints", "vignette", "test_report",
           "diagnosis_is_right", "LabRecord", "lab_record", "clean_student_id", "LAB_GAP_MV", "LAB_MEPP_MV",
           "LAB_QUANTA_RANGE", "LAB_SALT"]

#: Archetypes in plain words (label, name in mgmodel.PATIENTS), in the order the panels list them.
ARCHETYPE_CHOICES = (
    ("AChR antibody, early onset (thymic hyperplasia)", "achr_early_onset"),
    ("AChR antibody, late onset", "achr_late_onset"),
    ("AChR antibody with a thymoma", "thymoma"),
    ("MuSK antibody (IgG4)", "musk"),
    ("LRP4 antibody", "lrp4"),
    ("no antibody found (seronegative)", "seronegative"),
    ("ocular MG (eyes only)", "ocular"),
    ("newborn of a mother with MG (neonatal)", "neonatal"),
    ("congenital syndrome, AChR deficiency (CHRNE)", "congenital"),
    ("congenital syndrome, AChE deficiency (COLQ)", "congenital_colq"),
)
#: Archetype name -> its label in plain words.
ARCHETYPE_LABELS = {name: label for label, name in ARCHETYPE_CHOICES}

#: Archetypes a mystery patient is drawn from. Left out: the newborn (the story gives it away)
#: and COLQ deficiency (the model puts it in crisis, MG-ADL 24 of 24, from day 0).
CLINIC_POOL = ("achr_early_onset", "achr_late_onset", "thymoma", "musk", "lrp4", "seronegative",
               "ocular", "congenital")
#: Diagnoses the learner can choose from, and the archetypes each one covers.
DIAGNOSES = {
    "generalized MG with AChR antibodies": ("achr_early_onset", "achr_late_onset"),
    "AChR-antibody MG with a thymoma": ("thymoma",),
    "MuSK-antibody MG": ("musk",),
    "LRP4-antibody MG": ("lrp4",),
    "seronegative generalized MG": ("seronegative",),
    "ocular MG": ("ocular",),
    "congenital myasthenic syndrome": ("congenital",),
}
#: Spread of the antibody load between mystery patients of one archetype (log-normal CV, soft:
#: a modelling choice, not a measured spread).
LOAD_CV = 0.15
#: Number of mystery patients.
N_MYSTERY = 50

#: The patient's story at the first visit: (who, history) per archetype of :data:`CLINIC_POOL`.
STORIES = {
    "achr_early_onset": ("Woman of 28", "Symptoms began a few months ago. They come and go: better in "
                         "the morning and after rest, worse in the evening."),
    "achr_late_onset": ("Man of 68", "Symptoms for some months, worse as the day goes on."),
    "thymoma": ("Man in middle age", "Weakness has spread quickly over a few weeks, worse with use."),
    "musk": ("Woman of 35", "Speech and swallowing became hard over weeks; a tablet of pyridostigmine "
             "from her family doctor gave her muscle twitching and cramps."),
    "lrp4": ("Woman in her forties", "Mild weakness for several months, worse in the evening."),
    "seronegative": ("Woman in her thirties", "Weakness for months, worse with use, better after rest."),
    "ocular": ("Man of 45", "For two months his eyelids droop and he sees double, worse when he is "
               "tired. He feels otherwise well."),
    "congenital": ("Man of 19", "Weak since early childhood: a floppy baby who fed slowly, late to "
                   "walk, never good at sport. His younger sister has the same trouble. No one else "
                   "in the family."),
}
#: Each MG-ADL item as the patient complains of it.
COMPLAINTS = {
    "talking": "speech becomes slurred or nasal when talking",
    "chewing": "tires when chewing",
    "swallowing": "chokes on food or drink",
    "breathing": "short of breath on effort or lying flat",
    "brushing teeth or combing hair": "arms tire when combing hair",
    "rising from a chair": "struggles to rise from a chair",
    "double vision": "sees double",
    "eyelid droop": "eyelids droop",
}
#: The muscle groups in a patient's words.
GROUP_WORDS = {"ocular": "eyes", "bulbar": "face and throat", "limb": "limbs", "respiratory": "breathing"}
#: Diagnostic tests: key -> what the clinician orders.
TESTS = {"exam": "Examine: where is the weakness?", "antibodies": "Antibody tests (AChR, MuSK, LRP4)",
         "ct": "Chest CT", "rns": "3 Hz repetitive nerve stimulation", "sfemg": "Single-fibre EMG"}
#: Fibres in the clinic's electrodiagnostic studies (as the lesson-05 panels).
N_FIBRES_EDX = 300

_ANTIBODY_RESULT = {"AChR": ("POSITIVE", "negative", "negative"),
                    "MuSK": ("negative", "POSITIVE", "negative"),
                    "LRP4": ("negative", "negative", "POSITIVE")}
_CT_RESULT = {"thymoma": "a mass in the front of the chest (anterior mediastinum): likely a thymoma",
              "hyperplasia": "thymus larger than expected for age: possible thymic hyperplasia",
              "involuted": "small, fatty thymus: normal for age",
              "normal": "normal thymus for age"}
_RNS_MUSCLES = (("limb", "hand (abductor digiti minimi)"), ("bulbar", "face (nasalis)"))


def mystery_patient(number):
    """Archetype name and Patient of mystery patient ``number`` (1..N_MYSTERY), reproducibly.

    Each block of eight consecutive numbers holds every archetype of :data:`CLINIC_POOL` once, in a
    shuffled order; the antibody load varies between patients (log-normal, CV :data:`LOAD_CV`,
    a modelling choice), and with it the severity. The course uses the archetypes' default fibre
    sample (seed 0); the electrodiagnostic studies draw their own fibres with seed ``number``.
    """
    if isinstance(number, bool) or not isinstance(number, (int, np.integer)) or not 1 <= number <= N_MYSTERY:
        raise ValueError(f"patient number must be a whole number in [1, {N_MYSTERY}]; got {number!r}")
    number = int(number)
    block, pos = divmod(number - 1, len(CLINIC_POOL))
    name = CLINIC_POOL[np.random.default_rng(1000 + block).permutation(len(CLINIC_POOL))[pos]]
    base = PATIENTS[name]
    if base.antibody_load > 0:
        sigma = math.sqrt(math.log1p(LOAD_CV ** 2))
        factor = float(np.exp(np.random.default_rng(number).normal(-0.5 * sigma ** 2, sigma)))
        base = base.replace(antibody_load=base.antibody_load * float(np.clip(factor, 0.7, 1.4)))
    return name, base.replace(name=f"mystery patient {number}")


@dataclass(frozen=True)
class Case:
    """A mystery patient at the first visit.

    Attributes
    ----------
    number : int
        The patient number (1..N_MYSTERY).
    archetype : str
        The hidden diagnosis: a name in :data:`mgmodel.PATIENTS`.
    patient : Patient
    first_visit : CourseResult
        :func:`mgmodel.simulate_course` of day 0 (strength, MG-ADL and its items).
    """

    number: int
    archetype: str
    patient: object
    first_visit: object


@lru_cache(maxsize=8)
def get_case(number) -> Case:
    """The :class:`Case` of mystery patient ``number`` (cached)."""
    name, patient = mystery_patient(number)
    return Case(int(number), name, patient, simulate_course(patient, 1))


def endplate_at_first_visit(case: Case, group):
    """The Endplate of muscle group ``group`` of ``case`` on day 0 (receptors, folds, block, AChE)."""
    if group not in MUSCLE_GROUPS:
        raise ValueError(f"group must be one of {list(MUSCLE_GROUPS)}; got {group!r}")
    gc = case.first_visit.disease.by_group[group]
    return mg_endplate(float(gc.achr_fraction[0]), float(gc.na_channel_fraction[0])).replace(
        ach_site_block=float(gc.ach_site_block[0]), ache_activity=float(gc.ache_activity[0]))


@lru_cache(maxsize=32)
def run_test(number, name):
    """The result of diagnostic test ``name`` (a key of :data:`TESTS`) of mystery patient ``number``.

    Returns a dict: ``exam`` - strength per muscle group (0-1) and MG-ADL items; ``antibodies`` -
    AChR/MuSK/LRP4 "POSITIVE" or "negative"; ``ct`` - the finding; ``rns`` - per muscle (limb,
    bulbar) the label, ten amplitudes relative to the first and the decrement (%); ``sfemg`` - the
    MCD of each pair (µs), the mean, the limits and the verdict (IFCN).
    """
    if name not in TESTS:
        raise ValueError(f"unknown test {name!r}; choose from {sorted(TESTS)}")
    case = get_case(number)
    p, course = case.patient, case.first_visit
    if name == "exam":
        return dict(strength={g: float(course.strength[g][0]) for g in MUSCLE_GROUPS},
                    items={k: int(v[0]) for k, v in course.mg_adl_items.items()})
    if name == "antibodies":
        res = _ANTIBODY_RESULT.get(p.antibody, ("negative", "negative", "negative"))
        return dict(zip(("AChR", "MuSK", "LRP4"), res))
    if name == "ct":
        return dict(finding=_CT_RESULT[p.thymus])
    if name == "rns":
        out = {}
        for g, label in _RNS_MUSCLES:
            pop = sample_fibres(N_FIBRES_EDX, endplate_at_first_visit(case, g), muscle=g, rng=case.number)
            r = simulate_rns(pop, 3.0, 10, rng=case.number + 1)
            out[g] = dict(label=label, cmap=r.cmap / r.cmap[0] if r.cmap[0] > 0 else r.cmap,
                          decrement=float(r.decrement_pct))
        return out
    pop = sample_fibres(N_FIBRES_EDX, endplate_at_first_visit(case, "limb"), muscle="limb", rng=case.number)
    r = simulate_sfemg(pop, 20, 100, rng=case.number + 1)
    return dict(mcd=np.asarray(r.mcd_us), mean=float(r.mean_mcd_us), abnormal=bool(r.abnormal),
                blocking=int(r.pairs_with_blocking), n=int(r.n_pairs), over=float(r.pairs_over_limit_pct),
                limit_mean=float(r.limit_mean_us), limit_pair=float(r.limit_pair_us))


def complaints(case: Case) -> list:
    """What the patient complains of at the first visit, worst MG-ADL item first."""
    items = {k: int(v[0]) for k, v in case.first_visit.mg_adl_items.items()}
    return [COMPLAINTS[k] for k, s in sorted(items.items(), key=lambda kv: -kv[1]) if s > 0]


def vignette(case: Case) -> str:
    """The story of ``case`` in plain text: who, the history, the complaints and MG-ADL today."""
    who, story = STORIES[case.archetype]
    return (f"Patient {case.number}. {who}. {story} Complaints: {', '.join(complaints(case)) or 'none'}. "
            f"MG-ADL today: {case.first_visit.mg_adl[0]} of 24.")


def test_report(name, result) -> tuple:
    """A test result as the clinician reads it: ``(heading, plain-text findings)``."""
    if name == "exam":
        s = result["strength"]
        parts = ", ".join(f"{GROUP_WORDS[g]} {100 * s[g]:.0f} %" for g in MUSCLE_GROUPS)
        return "Examination", f"(strength in sustained use, % of normal): {parts}."
    if name == "antibodies":
        return "Antibodies:", ", ".join(f"{k} {v}" for k, v in result.items()) + "."
    if name == "ct":
        return "Chest CT:", f"{result['finding']}."
    if name == "rns":
        parts = [f"{v['label']} decrement {v['decrement']:.0f} % "
                 f"({'abnormal' if decrement_is_abnormal(v['decrement']) else 'normal'})"
                 for v in result.values()]
        return "3 Hz RNS:", "; ".join(parts) + f" (abnormal ≥ {DECREMENT_LIMIT_PCT:g} %)."
    if name == "sfemg":
        verdict = "ABNORMAL" if result["abnormal"] else "normal"
        return ("Single-fibre EMG",
                f"(extensor digitorum, {result['n']} pairs): mean jitter {result['mean']:.0f} µs (limit "
                f"{result['limit_mean']:g} µs), {result['over']:.0f} % of pairs over {result['limit_pair']:g} "
                f"µs, blocking in {result['blocking']} pairs: {verdict}.")
    raise ValueError(f"unknown test {name!r}; choose from {sorted(TESTS)}")


def diagnosis_is_right(diagnosis, archetype) -> bool:
    """True when ``diagnosis`` (a key of :data:`DIAGNOSES`) covers the archetype ``archetype``."""
    if diagnosis is None:
        return False
    if diagnosis not in DIAGNOSES:
        raise ValueError(f"diagnosis must be one of {sorted(DIAGNOSES)}; got {diagnosis!r}")
    return archetype in DIAGNOSES[diagnosis]


# =========================================================================================
# Assignment 02: the lab report of a mystery endplate
# =========================================================================================
#: What the draws of :func:`lab_record` span. One hidden severity s in [0, 1] moves the threshold
#: and the MEPP together, because complement removes folds (with their Na channels) and receptors
#: together (Engel et al. 1977):
#: threshold gap = 16 + 4.5 s + U(-0.5, 0.5) mV above rest (healthy human: 15 mV in mgmodel, after
#: Ruff & Lennon 2008); MEPP = 0.60 - 0.32 s + U(-0.04, 0.04) mV (the model's healthy MEPP is
#: 0.99 mV; in moderate MG MEPPs are about 20-30 % of normal, Elmqvist et al. 1964); quantal
#: content 28-50, normal or raised as in MG (Cull-Candy et al. 1980; healthy human 20-50,
#: Slater 2017). A design of the exercise, not measured spreads.
LAB_GAP_MV = (16.0, 4.5, 0.5)
LAB_MEPP_MV = (0.60, -0.32, 0.04)
LAB_QUANTA_RANGE = (28, 50)
#: Salt of the hash that turns a student id into a seed (assignment 02's value).
LAB_SALT = "mgmodel assignment 02"


@dataclass(frozen=True)
class LabRecord:
    """Measurements at one endplate of a mystery patient (absolute potentials in mV)."""

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


def clean_student_id(student_id) -> str:
    """``student_id`` stripped and lower-cased; ValueError when it is not a non-empty string."""
    if not isinstance(student_id, str) or not student_id.strip():
        raise ValueError("STUDENT_ID must be your course username as a non-empty string, "
                         f"e.g. STUDENT_ID = \"jdoe17\"; got {student_id!r}")
    return student_id.strip().lower()


def lab_record(student_id, *, salt=LAB_SALT) -> LabRecord:
    """The lab report of the mystery patient of ``student_id`` (case and spaces ignored).

    The same id always gives the same report: the seed is the first 8 bytes (little-endian) of
    SHA-256 of ``f"{salt}:{id}"``. The resting potential is the model's (``HUMAN.v_rest_mV``);
    see :data:`LAB_GAP_MV` for what the draws span.
    """
    sid = clean_student_id(student_id)
    digest = hashlib.sha256(f"{salt}:{sid}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    severity = rng.uniform(0.0, 1.0)
    gap = LAB_GAP_MV[0] + LAB_GAP_MV[1] * severity + rng.uniform(-LAB_GAP_MV[2], LAB_GAP_MV[2])
    mepp = LAB_MEPP_MV[0] + LAB_MEPP_MV[1] * severity + rng.uniform(-LAB_MEPP_MV[2], LAB_MEPP_MV[2])
    quanta = rng.integers(LAB_QUANTA_RANGE[0], LAB_QUANTA_RANGE[1] + 1)
    rest = float(HUMAN.v_rest_mV)
    return LabRecord(student_id=sid, rest_mV=rest, threshold_mV=round(rest + gap, 1),
                     mepp_mV=round(mepp, 2), quantal_content=float(quanta))
