"""Config of a run's starting state and of costs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from caresim.models.schema_population import NameType
from caresim.models.schema_types import Duration, Frozen, Probability

__all__ = ["CostsSpec", "StartingStateSpec"]


Cost = Annotated[float, Field(ge=0, allow_inf_nan=False)]
"""A unit cost: zero or more."""


class GeneralPracticeStart(Frozen):
    """Appointments already booked when the run starts."""

    booked_ahead: Probability = Field(description="share of bookable-ahead slots already taken")
    over: Duration = Field(28 * 24.0, description="how far ahead they are taken, e.g. '28 days'")


class DistrictNursingStart(Frozen):
    """Episodes already open when the run starts."""

    open_episodes: int = Field(ge=0)


class IntermediateCareStart(Frozen):
    """Places already occupied when the run starts."""

    bed_based: int = Field(0, ge=0)
    home_based: int = Field(0, ge=0)
    assessment_beds: int = Field(0, ge=0)


class HospitalStart(Frozen):
    """Acute beds already occupied when the run starts."""

    occupied_beds: int = Field(0, ge=0, description="patients part-way through their stay")
    medically_fit: dict[Literal["pathway_1", "pathway_2", "pathway_3"], int] = Field(
        default_factory=dict, description="patients already waiting to leave, by pathway"
    )


class SocialCareStart(Frozen):
    """Home care packages and care-home places already in use when the run starts."""

    home_care: int = Field(0, ge=0)
    care_home: int = Field(0, ge=0)


class StartingStateSpec(Frozen):
    """Patients already waiting or in beds at the start (today's lists, not an empty system)."""

    general_practice: GeneralPracticeStart | None = None
    district_nursing: DistrictNursingStart | None = None
    intermediate_care: IntermediateCareStart | None = None
    hospital: HospitalStart | None = None
    social_care: SocialCareStart | None = None


class CostsSpec(Frozen):
    """Unit costs, for totals in the results."""

    currency: str = "GBP"
    staff_hour: dict[NameType, Cost] = Field(
        default_factory=dict, description="cost of an hour on duty, by role"
    )
    bed_day: dict[NameType, Cost] = Field(
        default_factory=dict, description="cost of an occupied bed-day, by bed pool"
    )
    delayed_bed_day: float | None = Field(
        None, ge=0, description="cost of an acute bed-day held by a patient fit to leave"
    )
    overtime_hour: dict[NameType, Cost] = Field(
        default_factory=dict,
        description="cost of an hour of overtime, by role (default: the role's staff_hour)",
    )
    commissioned_bed_day: dict[NameType, Cost] = Field(
        default_factory=dict,
        description="cost a day of every bed or place provided, occupied or not, by bed pool",
    )
    home_care_hour: float | None = Field(None, ge=0, description="cost of an hour of home care")
    home_care_hours_per_week: float = Field(
        10.0, gt=0, le=168, description="care hours a week of one home care package"
    )
    care_home_week: float | None = Field(None, ge=0, description="cost of a week in a care home")
