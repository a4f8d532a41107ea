"""Social care behind discharge is finite: more of it means fewer bed-days waiting for it.

On the baseline, paired over replications on common random numbers, against the same place with
fewer home care packages, or fewer care home places, than it has patients holding them at the
start: with fewer, a package or place comes free only as another ends, so patients leaving
hospital wait for it beyond the time it takes to arrange; the baseline's packages and places
lower the delayed bed-days waiting for each, beyond the 95% interval. Six months measured after
two weeks of warm-up let a queue for the fewer build in every replication.
"""

import functools

import pandas as pd

from caresim.config.files import load_config
from caresim.runs.scenario import replication_frames
from caresim.runs.stats import paired_differences
from tests.conftest import ROOT

BASELINE = ROOT / "configs" / "pcn_baseline.yaml"
# The same patients holding packages and places at the start in both (the fewer are then full).
SHORT = [
    "run.warm_up=14 days",
    "run.horizon=194 days",
    "run.replications=5",
    "starting_state.social_care={home_care: 46, care_home: 40}",
]
FEWER_HOME_CARE = ["beds.home_care_packages.capacity=46"]
FEWER_CARE_HOMES = ["beds.care_home_places.capacity=40"]


@functools.cache
def _replications(overrides: tuple[str, ...], scenario: str) -> pd.DataFrame:
    config = load_config(BASELINE, SHORT + list(overrides)).config
    frames = [
        replication_frames(config, scenario, r, config.run.seed)[0]
        for r in range(config.run.replications)
    ]
    return pd.concat(frames, ignore_index=True)


def _baseline_minus_fewer(overrides: list[str]) -> pd.DataFrame:
    """Paired differences of the delayed bed-days by reason: the baseline minus fewer."""
    table = pd.concat(
        [_replications(tuple(overrides), "baseline"), _replications((), "as_the_baseline")]
    )
    diff = paired_differences(table)
    diff = diff[(diff["setting"] == "hospital") & (diff["measure"] == "delayed_discharge_bed_days")]
    return diff.set_index("group")


def test_more_home_care_means_fewer_bed_days_waiting_for_home_care():
    diff = _baseline_minus_fewer(FEWER_HOME_CARE)
    assert diff.loc["home_care", "ci_high"] < 0  # fewer bed-days, beyond the 95% interval
