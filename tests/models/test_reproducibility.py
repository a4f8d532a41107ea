"""Same seed, same results; common random numbers keep unrelated parts of a scenario apart."""

import copy

import numpy as np
import pandas as pd

from caresim.config.files import validate_document
from caresim.models.model import simulate
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import replicate


def two_step(b_mean="30 min"):
    return {
        "name": "two-step",
        "run": {"horizon": "2000 hours", "warm_up": "50 hours", "replications": 1, "seed": 4},
        "staff": {"nurses": {"headcount": 2}, "doctors": {"headcount": 1}},
        "services": {
            "triage": {
                "uses": "nurses",
                "duration": {"distribution": "exponential", "mean": "40 min"},
                "next": {"exit": 0.6, "review": 0.4},
            },
            "review": {
                "uses": "doctors",
                "duration": {"distribution": "exponential", "mean": b_mean},
            },
        },
        "arrivals": {"patients": {"rate": "2 per hour", "to": "triage"}},
    }


def test_the_same_seed_gives_identical_measures():
    first = replicate(two_step(), 3, seed=21)
    second = replicate(two_step(), 3, seed=21)
    pd.testing.assert_frame_equal(first, second)
    other = replicate(two_step(), 3, seed=22)
    assert not first["value"].equals(other["value"])


def test_changing_one_step_leaves_the_draws_of_the_others_unchanged():
    a = simulate(validate_document(two_step("30 min")), 0, 8)
    b = simulate(validate_document(two_step("50 min")), 0, 8)

    def times(result, kind, group=None):
        view = LogView(result.log)
        rows = view.rows(kind, group)
        return view.time[rows], view.entity[rows]

    np.testing.assert_array_equal(LogView(a.log).arrivals()[1], LogView(b.log).arrivals()[1])
    for kind, group in ((Kind.START, "triage"), (Kind.END, "triage")):
        ta, ea = times(a, kind, group)
        tb, eb = times(b, kind, group)
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_array_equal(ea, eb)
    # ...while the step that changed did change.
    assert not np.array_equal(times(a, Kind.END, "review")[0], times(b, Kind.END, "review")[0])


def test_a_parameter_that_cannot_matter_changes_nothing():
    base = two_step()
    spare = copy.deepcopy(base)
    spare["staff"]["porters"] = {"headcount": 4}  # used by no service
    spare["services"]["review"]["patience"] = {"distribution": "fixed", "value": "10000 hours"}
    first = replicate(base, 3, seed=2)
    second = replicate(spare, 3, seed=2)
    second = second[second["group"] != "porters"]
    # A service with patience also reports the share who gave up: here, none.
    gave_up = second["measure"] == "abandoned_share"
    assert (second[gave_up]["value"] == 0).all() and gave_up.sum() == 3
    second = second[~gave_up].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)


def test_more_staff_never_lengthens_waits():
    few = two_step()
    more = copy.deepcopy(few)
    more["staff"]["nurses"]["headcount"] = 3
    waits_few = replicate(few, 5, seed=3).query("group == 'triage' and measure == 'wait_mean'")[
        "value"
    ]
    waits_more = replicate(more, 5, seed=3).query("group == 'triage' and measure == 'wait_mean'")[
        "value"
    ]
    # With common random numbers the comparison holds replication by replication.
    assert (waits_more.to_numpy() <= waits_few.to_numpy()).all()
    assert waits_more.mean() < waits_few.mean()
