"""The report in a real browser: it loads with nothing fetched from elsewhere, every embedded figure
is decoded and shown, and the sections read in STRESS-DES order.

With ``CARESIM_WRITE_DOCS=1`` the screenshots taken here are also written to ``docs/images/``,
where the README shows them.
"""

from __future__ import annotations

import os

import pytest

from caresim.cli import main
from caresim.outputs.report import STRESS_SECTIONS
from tests.caresim.conftest import DOCS_IMAGES
from tests.caresim.result_folders import run_folder
from tests.conftest import ROOT


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


#: A care system's options, as a board meets them: lower_acuity.yaml on the small place of
#: configs/teaching, its measures and more, its scenarios (four of them changing several places
#: at once), cut to days so that the page's layout, not the results, is what is tested.
BOARD_EXPERIMENT = """\
name: board_options
description: Admission avoidance (off, as now, more) by intermediate care places (as now, more).
base: {base}
set: {{run.horizon: 9 days}}
warm_up: 2 days
seed: 4
replications: 2
measures:
  - hospital.all.admissions
  - hospital.acute.occupancy_mean
  - hospital.all.delayed_discharge_bed_days
  - hospital.admission.wait_mean
  - general_practice.all.wait_mean
  - system.all.total_cost
scenarios:
  avoidance_off: {{hospital.admission_avoidance.share: 0.0}}
  avoidance_off_ic_more: {{hospital.admission_avoidance.share: 0.0, {more_ic}}}
  avoidance_now_ic_more: {{{more_ic}}}
  avoidance_more: {{hospital.admission_avoidance.share: 0.5, beds.virtual_ward.capacity: 4}}
  avoidance_more_ic_more: {{hospital.admission_avoidance.share: 0.5, beds.virtual_ward.capacity: 4, {more_ic}}}
  avoidance_now_gps_more: {{staff.northside_gp.headcount: 4, staff.southside_gp.headcount: 3}}
"""
MORE_IC = "beds.ic_home_places.capacity: 5, beds.ic_beds.capacity: 4, beds.d2a_beds.capacity: 3"
#: What a board will scroll through: the shipped experiments' reports stay under this.
TALLEST_REPORT_PX = 15_000


def test_an_experiment_report_of_many_scenarios_and_measures_stays_short(browser, tmp_path):
    path = tmp_path / "board_options.yaml"
    base = ROOT / "configs/teaching/whole_system.yaml"
    path.write_text(BOARD_EXPERIMENT.format(base=base, more_ic=MORE_IC), encoding="utf-8")
    out = tmp_path / "out"
    arguments = ["experiment", str(path), "--out", str(out), "--workers", "1", "--quiet"]
    assert main([*arguments, "--report"]) == 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((out / "report.html").as_uri(), wait_until="load")
    page.wait_for_selector("#summary table", state="attached")
    height = page.evaluate("document.documentElement.scrollHeight")
    # What makes it short must not hide what a board asked for: every named measure and every
    # scenario is in view on the first page, above the fold of any <details>.
    first = page.locator("#summary table").first  # the named measures, scenario by scenario
    headings = first.locator("thead th").all_text_contents()
    scenarios = first.locator("tbody tr td:first-child").all_text_contents()
    visible = first.is_visible()
    page.close()
    assert 3000 < height < TALLEST_REPORT_PX
    assert len(headings) == 1 + 6 and visible
    assert len(scenarios) == 7 and scenarios[0] == "baseline (baseline)"
