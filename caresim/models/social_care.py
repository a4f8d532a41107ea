"""Social care behind discharge: home care packages and care-home places, finite and held.

A patient leaving hospital or intermediate care who needs home care or a care home waits while
it is arranged (finding a provider or a home, choice, funding), then for a free package or place,
keeping their acute bed or intermediate care place meanwhile (a delayed discharge). Once it
starts they leave the modelled care settings (home with a package, or to a care home) while the
package or place stays in use for its length of service, so that the next patient waits for it
to be freed. People at home may need the same packages and places (``community:``): they join
the same first-come queue and leave the waiting list after their patience.
"""

from __future__ import annotations

from simpy.events import Event

from caresim.models.context import CareContext
from caresim.models.schema_social_care import (
    SOCIAL_CARE_NEEDS,
    CommunityDemandSpec,
    SocialCareServiceSpec,
)
from caresim.sim.arrivals import PoissonArrivals
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import BedPool, Request, Step

__all__ = ["COMMUNITY", "EXIT_OF_NEED", "GAVE_UP", "SOURCES", "SocialCare"]

#: Where a patient goes once the package or place has started.
EXIT_OF_NEED = {"home_care": "home", "care_home": "long_term_care"}
#: Who waits for social care: patients in hospital, in intermediate care, and clients at the start.
SOURCES = ("hospital", "intermediate_care")
#: The setting of people who wait at home for a package or place, and how they leave its list.
COMMUNITY = "community"
GAVE_UP = "left_waiting_list"


class _Service:
    """One social care service at run time: its pool, its waits by source, its length of service."""

    def __init__(
        self, social: SocialCare, need: str, spec: SocialCareServiceSpec, pool: BedPool
    ) -> None:
        self.need = need
        self.pool = pool
        self.steps = {
            source: Step.register(social.log, f"{need}_from_{source}", pool.name, source)
            for source in SOURCES
        }
        self.at_start = Step.register(social.log, f"{need}_at_start", pool.name)
        self.spec = spec
        streams = social.context.streams
        self.length_of_service = sampler(
            spec.length_of_service.build(),
            streams.generator(f"social_care.{need}.length_of_service"),
        )
        self.arranging = (
            sampler(spec.arranging.build(), streams.generator(f"social_care.{need}.arranging"))
            if spec.arranging is not None
            else None
        )
        if spec.community is not None:
            self._community_demand(social, spec.community)

    def _community_demand(self, social: SocialCare, community: CommunityDemandSpec) -> None:
        """People at home referred for the service, who wait for it there."""
        context = social.context
        config = context.config
        streams = context.streams
        step = Step.register(social.log, f"{self.need}_from_{COMMUNITY}", self.pool.name, COMMUNITY)
        label = social.patients.arrival_label(f"{self.need}_{COMMUNITY}", COMMUNITY)
        patience = sampler(
            community.patience.build(), streams.generator(f"social_care.{self.need}.patience")
        )
        patients = social.patients

        def started(req: Request) -> None:
            call_later(social.env, self.length_of_service(), lambda: self.pool.release(req))
            patients.depart(req.entity, EXIT_OF_NEED[self.need], COMMUNITY)

        def gave_up(req: Request) -> None:
            patients.depart(req.entity, GAVE_UP, COMMUNITY)

        def referred() -> None:
            entity = patients.arrive(label, -1, 0)
            self.pool.request(entity, step, started, patience=patience(), on_leave=gave_up)

        assert config.population is not None  # checked with the config
        PoissonArrivals(
            social.env,
            community.per_hour(config.population.registered) * config.demand.scale,
            streams.generator(f"social_care.{self.need}.community"),
            referred,
            until=context.horizon,
            growth=_growth(config),
        )


def _growth(config) -> float:
    """Yearly growth of community demand: the population's, averaged over cohorts if by cohort."""
    population = config.population
    if population is None:
        return 0.0
    growth = population.demand_growth
    if not isinstance(growth, dict):
        return growth
    return sum(share * growth.get(cohort, 0.0) for cohort, share in population.cohorts.items())


class SocialCare:
    """The home care and care-home capacity of a place."""

    def __init__(self, context: CareContext, pools: dict[str, BedPool]) -> None:
        spec = context.config.social_care
        assert spec is not None
        self.context = context
        self.env = context.env
        self.log = context.log
        self.patients = context.patients
        self.services: dict[str, _Service] = {}
        for need in SOCIAL_CARE_NEEDS:
            service_spec = getattr(spec, need)
            if service_spec is not None:
                self.services[need] = _Service(self, need, service_spec, pools[service_spec.uses])

    def arranging_time(self, need: str) -> float:
        """Hours to arrange a package or place before one is sought (0 when not modelled)."""
        arranging = self.services[need].arranging
        return arranging() if arranging is not None else 0.0

    def has_free(self, need: str) -> bool:
        """Whether a package or place would start at once."""
        return self.services[need].pool.has_free_unit()

    def wait_for(self, entity: int, need: str, source: str) -> Event:
        """An event to wait on (keeping a bed or place) until a package or place is free."""
        service = self.services[need]
        return service.pool.acquire(entity, service.steps[source])

    def start(self, req: Request, need: str, source: str) -> None:
        """The package or place starts: the patient leaves ``source``; it is held for its length."""
        service = self.services[need]
        call_later(self.env, service.length_of_service(), lambda: service.pool.release(req))
        self.patients.depart(req.entity, EXIT_OF_NEED[need], source)

    def occupy(self, need: str, count: int, remaining) -> None:
        """``count`` clients already receiving ``need`` at the start, each ``remaining()`` hours."""
        service = self.services[need]
        label = self.patients.arrival_label(f"existing_{need}", "system")
        for _ in range(count):
            entity = self.patients.arrive(label, -1, 0)

            def started(req: Request, hours: float = remaining()) -> None:
                call_later(self.env, hours, lambda: service.pool.release(req))
                self.patients.depart(req.entity, EXIT_OF_NEED[need], "system")

            service.pool.request(entity, service.at_start, started)
