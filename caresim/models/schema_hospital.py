"""Config of the acute hospital: presentations, admission, length of stay, discharge, avoidance."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from caresim.models.schema_population import AcuityShares, CohortRates, NameType
from caresim.models.schema_types import DistributionSpec, Frozen, Probability, check_shares

__all__ = ["AdmissionAvoidanceSpec", "HospitalSpec", "PresentationsSpec", "ReadmissionSpec"]

Acuity = Literal["high", "medium", "low"]
PathwayShares = Annotated[
    dict[Literal["pathway_0", "pathway_1", "pathway_2", "pathway_3"], Probability],
    AfterValidator(check_shares),
]
AvoidanceOutcomes = Annotated[
    dict[Literal["home", "district_nursing", "hospital_admission"], Probability],
    AfterValidator(check_shares),
]


class PresentationsSpec(Frozen):
    """Emergency department attendances from the registered population."""

    rate: CohortRates = Field(description="attendances per registered patient, by cohort")
    profile: NameType | None = None


class AdmissionAvoidanceSpec(Frozen):
    """A share of low-acuity admissions treated at home instead, when a place is free."""

    share: Probability = Field(description="share of eligible admissions offered the service")
    acuity: list[Acuity] = Field(default_factory=lambda: ["low"], min_length=1)
    uses: NameType = Field(description="the bed pool of its places (virtual ward / caseload)")
    length_of_stay: DistributionSpec
    outcomes: AvoidanceOutcomes = Field(default_factory=lambda: {"home": 1.0})


class ReadmissionSpec(Frozen):
    """Emergency readmission after going home."""

    share: Probability = Field(description="share of discharges readmitted")
    after: DistributionSpec = Field(description="time from discharge to readmission")


class HospitalSpec(Frozen):
    """Acute beds, who arrives at them, how long they stay and how they leave."""

    beds: NameType = Field(description="the bed pool of acute beds")
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
    readmission: ReadmissionSpec | None = None
