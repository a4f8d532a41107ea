"""``caresim run --workers N``: the replications on N local processes, the same files as serially."""

from __future__ import annotations

import json

from tests.conftest import ROOT

MM3 = ROOT / "configs/validation/mm3.yaml"


def test_a_run_on_two_workers_writes_the_files_a_serial_run_writes(cli, tmp_path):
    common = ("--replications", 4, "--seed", 3, "--quiet", "--set", "run.horizon=3000 hours")
    assert cli("run", MM3, *common, "--workers", 1, "--out", tmp_path / "one")[0] == 0
    assert cli("run", MM3, *common, "--workers", 2, "--out", tmp_path / "two")[0] == 0
    for name in ("summary.csv", "replications.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    manifest = json.loads((tmp_path / "two" / "manifest.json").read_text())
    assert manifest["backend"] == "on 2 local worker processes"


def test_workers_are_a_whole_number_of_at_least_one(cli):
    code, _, err = cli("run", MM3, "--workers", 0)
    assert code != 0
    assert err.strip().splitlines() == [
        "caresim: error: argument --workers: expected a whole number of at least 1, got 0"
    ]
