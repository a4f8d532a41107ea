"""The care model's vocabulary, defined once: the settings, the kinds of intermediate care, the
discharge pathways and the intermediate care each leads to, and the role a staff pool plays.

Everything that names one of these (the schema, the settings, the measures, the outputs and the
app) imports it from here, so that a new kind or setting is added in one place.
"""

from __future__ import annotations

from typing import Literal, Protocol

__all__ = [
    "CARE_SETTINGS",
    "DISCHARGE_PATHWAYS",
    "IC_KINDS",
    "IC_OF_PATHWAY",
    "SETTINGS",
    "Setting",
    "role_of",
]

CARE_SETTINGS = ("general_practice", "district_nursing", "intermediate_care", "hospital")
"""The four care settings, in the order a patient's journey usually runs."""

SETTINGS = (*CARE_SETTINGS, "system")
"""Every value of a result's ``setting`` column: the care settings and the whole system."""

Setting = Literal["general_practice", "district_nursing", "intermediate_care", "hospital", "system"]

IC_KINDS = ("bed_based", "home_based", "assessment_beds")
"""Intermediate care: rehabilitation beds, care at home, and discharge-to-assess beds."""

DISCHARGE_PATHWAYS = ("pathway_0", "pathway_1", "pathway_2", "pathway_3")
"""Discharge pathways 0 (home), 1 (home with support), 2 (a rehabilitation bed), 3 (a care home)."""

IC_OF_PATHWAY = {
    "pathway_1": "home_based",
    "pathway_2": "bed_based",
    "pathway_3": "assessment_beds",
}
"""The intermediate care a patient discharged by pathway 1–3 waits for (pathway 0 waits for none)."""


class _HasRole(Protocol):
    @property
    def role(self) -> str | None: ...


def role_of(name: str, staff: _HasRole) -> str:
    """The role a staff pool plays: its ``role``, or its own name when it has none."""
    return staff.role or name
