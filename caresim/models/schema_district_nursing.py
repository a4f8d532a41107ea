"""Config of district nursing: episodes of visits, their skill mix, and escalation."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from caresim.models.schema_population import CohortRates, NameType
from caresim.models.schema_types import (
    DistributionSpec,
    Duration,
    Frozen,
    Probability,
    check_shares,
)

__all__ = ["CountSpec", "DistrictNursingSpec", "EpisodeSpec", "VisitKindSpec"]


class GeometricCountSpec(Frozen):
    """Whole numbers 1, 2, 3, ... with the given mean (geometric)."""

    distribution: Literal["geometric"]
    mean: float = Field(ge=1.0, allow_inf_nan=False)


class FixedCountSpec(Frozen):
    """Always the same whole number."""

    distribution: Literal["fixed"]
    value: int = Field(ge=1)


class EmpiricalCountSpec(Frozen):
    """Whole numbers drawn from observed values."""

    distribution: Literal["empirical"]
    samples: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)


CountSpec = Annotated[
    GeometricCountSpec | FixedCountSpec | EmpiricalCountSpec, Field(discriminator="distribution")
]
"""A number of visits, chosen by its ``distribution`` key."""


class EpisodeSpec(Frozen):
    """An episode of care: how many visits, how far apart, how soon the first."""

    visits: CountSpec = Field(description="visits in an episode")
    interval: DistributionSpec = Field(description="time from one visit to the next falling due")
    first_visit_after: DistributionSpec = Field(
        description="time from referral to the first visit falling due"
    )


class RoleVisitSpec(Frozen):
    """How long a visit by one role takes, travel included."""

    duration: DistributionSpec


class VisitKindSpec(Frozen):
    """Visits of one complexity: their share, and the roles that may make them (preferred first)."""

    share: Probability
    roles: dict[NameType, RoleVisitSpec] = Field(min_length=1)


EscalationShares = Annotated[
    dict[
        Literal[
            "emergency_department",
            "hospital_admission",
            "intermediate_care_bed",
            "intermediate_care_home",
        ],
        Probability,
    ],
    AfterValidator(check_shares),
]


class EscalationSpec(Frozen):
    """After a visit, the chance the patient needs more than district nursing, and where to."""

    per_visit: Probability = 0.0
    to: EscalationShares = Field(default_factory=lambda: {"hospital_admission": 1.0})


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class DistrictNursingSpec(Frozen):
    """Episodes of home visits by the community nursing team, with its skill mix."""

    referrals: CohortRates | None = Field(
        None,
        description="referrals per registered patient from sources not modelled (self, community teams)",
    )
    episode: EpisodeSpec
    visit_kinds: Annotated[dict[NameType, VisitKindSpec], Field(min_length=1)]
    due_at: str = Field("09:00", description="time of day a visit falls due, e.g. '09:00'")
    target: Duration = Field(24.0, description="a visit started this long past due is late")
    escalation: EscalationSpec = Field(default_factory=EscalationSpec)

    @field_validator("due_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"expected a time of day as 'HH:MM', got {value!r}")
        return value

    @field_validator("visit_kinds")
    @classmethod
    def _shares(cls, kinds: dict[str, VisitKindSpec]) -> dict[str, VisitKindSpec]:
        check_shares({name: kind.share for name, kind in kinds.items()})
        return kinds

    @property
    def due_hour(self) -> float:
        """``due_at`` in hours after midnight."""
        hours, minutes = self.due_at.split(":")
        return int(hours) + int(minutes) / 60.0
