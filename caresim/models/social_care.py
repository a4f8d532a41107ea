"""Social care behind discharge: home care packages and care-home places, finite and held.

A patient leaving hospital or intermediate care who needs home care or a care home waits while
it is arranged (finding a provider or a home, choice, funding), then for a free package or place,
keeping their acute bed or intermediate care place meanwhile (a delayed discharge). Once it starts they leave the modelled care settings (home with a package, or to a
care home) while the package or place stays in use for its length of service, so that the next
patient waits for it to be freed.
"""

from __future__ import annotations

from simpy.events import Event

from caresim.models.context import CareContext
from caresim.models.schema_social_care import SOCIAL_CARE_NEEDS, SocialCareServiceSpec
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import BedPool, Request, Step

__all__ = ["EXIT_OF_NEED", "SOURCES", "SocialCare"]

#: Where a patient goes once the package or place has started.
EXIT_OF_NEED = {"home_care": "home", "care_home": "long_term_care"}
#: Who waits for social care: patients in hospital, in intermediate care, and clients at the start.
SOURCES = ("hospital", "intermediate_care")


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
        call_later(self.env, service.length_of_service(), lambda _e: service.pool.release(req))
        self.patients.depart(req.entity, EXIT_OF_NEED[need], source)

    def occupy(self, need: str, count: int, remaining) -> None:
        """``count`` clients already receiving ``need`` at the start, each ``remaining()`` hours."""
        service = self.services[need]
        label = self.patients.arrival_label(f"existing_{need}", "system")
        for _ in range(count):
            entity = self.patients.arrive(label, -1, 0)

            def started(req: Request, hours: float = remaining()) -> None:
                call_later(self.env, hours, lambda _e: service.pool.release(req))
                self.patients.depart(req.entity, EXIT_OF_NEED[need], "system")

            service.pool.request(entity, service.at_start, started)
