"""`caresim report DIR`: one self-contained report.html, in STRESS-DES order, with the figures
embedded and the intervals of summary.csv; clear one-line errors for folders it cannot use."""

from __future__ import annotations

import base64
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree

import pandas as pd
import pytest

from caresim.outputs.formatting import format_number
from caresim.outputs.report import STRESS_SECTIONS, write_report
from tests.caresim.result_folders import experiment_folder, run_folder

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """A run with its event log."""
    return run_folder(tmp_path_factory.mktemp("report"), "--events")


@pytest.fixture(scope="module")
def page(reported):
    from caresim.cli import main

    assert main(["report", str(reported), "--target", "triage=30 min"]) == 0
    return (reported / "report.html").read_text(encoding="utf-8")


def embedded_pngs(page: str) -> list[bytes]:
    return [
        base64.b64decode(data)
        for data in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    ]


def test_the_report_is_one_self_contained_page_with_every_figure_embedded(reported, page):
    images = embedded_pngs(page)
    written = sorted((reported / "figures").glob("*.png"))
    assert len(images) == len(written) >= 8
    assert all(image.startswith(PNG_SIGNATURE) for image in images)
    assert sorted(images) == sorted(p.read_bytes() for p in written)
    # nothing to fetch: no scripts, stylesheets, fonts or images from elsewhere
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r'(src|href)="(?!data:|#)', page)
    assert "url(" not in page


def test_the_sections_follow_the_stress_des_order(page):
    positions = [
        page.index(f'<section id="{key}"><h2>{heading}</h2>') for key, heading in STRESS_SECTIONS
    ]
    assert positions == sorted(positions)
    subsections = re.findall(r"<h3>(\d\.\d) ", page)
    assert subsections[:18] == [
        "1.1", "1.2", "1.3",
        "2.1", "2.2", "2.3", "2.4",
        "3.1", "3.2", "3.3", "3.4",
        "4.1", "4.2", "4.3",
        "5.1", "5.2", "5.3", "5.4",
    ]  # fmt: skip


def test_the_run_settings_are_reported(page):
    assert "A walk-in clinic whose nurses send one patient in five" in page
    assert "4 replications" in page and "seed 3" in page
    assert "14 days (336 hours)" in page and "warm-up 2 days (48 hours)" in page
    assert "SeedSequence" in page and "simpy" in page and "cpus" in page
    assert re.search(r"run time</th><td>[0-9.]+ seconds", page)
    assert "event log kept</th><td>yes" in page


def test_the_sources_and_assumptions_come_from_the_config_files_comments(page):
    data = page[page.index('<section id="data">') : page.index('<section id="experimentation">')]
    sources = data[: data.index("3.2 Pre-processing")]
    assert "Stevens et al., BMJ Open 2017" in sources
    assert "services.triage.duration" in sources and "staff.nurses.headcount" in sources
    assumptions = data[data.index("3.4 Assumptions") :]
    assert "two days are enough for the queues to settle" in assumptions
    assert "run.warm_up" in assumptions
    assert "two days are enough" not in sources


def test_the_summary_table_shows_the_intervals_of_summary_csv(reported, page):
    summary = pd.read_csv(reported / "summary.csv")
    results = page[page.index('<section id="results">') :]
    assert results.count("<tr>") >= len(summary)
    for group, measure in [("triage", "wait_mean"), ("nurses", "utilisation"), ("all", "arrivals")]:
        row = summary[(summary["group"] == group) & (summary["measure"] == measure)].iloc[0]
        interval = f"{format_number(row.ci_low, '–')} to {format_number(row.ci_high, '–')}"
        assert f'<td class="number">{format_number(row["mean"], "–")}</td>' in results
        assert f'<td class="number">{interval}</td>' in results


def test_every_figure_is_written_as_png_and_svg(reported, page):
    pngs = sorted((reported / "figures").glob("*.png"))
    assert {p.stem for p in pngs} >= {
        "waits",
        "wait_distribution",
        "queue_length",
        "in_use",
        "staff_workload",
        "bed_occupancy",
        "capacity_nurses",
        "capacity_observation",
    }
    for png in pngs:
        assert png.stat().st_size > 1000 and png.read_bytes().startswith(PNG_SIGNATURE)
        svg = png.with_suffix(".svg")
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg") and svg.stat().st_size > 1000
        assert f"figures/{png.name}" in page


def test_a_figure_whose_measure_is_absent_is_listed_as_not_drawn(page):
    missing = page[page.index("Figures not drawn") :]
    assert "Bed-days lost to delayed discharges" in missing
    assert "no delayed_discharge_bed_days measure in summary.csv" in missing


def test_the_target_given_is_drawn(page):
    assert "Red ticks mark the waiting-time targets" in page


def test_run_with_report_writes_the_report_at_the_end(tmp_path):
    out = run_folder(tmp_path, "--report", "--replications", "2")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>7. Results</h2>" in page and len(embedded_pngs(page)) >= 6
    assert "no event log in this folder (a run with --events has one)" in page
    assert "Stevens et al., BMJ Open 2017" in page

    (tmp_path / "clinic.yaml").unlink()  # the config file moved away since the run
    page = write_report(out).read_text(encoding="utf-8")
    sources = page[page.index("3.1 Data sources") : page.index("3.2 Pre-processing")]
    assert "not recorded: the config file" in sources and "is not available here" in sources
    assert "services.triage.duration" in page  # the parameters come from the manifest


def test_report_out_writes_the_page_where_asked(cli, reported, tmp_path):
    code, out, _ = cli("report", reported, "--out", tmp_path / "elsewhere.html")
    assert code == 0 and "elsewhere.html" in out
    assert (tmp_path / "elsewhere.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def one_line_error(cli, *args) -> str:
    code, out, err = cli(*args)
    assert code == 2 and "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_folder_that_is_not_a_finished_result_gets_one_line(cli, reported, tmp_path):
    missing = tmp_path / "nowhere"
    assert one_line_error(cli, "report", missing) == f"caresim: error: {missing}: no such folder"

    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_line_error(cli, "report", empty)
    assert str(empty) in line and "not a caresim result folder" in line

    unfinished = tmp_path / "unfinished"
    shutil.copytree(reported, unfinished)
    manifest = json.loads((unfinished / "manifest.json").read_text())
    (unfinished / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    line = one_line_error(cli, "report", unfinished)
    assert str(unfinished) in line and "has not finished" in line
    assert not (unfinished / "report.html").exists() or (unfinished / "report.html").read_text()

    (unfinished / "manifest.json").write_text("{not json")
    assert "cannot be read" in one_line_error(cli, "report", unfinished)

    line = one_line_error(cli, "report", reported, "--target", "triage=soon")
    assert "--target triage=soon" in line and "duration" in line


def test_an_experiment_report_compares_the_scenarios(tmp_path):
    folder = experiment_folder(tmp_path)
    page = write_report(folder).read_text(encoding="utf-8")
    assert "clinic_capacity: simulation experiment report" in page
    assert "9 scenarios" in page
    assert "How many nurses &amp; observation beds does the clinic need &lt;today&gt;?" in page
    assert "<today>" not in page
    sources = page[page.index("3.1 Data sources") : page.index("3.2 Pre-processing")]
    assert "not recorded: no config file is named in the manifest" in sources
    comparison = pd.read_csv(folder / "comparison.csv")
    shown = comparison[comparison["measure"] != "arrivals"]
    table = page[page.index("7.2 Comparison with the baseline") : page.index("7.3 Figures")]
    assert table.count('<tr class="distinguishable">') == int(
        shown[
            shown["measure"].isin(
                [
                    "wait_mean",
                    "utilisation",
                    "time_in_system_mean",
                    "wait_p95",
                    "turned_away_share",
                    "overtime_hours",
                    "occupancy_mean",
                ]
            )
        ]["distinguishable"].sum()
    )
    for name in ("comparison", "tornado", "capacity_nurses", "response_staff_nurses_headcount"):
        assert f'id="figure-{name}"' in page
    scenario_logic = page[page.index("2.2 Scenario logic") : page.index("2.3 Algorithms")]
    assert scenario_logic.count("staff.nurses.headcount") == 9


def test_an_experiment_without_comparison_or_design_still_reports(tmp_path):
    folder = experiment_folder(tmp_path, comparison=False, scenarios=False)
    page = write_report(folder).read_text(encoding="utf-8")
    missing = page[page.index("Figures not drawn") :]
    assert "no comparison.csv" in missing and "no scenarios.csv" in missing
    assert "no event log in this folder" in missing
    assert "not recorded: no comparison.csv in this folder" in page


def test_an_experiment_naming_measures_shows_them_first_and_folds_the_long_parts(tmp_path):
    named = ("general_practice.triage.wait_mean", "hospital.observe.turned_away_share")
    folder = experiment_folder(tmp_path, measures=named)
    page = write_report(folder).read_text(encoding="utf-8")
    board, rest = page.split('<nav aria-label="contents">', 1)
    # The first page: a panel per named measure, the page's width; every measure comes later.
    assert '<figure id="figure-comparison" class="wide">' in board
    assert "figure-differences" not in board
    results = rest[rest.index("7.3 Figures") :]
    assert re.search(
        r"<details><summary>Figure \d+\. Every measure against the baseline</summary>"
        r'<figure id="figure-differences">',
        results,
    )
    # Reference parts fold: what each scenario sets (18 rows).
    logic = rest[rest.index("2.2 Scenario logic") : rest.index("2.3 Algorithms")]
    assert "<summary>Show what each scenario sets (18 rows)</summary>" in logic
    # The first page folds only what is past its first four figures: here the heatmap.
    opened, folded = board.split("<details>", 1)
    assert opened.count("<table>") == 1 and opened.count("<figure") == 4
    assert folded.startswith("<summary>1 more figure that compares scenarios</summary>")
    assert 'id="figure-heatmap_' in folded and "<details>" not in folded


def test_the_board_page_keeps_a_baseline_interval_within_what_the_measure_can_be():
    """A t-interval over two replications can cross zero or 100%; a wait or a share cannot."""
    from caresim.outputs.report_board import _baseline_cell

    share = _baseline_cell({"mean": 0.95, "ci_low": 0.88, "ci_high": 1.01, "unit": "proportion"})
    assert "1.01" not in share and "to 1" in share
    wait = _baseline_cell({"mean": 9.9, "ci_low": -5.4, "ci_high": 25.3, "unit": "days"})
    assert "-5.4" not in wait and "0 to 25.3" in wait
