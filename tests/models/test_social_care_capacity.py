"""Social care behind discharge is finite: more of it means fewer bed-days waiting for it.

On the hospital side of the baseline (its hospital, intermediate care and social care, with
general practice's flow to the hospital given to the emergency department), paired over
replications on common random numbers, against the same place with fifteen more home care
packages (a tenth more) or twenty more care-home places (an eighth more). The baseline's
packages and places are nearly always all in use, with a waiting list of people at home and
patients fit to leave hospital in one first-come queue; more shorten the list, and with it the
delayed bed-days waiting for each, beyond the 95% interval, in the 300 days measured after a
fortnight's warm-up from the starting state. The two comparisons share the baseline's runs, so
they are tests of one file (one worker).
"""

import functools

import pandas as pd

from caresim.config.files import load_config
from caresim.runs.scenario import replication_frames
from caresim.runs.stats import paired_differences
from tests.conftest import ROOT, hospital_side

BASELINE = ROOT / "configs" / "pcn_baseline.yaml"
SIDE = [*hospital_side(), "run.warm_up=14 days", "run.horizon=314 days", "run.replications=10"]
MORE_HOME_CARE = ["beds.home_care_packages.capacity=160"]
MORE_CARE_HOMES = ["beds.care_home_places.capacity=176"]


@functools.cache
def _replications(overrides: tuple[str, ...], scenario: str) -> pd.DataFrame:
    config = load_config(BASELINE, SIDE + list(overrides)).config
    frames = [
        replication_frames(config, scenario, r, config.run.seed)[0]
        for r in range(config.run.replications)
    ]
    return pd.concat(frames, ignore_index=True)


def more_minus_baseline(overrides: list[str]) -> pd.DataFrame:
    """Paired differences of the hospital's measures by group: with more, minus the baseline."""
    table = pd.concat([_replications((), "baseline"), _replications(tuple(overrides), "with_more")])
    diff = paired_differences(table)
    return diff[diff["setting"] == "hospital"].set_index(["group", "measure"])


def test_on_the_hospital_side_packages_and_places_are_nearly_always_all_in_use():
    """What makes the two comparisons below a test of capacity: the baseline's social care is
    full, with people waiting, as in the whole place."""
    table = _replications((), "baseline")
    system = table[table["setting"] == "system"].groupby(["group", "measure"])["value"].mean()
    for pool in ("home_care_packages", "care_home_places"):
        assert system[(pool, "utilisation")] > 0.95
        assert system[(pool, "queue_length_mean")] > 0.5


def test_more_home_care_means_fewer_bed_days_waiting_for_home_care():
    diff = more_minus_baseline(MORE_HOME_CARE)
    assert diff.loc[("home_care", "delayed_discharge_bed_days"), "ci_high"] < 0


def test_more_care_home_places_mean_fewer_bed_days_waiting_for_a_care_home():
    diff = more_minus_baseline(MORE_CARE_HOMES)
    assert diff.loc[("care_home", "delayed_discharge_bed_days"), "ci_high"] < 0
