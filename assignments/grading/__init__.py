"""Grading you can trust, for the mgmodel course (an nbgrader course root: ``assignments/``).

Two halves:

* **The sandbox** (:mod:`grading.sandbox`, :mod:`grading.kernel_launcher`): every student kernel
  of ``nbgrader autograde`` / ``validate`` runs as an unprivileged user in its own namespaces,
  without network, without sight of the course folder, under resource limits.
* **Hidden checks outside the kernel** (:mod:`grading.spec`, :mod:`grading.judge`): the student's
  answers leave the kernel as plain JSON values and are compared with reference values, computed
  when the assignment was generated (or, per student, outside the kernel), in a fresh
  ``python -I`` process.

Authors of assignments write ``hidden_checks/<assignment>.py`` with the names exported here; see
README.md ("Writing an auto-graded part").
"""

from .spec import Part, call, expect_close, expect_equal, expect_true, number, value

__all__ = ["Part", "call", "value", "expect_close", "expect_equal", "expect_true", "number"]
