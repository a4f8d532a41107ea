"""`caresim run`: the files it writes, the summary it prints, resuming, and never overwriting."""

import json

import pandas as pd
import pytest

from caresim.models.measures import KINDS
from caresim.outputs.events import EVENT_COLUMNS

SMALL = """\
name: small clinic
run:
  horizon: 300 hours
  warm_up: 20 hours
  replications: 3
  seed: 5
staff:
  gp:
    headcount: 2
beds:
  obs:
    capacity: 2
    when_full: turn_away
services:
  clinic:
    setting: general_practice
    uses: gp
    duration: {distribution: exponential, mean: 20 min}
    next: {exit: 0.8, observation: 0.2}
  observation:
    setting: hospital
    uses: obs
    duration: {distribution: uniform, low: 2 hours, high: 6 hours}
    report_in: hours
arrivals:
  patients:
    rate: 4 per hour
    to: clinic
"""


@pytest.fixture
def small(write_config):
    return write_config(SMALL)


def test_a_run_writes_the_manifest_and_both_tables(cli, small, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = cli("run", small, "--out", out)
    assert code == 0
    assert "wait_mean" in stdout and "95% interval" in stdout and str(out) in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert (
        manifest["status"] == "complete" and manifest["seed"] == 5 and manifest["replications"] == 3
    )
    assert manifest["config"]["name"] == "small clinic"
    assert {"simpy", "numpy", "python"} <= set(manifest["versions"])
    assert manifest["started"] and manifest["finished"]
    table = pd.read_csv(out / "replications.csv")
    assert list(table.columns) == [
        "scenario",
        "replication",
        "setting",
        "group",
        "kind",
        "measure",
        "unit",
        "value",
    ]
    assert sorted(table["replication"].unique()) == [0, 1, 2]
    assert {"general_practice", "hospital", "system"} == set(table["setting"])
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == [
        "scenario",
        "setting",
        "group",
        "kind",
        "measure",
        "unit",
        "mean",
        "ci_low",
        "ci_high",
        "n",
    ]
    kinds = dict(zip(summary["group"], summary["kind"], strict=True))
    assert kinds["all"] == "all" and set(summary["kind"]) <= set(KINDS)
    waits = summary.query("group == 'clinic' and measure == 'wait_mean'").iloc[0]
    assert waits["ci_low"] <= waits["mean"] <= waits["ci_high"] and waits["n"] == 3
    for measure in (
        "arrivals",
        "completed",
        "in_system_end",
        "wait_mean",
        "wait_p95",
        "time_in_system_mean",
        "queue_length_mean",
        "utilisation",
        "overtime_hours",
        "occupancy_mean",
    ):
        assert measure in set(summary["measure"]), measure


def test_the_same_seed_writes_identical_files(cli, small, tmp_path):
    for name in ("a", "b"):
        assert cli("run", small, "--out", tmp_path / name, "--events")[0] == 0
    for file in ("replications.csv", "summary.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a/events.parquet"),
        pd.read_parquet(tmp_path / "b/events.parquet"),
    )
    assert cli("run", small, "--out", tmp_path / "c", "--seed", "6")[0] == 0
    assert (tmp_path / "a/replications.csv").read_bytes() != (
        tmp_path / "c/replications.csv"
    ).read_bytes()


def test_an_existing_folder_of_another_config_is_never_overwritten(cli, small, tmp_path):
    out = tmp_path / "out"
    assert cli("run", small, "--out", out)[0] == 0
    before = (out / "replications.csv").read_bytes()
    code, _, err = cli("run", small, "--out", out, "--set", "staff.gp.headcount=3")
    assert code != 0 and "different config" in err and err.count("\n") == 1
    assert (out / "replications.csv").read_bytes() == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    code, _, err = cli("run", small, "--out", other)
    assert code != 0 and "not empty" in err
    assert (other / "notes.txt").read_text() == "mine"


def test_a_run_resumes_and_extends_without_redoing_finished_replications(cli, small, tmp_path):
    whole = tmp_path / "whole"
    assert cli("run", small, "--out", whole, "--replications", "5")[0] == 0
    part = tmp_path / "part"
    assert cli("run", small, "--out", part, "--replications", "2")[0] == 0
    stamp = {p.name: p.stat().st_mtime_ns for p in (part / "parts").iterdir()}
    code, stdout, _ = cli("run", small, "--out", part, "--replications", "5")
    assert code == 0 and "2 resumed" in stdout
    assert all((part / "parts" / name).stat().st_mtime_ns == t for name, t in stamp.items())
    assert (whole / "replications.csv").read_bytes() == (part / "replications.csv").read_bytes()


def test_an_extended_folder_says_what_it_now_holds_and_a_finished_one_is_never_cut(
    cli, small, tmp_path
):
    folder = tmp_path / "run"
    assert cli("run", small, "--out", folder, "--replications", "2")[0] == 0
    assert cli("run", small, "--out", folder, "--replications", "3")[0] == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["replications"] == 3
    assert manifest["config"]["run"]["replications"] == 3
    assert manifest["command"][manifest["command"].index("--replications") + 1] == "3"
    assert pd.read_csv(folder / "summary.csv")["n"].eq(3).all()
    before = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    code, _, err = cli("run", small, "--out", folder, "--replications", "2")
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert "holds a finished run of 3 replications" in err
    assert {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("damage", ["alter", "delete", "junk"])
def test_a_damaged_occupancy_part_is_redone_and_the_occupancy_table_is_unchanged(
    cli, small, tmp_path, damage
):
    whole = tmp_path / "whole"
    assert cli("run", small, "--out", whole)[0] == 0
    folder = tmp_path / "damaged"
    assert cli("run", small, "--out", folder)[0] == 0
    path = folder / "parts" / "small-clinic__r00001.occupancy.parquet"
    if damage == "alter":
        table = pd.read_parquet(path)
        table["time_share"] = table["time_share"][::-1].to_numpy()
        table.to_parquet(path, index=False)
    elif damage == "delete":
        path.unlink()
    else:
        path.write_bytes(b"not a parquet file")
    code, stdout, err = cli("run", small, "--out", folder)
    assert code == 0, err
    assert "replication 1: its occupancy file" in err and "2 resumed" in stdout
    for name in ("occupancy.csv", "summary.csv"):
        assert (folder / name).read_bytes() == (whole / name).read_bytes()


def test_the_event_log_follows_the_animation_schema(cli, small, tmp_path):
    out = tmp_path / "out"
    assert cli("run", small, "--out", out, "--events", "--replications", "2")[0] == 0
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == EVENT_COLUMNS
    assert set(events["event_type"]) <= {
        "arrival_departure",
        "queue",
        "resource_use",
        "resource_use_end",
    }
    assert set(events["run_number"]) == {0, 1}
    for _, run in events.groupby("run_number"):
        ad = run[run["event_type"] == "arrival_departure"]
        assert set(ad["event"]) <= {"arrival", "depart"}
        arrivals = ad[ad["event"] == "arrival"]["entity_id"]
        assert arrivals.is_unique
        departs = ad[ad["event"] == "depart"]["entity_id"]
        assert departs.is_unique and set(departs) <= set(arrivals)
        uses = run[run["event_type"].isin(["resource_use", "resource_use_end"])]
        assert uses["resource_id"].notna().all() and (uses["resource_id"] >= 1).all()
        assert run["time"].is_monotonic_increasing


def test_schema_prints_a_json_schema_editors_can_use(cli):
    code, out, _ = cli("schema")
    schema = json.loads(out)
    assert code == 0 and schema["type"] == "object"
    assert {"run", "staff", "services", "arrivals"} <= set(schema["properties"])
    assert "name" in schema["required"] and "run" in schema["required"]


def test_the_time_series_averages_to_the_measures(cli, small, tmp_path):
    out = tmp_path / "out"
    assert cli("run", small, "--out", out, "--set", "run.trace_interval=10 hours")[0] == 0
    series = pd.read_parquet(out / "timeseries.parquet")
    assert list(series.columns) == [
        "scenario",
        "replication",
        "setting",
        "group",
        "measure",
        "unit",
        "time",
        "value",
    ]
    table = pd.read_csv(out / "replications.csv")
    for replication in range(3):
        one = series[(series["replication"] == replication) & (series["group"] == "obs")]
        occupancy = one[(one["measure"] == "occupancy") & (one["time"] >= 20)]["value"].mean()
        measured = table.query(
            f"replication == {replication} and group == 'obs' and measure == 'occupancy_mean'"
        )["value"].iloc[0]
        assert occupancy == pytest.approx(measured, rel=1e-9)
    assert one["time"].min() == 0 and one["time"].max() == 290
