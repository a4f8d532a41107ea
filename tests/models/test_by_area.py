"""A place served by area: several acute trusts, or several providers of intermediate care, each
taking the patients of the practices it serves."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from caresim.config.files import ConfigError, validate_document
from caresim.models.measures import measure
from caresim.models.model import CareSystemModel
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind

#: Two towns, each with its trust: the north's beds are few for its demand, the south's ample.
TWO_TRUSTS = {
    "name": "two_trusts",
    "run": {"horizon": "200 days", "seed": 5},
    "population": {
        "practices": {"north": {"registered": 20000}, "south": {"registered": 20000}},
    },
    "beds": {"north_acute": {"capacity": 9}, "south_acute": {"capacity": 30}},
    "hospital": {
        "trusts": {
            "north_trust": {"beds": "north_acute", "serves": ["north"]},
            "south_trust": {"beds": "south_acute", "serves": ["south"]},
        },
        "presentations": {"rate": {"everyone": "0.2 per year"}},
        "acuity": {"high": 1.0},
        "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
        "length_of_stay": {"everyone": {"distribution": "exponential", "mean": "1 day"}},
        "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
    },
}


def test_each_admission_takes_a_bed_of_the_trust_serving_its_practice():
    result = CareSystemModel(validate_document(TWO_TRUSTS)).run()
    view = LogView(result.log)
    practices = np.array(result.log.attribute_values["practice"], dtype=object)
    practice = practices[view.attribute("practice")]
    for pool, town in (("north_acute", "north"), ("south_acute", "south")):
        started = view.rows(Kind.START, "admission", pool=pool)
        assert len(started) > 500
        assert set(practice[view.entity[started]]) == {town}


def test_a_trust_short_of_beds_makes_only_its_own_patients_wait():
    """Offered load about 11 beds in each town: the north's 9 are always full and its patients
    wait days in ED, the south's 30 have room; pooled, the 39 beds would serve both at once."""
    result = CareSystemModel(validate_document(TWO_TRUSTS)).run()
    values = {(r.setting, r.group, r.measure): r.value for r in measure(result)}
    assert values[("hospital", "north_acute", "utilisation")] > 0.95
    assert values[("hospital", "south_acute", "utilisation")] < 0.5
    view = LogView(result.log)
    waits = {}
    for pool in ("north_acute", "south_acute"):
        started = view.rows(Kind.START, "admission", pool=pool)
        waits[pool] = float(np.mean(view.time[started] - view.time[view.ref[started]]))
    assert waits["north_acute"] > 24 and waits["south_acute"] < 0.1
    for pool, wait in waits.items():  # the measure of each trust is the same wait
        assert values[("hospital", pool, "admission_wait_mean")] == pytest.approx(wait)
    assert values[("hospital", "north_acute", "waited_over_4_hours_share")] > 0.9
    pooled = copy.deepcopy(TWO_TRUSTS)
    pooled["beds"] = {"acute": {"capacity": 39}}
    del pooled["hospital"]["trusts"]
    pooled["hospital"]["beds"] = "acute"
    both = {
        (r.setting, r.group, r.measure): r.value
        for r in measure(CareSystemModel(validate_document(pooled)).run())
    }
    assert both[("hospital", "admission", "wait_mean")] < 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"serves": ["north", "east"]},
            "hospital.trusts.north_trust.serves: unknown practice 'east'",
        ),
        (
            {"serves": ["north", "south"]},
            "practice 'south' is already served by trust 'north_trust'",
        ),
        ({"serves": []}, "hospital.trusts.north_trust.serves"),
    ],
)
def test_a_practice_unknown_or_served_twice_is_one_line(change, expected):
    document = copy.deepcopy(TWO_TRUSTS)
    document["hospital"]["trusts"]["north_trust"].update(change)
    with pytest.raises(ConfigError, match="two_trusts|<config>") as error:
        validate_document(document)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_a_practice_no_trust_serves_is_named():
    document = copy.deepcopy(TWO_TRUSTS)
    document["population"]["practices"]["west"] = {"registered": 5000}
    with pytest.raises(ConfigError, match="no trust serves practice.*'west'"):
        validate_document(document)


def test_beds_and_trusts_together_are_refused():
    document = copy.deepcopy(TWO_TRUSTS)
    document["hospital"]["beds"] = "north_acute"
    with pytest.raises(ConfigError, match="either beds .* or trusts"):
        validate_document(document)


def test_the_starting_state_may_not_exceed_the_trusts_beds_together():
    document = copy.deepcopy(TWO_TRUSTS)
    document["starting_state"] = {"hospital": {"occupied_beds": 40}}
    with pytest.raises(ConfigError, match="40 patients in acute beds.*north_acute has 9"):
        validate_document(document)


def _ic_document() -> dict:
    """Step-up referrals from the community straight to home-based intermediate care, by town."""
    return {
        "name": "two_providers",
        "run": {"horizon": "200 days", "seed": 9},
        "population": {
            "practices": {"north": {"registered": 20000}, "south": {"registered": 20000}},
        },
        "beds": {
            "acute": {"capacity": 200},
            "north_places": {"capacity": 3},
            "north_step_up": {"capacity": 1},
            "south_places": {"capacity": 30},
        },
        "intermediate_care": {
            "home_based": {
                "providers": {
                    "north_team": {
                        "uses": "north_places",
                        "step_up_uses": "north_step_up",
                        "serves": ["north"],
                    },
                    "south_team": {"uses": "south_places", "serves": ["south"]},
                },
                "length_of_stay": {"distribution": "exponential", "mean": "10 days"},
            },
        },
        "hospital": {
            "beds": "acute",
            "presentations": {"rate": {"everyone": "0.2 per year"}},
            "acuity": {"high": 1.0},
            "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
            "length_of_stay": {"everyone": {"distribution": "exponential", "mean": "2 days"}},
            "discharge_pathways": {"everyone": {"pathway_0": 0.8, "pathway_1": 0.2}},
        },
    }


def test_each_patient_leaving_hospital_takes_a_place_of_the_provider_serving_their_practice():
    """About 9 places held in each town (800 a year, 10 days each): the north's 3 (and its one
    ring-fenced for step-up, which no one from hospital takes) keep its patients waiting in
    their acute beds; the south's 30 have room."""
    result = CareSystemModel(validate_document(_ic_document())).run()
    view = LogView(result.log)
    practices = np.array(result.log.attribute_values["practice"], dtype=object)
    practice = practices[view.attribute("practice")]
    for pool, town in (("north_places", "north"), ("south_places", "south")):
        started = view.rows(Kind.START, "home_based_step_down", pool=pool)
        assert len(started) > 30
        assert set(practice[view.entity[started]]) == {town}
    assert len(view.rows(Kind.START, pool="north_step_up")) == 0
    values = {(r.setting, r.group, r.measure): r.value for r in measure(result)}
    assert values[("intermediate_care", "north_places", "utilisation")] > 0.95
    assert values[("intermediate_care", "south_places", "utilisation")] < 0.5
    waits = {}
    for pool in ("north_places", "south_places"):
        started = view.rows(Kind.START, "home_based_step_down", pool=pool)
        waits[pool] = float(np.mean(view.time[started] - view.time[view.ref[started]]))
    assert waits["north_places"] > 24 * 5 and waits["south_places"] < 1


def test_a_practice_no_provider_serves_is_named():
    document = _ic_document()
    document["intermediate_care"]["home_based"]["providers"]["south_team"]["serves"] = ["north"]
    with pytest.raises(ConfigError, match="already served by provider 'north_team'"):
        validate_document(document)
    document["intermediate_care"]["home_based"]["providers"]["south_team"]["serves"] = ["east"]
    with pytest.raises(ConfigError, match="unknown practice 'east'"):
        validate_document(document)


def test_uses_and_providers_together_are_refused():
    document = _ic_document()
    document["intermediate_care"]["home_based"]["uses"] = "south_places"
    with pytest.raises(ConfigError, match="either uses .* or providers"):
        validate_document(document)


def _teams_document() -> dict:
    """Two towns, each with its community nursing team: the north's one nurse, the south's four,
    for the same demand (about 2.7 visits an hour from each town, 30 minutes each)."""
    fixed = lambda value: {"distribution": "fixed", "value": value}  # noqa: E731
    return {
        "name": "two_teams",
        "run": {"horizon": "20 days", "seed": 4},
        "population": {
            "practices": {"north": {"registered": 10000}, "south": {"registered": 10000}},
        },
        "staff": {
            "north_nurse": {"role": "district_nurse", "headcount": 1},
            "south_nurses": {"role": "district_nurse", "headcount": 4},
        },
        "district_nursing": {
            "referrals": {"everyone": "2.4 per year"},
            "episode": {
                "visits": {"distribution": "fixed", "value": 1},
                "interval": fixed("1 hour"),
                "first_visit_after": fixed("0 days"),
            },
            "visit_kinds": {
                "any": {"share": 1.0, "roles": {"district_nurse": {"duration": fixed("30 min")}}}
            },
            "teams": {
                "north_team": {"staff": ["north_nurse"], "serves": ["north"]},
                "south_team": {"staff": ["south_nurses"], "serves": ["south"]},
            },
        },
    }


def test_each_team_visits_only_the_patients_of_the_practices_it_serves():
    """The north's nurse, offered more than an hour of visits an hour, falls ever further behind
    while the south's four keep up: pooled, the five would."""
    result = CareSystemModel(validate_document(_teams_document())).run()
    view = LogView(result.log)
    practices = np.array(result.log.attribute_values["practice"], dtype=object)
    practice = practices[view.attribute("practice")]
    waits = {}
    for pool, town in (("north_nurse", "north"), ("south_nurses", "south")):
        started = view.rows(Kind.START, "any_visit", pool=pool)
        assert len(started) > 300
        assert set(practice[view.entity[started]]) == {town}
        waits[pool] = float(np.mean(view.time[started] - view.time[view.ref[started]]))
    assert waits["north_nurse"] > 24 and waits["south_nurses"] < 1
    pooled = _teams_document()
    del pooled["district_nursing"]["teams"]
    view = LogView(CareSystemModel(validate_document(pooled)).run().log)
    started = view.rows(Kind.START, "any_visit")
    assert float(np.mean(view.time[started] - view.time[view.ref[started]])) < 1


@pytest.mark.parametrize(
    ("teams", "needle"),
    [
        (
            {"north_team": {"staff": ["north_nurse"], "serves": ["north", "south"]}},
            "staff pool(s) 'south_nurses' make district nursing visits but are in no team",
        ),
        (
            {
                "north_team": {"staff": ["north_nurse"], "serves": ["north"]},
                "south_team": {"staff": ["north_nurse", "south_nurses"], "serves": ["south"]},
            },
            "'north_nurse' is already in team 'north_team'",
        ),
        (
            {
                "north_team": {"staff": ["north_nurse", "south_nurses"], "serves": ["north"]},
            },
            "no team serves practice(s) 'south'",
        ),
    ],
)
def test_a_team_that_leaves_staff_or_practices_out_is_one_line(teams, needle):
    document = _teams_document()
    document["district_nursing"]["teams"] = teams
    with pytest.raises(ConfigError) as error:
        validate_document(document)
    assert needle in str(error.value) and "\n" not in str(error.value)


def test_staff_of_a_network_see_the_patients_of_its_practices_alone():
    """Two networks: the west's pharmacists, scoped to it, see patients of its two practices
    only; the east's practice has its own. With a starting state, the appointments already booked
    with the west's pharmacists are of the west's patients too."""
    from caresim.models.model import simulate
    from tests.models.test_general_practice import FIXED, practice

    staff = {
        "west_pharmacists": {
            "role": "clinical_pharmacist",
            "headcount": 2,
            "rota": "surgery",
            "scope": "west",
        },
        "east_pharmacist": {
            "role": "clinical_pharmacist",
            "headcount": 1,
            "rota": "surgery",
            "scope": "east_town",
        },
    }
    document = practice(
        {
            "roles": {"clinical_pharmacist": FIXED(10)},
            "book_within": "5 days",
            "patience": "5 days",
        },
        staff=staff,
        practices={
            "a": {"registered": 6000},
            "b": {"registered": 6000},
            "east_town": {"registered": 6000},
        },
    )
    document["population"]["networks"] = {"west": ["a", "b"]}
    document["general_practice"]["handback_role"] = "clinical_pharmacist"
    document["starting_state"] = {"general_practice": {"booked_ahead": 0.5, "over": "7 days"}}
    document["run"]["horizon"] = "40 days"
    result = simulate(validate_document(document), 0, seed=3)
    view = LogView(result.log)
    practices = np.array(result.log.attribute_values["practice"], dtype=object)
    practice_of = practices[view.attribute("practice")]
    for pool, towns in (("west_pharmacists", {"a", "b"}), ("east_pharmacist", {"east_town"})):
        seen = view.rows(Kind.START, pool=pool)
        assert len(seen) > 200
        assert set(practice_of[view.entity[seen]]) == towns


def test_a_network_of_unknown_practices_or_a_scope_of_none_is_one_line():
    from tests.models.test_general_practice import FIXED, practice

    document = practice({"roles": {"gp": FIXED(10)}}, practices={"a": {"registered": 100}})
    document["population"]["networks"] = {"west": ["a", "z"]}
    with pytest.raises(ConfigError, match="population.networks.west: unknown practice 'z'"):
        validate_document(document)
    document["population"]["networks"] = {"west": ["a"]}
    document["staff"]["gp"]["scope"] = "east"
    with pytest.raises(ConfigError, match="staff.gp.scope: unknown practice or network 'east'"):
        validate_document(document)
