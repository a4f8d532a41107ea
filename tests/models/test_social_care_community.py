"""People at home waiting for home care and care homes, in one queue with patients fit to leave.

On the hospital side of the small place (without general practice, whose flow to the hospital
goes to the emergency department instead), since general practice does not refer to social care.
"""

import functools

import numpy as np
import pytest

from caresim.config.files import load_config
from caresim.models.measures import measure
from caresim.models.model import CareSystemModel
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import ROOT, hospital_side

SMALL = ROOT / "configs/teaching/whole_system.yaml"
COMMUNITY = (
    "social_care.home_care.community="
    "{per_1000_a_year: 10.4, patience: {distribution: fixed, value: 20 days}}"
)


SIDE = hospital_side(SMALL)


@functools.cache
def run_small(*overrides, replication=0):
    run = ["run.warm_up=0 days", "run.horizon=200 days"]
    config = load_config(SMALL, [*SIDE, *run, *overrides]).config
    model = CareSystemModel(config, replication)
    result = model.run()
    return result, {(r.setting, r.group, r.measure): r.value for r in measure(result)}


def test_community_waits_are_counted_and_add_up():
    """Everyone referred from home starts, leaves the list after their patience, or still waits."""
    result, values = run_small(COMMUNITY)
    group = ("community", "home_care_from_community")
    arrivals = values[(*group, "arrivals")]
    started = values[(*group, "completed")]
    left = values[(*group, "left_waiting_list")]
    waiting = values[(*group, "in_system_end")]
    assert arrivals == pytest.approx(10.4 * 10 * 200 / 365, rel=0.3)  # 10,000 registered
    assert started + left + waiting == arrivals
    assert left > 0 and started > 0  # the pool is too small for everyone: the list sheds some
    assert values[(*group, "left_waiting_list_share")] == pytest.approx(left / arrivals)
    # A patience of exactly 20 days: nobody who started waited longer, everyone who left waited it.
    view = LogView(result.log)
    starts = view.rows(Kind.START, "home_care_from_community")
    waits = (view.time[starts] - view.time[view.ref[starts]]) / 24
    assert waits.max() <= 20 + 1e-9
    gave_up = view.rows(Kind.ABANDON, "home_care_from_community")
    assert np.allclose((view.time[gave_up] - view.time[view.ref[gave_up]]) / 24, 20)


def test_demand_from_home_lengthens_the_waits_of_patients_fit_to_leave_hospital():
    """One first-come queue: people waiting at home are ahead of some patients in hospital beds."""
    _, without = run_small("social_care.home_care.community=null")
    _, with_community = run_small(COMMUNITY)
    key = ("hospital", "home_care", "delayed_discharge_bed_days")
    assert with_community[key] > without[key] * 1.5
    # The community's own waiting is not a delayed discharge: it is counted apart.
    assert ("community", "home_care_from_community", "wait_mean") not in without


def test_demand_scale_multiplies_referrals_from_home():
    _, base = run_small(COMMUNITY)
    _, doubled = run_small(COMMUNITY, "demand.scale=2")
    key = ("community", "home_care_from_community", "arrivals")
    assert doubled[key] == pytest.approx(2 * base[key], rel=0.35)
    assert doubled[key] > base[key] * 1.3


def test_a_bad_community_rate_is_named_in_one_line(cli):
    code, out, err = cli(
        "validate",
        SMALL,
        "--set",
        "social_care.care_home.community={per_1000_a_year: lots, patience: {distribution: fixed, value: 1 day}}",
    )
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code != 0 and len(lines) == 1
    assert "social_care.care_home.community.per_1000_a_year" in lines[0]
