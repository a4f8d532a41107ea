"""Nothing wrong is ever silent: each kind of bad input or bad folder is one line, named."""

from __future__ import annotations

import math
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from caresim.config.files import MAX_EXTENDS, ConfigError, load_config
from caresim.config.reading import MAX_FILE_BYTES
from caresim.errors import CaresimError
from caresim.experiments.files import ExperimentError
from caresim.outputs.results import ResultFolderError
from caresim.runs.backends import BackendError, DaskBackend
from caresim.runs.store import StoreError
from tests.conftest import ROOT

pytestmark = pytest.mark.functional  # whole runs into folders

MM3 = ROOT / "configs/validation/mm3.yaml"
SHORT = ["--set", "run.horizon=200 hours", "--set", "run.replications=2"]


def one_line(code: int, err: str, *fragments: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_every_error_a_user_can_cause_is_a_caresim_error():
    for kind in (ConfigError, ExperimentError, StoreError, ResultFolderError, BackendError):
        assert issubclass(kind, CaresimError)
    assert str(ConfigError("a\n  b")) == "a b"  # one line, whatever the message was given as


# -- bounded reading -------------------------------------------------------------------------------
def test_only_regular_files_are_read_and_never_for_ever(cli, tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    one_line(*cli("validate", fifo)[::2], str(fifo), "not a regular file")
    one_line(*cli("validate", "/dev/zero")[::2], "/dev/zero", "not a regular file")
    assert time.monotonic() - started < 5


def test_a_file_past_the_size_bound_is_refused_unread(cli, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: x\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    one_line(*cli("validate", big)[::2], str(big), "at most")


def test_a_long_extends_chain_is_one_line_not_a_recursion_error(cli, tmp_path):
    for index in range(2000):
        text = f"extends: e{index + 1}.yaml\n" if index < 1999 else "name: x\n"
        (tmp_path / f"e{index}.yaml").write_text(text, encoding="utf-8")
    one_line(*cli("validate", tmp_path / "e0.yaml")[::2], f"more than {MAX_EXTENDS} files")


def test_dates_are_read_as_text_not_timestamps(write_config):
    path = write_config(MM3.read_text(encoding="utf-8") + "\n")
    loaded = load_config(path, ["description=2024-01-01"])
    assert loaded.config.description == "2024-01-01"


# -- validate rejects everything run would, and says what a run costs --------------------------------
def test_validate_says_how_many_patients_a_replication_brings(cli):
    code, out, err = cli("validate", MM3)
    assert code == 0, err
    assert "about 270,000 patients each" in out  # 2.7 an hour for 100,000 hours


def test_a_run_past_the_bound_is_refused_without_yes_and_nothing_is_written(cli, tmp_path):
    flags = ["--set", "run.horizon=900 years", "--set", "run.trace_interval=1 week"]
    out = tmp_path / "out"
    code, _, err = cli("run", MM3, *flags, "--replications", "20", "--out", out)
    one_line(code, err, "patients", "--yes")
    assert not out.exists()


def test_the_estimate_of_a_run_scales_with_demand_and_so_does_the_bound(cli, tmp_path):
    flags = ["--set", "run.horizon=90 years", "--set", "run.trace_interval=1 week"]
    code, out, err = cli("validate", MM3, *flags, "--set", "demand.scale=2")
    assert code == 0, err
    assert "about 4,257,360 patients each" in out  # 2 x 2.7 an hour for 90 years
    out_folder = tmp_path / "out"
    code, _, err = cli("run", MM3, *flags, "--set", "demand.scale=20", "--out", out_folder)
    one_line(code, err, "patients", "--yes")  # 10 replications of 42.6 million
    assert not out_folder.exists()


def test_the_estimate_of_growing_demand_follows_it_year_by_year():
    from caresim.config.cost import run_cost

    config = load_config(
        ROOT / "configs/pcn_baseline.yaml",
        ["run.horizon=3 years", "run.warm_up=0 days", "population.demand_growth=0.5"],
    ).config
    flat = run_cost(load_config(ROOT / "configs/pcn_baseline.yaml", ["run.horizon=1 year"]).config)
    # the integral of 1.5 ** t over three years is (1 + 1.5 + 2.25) x 0.5 / ln 1.5 years
    expected = flat.patients_per_replication * (0.5 / math.log(1.5)) * (1 + 1.5 + 2.25)
    assert run_cost(config).patients_per_replication == pytest.approx(expected, rel=1e-9)


def test_shares_given_to_seven_places_validate_and_run_also_in_a_dated_change(cli, tmp_path):
    thirds = "{high: 0.3333333, medium: 0.3333333, low: 0.3333333}"
    needs = "{home_based: 0.3333333, home_care: 0.3333333, bed_based: 0.3333333}"
    flags = [
        *("--set", "run.horizon=12 days", "--set", "run.warm_up=1 day"),
        *("--set", f"hospital.acuity={thirds}", "--set", "run.replications=1"),
        *("--set", f"changes=[{{at: 10 days, discharge_needs: {{pathway_1: {needs}}}}}]"),
    ]
    baseline = ROOT / "configs/pcn_baseline.yaml"
    code, _, err = cli("validate", baseline, *flags)
    assert code == 0 and "Traceback" not in err, err
    code, _, err = cli("run", baseline, *flags, "--out", tmp_path / "out", "--quiet")
    assert code == 0, err


def test_a_long_run_says_its_cost_before_it_starts(cli, tmp_path, monkeypatch):
    import caresim.cli

    monkeypatch.setattr(caresim.cli, "WARN_SECONDS", 0.0)
    code, _, err = cli("run", MM3, *SHORT, "--out", tmp_path / "out")
    assert code == 0, err
    assert "about 540 patients per replication × 2 replications" in err.splitlines()[0]


# -- reports ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    from caresim.cli import main

    folder = tmp_path_factory.mktemp("report") / "run"
    assert main(["run", str(MM3), *SHORT, "--out", str(folder), "--quiet"]) == 0
    return folder


def test_report_never_writes_over_the_runs_own_files(cli, finished_run):
    summary = (finished_run / "summary.csv").read_bytes()
    for out in ("summary.csv", "manifest.json", "parts/x.html", "."):
        one_line(*cli("report", finished_run, "--out", finished_run / out)[::2], "--out")
    assert (finished_run / "summary.csv").read_bytes() == summary


def test_a_target_for_a_step_the_run_lacks_is_refused(cli, finished_run):
    one_line(
        *cli("report", finished_run, "--target", "clnic=2 hours")[::2],
        "no step 'clnic'",
        "did you mean 'clinic'?",
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("summary.csv", "scenario,setting\nx,y\n", "not a caresim table"),
        ("summary.csv", None, "column mean: expected numbers"),
        ("timeseries.parquet", "not parquet", "cannot be read as a table"),
    ],
)
def test_report_on_garbage_is_one_line(cli, finished_run, tmp_path, name, text, expected):
    folder = tmp_path / "run"
    shutil.copytree(finished_run, folder)
    path = folder / name
    if text is None:  # a number column holding words
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = lines[1].split(",")
        cells[lines[0].split(",").index("mean")] = "garbage"
        lines[1] = ",".join(cells)
        text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    one_line(*cli("report", folder)[::2], str(path), expected)


# -- Dask ----------------------------------------------------------------------------------------
def test_an_address_that_is_not_a_scheduler_fails_in_bounded_time():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    threading.Thread(
        target=lambda: accepted.append(listener.accept()), daemon=True
    ).start()  # answers nothing, as a wrong service might
    address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    started = time.monotonic()
    with pytest.raises(BackendError) as error:
        DaskBackend.connect(address, timeout=2)
    assert time.monotonic() - started < 10
    assert address in str(error.value) and "\n" not in str(error.value)
    listener.close()


def test_workers_of_another_caresim_version_are_refused():
    import distributed

    from caresim.runs.backends import check_worker_versions

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        check_worker_versions(client, cluster.scheduler_address)  # the same version: accepted
        with pytest.raises(BackendError, match="run caresim .* this command 9.9.9"):
            check_worker_versions(client, cluster.scheduler_address, expected="9.9.9")


# -- a model that makes sense --------------------------------------------------------------------
def test_a_route_to_a_named_exit_is_a_way_out_and_a_loop_without_one_is_not(write_config):
    leaves = write_config(
        f"extends: {MM3}\nexits: [home]\nservices:\n  clinic: {{next: !replace {{home: 1.0}}}}\n"
    )
    assert load_config(leaves).config.services["clinic"].next == {"home": 1.0}
    with pytest.raises(ConfigError, match="services.clinic.next: patients at 'clinic' can never"):
        load_config(leaves, ["services.clinic.next={clinic: 1.0}"])


def test_a_day_off_written_as_plain_yaml_off_is_a_day_off():
    quoted = load_config(ROOT / "configs/pcn_baseline.yaml", ["rotas.core_hours.sat='off'"])
    plain = load_config(ROOT / "configs/pcn_baseline.yaml", ["rotas.core_hours.sat=off"])
    assert plain.config.rotas["core_hours"] == quoted.config.rotas["core_hours"]
    assert plain.config.rotas["core_hours"]["sat"] == "off"
