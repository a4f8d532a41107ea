"""Result folders for the figure and report tests: a small real run, and experiment folders built
from the documented columns (the shape ``caresim experiment`` writes)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from caresim.cli import main
from caresim.sim.theory import erlang_b, erlang_c, mmc_wait_mean

#: A walk-in clinic with observation beds: patients give up, are turned away, come back.
CLINIC = textwrap.dedent(
    """\
    # A walk-in clinic with a small observation ward.
    # source: demo figures for the tests, not a real clinic
    name: walk_in_clinic
    description: A walk-in clinic whose nurses send one patient in five to observation beds.
    run:
      horizon: 14 days
      warm_up: 2 days        # assumption: two days are enough for the queues to settle
      replications: 4
      seed: 3
      trace_interval: 12 hours
    staff:
      nurses:
        role: practice_nurse
        headcount: 2         # source: rota of the demo clinic
    beds:
      observation:
        capacity: 3
        when_full: turn_away
    services:
      triage:
        setting: general_practice
        uses: nurses
        duration: {distribution: exponential, mean: 20 min}   # source: Stevens et al., BMJ Open 2017
        patience: {distribution: exponential, mean: 2 hours}
        next: {exit: 0.75, observe: 0.2, triage: 0.05}
      observe:
        setting: hospital
        uses: observation
        duration: {distribution: uniform, low: 2 hours, high: 6 hours}
        report_in: hours
    arrivals:
      walk_ins:
        rate: 4 per hour
        to: triage
    """
)


def run_folder(root: Path, *extra: str, config: str = CLINIC) -> Path:
    """Run the clinic with ``caresim run`` into ``root/run`` (extra arguments appended)."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "clinic.yaml"
    path.write_text(config, encoding="utf-8")
    out = root / "run"
    assert main(["run", str(path), "--out", str(out), "--quiet", *extra]) == 0
    return out


# -- an experiment folder from its documented columns --------------------------------------------

HORIZON, WARM_UP = 300.0, 20.0
ARRIVALS_PER_HOUR, TRIAGE_HOURS = 4.0, 1 / 3
OBSERVE_SHARE, OBSERVE_HOURS = 0.2, 4.0

#: scenario -> (nurses, observation beds); "base" is the baseline. The one-way sweeps vary one,
#: the grid both.
SCENARIOS = {
    "base": (2, 3),
    "nurses_3": (3, 3),
    "nurses_4": (4, 3),
    "beds_4": (2, 4),
    "beds_5": (2, 5),
    "nurses_3_beds_4": (3, 4),
    "nurses_3_beds_5": (3, 5),
    "nurses_4_beds_4": (4, 4),
    "nurses_4_beds_5": (4, 5),
}


def _scenario_measures(nurses: int, beds: int) -> list[tuple[str, str, str, str, float]]:
    """Plausible measures of the clinic at one size, from queueing theory."""
    load = ARRIVALS_PER_HOUR * TRIAGE_HOURS
    window = HORIZON - WARM_UP
    arrivals = ARRIVALS_PER_HOUR * window
    observe_arrivals = arrivals * OBSERVE_SHARE
    blocked = erlang_b(beds, ARRIVALS_PER_HOUR * OBSERVE_SHARE * OBSERVE_HOURS)
    wait = mmc_wait_mean(ARRIVALS_PER_HOUR, 1 / TRIAGE_HOURS, nurses)
    gp, hospital = "general_practice", "hospital"
    return [
        (gp, "triage", "arrivals", "patients", arrivals),
        (gp, "triage", "completed", "patients", arrivals),
        (gp, "triage", "service_time_mean", "hours", TRIAGE_HOURS),
        (gp, "triage", "wait_mean", "hours", wait),
        (gp, "triage", "wait_p95", "hours", 3 * wait),
        (gp, "triage", "waited_share", "proportion", erlang_c(nurses, load)),
        (gp, "triage", "turned_away_share", "proportion", 0.0),
        (hospital, "observe", "arrivals", "patients", observe_arrivals),
        (hospital, "observe", "completed", "patients", observe_arrivals * (1 - blocked)),
        (hospital, "observe", "service_time_mean", "hours", OBSERVE_HOURS),
        (hospital, "observe", "turned_away_share", "proportion", blocked),
        (hospital, "observe", "wait_mean", "hours", 0.0),
        (gp, "nurses", "busy_mean", "staff", load),
        (gp, "nurses", "utilisation", "proportion", load / nurses),
        (gp, "nurses", "overtime_hours", "hours", 0.0),
        (hospital, "observation", "occupancy_mean", "beds", 0.8 * (1 - blocked) * 3),
        (hospital, "observation", "utilisation", "proportion", 0.8 * (1 - blocked) * 3 / beds),
        ("system", "all", "time_in_system_mean", "hours", wait + TRIAGE_HOURS + blocked),
    ]


def _admissions_by_source(nurses: int, beds: int) -> list[tuple[str, str, str, str, float]]:
    """Admissions from observation (fewer with more beds), from A&E and readmitted."""
    window = HORIZON - WARM_UP
    observed = ARRIVALS_PER_HOUR * OBSERVE_SHARE * window
    admitted = observed * (1 - erlang_b(beds, ARRIVALS_PER_HOUR * OBSERVE_SHARE * OBSERVE_HOURS))
    return [
        ("hospital", "admissions", "from_general_practice", "patients", 0.1 * admitted),
        ("hospital", "admissions", "from_emergency_department", "patients", 40.0 + nurses),
        ("hospital", "admissions", "from_readmission", "patients", 0.02 * admitted),
        ("hospital", "admissions", "from_district_nursing", "patients", 0.0),
    ]


def _config_document() -> dict:
    document = yaml.safe_load(CLINIC)
    document["run"] = {"horizon": "300 hours", "warm_up": "20 hours", "replications": 10}
    return document


def experiment_folder(
    root: Path,
    *,
    comparison: bool = True,
    scenarios: bool = True,
    grid: bool = True,
    measures: tuple[str, ...] = (),
    admission_sources: bool = False,
) -> Path:
    """An experiment folder as ``caresim experiment`` documents it, with known contents
    (``measures``: those the experiment names, setting.group.measure; ``admission_sources``:
    the hospital's admissions by source too, as a care system's experiment has them)."""
    folder = root / "experiment"
    folder.mkdir(parents=True)
    names = [s for s in SCENARIOS if grid or "_beds_" not in s]
    summary_rows, replication_rows = [], []
    for scenario in names:
        measured = _scenario_measures(*SCENARIOS[scenario])
        if admission_sources:
            measured += _admissions_by_source(*SCENARIOS[scenario])
        for setting, group, measure, unit, value in measured:
            half = 0.05 * abs(value)
            summary_rows.append(
                (scenario, setting, group, measure, unit, value, value - half, value + half, 10)
            )
            for replication in range(10):
                replication_rows.append(
                    (scenario, replication, setting, group, measure, unit, value)
                )
    summary = pd.DataFrame(
        summary_rows,
        columns=["scenario", "setting", "group", "measure", "unit", "mean", "ci_low"]
        + ["ci_high", "n"],
    )
    summary.to_csv(folder / "summary.csv", index=False)
    pd.DataFrame(
        replication_rows,
        columns=["scenario", "replication", "setting", "group", "measure", "unit", "value"],
    ).to_parquet(folder / "replications.parquet", index=False)
    if comparison:
        base = summary[summary["scenario"] == "base"].set_index(["setting", "group", "measure"])
        rows = []
        for row in summary[summary["scenario"] != "base"].itertuples():
            difference = row.mean - base.loc[(row.setting, row.group, row.measure), "mean"]
            half = 0.02 * abs(difference) + 1e-3
            rows.append(
                (row.scenario, "base", row.setting, row.group, row.measure, row.unit)
                + (difference, difference - half, difference + half, 10, abs(difference) > half)
            )
        pd.DataFrame(
            rows,
            columns=["scenario", "baseline", "setting", "group", "measure", "unit"]
            + ["mean_difference", "ci_low", "ci_high", "n", "distinguishable"],
        ).to_csv(folder / "comparison.csv", index=False)
    if scenarios:
        rows = []
        for scenario in names:
            nurses, beds = SCENARIOS[scenario]
            rows += [
                (scenario, "staff.nurses.headcount", str(nurses)),
                (scenario, "beds.observation.capacity", str(beds)),
            ]
        pd.DataFrame(rows, columns=["scenario", "parameter", "value"]).to_csv(
            folder / "scenarios.csv", index=False
        )
    times = np.arange(0.0, HORIZON, 24.0)
    series = [
        (scenario, replication, "general_practice", "nurses", measure, unit, t, value)
        for scenario in names[:2]
        for replication in range(3)
        for measure, unit, value in (("queue_length", "patients", 1.0), ("busy", "staff", 1.3))
        for t in times
    ]
    pd.DataFrame(
        series,
        columns=["scenario", "replication", "setting", "group", "measure", "unit", "time"]
        + ["value"],
    ).to_parquet(folder / "timeseries.parquet", index=False)
    manifest = {
        "kind": "experiment",
        "name": "clinic_capacity",
        "description": "How many nurses & observation beds does the clinic need <today>?",
        "status": "complete",
        "baseline": "base",
        "config": _config_document(),
        "replications": 10,
        "seed": 1,
        "horizon_hours": HORIZON,
        "warm_up_hours": WARM_UP,
        "versions": {"caresim": "0.1.0", "python": "3.11"},
        "machine": {"cpus": 2},
        "started": "2025-01-01T00:00:00+00:00",
        "finished": "2025-01-01T00:01:00+00:00",
        "elapsed_seconds": 60.0,
    }
    if measures:
        manifest["measures"] = list(measures)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder
