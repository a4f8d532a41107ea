"""Mistakes in the social care and discharge sections are named in one line, by key path."""

import pytest

from tests.conftest import ROOT

SMALL = str(ROOT / "configs/teaching/whole_system.yaml")


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ("social_care.home_care.uses=nowhere", ["social_care.home_care.uses", "unknown bed pool"]),
        (
            "social_care.care_home.uses=acute",
            ["social_care.care_home.uses", "already used; each use needs its own pool"],
        ),
        (
            "intermediate_care.bed_based.step_up_uses=ic_beds",
            ["intermediate_care.bed_based.step_up_uses", "already used"],
        ),
        (
            "social_care.care_home=null",
            ["hospital.discharge_needs.pathway_3.care_home", "needs social_care.care_home"],
        ),
        (
            "hospital.discharge_needs.pathway_1={home_based: 0.5, home_care: 0.6}",
            ["hospital.discharge_needs.pathway_1"],
        ),
    ],
)
def test_a_discharge_config_mistake_is_named_in_one_line(cli, override, needles):
    code, out, err = cli("validate", SMALL, "--set", override)
    assert code != 0
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
