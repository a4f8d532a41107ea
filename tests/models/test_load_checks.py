"""``caresim validate`` warns, in one line naming the key, when a pool's offered load meets its
capacity, and when capacity is far out of proportion to the population."""

from __future__ import annotations

import pytest

from caresim.config.files import load_config
from caresim.models.load_checks import load_warnings
from tests.conftest import ROOT

MM3 = ROOT / "configs/validation/mm3.yaml"  # 2.7 an hour, three clinicians of an hour each
BASELINE = ROOT / "configs/pcn_baseline.yaml"


def warnings(path, *overrides):
    return load_warnings(load_config(path, list(overrides)).config)


def test_a_queue_below_capacity_gets_no_warning():
    assert warnings(MM3) == []


def test_a_queue_at_or_over_capacity_is_unstable(cli):
    (line,) = warnings(MM3, "arrivals.patients.rate=3 per hour")
    assert line.startswith("staff.clinicians.headcount: offered load 3 meets or exceeds")
    assert "an unstable system: queues grow without bound" in line
    code, out, err = cli("validate", MM3, "--set", "arrivals.patients.rate=3.2 per hour")
    assert code == 0 and "valid" in out
    assert err.strip().splitlines() == [
        f"caresim: warning: {MM3}: staff.clinicians.headcount: offered load 3.2 meets or exceeds "
        "its capacity 3 on average: an unstable system: queues grow without bound"
    ]


def test_demand_scale_counts_in_the_offered_load():
    (line,) = warnings(MM3, "demand.scale=1.2")
    assert "offered load 3.24" in line


def test_staff_capacity_is_their_patient_facing_time_on_duty(write_config):
    path = write_config(
        """\
        name: clinic
        run: {horizon: 100 hours}
        rotas: {days: {every_day: "08:00-20:00"}}
        staff:
          nurses: {headcount: 4, rota: days, patient_facing: 0.75}
        services:
          triage: {uses: nurses, duration: {distribution: fixed, value: 30 min}, next: {exit: 0.5, review: 0.5}}
          review: {uses: nurses, duration: {distribution: fixed, value: 1 hour}}
        arrivals:
          walk_ins: {rate: 1.6 per hour, to: triage}
        """
    )
    # 4 x 0.75 x 12/24 = 1.5 on average; 1.6 x 0.5 h + 0.8 routed on x 1 h = 1.6 offered
    (line,) = warnings(path)
    assert line.startswith("staff.nurses.headcount: offered load 1.6 ")
    assert "capacity 1.5" in line
    assert warnings(path, "arrivals.walk_ins.rate=1.4 per hour") == []


def test_patients_who_give_up_make_an_overload_not_an_unbounded_queue():
    (line,) = warnings(
        MM3,
        "arrivals.patients.rate=4 per hour",
        "services.clinic.patience={distribution: exponential, mean: 1 hour}",
    )
    assert "overloaded: the excess gives up or is turned away" in line


def test_too_few_acute_beds_for_the_admissions():
    found = warnings(
        BASELINE,
        "beds.acute.capacity=30",
        "starting_state.hospital={occupied_beds: 20, medically_fit: {}}",  # fits in 30 beds
    )
    acute = [w for w in found if w.startswith("beds.acute.capacity: offered load at least")]
    assert len(acute) == 1 and "unstable" in acute[0]
    assert not any(w.startswith("beds.acute") for w in warnings(BASELINE))


def test_acute_beds_are_held_by_the_admitted_mix_and_after_medically_fit():
    # The frail are 4% of the list but a sixth of admissions, and stay longest; an overnight
    # stay then keeps its bed through the process delay, assessment and arranging what it
    # needs. Counted with the list's mix and no time after medically fit, 55 beds looked
    # enough for the admissions (an offered load of 46).
    few = "starting_state.hospital={occupied_beds: 40, medically_fit: {}}"
    acute = [w for w in warnings(BASELINE, "beds.acute.capacity=55", few) if "beds.acute" in w]
    assert len(acute) == 1 and "offered load at least 61.7" in acute[0]
    assert not any("beds.acute" in w for w in warnings(BASELINE, "beds.acute.capacity=62", few))


def test_ring_fenced_step_up_places_count_with_the_places_they_open_onto():
    # Step-up patients take a ring-fenced place first and then one of the others; patients from
    # hospital take only the others. The baseline's beds fit both (18.2 against 11 + 9).
    assert not any("ic_" in w for w in warnings(BASELINE))
    empty = "starting_state.intermediate_care={home_based: 0, bed_based: 0, assessment_beds: 0}"
    (both,) = [
        w for w in warnings(BASELINE, "beds.ic_step_up_beds.capacity=5", empty) if "ic_" in w
    ]
    assert both.startswith(
        "beds.ic_step_up_beds.capacity: offered load at least 18.2 on these places and "
        "beds.ic_beds.capacity meets or exceeds their capacity 16 together"
    )
    assert both.endswith("overloaded: the excess gives up or is turned away rather than queueing")
    found = [w for w in warnings(BASELINE, "beds.ic_beds.capacity=5", empty) if "ic_" in w]
    hospital = [w for w in found if w.startswith("beds.ic_beds.capacity: offered load at least")]
    assert len(hospital) == 1 and "an unstable system" in hospital[0]  # they wait in hospital
    assert len(found) == 2  # and the two together are short of places too


def test_capacity_far_out_of_proportion_to_the_population():
    found = warnings(BASELINE, "beds.acute.capacity=800")
    assert any(
        w.startswith("beds.acute.capacity: 800 for 50,000 patients is 9.8 times the national")
        for w in found
    ), found
    lists = [
        f"population.practices.{p}.registered=200"
        for p in ("riverside", "hillside", "millbrook", "castlegate", "oakfield")
    ]
    found = warnings(BASELINE, *lists)
    assert any(w.startswith("staff (role gp): 22 for 1,000 patients") for w in found), found


@pytest.mark.parametrize("path", sorted((ROOT / "configs").rglob("*.yaml")))
def test_every_shipped_config_warns_in_lines_naming_a_key(path):
    for line in warnings(path):
        assert line.split(":")[0].startswith(("staff", "beds", "general_practice")), line


def test_more_referrals_from_home_than_packages_can_take_is_an_overload():
    """4.2 per 1,000 a year for 50,000 patients, ~180 days each: ~104 packages held from home."""
    assert not any(w.startswith("beds.home_care_packages") for w in warnings(BASELINE))
    (line,) = [
        w
        for w in warnings(
            BASELINE,
            "beds.home_care_packages.capacity=100",
            "starting_state.social_care={home_care: 90, care_home: 154}",
        )
        if w.startswith("beds.home_care_packages")
    ]
    assert "offered load at least 104 " in line and "overloaded: the excess gives up" in line


WHOLE = ROOT / "configs/teaching/whole_system.yaml"


def test_values_that_cannot_change_the_run_are_warned_of():
    quiet = set(warnings(WHOLE))
    said = set(
        warnings(
            WHOLE,
            "staff.community_pharmacist.scope=southside",
            "general_practice.supervision.per_clinician_day.paramedic=8 hours",
        )
    )
    assert sorted(said - quiet) == [
        "general_practice.supervision.per_clinician_day.paramedic: has no effect: no staff "
        "pool has role 'paramedic'",
        "staff.community_pharmacist.scope: 'southside' has no effect: scope limits the "
        "patients of pools that book appointments in general_practice, and role "
        "'community_pharmacist' books none",
    ]
    booking_scope = warnings(WHOLE, "staff.northside_gp.scope=southside")
    assert not [w for w in booking_scope if "no effect" in w]


def test_starters_who_cannot_join_within_the_run_are_warned_of():
    lag = "{in_post: 2, starters_per_year: 5, training_lag: 2 years}"
    (line,) = [
        w for w in warnings(BASELINE, f"staff.riverside_gp.workforce={lag}") if "training_lag" in w
    ]
    assert line.startswith("staff.riverside_gp.workforce.training_lag: 730 days is as long")
    assert not [
        w
        for w in warnings(
            BASELINE, f"staff.riverside_gp.workforce={lag.replace('2 years', '30 days')}"
        )
        if "training_lag" in w
    ]


def test_visits_due_when_none_of_their_staff_is_on_duty_are_warned_of():
    late = 'district_nursing.visit_kinds.insulin.windows=["21:00-22:00"]'
    (line,) = [w for w in warnings(WHOLE, late) if "on duty" in w]
    assert line == (
        "district_nursing.visit_kinds.insulin.windows: no staff of its roles "
        "('community_staff_nurse', 'district_nurse') is on duty in any of these windows on any "
        "day: every such visit will be late"
    )
    evening = 'district_nursing.visit_kinds.insulin.windows=["16:00-22:00"]'  # overlaps the day
    assert not [w for w in warnings(WHOLE, evening) if "on duty" in w]


def test_a_dated_change_within_the_warm_up_is_warned_of():
    early = "changes=[{at: 14 days, beds: {ic_beds: 14}}, {at: 100 days, beds: {ic_beds: 15}}]"
    found = [w for w in warnings(BASELINE, early) if w.startswith("changes")]
    assert found == [
        "changes[0].at: 14 days is within the warm-up (run.warm_up: 56 days): the measures see "
        "only the time after it, so the change is not measured before and after"
    ]
