"""Community pharmacy (Pharmacy First): pharmacists who see the patients sent to a pharmacy.

Patients come when they gave up on an appointment, when triage or a consultation sends them, or
straight from home (self-referral). They wait for one of the pool's pharmacists on duty; past
their patience they go elsewhere. After the consultation most are done; some come back to their
practice some days later and ask again, through its front door.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caresim.models.context import CareContext
from caresim.models.draws import chance, destination_draw, population_arrivals
from caresim.models.schema_front_door import PharmacyFirstSpec
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import Request, ServerPool, Step
from caresim.sim.recorder import Kind

if TYPE_CHECKING:
    from caresim.models.general_practice import GeneralPractice

__all__ = ["PharmacyFirst", "SETTING", "STEP"]

SETTING = "general_practice"
STEP = "pharmacy_first"
DESTINATION = "community_pharmacy"


class PharmacyFirst:
    """The network's community pharmacists, seeing the patients sent to a pharmacy."""

    def __init__(
        self, context: CareContext, spec: PharmacyFirstSpec, pool: ServerPool, gp: GeneralPractice
    ) -> None:
        streams = context.streams
        self.env = context.env
        self.log = log = context.log
        self.patients = context.patients
        self.router = context.router
        self.spec = spec
        self.pool = pool
        self.gp = gp
        self.step = Step.register(log, STEP, pool.name, SETTING)
        prefix = "general_practice.pharmacy_first"
        self.consultation = sampler(
            spec.consultation.build(), streams.generator(f"{prefix}.consultation")
        )
        self.no_consultation = destination_draw(
            spec.on_no_consultation, context, f"{prefix}.no_consultation"
        )
        self.returns = None
        if spec.returns is not None:
            self.returns = chance(spec.returns.share, context, f"{prefix}.returns")
            self.return_after = sampler(
                spec.returns.after.build(), streams.generator(f"{prefix}.returns.after")
            )
            self.returned = log.register(Kind.MILESTONE, f"{STEP}_returned", STEP, SETTING)
        context.router.register(DESTINATION, self.see)
        label = self.patients.arrival_label("pharmacy_self_referral", SETTING)
        population_arrivals(
            context,
            f"{prefix}.self_referrals",
            spec.self_referrals,
            None,
            lambda practice, cohort: self.see(self.patients.arrive(label, practice, cohort), STEP),
        )

    def see(self, entity: int, source: str) -> None:
        """A patient comes to a pharmacy for a consultation."""
        self.pool.request(
            entity, self.step, self._consult, patience=self.spec.patience, on_leave=self._left
        )

    def _consult(self, req: Request) -> None:
        call_later(self.env, self.consultation(), lambda: self._seen(req))

    def _seen(self, req: Request) -> None:
        self.pool.release(req)
        entity = req.entity
        returns = self.spec.returns
        registered = self.patients.practice_of(entity) < len(self.gp.practice_codes)
        if self.returns is not None and returns is not None and registered and self.returns():
            self.log.record(entity, self.returned, self.env.now, -1, req.start_row)
            activity = self.gp.activities[returns.activity]
            practice = self.patients.practice_of(entity)
            call_later(
                self.env,
                self.return_after(),
                lambda: self.gp.patient_asks(entity, activity, practice),
            )
            return
        self.patients.depart(entity, DESTINATION, SETTING)

    def _left(self, req: Request) -> None:
        self.router.send(req.entity, self.no_consultation(), SETTING)
