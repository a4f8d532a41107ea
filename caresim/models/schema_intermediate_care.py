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


class ProviderSpec(Frozen):
    """A provider of one kind of intermediate care in a place with several: its places, and the
    practices whose patients it takes (step-up from home, step-down from hospital)."""

    uses: NameType = Field(description="the bed pool of the provider's beds or caseload places")
    step_up_uses: NameType | None = Field(
        None, description="a bed pool of the provider's places ring-fenced for step-up"
    )
    serves: list[NameType] = Field(
        min_length=1, description="the practices (of population.practices) whose patients it takes"
    )


class IntermediateCareServiceSpec(Frozen):
    """One kind of intermediate care: its places, how long people stay, where they go after."""

    uses: NameType | None = Field(
        None,
        description="the bed pool of its beds or caseload places (of a place with one provider)",
    )
    providers: dict[NameType, ProviderSpec] | None = Field(
        None,
        description="the providers of a place with several, each with its places and the "
        "practices it serves, in place of uses",
    )
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

    @model_validator(mode="after")
    def _one_way_to_the_places(self):
        if (self.uses is None) == (self.providers is None):
            raise ValueError(
                "expected either uses (one pool of places) or providers (several, each with its "
                "places and the practices it serves), not both or neither"
            )
        if self.providers is not None and self.step_up_uses is not None:
            raise ValueError(
                "with providers, each provider names its own step_up_uses; expected no "
                "step_up_uses here"
            )
        return self

    @property
    def sites(self) -> dict[str, ProviderSpec]:
        """The providers, or the one pool of places as a provider named by it."""
        if self.providers is not None:
            return dict(self.providers)
        assert self.uses is not None  # the validator asks for uses or providers
        # Not validated: ``serves`` of the one provider is every practice, spelt as no list.
        one = ProviderSpec.model_construct(
            uses=self.uses, step_up_uses=self.step_up_uses, serves=[]
        )
        return {self.uses: one}

    @property
    def pools(self) -> list[str]:
        """Every bed pool of its places (not ring-fenced), one per provider."""
        return [site.uses for site in self.sites.values()]

    @property
    def step_up_pools(self) -> list[str]:
        """Every bed pool of places ring-fenced for step-up."""
        return [s.step_up_uses for s in self.sites.values() if s.step_up_uses is not None]


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
