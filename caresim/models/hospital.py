"""The acute hospital: emergency attendances, admission to finite beds, stay, and discharge.

Patients attend the emergency department from the population, or are sent by general practice,
district nursing or intermediate care. By acuity some are admitted; a share of low-acuity
admissions is treated instead at home by urgent community response or a virtual ward when a place
is free (admission avoidance). An admitted patient waits in the emergency department for a bed if
none is free, stays for a clinical length of stay, and is then medically fit to leave by discharge
pathway 0 (home), 1 (home with support), 2 (a rehabilitation bed) or 3 (a care home). Waiting for
pathway 1–3 capacity they keep the acute bed: a delayed discharge. Some go home and return as
emergency readmissions.
"""

from __future__ import annotations

from typing import NamedTuple

from caresim.models.context import CareContext
from caresim.models.discharge import Discharge
from caresim.models.draws import chance, destination_draw, population_arrivals
from caresim.models.intermediate_care import IntermediateCare
from caresim.models.social_care import SocialCare
from caresim.models.vocabulary import DISCHARGE_PATHWAYS
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import BedPool, Request, Step, acquire_any
from caresim.sim.recorder import Kind

__all__ = ["PATHWAYS", "SETTING", "Hospital"]

SETTING = "hospital"
PATHWAYS = DISCHARGE_PATHWAYS
ADMISSION_SOURCES = (
    "emergency_department",
    "general_practice",
    "district_nursing",
    "intermediate_care",
    "readmission",
    "admission_avoidance",
    "hospital",
    "starting_state",
)


class Site(NamedTuple):
    """One acute trust's beds: an admission takes an acute bed, then an escalation bed if any."""

    beds: BedPool
    admission_beds: list[BedPool]


class Hospital:
    """Emergency attendances, acute beds and discharges of a place, at one site or at each of
    several trusts, which admit the patients of the practices they serve."""

    def __init__(
        self,
        context: CareContext,
        beds: dict[str, BedPool],
        intermediate_care: IntermediateCare | None,
        social_care: SocialCare | None = None,
    ) -> None:
        config = context.config
        spec = config.hospital
        assert spec is not None
        self.context = context
        self.spec = spec
        self.env = context.env
        self.log = context.log
        self.patients = context.patients
        self.router = context.router
        self.ic = intermediate_care
        self.sites = self._sites(beds)
        self.site_of = self.patients.areas([s.serves for s in spec.sites.values()])
        self.cohorts = list(config.population.cohorts) if config.population else ["everyone"]
        self._register_events()
        self._draws()
        self.avoidance = spec.admission_avoidance
        if self.avoidance is not None:
            self._admission_avoidance(beds)
        self.readmission = spec.readmission
        if self.readmission is not None:
            self._readmissions()
        self._front_doors()
        if spec.electives is not None:
            self._electives(spec.electives)
        self.discharge = Discharge(context, spec, intermediate_care, social_care)
        self.referred_to_district_nursing = chance(
            spec.referred_to_district_nursing, context, "hospital.referred_to_district_nursing"
        )

    def _sites(self, beds: dict[str, BedPool]) -> list[Site]:
        """Each site's pools: where an admission may go, the acute beds, then escalation beds
        when all are full."""
        sites = []
        for site in self.spec.sites.values():
            admission = [beds[site.beds]]
            if site.escalation_beds is not None:
                admission.append(beds[site.escalation_beds])
            sites.append(Site(beds[site.beds], admission))
        return sites

    def _site(self, entity: int) -> Site:
        return self.sites[self.site_of[self.patients.practice_of(entity)]]

    def _register_events(self) -> None:
        log = self.log
        pools = [pool.name for site in self.sites for pool in site.admission_beds]
        if len(pools) == 1:
            self.admission = Step.register(log, "admission", pools[0], SETTING)
        else:
            self.admission = Step.register_any(log, "admission", pools, SETTING)
        self.attended = log.register(
            Kind.MILESTONE, "ed_attendance", "emergency_department", SETTING
        )
        self.admitted_from = {
            source: log.register(Kind.MILESTONE, f"admitted_from_{source}", "admissions", SETTING)
            for source in ADMISSION_SOURCES
        }
        self.fit = {
            pathway: log.register(Kind.MILESTONE, f"medically_fit_{pathway}", pathway, SETTING)
            for pathway in PATHWAYS
        }
        self.avoided = log.register(
            Kind.MILESTONE, "admission_avoided", "admission_avoidance", SETTING
        )

    def _draws(self) -> None:
        """Acuity, admission, zero-day stays, lengths of stay and pathways, each on its stream."""
        spec, context, streams = self.spec, self.context, self.context.streams
        self.next_acuity = destination_draw(spec.acuity, context, "hospital.acuity")
        self.admits = {
            a: chance(p, context, f"hospital.admitted.{a}") for a, p in spec.admitted_share.items()
        }
        self.zero_day = chance(spec.zero_day_share, context, "hospital.zero_day")
        self.zero_day_stay = (
            sampler(spec.zero_day_stay.build(), streams.generator("hospital.zero_day_stay"))
            if spec.zero_day_stay is not None
            else None
        )
        self.length_of_stay = {
            cohort: sampler(
                spec.length_of_stay[cohort].build(),
                streams.generator(f"hospital.length_of_stay.{cohort}"),
            )
            for cohort in self.cohorts
        }
        self.pathway = {
            cohort: destination_draw(
                spec.discharge_pathways[cohort], context, f"hospital.pathway.{cohort}"
            )
            for cohort in self.cohorts
        }
        for k, change in enumerate(context.config.changes):
            if change.discharge_pathways:
                call_later(self.env, change.at, self._new_pathways(change.discharge_pathways, k))

    def _admission_avoidance(self, beds: dict[str, BedPool]) -> None:
        a, context = self.avoidance, self.context
        assert a is not None
        self.avoidance_pool = beds[a.uses]
        self.avoidance_step = Step.register(self.log, "urgent_community_response", a.uses, SETTING)
        self.offered_avoidance = chance(a.share, context, "hospital.avoidance.offered")
        for k, change in enumerate(context.config.changes):
            if change.admission_avoidance_share is not None:
                share = change.admission_avoidance_share
                call_later(self.env, change.at, self._offer_avoidance(share, k))
        self.avoidance_stay = sampler(
            a.length_of_stay.build(), context.streams.generator("hospital.avoidance.length_of_stay")
        )
        self.avoidance_outcome = destination_draw(a.outcomes, context, "hospital.avoidance.outcome")
        self.router.register("urgent_community_response", self.urgent_community_response)

    def _readmissions(self) -> None:
        r, context = self.readmission, self.context
        assert r is not None
        self.readmitted = chance(r.share, context, "hospital.readmission")
        self.readmission_after = sampler(
            r.after.build(), context.streams.generator("hospital.readmission.after")
        )
        self.readmission_label = self.patients.arrival_label("readmission", SETTING)

    def _front_doors(self) -> None:
        """Where patients come in: the emergency department, admissions, and presentations."""
        router, patients, spec = self.router, self.patients, self.spec
        router.register("emergency_department", self.attend)
        router.register(
            "hospital_admission", lambda e, source: self.admit(e, self.next_acuity(), source)
        )
        if spec.presentations is not None:
            label = patients.arrival_label("emergency_attendance", SETTING)
            population_arrivals(
                self.context,
                "hospital.presentations",
                spec.presentations.rate,
                spec.presentations.profile,
                lambda practice, cohort: self.attend(
                    patients.arrive(label, practice, cohort), "emergency_department"
                ),
            )

    # -- planned admissions -----------------------------------------------------------------------
    def _electives(self, spec) -> None:
        log, acute = self.log, self.spec.acute_beds
        if len(acute) == 1:
            self.elective_step = Step.register(log, "elective", acute[0], SETTING)
        else:
            self.elective_step = Step.register_any(log, "elective", acute, SETTING)
        self.elective_admitted = log.register(
            Kind.MILESTONE, "elective_admitted", "electives", SETTING
        )
        self.elective_cancelled = log.register(
            Kind.MILESTONE, "elective_cancelled", "electives", SETTING
        )
        self.elective_stay = sampler(
            spec.length_of_stay.build(), self.context.streams.generator("hospital.electives.stay")
        )
        label = self.patients.arrival_label("elective_admission", SETTING)
        population_arrivals(
            self.context,
            "hospital.electives",
            spec.rate,
            spec.profile,
            lambda practice, cohort: self._elective(self.patients.arrive(label, practice, cohort)),
        )

    def _elective(self, entity: int) -> None:
        """A planned admission: admitted if an acute bed of its site is free now, else cancelled."""
        if not self._site(entity).beds.has_free_unit():
            self.log.record(entity, self.elective_cancelled, self.env.now)
            self.patients.depart(entity, "home", SETTING)
            return
        self.log.record(entity, self.elective_admitted, self.env.now)
        self.env.process(self._planned_stay(entity))

    def _planned_stay(self, entity: int):
        bed = yield self._site(entity).beds.acquire(entity, self.elective_step)
        yield self.env.timeout(self.elective_stay())
        yield from self.discharge.leave(
            entity, bed, "pathway_0", True, lambda e: self.patients.depart(e, "home", SETTING)
        )

    def attend(self, entity: int, source: str) -> None:
        """An emergency department attendance: admitted by acuity, or home."""
        self.log.record(entity, self.attended, self.env.now)
        acuity = self.next_acuity()
        if self.admits[acuity]():
            self.admit(
                entity,
                acuity,
                "emergency_department" if source != "emergency_department" else source,
            )
        else:
            self.patients.depart(entity, "home", SETTING)

    # -- admission avoidance ---------------------------------------------------------------------
    def _offer_avoidance(self, share: float, change: int):
        """From a dated change on: the share offered care at home, drawn from a stream of its own."""

        def offer() -> None:
            name = f"hospital.avoidance.offered.change_{change}"
            self.offered_avoidance = chance(share, self.context, name)

        return offer

    def _new_pathways(self, shares, change: int):
        """From a dated change on: the discharge pathways of the cohorts it names, each drawn
        from a stream of its own."""

        def switch() -> None:
            for cohort, table in shares.items():
                name = f"hospital.pathway.{cohort}.change_{change}"
                self.pathway[cohort] = destination_draw(table, self.context, name)

        return switch

    def urgent_community_response(self, entity: int, source: str) -> None:
        """Referred for urgent community response: treated at home if a place is free, else admitted."""
        if self.avoidance_pool.has_free_unit():
            self._treat_at_home(entity)
        else:
            self.admit(entity, "low", source, avoidable=False)

    def _treat_at_home(self, entity: int) -> None:
        self.log.record(entity, self.avoided, self.env.now)

        def started(req: Request) -> None:
            def finished() -> None:
                self.avoidance_pool.release(req)
                outcome = self.avoidance_outcome()
                if outcome == "hospital_admission":
                    # Care at home failed: admitted now, not offered avoidance a second time.
                    self.admit(req.entity, "low", "admission_avoidance", avoidable=False)
                else:
                    self.router.send(req.entity, outcome, SETTING)

            call_later(self.env, self.avoidance_stay(), finished)

        self.avoidance_pool.request(entity, self.avoidance_step, started)

    # -- admission -------------------------------------------------------------------------------
    def admit(self, entity: int, acuity: str, source: str, avoidable: bool = True) -> None:
        """An emergency admission, unless it can be avoided."""
        a = self.avoidance
        if (
            avoidable
            and a is not None
            and acuity in a.acuity
            and self.offered_avoidance()
            and self.avoidance_pool.has_free_unit()
        ):
            self._treat_at_home(entity)
            return
        self.log.record(
            entity, self.admitted_from.get(source, self.admitted_from["hospital"]), self.env.now
        )
        self.env.process(self._stay(entity, zero_day=bool(self.zero_day())))

    def _stay(
        self, entity: int, zero_day: bool, length: float | None = None, fit_now: str | None = None
    ):
        env = self.env
        site = self._site(entity)
        if len(site.admission_beds) == 1:
            bed = yield site.beds.acquire(entity, self.admission)
        else:
            bed = yield acquire_any(site.admission_beds, entity, self.admission)
        cohort = self.cohorts[self.patients.cohort_of(entity)]
        pathway: str
        if fit_now is None:
            if zero_day:
                zero_day_stay = self.zero_day_stay
                assert zero_day_stay is not None  # the config checks give a share above 0 a stay
                length = zero_day_stay()
            elif length is None:
                length = self.length_of_stay[cohort]()
            yield env.timeout(length)
            pathway = "pathway_0" if zero_day else self.pathway[cohort]()
        else:
            pathway = fit_now
        self.log.record(entity, self.fit[pathway], env.now, -1, bed.start_row)
        yield from self.discharge.leave(entity, bed, pathway, not zero_day, self._home)

    def _home(self, entity: int) -> None:
        if self.referred_to_district_nursing():
            self.router.send(entity, "district_nursing", SETTING)
        else:
            self.patients.depart(entity, "home", SETTING)
        if self.readmission is not None and self.readmitted():
            practice = self.patients.practice_of(entity)
            cohort = self.patients.cohort_of(entity)

            def return_() -> None:
                again = self.patients.arrive(self.readmission_label, practice, cohort)
                self.admit(again, self.next_acuity(), "readmission", avoidable=False)

            call_later(self.env, self.readmission_after(), return_)

    # -- a starting state ------------------------------------------------------------------------
    def occupy(self, entity: int, remaining: float) -> None:
        """A patient already in a bed at the start, ``remaining`` hours from medically fit."""
        self.log.record(entity, self.admitted_from["starting_state"], self.env.now)
        self.env.process(self._stay(entity, zero_day=False, length=remaining))

    def occupy_fit(self, entity: int, pathway: str) -> None:
        """A patient already in a bed at the start and already waiting to leave by ``pathway``."""
        self.log.record(entity, self.admitted_from["starting_state"], self.env.now)
        self.env.process(self._stay(entity, zero_day=False, fit_now=pathway))
