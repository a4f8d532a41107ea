"""General practice: requests for appointments, booked into clinicians' slots, and consultations.

Each practice's registered patients ask for activities (same-day, routine, reviews, ...) at rates
per patient per year. A request is booked into the earliest free slot, within the activity's
window, of a clinician in an eligible role whose pool serves the patient's practice (its own staff
or the network's). Roles are tried in the activity's order of preference, or one is chosen by share
and the others tried after it (task-sharing). With no slot in the window the patient tries again
later, and past their patience goes to a community pharmacy, self-care or the emergency department.

The consultation happens at the appointment time, or later if the clinician is running late; it
takes the role's time for the activity. A non-GP role may hand the patient back to a GP (a new
request). Then the patient goes home, is booked a follow-up, or is sent on to another setting.
The wait is from request to appointment, as national statistics count it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from caresim.models.context import CareContext
from caresim.models.draws import chance, destination_draw, population_arrivals
from caresim.models.schema_general_practice import ActivitySpec
from caresim.models.vocabulary import role_of
from caresim.sim.appointments import AppointmentBook, Slot
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.clock import call_later
from caresim.sim.distributions import choice_of, sampler
from caresim.sim.recorder import Kind

__all__ = ["GeneralPractice", "SETTING"]

SETTING = "general_practice"
HANDBACK = "handback"


@dataclass
class _RoleWork:
    """One role's part in one activity at run time."""

    role: str
    duration: Callable[[], float]  # consultation times
    hands_back: Callable[[], bool]  # whether this patient is then handed back


class _Activity:
    """An activity at run time: its spec, labels and random samplers."""

    def __init__(self, gp: GeneralPractice, name: str, spec: ActivitySpec) -> None:
        context = gp.context
        streams, log = context.streams, context.log
        self.name = name
        self.spec = spec
        self.queue = log.register(Kind.QUEUE, f"{name}_request", name, SETTING)
        self.gave_up = log.register(Kind.ABANDON, f"{name}_no_appointment", name, SETTING)
        self.starts: dict[str, tuple[int, int]] = {}
        self.did_not_attend: dict[str, int] = {}
        for pool in gp.pool_role:
            if gp.pool_role[pool] in spec.roles:
                self.starts[pool] = (
                    log.register(Kind.START, f"{name}_{pool}_begin", name, SETTING, pool),
                    log.register(Kind.END, f"{name}_{pool}_end", name, SETTING, pool),
                )
                self.did_not_attend[pool] = log.register(
                    Kind.MILESTONE, f"{name}_did_not_attend", name, SETTING, pool
                )
        prefix = f"general_practice.{name}"
        self.work = {
            role: _RoleWork(
                role,
                sampler(work.duration.build(), streams.generator(f"{prefix}.{role}.duration")),
                chance(
                    work.hands_back if role != gp.spec.handback_role else 0.0,
                    context,
                    f"{prefix}.{role}.hands_back",
                ),
            )
            for role, work in spec.roles.items()
        }
        self.order = spec.role_order
        allocation = spec.allocation
        self.by_share = None
        if allocation is not None and allocation.shares is not None:
            shares = allocation.shares
            roles = [r for r in spec.roles if shares.get(r, 0.0) > 0] or list(spec.roles)
            weights = [shares.get(r, 0.0) for r in roles]
            draw = sampler(
                choice_of(roles, np.array(weights) / sum(weights)),
                streams.generator(f"{prefix}.allocation"),
            )
            # The chosen role first, then the others in order of preference.
            orders = [[first] + [r for r in self.order if r != first] for first in roles]
            self.by_share = (orders, draw)
        self.not_before = (
            sampler(spec.not_before.build(), streams.generator(f"{prefix}.not_before"))
            if spec.not_before is not None
            else None
        )
        self.misses = chance(spec.did_not_attend, context, f"{prefix}.did_not_attend")
        self.outcome = destination_draw(spec.outcomes, context, f"{prefix}.outcome")
        self.no_appointment = destination_draw(
            spec.on_no_appointment, context, f"{prefix}.no_appointment"
        )
        self.follow_up_after = (
            sampler(spec.follow_up.after.build(), streams.generator(f"{prefix}.follow_up"))
            if spec.follow_up is not None
            else None
        )

    def roles_to_try(self) -> list[str]:
        """Roles in the order this request tries them."""
        if self.by_share is None:
            return self.order
        orders, draw = self.by_share
        return orders[draw()]


def _without_follow_up(outcomes: dict[str, float]) -> dict[str, float]:
    """Outcomes with follow-ups sent home instead (a hand-back is itself the follow-up)."""
    kept = {k: v for k, v in outcomes.items() if k != "gp_follow_up"}
    kept["home"] = kept.get("home", 0.0) + outcomes.get("gp_follow_up", 0.0)
    return kept


class _Request:
    """A patient's request for one activity, from first asking until seen or given up."""

    __slots__ = ("activity", "entity", "first", "not_before", "practice", "queue_row", "roles")

    def __init__(self, activity, entity, practice, first, not_before, queue_row, roles):
        self.activity = activity
        self.entity = entity
        self.practice = practice
        self.first = first
        self.not_before = not_before
        self.queue_row = queue_row
        self.roles = roles


class GeneralPractice:
    """The practices of a network: their demand, appointment books and consultations."""

    def __init__(self, context: CareContext, books: dict[str, AppointmentBook]) -> None:
        config = context.config
        spec = config.general_practice
        population = config.population
        assert spec is not None and population is not None
        self.context = context
        self.spec = spec
        self.env = context.env
        self.streams = context.streams
        self.log = log = context.log
        self.patients = patients = context.patients
        self.router = context.router
        self.books = books
        self.pool_role = {pool: role_of(pool, config.staff[pool]) for pool in books}
        self.scope = {pool: config.staff[pool].scope for pool in books}
        # Clinicians free at: (pool, clinician) -> time their last consultation ends.
        self.free_at: dict[str, list[float]] = {
            pool: [0.0] * b.clinicians for pool, b in books.items()
        }
        practices = list(population.practices)
        self.practice_codes = {name: i for i, name in enumerate(practices)}
        # Books a patient of each practice may use, by role: the practice's own and the network's.
        self.books_for: dict[tuple[int, str], list[AppointmentBook]] = {}
        for code, practice in enumerate(practices):
            for pool, book in sorted(books.items()):
                scope = config.staff[pool].scope
                if scope in (practice, "network"):
                    self.books_for.setdefault((code, self.pool_role[pool]), []).append(book)
        self.activities = {name: _Activity(self, name, a) for name, a in spec.activities.items()}
        self.handback = _Activity(self, HANDBACK, self._handback_spec())
        self.handed_back = {
            role: log.register(Kind.MILESTONE, f"handed_back_by_{role}", role, SETTING)
            for role in {r for a in spec.activities.values() for r in a.roles}
        }
        self.arrival = patients.arrival_label("general_practice_request", SETTING)
        for activity in self.activities.values():
            population_arrivals(
                context,
                f"general_practice.{activity.name}.requests",
                activity.spec.rate,
                activity.spec.profile,
                self._new_patient(activity),
            )
        call_later(self.env, HOURS_PER_DAY, self._midnight)

    def _handback_spec(self) -> ActivitySpec:
        """Hand-backs: the handback role's time in the first activity it does, booked the same day."""
        role = self.spec.handback_role
        for activity in self.spec.activities.values():
            if role in activity.roles:
                return activity.model_copy(
                    update={
                        "roles": {
                            role: activity.roles[role].model_copy(update={"hands_back": 0.0})
                        },
                        "allocation": None,
                        "not_before": None,
                        "did_not_attend": 0.0,
                        "follow_up": None,
                        "outcomes": _without_follow_up(activity.outcomes),
                    }
                )
        raise ValueError(f"the hand-back role {role!r} does no activity")

    # -- demand ----------------------------------------------------------------------------------
    def _new_patient(self, activity: _Activity):
        def arrive(practice: int, cohort: int) -> None:
            entity = self.patients.arrive(self.arrival, practice, cohort)
            self.request(entity, activity, practice)

        return arrive

    # -- booking ---------------------------------------------------------------------------------
    def request(
        self,
        entity: int,
        activity: _Activity,
        practice: int,
        not_before: float | None = None,
        roles: list[str] | None = None,
    ) -> None:
        """A patient asks for an appointment for ``activity`` (now)."""
        now = self.env.now
        if not_before is None:
            not_before = activity.not_before() if activity.not_before is not None else 0.0
        queue_row = self.log.record(entity, activity.queue, now)
        req = _Request(activity, entity, practice, now, now + not_before, queue_row, roles)
        self._try_to_book(req)

    def _try_to_book(self, req: _Request) -> None:
        now = self.env.now
        spec = req.activity.spec
        earliest = max(now, req.not_before)
        # The window runs to the end of the day `book_within` after the earliest wanted day.
        latest = (math.floor(earliest / HOURS_PER_DAY) + 1) * HOURS_PER_DAY + spec.book_within
        for role in req.roles or req.activity.roles_to_try():
            best: Slot | None = None
            for book in self.books_for.get((req.practice, role), ()):
                slot = book.earliest(earliest, latest, now, spec.on_the_day_slots)
                if slot is not None and (best is None or slot.time < best.time):
                    best = slot
            if best is not None:
                best.book.take(best)
                call_later(
                    self.env,
                    best.time - now,
                    lambda _e, r=req, s=best, role=role: self._appointment(r, s, role),
                )
                return
        waited = now - req.first
        if waited + self.spec.retry_every <= spec.patience + 1e-6:  # clock sums drift by ulps
            call_later(self.env, self.spec.retry_every, lambda _e, r=req: self._try_to_book(r))
        else:
            self.log.record(req.entity, req.activity.gave_up, now, -1, req.queue_row)
            self.router.send(req.entity, req.activity.no_appointment(), SETTING)

    # -- the appointment -------------------------------------------------------------------------
    def _appointment(self, req: _Request, slot: Slot, role: str) -> None:
        activity = req.activity
        now = self.env.now
        if activity.misses():
            self.log.record(
                req.entity,
                activity.did_not_attend[slot.book.name],
                now,
                slot.clinician,
                req.queue_row,
            )
            self.patients.depart(req.entity, "self_care", SETTING)
            return
        pool = slot.book.name
        free_at = self.free_at[pool]
        start = max(now, free_at[slot.clinician])
        duration = activity.work[role].duration()
        free_at[slot.clinician] = start + duration
        if start > now:  # the clinician is running late
            call_later(
                self.env,
                start - now,
                lambda _e: self._consult(req, pool, slot.clinician, role, duration),
            )
        else:
            self._consult(req, pool, slot.clinician, role, duration)

    def _consult(
        self, req: _Request, pool: str, clinician: int, role: str, duration: float
    ) -> None:
        start_code, end_code = req.activity.starts[pool]
        start_row = self.log.record(req.entity, start_code, self.env.now, clinician, req.queue_row)
        call_later(
            self.env,
            duration,
            lambda _e: self._consulted(req, role, clinician, end_code, start_row),
        )

    def _consulted(
        self, req: _Request, role: str, clinician: int, end_code: int, start_row: int
    ) -> None:
        self.log.record(req.entity, end_code, self.env.now, clinician, start_row)
        activity = req.activity
        work = activity.work[role]
        if work.hands_back():
            self.log.record(req.entity, self.handed_back[role], self.env.now)
            self.request(req.entity, self.handback, req.practice, 0.0, [self.spec.handback_role])
            return
        destination = activity.outcome()
        if destination == "gp_follow_up":
            follow_up = self.activities[activity.spec.follow_up.activity]
            self.request(req.entity, follow_up, req.practice, activity.follow_up_after())
        else:
            self.router.send(req.entity, destination, SETTING)

    def _midnight(self, _event) -> None:
        today = int(self.env.now // HOURS_PER_DAY)
        for book in self.books.values():
            book.forget_before(today)
        call_later(self.env, HOURS_PER_DAY, self._midnight)

    # -- a starting state ------------------------------------------------------------------------
    def book_existing(self, share: float, over: float, cohort_draw, practice_draw) -> None:
        """Fill ``share`` of the bookable-ahead slots of the next ``over`` hours with patients."""
        rng = self.streams.generator("starting_state.general_practice")
        label = self.patients.arrival_label("existing_booking", SETTING)
        for pool, book in sorted(self.books.items()):
            role = self.pool_role[pool]
            activity = next((a for a in self.activities.values() if role in a.spec.roles), None)
            if activity is None:
                continue
            scope_practice = self._scope_code(pool)
            for slot in book.fill(0.0, over, share, lambda n, k: rng.choice(n, k, replace=False)):
                practice = scope_practice if scope_practice is not None else practice_draw()
                entity = self.patients.arrive(label, practice, cohort_draw())
                queue_row = self.log.record(entity, activity.queue, 0.0)
                req = _Request(activity, entity, practice, 0.0, 0.0, queue_row, [role])
                call_later(
                    self.env,
                    slot.time,
                    lambda _e, r=req, s=slot, ro=role: self._appointment(r, s, ro),
                )

    def _scope_code(self, pool: str) -> int | None:
        """The practice a pool belongs to, or None for a network pool."""
        return self.practice_codes.get(self.scope[pool])
