"""Leaving hospital: admission avoidance counted once, delays priced, discharges referred on."""

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
