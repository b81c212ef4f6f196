"""Self-checks: immediate feedback for self-paced learners, honest that they are not grades."""

from __future__ import annotations

import ipywidgets as W

from ._base import is_headless

__all__ = ["MultipleChoice", "NumericCheck", "multiple_choice", "numeric_check"]

_HONEST = "<i>(self-check for your own learning — not a grade)</i>"


class MultipleChoice:
    """A multiple-choice question with an explanation shown after checking."""

    def __init__(self, question, options, answer, explanation):
        if answer not in range(len(options)):
            raise ValueError(f"answer must be an index in [0, {len(options) - 1}]; got {answer!r}")
        self.question, self.options, self.answer, self.explanation = question, list(options), answer, explanation
        self.choice = W.RadioButtons(options=self.options, value=None, layout=W.Layout(width="auto"))
        self.button = W.Button(description="Check", button_style="info")
        self.feedback = W.HTML()
        self.button.on_click(lambda _b: self.check())
        self.widget = W.VBox([W.HTML(f"<b>Self-check.</b> {question} {_HONEST}"), self.choice,
                              self.button, self.feedback])

    def check(self, option=None):
        """Check the selected option (or select ``option`` first); return True if correct."""
        if option is not None:
            self.choice.value = self.options[option] if isinstance(option, int) else option
        if self.choice.value is None:
            self.feedback.value = "Pick an answer first."
            return False
        ok = self.options.index(self.choice.value) == self.answer
        self.feedback.value = (f"✅ Correct. {self.explanation}" if ok else
                               "❌ Not quite. Look at the figure again and have another go.")
        return ok

    def _ipython_display_(self):
        from IPython.display import Markdown, display
        if is_headless():
            opts = "\n".join(f"- {o}" for o in self.options)
            display(Markdown(f"**Self-check.** {self.question}\n\n{opts}"))
        else:
            display(self.widget)


class NumericCheck:
    """A numeric question checked against an answer within a relative tolerance."""

    def __init__(self, question, answer, *, rel_tol=0.05, unit="", explanation=""):
        self.question, self.answer, self.rel_tol, self.unit, self.explanation = (
            question, float(answer), float(rel_tol), unit, explanation)
        self.entry = W.FloatText(description=unit or "value", layout=W.Layout(width="260px"))
        self.button = W.Button(description="Check", button_style="info")
        self.feedback = W.HTML()
        self.button.on_click(lambda _b: self.check())
        self.widget = W.VBox([W.HTML(f"<b>Self-check.</b> {question} {_HONEST}"),
                              W.HBox([self.entry, self.button]), self.feedback])

    def check(self, value=None):
        """Check the entered value (or ``value``); return True if within tolerance."""
        if value is not None:
            self.entry.value = float(value)
        v = float(self.entry.value)
        ok = abs(v - self.answer) <= self.rel_tol * abs(self.answer)
        if ok:
            self.feedback.value = f"✅ Public check passed ({self.answer:.3g} {self.unit}). {self.explanation}"
        else:
            hint = "too high" if v > self.answer else "too low"
            self.feedback.value = f"❌ {v:.3g} {self.unit} is {hint}. Have another go."
        return ok

    def _ipython_display_(self):
        from IPython.display import Markdown, display
        if is_headless():
            display(Markdown(f"**Self-check.** {self.question}"))
        else:
            display(self.widget)


def multiple_choice(question, options, answer, explanation="") -> MultipleChoice:
    """Build a multiple-choice self-check (``answer`` is the index of the right option)."""
    return MultipleChoice(question, options, answer, explanation)


def numeric_check(question, answer, *, rel_tol=0.05, unit="", explanation="") -> NumericCheck:
    """Build a numeric self-check accepting answers within ``rel_tol`` of ``answer``."""
    return NumericCheck(question, answer, rel_tol=rel_tol, unit=unit, explanation=explanation)
