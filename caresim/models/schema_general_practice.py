"""Config of general practice: demand by activity, who may do each (task-sharing), appointment slots."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from caresim.models.schema_front_door import FrontDoorSpec, PharmacyFirstSpec
from caresim.models.schema_population import CohortRates, DestinationShares, NameType
from caresim.models.schema_types import (
    DistributionSpec,
    Duration,
    Frozen,
    Probability,
    check_shares,
    reference_error,
)

__all__ = [
    "ActivitySpec",
    "AllocationSpec",
    "FollowUpSpec",
    "GeneralPracticeSpec",
    "ReturnSpec",
    "RoleWorkSpec",
    "SupervisionSpec",
    "allocation_problems",
    "role_order",
]

GaveUpShares = Annotated[
    dict[
        Literal[
            "community_pharmacy",
            "self_care",
            "emergency_department",
            "nhs_111",
            "urgent_treatment_centre",
        ],
        Probability,
    ],
    AfterValidator(check_shares),
]


def _self_care_on_giving_up() -> GaveUpShares:
    return {"self_care": 1.0}


def _home_after() -> DestinationShares:
    return {"home": 1.0}


class ReturnSpec(Frozen):
    """Patients who come back for the same problem some time after seeing a role."""

    share: Probability = Field(description="share of this role's patients who come back")
    after: DistributionSpec = Field(description="how long after the consultation they ask again")


class RoleWorkSpec(Frozen):
    """How one role does an activity: its consultation time and how often it hands back to a GP."""

    duration: DistributionSpec = Field(description="consultation time, e.g. 9.2 min for a GP")
    slots: int | None = Field(
        None,
        ge=1,
        le=12,
        description="slots in a row one booking takes (default: enough to cover the mean time)",
    )
    hands_back: Probability = Field(
        0.0, description="share of patients who then need an appointment with the hand-back role"
    )
    returns: ReturnSpec | None = Field(
        None, description="re-consultation: patients who ask again for the same activity later"
    )

    def slots_for(self, slot_length: float) -> int:
        """Slots one booking takes: as given, or enough slots to cover the mean consultation."""
        if self.slots is not None:
            return self.slots
        mean = self.duration.build().mean
        return max(1, math.ceil(mean / slot_length - 0.05))


class AllocationSpec(Frozen):
    """Who takes an activity: shares by role, or a preference order (first role with a slot)."""

    shares: Annotated[dict[NameType, Probability], AfterValidator(check_shares)] | None = Field(
        None,
        description="the share of requests that try each role first; a request that finds no "
        "slot with it tries the activity's other roles in order of preference (a share of 0: "
        "never first, still a fallback)",
    )
    preference: list[NameType] | None = Field(
        None, min_length=1, description="roles in the order a request tries them"
    )

    @model_validator(mode="after")
    def _one_way(self):
        if (self.shares is None) == (self.preference is None):
            raise ValueError("an allocation needs either 'shares' or 'preference', not both")
        return self


class FollowUpSpec(Frozen):
    """A later appointment booked at the end of a consultation."""

    activity: NameType = Field(description="the activity the follow-up is")
    after: DistributionSpec = Field(description="how long after the consultation it is wanted")


class ActivitySpec(Frozen):
    """One kind of appointment request (same-day, routine, review, ...)."""

    rate: CohortRates = Field(description="requests per registered patient, by cohort")
    profile: NameType | None = Field(None, description="a profile shaping when requests come")
    roles: dict[NameType, RoleWorkSpec] = Field(
        min_length=1, description="the roles that may do it (task-sharing), with their times"
    )
    allocation: AllocationSpec | None = Field(
        None, description="shares or preference among the roles (default: the roles' order)"
    )
    book_within: Duration = Field(
        description="how far ahead a slot may be booked: '0 days' means the same day"
    )
    not_before: DistributionSpec | None = Field(
        None, description="the earliest time wanted after the request (planned reviews)"
    )
    on_the_day_slots: bool = Field(
        True, description="whether it may book the slots kept for booking on the day"
    )
    target: Duration = Field(description="the wait counted as on time, e.g. '0 days', '14 days'")
    patience: Duration = Field(
        description="how long the patient keeps trying when no slot is offered in the window"
    )
    on_no_appointment: GaveUpShares = Field(
        default_factory=_self_care_on_giving_up,
        description="where patients go when they give up",
    )
    did_not_attend: Probability = Field(0.0, description="share of booked patients who do not come")
    outcomes: DestinationShares = Field(
        default_factory=_home_after, description="what follows the consultation"
    )
    follow_up: FollowUpSpec | None = Field(
        None, description="needed if outcomes include gp_follow_up"
    )

    def problems(self, path: str):
        """(key path, message) of each inconsistency within the activity."""
        if self.allocation is not None:
            yield from allocation_problems(self.allocation, self.roles, f"{path}.allocation")
        if self.outcomes.get("gp_follow_up", 0) > 0 and self.follow_up is None:
            yield f"{path}.follow_up", "outcomes include gp_follow_up, so 'follow_up' is needed"

    @property
    def role_order(self) -> list[str]:
        """Roles in order of preference (or in the order they are listed)."""
        return role_order(self.allocation, self.roles)


def allocation_problems(allocation: AllocationSpec, roles, path: str):
    """(key path, message) of each role an allocation names that does not do the activity."""
    named = list(allocation.shares or {}) + list(allocation.preference or [])
    for role in named:
        if role not in roles:
            which = "shares" if allocation.shares else "preference"
            yield (
                f"{path}.{which}",
                f"role '{role}' is not one of the activity's roles ({', '.join(roles)})",
            )


def role_order(allocation: AllocationSpec | None, roles) -> list[str]:
    """An activity's roles in order of preference (or in the order they are listed)."""
    if allocation is not None and allocation.preference is not None:
        rest = [r for r in roles if r not in allocation.preference]
        return list(allocation.preference) + rest
    return list(roles)


class SupervisionSpec(Frozen):
    """GP time spent supervising other roles, taken out of GP patient-facing time."""

    by: NameType = Field("gp", description="the role that supervises")
    per_clinician_day: dict[NameType, Duration] = Field(
        min_length=1,
        description="supervisor time per supervised clinician per working day, by role",
    )


class GeneralPracticeSpec(Frozen):
    """Appointment slots by role, and the activities patients ask for."""

    slot_length: dict[NameType, Annotated[Duration, Field(gt=0)]] = Field(
        min_length=1, description="appointment slot length by role; these roles book by slots"
    )
    on_the_day_share: dict[NameType, Probability] = Field(
        default_factory=dict, description="share of each role's slots kept for booking on the day"
    )
    handback_role: NameType = Field("gp", description="the role patients are handed back to")
    retry_every: Duration = Field(24.0, description="how often a patient with no slot tries again")
    staff_groups: dict[NameType, list[NameType]] = Field(
        default_factory=dict,
        description="groups of roles reported together, e.g. the GP / nurse / other split",
    )
    supervision: SupervisionSpec | None = Field(
        None, description="GP time supervising other roles, out of GP patient-facing time"
    )
    activities: dict[NameType, ActivitySpec] = Field(min_length=1)
    front_door: FrontDoorSpec | None = Field(
        None, description="how patients ask (phone, online, in person) and total triage"
    )
    pharmacy_first: PharmacyFirstSpec | None = Field(
        None, description="community pharmacists who see the patients sent to a pharmacy"
    )

    @model_validator(mode="after")
    def _roles_have_slots(self):
        # This section always sits at 'general_practice', so problems can name their full path.
        if self.supervision is not None and self.supervision.by not in self.slot_length:
            raise reference_error(
                "general_practice.supervision.by",
                f"role '{self.supervision.by}' has no slot_length; expected one of "
                + ", ".join(f"'{r}'" for r in self.slot_length),
            )
        if not any(self.handback_role in a.roles for a in self.activities.values()):
            raise reference_error(
                "general_practice.handback_role",
                f"the hand-back role '{self.handback_role}' does no activity, so its time is unknown",
            )
        for name, activity in self.activities.items():
            path = f"general_practice.activities.{name}"
            for problem in activity.problems(path):
                raise reference_error(*problem)
            for role in activity.roles:
                if role not in self.slot_length:
                    raise reference_error(
                        f"{path}.roles.{role}",
                        f"role '{role}' has no slot_length; expected one of "
                        + ", ".join(f"'{r}'" for r in self.slot_length),
                    )
            follow_up = activity.follow_up
            if follow_up is not None and follow_up.activity not in self.activities:
                raise reference_error(
                    f"{path}.follow_up.activity",
                    f"'{follow_up.activity}' is not an activity; expected one of "
                    + ", ".join(f"'{a}'" for a in self.activities),
                )
        return self
