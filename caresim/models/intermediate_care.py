"""Intermediate care: bed-based, home-based and discharge-to-assess places.

Patients come by step-up from the community (general practice, district nursing), waiting at home
for a place no longer than their patience before going to hospital instead; or by step-down from
hospital (discharge pathways 1, 2 and 3), waiting in their acute bed — a delayed discharge — for as
long as it takes. They stay for a length of stay and leave home, home with district nursing, back
to hospital, or to long-term care.
"""

from __future__ import annotations

from simpy.events import Event

from caresim.models.context import CareContext
from caresim.models.draws import destination_draw
from caresim.models.schema_intermediate_care import IntermediateCareServiceSpec
from caresim.models.vocabulary import IC_KINDS
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import BedPool, Request, Step
from caresim.sim.recorder import Kind

__all__ = ["KINDS", "SETTING", "IntermediateCare"]

SETTING = "intermediate_care"
KINDS = IC_KINDS


class _Service:
    """One kind of intermediate care at run time."""

    def __init__(
        self, ic: IntermediateCare, kind: str, spec: IntermediateCareServiceSpec, pool: BedPool
    ):
        streams = ic.context.streams
        self.kind = kind
        self.pool = pool
        self.step_up = Step.register(ic.log, f"{kind}_step_up", pool.name, SETTING)
        self.step_down = Step.register(ic.log, f"{kind}_step_down", pool.name, SETTING)
        self.length_of_stay = sampler(
            spec.length_of_stay.build(),
            streams.generator(f"intermediate_care.{kind}.length_of_stay"),
        )
        self.outcome = destination_draw(
            spec.outcomes, ic.context, f"intermediate_care.{kind}.outcome"
        )
        self.outcome_labels = {
            destination: ic.log.register(Kind.MILESTONE, f"{kind}_to_{destination}", kind, SETTING)
            for destination in spec.outcomes
        }

    def leave(self, ic: IntermediateCare, req: Request) -> None:
        """The stay is over: free the place and send the patient on."""
        self.pool.release(req)
        destination = self.outcome()
        ic.log.record(req.entity, self.outcome_labels[destination], ic.env.now)
        ic.router.send(req.entity, destination, SETTING)


class IntermediateCare:
    """The intermediate care services of a place and their waiting lists."""

    def __init__(self, context: CareContext, pools: dict[str, BedPool]) -> None:
        config = context.config
        router = context.router
        spec = config.intermediate_care
        assert spec is not None
        self.context = context
        self.env = context.env
        self.log = context.log
        self.router = router
        self.patience = spec.step_up_patience
        self.services: dict[str, _Service] = {}
        for kind in KINDS:
            service_spec = getattr(spec, kind)
            if service_spec is not None:
                self.services[kind] = _Service(self, kind, service_spec, pools[service_spec.uses])
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
        service.pool.request(
            entity,
            service.step_up,
            lambda req: self.stay(req, kind),
            patience=self.patience,
            on_leave=lambda req: self.router.send(req.entity, self.gave_up(), SETTING),
        )

    # -- step-down: from hospital, waiting in the acute bed -------------------------------------
    def step_down(self, entity: int, kind: str) -> Event:
        """An event, for the hospital to wait on while the patient keeps their acute bed."""
        service = self.services[kind]
        return service.pool.acquire(entity, service.step_down)

    def stay(self, req: Request, kind: str) -> None:
        """The patient has a place: they stay, then leave it for their next destination."""
        service = self.services[kind]
        call_later(self.env, service.length_of_stay(), lambda _e: service.leave(self, req))

    def occupy(self, entity: int, kind: str, remaining: float) -> None:
        """A patient already in a place at the start, with ``remaining`` hours to stay."""
        service = self.services[kind]

        def started(req: Request) -> None:
            call_later(self.env, remaining, lambda _e: service.leave(self, req))

        service.pool.request(entity, service.step_down, started)
