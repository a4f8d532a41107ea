"""The baseline's general practice behaves as practices do: clinician time, and surgeries all day.

Runs are short (four weeks measured after two of warm-up) to keep the suite quick; comparisons
are paired over replications with common random numbers.
"""

import numpy as np
import pandas as pd
import pytest

from caresim.config.files import load_config
from caresim.models.model import simulate
from caresim.runs.scenario import replication_frames
from caresim.runs.stats import paired_differences
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import ROOT

BASELINE = ROOT / "configs" / "pcn_baseline.yaml"
# Minor illness consultations of 40 minutes rather than the baseline's move both measures far
# beyond chance: over three weeks measured, the low end of the wait's paired interval is still
# about half its mean.
SHORT = ["run.warm_up=14 days", "run.horizon=35 days", "run.replications=3"]
PHARMACIST_MINOR_ILLNESS = (
    "general_practice.activities.minor_illness.roles.clinical_pharmacist.duration.mean"
)


def _replications(overrides: list[str], scenario: str) -> pd.DataFrame:
    config = load_config(BASELINE, SHORT + overrides).config
    frames = [
        replication_frames(config, scenario, r, config.run.seed)[0]
        for r in range(config.run.replications)
    ]
    return pd.concat(frames, ignore_index=True)


def test_longer_pharmacist_consultations_mean_fewer_pharmacist_appointments_and_longer_waits():
    table = pd.concat(
        [
            _replications([], "baseline"),
            _replications([f"{PHARMACIST_MINOR_ILLNESS}=40 min"], "forty_minutes"),
        ]
    )
    diff = paired_differences(table).set_index(["group", "measure"])
    fewer = diff.loc[("minor_illness", "appointments_by_clinical_pharmacist")]
    longer = diff.loc[("minor_illness", "wait_mean")]
    assert fewer["ci_high"] < 0  # fewer, beyond the 95% interval
    assert longer["ci_low"] > 0  # longer, beyond the 95% interval


@pytest.fixture(scope="module")
def baseline_log() -> LogView:
    # Eight weeks hold thousands of reviews falling due and forty weekdays of surgeries.
    config = load_config(BASELINE, ["run.warm_up=14 days", "run.horizon=56 days"]).config
    return LogView(simulate(config, 0).log)


def test_gp_consultations_run_through_the_afternoon(baseline_log):
    view = baseline_log
    gp_pools = {label.pool for label in view.log.labels if label.pool.endswith("_gp")}
    starts = np.concatenate([view.rows(Kind.START, pool=pool) for pool in sorted(gp_pools)])
    times = view.time[starts]
    weekday = (times // HOURS_PER_DAY) % 7 < 5
    hour = times[weekday] % HOURS_PER_DAY
    assert np.mean(hour >= 14.0) >= 0.25
    assert hour.max() > 17.0  # the afternoon surgery runs into the evening


def test_planned_work_waits_from_when_it_falls_due(baseline_log):
    view = baseline_log
    due = view.rows(Kind.MILESTONE, event="long_term_condition_review_fell_due")
    due = due[view.ref[due] >= 0]
    asked = view.rows(Kind.QUEUE, "long_term_condition_review")
    # Every review asks to be booked the moment it falls due, weeks after it was planned.
    assert len(due) > 100
    assert np.isin(view.time[due], view.time[asked]).all()
    assert np.mean(view.time[due] - view.time[view.ref[due]]) > 7 * HOURS_PER_DAY
