"""Config of general practice's front doors: how patients ask, total triage, and Pharmacy First.

Patients ask by phone, online or in person (shares of patient-initiated requests). Where a
practice uses total triage, a clinician triages each patient-initiated request before anything
is booked: the triage takes that clinician's time, by channel, out of their appointment book, and
decides the activity (its urgency), and optionally the role, the patient is booked for, or sends
the patient elsewhere (a community pharmacy, self-care, NHS 111, ...). Pharmacy First is a
community pharmacy service with pharmacists of its own: it sees the patients sent to a community
pharmacy, and some of them come back to their practice.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from caresim.models.schema_population import CohortRates, NameType
from caresim.models.schema_types import (
    DistributionSpec,
    Duration,
    Frozen,
    Probability,
    check_shares,
)
from caresim.sim.distributions import SHARES_TOLERANCE

__all__ = [
    "CHANNELS",
    "TRIAGE_EXITS",
    "TriageDecision",
    "ChannelShares",
    "FrontDoorSpec",
    "decision_problems",
    "PharmacyFirstSpec",
    "PharmacyReturnSpec",
    "TotalTriageSpec",
]

#: How a patient asks their practice for help.
CHANNELS = ("phone", "online", "in_person")
Channel = Literal["phone", "online", "in_person"]

#: Where triage (or a full pharmacy) may send a patient instead of booking them.
TRIAGE_EXITS = (
    "community_pharmacy",
    "self_care",
    "nhs_111",
    "urgent_treatment_centre",
    "emergency_department",
)
Elsewhere = Literal[
    "community_pharmacy", "self_care", "nhs_111", "urgent_treatment_centre", "emergency_department"
]

ChannelShares = Annotated[dict[Channel, Probability], AfterValidator(check_shares)]


def _self_care() -> dict[Elsewhere, float]:
    return {"self_care": 1.0}


def _decision_total(decision: dict[str, float | dict[str, float]]) -> dict:
    """Raise unless a triage decision's shares (plain, or split by role) sum to one."""
    total = 0.0
    for value in decision.values():
        total += sum(value.values()) if isinstance(value, dict) else value
    if abs(total - 1.0) > SHARES_TOLERANCE:
        raise ValueError(f"shares must sum to 1, got {total:g}")
    return decision


TriageDecision = Annotated[
    dict[NameType, Probability | dict[NameType, Probability]], AfterValidator(_decision_total)
]
"""What triage decides for requests of one activity: an activity (by its allocation, or split by
role) or a place elsewhere, by share; all the shares sum to 1."""


def decision_problems(decides: dict, activities: dict, path: str):
    """(key path, message) of each unknown name in what triage decides, by activity asked for."""
    for asked, decision in decides.items():
        if asked not in activities:
            yield (
                f"{path}.{asked}",
                f"'{asked}' is not an activity; expected one of "
                + ", ".join(f"'{a}'" for a in activities),
            )
        for to, value in decision.items():
            where = f"{path}.{asked}.{to}"
            if to not in activities and to not in TRIAGE_EXITS:
                yield (
                    where,
                    f"'{to}' is neither an activity nor a place elsewhere; expected one of "
                    + ", ".join(f"'{a}'" for a in [*activities, *TRIAGE_EXITS]),
                )
            elif isinstance(value, dict):
                if to in TRIAGE_EXITS:
                    yield where, "a place elsewhere takes a share, not shares by role"
                    continue
                for role in value:
                    if role not in activities[to].roles:
                        yield (
                            f"{where}.{role}",
                            f"role '{role}' does not do '{to}'; expected one of "
                            + ", ".join(f"'{r}'" for r in activities[to].roles),
                        )


class TotalTriageSpec(Frozen):
    """Every patient-initiated request of the listed activities is triaged by a clinician first."""

    by: NameType = Field("gp", description="the role that triages; its time comes from its book")
    time: dict[Channel, Annotated[Duration, Field(gt=0)]] = Field(
        min_length=1, description="clinician time to triage one request, by channel"
    )
    within: Duration = Field(
        0.0, description="how far ahead triage time may be found: '0 days' means the same day"
    )
    practices: list[NameType] | None = Field(
        None, min_length=1, description="the practices that use total triage (default: all)"
    )
    decides: dict[NameType, TriageDecision] = Field(
        min_length=1,
        description="by activity asked for: the activity (and role) booked, or where else to go",
    )

    def problems(self, activities: dict, roles: set[str]):
        """(key path, message) of each reference triage makes to an unknown name."""
        path = "general_practice.front_door.total_triage"
        if self.by not in roles:
            yield (
                f"{path}.by",
                f"role '{self.by}' has no slot_length; expected one of "
                + ", ".join(f"'{r}'" for r in sorted(roles)),
            )
        yield from decision_problems(self.decides, activities, f"{path}.decides")

    def channel_time(self, channel: str) -> float:
        """Triage time of a request by ``channel`` (a channel not given takes the longest)."""
        return self.time.get(channel, max(self.time.values()))  # type: ignore[call-overload]


class FrontDoorSpec(Frozen):
    """How patients ask (by channel), and whether the practices triage every request first."""

    channels: ChannelShares = Field(
        description="shares of patient-initiated requests by phone, online and in person"
    )
    total_triage: TotalTriageSpec | None = Field(
        None, description="a clinician triages each request before anything is booked"
    )


class PharmacyReturnSpec(Frozen):
    """Patients seen at a community pharmacy who then ask their practice after all."""

    share: Probability = Field(description="share of the pharmacy's patients who come back")
    activity: NameType = Field(description="the activity they ask their practice for")
    after: DistributionSpec = Field(description="how long after the consultation they ask")


class PharmacyFirstSpec(Frozen):
    """Community pharmacists who see the patients sent to a community pharmacy."""

    uses: NameType = Field(
        description="the staff pool of community pharmacists (not a booking role)"
    )
    consultation: DistributionSpec = Field(description="pharmacist time per consultation")
    patience: Duration = Field(
        description="how long a patient waits at the pharmacy before giving up"
    )
    on_no_consultation: Annotated[dict[Elsewhere, Probability], AfterValidator(check_shares)] = (
        Field(
            default_factory=_self_care,
            description="where patients go who give up waiting at the pharmacy",
        )
    )
    returns: PharmacyReturnSpec | None = Field(
        None, description="patients who come back to their practice after the pharmacy"
    )
    self_referrals: CohortRates = Field(
        default_factory=dict,
        description="patients going straight to a pharmacy, per registered patient, by cohort",
    )

    @model_validator(mode="after")
    def _not_to_itself(self):
        if self.on_no_consultation.get("community_pharmacy", 0) > 0:
            raise ValueError("a patient who gives up at the pharmacy cannot be sent to a pharmacy")
        return self
