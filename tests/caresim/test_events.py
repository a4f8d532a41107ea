"""`caresim run --events`: an event log an animation library can replay — one arrival and at most
one departure per patient, unique ids in a run, staff and beds numbered from 1, every release
matched by an earlier start of the same unit, and time running forwards."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from caresim.outputs.events import EVENT_COLUMNS
from tests.caresim.result_folders import run_folder

EVENT_TYPES = {"arrival_departure", "queue", "resource_use", "resource_use_end"}


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> pd.DataFrame:
    folder = run_folder(tmp_path_factory.mktemp("events"), "--events")
    return pd.read_parquet(folder / "events.parquet")


def runs(events: pd.DataFrame):
    assert set(events["run_number"]) == {0, 1, 2, 3}
    for number, run in events.groupby("run_number"):
        yield number, run.reset_index(drop=True)


def test_the_log_has_the_documented_columns_and_event_types(events):
    assert list(events.columns) == EVENT_COLUMNS
    assert set(events["event_type"].astype(str)) == EVENT_TYPES
    arrival_departure = events[events["event_type"] == "arrival_departure"]
    assert set(arrival_departure["event"].astype(str)) == {"arrival", "depart"}
    assert pd.api.types.is_integer_dtype(events["entity_id"])
    assert pd.api.types.is_float_dtype(events["time"])


def test_each_patient_arrives_once_and_departs_at_most_once(events):
    for _, run in runs(events):
        arrivals = run[run["event"] == "arrival"]
        departures = run[run["event"] == "depart"]
        assert arrivals["entity_id"].is_unique and departures["entity_id"].is_unique
        assert set(departures["entity_id"]) <= set(arrivals["entity_id"])
        assert set(run["entity_id"]) == set(arrivals["entity_id"])  # no one without an arrival
        first = run.groupby("entity_id")["time"].idxmin()
        assert (run.loc[first, "event"] == "arrival").all()
        last = run.groupby("entity_id").tail(1)
        departed = last[last["entity_id"].isin(departures["entity_id"])]
        assert (departed["event"] == "depart").all()  # nothing happens after leaving
        some_left_early = len(departures) < len(arrivals)
        assert some_left_early  # patients still in the system at the end have no departure


def test_staff_and_beds_are_numbered_from_one_within_their_pool(events):
    in_use = events[events["event_type"].isin(["resource_use", "resource_use_end"])]
    assert in_use["resource_id"].notna().all()
    assert pd.api.types.is_integer_dtype(in_use["resource_id"])
    assert (in_use["resource_id"] >= 1).all()
    step = in_use["event"].astype(str).str.rsplit("_", n=1).str[0]
    assert in_use[step == "triage"]["resource_id"].max() == 2  # two nurses
    assert in_use[step == "observe"]["resource_id"].max() == 3  # three beds
    others = events[events["event_type"].isin(["arrival_departure", "queue"])]
    assert others["resource_id"].isna().all()


def test_every_release_follows_a_start_of_the_same_unit_by_the_same_patient(events):
    for _, run in runs(events):
        held: dict[tuple[int, str, int], float] = {}
        busy: dict[tuple[str, int], int] = {}
        for row in run[run["event_type"].isin(["resource_use", "resource_use_end"])].itertuples():
            step = str(row.event).rsplit("_", 1)[0]
            key = (row.entity_id, step, int(row.resource_id))
            if row.event_type == "resource_use":
                assert (step, int(row.resource_id)) not in busy  # a unit serves one at a time
                busy[(step, int(row.resource_id))] = row.entity_id
                held[key] = row.time
            else:
                assert key in held and held.pop(key) <= row.time
                del busy[(step, int(row.resource_id))]


def test_time_never_runs_backwards(events):
    for _, run in runs(events):
        assert run["time"].is_monotonic_increasing
        assert run["time"].min() >= 0


def test_patients_who_come_back_to_a_step_start_it_once_per_visit(events):
    starts = events[events["event"] == "triage_begin"]
    visits = starts.groupby(["run_number", "entity_id"]).size()
    assert visits.max() >= 2  # the clinic sends one patient in twenty back to triage


def test_the_animation_library_replays_one_run(events):
    vidigi_prep = pytest.importorskip("vidigi.prep")
    run = events[events["run_number"] == 0]
    positions = pd.DataFrame(
        [
            {"event": "arrival", "x": 50, "y": 400},
            {"event": "triage_wait", "x": 250, "y": 350},
            {"event": "triage_begin", "x": 250, "y": 250, "resource": "nurses"},
            {"event": "triage_abandoned", "x": 250, "y": 100},
            {"event": "observe_wait", "x": 450, "y": 350},
            {"event": "observe_turned_away", "x": 450, "y": 100},
            {"event": "observe_begin", "x": 450, "y": 250, "resource": "observation"},
            {"event": "depart", "x": 650, "y": 50},
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # vidigi warns about logs it would draw wrongly
        snapshots = vidigi_prep.reshape_for_animations(
            run, every_x_time_units=1, limit_duration=96, step_snapshot_max=40, warm_up=48
        )
        placed = vidigi_prep.generate_animation_df(
            snapshots, positions, step_snapshot_max=40, wrap_queues_at=20
        )
    assert snapshots["snapshot_time"].min() == 48 and snapshots["snapshot_time"].max() <= 96
    using = placed[placed["event_type"] == "resource_use"]
    assert len(using) > 0 and using["x_final"].notna().all()
    for (snapshot, event), these in using.groupby(["snapshot_time", "event"]):
        # each patient in service sits at the place of its own nurse or bed
        assert these["resource_id"].is_unique, (snapshot, event)
        assert these["x_final"].is_unique, (snapshot, event)
        assert these["resource_id"].max() <= (2 if event == "triage_begin" else 3)
