"""General practice's front doors: channels, total triage that uses clinician time, Pharmacy First."""

import math
import re

import numpy as np
import pytest

from caresim.config.files import ConfigError, validate_document
from caresim.models.model import simulate
from caresim.runs.stats import t_interval
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import replicate
from tests.models.test_general_practice import FIXED, practice

CHANNELS = {"phone": 0.6, "online": 0.3, "in_person": 0.1}
TRIAGE = {
    "by": "gp",
    "time": {"phone": "4 min", "online": "3 min", "in_person": "4 min"},
    "decides": {
        "visit": {
            "visit": {"gp": 0.5, "practice_nurse": 0.2},
            "community_pharmacy": 0.2,
            "self_care": 0.1,
        }
    },
}
STAFF = {
    "gp": {"headcount": 3, "rota": "surgery"},
    "nurse": {"role": "practice_nurse", "headcount": 3, "rota": "surgery"},
    "chemist": {"role": "community_pharmacist", "headcount": 1, "rota": "surgery"},
}
PHARMACY = {
    "uses": "chemist",
    "consultation": {"distribution": "fixed", "value": "10 min"},
    "patience": "1 day",
    "on_no_consultation": {"self_care": 1.0},
    "returns": {
        "share": 0.3,
        "activity": "visit",
        "after": {"distribution": "fixed", "value": "2 days"},
    },
}
ACTIVITY = {
    "roles": {"gp": FIXED(10), "practice_nurse": FIXED(10)},
    "allocation": {"shares": {"gp": 0.7, "practice_nurse": 0.3}},
    "rate": {"everyone": "3 per year"},
    "book_within": "2 days",
    "patience": "3 days",
    "on_no_appointment": {"self_care": 1.0},
}


def front_door(triage: dict | None = TRIAGE, pharmacy: dict | None = PHARMACY, **run) -> dict:
    general: dict = {"front_door": {"channels": CHANNELS}}
    if triage is not None:
        general["front_door"]["total_triage"] = triage
    if pharmacy is not None:
        general["pharmacy_first"] = dict(pharmacy)
    document = practice(dict(ACTIVITY), staff=dict(STAFF), **general)
    document["general_practice"]["slot_length"] = {"gp": "10 min", "practice_nurse": "10 min"}
    document["population"]["practices"]["only"]["registered"] = 12000
    document["run"].update(run)
    return document


def value(table, group, measure):
    rows = table[(table["group"] == group) & (table["measure"] == measure)]
    return rows["value"].to_numpy()


def test_requests_come_by_each_channel_at_its_share():
    table = replicate(front_door(triage=None, pharmacy=None), 1, seed=3)
    total = value(table, "front_door", "requests")[0]
    assert total > 5000
    for channel, share in CHANNELS.items():
        observed = value(table, "front_door", f"asked_by_{channel}_share")[0]
        assert abs(observed - share) <= 4 * math.sqrt(share * (1 - share) / total)


def test_total_triage_uses_gp_time_so_fewer_gp_appointments_are_offered():
    """Paired on common random numbers: the same demand with and without total triage."""
    with_triage = replicate(front_door(pharmacy=None), 3, seed=5)
    without = replicate(front_door(triage=None, pharmacy=None), 3, seed=5)
    used = value(with_triage, "triage", "slots_used")
    assert np.all(used > 1000)
    # Each triage slot is a GP slot no patient could book: slot use counts them.
    gp_slots = value(with_triage, "gp", "slots_offered")
    gp_seen = value(with_triage, "gp", "appointments")
    gp_use = value(with_triage, "gp", "slot_use")
    missed = value(with_triage, "visit", "did_not_attend")
    assert np.all(missed == 0)
    assert np.allclose(gp_use * gp_slots, used + gp_seen, rtol=0.02)
    # Clinician time: each triage takes its channel's minutes of a GP's time.
    triaged = value(with_triage, "triage", "triaged")
    hours = value(with_triage, "triage", "clinician_hours")
    assert np.all(hours >= triaged * 3 / 60 - 1) and np.all(hours <= triaged * 4 / 60 + 1)
    # Fewer patients booked with a GP under triage than without, beyond chance.
    difference = value(with_triage, "visit", "appointments_by_gp") - value(
        without, "visit", "appointments_by_gp"
    )
    _, low, high, _ = t_interval(difference, 0.95)
    assert high < 0


def test_triage_decides_the_role_and_the_booking_wait_starts_after_it():
    config = validate_document(front_door(pharmacy=None))
    result = simulate(config, 0, seed=2)
    view = LogView(result.log)
    # Requests booked straight after triage, and the triage that decided each.
    booked = view.rows(Kind.QUEUE, "visit")
    decided = view.rows(Kind.MILESTONE, "triage")
    assert len(decided) > 3000
    to_visit = next(lb.code for lb in result.log.labels if lb.event == "triaged_to_visit")
    before = booked - 1
    assert np.all(view.label[before] == to_visit)
    assert np.all(view.time[before] == view.time[booked])
    # Shares decided: 70% booked (of whom 2 in 7 with a nurse), 20% to a pharmacy, 10% self-care.
    table = replicate(front_door(pharmacy=None), 1, seed=2)
    n = value(table, "triage", "triaged")[0]
    for to, share in (("visit", 0.7), ("community_pharmacy", 0.2), ("self_care", 0.1)):
        observed = value(table, "triage", f"to_{to}_share")[0]
        assert abs(observed - share) <= 4 * math.sqrt(share * (1 - share) / n)
    nurse = value(table, "visit", "appointments_by_practice_nurse")[0]
    gp = value(table, "visit", "appointments_by_gp")[0]
    assert abs(nurse / (nurse + gp) - 2 / 7) < 0.03
    # Triage waits are short and the booking wait is counted from the triage.
    assert 0 < value(table, "triage", "wait_mean")[0] < 24


def test_pharmacy_first_sees_patients_with_its_pharmacists_and_some_come_back():
    table = replicate(front_door(), 2, seed=4)
    arrivals = value(table, "pharmacy_first", "arrivals")
    seen = value(table, "pharmacy_first", "seen")
    assert np.all(arrivals > 300) and np.all(seen <= arrivals)
    returned = value(table, "pharmacy_first", "returned_share")
    n = seen.sum()
    assert abs(returned.mean() - 0.3) <= 4 * math.sqrt(0.3 * 0.7 / n)
    # Patients done at the pharmacy leave by it; the pool is the pharmacists'.
    assert np.all(value(table, "chemist", "utilisation") > 0)


def test_fewer_pharmacists_mean_more_patients_give_up_at_the_pharmacy():
    busy = front_door()
    busy["general_practice"]["pharmacy_first"] = {
        **PHARMACY,
        "patience": "1 hour",
        "consultation": {"distribution": "fixed", "value": "20 min"},
    }
    quiet = {**busy, "staff": {**STAFF, "chemist": {**STAFF["chemist"], "headcount": 3}}}
    few = value(replicate(busy, 3, seed=6), "pharmacy_first", "gave_up_share")
    many = value(replicate(quiet, 3, seed=6), "pharmacy_first", "gave_up_share")
    _, low, high, _ = t_interval(few - many, 0.95)
    assert low > 0


def test_a_returning_pharmacy_patient_asks_the_practice_again_later():
    """Patients who go straight to the pharmacy; some then ask their practice two days later."""
    document = front_door(triage=None)
    document["general_practice"]["pharmacy_first"]["self_referrals"] = {"everyone": "1 per year"}
    config = validate_document(document)
    result = simulate(config, 0, seed=8)
    view = LogView(result.log)
    returned = view.rows(Kind.MILESTONE, "pharmacy_first", event="pharmacy_first_returned")
    assert len(returned) > 50
    asked = view.rows(Kind.MILESTONE, "front_door")
    for row in returned[:50]:
        entity = view.entity[row]
        later = asked[(view.entity[asked] == entity) & (view.time[asked] > view.time[row])]
        if view.time[row] + 48 < result.window.end:
            assert len(later) == 1 and math.isclose(view.time[later[0]], view.time[row] + 48)


def test_the_wait_from_first_asking_includes_the_triage():
    """Booking-to-appointment starts after triage; ask-to-appointment from the first request."""
    with_triage = replicate(front_door(pharmacy=None), 1, seed=2)
    without = replicate(front_door(triage=None, pharmacy=None), 1, seed=2)
    asked = value(without, "visit", "ask_to_appointment_mean")[0]
    assert asked == value(without, "visit", "wait_mean")[0]
    gap = (
        value(with_triage, "visit", "ask_to_appointment_mean")[0]
        - value(with_triage, "visit", "wait_mean")[0]
    )
    triage_days = value(with_triage, "triage", "wait_mean")[0] / 24
    assert 0.5 * triage_days < gap < 1.5 * triage_days


def _with_and_without(change: dict) -> dict[str, LogView]:
    """Logs of 60 days on the same random streams, without ("same") and with a dated change."""
    changed = front_door(pharmacy=None, horizon="60 days")
    changed["changes"] = [change]
    return {
        name: LogView(simulate(validate_document(document), 0, seed=4).log)
        for name, document in (
            ("same", front_door(pharmacy=None, horizon="60 days")),
            ("changed", changed),
        )
    }


def test_channels_and_total_triage_change_on_their_day():
    """From day 30 every request comes online and no practice triages: before it, the same run
    as without the change; after it, no other channel and no triage."""
    views = _with_and_without(
        {"at": "30 days", "channels": {"online": 1.0}, "total_triage_practices": []}
    )
    day_30 = 30 * 24

    def times(view, group, event=None):
        return view.time[view.rows(Kind.MILESTONE if event else Kind.QUEUE, group, event=event)]

    for channel in CHANNELS:
        before = {n: times(v, "front_door", f"asked_by_{channel}") for n, v in views.items()}
        assert np.array_equal(
            before["same"][before["same"] < day_30], before["changed"][before["changed"] < day_30]
        )
        after = before["changed"][before["changed"] >= day_30]
        assert (len(after) > 1000) if channel == "online" else (len(after) == 0)
    triaged = times(views["changed"], "triage")
    assert len(triaged[triaged < day_30]) > 500 and len(triaged[triaged >= day_30]) == 0


def test_a_dated_change_of_triage_needs_total_triage_and_known_practices():
    document = front_door(triage=None, pharmacy=None)
    document["changes"] = [{"at": "10 days", "total_triage_practices": ["only"]}]
    needs = "changes[0].total_triage_practices: needs general_practice.front_door.total_triage"
    with pytest.raises(ConfigError, match=re.escape(needs)):
        validate_document(document)
    document = front_door(pharmacy=None)
    document["changes"] = [{"at": "10 days", "total_triage_practices": ["elsewhere"]}]
    with pytest.raises(ConfigError, match="unknown practice 'elsewhere'"):
        validate_document(document)


def test_what_triage_decides_changes_on_its_day():
    """From day 30 triage sends every request to a pharmacy: before it, the same decisions as
    without the change; after it, no one triaged is booked at the practice."""
    views = _with_and_without(
        {"at": "30 days", "triage_decides": {"visit": {"community_pharmacy": 1.0}}}
    )
    day_30 = 30 * 24

    def decided(view, to):
        return view.time[view.rows(Kind.MILESTONE, "triage", event=f"triaged_to_{to}")]

    for to in ("visit", "community_pharmacy", "self_care"):
        same, new = decided(views["same"], to), decided(views["changed"], to)
        assert np.array_equal(same[same < day_30], new[new < day_30])
        assert len(same[same >= day_30]) > 50
        after = new[new >= day_30]
        assert (len(after) > 500) if to == "community_pharmacy" else (len(after) == 0)


def test_a_dated_change_of_triage_decisions_names_what_exists():
    document = front_door(triage=None, pharmacy=None)
    document["changes"] = [{"at": "10 days", "triage_decides": {"visit": {"self_care": 1.0}}}]
    needs = "changes[0].triage_decides: needs general_practice.front_door.total_triage"
    with pytest.raises(ConfigError, match=re.escape(needs)):
        validate_document(document)
    for decides, message in (
        ({"visiting": {"self_care": 1.0}}, "changes[0].triage_decides.visiting: 'visiting' is not"),
        ({"visit": {"the_moon": 1.0}}, "changes[0].triage_decides.visit.the_moon: 'the_moon' is"),
        ({"visit": {"visit": {"hca": 1.0}}}, "changes[0].triage_decides.visit.visit.hca: role"),
        ({"visit": {"self_care": 0.5}}, "changes[0].triage_decides.visit: shares must sum to 1"),
    ):
        document = front_door(pharmacy=None)
        document["changes"] = [{"at": "10 days", "triage_decides": decides}]
        with pytest.raises(ConfigError, match=re.escape(message)):
            validate_document(document)
