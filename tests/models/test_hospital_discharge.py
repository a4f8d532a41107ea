"""Leaving hospital: admission avoidance counted once, delays priced, discharges referred on."""

import numpy as np
import pytest

from caresim.config.files import load_config
from caresim.models.measures import measure
from caresim.models.model import CareSystemModel
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import ROOT

SMALL = ROOT / "configs/teaching/whole_system.yaml"


def run_small(*overrides, replication=0):
    config = load_config(SMALL, ["run.warm_up=0 days", "run.horizon=120 days", *overrides]).config
    model = CareSystemModel(config, replication)
    return model, model.run()


def values_of(result):
    return {(r.setting, r.group, r.measure): r.value for r in measure(result)}


def test_a_patient_whose_virtual_ward_care_fails_is_admitted_not_avoided_again():
    # Every virtual-ward stay ends in admission, with places to spare: the worst case.
    _, result = run_small(
        "hospital.admission_avoidance.share=1.0",
        "hospital.admission_avoidance.outcomes={hospital_admission: 1.0}",
        "beds.virtual_ward.capacity=20",
    )
    view = LogView(result.log)
    avoided_rows = view.rows(Kind.MILESTONE, "admission_avoidance")
    assert len(avoided_rows) > 20
    # An episode of hospital care ends when the patient goes to another setting; within one,
    # a patient is avoided at most once.
    settings = result.log.label_array("setting")[view.label]
    for entity in np.unique(view.entity[avoided_rows]):
        rows = np.flatnonzero(view.entity == entity)
        avoided_here = np.isin(rows, avoided_rows)
        episode = np.cumsum(settings[rows] != "hospital")
        counts = np.unique(episode[avoided_here], return_counts=True)[1]
        assert counts.max() == 1, f"patient {entity} avoided twice in one episode"
    # Each of them is admitted from the virtual ward once their stay there ends.
    from_ward = view.entity[
        view.rows(Kind.MILESTONE, "admissions", event="admitted_from_admission_avoidance")
    ]
    ward_ends = view.entity[view.rows(Kind.END, "urgent_community_response")]
    assert len(from_ward) == len(ward_ends) > 0
    assert set(from_ward) == set(ward_ends)


def _ward_at_start(occupied: int, seed: int) -> dict:
    """A ward with patients already in bed and no one arriving: only the starting state moves."""
    return {
        "name": "ward_at_start",
        "run": {"horizon": "200 days", "seed": seed},
        "beds": {"ward": {"capacity": occupied}},
        "hospital": {
            "beds": "ward",
            "acuity": {"high": 1.0},
            "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
            "length_of_stay": {
                "everyone": {"distribution": "lognormal", "mean": "6 days", "sd": "5 days"}
            },
            "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
        },
        "starting_state": {"hospital": {"occupied_beds": occupied}},
    }


def test_patients_in_bed_at_the_start_have_the_length_biased_residual_stay():
    from caresim.config.files import validate_document

    # A stay of mean 6 days, sd 5: the residual has mean E[S^2] / 2E[S] = (36 + 25) / 12 days,
    # not the 3 days of a uniform share of a fresh stay.
    expected = (6.0**2 + 5.0**2) / (2 * 6.0)
    means = []
    for seed in range(5):
        config = validate_document(_ward_at_start(2000, seed))
        result = CareSystemModel(config).run()
        view = LogView(result.log)
        fit = view.rows(Kind.MILESTONE, "pathway_0")
        assert len(fit) == 2000
        means.append(float(np.mean(view.time[fit])) / 24.0)
    from caresim.runs.stats import t_interval

    mean, low, high, _ = t_interval(np.array(means), 0.99)
    assert low <= expected <= high, (mean, low, high)
    assert low > 3.5


def test_the_price_of_a_delayed_bed_day_moves_the_total_cost_by_the_delayed_bed_days():
    _, cheap = run_small("costs.delayed_bed_day=346")
    _, dear = run_small("costs.delayed_bed_day=10000")
    before, after = values_of(cheap), values_of(dear)
    delayed = before[("hospital", "all", "delayed_discharge_bed_days")]
    assert delayed > 1.0
    change = after[("system", "all", "total_cost")] - before[("system", "all", "total_cost")]
    assert np.isclose(change, delayed * (10000 - 346), rtol=1e-9)
    # Each occupied acute or escalation bed-day is priced once: delayed at the delay rate, the
    # rest per bed-day (both 346 here); the delayed are those of each pool.
    pools = ("acute", "escalation")
    occupied = sum(before[("hospital", pool, "occupancy_mean")] for pool in pools) * 120
    priced = (
        sum(before[("hospital", pool, "bed_cost")] for pool in pools) / 346
        + before[("hospital", "all", "delay_cost")] / 346
    )
    assert np.isclose(priced, occupied, rtol=1e-9)
    by_pool = sum(before[("hospital", pool, "delayed_discharge_bed_days")] for pool in pools)
    assert np.isclose(by_pool, delayed, rtol=1e-9)


def test_patients_going_home_are_referred_to_district_nursing_at_the_configured_share():
    _, result = run_small(
        "hospital.referred_to_district_nursing=0.5", "hospital.process_delay.share=0"
    )
    view = LogView(result.log)
    home = view.rows(Kind.MILESTONE, "pathway_0")
    opened = view.rows(Kind.MILESTONE, "episodes", event="episode_opened")
    # An episode opened as the patient leaves the bed (no process delays here: at once).
    opened_at = set(zip(view.entity[opened].tolist(), view.time[opened].tolist(), strict=True))
    went_home = view.entity[home]
    referred = np.array(
        [
            (e, t) in opened_at
            for e, t in zip(went_home.tolist(), view.time[home].tolist(), strict=True)
        ]
    )
    assert len(home) > 200
    # About half of those going home have a district nursing episode afterwards.
    assert 0.4 < referred.mean() < 0.6
    # And those referred did not leave the system as they left the bed.
    departed, _, times = view.departures()
    departed_at = set(zip(departed.tolist(), times.tolist(), strict=True))
    referred_at = set(
        zip(went_home[referred].tolist(), view.time[home][referred].tolist(), strict=True)
    )
    assert not departed_at & referred_at


def test_delays_by_reason_add_up_to_the_delays_by_pathway():
    _, result = run_small(
        "hospital.process_delay={share: 0.3, duration: {distribution: exponential, mean: 1 day}}",
        "hospital.assessment={share: 0.5, duration: {distribution: exponential, mean: 2 days}}",
    )
    values = values_of(result)
    by_pathway = sum(
        values[("hospital", p, "delayed_discharge_bed_days")]
        for p in ("pathway_0", "pathway_1", "pathway_2", "pathway_3")
    )
    by_reason = {
        reason: values[("hospital", reason, "delayed_discharge_bed_days")]
        for reason in (
            "process",
            "assessment",
            "intermediate_care_bed",
            "home_based_intermediate_care",
            "home_care",
            "care_home",
        )
    }
    assert by_reason["process"] > 10 and by_reason["assessment"] > 5
    assert np.isclose(sum(by_reason.values()), by_pathway, rtol=1e-9)
    assert np.isclose(values[("hospital", "all", "delayed_discharge_bed_days")], by_pathway)
    assert 0 < values[("hospital", "all", "delayed_discharge_share")] < 1
    assert values[("hospital", "all", "fit_to_discharge_mean")] > 0


def test_the_clinical_stay_starts_when_the_bed_is_granted_not_on_arrival_in_ed():
    from caresim.config.files import validate_document

    document = {
        "name": "one_bed",
        "run": {"horizon": "120 days", "seed": 3},
        "population": {"practices": {"town": {"registered": 1000}}},
        "beds": {"ward": {"capacity": 1}},
        "hospital": {
            "beds": "ward",
            "presentations": {"rate": {"everyone": "0.2 per year"}},
            "acuity": {"high": 1.0},
            "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
            "length_of_stay": {"everyone": {"distribution": "fixed", "value": "2 days"}},
            "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
        },
    }
    result = CareSystemModel(validate_document(document)).run()
    view = LogView(result.log)
    fit = view.rows(Kind.MILESTONE, "pathway_0")
    bed_start = view.ref[fit]
    waited_from = view.ref[bed_start]  # the queue record: arrival in ED asking for a bed
    assert np.allclose(view.time[fit] - view.time[bed_start], 48.0)
    waited = view.time[bed_start] - view.time[waited_from] > 0
    assert waited.sum() > 10  # a busy single bed: many waited in ED first
    assert (view.time[fit][waited] - view.time[waited_from][waited] > 48.0).all()


def test_places_ring_fenced_for_step_up_are_never_given_to_patients_from_hospital():
    _, result = run_small()
    view = LogView(result.log)
    groups = result.log.label_array("group")[view.label]
    for pool, kind in (("ic_step_up_home_places", "home_based"), ("ic_step_up_beds", "bed_based")):
        started = view.rows(Kind.START, pool=pool)
        assert len(started) > 0
        assert set(groups[started]) == {f"{kind}_step_up"}
    # The shared places serve patients from hospital.
    shared = view.rows(Kind.START, pool="ic_home_places")
    assert "home_based_step_down" in set(groups[shared])


def test_waits_for_a_bed_over_4_and_12_hours_are_counted_from_arrival():
    """One bed, 2-day stays: many wait in ED; the counts match the waits in the event log."""
    from caresim.config.files import validate_document

    document = {
        "name": "one_bed",
        "run": {"horizon": "200 days", "warm_up": "10 days", "seed": 5},
        "population": {"practices": {"town": {"registered": 1000}}},
        "beds": {"ward": {"capacity": 1}},
        "hospital": {
            "beds": "ward",
            "presentations": {"rate": {"everyone": "0.08 per year"}},
            "acuity": {"high": 1.0},
            "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
            "length_of_stay": {"everyone": {"distribution": "fixed", "value": "2 days"}},
            "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
        },
    }
    result = CareSystemModel(validate_document(document)).run()
    values = values_of(result)
    view = LogView(result.log)
    asked = view.rows(Kind.QUEUE, "admission")
    asked = asked[view.time[asked] >= result.window.start]
    started = view.closing(Kind.START, asked, "admission")
    waits = view.time[started] - view.time[view.ref[started]]
    for hours in (4, 12):
        expected = int(np.count_nonzero(waits > hours))
        assert values[("hospital", "admission", f"waited_over_{hours}_hours")] == expected
        assert values[("hospital", "admission", f"waited_over_{hours}_hours_share")] == (
            expected / len(waits)
        )
    assert 0 < values[("hospital", "admission", "waited_over_12_hours")] < len(waits)


def test_escalation_beds_take_admissions_only_when_every_acute_bed_is_full():
    """Two acute beds and two escalation beds: escalation is used, never with an acute bed free."""
    from caresim.config.files import validate_document

    def document(escalation: bool) -> dict:
        doc = {
            "name": "escalation",
            "run": {"horizon": "300 days", "warm_up": "20 days", "seed": 4},
            "population": {"practices": {"town": {"registered": 1000}}},
            "beds": {"ward": {"capacity": 2}},
            "hospital": {
                "beds": "ward",
                "presentations": {"rate": {"everyone": "0.25 per year"}},
                "acuity": {"high": 1.0},
                "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
                "length_of_stay": {"everyone": {"distribution": "exponential", "mean": "2 days"}},
                "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
            },
        }
        if escalation:
            doc["beds"]["surge"] = {"capacity": 2}
            doc["hospital"]["escalation_beds"] = "surge"
        return doc

    with_surge = CareSystemModel(validate_document(document(True))).run()
    view = LogView(with_surge.log)
    surge_starts = view.rows(Kind.START, "admission", pool="surge")
    assert len(surge_starts) > 20
    ward = view.busy_level("ward")
    # Every escalation admission began while both acute beds were taken.
    assert all(ward.value_at(t) == 2 for t in view.time[surge_starts])
    values = values_of(with_surge)
    assert values[("hospital", "surge", "occupancy_mean")] > 0
    without = values_of(CareSystemModel(validate_document(document(False))).run())
    assert (
        values[("hospital", "admission", "wait_mean")]
        < without[("hospital", "admission", "wait_mean")]
    )


def test_with_a_discharge_profile_patients_go_home_in_its_hours_within_a_day():
    """Discharges only 12:00-18:00 on weekdays: every overnight stay going home leaves then."""
    from caresim.config.files import validate_document

    document = {
        "name": "afternoons",
        "run": {"horizon": "200 days", "seed": 6},
        "population": {"practices": {"town": {"registered": 1000}}},
        "profiles": {
            "afternoons": {"weekday": [1, 1, 1, 1, 1, 0, 0], "hour": [0] * 12 + [1] * 6 + [0] * 6}
        },
        "beds": {"ward": {"capacity": "unconstrained"}},
        "hospital": {
            "beds": "ward",
            "presentations": {"rate": {"everyone": "0.3 per year"}},
            "acuity": {"high": 1.0},
            "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
            "length_of_stay": {"everyone": {"distribution": "exponential", "mean": "3 days"}},
            "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
            "discharge_profile": "afternoons",
        },
    }
    result = CareSystemModel(validate_document(document)).run()
    view = LogView(result.log)
    fit = view.rows(Kind.MILESTONE, "pathway_0")
    ends = view.closing(Kind.END, view.ref[fit], "admission")
    assert len(ends) > 100
    left = view.time[ends]
    hours, days = left % 24, (left // 24).astype(int) % 7
    assert np.all((hours >= 12) & (hours < 18)) and np.all(days < 5)
    # Each leaves after being ready, within the next day, or after a weekend by Monday 18:00.
    ready_at = dict(zip(view.ref[fit].tolist(), view.time[fit].tolist(), strict=True))
    waited = np.array(
        [t - ready_at[int(start)] for t, start in zip(left, view.ref[ends], strict=True)]
    )
    assert np.all(waited >= 0) and waited.max() < 72
    weekday_morning = np.array(
        [(ready_at[int(s)] % 24 < 12) and (ready_at[int(s)] // 24) % 7 < 5 for s in view.ref[ends]]
    )
    assert np.all(waited[weekday_morning] < 18)


def test_electives_are_admitted_when_a_bed_is_free_and_cancelled_when_none_is():
    """Planned stays share a small ward with emergencies: cancellations, counted, rise with load."""
    from caresim.config.files import validate_document

    def run(emergencies: str) -> dict:
        document = {
            "name": "electives",
            "run": {"horizon": "300 days", "warm_up": "20 days", "seed": 8},
            "population": {"practices": {"town": {"registered": 1000}}},
            "beds": {"ward": {"capacity": 4}},
            "hospital": {
                "beds": "ward",
                "presentations": {"rate": {"everyone": emergencies}},
                "acuity": {"high": 1.0},
                "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
                "length_of_stay": {"everyone": {"distribution": "exponential", "mean": "3 days"}},
                "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
                "electives": {
                    "rate": {"everyone": "0.1 per year"},
                    "length_of_stay": {"distribution": "fixed", "value": "2 days"},
                },
            },
        }
        return values_of(CareSystemModel(validate_document(document)).run())

    quiet, busy = run("0.1 per year"), run("0.35 per year")
    for values in (quiet, busy):
        admitted = values[("hospital", "electives", "admitted")]
        cancelled = values[("hospital", "electives", "cancelled")]
        assert admitted > 0
        assert values[("hospital", "electives", "cancelled_share")] == cancelled / (
            admitted + cancelled
        )
        assert values[("hospital", "electives", "length_of_stay_mean")] == pytest.approx(2.0)
    assert (
        busy[("hospital", "electives", "cancelled_share")]
        > 2 * quiet[("hospital", "electives", "cancelled_share")]
    )
    # Electives are not emergency admissions: those are every emergency attendance here.
    for values in (quiet, busy):
        attended = values[("hospital", "emergency_department", "attendances")]
        assert values[("hospital", "all", "admissions")] == pytest.approx(attended, abs=2)


def test_finance_costs_price_overtime_social_care_and_the_beds_provided():
    """Each new price moves its own cost row, and the totals, by exactly what it prices."""
    base = values_of(run_small()[1])
    priced = values_of(
        run_small(
            "costs.overtime_hour={gp: 1000}",
            "costs.commissioned_bed_day={acute: 400}",
            "costs.home_care_hour=25",
            "costs.home_care_hours_per_week=14",
            "costs.care_home_week=1000",
        )[1]
    )
    days = 120.0
    overtime = base[("general_practice", "gp", "overtime_hours")]
    staff_hour = 100.0  # the baseline's GP rate, which the small system keeps
    assert priced[("general_practice", "gp", "staff_cost")] == pytest.approx(
        base[("general_practice", "gp", "staff_cost")] + overtime * (1000 - staff_hour)
    )
    occupied = {g: v for (_s, g, m), v in priced.items() if m == "occupancy_mean"}
    home_care = priced[("system", "home_care", "social_care_cost")]
    care_home = priced[("system", "care_home", "social_care_cost")]
    assert home_care == pytest.approx(occupied["home_care_packages"] * days * 2 * 25)
    assert care_home == pytest.approx(occupied["care_home_places"] * days * 1000 / 7)
    social = home_care + care_home
    assert priced[("system", "all", "total_cost")] == pytest.approx(
        base[("system", "all", "total_cost")] + overtime * (1000 - staff_hour) + social
    )
    acute = [k for k in priced if k[1] == "acute" and k[2] == "commissioned_cost"]
    assert len(acute) == 1
    capacity = priced[acute[0]] / (days * 400)
    assert capacity == pytest.approx(round(capacity)) and capacity > 0
    # Beds provided in place of bed-days occupied (and delayed) in the commissioned total.
    acute_days = occupied["acute"] * days
    assert priced[("system", "all", "commissioned_total_cost")] == pytest.approx(
        priced[("system", "all", "total_cost")]
        - priced[("hospital", "acute", "delayed_discharge_bed_days")] * 346
        - priced[("hospital", "acute", "bed_cost")]
        + priced[acute[0]]
    )
    assert acute_days > 0
