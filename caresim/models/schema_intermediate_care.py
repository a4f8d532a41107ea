"""Config of intermediate care: bed-based, home-based and discharge-to-assess places."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from caresim.models.schema_population import NameType
from caresim.models.schema_types import (
    DistributionSpec,
    Duration,
    Frozen,
    Probability,
    check_shares,
)

__all__ = ["IntermediateCareServiceSpec", "IntermediateCareSpec"]

OutcomeShares = Annotated[
    dict[
        Literal[
            "home",
            "district_nursing",
            "hospital_admission",
            "long_term_care",
            "home_care",
            "care_home",
        ],
        Probability,
    ],
    AfterValidator(check_shares),
]
GaveUpShares = Annotated[
    dict[Literal["emergency_department", "hospital_admission", "home"], Probability],
    AfterValidator(check_shares),
]


def _home_after() -> OutcomeShares:
    return {"home": 1.0}


def _admitted_on_giving_up() -> GaveUpShares:
    return {"hospital_admission": 1.0}


class IntermediateCareServiceSpec(Frozen):
    """One kind of intermediate care: its places, how long people stay, where they go after."""

    uses: NameType = Field(description="the bed pool of its beds or caseload places")
    step_up_uses: NameType | None = Field(
        None,
        description=(
            "a bed pool of places ring-fenced for step-up: a patient at home takes one of these "
            "first, then one of 'uses'; patients from hospital take only 'uses'"
        ),
    )
    length_of_stay: DistributionSpec
    arranging: DistributionSpec | None = Field(
        None,
        description=(
            "time to arrange a place for a patient fit to leave hospital (assessment by the "
            "team, a first visit planned), spent in the acute bed before a free place is sought"
        ),
    )
    outcomes: OutcomeShares = Field(default_factory=_home_after)


class IntermediateCareSpec(Frozen):
    """Intermediate care for step-up (from the community) and step-down (from hospital)."""

    bed_based: IntermediateCareServiceSpec | None = Field(
        None, description="rehabilitation beds (discharge pathway 2; step-up)"
    )
    home_based: IntermediateCareServiceSpec | None = Field(
        None, description="reablement and rehabilitation at home (pathway 1; step-up)"
    )
    assessment_beds: IntermediateCareServiceSpec | None = Field(
        None, description="discharge-to-assess beds in care homes (pathway 3)"
    )
    step_up_patience: Duration = Field(
        48.0, description="how long a patient at home waits for a step-up place"
    )
    step_up_first: bool = Field(
        False,
        description=(
            "whether a free place goes to a patient waiting at home (step-up) before one waiting "
            "in hospital (step-down); otherwise first come, first served"
        ),
    )
    step_up_gave_up: GaveUpShares = Field(
        default_factory=_admitted_on_giving_up,
        description="where a patient goes when no step-up place comes in time",
    )

    @model_validator(mode="after")
    def _something(self):
        if self.bed_based is None and self.home_based is None and self.assessment_beds is None:
            raise ValueError("intermediate care needs bed_based, home_based or assessment_beds")
        return self
