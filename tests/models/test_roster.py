"""A staff pool whose headcount changes through the day: a roster of periods in the config."""

import numpy as np
import pytest

from caresim.config.files import ConfigError, validate_document
from caresim.models.model import simulate
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import queue_document, replicate

DAY, NIGHT = {"every_day": "08:00-20:00"}, {"every_day": "20:00-08:00 next day"}


def rostered(duration_hours: float, headcount: int = 3, rate: str = "10 per hour") -> dict:
    """A queue that is never empty, served by 3 people by day and 1 at night."""
    document = queue_document(
        rate=rate,
        duration={"distribution": "fixed", "value": f"{duration_hours} hours"},
        servers=1,
        horizon="10 days",
        warm_up="1 day",
    )
    document["rotas"] = {"day": DAY, "night": NIGHT}
    document["staff"] = {
        "servers": {
            "headcount": headcount,
            "roster": [{"rota": "day", "headcount": 3}, {"rota": "night", "headcount": 1}],
        }
    }
    return document


def measure(table, group, name):
    return float(table[(table["group"] == group) & (table["measure"] == name)]["value"].iloc[0])


def test_a_saturated_roster_serves_as_many_as_are_on_duty():
    """Hour-long tasks, a queue that never empties: 3 x 12 + 1 x 12 = 48 served a day."""
    document = rostered(1.0)
    result = simulate(validate_document(document), 0)
    view = LogView(result.log)
    ends = view.rows(Kind.END, "service")
    by_day = np.bincount((view.time[ends] // 24).astype(int), minlength=10)
    assert list(by_day[1:]) == [48] * 9
    table = replicate(document, 1)
    assert measure(table, "servers", "utilisation") == pytest.approx(1.0, abs=0.01)
    assert measure(table, "servers", "overtime_hours") == pytest.approx(0.0, abs=1e-6)
    assert measure(table, "servers", "busy_mean") == pytest.approx(2.0, abs=0.02)


def test_work_in_progress_at_a_change_of_shift_finishes_in_overtime():
    """Tasks of 1 h 15 min from 08:00: the two day staff start their tenth at 19:15 and finish it
    at 20:30, half an hour into the night; the third works around the clock and never stops."""
    table = replicate(rostered(1.25), 1)
    assert measure(table, "servers", "overtime_hours") == pytest.approx(2 * 0.5 * 9, abs=1e-6)
    assert measure(table, "servers", "utilisation") == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d["staff"]["servers"].update(headcount=4), "at most 3 on duty at once"),
        (lambda d: d["staff"]["servers"].update(rota="day"), "either 'rota' or 'roster'"),
        (
            lambda d: d["staff"]["servers"]["roster"][1].update(rota="evening"),
            "staff.servers.roster.1.rota",
        ),
        (
            lambda d: d["staff"]["servers"].update(patient_facing=0.8),
            "all patient-facing",
        ),
    ],
)
def test_a_roster_that_does_not_add_up_is_refused(change, needle):
    document = rostered(1.0)
    change(document)
    with pytest.raises(ConfigError) as error:
        validate_document(document)
    assert needle in str(error.value)
