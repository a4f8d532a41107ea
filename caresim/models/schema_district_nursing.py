"""Config of district nursing: episodes of visits, their kinds (skill mix and time windows), travel
between visits, and escalation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema, field_validator

from caresim.models.schema_population import CohortRates, NameType
from caresim.models.schema_types import DistributionSpec, Frozen, Probability, check_shares
from caresim.sim.windows import DailyWindows

__all__ = ["CountSpec", "DistrictNursingSpec", "EpisodeSpec", "TeamSpec", "VisitKindSpec"]


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
    interval: DistributionSpec = Field(
        description="time from one visit falling due to the next being planned"
    )
    first_visit_after: DistributionSpec = Field(
        description="time from referral to the first visit falling due"
    )


class RoleVisitSpec(Frozen):
    """How long a visit by one role takes at the patient's home (travel is ``travel``)."""

    duration: DistributionSpec


WHOLE_DAY = "00:00-24:00"

WindowText = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$"}),
]
"""A window of the day as ``'HH:MM-HH:MM'``, checked by :func:`caresim.sim.windows.parse_window`."""


class VisitKindSpec(Frozen):
    """Visits of one kind, kept for the whole episode: the share of episodes of this kind, the roles
    that may make them (preferred first), the windows of the day they are due in, and, where they
    differ from ``episode``, how many visits and how far apart."""

    share: Probability = Field(description="share of episodes whose visits are of this kind")
    roles: dict[NameType, RoleVisitSpec] = Field(min_length=1)
    windows: list[WindowText] = Field(
        default_factory=lambda: [WHOLE_DAY],
        min_length=1,
        description="times of day a visit is due in, e.g. ['08:00-09:00', '16:30-17:30']; "
        "a visit started after its window closes is late",
    )
    visits: CountSpec | None = Field(None, description="visits in an episode, if not episode's")
    interval: DistributionSpec | None = Field(
        None, description="time from one visit falling due to the next planned, if not episode's"
    )

    @field_validator("windows")
    @classmethod
    def _windows(cls, windows: list[str]) -> list[str]:
        DailyWindows.parse(windows)
        return windows

    @property
    def daily_windows(self) -> DailyWindows:
        """``windows`` as the engine reads them."""
        return DailyWindows.parse(self.windows)


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


def _admitted_on_escalation() -> EscalationShares:
    return {"hospital_admission": 1.0}


class EscalationSpec(Frozen):
    """After a visit, the chance the patient needs more than district nursing, and where to."""

    per_visit: Probability = 0.0
    to: EscalationShares = Field(default_factory=_admitted_on_escalation)


class TeamSpec(Frozen):
    """A community nursing team of a place with several: its staff pools, and the practices whose
    patients it visits."""

    staff: list[NameType] = Field(min_length=1, description="the team's staff pools")
    serves: list[NameType] = Field(
        min_length=1, description="the practices (of population.practices) whose patients it visits"
    )


class DistrictNursingSpec(Frozen):
    """Episodes of home visits by the community nursing team, with its skill mix."""

    referrals: CohortRates | None = Field(
        None,
        description="referrals per registered patient from sources not modelled (self, community teams)",
    )
    episode: EpisodeSpec
    visit_kinds: Annotated[dict[NameType, VisitKindSpec], Field(min_length=1)]
    travel: DistributionSpec | None = Field(
        None, description="a nurse's travel to each visit, in the nurse's time (none: no travel)"
    )
    escalation: EscalationSpec = Field(default_factory=EscalationSpec)
    teams: dict[NameType, TeamSpec] | None = Field(
        None,
        description="teams by area, each visiting the patients of the practices it serves with "
        "its own staff; without them every nurse of a visit's roles may make any visit",
    )

    @field_validator("visit_kinds")
    @classmethod
    def _shares(cls, kinds: dict[str, VisitKindSpec]) -> dict[str, VisitKindSpec]:
        check_shares({name: kind.share for name, kind in kinds.items()})
        return kinds
