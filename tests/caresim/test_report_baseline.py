"""The report of the PCN baseline says what the baseline is: every setting, stream, pool and
queue it has, its sources, its starting state, and how its arrivals are really generated."""

from __future__ import annotations

import html
import re

import pytest

from caresim.config.files import load_config
from tests.conftest import ROOT

BASELINE = ROOT / "configs/pcn_baseline.yaml"


@pytest.fixture(scope="module")
def baseline_page(tmp_path_factory):
    from caresim.cli import main

    out = tmp_path_factory.mktemp("baseline") / "run"
    code = main(
        [
            "run",
            str(BASELINE),
            "--replications",
            "2",
            "--set",
            "run.warm_up=7 days",
            "--set",
            "run.horizon=21 days",
            "--out",
            str(out),
            "--quiet",
            "--report",
        ]
    )
    assert code == 0
    return (out / "report.html").read_text(encoding="utf-8")


def section(page: str, key: str) -> str:
    """The text of one section, tags and figures removed."""
    body = page.split(f'<section id="{key}">', 1)[1].split("</section>", 1)[0]
    body = re.sub(r"<img[^>]*>", "", body)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_no_component_the_baseline_has_reads_not_recorded(baseline_page):
    for key in ("objectives", "logic", "data", "experimentation"):
        text = section(baseline_page, key)
        assert "not recorded" not in text, (key, text[text.find("not recorded") - 200 :][:300])
    logic = section(baseline_page, "logic")
    assert not re.search(r"\b0 (stream|step|staff pool|bed)", logic)
    assert "in no setting" not in logic


def test_the_logic_names_all_four_settings_and_counts_what_the_config_has(baseline_page):
    config = load_config(BASELINE).config
    logic = section(baseline_page, "logic")
    overview = logic.split("2.2 Scenario logic")[0]
    for setting in ("general practice", "district nursing", "intermediate care", "hospital"):
        assert setting in overview
    assert f"{len(config.staff)} staff pool(s)" in overview
    assert f"{len(config.beds)} bed or place pool(s)" in overview
    activities = config.general_practice.activities
    assert f"{len(activities) + 1} source(s) of demand" in overview  # + emergency attendances
    for name in [*config.staff, *config.beds, *activities, *config.district_nursing.visit_kinds]:
        assert name in logic, name
    registered = sum(p.registered for p in config.population.practices.values())
    assert f"{registered:,} registered" in logic


def test_the_arrivals_and_the_start_are_described_as_they_are(baseline_page):
    logic = section(baseline_page, "logic")
    assert "peak rate" not in logic  # profiles are inverted exactly, not thinned
    assert "inverting the cumulative rate" in logic
    start = section(baseline_page, "experimentation")
    assert "no patients waiting" not in start
    config = load_config(BASELINE).config
    assert f"{config.starting_state.hospital.occupied_beds} acute beds occupied" in start
    assert f"{config.starting_state.district_nursing.open_episodes} episodes open" in start


def test_the_data_sources_are_the_config_files_own_citations(baseline_page):
    data = section(baseline_page, "data")
    sources = data.split("3.2 Pre-processing")[0]
    for cited in ("NHS Digital", "IPACS", "Health Foundation"):
        assert cited in sources
    assumptions = data.split("3.4 Assumptions")[1]
    assert "assumption" in assumptions.lower()
