"""Social care behind discharge is finite: more of it means fewer bed-days waiting for it.

On the baseline, paired over replications on common random numbers: more home care packages
lower the delayed bed-days of patients waiting for home care, and more care home places those
of patients waiting for a care home, each beyond its 95% interval. Runs are four months measured
after four weeks of warm-up to keep the suite quick.
"""

import functools

import pandas as pd

from caresim.config.files import load_config
from caresim.runs.scenario import replication_frames
from caresim.runs.stats import paired_differences
from tests.conftest import ROOT

BASELINE = ROOT / "configs" / "pcn_baseline.yaml"
SHORT = ["run.warm_up=28 days", "run.horizon=148 days", "run.replications=3"]
MORE_HOME_CARE = ["beds.home_care_packages.capacity=100"]
MORE_CARE_HOMES = ["beds.care_home_places.capacity=100"]


@functools.cache
def _replications(overrides: tuple[str, ...], scenario: str) -> pd.DataFrame:
    config = load_config(BASELINE, SHORT + list(overrides)).config
    frames = [
        replication_frames(config, scenario, r, config.run.seed)[0]
        for r in range(config.run.replications)
    ]
    return pd.concat(frames, ignore_index=True)


def _delay_bed_days(overrides: list[str], scenario: str) -> pd.DataFrame:
    table = pd.concat([_replications((), "baseline"), _replications(tuple(overrides), scenario)])
    diff = paired_differences(table)
    diff = diff[(diff["setting"] == "hospital") & (diff["measure"] == "delayed_discharge_bed_days")]
    return diff.set_index("group")


def test_more_home_care_means_fewer_bed_days_waiting_for_home_care():
    diff = _delay_bed_days(MORE_HOME_CARE, "more_home_care")
    assert diff.loc["home_care", "ci_high"] < 0  # fewer, beyond the 95% interval


def test_more_care_home_places_mean_fewer_bed_days_waiting_for_a_care_home():
    diff = _delay_bed_days(MORE_CARE_HOMES, "more_care_homes")
    assert diff.loc["care_home", "ci_high"] < 0  # fewer, beyond the 95% interval
