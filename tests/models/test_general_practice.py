"""General practice booking: who takes a request, hand-backs, missed appointments, giving up."""

import math

import numpy as np
import pytest

from caresim.config.files import validate_document
from caresim.models.model import simulate
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import interval, replicate

FIXED = lambda minutes: {"duration": {"distribution": "fixed", "value": f"{minutes} min"}}  # noqa: E731


def practice(activity: dict, staff: dict | None = None, practices=None, **general) -> dict:
    """One activity in practices open 08:00-18:00 on weekdays, with plenty of slots by default."""
    staff = staff or {
        "gp": {"headcount": 6, "rota": "surgery", "scope": "network"},
        "nurse": {"role": "practice_nurse", "headcount": 6, "rota": "surgery"},
        "pharmacist": {"role": "clinical_pharmacist", "headcount": 6, "rota": "surgery"},
    }
    base_activity = {
        "rate": {"everyone": "2 per year"},
        "book_within": "0 days",
        "target": "0 days",
        "patience": "0 days",
    }
    return {
        "name": "practice",
        "run": {"horizon": "120 days", "warm_up": "7 days", "replications": 1},
        "population": {"practices": practices or {"only": {"registered": 20000}}},
        "rotas": {"surgery": {"mon-fri": "08:00-18:00"}},
        "profiles": {
            "office": {"weekday": [1, 1, 1, 1, 1, 0, 0], "hour": [0] * 8 + [1] * 8 + [0] * 8}
        },
        "staff": staff,
        "general_practice": {
            "slot_length": {spec.get("role", name): "10 min" for name, spec in staff.items()},
            "activities": {"visit": {**base_activity, "profile": "office", **activity}},
            **general,
        },
    }


def appointments_by_role(table):
    rows = table[table["measure"] == "appointments"]
    return rows.groupby("group")["value"].sum()


def test_shares_decide_who_sees_patients_when_everyone_has_slots():
    document = practice(
        {
            "roles": {
                "gp": FIXED(10),
                "practice_nurse": FIXED(10),
                "clinical_pharmacist": FIXED(10),
            },
            "allocation": {
                "shares": {"gp": 0.5, "practice_nurse": 0.3, "clinical_pharmacist": 0.2}
            },
        }
    )
    counts = appointments_by_role(replicate(document, 2, seed=1))
    total = counts.sum()
    for role, share in (("gp", 0.5), ("practice_nurse", 0.3), ("clinical_pharmacist", 0.2)):
        assert abs(counts[role] / total - share) <= 4 * math.sqrt(share * (1 - share) / total)


def test_a_preference_order_fills_the_first_role_before_the_next():
    document = practice(
        {
            "roles": {"gp": FIXED(10), "clinical_pharmacist": FIXED(10)},
            "allocation": {"preference": ["clinical_pharmacist", "gp"]},
        },
        staff={
            "gp": {"headcount": 3, "rota": "surgery"},
            "pharmacist": {"role": "clinical_pharmacist", "headcount": 1, "rota": "surgery"},
        },
    )
    table = replicate(document, 1, seed=2)
    counts = appointments_by_role(table)
    slot_use = table.query("group == 'clinical_pharmacist' and measure == 'slot_use'")[
        "value"
    ].iloc[0]
    assert slot_use > 0.9  # the preferred role is full...
    assert counts["gp"] > 0  # ...and the rest overflow to GPs


def test_hand_backs_and_missed_appointments_happen_at_their_rates():
    document = practice(
        {
            "roles": {"practice_nurse": {**FIXED(10), "hands_back": 0.2}, "gp": FIXED(10)},
            "allocation": {"preference": ["practice_nurse", "gp"]},
            "did_not_attend": 0.1,
        }
    )
    table = replicate(document, 2, seed=3)
    nurse = table.query("group == 'practice_nurse'")
    seen = nurse[nurse["measure"] == "appointments"]["value"].sum()
    handed = nurse[nurse["measure"] == "handbacks"]["value"].sum()
    assert abs(handed / seen - 0.2) <= 4 * math.sqrt(0.2 * 0.8 / seen)
    visits = table.query("group == 'visit'")
    asked = visits[visits["measure"] == "arrivals"]["value"].sum()
    missed = visits[visits["measure"] == "did_not_attend"]["value"].sum()
    assert abs(missed / asked - 0.1) <= 4 * math.sqrt(0.1 * 0.9 / asked)
    # A hand-back is a GP appointment for the same activity: with nurses' slots to spare, GPs see
    # only the patients handed back (less the hand-backs who then miss their appointment).
    by_gp = appointments_by_role(table)["gp"]
    assert abs(by_gp - 0.9 * handed) <= 4 * math.sqrt(0.1 * 0.9 * handed) + 0.02 * handed


def test_patients_with_no_slot_give_up_after_their_patience_and_go_where_they_said():
    document = practice(
        {
            "roles": {"gp": FIXED(10)},
            "book_within": "0 days",
            "patience": "2 days",
            "on_no_appointment": {"community_pharmacy": 0.25, "self_care": 0.75},
        },
        staff={"gp": {"headcount": 0, "rota": "surgery"}},
        retry_every="1 day",
    )
    config = validate_document(document)
    result = simulate(config, 0, 4)
    view = LogView(result.log)
    asked = view.rows(Kind.QUEUE, "visit")
    gave_up = view.closing(Kind.ABANDON, asked, "visit")
    waited = view.time[gave_up] - view.time[view.ref[gave_up]]
    # No slots ever: each tries today, tomorrow and the day after, then gives up.
    assert np.allclose(waited, 48.0)
    groups = view.log.label_array("group")[view.departures()[1]]
    departed = dict(zip(*np.unique(groups, return_counts=True), strict=True))
    pharmacy = departed.get("community_pharmacy", 0)
    total = pharmacy + departed.get("self_care", 0)
    assert total == len(gave_up)
    assert abs(pharmacy / total - 0.25) <= 4 * math.sqrt(0.25 * 0.75 / total)


def test_practice_staff_see_only_their_own_patients_and_network_staff_see_all():
    document = practice(
        {"roles": {"gp": FIXED(10)}},
        staff={
            "east_gp": {"role": "gp", "headcount": 2, "rota": "surgery", "scope": "east"},
            "west_gp": {"role": "gp", "headcount": 2, "rota": "surgery", "scope": "west"},
        },
        practices={"east": {"registered": 10000}, "west": {"registered": 10000}},
    )
    config = validate_document(document)
    result = simulate(config, 0, 5)
    view = LogView(result.log)
    practice_of = view.attribute("practice")
    names = view.log.attribute_values["practice"]
    for pool in ("east_gp", "west_gp"):
        seen = view.rows(Kind.START, pool=pool)
        assert {names[p] for p in practice_of[view.entity[seen]]} == {pool.removesuffix("_gp")}


def test_a_waiting_list_shortens_when_clinicians_are_added():
    tight = practice(
        {"roles": {"gp": FIXED(10)}, "book_within": "28 days", "patience": "28 days"},
        staff={"gp": {"headcount": 1, "rota": "surgery"}},
    )
    tight["general_practice"]["activities"]["visit"]["rate"] = {"everyone": "1.3 per year"}
    roomy = {**tight, "staff": {"gp": {"headcount": 2, "rota": "surgery"}}}
    _, _, high_roomy, _ = interval(replicate(roomy, 3, seed=6), "all", "wait_mean")
    low_tight = interval(replicate(tight, 3, seed=6), "all", "wait_mean")[1]
    assert high_roomy < low_tight


def slots_offered(table, role="gp"):
    rows = table.query(f"group == '{role}' and measure == 'slots_offered'")
    return rows["value"].sum()


def test_leave_and_sickness_take_their_share_of_a_clinicians_working_days():
    activity = {"roles": {"gp": FIXED(10)}}
    staff = {"gp": {"headcount": 6, "rota": "surgery"}}
    away = {"gp": {**staff["gp"], "absence": {"annual_leave": 0.15, "sickness": 0.05}}}
    full = slots_offered(replicate(practice(activity, staff), 1, seed=5))
    fewer = slots_offered(replicate(practice(activity, away), 1, seed=5))
    # Each of the 6 GPs' working days (of 60 ten-minute slots) is lost with chance 0.2.
    days = full / (6 * 60)
    assert abs(fewer / full - 0.8) <= 4 * math.sqrt(0.2 * 0.8 / (6 * days))


def test_supervision_comes_out_of_gp_patient_facing_time():
    from caresim.models.staffing import patient_facing_shares

    document = practice(
        {"roles": {"gp": FIXED(10), "practice_nurse": FIXED(10)}},
        supervision={"by": "gp", "per_clinician_day": {"practice_nurse": "30 min"}},
    )
    shares = patient_facing_shares(validate_document(document))
    # Six nurses need 3 hours of GP time a day, out of six GPs' 60 patient-facing hours.
    assert shares["gp"] == pytest.approx(1.0 - 3.0 / 60.0)
    assert shares["nurse"] == 1.0


def test_patients_who_return_for_the_same_problem_ask_again_later():
    def arrivals(returns):
        work = {**FIXED(10), "returns": returns} if returns else FIXED(10)
        table = replicate(practice({"roles": {"gp": work}}), 1, seed=6)
        return table.query("group == 'visit' and measure == 'arrivals'")["value"].sum()

    plain = arrivals(None)
    again = arrivals({"share": 0.2, "after": {"distribution": "fixed", "value": "7 days"}})
    assert again / plain == pytest.approx(1.0 / 0.8, rel=0.05)  # 1 + 0.2 + 0.04 + ...
