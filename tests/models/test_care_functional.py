"""What planners change, and what they should see: the direction of each effect holds, paired.

Each test runs the small place with and without one change, on the same seeds (common random
numbers), and checks the paired difference of the measure it should move: its mean has the
expected sign and its 95% interval excludes zero (or, for "no longer than", does not exceed it).
"""

import functools

import numpy as np
import pytest

from caresim.config.files import load_config
from caresim.runs.stats import t_interval
from tests.conftest import ROOT, hospital_side, replicate

SMALL = ROOT / "configs/teaching/whole_system.yaml"
SHORT = ["run.warm_up=28 days", "run.horizon=119 days"]  # thirteen weeks measured
REPLICATIONS = 5


@functools.cache
def _table(overrides: tuple[str, ...]):
    loaded = load_config(SMALL, SHORT + list(overrides))
    return replicate(loaded.document, REPLICATIONS, seed=loaded.config.run.seed)


def measured(overrides, setting, group, measure):
    table = _table(tuple(overrides))
    rows = table[
        (table["setting"] == setting) & (table["group"] == group) & (table["measure"] == measure)
    ]
    return rows.sort_values("replication")["value"].to_numpy()


#: The small place without general practice, for changes that act on the hospital side alone.
SIDE = tuple(hospital_side(SMALL))


def paired(change, setting, group, measure, base=()):
    before = measured(base, setting, group, measure)
    after = measured(change, setting, group, measure)
    mean, low, high, n = t_interval(after - before, 0.95)
    assert n == REPLICATIONS
    return mean, low, high


def test_more_gps_shorten_gp_waits():
    mean, low, high = paired(
        ["staff.northside_gp.headcount=4", "staff.southside_gp.headcount=3"],
        "general_practice",
        "gp",
        "wait_mean",
    )
    assert mean < 0 and high < 0


def test_minor_illness_to_pharmacists_with_spare_time_shortens_gp_waits():
    """GPs' slots freed by minor illness were mostly on-the-day slots, so same-day requests (which
    GPs share with others) wait less and GP slots are less full. The mean wait over all GP
    appointments is not the measure: it mixes in a change of what GPs see, not only how soon."""
    shares = "general_practice.activities.minor_illness.allocation={shares: {gp: 0.0, clinical_pharmacist: 0.8, practice_nurse: 0.2}}"
    spare = "staff.pcn_pharmacist.headcount=3"
    mean, low, high = paired(
        [shares, spare], "general_practice", "same_day", "wait_mean", base=[spare]
    )
    assert mean < 0 and high < 0
    mean, low, high = paired([shares, spare], "general_practice", "gp", "slot_use", base=[spare])
    assert mean < 0 and high < 0


def test_more_intermediate_care_places_mean_fewer_bed_days_waiting_for_them():
    # Delays also wait for home care, care homes and assessments, which more intermediate care
    # places do not shorten: the bed-days that wait for intermediate care are the ones that fall.
    mean, low, high = paired(
        [
            *SIDE,
            "beds.ic_beds.capacity=5",
            "beds.ic_home_places.capacity=6",
            "beds.d2a_beds.capacity=4",
        ],
        "hospital",
        "intermediate_care",
        "delayed_discharge_bed_days",
        base=SIDE,
    )
    assert mean < 0 and high < 0


def test_admission_avoidance_means_fewer_admissions():
    avoidance = [*SIDE, "hospital.admission_avoidance.share=0.8", "beds.virtual_ward.capacity=6"]
    mean, low, high = paired(avoidance, "hospital", "all", "admissions", base=SIDE)
    assert mean < 0 and high < 0
    avoided = measured(avoidance, "hospital", "all", "admissions_avoided")
    assert (avoided > measured(SIDE, "hospital", "all", "admissions_avoided")).all()


def test_pooling_gps_across_the_network_shortens_same_day_waits_and_fills_their_slots():
    """A GP slot free in one practice while the other is full is used once GPs are shared: GP
    slots are booked more, and same-day requests wait less. (The mean wait of everything GPs see
    also falls on average, but in a place this small over thirteen weeks its interval is too wide to
    test: routine waits swing with the few long waits of each replication.)"""
    pooled = ["staff.northside_gp.scope=network", "staff.southside_gp.scope=network"]
    mean, low, high = paired(pooled, "general_practice", "same_day", "wait_mean")
    assert mean < 0 and high < 0
    mean, low, high = paired(pooled, "general_practice", "gp", "slot_use")
    assert mean > 0 and low > 0


@pytest.mark.parametrize("seed", [7])
def test_the_same_seed_gives_the_same_whole_system(seed):
    # Ten weeks are enough for every setting to see patients; sameness does not grow with length.
    loaded = load_config(SMALL, ["run.warm_up=14 days", "run.horizon=70 days"])
    first = replicate(loaded.document, 2, seed)
    second = replicate(loaded.document, 2, seed)
    assert np.array_equal(first["value"].to_numpy(), second["value"].to_numpy(), equal_nan=True)
