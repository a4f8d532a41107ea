"""Waiting-time targets in the config are the ones figures mark and shares are counted against."""

import pandas as pd
import pytest

from caresim.config.files import load_config
from caresim.outputs.plots.inputs import wait_targets
from caresim.outputs.plots.waits import wait_intervals
from tests.conftest import ROOT


def test_general_practice_targets_are_read_from_the_config():
    loaded = load_config(ROOT / "configs/pcn_baseline.yaml")
    config = loaded.config
    targets = wait_targets(loaded.document)
    for name, activity in config.general_practice.activities.items():
        assert targets[name] == pytest.approx(activity.target), name
    for kind in config.district_nursing.visit_kinds:
        # a district nursing visit is timely against its window, not against one wait target
        assert kind not in targets
    assert "all" not in targets  # each setting's 'all' has no one target
    given = wait_targets(loaded.document, {"routine": "7 days"})
    assert given["routine"] == 7 * 24


def test_the_wait_figure_marks_the_targets_of_the_config(tmp_path):
    loaded = load_config(ROOT / "configs/pcn_baseline.yaml")
    summary = pd.DataFrame(
        [
            ("b", "general_practice", "routine", "activity", "wait_mean", "days", 5.0, 4.8, 5.2, 3),
            ("b", "general_practice", "routine", "activity", "wait_p95", "days", 20, 19, 21, 3),
        ],
        columns=["scenario", "setting", "group", "kind", "measure", "unit", "mean"]
        + ["ci_low", "ci_high", "n"],
    )
    figure = wait_intervals(summary, wait_targets(loaded.document), tmp_path)
    assert figure.drawn and "Red ticks mark the waiting-time targets" in figure.caption
