"""Config of the acute hospital: presentations, admission, length of stay, discharge, avoidance."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from caresim.models.schema_population import AcuityShares, CohortRates, NameType
from caresim.models.schema_types import DistributionSpec, Frozen, Probability, check_shares

__all__ = [
    "AdmissionAvoidanceSpec",
    "DischargeDelaySpec",
    "ElectivesSpec",
    "NeedShares",
    "PathwayShares",
    "HospitalSpec",
    "PresentationsSpec",
    "ReadmissionSpec",
    "TrustSpec",
]

Acuity = Literal["high", "medium", "low"]
PathwayShares = Annotated[
    dict[Literal["pathway_0", "pathway_1", "pathway_2", "pathway_3"], Probability],
    AfterValidator(check_shares),
]
AvoidanceOutcomes = Annotated[
    dict[Literal["home", "district_nursing", "hospital_admission"], Probability],
    AfterValidator(check_shares),
]


def _low_acuity() -> list[Acuity]:
    return ["low"]


def _home_after() -> AvoidanceOutcomes:
    return {"home": 1.0}


class PresentationsSpec(Frozen):
    """Emergency department attendances from the registered population."""

    rate: CohortRates = Field(description="attendances per registered patient, by cohort")
    profile: NameType | None = None


class ElectivesSpec(Frozen):
    """Planned admissions to the acute beds: admitted when a bed is free, else cancelled."""

    rate: CohortRates = Field(description="elective admissions per registered patient, by cohort")
    profile: NameType | None = Field(
        None, description="a profile of the weekdays and hours they are booked for"
    )
    length_of_stay: DistributionSpec = Field(description="the planned stay, then home")


class AdmissionAvoidanceSpec(Frozen):
    """A share of low-acuity admissions treated at home instead, when a place is free."""

    share: Probability = Field(description="share of eligible admissions offered the service")
    acuity: list[Acuity] = Field(default_factory=_low_acuity, min_length=1)
    uses: NameType = Field(description="the bed pool of its places (virtual ward / caseload)")
    length_of_stay: DistributionSpec
    outcomes: AvoidanceOutcomes = Field(default_factory=_home_after)


NeedShares = Annotated[
    dict[
        Literal["home_based", "bed_based", "assessment_beds", "home_care", "care_home"],
        Probability,
    ],
    AfterValidator(check_shares),
]


class DischargeDelaySpec(Frozen):
    """A step some patients fit to leave go through before they can: a share and its duration."""

    share: Probability = Field(description="share of the patients it applies to who go through it")
    duration: DistributionSpec = Field(description="how long it holds them in the acute bed")


class ReadmissionSpec(Frozen):
    """Emergency readmission after going home."""

    share: Probability = Field(description="share of discharges readmitted")
    after: DistributionSpec = Field(description="time from discharge to readmission")


class TrustSpec(Frozen):
    """An acute trust of a place with several: its beds, and the practices whose patients it admits."""

    beds: NameType = Field(description="the bed pool of the trust's acute beds")
    escalation_beds: NameType | None = Field(
        None, description="a bed pool of escalation beds, opened when every acute bed is full"
    )
    serves: list[NameType] = Field(
        min_length=1,
        description="the practices (of population.practices) whose registered patients it "
        "admits: their emergency and planned admissions come to its beds",
    )


class HospitalSpec(Frozen):
    """Acute beds, who arrives at them, how long they stay and how they leave."""

    beds: NameType | None = Field(
        None, description="the bed pool of acute beds (of a place with one acute trust)"
    )
    trusts: dict[NameType, TrustSpec] | None = Field(
        None,
        description="the acute trusts of a place with several, each with its beds and the "
        "practices it serves, in place of beds",
    )
    presentations: PresentationsSpec | None = None
    acuity: AcuityShares = Field(description="acuity of those presenting or referred")
    admitted_share: dict[Acuity, Probability] = Field(
        description="share of emergency department attendances admitted, by acuity"
    )
    admission_avoidance: AdmissionAvoidanceSpec | None = None
    zero_day_share: Probability = Field(0.0, description="share of admissions staying under a day")
    zero_day_stay: DistributionSpec | None = None
    length_of_stay: dict[NameType, DistributionSpec] = Field(
        description="clinical length of stay (to medically fit), by cohort"
    )
    discharge_pathways: dict[NameType, PathwayShares] = Field(
        description="discharge pathway 0 (home), 1 (home with support), 2 (bed), 3 (care home), by cohort"
    )
    discharge_needs: dict[Literal["pathway_1", "pathway_2", "pathway_3"], NeedShares] = Field(
        default_factory=dict,
        description=(
            "what a patient leaving by pathway 1-3 waits for, by share: intermediate care "
            "(home_based, bed_based, assessment_beds) or social care (home_care, care_home); "
            "a pathway not given waits for the intermediate care of its number"
        ),
    )
    assessment: DischargeDelaySpec | None = Field(
        None, description="an assessment of needs before a pathway 1-3 discharge is arranged"
    )
    process_delay: DischargeDelaySpec | None = Field(
        None,
        description="a delay not for capacity (transport, medicines, family choice), any pathway",
    )
    referred_to_district_nursing: Probability = Field(
        0.0, description="share of patients going home (pathway 0) referred to district nursing"
    )
    readmission: ReadmissionSpec | None = None
    discharge_profile: NameType | None = Field(
        None,
        description="a profile of the weekdays and hours patients going home leave at; a "
        "patient ready to go leaves at a time drawn from it over the next day",
    )
    electives: ElectivesSpec | None = Field(
        None, description="planned admissions, cancelled when no acute bed is free"
    )
    escalation_beds: NameType | None = Field(
        None,
        description="a bed pool of escalation beds, opened to an admission only when every "
        "acute bed is full",
    )

    @model_validator(mode="after")
    def _one_way_to_the_beds(self):
        if (self.beds is None) == (self.trusts is None):
            raise ValueError(
                "expected either beds (one acute bed pool) or trusts (several, each with its "
                "beds and the practices it serves), not both or neither"
            )
        if self.trusts is not None and self.escalation_beds is not None:
            raise ValueError(
                "with trusts, each trust names its own escalation_beds; expected no "
                "escalation_beds here"
            )
        return self

    @property
    def sites(self) -> dict[str, TrustSpec]:
        """The acute sites: each trust, or the place's one set of beds as a site named by them."""
        if self.trusts is not None:
            return dict(self.trusts)
        assert self.beds is not None  # the validator asks for beds or trusts
        # Not validated: ``serves`` of the one site is every practice, spelt as no list at all.
        one = TrustSpec.model_construct(
            beds=self.beds, escalation_beds=self.escalation_beds, serves=[]
        )
        return {self.beds: one}

    @property
    def acute_beds(self) -> list[str]:
        """Every bed pool of acute beds, one per site."""
        return [site.beds for site in self.sites.values()]

    @property
    def escalation_pools(self) -> list[str]:
        """Every bed pool of escalation beds."""
        return [s.escalation_beds for s in self.sites.values() if s.escalation_beds is not None]
