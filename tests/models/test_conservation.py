"""Every patient who arrived has completed, left, or is still in the system at the end."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caresim.config.files import validate_document
from caresim.models.measures import measure
from caresim.models.model import CareSystemModel


def network(servers, beds, rate, when_full, patience_hours, routing_share):
    """A clinic that refers a share of patients to a ward; both can be full."""
    clinic = {
        "uses": "clinicians",
        "duration": {"distribution": "exponential", "mean": "1 hour"},
        "next": {"exit": round(1 - routing_share, 6), "ward": round(routing_share, 6)},
        "on_abandon": "exit",
    }
    if routing_share in (0.0, 1.0):
        clinic["next"] = {"exit": 1.0} if routing_share == 0.0 else {"ward": 1.0}
    if patience_hours is not None:
        clinic["patience"] = {"distribution": "exponential", "mean": f"{patience_hours} hours"}
    return {
        "name": "network",
        "run": {"horizon": "300 hours", "replications": 1, "seed": 1},
        "staff": {"clinicians": {"headcount": servers}},
        "beds": {"ward": {"capacity": beds, "when_full": when_full}},
        "services": {
            "clinic": clinic,
            "ward": {
                "uses": "ward",
                "duration": {"distribution": "gamma", "mean": "20 hours", "sd": "10 hours"},
            },
        },
        "arrivals": {"patients": {"rate": f"{rate} per hour", "to": "clinic"}},
    }


def system_counts(rows):
    values = {(r.group, r.measure): r.value for r in rows}
    return {m: values[("all", m)] for m in ("arrivals", "completed", "left", "in_system_end")}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    servers=st.integers(1, 4),
    beds=st.integers(0, 6),
    rate=st.floats(0.2, 6.0),
    when_full=st.sampled_from(["queue", "turn_away"]),
    patience=st.one_of(st.none(), st.floats(0.1, 5.0)),
    share=st.sampled_from([0.0, 0.3, 1.0]),
    seed=st.integers(0, 1000),
)
def test_patients_are_conserved_and_measures_are_sane(
    servers, beds, rate, when_full, patience, share, seed
):
    config = validate_document(network(servers, beds, rate, when_full, patience, share))
    model = CareSystemModel(config, 0, seed)
    result = model.run()
    rows = measure(result)
    counts = system_counts(rows)
    assert counts["arrivals"] == counts["completed"] + counts["left"] + counts["in_system_end"]
    # Those still in the system are exactly those the pools hold or keep waiting.
    held = sum(pool.waiting + pool.busy for pool in model.network.pools.values())
    assert counts["in_system_end"] == held
    values = {(r.group, r.measure): r.value for r in rows}
    assert values[("ward", "occupancy_max")] <= beds
    assert values[("clinicians", "utilisation")] <= 1.0 + 1e-9
    for r in rows:
        if r.measure.startswith("wait") and not np.isnan(r.value):
            assert r.value >= 0
