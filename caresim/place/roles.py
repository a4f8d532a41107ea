"""Staff groups and roles of the national workforce files, as the care model's roles.

NHS Digital's General Practice Workforce files name a staff group (GP, Nurses, Direct Patient
Care, Admin/Non-Clinical) and a role within it. The care model has five general practice roles
and three of district nursing; roles it does not model (receptionists, social prescribers, care
coordinators, ...) are left out of the scenario and named in its comments.
"""

from __future__ import annotations

__all__ = ["COMMUNITY_ROLES", "PRACTICE_ROLES", "care_role"]

PRACTICE_ROLES = ("gp", "practice_nurse", "hca", "clinical_pharmacist", "advanced_practitioner")
#: Roles of community providers (not practices or networks): each place has one pool of each.
COMMUNITY_ROLES = (
    "district_nurse",
    "community_staff_nurse",
    "community_hca",
    "community_pharmacist",
)

#: (words in the role, care model role), the first match winning: community roles first, so
#: that a community HCA is not a practice HCA.
_BY_ROLE = (
    ("district nurse", "district_nurse"),
    ("community staff nurse", "community_staff_nurse"),
    ("community nurse", "community_staff_nurse"),
    ("community hca", "community_hca"),
    ("community health care assistant", "community_hca"),
    ("community healthcare assistant", "community_hca"),
    ("advanced", "advanced_practitioner"),  # advanced nurse / paramedic / clinical practitioners
    ("paramedic", "advanced_practitioner"),
    ("physician associate", "advanced_practitioner"),
    ("pharmacist", "clinical_pharmacist"),
    ("health care assistant", "hca"),
    ("healthcare assistant", "hca"),
    ("hca", "hca"),
    ("practice nurse", "practice_nurse"),
    ("nurse", "practice_nurse"),
    ("gp", "gp"),
)


def care_role(staff_group: str, staff_role: str) -> str | None:
    """The care model's role of a workforce row, or None for a role the model does not have."""
    role = " ".join(staff_role.lower().replace("-", " ").replace("_", " ").split())
    padded = f" {role} "
    for words, care in _BY_ROLE:
        if f" {words} " in padded or (words == "advanced" and role.startswith("advanced")):
            return care
    group = staff_group.strip().lower()
    if group in ("gp", "gps"):
        return "gp"
    if group == "nurses":
        return "practice_nurse"
    return None
