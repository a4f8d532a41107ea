"""Pathways as papers describe them: patient classes, routes and stays by class, named exits.

A class given on an arrival stream stays with the patient through the network; a service routes
and holds each class as its config says; named exits are counted apart; measures come by class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import truncnorm

from caresim.config.files import load_config, validate_document
from caresim.models.measures import measure
from caresim.models.model import CareSystemModel, simulate
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import ROOT, interval, replicate


def network(**services) -> dict:
    """Two classes arriving at a 'triage' service, unconstrained beds, the given services."""
    return {
        "name": "pathways",
        "run": {"horizon": "2000 hours", "warm_up": "0 hours", "replications": 1, "seed": 3},
        "beds": {"beds": {"capacity": "unconstrained"}},
        "exits": ["home", "died"],
        "services": services,
        "arrivals": {
            "walk_ins": {"rate": "every 30 min", "class": "minor", "to": "triage"},
            "ambulances": {"rate": "1 per 2 hours", "class": "major", "to": "triage"},
        },
    }


def value(table: pd.DataFrame, group: str, measure: str) -> float:
    rows = table[(table["group"] == group) & (table["measure"] == measure)]["value"]
    assert len(rows) > 0, f"no {group} {measure}"
    return float(rows.mean())


TRIAGE = {
    "uses": "beds",
    "duration": {"distribution": "fixed", "value": "10 min"},
    "next": {"home": 1.0},
    "classes": {"major": {"next": {"ward": 0.5, "died": 0.5}}},
}
WARD = {"uses": "beds", "duration": {"distribution": "exponential", "mean": "1 day"}}


def test_a_class_is_carried_through_the_network_and_measured_per_class():
    table = replicate(network(triage=TRIAGE, ward={**WARD, "next": {"home": 1.0}}), 3, seed=5)
    # Only the major class goes on to the ward: every ward patient is one of them.
    assert value(table, "ward", "arrivals") == value(table, "ward:major", "arrivals") > 0
    assert value(table, "ward:minor", "arrivals") == 0
    assert value(table, "triage:minor", "arrivals") + value(
        table, "triage:major", "arrivals"
    ) == value(table, "triage", "arrivals")
    # Per class in the system: minor patients all go home after 10 minutes.
    assert value(table, "minor", "departed_died") == 0
    assert value(table, "minor", "time_in_system_mean") == pytest.approx(10 / 60)
    assert value(table, "major", "time_in_system_mean") > 10 / 60
    assert value(table, "minor", "arrivals") + value(table, "major", "arrivals") == value(
        table, "all", "arrivals"
    )


def test_each_named_exit_is_counted_apart_in_the_summary(cli, write_config, tmp_path):
    path = write_config(network(triage=TRIAGE, ward={**WARD, "next": {"home": 1.0}}))
    code, _, err = cli("run", path, "--replications", "3", "--out", tmp_path / "out", "--quiet")
    assert code == 0, err
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    system = summary[(summary["setting"] == "system") & (summary["group"] == "all")]
    counts = system.set_index("measure")["mean"]
    # A quarter of arrivals are major (0.5 an hour of 2.5), and half of those die.
    assert counts["departed_died"] == pytest.approx(counts["arrivals"] * 0.2 * 0.5, rel=0.15)
    assert counts["departed_home"] > counts["departed_died"] > 0
    assert counts["departed_home"] + counts["departed_died"] + counts["in_system_end"] == (
        pytest.approx(counts["arrivals"])
    )


def test_a_stay_depends_on_the_destination_drawn_first():
    service = {
        "uses": "beds",
        "duration": {"distribution": "fixed", "value": "5 hours"},
        "next": {"home": 0.5, "died": 0.5},
        "duration_by_next": {"home": {"distribution": "fixed", "value": "1 hour"}},
        "classes": {
            "major": {
                "duration_by_next": {"died": {"distribution": "fixed", "value": "3 hours"}},
            }
        },
    }
    config = validate_document(network(triage=service))
    result = simulate(config, 0, 11)
    view = LogView(result.log)
    starts = view.rows(Kind.START, "triage")
    ends = view.closing(Kind.END, starts, "triage")
    stay = dict(zip(view.entity[ends], view.time[ends] - view.time[view.ref[ends]], strict=True))
    departed, codes, _ = view.departures()
    groups = view.log.label_array("group")[codes]
    pathway = np.array(view.log.entity_pathway)
    major = view.log.pathways.index("ambulances")
    seen = set()
    for entity, how in zip(departed, groups, strict=True):
        cls = "major" if pathway[entity] == major else "minor"
        expected = {"home": 1.0, "died": 3.0 if cls == "major" else 5.0}[how]
        assert stay[entity] == pytest.approx(expected)
        seen.add((cls, how))
    assert seen == {("minor", "home"), ("minor", "died"), ("major", "home"), ("major", "died")}


@pytest.mark.validation
def test_two_class_priority_waits_agree_with_cobham(cli, tmp_path):
    """configs/validation/mm1_priority.yaml: each class's wait in summary.csv against Cobham."""
    path = ROOT / "configs/validation/mm1_priority.yaml"
    code, _, err = cli("run", path, "--out", tmp_path / "out", "--quiet")
    assert code == 0, err
    loaded = load_config(path)
    table = replicate(loaded.document, loaded.config.run.replications, loaded.config.run.seed)
    lam1, lam2, mu = 0.3, 0.4, 1.0
    w0 = (lam1 + lam2) / mu**2  # Σ λ E[S²] / 2 with E[S²] = 2 / μ²
    cobham = {
        "clinic:urgent": w0 / (1 - lam1 / mu),
        "clinic:routine": w0 / ((1 - lam1 / mu) * (1 - (lam1 + lam2) / mu)),
    }
    summary = pd.read_csv(tmp_path / "out" / "summary.csv").set_index(["group", "measure"])
    for group, theory in cobham.items():
        _, low, high, n = interval(table, group, "wait_mean")
        assert n == 10
        assert low <= theory <= high, (group, low, theory, high)
        # The summary reports the same replications' mean.
        assert summary.loc[(group, "wait_mean"), "mean"] == pytest.approx((low + high) / 2)
    assert cobham["clinic:routine"] == pytest.approx(10 / 3)


def test_services_with_patience_report_the_share_who_abandon():
    document = network(
        triage={
            "uses": "nurse",
            "duration": {"distribution": "exponential", "mean": "20 min"},
            "patience": {"distribution": "exponential", "mean": "30 min"},
            "next": {"home": 1.0},
        }
    )
    document["staff"] = {"nurse": {"headcount": 1}}
    table = replicate(document, 1, seed=2)
    abandoned = value(table, "triage", "abandoned") / value(table, "triage", "arrivals")
    assert 0 < value(table, "triage", "abandoned_share") == pytest.approx(abandoned)
    assert value(table, "triage:major", "abandoned_share") > 0
    assert value(table, "triage", "turned_away_share") == 0


def test_a_paper_s_normal_time_with_variance_and_a_minimum_runs_with_its_truncated_mean():
    service = {
        "uses": "beds",
        "duration": {
            "distribution": "normal",
            "mean": "16 min",
            "variance": "30 min^2",
            "min": "10 min",
        },
        "next": {"home": 1.0},
        "report_in": "minutes",
    }
    config = validate_document(network(triage=service))
    expected = config.services["triage"].duration.build().mean * 60
    sd = 30**0.5
    assert expected == pytest.approx(truncnorm((10 - 16) / sd, np.inf, 16, sd).mean())
    assert expected > 17  # the cut below 10 minutes raises the mean by 1.4 minutes
    table = replicate(network(triage=service), 4, seed=8)
    _, low, high, _ = interval(table, "triage", "service_time_mean")
    assert low <= expected <= high


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda d: d["services"]["triage"]["classes"].update({"child": {}}),
            ["services.triage.classes.child", "unknown class 'child'", "'major'"],
        ),
        (
            lambda d: d["services"]["triage"].update(
                {"duration_by_next": {"ward": {"distribution": "fixed", "value": "1 hour"}}}
            ),
            ["services.triage.duration_by_next.ward", "not where these patients go next"],
        ),
        (
            lambda d: d["services"]["triage"].update({"next": {"esd": 1.0}}),
            ["services.triage.next.esd", "unknown destination 'esd'", "'died'", "'home'"],
        ),
        (
            lambda d: d.update({"exits": ["home", "home"]}),
            ["exits.1", "named twice"],
        ),
        (
            lambda d: d["services"]["triage"].update(
                {
                    "duration": {
                        "distribution": "lognormal",
                        "mean": "1 h",
                        "sd": "1 h",
                        "variance": "1 h^2",
                    }
                }
            ),
            ["services.triage.duration", "either 'sd' or 'variance'"],
        ),
        (
            lambda d: d["arrivals"]["walk_ins"].update({"rate": "every 0 days"}),
            ["arrivals.walk_ins.rate", "interval"],
        ),
        (
            lambda d: d["services"]["triage"].update(
                {"duration": {"distribution": "exponential", "mean": "1 h", "min": "900 days"}}
            ),
            ["services.triage.duration", "keep"],
        ),
    ],
    ids=[
        "unknown class",
        "stay for a destination not drawn",
        "unknown exit",
        "exit twice",
        "sd and variance",
        "zero interval",
        "truncation keeping nothing",
    ],
)
def test_a_wrong_pathway_is_one_line_naming_the_key(cli, write_config, change, words):
    document = network(triage=TRIAGE, ward={**WARD, "next": {"home": 1.0}})
    document["services"]["triage"] = {**TRIAGE, "classes": dict(TRIAGE["classes"])}
    change(document)
    path = write_config(document)
    code, out, err = cli("validate", path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    beds=st.integers(1, 5),
    to_ward=st.sampled_from([0.0, 0.4, 0.8]),
    died=st.sampled_from([0.0, 0.2]),
    patience=st.one_of(st.none(), st.floats(0.2, 3.0)),
    seed=st.integers(0, 1000),
)
def test_patients_of_every_class_are_conserved(beds, to_ward, died, patience, seed):
    major_next = {"ward": to_ward, "died": died, "home": round(1 - to_ward - died, 6)}
    major_next = {k: v for k, v in major_next.items() if v > 0}
    triage = {**TRIAGE, "classes": {"major": {"next": major_next}}}
    ward = {"uses": "ward", "duration": {"distribution": "exponential", "mean": "3 hours"}}
    ward["next"] = {"home": 0.9, "died": 0.1}
    if patience is not None:
        ward["patience"] = {"distribution": "exponential", "mean": f"{patience} hours"}
    document = network(triage=triage, ward=ward)
    document["run"]["horizon"] = "300 hours"
    document["beds"]["ward"] = {"capacity": beds}
    config = validate_document(document)
    model = CareSystemModel(config, 0, seed)
    rows = {(r.group, r.measure): r.value for r in measure(model.run())}
    for group in ("all", "minor", "major"):
        arrivals = rows[(group, "arrivals")]
        ended = rows[(group, "completed")] + rows[(group, "left")] + rows[(group, "in_system_end")]
        assert arrivals == ended
        departed = rows[(group, "departed_home")] + rows[(group, "departed_died")]
        assert departed == rows[(group, "completed")]  # every way out is a named exit here
    assert rows[("minor", "arrivals")] + rows[("major", "arrivals")] == rows[("all", "arrivals")]
    assert rows[("ward:minor", "arrivals")] == 0
    held = sum(pool.waiting + pool.busy for pool in model.network.pools.values())
    assert rows[("all", "in_system_end")] == held
