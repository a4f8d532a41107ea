"""Each teaching scenario shows the trade-off it is there to show."""

import pytest

from caresim.config.files import load_config
from tests.conftest import ROOT, interval, replicate

TEACHING = ROOT / "configs/teaching"


def run(name, *overrides, replications=4):
    loaded = load_config(TEACHING / name, ["run.horizon=120 days", *overrides])
    return replicate(loaded.document, replications, loaded.config.run.seed)


def mean(table, group, measure):
    return interval(table, group, measure)[0]


def test_waits_climb_steeply_as_the_triage_line_gets_busier():
    rates = ["600 per week", "750 per week", "825 per week", "875 per week"]
    waits = [
        mean(run("practice_queue.yaml", f"arrivals.calls.rate={r}"), "triage", "wait_mean")
        for r in rates
    ]
    assert waits == sorted(waits)
    steps = [b - a for a, b in zip(waits, waits[1:], strict=False)]
    # Each step adds fewer calls than the last, yet adds more wait: the hockey stick.
    assert steps == sorted(steps)


def test_pooled_nurses_keep_both_practices_waiting_less():
    siloed = run("pooling_siloed.yaml")
    pooled = run("pooling_pooled.yaml")
    for clinic in ("north_clinic", "south_clinic"):
        assert interval(pooled, clinic, "wait_mean")[2] < interval(siloed, clinic, "wait_mean")[1]


def test_fixed_appointment_lengths_roughly_halve_the_wait():
    random_ = mean(run("variability_random.yaml"), "appointment", "wait_mean")
    fixed = mean(run("variability_fixed.yaml"), "appointment", "wait_mean")
    assert fixed / random_ == pytest.approx(0.5, abs=0.15)


def test_more_rehabilitation_beds_unblock_acute_beds():
    few = run("hospital_ic_chain.yaml", "run.horizon=400 days")
    more = run("hospital_ic_chain.yaml", "run.horizon=400 days", "beds.rehab_beds.capacity=5")
    assert (
        interval(more, "all", "delayed_discharge_bed_days")[2]
        < interval(few, "all", "delayed_discharge_bed_days")[1]
    )
    assert mean(more, "admission", "wait_mean") < mean(few, "admission", "wait_mean")
