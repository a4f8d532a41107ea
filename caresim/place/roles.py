"""Staff groups and roles of the national workforce files, as the care model's roles.

NHS Digital's General Practice Workforce files name a staff group (GP, Nurses, Direct Patient
Care, Admin/Non-Clinical) and a job role within it. A workforce table's names are matched exactly
against the names below (case, surrounding spaces and runs of spaces aside; a name in the plural,
"GPs", "Practice Nurses", "Medical Secretaries", is the name), never by the words in them: a name
not here is refused, with the names close to it. The care model has five general practice roles
and three of district nursing; the roles of :data:`NOT_MODELLED` (receptionists, social
prescribers, care coordinators, ...) are left out of the scenario and named in its comments.
"""

from __future__ import annotations

import difflib

__all__ = [
    "COMMUNITY_ROLES",
    "NOT_MODELLED",
    "PRACTICE_ROLES",
    "ROLES",
    "STAFF_GROUPS",
    "RoleError",
    "care_role",
]

PRACTICE_ROLES = ("gp", "practice_nurse", "hca", "clinical_pharmacist", "advanced_practitioner")
#: Roles of community providers (not practices or networks): each place has one pool of each.
COMMUNITY_ROLES = (
    "district_nurse",
    "community_staff_nurse",
    "community_hca",
    "community_pharmacist",
)

#: Job roles of the national files (and of a community provider's nursing team), and the care
#: model's role of each.
ROLES: dict[str, str] = {
    # GP
    "GP": "gp",
    "GP Partner": "gp",
    "Salaried GP": "gp",
    "Locum GP": "gp",
    "GP Locum": "gp",
    "GP Regular Locum": "gp",
    "GP Retainer": "gp",
    "GP Registrar": "gp",
    "GP in Training Grade": "gp",
    # Nurses
    "Practice Nurse": "practice_nurse",
    "Extended Role Practice Nurse": "practice_nurse",
    "Nurse Specialist": "practice_nurse",
    "Nurse Dispenser": "practice_nurse",
    "Nursing Partner": "practice_nurse",
    "Trainee Nurse": "practice_nurse",
    "Other Nurse": "practice_nurse",
    "Advanced Nurse Practitioner": "advanced_practitioner",
    # Direct Patient Care
    "Health Care Assistant": "hca",
    "Healthcare Assistant": "hca",
    "HCA": "hca",
    "Pharmacist": "clinical_pharmacist",
    "Clinical Pharmacist": "clinical_pharmacist",
    "Advanced Practitioner": "advanced_practitioner",
    "Advanced Paramedic Practitioner": "advanced_practitioner",
    "Advanced Pharmacist Practitioner": "advanced_practitioner",
    "Advanced Physiotherapist Practitioner": "advanced_practitioner",
    "Advanced Occupational Therapist Practitioner": "advanced_practitioner",
    "Paramedic": "advanced_practitioner",
    "Physician Associate": "advanced_practitioner",
    # Community Nursing (a community provider's team)
    "District Nurse": "district_nurse",
    "Community Staff Nurse": "community_staff_nurse",
    "Community Nurse": "community_staff_nurse",
    "Community HCA": "community_hca",
    "Community Health Care Assistant": "community_hca",
    "Community Healthcare Assistant": "community_hca",
}

#: Job roles the care model has no role for: their rows are left out, and the scenario's
#: comments list them with their FTE.
NOT_MODELLED = (
    # Direct Patient Care
    "Care Coordinator",
    "Social Prescribing Link Worker",
    "Health and Wellbeing Coach",
    "Pharmacy Technician",
    "Phlebotomist",
    "Physiotherapist",
    "First Contact Physiotherapist",
    "Occupational Therapist",
    "Dietitian",
    "Dietician",
    "Podiatrist",
    "Therapist",
    "Mental Health Practitioner",
    "Nursing Associate",
    "Trainee Nursing Associate",
    "Health Support Worker",
    "General Practice Assistant",
    "GP Assistant",
    "Dispenser",
    "IAPT Staff",
    "Digital and Transformation Lead",
    "Other Direct Patient Care",
    # Admin/Non-Clinical
    "Receptionist",
    "Telephonist",
    "Medical Secretary",
    "Administrator",
    "Practice Manager",
    "Manager",
    "Management Partner",
    "Estates and Ancillary",
    "Other Admin/Non-Clinical",
)

#: Staff groups of the national files (and Community Nursing, of a community provider's team).
STAFF_GROUPS = ("GP", "Nurses", "Direct Patient Care", "Admin/Non-Clinical", "Community Nursing")
#: The care model's role of a row that names its group and no role: the group's own where its
#: staff are of one role, None (left out) for Admin/Non-Clinical. A row of another group must
#: name its role.
_OF_GROUP: dict[str, str | None] = {
    "GP": "gp",
    "Nurses": "practice_nurse",
    "Admin/Non-Clinical": None,
}


class RoleError(ValueError):
    """A staff group or role the vocabulary does not have; ``column`` is the table's column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _key(name: str) -> str:
    return " ".join(name.lower().split())


_ROLE_NAMES = {_key(name): name for name in (*ROLES, *NOT_MODELLED)}
_GROUP_NAMES = {_key(name): name for name in STAFF_GROUPS}


def _singulars(key: str) -> list[str]:
    """The names a plural may be of: 'secretaries' of 'secretary', 'gps' of 'gp', ..."""
    if key.endswith("ies"):
        return [f"{key[:-3]}y"]
    if key.endswith("es"):
        return [key[:-2], key[:-1]]
    return [key[:-1]] if key.endswith("s") else []


def _find(text: str, names: dict[str, str], column: str, what: str) -> str:
    """The vocabulary's name of ``text``, or a RoleError naming the close ones."""
    key = _key(text)
    for candidate in (key, *_singulars(key)):
        if candidate in names:
            return names[candidate]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    if close:
        names_of = " or ".join(f"'{names[c]}'" for c in close)
        expected = f"did you mean {names_of}? (README.md, Make it your place, lists them all)"
    else:
        expected = "expected one of " + ", ".join(sorted(names.values(), key=str.lower))
    raise RoleError(column, f"unknown {what} {text.strip()!r}; {expected}")


def care_role(staff_group: str, staff_role: str) -> str | None:
    """The care model's role of a workforce row, or None for a role it leaves out.

    Raises :class:`RoleError` for a group or role not in the vocabulary, or a row of Direct
    Patient Care or Community Nursing that names no role. The group may be left blank where the
    role is named; the role decides, whatever the group.
    """
    group = ""
    if staff_group.strip() or not staff_role.strip():
        group = _find(staff_group, _GROUP_NAMES, "STAFF_GROUP", "staff group")
    if not staff_role.strip():
        if group not in _OF_GROUP:
            raise RoleError(
                "STAFF_ROLE", f"expected the role of a {group} row (its staff have several roles)"
            )
        return _OF_GROUP[group]
    return ROLES.get(_find(staff_role, _ROLE_NAMES, "STAFF_ROLE", "role"))
