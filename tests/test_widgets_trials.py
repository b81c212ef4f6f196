"""Lesson 10's trial panel and the recruitment it reads trials of every size from."""
import numpy as np
import pytest

from mgmodel import widgets
from mgmodel.trials import ALL_EFFECTS, NO_EFFECTS, run_trial
from mgmodel.trials.run import Recruitment
from mgmodel.widgets.trials import PendingTrial


def test_a_smaller_trial_read_from_a_recruitment_is_the_trial_itself():
    rec = Recruitment("RAISE", NO_EFFECTS, 3).extend(14)
    for n in (8, 14):
        a, b = rec.result(n), run_trial("RAISE", n_per_arm=n, rng=3, progress=False, effects=NO_EFFECTS)
        assert a.primary == b.primary and a.screened == b.screened
        np.testing.assert_array_equal(a.patients["mg_adl"], b.patients["mg_adl"])
    assert rec.covers(14) and not rec.covers(200)
    with pytest.raises(ValueError, match="extend"):
        rec.result(200)
    with pytest.raises(ValueError, match="allocation ratio"):
        rec.result((10, 5))
    with pytest.raises(ValueError, match="n_per_arm"):
        rec.result(1)
    with pytest.raises(ValueError, match="effects"):
        Recruitment("RAISE", "all")


def test_trial_panel_reads_smaller_trials_and_recruits_larger_ones_on_request():
    panel = widgets.trial_panel(design="RAISE", n_per_arm=12)
    first = panel.result
    assert first.summary["placebo"]["n"] == 12
    smaller = panel.update(n_per_arm=10)                 # read from the candidates screened
    assert smaller.summary["placebo"]["n"] == 10
    assert smaller.primary == run_trial("RAISE", n_per_arm=10, rng=0, progress=False, effects=ALL_EFFECTS).primary
    png = panel.png()
    pending = panel.update(n_per_arm=40)
    assert isinstance(pending, PendingTrial) and "Recruit and run" in panel.readout.value
    assert panel.png() != png and "not recruited yet" in panel.alt_text
    panel.run_button.click()                             # the button screens the new candidates
    assert panel.result.summary["placebo"]["n"] == 40
    assert "not recruited" not in panel.alt_text
