"""The time series a run writes: levels that are counts, and that agree with the summary."""

import numpy as np
import pandas as pd
import pytest

from caresim.config.files import load_config
from caresim.models.measures import measure, time_series
from caresim.models.model import CareSystemModel
from tests.conftest import ROOT

BASELINE = ROOT / "configs/pcn_baseline.yaml"
WHOLE_SYSTEM = ROOT / "configs/teaching/whole_system.yaml"


def series_and_summary(path, *overrides):
    """One short replication: its time series and its measures, as DataFrames."""
    config = load_config(path, list(overrides)).config
    result = CareSystemModel(config, 0).run()
    series = pd.DataFrame(time_series(result))
    measures = pd.DataFrame(measure(result))
    return config, series, measures


@pytest.fixture(scope="module")
def baseline():
    return series_and_summary(
        BASELINE, "run.warm_up=7 days", "run.horizon=35 days", "run.trace_interval=1 day"
    )


def test_no_level_of_any_pool_of_the_baseline_falls_below_zero(baseline):
    _, series, _ = baseline
    assert set(series["measure"]) >= {"queue_length", "busy", "occupancy"}
    below = series[series["value"] < 0]
    assert below.empty, below.groupby(["group", "measure"])["value"].min().to_dict()


def test_a_queue_series_is_drawn_for_every_pool_the_summary_has_a_queue_for(baseline):
    _, series, measures = baseline
    queued = set(series.loc[series["measure"] == "queue_length", "group"])
    summarised = set(measures.loc[measures["measure"] == "queue_length_mean", "group"])
    assert queued == summarised and queued


@pytest.mark.parametrize("path", [BASELINE, WHOLE_SYSTEM])
def test_every_level_series_averages_to_the_summary_time_weighted_mean(path, baseline):
    if path == BASELINE:
        config, series, measures = baseline
    else:
        config, series, measures = series_and_summary(
            path, "run.warm_up=10 days", "run.horizon=60 days", "run.trace_interval=1 day"
        )
    warm_up = config.run.warm_up
    width = config.run.trace_interval
    assert warm_up % width == 0  # bins then start exactly at the end of the warm-up
    in_window = series[series["time"] >= warm_up]
    means = in_window.groupby(["group", "measure"])["value"].mean()
    summary = measures.set_index(["group", "measure"])["value"]
    pairs = {"queue_length": "queue_length_mean", "busy": "busy_mean"}
    pairs["occupancy"] = "occupancy_mean"
    checked = 0
    for (group, level), value in means.items():
        expected = summary[(group, pairs[level])]
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-9), (group, level)
        checked += 1
    assert checked >= len(config.staff) + len(config.beds)


def test_a_queue_nobody_waits_in_has_a_maximum_of_zero():
    _, _, measures = series_and_summary(
        ROOT / "configs/validation/mginf_beds.yaml",
        "run.replications=1",
        "run.horizon=400 days",
        "run.warm_up=20 days",
    )
    values = measures.set_index(["group", "measure"])["value"]
    waits = values.xs("queue_length_max", level="measure")
    assert (waits == 0).all() and len(waits)
    assert np.isfinite(values.xs("occupancy_mean", level="measure")).all()


def test_every_measure_says_what_its_group_is(baseline):
    from caresim.models.measures import KINDS

    config, _, measures = baseline
    kinds = measures.drop_duplicates(["group", "kind"]).set_index("group")["kind"]
    assert kinds.index.is_unique  # one kind per group
    assert set(kinds) <= set(KINDS)
    assert kinds["all"] == "all" and kinds["acute"] == "pool" and kinds["gp"] == "role"
    assert kinds["riverside"] == "practice" and kinds["routine"] == "activity"
    assert kinds["riverside_gp"] == "pool" and kinds["pathway_1"] == "pathway"
    assert kinds["admissions"] == "source" and kinds["admission"] == "step"
