"""Calibration: a run compares the model with observed figures and says how many it meets."""

import pandas as pd

from tests.caresim.test_cli_run import SMALL

TARGETS = """\
calibration:
  - measure: general_practice.clinic.arrivals
    low: 1000
    high: 1300
    source: "4 an hour for 280 hours (the config's own rate)"
  - measure: general_practice.clinic.wait_mean
    low: 100
    high: 200
    source: "a target no clinic of two GPs is this slow at"
"""


def test_a_run_writes_calibration_csv_and_prints_how_many_targets_it_met(
    cli, write_config, tmp_path
):
    out = tmp_path / "out"
    code, stdout, _ = cli("run", write_config(SMALL + TARGETS), "--out", out)
    assert code == 0
    table = pd.read_csv(out / "calibration.csv")
    assert list(table.columns) == [
        "setting",
        "group",
        "measure",
        "target_low",
        "target_high",
        "source",
        "mean",
        "ci_low",
        "ci_high",
        "within",
    ]
    arrivals, wait = table.itertuples()
    assert arrivals.within and 1000 <= arrivals.mean <= 1300
    assert arrivals.ci_low <= arrivals.mean <= arrivals.ci_high
    assert not wait.within and wait.mean < 100
    assert "calibration: 1 of 2 targets met; missed: general_practice.clinic.wait_mean" in stdout


def test_a_target_naming_an_unknown_measure_is_a_one_line_error(cli, write_config, tmp_path):
    path = write_config(SMALL + TARGETS.replace("clinic.wait_mean", "clinic.wiat_mean"))
    code, _, stderr = cli("run", path, "--out", tmp_path / "out")
    assert code != 0
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert str(path) in stderr and "calibration[1].measure" in stderr and "wiat_mean" in stderr
    assert not (tmp_path / "out" / "calibration.csv").exists()
    code, _, stderr = cli("validate", path)
    assert code != 0 and "calibration[1].measure" in stderr


def test_a_target_with_an_unknown_setting_is_refused_when_the_config_is_read(cli, write_config):
    path = write_config(SMALL + TARGETS.replace("general_practice.clinic.arrivals", "gp.x.y"))
    code, _, stderr = cli("validate", path)
    assert code != 0 and "calibration" in stderr and "unknown setting 'gp'" in stderr
