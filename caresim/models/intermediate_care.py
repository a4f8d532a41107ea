"""Intermediate care: bed-based, home-based and discharge-to-assess places.

Patients come by step-up from the community (general practice, district nursing), waiting at home
for a place no longer than their patience before going to hospital instead; or by step-down from
hospital (discharge pathways 1, 2 and 3), waiting in their acute bed — a delayed discharge — for as
long as it takes. Step-up and step-down wait in queues of their own (separate records and
measures); a free place goes to whoever asked first, or with ``step_up_first`` to a patient
waiting at home before one waiting in hospital. They stay for a length of stay and leave home,
home with district nursing, back to hospital, to long-term care, or — waiting in their place
until it starts — to a home care package or a care-home place.
"""

from __future__ import annotations

from typing import NamedTuple

from simpy.events import Event

from caresim.models.context import CareContext
from caresim.models.draws import destination_draw
from caresim.models.schema_intermediate_care import IntermediateCareServiceSpec
from caresim.models.social_care import EXIT_OF_NEED, SocialCare
from caresim.models.vocabulary import IC_KINDS
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import BedPool, Request, Step
from caresim.sim.recorder import Kind

__all__ = ["KINDS", "SETTING", "IntermediateCare"]

SETTING = "intermediate_care"
KINDS = IC_KINDS


class Provider(NamedTuple):
    """One provider's places of a kind of intermediate care, and any ring-fenced for step-up."""

    pool: BedPool
    ring_fenced: BedPool | None


def _step(log, name: str, pools: list[str]) -> Step:
    """A step on one pool, or on any of several (each provider's), one group either way."""
    if len(pools) == 1:
        return Step.register(log, name, pools[0], SETTING)
    return Step.register_any(log, name, pools, SETTING)


class _Service:
    """One kind of intermediate care at run time, of one provider or of several by area."""

    def __init__(
        self,
        ic: IntermediateCare,
        kind: str,
        spec: IntermediateCareServiceSpec,
        pools: dict[str, BedPool],
    ):
        streams = ic.context.streams
        self.kind = kind
        self.providers = [
            Provider(pools[s.uses], pools[s.step_up_uses] if s.step_up_uses is not None else None)
            for s in spec.sites.values()
        ]
        self.provider_of = ic.context.patients.areas([s.serves for s in spec.sites.values()])
        self.pool = self.providers[0].pool
        self.step_up = _step(ic.log, f"{kind}_step_up", spec.pools)
        self.step_up_ring_fenced = (
            _step(ic.log, f"{kind}_step_up", spec.step_up_pools) if spec.step_up_pools else None
        )
        self.step_down = _step(ic.log, f"{kind}_step_down", spec.pools)
        self.length_of_stay = sampler(
            spec.length_of_stay.build(),
            streams.generator(f"intermediate_care.{kind}.length_of_stay"),
        )
        self.arranging = (
            sampler(
                spec.arranging.build(),
                streams.generator(f"intermediate_care.{kind}.arranging"),
            )
            if spec.arranging is not None
            else None
        )
        self.outcome = destination_draw(
            spec.outcomes, ic.context, f"intermediate_care.{kind}.outcome"
        )
        self.outcome_labels = {
            destination: ic.log.register(Kind.MILESTONE, f"{kind}_to_{destination}", kind, SETTING)
            for destination in spec.outcomes
        }

    def provider(self, ic: IntermediateCare, entity: int) -> Provider:
        """The provider serving the patient's practice."""
        return self.providers[self.provider_of[ic.context.patients.practice_of(entity)]]

    def release(self, req: Request) -> None:
        """Give the place back to whichever pool granted it."""
        assert req.pool is not None  # only a granted place is given back
        req.pool.release(req)

    def leave(self, ic: IntermediateCare, req: Request) -> None:
        """The stay is over: free the place and send the patient on.

        A patient going on to home care or a care home keeps the place until that starts; it was
        arranged during the stay, so they wait only for a free package or place.
        """
        destination = self.outcome()
        ic.log.record(req.entity, self.outcome_labels[destination], ic.env.now)
        if destination in EXIT_OF_NEED:
            social = ic.social_care
            assert social is not None

            def placed(package: Request) -> None:
                self.release(req)
                social.start(package, destination, SETTING)

            service = social.services[destination]
            service.pool.request(req.entity, service.steps[SETTING], placed)
            return
        self.release(req)
        ic.router.send(req.entity, destination, SETTING)


class IntermediateCare:
    """The intermediate care services of a place and their waiting lists."""

    def __init__(
        self,
        context: CareContext,
        pools: dict[str, BedPool],
        social_care: SocialCare | None = None,
    ) -> None:
        config = context.config
        router = context.router
        spec = config.intermediate_care
        assert spec is not None
        self.context = context
        self.env = context.env
        self.log = context.log
        self.router = router
        self.social_care = social_care
        self.patience = spec.step_up_patience
        # Lower goes first: with step_up_first a patient at home is offered a free place first.
        self.step_down_priority = 1 if spec.step_up_first else 0
        self.services: dict[str, _Service] = {}
        for kind in KINDS:
            service_spec = getattr(spec, kind)
            if service_spec is not None:
                self.services[kind] = _Service(self, kind, service_spec, pools)
        self.gave_up = destination_draw(
            spec.step_up_gave_up, context, "intermediate_care.step_up_gave_up"
        )
        if "bed_based" in self.services:
            router.register("intermediate_care_bed", lambda e, s: self.step_up(e, "bed_based"))
        if "home_based" in self.services:
            router.register("intermediate_care_home", lambda e, s: self.step_up(e, "home_based"))

    # -- step-up: from home, with patience ------------------------------------------------------
    def step_up(self, entity: int, kind: str) -> None:
        """A patient at home needs a place; they wait no longer than the step-up patience."""
        service = self.services[kind]
        pool, fenced = service.provider(self, entity)
        step = service.step_up
        # A ring-fenced place if one is free, else a shared one; with neither, the patient waits
        # for a ring-fenced place, where no patient from hospital competes.
        if fenced is not None and (fenced.has_free_unit() or not pool.has_free_unit()):
            fenced_step = service.step_up_ring_fenced
            assert fenced_step is not None  # registered whenever there is a ring-fenced pool
            pool, step = fenced, fenced_step
        pool.request(
            entity,
            step,
            lambda req: self.stay(req, kind),
            priority=0,
            patience=self.patience,
            on_leave=lambda req: self.router.send(req.entity, self.gave_up(), SETTING),
        )

    # -- step-down: from hospital, waiting in the acute bed -------------------------------------
    def step_down(self, entity: int, kind: str) -> Event:
        """An event, for the hospital to wait on while the patient keeps their acute bed."""
        service = self.services[kind]
        pool = service.provider(self, entity).pool
        return pool.acquire(entity, service.step_down, self.step_down_priority)

    def arranging_time(self, kind: str) -> float:
        """Hours to arrange a place for a patient leaving hospital (0 when not modelled)."""
        arranging = self.services[kind].arranging
        return arranging() if arranging is not None else 0.0

    def has_free(self, kind: str, entity: int) -> bool:
        """Whether a place of ``kind`` would be granted at once to the patient ``entity``."""
        service = self.services[kind]
        return service.provider(self, entity).pool.has_free_unit()

    def stay(self, req: Request, kind: str) -> None:
        """The patient has a place: they stay, then leave it for their next destination."""
        service = self.services[kind]
        call_later(self.env, service.length_of_stay(), lambda: service.leave(self, req))

    def occupy(self, entity: int, kind: str, remaining: float) -> None:
        """A patient already in a place at the start, with ``remaining`` hours to stay."""
        service = self.services[kind]

        def started(req: Request) -> None:
            call_later(self.env, remaining, lambda: service.leave(self, req))

        service.provider(self, entity).pool.request(entity, service.step_down, started)
