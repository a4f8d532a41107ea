"""The report in a real browser: it loads with nothing fetched from elsewhere, every embedded figure
is decoded and shown, and the sections read in STRESS-DES order.

With ``CARESIM_WRITE_DOCS=1`` the screenshots taken here are also written to ``docs/images/``,
where the README shows them.
"""

from __future__ import annotations

import os

import pytest

from caresim.cli import main
from caresim.outputs.report import STRESS_SECTIONS, write_report
from tests.caresim.conftest import DOCS_IMAGES
from tests.caresim.result_folders import SCENARIOS, experiment_folder, run_folder


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = run_folder(tmp_path_factory.mktemp("browser"), "--events")
    assert main(["report", str(folder), "--target", "triage=30 min"]) == 0
    return folder / "report.html"


def test_the_report_shows_every_figure_in_a_browser_without_fetching_anything(
    browser, report, tmp_path
):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(report.as_uri(), wait_until="load")

    assert [url for url in fetched if not url.startswith(("file:", "data:"))] == []
    images = page.eval_on_selector_all(
        "figure img", "images => images.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    figures = list((report.parent / "figures").glob("*.png"))
    assert len(images) == len(figures) >= 8
    assert all(complete and width > 300 and height > 100 for complete, width, height in images)
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert headings == [heading for _, heading in STRESS_SECTIONS]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200  # nothing spills over
    shown = page.locator("#figure-capacity_nurses img").bounding_box()
    assert shown is not None and shown["width"] > 500

    folder = DOCS_IMAGES if os.environ.get("CARESIM_WRITE_DOCS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "report-top.png"))
    page.locator("#figure-capacity_nurses").screenshot(path=str(folder / "report-capacity.png"))
    page.locator("#figure-wait_distribution").screenshot(path=str(folder / "report-waits.png"))
    page.close()
    for name in ("report-top.png", "report-capacity.png", "report-waits.png"):
        assert (folder / name).read_bytes().startswith(b"\x89PNG")


#: What a board will scroll through: the shipped experiments' reports stay under this.
TALLEST_REPORT_PX = 15_000
#: Six measures named, as the longest experiment files name them.
NAMED = (
    "general_practice.triage.wait_mean",
    "general_practice.triage.wait_p95",
    "general_practice.nurses.utilisation",
    "hospital.observe.turned_away_share",
    "hospital.observation.occupancy_mean",
    "system.all.time_in_system_mean",
)


def test_an_experiment_report_of_many_scenarios_and_measures_stays_short(browser, tmp_path):
    # Nine scenarios, a grid and one-way sweeps of nurses and beds: every figure that compares
    # scenarios, and admissions by source on the first page, as a care system's experiment has.
    folder = experiment_folder(tmp_path, measures=NAMED, admission_sources=True)
    report = write_report(folder)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_selector("footer", state="attached")
    height = page.evaluate("document.documentElement.scrollHeight")
    # What makes it short must not hide what a board asked for: every named measure and every
    # scenario is in view on the first page, outside any folded part.
    first = page.locator("#summary table").first
    headings = first.locator("thead th").all_text_contents()
    scenarios = first.locator("tbody tr td:first-child").all_text_contents()
    visible = first.is_visible()
    sources = page.locator("#summary table").nth(1).locator("thead th").all_text_contents()
    figures = page.locator("#summary figure img").evaluate_all(
        "images => images.map(i => [i.complete, i.getBoundingClientRect().height])"
    )
    page.close()
    assert 3000 < height < TALLEST_REPORT_PX
    assert len(headings) == 1 + len(NAMED) and visible
    assert scenarios == ["base (baseline)", *(s for s in SCENARIOS if s != "base")]
    assert len(sources) == 1 + 3  # no one came from district nursing: left out
    assert len(figures) >= 4 and all(done and shown > 100 for done, shown in figures)
