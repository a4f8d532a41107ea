"""Dated changes of capacity: beds opened or closed on a given day of the run."""

import numpy as np
import pytest
import simpy

from caresim.config.files import ConfigError, validate_document
from caresim.models.measures import measure
from caresim.models.model import simulate
from caresim.sim.measures import LogView
from caresim.sim.pools import BedPool, Step
from caresim.sim.recorder import EventLog, Kind
from tests.conftest import queue_document


def test_closing_an_occupied_bed_waits_for_its_patient_and_opening_one_takes_the_queue():
    env = simpy.Environment()
    log = EventLog()
    ward = BedPool(env, "ward", log, 2)
    step = Step.register(log, "stay", "ward")
    held = []
    for patient in range(3):  # two in bed, one waiting
        ward.request(patient, step, held.append)
    assert len(held) == 2 and ward.waiting == 1
    ward.resize(1)  # both beds occupied: neither patient is moved
    ward.release(held[0])
    assert ward.waiting == 1 and ward.busy == 1  # the freed bed closed; the queue still waits
    ward.resize(3)
    assert ward.waiting == 0 and ward.busy == 2  # one bed reopened and one new: the queue is in
    ward.release(held[1])
    assert ward.has_free_unit()


def dated(number: int, at: str = "50 days") -> dict:
    document = queue_document(
        rate="1 per hour",
        duration={"distribution": "exponential", "mean": "4 hours"},
        servers=2,
        horizon="100 days",
        kind="beds",
    )
    document["changes"] = [{"at": at, "beds": {"servers": number}}]
    return document


def test_beds_opened_on_a_day_serve_from_that_day_and_utilisation_counts_them():
    result = simulate(validate_document(dated(8)), 0)
    view = LogView(result.log)
    starts = view.rows(Kind.START, "service")
    busy = view.busy_level("servers")
    before = [busy.value_at(t) for t in view.time[starts] if t < 50 * 24]
    after = [busy.value_at(t) for t in view.time[starts] if t >= 50 * 24]
    assert max(before) == 2 and max(after) > 2 and max(after) <= 8
    rows = {(m.group, m.measure): m.value for m in measure(result)}
    # Offered load 4: two beds full for 50 days while 600 patients queue; then eight beds clear
    # the queue in about 25 days and are half full after: (100 + 200 + 100) / 500 bed-days.
    busy_hours = rows[("servers", "occupancy_mean")] * 100 * 24
    assert rows[("servers", "utilisation")] == pytest.approx(
        busy_hours / ((2 * 50 + 8 * 50) * 24), rel=1e-9
    )
    assert 0.74 < rows[("servers", "utilisation")] < 0.86


def test_beds_closed_while_occupied_count_in_place_until_their_patients_leave():
    document = queue_document(
        rate="1.5 per day",
        duration={"distribution": "exponential", "mean": "5 days"},
        servers=8,
        horizon="100 days",
        kind="beds",
    )
    document["changes"] = [{"at": "50 days", "beds": {"servers": 2}}]
    result = simulate(validate_document(document), 0)
    busy = LogView(result.log).busy_level("servers")
    assert busy.value_at(50 * 24) > 2  # patients stay in beds that are closing
    grid = np.linspace(0, 100 * 24, 200_001)
    in_use = np.array([busy.value_at(t) for t in grid[:-1]])
    set_at = np.where(grid[:-1] < 50 * 24, 8, 2)
    in_place = np.maximum(in_use, set_at).sum() * (grid[1] - grid[0])
    rows = {(m.group, m.measure): m.value for m in measure(result)}
    busy_hours = rows[("servers", "occupancy_mean")] * 100 * 24
    assert rows[("servers", "utilisation")] <= 1.0
    assert rows[("servers", "utilisation")] == pytest.approx(busy_hours / in_place, rel=1e-3)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"at": "200 days", "beds": {"servers": 3}}, "changes[0].at"),
        ({"at": "10 days", "beds": {"ward": 3}}, "unknown bed pool 'ward'"),
    ],
)
def test_a_change_outside_the_run_or_to_an_unknown_pool_is_refused(change, needle):
    document = dated(3)
    document["changes"] = [change]
    with pytest.raises(ConfigError) as error:
        validate_document(document)
    assert needle in str(error.value)


SMALL = "configs/teaching/whole_system.yaml"
TO_PHARMACISTS = (
    "changes=[{at: 60 days, allocation: {minor_illness: "
    "{shares: {gp: 0.0, clinical_pharmacist: 0.8, practice_nurse: 0.2}}}}]"
)


def _small_run(overrides, root):
    """The config, result and log view of 120 days of the small place, from day 0."""
    from caresim.config.files import load_config

    config = load_config(
        root / SMALL, ["run.warm_up=0 days", "run.horizon=120 days", *overrides]
    ).config
    result = simulate(config, 0)
    return config, result, LogView(result.log)


def _minor_illness_by_role(overrides, root):
    """Minor-illness appointments begun before and after day 60, by role."""
    from caresim.models.vocabulary import role_of

    config, result, view = _small_run(overrides, root)
    starts = view.rows(Kind.START, "minor_illness")
    counts: dict[tuple[bool, str], int] = {}
    for row in starts:
        pool = result.log.labels[view.label[row]].pool
        key = (bool(view.time[row] >= 60 * 24), role_of(pool, config.staff[pool]))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _share(counts, after: bool, role: str) -> float:
    total = sum(n for (a, _r), n in counts.items() if a == after)
    return counts.get((after, role), 0) / total


@pytest.mark.functional
def test_who_takes_an_activity_changes_on_its_day(root):
    """Until day 60 the run is the same to the appointment; from then GPs are chosen for no minor
    illness and take it only when neither a pharmacist nor a nurse has a slot."""
    changed = _minor_illness_by_role([TO_PHARMACISTS], root)
    unchanged = _minor_illness_by_role([], root)
    before = {key: n for key, n in changed.items() if not key[0]}
    assert before == {key: n for key, n in unchanged.items() if not key[0]}
    assert _share(changed, False, "gp") > 0.25
    assert _share(changed, True, "gp") < 0.7 * _share(unchanged, True, "gp")
    assert _share(changed, True, "clinical_pharmacist") > _share(
        unchanged, True, "clinical_pharmacist"
    )


@pytest.mark.parametrize(
    ("allocation", "needle"),
    [
        (
            "{walk_ins: {preference: [gp]}}",
            "changes[0].allocation.walk_ins: unknown general-practice activity",
        ),
        (
            "{minor_illness: {preference: [surgeon]}}",
            "changes[0].allocation.minor_illness.preference: role 'surgeon'",
        ),
    ],
)
def test_a_change_of_allocation_names_a_real_activity_and_its_roles(cli, root, allocation, needle):
    code, out, err = cli(
        "validate", root / SMALL, "--set", f"changes=[{{at: 60 days, allocation: {allocation}}}]"
    )
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code != 0 and len(lines) == 1, lines
    assert needle in lines[0], lines[0]


def _avoided_by_period(overrides, root):
    """Admissions avoided (care at home started) before and after day 60 of the small place."""
    _config, _result, view = _small_run(overrides, root)
    times = view.time[view.rows(Kind.MILESTONE, "admission_avoidance", event="admission_avoided")]
    return int((times < 60 * 24).sum()), int((times >= 60 * 24).sum())


@pytest.mark.functional
def test_admission_avoidance_offered_from_a_day_on(root):
    """Off until day 60 in both runs; offered to most eligible admissions from then in one."""
    off = "hospital.admission_avoidance.share=0.0"
    from_day_60 = "changes=[{at: 60 days, admission_avoidance_share: 0.8}]"
    never = _avoided_by_period([off], root)
    later = _avoided_by_period([off, from_day_60], root)
    assert later[0] == never[0]  # the same run until the change
    assert later[1] > never[1] + 10


def test_a_dated_avoidance_share_needs_admission_avoidance():
    document = dated(3)
    document["changes"] = [{"at": "10 days", "admission_avoidance_share": 0.5}]
    with pytest.raises(ConfigError) as error:
        validate_document(document)
    assert "changes[0].admission_avoidance_share: needs hospital.admission_avoidance" in str(
        error.value
    )


def _hospital_side_run(overrides, root):
    from tests.conftest import hospital_side

    return _small_run([*hospital_side(root / SMALL), *overrides], root)


ALL_HOME = "{pathway_0: 1.0}"
HOME_FROM_DAY_60 = (
    "changes=[{at: 60 days, discharge_pathways: "
    f"{{frail_older: {ALL_HOME}, long_term_condition: {ALL_HOME}, general: {ALL_HOME}}}}}]"
)


def test_discharge_pathways_change_on_their_day():
    """From day 60 every cohort goes home by pathway 0: the same run until then, and no one
    found fit for pathways 1-3 after it."""
    from tests.conftest import ROOT

    def fit_by_period(overrides):
        _config, _result, view = _hospital_side_run(overrides, ROOT)
        counts = {}
        for pathway in ("pathway_0", "pathway_1", "pathway_2", "pathway_3"):
            times = view.time[view.rows(Kind.MILESTONE, pathway, event=f"medically_fit_{pathway}")]
            counts[pathway] = (int((times < 60 * 24).sum()), int((times >= 60 * 24).sum()))
        return counts

    before, after = fit_by_period([]), fit_by_period([HOME_FROM_DAY_60])
    assert {p: c[0] for p, c in after.items()} == {p: c[0] for p, c in before.items()}
    assert all(after[p][1] == 0 for p in ("pathway_1", "pathway_2", "pathway_3"))
    assert before["pathway_1"][1] > 10
    assert after["pathway_0"][1] > before["pathway_0"][1]


def test_what_a_pathway_waits_for_changes_on_its_day():
    """Pathway 1 waits for home care alone from day 60: no one leaving hospital asks for
    home-based intermediate care a fortnight on (those asking in between had it arranged, about
    3.5 days, before the change), and more ask for home care."""
    from tests.conftest import ROOT

    change = "changes=[{at: 60 days, discharge_needs: {pathway_1: {home_care: 1.0}}}]"

    def asked_after(overrides, group):
        _config, _result, view = _hospital_side_run(["run.horizon=180 days", *overrides], ROOT)
        return int((view.time[view.rows(Kind.QUEUE, group)] >= 74 * 24).sum())

    assert asked_after([], "home_based_step_down") > 10
    assert asked_after([change], "home_based_step_down") == 0
    assert asked_after([change], "home_care_from_hospital") > asked_after(
        [], "home_care_from_hospital"
    )


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (
            "{at: 60 days, discharge_pathways: {children: {pathway_0: 1.0}}}",
            "changes[0].discharge_pathways.children: unknown cohort 'children'",
        ),
        (
            "{at: 60 days, discharge_pathways: {general: {pathway_0: 0.5}}}",
            "changes[0].discharge_pathways.general: shares must sum to 1",
        ),
        (
            "{at: 60 days, discharge_needs: {pathway_1: {care_home: 0.5, nursing: 0.5}}}",
            "changes[0].discharge_needs.pathway_1.nursing: expected 'home_based'",
        ),
    ],
)
def test_a_dated_change_of_discharge_is_checked_in_one_line(cli, root, change, needle):
    code, out, err = cli("validate", root / SMALL, "--set", f"changes=[{change}]")
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code != 0 and len(lines) == 1, lines
    assert needle in lines[0], lines[0]
