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
    dict[Literal["home", "district_nursing", "hospital_admission", "long_term_care"], Probability],
    AfterValidator(check_shares),
]
GaveUpShares = Annotated[
    dict[Literal["emergency_department", "hospital_admission", "home"], Probability],
    AfterValidator(check_shares),
]


class IntermediateCareServiceSpec(Frozen):
    """One kind of intermediate care: its places, how long people stay, where they go after."""

    uses: NameType = Field(description="the bed pool of its beds or caseload places")
    length_of_stay: DistributionSpec
    outcomes: OutcomeShares = Field(default_factory=lambda: {"home": 1.0})


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
    step_up_gave_up: GaveUpShares = Field(
        default_factory=lambda: {"hospital_admission": 1.0},
        description="where a patient goes when no step-up place comes in time",
    )

    @model_validator(mode="after")
    def _something(self):
        if self.bed_based is None and self.home_based is None and self.assessment_beds is None:
            raise ValueError("intermediate care needs bed_based, home_based or assessment_beds")
        return self
