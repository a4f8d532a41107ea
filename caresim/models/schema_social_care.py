"""Config of social care behind discharge: home care packages and care-home places.

Social care is not a care setting of the model: it is the capacity that patients leaving hospital
(discharge pathways 1 and 3) and intermediate care wait for. Each service is a pool of ``beds:``
(packages or places) held for a length of service; a patient medically fit to leave who waits
for one keeps their acute bed or intermediate care place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from caresim.models.schema_population import NameType
from caresim.models.schema_types import DistributionSpec, Frozen, reference_error
from caresim.sim.units import HOURS_PER_UNIT

if TYPE_CHECKING:
    from caresim.models.schema import Config

__all__ = [
    "SOCIAL_CARE_NEEDS",
    "CommunityDemandSpec",
    "SocialCareServiceSpec",
    "SocialCareSpec",
    "check_social_care",
]

SOCIAL_CARE_NEEDS = ("home_care", "care_home")
"""The social care a patient may wait for: a home care package, or a care-home place."""


class CommunityDemandSpec(Frozen):
    """People at home who are assessed as needing the service and wait for it there.

    They join the same first-come queue for a package or place as patients fit to leave a bed,
    and leave the waiting list after their patience (family care, paying privately, a place
    elsewhere, death), so that a service with more demand than it can meet still has a waiting
    list of bounded length.
    """

    per_1000_a_year: float = Field(
        ge=0,
        allow_inf_nan=False,
        description="people referred from home a year, per 1,000 registered patients",
    )
    patience: DistributionSpec = Field(
        description="how long someone waits at home before leaving the waiting list"
    )

    def per_hour(self, registered: float) -> float:
        """Referrals an hour from a population of ``registered`` patients."""
        return self.per_1000_a_year * registered / 1000 / HOURS_PER_UNIT["years"]


class SocialCareServiceSpec(Frozen):
    """One social care service: its packages or places, and how long each is held."""

    uses: NameType = Field(description="the bed pool of its packages or places")
    length_of_service: DistributionSpec = Field(
        description="how long a package or place is held once started"
    )
    arranging: DistributionSpec | None = Field(
        None,
        description=(
            "time to arrange it for a patient fit to leave hospital (finding a provider or a "
            "home, choice, funding), spent in the acute bed before a free one is sought; "
            "patients in intermediate care have it arranged during their stay"
        ),
    )
    community: CommunityDemandSpec | None = Field(
        None,
        description=(
            "demand for the same packages or places from people waiting at home (not a delayed "
            "discharge), sharing one first-come queue with patients fit to leave a bed"
        ),
    )


class SocialCareSpec(Frozen):
    """Home care and care-home capacity open to patients leaving hospital and intermediate care."""

    home_care: SocialCareServiceSpec | None = Field(
        None, description="home care packages (discharge pathway 1, leaving intermediate care)"
    )
    care_home: SocialCareServiceSpec | None = Field(
        None, description="care-home places (discharge pathway 3, leaving intermediate care)"
    )

    @model_validator(mode="after")
    def _something(self):
        if self.home_care is None and self.care_home is None:
            raise ValueError("social care needs home_care or care_home")
        return self


def _listing(names) -> str:
    names = sorted(names)
    return ", ".join(f"'{n}'" for n in names) if names else "(none defined)"


def check_social_care(config: Config) -> None:
    """Social care and ring-fenced step-up pools exist and are used once; every need is served."""
    social = config.social_care
    used = set()
    if config.hospital is not None:
        used.update(config.hospital.acute_beds)
        if config.hospital.admission_avoidance is not None:
            used.add(config.hospital.admission_avoidance.uses)
    if config.intermediate_care is not None:
        for kind in ("bed_based", "home_based", "assessment_beds"):
            service = getattr(config.intermediate_care, kind)
            if service is not None:
                used.update(service.pools)
    for path, pool in _ring_fenced(config):
        if pool not in config.beds:
            raise reference_error(
                path, f"unknown bed pool '{pool}'; expected one of {_listing(config.beds)}"
            )
        if pool in used:
            raise reference_error(
                path, f"bed pool '{pool}' is already used; each use needs its own pool"
            )
        used.add(pool)
    if social is not None:
        for need in SOCIAL_CARE_NEEDS:
            service = getattr(social, need)
            if service is None:
                continue
            path = f"social_care.{need}.uses"
            if service.uses not in config.beds:
                raise reference_error(
                    path,
                    f"unknown bed pool '{service.uses}'; expected one of {_listing(config.beds)}",
                )
            if service.uses in used:
                raise reference_error(
                    path, f"bed pool '{service.uses}' is already used; each use needs its own pool"
                )
            used.add(service.uses)
    for path, need in _needs(config):
        if need in SOCIAL_CARE_NEEDS and (social is None or getattr(social, need) is None):
            raise reference_error(path, f"needs social_care.{need}")
        if need not in SOCIAL_CARE_NEEDS:
            ic = config.intermediate_care
            if ic is None or getattr(ic, need) is None:
                raise reference_error(path, f"needs intermediate_care.{need}")
    for need in SOCIAL_CARE_NEEDS:
        service = getattr(social, need, None) if social is not None else None
        if service is not None and service.community is not None and config.population is None:
            raise reference_error(
                f"social_care.{need}.community", "needs a population to refer people from home"
            )
    state = config.starting_state
    if state is not None and state.social_care is not None:
        for need in SOCIAL_CARE_NEEDS:
            if getattr(state.social_care, need) and (
                social is None or getattr(social, need) is None
            ):
                raise reference_error(
                    f"starting_state.social_care.{need}", f"there is no social_care.{need}"
                )


def _ring_fenced(config: Config):
    """(key path, bed pool) of every pool of places ring-fenced for step-up."""
    ic = config.intermediate_care
    for kind in ("bed_based", "home_based", "assessment_beds"):
        service = getattr(ic, kind) if ic is not None else None
        if service is None:
            continue
        if service.providers is None:
            if service.step_up_uses is not None:
                yield f"intermediate_care.{kind}.step_up_uses", service.step_up_uses
            continue
        for name, provider in service.providers.items():
            if provider.step_up_uses is not None:
                path = f"intermediate_care.{kind}.providers.{name}.step_up_uses"
                yield path, provider.step_up_uses


def _needs(config: Config):
    """(key path, need) of every place a patient may wait for a service to leave."""
    hospital = config.hospital
    if hospital is not None:
        tables = [("hospital.discharge_needs", hospital.discharge_needs)]
        tables += [
            (f"changes[{k}].discharge_needs", c.discharge_needs)
            for k, c in enumerate(config.changes)
        ]
        for where, table in tables:
            for pathway, needs in table.items():
                for need, share in needs.items():
                    if share > 0:
                        yield f"{where}.{pathway}.{need}", need
    ic = config.intermediate_care
    if ic is not None:
        for kind in ("bed_based", "home_based", "assessment_beds"):
            service = getattr(ic, kind)
            if service is None:
                continue
            for destination, share in service.outcomes.items():
                if share > 0 and destination in SOCIAL_CARE_NEEDS:
                    yield f"intermediate_care.{kind}.outcomes.{destination}", destination
