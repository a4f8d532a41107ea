"""Config of the registered population, and the places a patient can be sent between settings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from caresim.models.schema_types import (
    Count,
    Frozen,
    Probability,
    Rate,
    check_shares,
    reference_error,
)

__all__ = [
    "CohortRates",
    "Destination",
    "DestinationShares",
    "PopulationSpec",
    "PracticeSpec",
    "SETTING_OF_DESTINATION",
]

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]

#: Where a patient can go next. Exits leave the modelled system; the others enter a setting.
Destination = Literal[
    "home",  # care complete, back home (exit)
    "long_term_care",  # to a care home for good (exit)
    "community_pharmacy",  # treated by a community pharmacist (exit)
    "self_care",  # looks after themselves (exit)
    "nhs_111",  # calls NHS 111 (a counted exit)
    "urgent_treatment_centre",  # goes to an urgent treatment centre (a counted exit)
    "gp_follow_up",  # a later appointment in general practice
    "district_nursing",  # an episode of district nursing visits
    "intermediate_care_bed",  # step-up to bed-based intermediate care
    "intermediate_care_home",  # step-up to home-based intermediate care
    "urgent_community_response",  # urgent community response / virtual ward instead of admission
    "emergency_department",  # attends ED, where admission is decided by acuity
    "hospital_admission",  # an emergency admission (GP referral, escalation, readmission)
]

#: The setting each destination needs (exits need none).
SETTING_OF_DESTINATION: dict[str, str | None] = {
    "home": None,
    "long_term_care": None,
    "community_pharmacy": None,
    "self_care": None,
    "nhs_111": None,
    "urgent_treatment_centre": None,
    "gp_follow_up": "general_practice",
    "district_nursing": "district_nursing",
    "intermediate_care_bed": "intermediate_care",
    "intermediate_care_home": "intermediate_care",
    "urgent_community_response": "hospital",
    "emergency_department": "hospital",
    "hospital_admission": "hospital",
    # Leaving intermediate care for social care (checked against the social_care section).
    "home_care": None,
    "care_home": None,
}

DestinationShares = Annotated[dict[Destination, Probability], AfterValidator(check_shares)]
"""Where patients go, by share (summing to 1)."""

CohortRates = dict[Name, Rate]
"""A rate per registered patient for each cohort, e.g. ``{frail_older: 14 per year}``."""


class PracticeSpec(Frozen):
    """A general practice and the number of patients on its list."""

    registered: Count = Field(ge=0, le=10_000_000, description="registered patients")


class PopulationSpec(Frozen):
    """The registered population: practices (with list sizes) and cohorts (shares of each list)."""

    practices: dict[Name, PracticeSpec] = Field(min_length=1)
    networks: dict[Name, list[Name]] = Field(
        default_factory=dict,
        description="primary care networks and their practices: staff scoped to a network see "
        "the patients of its practices alone",
    )
    cohorts: Annotated[dict[Name, Probability], AfterValidator(check_shares)] = Field(
        default_factory=lambda: {"everyone": 1.0},
        description="share of registered patients in each cohort, summing to 1",
    )
    demand_growth: (
        Annotated[float, Field(ge=-0.5, le=1.0)]
        | dict[Name, Annotated[float, Field(ge=-0.5, le=1.0)]]
    ) = Field(
        0.0,
        description="yearly growth of every demand rate, e.g. 0.02, or by cohort, "
        "e.g. {frail_older: 0.04, general: 0.005}",
    )

    @model_validator(mode="after")
    def _networks_of_practices(self):
        seen: dict[str, str] = {}
        for network, members in self.networks.items():
            path = f"population.networks.{network}"
            if network in self.practices or network == "network":
                raise reference_error(
                    path, f"'{network}' is the name of a practice or 'network'; expected another"
                )
            for practice in members:
                if practice not in self.practices:
                    raise reference_error(
                        path,
                        f"unknown practice '{practice}'; expected one of "
                        + ", ".join(f"'{p}'" for p in self.practices),
                    )
                if practice in seen:
                    raise reference_error(
                        path, f"practice '{practice}' is already in network '{seen[practice]}'"
                    )
                seen[practice] = network
        return self

    @model_validator(mode="after")
    def _growth_of_cohorts(self):
        if isinstance(self.demand_growth, dict):
            for cohort in self.demand_growth:
                if cohort not in self.cohorts:
                    raise reference_error(
                        f"population.demand_growth.{cohort}",
                        f"unknown cohort '{cohort}'; expected one of "
                        + ", ".join(f"'{c}'" for c in self.cohorts),
                    )
        return self

    @property
    def registered(self) -> int:
        """Patients registered across all practices."""
        return sum(p.registered for p in self.practices.values())


# Kept here so the settings' schemas can import one place for these shared names.
NameType = Name
AcuityShares = Annotated[
    dict[Literal["high", "medium", "low"], Probability], AfterValidator(check_shares)
]
