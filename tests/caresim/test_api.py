"""caresim from Python: a researcher loads a scenario, runs it, and gets the tables the command line
writes, value for value; the example script in docs/ runs as documented."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import caresim
from caresim.config.files import ConfigError
from tests.conftest import ROOT

MM3 = ROOT / "configs/validation/mm3.yaml"
SHORT = ["run.horizon=3000 hours", "run.warm_up=100 hours"]


def test_run_gives_the_summary_and_replications_the_command_line_writes(cli, tmp_path):
    code, _, err = cli(
        "run",
        MM3,
        "--replications",
        3,
        "--seed",
        4,
        "--out",
        tmp_path / "cli",
        "--quiet",
        *[part for override in SHORT for part in ("--set", override)],
    )
    assert code == 0, err
    results = caresim.run(caresim.load(MM3, SHORT), replications=3, seed=4)
    written = pd.read_csv(tmp_path / "cli" / "summary.csv")
    assert list(results.summary.columns) == list(written.columns)
    pd.testing.assert_frame_equal(
        results.summary.reset_index(drop=True), written, check_dtype=False, rtol=0, atol=0
    )
    assert sorted(results.replications["replication"].unique()) == [0, 1, 2]


def test_workers_and_a_folder_give_the_same_results_as_one_process(tmp_path):
    scenario = caresim.load(MM3, SHORT)
    alone = caresim.run(scenario, replications=3, seed=2, workers=1)
    pooled = caresim.run(scenario, replications=3, seed=2, workers=2, out=tmp_path / "run")
    pd.testing.assert_frame_equal(alone.summary, pooled.summary, check_dtype=False)
    assert (tmp_path / "run" / "summary.csv").exists()
    command = json.loads((tmp_path / "run" / "manifest.json").read_text())["command"]
    assert command == [
        f"caresim.run({str(MM3)!r}, replications=3, seed=2, workers=2, scheduler=None, "
        f"out={str(tmp_path / 'run')!r})"
    ]


def test_seed_and_replications_given_to_run_replace_the_configs():
    scenario = caresim.load(MM3, SHORT)
    assert scenario.config.run.replications == 10
    results = caresim.run(scenario, replications=2, seed=9)
    other = caresim.run(scenario, replications=2, seed=10)
    assert results.replications["replication"].nunique() == 2
    assert not results.summary["mean"].equals(other.summary["mean"])


def test_a_bad_override_is_the_one_line_config_error():
    with pytest.raises(ConfigError, match=r"run\.horizon"):
        caresim.load(MM3, ["run.horizon=soon"])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: caresim.run(s, workers=2.5), ValueError, r"^workers: expected a whole number"),
        (lambda s: caresim.run(s, workers="2"), ValueError, r"^workers: expected a whole number"),
        (lambda s: caresim.run(s, workers=True), ValueError, r"^workers: expected a whole number"),
        (lambda s: caresim.run(s, replications="3"), ValueError, r"^replications: expected"),
        (lambda s: caresim.run(s, seed=1.5), ValueError, r"^seed: expected a whole number"),
        (lambda s: caresim.run(s, scheduler=123), TypeError, r"^scheduler: expected an address"),
        (lambda s: caresim.run({"name": "x"}), TypeError, r"^scenario: expected what caresim"),
        (lambda s: caresim.run(None), TypeError, r"^scenario: expected"),
        (lambda s: caresim.load(MM3, [5]), TypeError, r"^overrides: expected strings"),
        (lambda s: caresim.load(MM3, [b"run.seed=1"]), TypeError, r"^overrides: expected"),
    ],
)
def test_arguments_of_the_wrong_kind_are_named_in_one_line(call, error, message):
    scenario = caresim.load(MM3, SHORT)
    with pytest.raises(error, match=message) as raised:
        call(scenario)
    assert "\n" not in str(raised.value)


def test_one_override_may_be_a_string():
    assert caresim.load(MM3, "run.replications=3").config.run.replications == 3


@pytest.mark.functional
def test_the_example_script_in_docs_runs_as_documented():
    done = subprocess.run(
        [sys.executable, "docs/api_example.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["3 clinicians", "4 clinicians"]
    waits = [float(line.split("mean wait ")[1].split()[0]) for line in lines]
    assert waits[1] < waits[0]  # a fourth clinician shortens the wait


def test_importing_caresim_does_not_load_the_api_until_it_is_used():
    code = "import sys, caresim; print('caresim.api' in sys.modules, 'pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "False"]
