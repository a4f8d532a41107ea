"""Mistakes in the care sections are named by key path, with what was expected."""

import pytest

from tests.caresim.test_bad_input import check_one_line_error
from tests.conftest import ROOT

SMALL = ROOT / "configs/teaching/whole_system.yaml"


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        (
            "staff.northside_gp.scope=elsewhere",
            ["staff.northside_gp.scope", "unknown practice or network 'elsewhere'", "'northside'"],
        ),
        (
            "general_practice.activities.same_day.roles.physio={duration: {distribution: fixed, value: 10 min}}",
            ["general_practice", "physio", "slot_length"],
        ),
        (
            "hospital.discharge_pathways.general.pathway_9=0.1",
            ["hospital.discharge_pathways.general", "pathway_9"],
        ),
        (
            "general_practice.activities.same_day.outcomes={home: 0.5, hospital_admission: 0.6}",
            ["general_practice.activities.same_day.outcomes", "sum to 1", "1.1"],
        ),
        (
            "intermediate_care.bed_based.uses=acute",
            ["intermediate_care.bed_based.uses", "already used"],
        ),
        ("hospital.beds=wards", ["hospital.beds", "unknown bed pool 'wards'"]),
        ("population.cohorts.general=0.9", ["population.cohorts", "sum to 1"]),
        (
            "district_nursing.visit_kinds.simple.roles={podiatrist: {duration: {distribution: fixed, value: 30 min}}}",
            [
                "district_nursing.visit_kinds.simple.roles.podiatrist",
                "no staff pool has role 'podiatrist'",
            ],
        ),
        (
            "general_practice.activities.routine.rate.students=2 per year",
            ["general_practice.activities.routine.rate.students", "unknown cohort"],
        ),
        (
            "district_nursing.visit_kinds.simple.windows=[9am-5pm]",
            ["district_nursing.visit_kinds.simple.windows", "HH:MM-HH:MM"],
        ),
        (
            "hospital.admission_avoidance.acuity=[urgent]",
            ["hospital.admission_avoidance.acuity", "'high', 'medium' or 'low'"],
        ),
        (
            "general_practice.front_door.channels={phone: 0.5, online: 0.4}",
            ["general_practice.front_door.channels", "sum to 1"],
        ),
        (
            "general_practice.front_door.total_triage={time: {phone: 25 min}, decides: {same_day: {same_day: 1}}}",
            ["general_practice.front_door.total_triage.time.phone", "fit in one gp slot"],
        ),
        (
            "general_practice.front_door.total_triage={time: {phone: 4 min}, decides: {same_day: {visit: 1}}}",
            ["total_triage.decides.same_day.visit", "neither an activity nor a place"],
        ),
        (
            "general_practice.front_door.total_triage={time: {phone: 4 min}, decides: {same_day: {same_day: {physio: 1}}}}",
            ["total_triage.decides.same_day.same_day.physio", "role 'physio' does not do"],
        ),
        (
            "general_practice.front_door.total_triage={time: {phone: 4 min}, practices: [eastside], decides: {same_day: {same_day: 1}}}",
            ["total_triage.practices", "unknown practice 'eastside'"],
        ),
        (
            "general_practice.pharmacy_first.uses=northside_gp",
            ["general_practice.pharmacy_first.uses", "books general practice appointments"],
        ),
        (
            "general_practice.pharmacy_first.returns.activity=walk_in",
            ["general_practice.pharmacy_first.returns.activity", "'walk_in' is not an activity"],
        ),
        (
            "changes=[{at: 120 days, staff: {northside_gp: 4}}]",
            ["changes[0].staff.northside_gp", "expected at most 3, the pool's headcount; got 4"],
        ),
        (
            "changes=[{at: 120 days, staff: {locum_gp: 1}}]",
            ["changes[0].staff.locum_gp", "unknown staff pool 'locum_gp'", "'northside_gp'"],
        ),
        (
            "changes=[{at: 120 days}]",
            [
                "changes[0]",
                "expected beds, staff, allocation, admission_avoidance_share, channels, total_triage_practices, triage_decides, discharge_pathways or discharge_needs",
            ],
        ),
        (
            "staff.northside_gp.workforce={in_post: 4}",
            ["staff.northside_gp.workforce.in_post", "expected at most 3, the pool's headcount"],
        ),
        (
            "staff.northside_gp.workforce={leavers_per_year: -0.1}",
            ["staff.northside_gp.workforce.leavers_per_year", "at least 0"],
        ),
        (
            "staff.northside_gp.workforce={starters_per_year: 1, training_lag: 3}",
            ["staff.northside_gp.workforce.training_lag", "with a unit"],
        ),
        (
            "staff.northside_gp.workforce={in_training: 1}",
            ["staff.northside_gp.workforce", "in_training needs a training_lag"],
        ),
        (
            "staff.northside_gp={role: gp, headcount: 3, rota: core_hours, scope: northside,"
            " absence: {vacancy: 0.1}, workforce: {in_post: 2}}",
            ["staff.northside_gp.absence.vacancy", "vacant posts come from workforce.in_post"],
        ),
    ],
)
def test_a_care_config_mistake_is_named(cli, override, needles):
    check_one_line_error(*cli("validate", SMALL, "--set", override), *needles)


def test_a_destination_needs_its_setting(cli, write_config):
    path = write_config(
        f"extends: {SMALL}\nname: no_hospital\nhospital: null\nstarting_state: !replace {{}}\n"
        "beds: !replace {ic_home_places: {capacity: 3}, ic_beds: {capacity: 2}, d2a_beds: {capacity: 2}}\n"
        "costs: null\n"
    )
    line = check_one_line_error(*cli("validate", path))
    assert "sends patients to" in line
    assert line.endswith("but there is no 'hospital' section")


ROSTERED_HCA = "staff.dn_hca={role: community_hca, headcount: 1, roster: [{rota: community_day, headcount: 1}]}"


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        (
            "changes=[{at: 120 days, staff: {dn_hca: 0}}]",
            ["changes[0].staff.dn_hca", "has a roster", "pools on one rota"],
        ),
        (
            "staff.dn_hca.workforce={leavers_per_year: 0.1}",
            ["staff.dn_hca.workforce", "has a roster", "pools on one rota"],
        ),
    ],
)
def test_a_rostered_pool_takes_no_staff_changes_or_workforce(cli, override, needles):
    check_one_line_error(
        *cli("validate", SMALL, "--set", ROSTERED_HCA, "--set", override), *needles
    )
