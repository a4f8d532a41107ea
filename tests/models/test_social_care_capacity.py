"""On the PCN baseline, more social care capacity means fewer bed-days waiting for it, paired.

The baseline's home care and care homes run at about nine-tenths of their packages and places,
so that most of a wait for them is the time to arrange one. Each test takes a supply over a
quarter tighter, short of demand, and the baseline's, on the same seeds (common random numbers):
the paired difference of the delayed bed-days waiting for that service, baseline minus tighter,
has a 95% interval below zero.
"""

import functools

import pytest

from caresim.config.files import load_config
from caresim.runs.stats import t_interval
from tests.conftest import ROOT, replicate

BASELINE = ROOT / "configs/pcn_baseline.yaml"
SHORT = ["run.warm_up=28 days", "run.horizon=240 days"]
REPLICATIONS = 4

pytestmark = pytest.mark.functional


@functools.cache
def _table(overrides: tuple[str, ...]):
    loaded = load_config(BASELINE, SHORT + list(overrides))
    return replicate(loaded.document, REPLICATIONS, seed=loaded.config.run.seed)


def _values(overrides, group, measure):
    table = _table(tuple(overrides))
    rows = table[
        (table["setting"] == "hospital") & (table["group"] == group) & (table["measure"] == measure)
    ]
    return rows.sort_values("replication")["value"].to_numpy()


def _paired(fewer, more, group, measure):
    before = _values(fewer, group, measure)
    after = _values(more, group, measure)
    mean, low, high, n = t_interval(after - before, 0.95)
    assert n == REPLICATIONS
    return before, mean, low, high


def test_more_home_care_packages_mean_fewer_bed_days_waiting_for_home_care():
    before, mean, low, high = _paired(
        ("beds.home_care_packages.capacity=58", "starting_state.social_care.home_care=58"),
        (),
        "home_care",
        "delayed_discharge_bed_days",
    )
    assert before.mean() > 20
    assert mean < 0 and high < 0


def test_more_care_home_places_mean_fewer_bed_days_waiting_for_a_care_home():
    before, mean, low, high = _paired(
        ("beds.care_home_places.capacity=64", "starting_state.social_care.care_home=64"),
        (),
        "care_home",
        "delayed_discharge_bed_days",
    )
    assert before.mean() > 20
    assert mean < 0 and high < 0
