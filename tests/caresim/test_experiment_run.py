"""`caresim experiment`: the files it writes, common random numbers, every backend alike, resuming."""

import json
import logging
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from caresim.experiments.experiment import run_experiment
from caresim.experiments.files import load_experiment
from caresim.outputs.formatting import format_interval
from caresim.runs.backends import BackendError, DaskBackend, ProcessBackend
from tests.caresim.conftest import small_queue
from tests.conftest import ROOT

STAFFING = """\
name: staffing
base: ../configs/base.yaml
seed: 3
replications: 4
measures: [system.service.wait_mean, system.servers.utilisation]
scenarios:
  four: {staff.servers.headcount: 4}
  unused_pool: {staff.unused: {headcount: 2}}  # a new pool, given in full
sweep:
  kind: grid
  parameters:
    services.service.duration.mean: ["50 min", "55 min"]
"""

AUTOMATIC = """\
name: automatic
base: ../configs/base.yaml
set: {run.horizon: 1000 hours, staff.servers.headcount: 4}
seed: 5
replications: {initial: 3, max: 30, precision: 0.15, measures: [system.service.wait_mean]}
measures: [system.service.wait_mean]
scenarios:
  five: {staff.servers.headcount: 5}
"""

OUTPUTS = ("replications.csv", "summary.csv", "comparison.csv", "scenarios.csv")
KEY = ["scenario", "replication", "setting", "group", "measure"]


def measure(table, scenario, name):
    setting, group, measure_name = name.split(".")
    return table[
        (table["scenario"] == scenario)
        & (table["setting"] == setting)
        & (table["group"] == group)
        & (table["measure"] == measure_name)
    ]


def test_an_experiment_writes_its_files_and_compares_every_scenario_with_the_baseline(
    cli, experiment_file, tmp_path
):
    out = tmp_path / "out"
    code, stdout, err = cli("experiment", experiment_file(STAFFING), "--out", out, "--workers", "1")
    assert code == 0, err
    assert "staffing: 5 scenarios x 4 replications" in err and "replications [" in err

    table = pd.read_csv(out / "replications.csv")
    assert list(table.columns) == [
        "scenario", "replication", "setting", "group", "kind", "measure", "unit", "value",
    ]  # fmt: skip
    assert list(table["scenario"].unique()) == [
        "baseline", "four", "unused_pool", "sweep_001", "sweep_002",
    ]  # fmt: skip
    assert not table.duplicated(KEY).any()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "replications.parquet"), table)

    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == [
        "scenario", "setting", "group", "kind", "measure", "unit", "mean", "ci_low", "ci_high",
        "n",
    ]  # fmt: skip
    assert set(summary["n"]) == {4}

    comparison = pd.read_csv(out / "comparison.csv")
    assert list(comparison.columns) == [
        "scenario", "baseline", "setting", "group", "measure", "unit",
        "mean_difference", "ci_low", "ci_high", "n", "distinguishable",
    ]  # fmt: skip
    assert set(comparison["baseline"]) == {"baseline"} and "baseline" not in set(
        comparison["scenario"]
    )
    four = measure(comparison, "four", "system.service.wait_mean").iloc[0]
    assert four["mean_difference"] < 0 and four["ci_high"] < 0 and four["distinguishable"]
    waits = measure(table, "four", "system.service.wait_mean")["value"].to_numpy()
    base = measure(table, "baseline", "system.service.wait_mean")["value"].to_numpy()
    assert four["mean_difference"] == pytest.approx((waits - base).mean())

    scenarios = pd.read_csv(out / "scenarios.csv")
    assert list(scenarios.columns) == ["scenario", "parameter", "value", "number"]
    assert scenarios[["scenario", "parameter", "value"]].values.tolist() == [
        ["four", "staff.servers.headcount", "4"],
        ["unused_pool", "staff.unused", "{headcount: 2}"],
        ["sweep_001", "services.service.duration.mean", "50 min"],
        ["sweep_002", "services.service.duration.mean", "55 min"],
    ]
    number = scenarios["number"].tolist()
    assert number[0] == 4.0 and math.isnan(number[1])  # a whole pool is not a number
    assert number[2:] == [pytest.approx(50 / 60), pytest.approx(55 / 60)]
    series = pd.read_parquet(out / "timeseries.parquet")
    assert set(series["scenario"]) == set(table["scenario"]) and set(series["replication"]) == {
        0, 1, 2, 3,
    }  # fmt: skip

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["seed"] == 3
    assert manifest["config_hash"] and manifest["started"] and manifest["finished"]
    assert manifest["base_config"]["name"] == "queue"
    assert manifest["scenarios"][1] == {
        "name": "four", "origin": "scenario", "overrides": {"staff.servers.headcount": 4},
    }  # fmt: skip
    assert manifest["replications_per_scenario"]["four"]["replications"] == 4

    assert "system.service.wait_mean (hours)" in stdout and "minus baseline" in stdout
    waits = stdout.split("system.service.wait_mean (hours)")[1]
    four_line = next(line for line in waits.splitlines() if line.startswith("four "))
    assert four_line.rstrip().endswith("*")
    listing = next(line for line in stdout.splitlines() if line.startswith("sweep_001 "))
    assert listing.split() == ["sweep_001", "services.service.duration.mean=50", "min"]


def test_common_random_numbers_pair_replication_r_across_scenarios(cli, experiment_file, tmp_path):
    out = tmp_path / "out"
    assert cli("experiment", experiment_file(STAFFING), "--out", out, "--workers", "1")[0] == 0
    table = pd.read_csv(out / "replications.csv")
    comparison = pd.read_csv(out / "comparison.csv")
    # a pool no service uses changes nothing: every difference is exactly zero
    unused = comparison[comparison["scenario"] == "unused_pool"]
    assert len(unused) > 0 and (unused["mean_difference"] == 0).all()
    assert not unused["distinguishable"].any()
    # the arrival stream is the same in every scenario, replication by replication ...
    arrivals = table[(table["group"] == "service") & (table["measure"] == "arrivals")]
    by_scenario = arrivals.pivot(index="replication", columns="scenario", values="value")
    assert (by_scenario.nunique(axis=1) == 1).all()
    # ... and differs between replications
    assert by_scenario["baseline"].nunique() == 4
    # so the waits of two scenarios move together, and their paired difference varies less than
    # the difference of independent runs would
    waits = table[(table["group"] == "service") & (table["measure"] == "wait_mean")]
    waits = waits.pivot(index="replication", columns="scenario", values="value")
    difference = waits["sweep_002"] - waits["baseline"]
    independent = (waits["sweep_002"].var() + waits["baseline"].var()) ** 0.5
    assert waits["sweep_002"].corr(waits["baseline"]) > 0.5
    assert difference.std() < independent


def test_serial_processes_and_dask_give_identical_files(cli, experiment_file, tmp_path):
    from distributed import LocalCluster

    path = experiment_file(AUTOMATIC)
    serial = tmp_path / "serial"
    assert cli("experiment", path, "--out", serial, "--workers", "1", "--quiet")[0] == 0
    # workers started by spawn: nothing may depend on state inherited from this process
    processes = tmp_path / "processes"
    with ProcessBackend(2, start_method="spawn") as backend:
        run_experiment(load_experiment(path), processes, backend, show_progress=False)
    scheduler = tmp_path / "scheduler"
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        assert (
            cli("experiment", path, "--out", scheduler, "--scheduler", address, "--quiet")[0] == 0
        )

    chosen = json.loads((serial / "manifest.json").read_text())["replications_per_scenario"]
    assert chosen["baseline"]["stopped"] == "precision" and chosen["baseline"]["replications"] > 3
    for folder in (processes, scheduler):
        for name in OUTPUTS:
            assert (folder / name).read_bytes() == (serial / name).read_bytes(), (folder, name)
        pd.testing.assert_frame_equal(
            pd.read_parquet(folder / "timeseries.parquet"),
            pd.read_parquet(serial / "timeseries.parquet"),
        )
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["replications_per_scenario"] == chosen


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc where there is one)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether a process runs (an exited one awaiting its parent's wait counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_run_killed_half_way_resumes_to_the_same_results(cli, experiment_file, tmp_path):
    path = experiment_file(
        STAFFING.replace("replications: 4", "replications: 3"),
        base=small_queue(horizon="5000 hours"),
    )
    whole = tmp_path / "whole"
    assert cli("experiment", path, "--out", whole, "--workers", "1", "--quiet")[0] == 0

    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "caresim.cli", "experiment", str(path), "--out", str(killed)]
    run = subprocess.Popen(
        [*command, "--workers", "2", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parts = killed / "parts"
    deadline = time.monotonic() + 60
    while len(list(parts.glob("*.check.json"))) < 4 if parts.exists() else True:
        assert run.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    workers = children(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    finished = len(list(parts.glob("*.check.json")))
    assert 4 <= finished < 15
    assert json.loads((killed / "manifest.json").read_text())["status"] == "running"
    assert not (killed / "summary.csv").exists()
    # the worker processes leave with the process that started them
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "worker processes outlived the killed run"
        time.sleep(0.05)

    code, stdout, _ = cli("experiment", path, "--out", killed, "--workers", "2")
    assert code == 0 and f"{finished} resumed" in stdout
    for name in OUTPUTS:
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
    table = pd.read_csv(killed / "replications.csv")
    assert not table.duplicated(KEY).any() and table["replication"].max() == 2
    assert json.loads((killed / "manifest.json").read_text())["status"] == "complete"


def test_a_local_dask_cluster_started_on_request_gives_the_same_summary(
    cli, experiment_file, tmp_path
):
    path = experiment_file(STAFFING.replace("replications: 4", "replications: 2"))
    serial, local = tmp_path / "serial", tmp_path / "local"
    assert cli("experiment", path, "--out", serial, "--workers", "1", "--quiet")[0] == 0
    code, _, err = cli("experiment", path, "--out", local, "--local-cluster", "2")
    assert code == 0 and "on a local Dask cluster of 2 workers" in err
    assert (local / "summary.csv").read_bytes() == (serial / "summary.csv").read_bytes()


def test_a_quick_look_then_the_full_rule_equals_the_full_rule_alone(cli, experiment_file, tmp_path):
    path = experiment_file(AUTOMATIC)
    fresh = tmp_path / "fresh"
    assert cli("experiment", path, "--out", fresh, "--workers", "1", "--quiet")[0] == 0
    folder = tmp_path / "extended"
    assert cli("experiment", path, "--out", folder, "--replications", "2", "--quiet")[0] == 0
    assert set(pd.read_csv(folder / "summary.csv")["n"]) == {2}
    code, stdout, _ = cli("experiment", path, "--out", folder, "--workers", "1")
    assert code == 0 and "4 resumed" in stdout and "stopped because" in stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["replications"]["precision"] == 0.15
    assert manifest["replications_per_scenario"]["baseline"]["stopped"] == "precision"
    for name in OUTPUTS:
        assert (folder / name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_folder_of_another_experiment_is_refused(cli, experiment_file, tmp_path):
    out = tmp_path / "out"
    path = experiment_file(AUTOMATIC)
    assert cli("experiment", path, "--out", out, "--replications", "2", "--quiet")[0] == 0
    before = (out / "summary.csv").read_bytes()
    other = experiment_file(AUTOMATIC.replace("seed: 5", "seed: 6"), name="other.yaml")
    code, _, err = cli("experiment", other, "--out", out, "--replications", "2", "--quiet")
    assert code == 2 and "different config" in err and err.count("\n") == 1
    assert (out / "summary.csv").read_bytes() == before


BEDS = {
    "name": "beds",
    "run": {"horizon": "200 days", "trace_interval": "12 hours", "replications": 2, "seed": 1},
    "beds": {"ward": {"capacity": "unconstrained"}},
    "services": {
        "stay": {
            "setting": "hospital",
            "uses": "ward",
            "duration": {"distribution": "lognormal", "mean": "4 days", "sd": "3 days"},
            "report_in": "days",
        }
    },
    "arrivals": {"admissions": {"rate": "5 per day", "to": "stay"}},
}

WARM_UP = """\
name: beds
base: ../configs/base.yaml
replications: 3
warm_up: auto
warm_up_estimate: {series: [hospital.ward.occupancy], replications: 4}
measures: [hospital.ward.occupancy_mean]
scenarios:
  longer: {services.stay.duration.mean: 5 days}
"""


def test_an_estimated_warm_up_is_reported_and_applied_to_every_scenario(
    cli, experiment_file, tmp_path
):
    out = tmp_path / "out"
    code, stdout, err = cli(
        "experiment", experiment_file(WARM_UP, base=BEDS), "--out", out, "--workers", "1"
    )
    assert code == 0, err
    diagnostic = pd.read_csv(out / "warmup.csv")
    assert list(diagnostic.columns) == [
        "setting", "group", "measure", "unit", "batch_start", "batch_mean", "mser5", "truncation",
    ]  # fmt: skip
    assert set(diagnostic["measure"]) == {"occupancy"}
    cut = diagnostic[diagnostic["truncation"]]["batch_start"].max()
    manifest = json.loads((out / "manifest.json").read_text())
    # beds fill from empty over a few lengths of stay: the warm-up is days, not nothing
    assert manifest["warm_up_hours"] == cut and 24 <= cut <= 30 * 24
    assert manifest["warm_up_method"] == "mser5"
    assert f"warm-up {cut:g} hours, estimated by MSER-5" in stdout
    # the same experiment with that warm-up written in gives the same numbers
    fixed = experiment_file(
        WARM_UP.replace("warm_up: auto", f"warm_up: {cut:g} hours").replace(
            "warm_up_estimate: {series: [hospital.ward.occupancy], replications: 4}\n", ""
        ),
        base=BEDS,
        name="fixed.yaml",
    )
    assert (
        cli("experiment", fixed, "--out", tmp_path / "fixed", "--workers", "1", "--quiet")[0] == 0
    )
    for name in ("replications.csv", "summary.csv", "comparison.csv"):
        assert (out / name).read_bytes() == (tmp_path / "fixed" / name).read_bytes()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "127.0.0.1:9"])
def test_an_unreachable_scheduler_is_one_line_at_once(address):
    start = time.perf_counter()
    with pytest.raises(BackendError) as error:
        DaskBackend.connect(address, timeout=5)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in str(error.value)
    assert "\n" not in str(error.value)
    assert time.perf_counter() - start < 4  # refused by the port, not waited out


ADMISSION_AVOIDANCE = f"""\
name: admission_avoidance
base: {ROOT / "configs/teaching/whole_system.yaml"}
set: {{run.horizon: 35 days}}
warm_up: 7 days
seed: 4
replications: 3
measures: [hospital.all.admissions]
scenarios:
  avoidance_off: {{hospital.admission_avoidance.share: 0.0}}
"""


def test_the_comparison_written_and_printed_traces_admissions_to_their_source(cli, tmp_path):
    path = tmp_path / "admission_avoidance.yaml"
    path.write_text(ADMISSION_AVOIDANCE, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = cli("experiment", path, "--out", out, "--workers", "1")
    assert code == 0, err

    table = pd.read_csv(out / "replications.csv")
    comparison = pd.read_csv(out / "comparison.csv")
    sources = comparison[
        (comparison["setting"] == "hospital") & (comparison["group"] == "admissions")
    ]
    assert {"from_emergency_department", "from_general_practice", "from_readmission"} <= set(
        sources["measure"]
    )
    for row in sources.itertuples():  # paired, replication by replication
        name = f"hospital.admissions.{row.measure}"
        off = measure(table, "avoidance_off", name).set_index("replication")["value"]
        base = measure(table, "baseline", name).set_index("replication")["value"]
        assert row.n == 3
        assert row.mean_difference == pytest.approx((off - base).mean())
        assert row.ci_low <= row.mean_difference <= row.ci_high
    assert "emergency admissions by source" in stdout
    summary = pd.read_csv(out / "summary.csv")
    admitted = summary[(summary["group"] == "admissions") & (summary["setting"] == "hospital")]
    for source, means in admitted.groupby("measure")["mean"]:
        block = f"hospital.admissions.{source} (patients)"
        assert (block in stdout) == bool(means.any()), block  # a source no one came from: left out
        if not means.any():
            continue
        row = sources[(sources["measure"] == source)].iloc[0]
        lines = stdout.split(block)[1].split("\n\n")[0].splitlines()
        (line,) = [line for line in lines if line.startswith("avoidance_off ")]
        assert format_interval(row.ci_low, row.ci_high) in line
