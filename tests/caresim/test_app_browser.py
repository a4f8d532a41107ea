"""The teaching app in a real browser: ``caresim app`` serves the page, a teacher runs a scenario,
adds a clinician, runs again, and sees the headline figure and the comparison change.

With ``CARESIM_WRITE_DOCS=1`` the screenshots taken here are also written to ``docs/images/``,
where the README shows them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.caresim.conftest import DOCS_IMAGES
from tests.conftest import ROOT

STARTUP_SECONDS = 60
WAIT_MS = 180_000  # a run on a busy machine; the test waits for the page to say it finished
WAIT_LABEL = "Mean wait: triage (minutes)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def caresim_command() -> list[str]:
    """The ``caresim`` console script of this Python, or the module if it is not installed."""
    script = Path(sys.executable).with_name("caresim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "caresim.cli"]


def wait_until_served(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"caresim app stopped at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"caresim app did not serve within {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture
def served_app(tmp_path):
    """``caresim app`` on a free port of this computer; stopped (Ctrl-C, then kill) at the end."""
    port = free_port()
    log = tmp_path / "app.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                *caresim_command(),
                "app",
                "--port",
                str(port),
                "--scenarios",
                str(ROOT / "configs" / "teaching"),
            ],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_served(url, server, log)
        yield url, server, log
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def headline(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_a_teacher_adds_a_clinician_and_sees_the_wait_fall_against_the_previous_run(
    browser, served_app, tmp_path
):
    from playwright.sync_api import expect

    url, server, log = served_app
    page = browser.new_page(viewport={"width": 1400, "height": 1500})
    page.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)  # expect's own default is 5 s, too short for a run
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(url, wait_until="load")

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="practice queue", exact=True).click()
    expect(page.get_by_test_id("stHeading").filter(has_text="practice queue").first).to_be_visible()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("Run 1 finished")).to_be_visible()
    wait = headline(page, WAIT_LABEL)
    expect(wait).to_be_visible()
    first = wait.inner_text()
    assert float(first) > 10
    expect(page.get_by_text("Change a control and press Run again")).to_be_visible()
    expect(page.get_by_text("Not drawn for this scenario")).to_be_visible()  # the page's end
    expect(page.get_by_test_id("stImage").first).to_be_visible()
    folder = DOCS_IMAGES if os.environ.get("CARESIM_WRITE_DOCS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "app-run.png"))

    clinicians = sidebar.get_by_test_id("stNumberInput").filter(has_text="clinicians")
    clinicians.get_by_test_id("stNumberInputStepUp").click()
    expect(clinicians.locator("input")).to_have_value("4")
    expect(page.get_by_text("The controls have changed since this run")).to_be_visible()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("Run 2 finished")).to_be_visible()
    expect(wait).not_to_have_text(first)
    second = wait.inner_text()
    assert float(second) < float(first) / 2
    delta = page.get_by_test_id("stMetric").filter(has_text=WAIT_LABEL)
    expect(delta.get_by_test_id("stMetricDelta")).to_contain_text("-")

    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text("Mean wait: triage")
    row = table.locator("tr").filter(has_text="Mean wait: triage")
    cells = row.locator("td").all_inner_texts()
    assert cells[0].startswith(f"{first} minutes")  # the previous run
    assert cells[1].startswith(f"{second} minutes")  # this run
    expect(page.get_by_text("Run 2 (practice_queue) against run 1")).to_be_visible()
    page.get_by_role("tab", name="Trade-off").click()
    expect(page.get_by_text("Theory (lines: Erlang C")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 1750})  # down to the foot of the curve
    page.wait_for_timeout(500)  # the tab's underline slides across
    page.screenshot(path=str(folder / "app-comparison.png"))

    origin = url.removeprefix("http://")
    assert [u for u in fetched if not u.startswith((f"http://{origin}", "data:", "blob:"))] == []
    for name in ("app-run.png", "app-comparison.png"):
        assert (folder / name).read_bytes().startswith(b"\x89PNG")
    page.close()

    server.send_signal(signal.SIGINT)  # Ctrl-C
    assert server.wait(timeout=20) == 0, log.read_text()
