"""Across all four settings, every patient is accounted for, and the starting state is honoured."""

import numpy as np

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


def test_every_patient_arrives_once_and_leaves_at_most_once():
    model, result = run_small()
    view = LogView(result.log)
    arrivals, arrived = view.arrivals()
    departures, codes, departed = view.departures()
    assert len(arrivals) == model.patients.count > 0
    assert 0 < len(departures) < len(arrivals)
    assert len(np.unique(departures)) == len(departures)
    kinds = view.log.label_array("kind")
    assert (kinds[view.log.entities()["arrival"]] == Kind.ARRIVAL).all()
    assert (kinds[codes] == Kind.DEPART).all()
    # Each patient leaves after they arrived, and has no record from before they arrived.
    assert (departed >= arrived[departures]).all()
    assert (view.time >= arrived[view.entity]).all()


def test_arrivals_are_completed_left_or_still_in_the_system():
    for replication in range(3):
        model, result = run_small(replication=replication)
        values = {(r.setting, r.group, r.measure): r.value for r in measure(result)}
        arrived = values[("system", "all", "arrivals")]
        assert arrived == model.patients.count
        accounted = (
            values[("system", "all", "completed")]
            + values[("system", "all", "left")]
            + values[("system", "all", "in_system_end")]
        )
        assert arrived == accounted
        # Those still in the system include everyone in a bed or place, or waiting for one.
        held = sum(p.busy + p.waiting for p in model.pools.beds.values())
        assert values[("system", "all", "in_system_end")] >= held > 0


def test_a_run_starts_from_the_occupied_beds_and_lists_it_is_given():
    model, result = run_small()
    view = LogView(result.log)
    state = model.config.starting_state
    occupied = state.hospital.occupied_beds + sum(state.hospital.medically_fit.values())
    started = view.rows(Kind.START, "admission")
    assert (view.time[started] == 0.0).sum() == occupied
    starting = view.rows(Kind.MILESTONE, "admissions", event="admitted_from_starting_state")
    assert len(starting) == occupied
    # A patient already fit to go home with support may find a place free at once and leave.
    assert view.busy_level("acute").value_at(0.0) <= occupied
    assert view.busy_level("ic_beds").value_at(0.0) == state.intermediate_care.bed_based
    opened_at_start = (
        view.time[view.rows(Kind.MILESTONE, "episodes", event="episode_opened")] == 0.0
    )
    assert opened_at_start.sum() == state.district_nursing.open_episodes
    # About half the bookable-ahead slots of the next four weeks were already taken.
    first_day = view.rows(Kind.QUEUE, setting="general_practice")
    assert (view.time[first_day] == 0.0).sum() > 1000
