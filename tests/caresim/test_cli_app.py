"""``caresim app``: how the command starts the teaching app, and what it says when it cannot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from caresim.cli import app_command
from tests.conftest import ROOT


def test_without_streamlit_the_app_command_says_in_one_line_how_to_install_it(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "streamlit", None)  # as if it were not installed
    code, out, err = cli("app", "--port", "8599")
    assert code == 2
    assert out == ""
    assert err == ("caresim: error: the teaching app needs Streamlit: pip install 'caresim[app]'\n")


def test_the_app_is_streamlit_serving_the_page_headless_and_sending_no_usage_statistics():
    command = app_command(8765)
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(command[4]) == ROOT / "caresim" / "app" / "page.py"
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.port"] == "8765"
    assert flags["--server.address"] == "127.0.0.1"  # this computer only, unless asked
    assert flags["--server.headless"] == "true"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert app_command(9000, "0.0.0.0")[app_command(9000).index("--server.address") + 1] == (
        "0.0.0.0"
    )


def test_a_scenarios_folder_that_is_not_there_is_refused(cli, tmp_path):
    code, _, err = cli("app", "--scenarios", tmp_path / "missing")
    assert code == 2
    assert err.strip() == f"caresim: error: --scenarios {tmp_path / 'missing'}: no such folder"


def test_a_port_of_zero_is_refused(cli):
    code, _, err = cli("app", "--port", "0")
    assert code == 2 and "at least 1" in err


def test_the_command_line_does_not_load_streamlit_until_the_app_is_asked_for():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, caresim.cli; print('streamlit' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert loaded.stdout.strip() == "False"
