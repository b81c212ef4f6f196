"""nbgrader configuration of the mgmodel course (this folder is the course root).

Run every ``nbgrader`` command from this folder (``cd assignments``); nbgrader reads this file
from the current directory. On a JupyterHub, the formgrader reads it too when the instructor's
Jupyter server starts in this folder (see README.md).

Environment variables (all optional):

``NBGRADER_EXCHANGE``
    The exchange directory shared by instructor and students (release, fetch, submit, collect).
    Default ``/srv/nbgrader/exchange``, nbgrader's own default; it must exist and be writable by
    everyone (``chmod 777``) on a shared machine. Tests and trial runs point it into a temporary
    directory. (As root, nbgrader would otherwise create an exchange of its own under
    ``/usr/local/share``.)
``NBGRADER_CELL_TIMEOUT``
    Seconds one cell may run during autograde and validate before it is interrupted
    (default 60). No graded cell of this course needs more than a few seconds.
``MGMODEL_GRADING_SANDBOX``
    ``off`` runs students' notebooks WITHOUT the grading sandbox (as you, seeing everything you
    can see). Only for trusted notebooks; by default autograde and validate refuse to run when
    the sandbox is not set up (``make grading-sandbox``). See README.md, "The grading sandbox".

Students' kernels run in the sandbox (``grading/kernel_launcher.py``); the hidden checks of each
assignment live in ``hidden_checks/<assignment>.py`` and run outside the kernel
(``grading/judge.py``), against references computed by ``generate_assignment`` and kept in
``grading_store/`` (never released).
"""

import os
import sys

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    ClearOutput, DeduplicateIds, GetGrades, IgnorePattern,
                                    LimitOutput, NbGraderPreprocessor, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # the course's grading package, assignments/grading/

from grading import sandbox  # noqa: E402
from grading.preprocessors import (HiddenChecks, KeepFirstGradedCell,  # noqa: E402
                                   SandboxedExecute, StderrAsStdout, compute_references)

# --- the course ---------------------------------------------------------------------------------
c.CourseDirectory.course_id = "mgmodel"
# the course root is this folder, wherever nbgrader is started from; the gradebook lives here
c.CourseDirectory.root = HERE
# files in source/<assignment>/ that are never copied into a release or over a submission
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# --- the exchange -------------------------------------------------------------------------------
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")

# --- executing submissions ----------------------------------------------------------------------
# c.Execute.timeout is the per-cell limit that autograde and validate use
# (c.ExecutePreprocessor.timeout has no effect on them). A cell that runs longer is interrupted,
# reported as CellTimeoutError, and the rest of the notebook and of the class is still graded.
c.Execute.timeout = int(os.environ.get("NBGRADER_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
# a grade cell that a student deleted is put back (with a note saying so) and graded as usual
c.OverwriteCells.add_missing_cells = True

# --- the grading sandbox and the hidden checks ----------------------------------------------------
# every kernel of autograde and validate runs in the sandbox (kernelspec mgmodel-sandbox, IPC
# sockets in a private folder of this process); without a working sandbox both refuse to run
sandbox.configure(c)
if not sandbox.opted_out() and any(cmd in sys.argv[1:2] for cmd in ("autograde", "validate")):
    _ok, _why = sandbox.status()
    if not _ok:
        sys.exit(sandbox.refusal(_why))
c.Autograde.sanitize_preprocessors = [
    KeepFirstGradedCell,        # a pasted copy of a graded cell must not zero the notebook
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    SandboxedExecute,           # strip the working copy; run in the sandbox; export the answers
    IgnorePattern,              # drop warnings printed to stderr ...
    StderrAsStdout,             # ... and show any other stderr as output: neither costs points
    HiddenChecks,               # compare the answers with the references in a clean python -I
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\w*Warning: "
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40
c.SandboxedExecute.max_output_chars = 20_000
# generate_assignment computes the references of hidden_checks/<assignment>.py into grading_store/
c.GenerateAssignment.post_convert_hook = compute_references

# --- validation (the student's "Validate" button and `nbgrader validate`) ----------------------
c.Validator.validate_all = True


# --- feedback -----------------------------------------------------------------------------------
class WithholdHiddenTestOutput(NbGraderPreprocessor):
    """Replace the error output of grade cells that hold hidden tests by its one-line summary.

    A traceback shows the source lines around the failing line, which can include hidden tests.
    Students still see which cell failed and the assertion's message (the hidden tests of this
    course never put the reference value in a message). Must run before ClearHiddenTests, which
    removes the hidden region from the cell's source.
    """

    def preprocess_cell(self, cell, resources, index):
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbg.get("grade") and "BEGIN HIDDEN TESTS" in cell.source:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources


# nbgrader's default feedback shows the autograded notebook as it ran, hidden tests included
# (a long-standing nbgrader issue); these two preprocessors keep them out of the HTML.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    CSSHTMLHeaderPreprocessor,
    WithholdHiddenTestOutput,
    ClearHiddenTests,
]
