"""A result folder cannot be fooled: a damaged or foreign part is redone, never mixed in."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caresim.config.files import load_config
from caresim.runs.scenario import run_scenario
from caresim.runs.store import ResultStore, StoreError
from tests.conftest import ROOT

pytestmark = pytest.mark.functional  # whole runs into folders

MM3 = ROOT / "configs/validation/mm3.yaml"
SHORT = ["run.horizon=300 hours", "run.replications=4"]
OTHER = [*SHORT, "arrivals.patients.rate=2.5 per hour"]  # another config, same scenario name


def run_into(folder: Path, overrides: list[str] = SHORT):
    return run_scenario(load_config(MM3, overrides), folder, show_progress=False)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, Path]:
    """A finished run, and a finished run of another config whose parts can be swapped in."""
    root = tmp_path_factory.mktemp("store")
    run_into(root / "run")
    run_into(root / "other", OTHER)
    return root / "run", root / "other"


def part(folder: Path, replication: int, kind: str = "measures") -> Path:
    return folder / "parts" / f"mm3__r{replication:05d}.{kind}"


def test_a_truncated_part_and_a_foreign_part_are_redone_and_the_summary_is_unchanged(
    cli, finished, tmp_path
):
    run, other = finished
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    truncated = part(folder, 1, "measures.parquet")
    truncated.write_bytes(truncated.read_bytes()[:100])
    for suffix in ("measures.parquet", "timeseries.parquet", "check.json"):
        shutil.copy(part(other, 2, suffix), part(folder, 2, suffix))
    flags = [item for text in SHORT for item in ("--set", text)]
    code, _, err = cli("run", MM3, *flags, "--out", folder, "--quiet")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("caresim: warning:")]
    assert len(warnings) == 2, err
    assert "replication 1: its measures file has changed" in warnings[0]
    assert "replication 2: it was written for another config" in warnings[1]
    assert (folder / "summary.csv").read_bytes() == (run / "summary.csv").read_bytes()
    assert (folder / "replications.csv").read_bytes() == (run / "replications.csv").read_bytes()


def test_a_part_with_altered_values_is_redone(finished, tmp_path):
    run, _ = finished
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    path = part(folder, 0, "measures.parquet")
    table = pd.read_parquet(path)
    table["value"] = table["value"] * 2
    table.to_parquet(path, index=False)
    outcome = run_into(folder)
    assert outcome.resumed == 3
    assert (folder / "summary.csv").read_bytes() == (run / "summary.csv").read_bytes()


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ("[1, 2]", "not the manifest of a caresim run"),
        ('{"kind": "run"}', "not the manifest of a caresim run"),
        ("{not json", "cannot be read as a caresim manifest"),
        ('{"config_hash": "0"}', "holds results of a different config"),
    ],
)
def test_a_corrupted_or_foreign_manifest_is_one_line(cli, finished, tmp_path, manifest, expected):
    folder = tmp_path / "run"
    shutil.copytree(finished[0], folder)
    (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    code, _, err = cli("run", MM3, "--set", SHORT[0], "--set", SHORT[1], "--out", folder)
    assert code == 2 and err.count("\n") == 1 and expected in err, err


def test_output_paths_that_cannot_be_made_are_one_line(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    parts_file = tmp_path / "parts_file"
    parts_file.mkdir()
    (parts_file / "parts").write_text("x", encoding="utf-8")
    for out, expected in (
        (blocker / "sub", "cannot create the output folder"),
        (blocker, "exists and is not a folder"),
        (Path("/proc/caresim-out"), "cannot create the output folder"),
        (parts_file, "exists and is not empty"),
    ):
        code, _, err = cli("run", MM3, "--set", SHORT[0], "--out", out, "--quiet")
        assert code == 2 and err.count("\n") == 1 and str(out) in err and expected in err, err


def test_a_store_opened_on_a_folder_whose_parts_is_a_file_is_one_line(tmp_path):
    (tmp_path / "manifest.json").write_text('{"config_hash": "h"}', encoding="utf-8")
    (tmp_path / "parts").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="exists and is not a folder"):
        ResultStore.open(tmp_path, "h", {})


# -- random corruption of a finished folder ------------------------------------------------------
FILES = [
    f"parts/mm3__r{r:05d}.{kind}" for r in range(4)
    for kind in ("measures.parquet", "timeseries.parquet", "check.json")
] + ["manifest.json"]  # fmt: skip

corruptions = st.one_of(
    st.tuples(st.just("truncate"), st.sampled_from(FILES), st.integers(0, 4000)),
    st.tuples(st.just("flip"), st.sampled_from(FILES), st.integers(0, 4000)),
    st.tuples(st.just("delete"), st.sampled_from(FILES), st.just(0)),
    st.tuples(st.just("foreign"), st.sampled_from(FILES), st.just(0)),
    st.tuples(st.just("swap"), st.sampled_from(FILES), st.integers(0, 3)),
)


def corrupt(folder: Path, other: Path, how: str, name: str, number: int) -> None:
    path = folder / name
    if how == "truncate":
        path.write_bytes(path.read_bytes()[:number])
    elif how == "flip":
        data = bytearray(path.read_bytes())
        if not data:  # truncated to nothing by an earlier step: no byte to flip
            return
        data[number % len(data)] ^= 0x55
        path.write_bytes(bytes(data))
    elif how == "delete":
        path.unlink()
    elif how == "foreign":
        shutil.copy(other / name, path)
    elif how == "swap" and name.startswith("parts/"):
        partner = folder / f"parts/mm3__r{number:05d}.{name.split('.', 1)[1]}"
        if not partner.exists():  # deleted by an earlier step: the part moves into its place
            path.rename(partner)
            return
        a, b = path.read_bytes(), partner.read_bytes()
        path.write_bytes(b)
        partner.write_bytes(a)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(corruptions, min_size=1, max_size=3))
@example(
    steps=[
        ("delete", "parts/mm3__r00000.measures.parquet", 0),
        ("swap", "parts/mm3__r00001.measures.parquet", 0),
    ]
)
@example(
    steps=[
        ("truncate", "parts/mm3__r00000.measures.parquet", 0),
        ("flip", "parts/mm3__r00000.measures.parquet", 0),
    ]
)
def test_any_corruption_is_repaired_or_refused_never_mixed_in(finished, steps):
    run, other = finished
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "run"
        shutil.copytree(run, folder)
        for how, name, number in steps:
            if (folder / name).exists():
                corrupt(folder, other, how, name, number)
        try:
            run_into(folder)
        except StoreError as error:
            assert "\n" not in str(error)
            return
        assert (folder / "summary.csv").read_bytes() == (run / "summary.csv").read_bytes()
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "complete"


# -- who may resume a folder, and when -----------------------------------------------------------
def _with_made_by(folder: Path, **change: object) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if change.get("drop"):
        del manifest["made_by"]
    else:
        manifest["made_by"] = {**manifest["made_by"], **change}
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"code": "0" * 64}, "made by caresim code 000000000000, this is "),
        ({"numpy": "1.0.0"}, "made by numpy 1.0.0, this is numpy "),
        ({"drop": True}, "does not say which caresim code made its results"),
    ],
)
def test_a_folder_made_by_other_code_or_numpy_is_refused_and_left_as_it_was(
    cli, finished, tmp_path, change, expected
):
    folder = tmp_path / "run"
    shutil.copytree(finished[0], folder)
    _with_made_by(folder, **change)
    before = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    flags = [item for text in SHORT for item in ("--set", text)]
    code, _, err = cli("run", MM3, *flags, "--out", folder, "--quiet")
    assert code == 2 and err.count("\n") == 1 and expected in err, err
    assert {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_the_manifest_records_what_made_the_results(finished):
    made_by = json.loads((finished[0] / "manifest.json").read_text(encoding="utf-8"))["made_by"]
    assert set(made_by) == {"code", "numpy", "simpy"} and len(made_by["code"]) == 64
    assert (
        made_by["numpy"]
        == json.loads((finished[0] / "manifest.json").read_text())["versions"]["numpy"]
    )


def test_a_folder_another_run_is_writing_into_is_refused_until_it_ends(cli, finished, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(finished[0], folder)
    flags = [item for text in SHORT for item in ("--set", text)]
    config_hash = json.loads((folder / "manifest.json").read_text())["config_hash"]
    with ResultStore.open(folder, config_hash, {}):
        code, _, err = cli("run", MM3, *flags, "--out", folder, "--quiet")
        assert code == 2 and err.count("\n") == 1, err
        assert "another caresim run is writing into it now" in err, err
    code, _, err = cli("run", MM3, *flags, "--out", folder, "--quiet")
    assert code == 0, err
    assert (folder / "summary.csv").read_bytes() == (finished[0] / "summary.csv").read_bytes()


def test_runs_started_in_the_same_second_get_folders_of_their_own(tmp_path):
    from caresim.runs.store import default_folder

    folders = [default_folder("PCN baseline", "20261204-101500", tmp_path) for _ in range(3)]
    assert [f.name for f in folders] == [
        "pcn-baseline-20261204-101500",
        "pcn-baseline-20261204-101500-2",
        "pcn-baseline-20261204-101500-3",
    ]
    assert all(f.is_dir() and not any(f.iterdir()) for f in folders)


@pytest.mark.parametrize("command", ["run", "experiment"])
def test_an_empty_out_is_refused_not_the_working_folder(cli, command):
    target = MM3 if command == "run" else ROOT / "experiments/mm3_staffing.yaml"
    code, _, err = cli(command, target, "--out", "", "--quiet")
    assert code == 2 and err.count("\n") == 1 and "--out: expected a path" in err, err
