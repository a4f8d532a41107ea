"""General practice: requests for appointments, booked into clinicians' slots, and consultations.

Each practice's registered patients ask for activities (same-day, routine, reviews, ...) at rates
per patient per year. A request is booked into the earliest free slot, within the activity's
window, of a clinician in an eligible role whose pool serves the patient's practice (its own staff
or the network's). Roles are tried in the activity's order of preference, or one is chosen by share
and the others tried after it (task-sharing). With no slot in the window the patient tries again
later, and past their patience goes to a community pharmacy, self-care or the emergency department.

A booking takes as many slots in a row as the role's consultation needs. The consultation happens
at the appointment time, or later if the clinician is running late; it takes the role's time for
the activity. A non-GP role may hand the patient back to a GP: a GP appointment for the same
activity, with its urgency and outcomes. Patients seen by a role may come back for the same
problem some time later (re-consultation). Then the patient goes home, is booked a follow-up, or
is sent on to another setting.

The wait is from when the patient asks to be booked to the appointment, as Appointments in General
Practice counts it. Planned work (reviews, recalls, follow-ups) asks when it falls due: the time
from planning to falling due is the planned interval, recorded as a milestone of its own, and the
patience clock starts when the patient starts trying. Each try that finds no slot is recorded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from caresim.models.context import CareContext
from caresim.models.draws import chance, destination_draw, population_arrivals
from caresim.models.front_door import FrontDoor
from caresim.models.schema_general_practice import (
    ActivitySpec,
    AllocationSpec,
    RoleWorkSpec,
    role_order,
)
from caresim.models.vocabulary import role_of
from caresim.sim.appointments import AppointmentBook, Slot
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.clock import call_later
from caresim.sim.distributions import choice_of, sampler
from caresim.sim.recorder import Kind

__all__ = ["GeneralPractice", "SETTING"]

SETTING = "general_practice"


@dataclass
class _RoleWork:
    """One role's part in one activity at run time."""

    role: str
    duration: Callable[[], float]  # consultation times
    hands_back: Callable[[], bool]  # whether this patient is then handed back
    slots: int  # slots in a row one booking takes
    returns: Callable[[], bool] | None = None  # whether the patient comes back later
    return_after: Callable[[], float] | None = None  # and after how long


class _Activity:
    """An activity at run time: its spec, labels and random samplers."""

    def __init__(self, gp: GeneralPractice, name: str, spec: ActivitySpec) -> None:
        context = gp.context
        streams, log = context.streams, context.log
        self.name = name
        self.spec = spec
        self.queue = log.register(Kind.QUEUE, f"{name}_request", name, SETTING)
        self.gave_up = log.register(Kind.ABANDON, f"{name}_no_appointment", name, SETTING)
        self.planned = log.register(Kind.MILESTONE, f"{name}_planned", f"{name}_planned", SETTING)
        self.fell_due = log.register(Kind.MILESTONE, f"{name}_fell_due", f"{name}_planned", SETTING)
        self.no_slot = log.register(Kind.MILESTONE, f"{name}_no_slot", f"{name}_tries", SETTING)
        prefix = f"general_practice.{name}"
        handback_role = gp.spec.handback_role
        roles = dict(spec.roles)
        if handback_role not in roles and any(w.hands_back > 0 for w in roles.values()):
            roles[handback_role] = gp.handback_work  # hand-backs need the GP's time here too
        self.starts: dict[str, tuple[int, int]] = {}
        self.did_not_attend: dict[str, int] = {}
        for pool in gp.pool_role:
            if gp.pool_role[pool] in roles:
                self.starts[pool] = (
                    log.register(Kind.START, f"{name}_{pool}_begin", name, SETTING, pool),
                    log.register(Kind.END, f"{name}_{pool}_end", name, SETTING, pool),
                )
                self.did_not_attend[pool] = log.register(
                    Kind.MILESTONE, f"{name}_did_not_attend", name, SETTING, pool
                )
        slot_length = gp.spec.slot_length
        self.work = {
            role: _RoleWork(
                role,
                sampler(work.duration.build(), streams.generator(f"{prefix}.{role}.duration")),
                chance(
                    work.hands_back if role != handback_role else 0.0,
                    context,
                    f"{prefix}.{role}.hands_back",
                ),
                work.slots_for(slot_length[role]),
                *_returns(work, context, f"{prefix}.{role}.returns"),
            )
            for role, work in roles.items()
        }
        self.streams = streams
        self.allocate(spec.allocation, f"{prefix}.allocation")
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

    def allocate(self, allocation: AllocationSpec | None, stream: str) -> None:
        """Who takes the activity from now: by preference, or by shares drawn from ``stream``."""
        roles = self.spec.roles
        self.order = role_order(allocation, roles)
        self.by_share = None
        if allocation is not None and allocation.shares is not None:
            shares = allocation.shares
            shared = [r for r in roles if shares.get(r, 0.0) > 0] or list(roles)
            weights = [shares.get(r, 0.0) for r in shared]
            draw = sampler(
                choice_of(shared, np.array(weights) / sum(weights)),
                self.streams.generator(stream),
            )
            # The chosen role first, then the others in order of preference.
            orders = [[first] + [r for r in self.order if r != first] for first in shared]
            self.by_share = (orders, draw)

    def roles_to_try(self) -> list[str]:
        """Roles in the order this request tries them."""
        if self.by_share is None:
            return self.order
        orders, draw = self.by_share
        return orders[draw()]


def _returns(work, context: CareContext, name: str) -> tuple:
    """The re-consultation draws of one role's work: whether a patient returns, and when."""
    if work.returns is None or work.returns.share <= 0:
        return (None, None)
    return (
        chance(work.returns.share, context, name),
        sampler(work.returns.after.build(), context.streams.generator(f"{name}.after")),
    )


class _Request:
    """A patient's request for one activity, from first asking until seen or given up.

    Once booked it carries its appointment (slot and role), then its consultation (duration and
    start record), and its own methods are the callbacks of the steps after booking:
    a request waiting weeks for its appointment holds no closure besides.
    """

    __slots__ = (
        "activity",
        "duration",
        "entity",
        "first",
        "gp",
        "practice",
        "queue_row",
        "role",
        "roles",
        "slot",
        "start_row",
    )
    # Set once booked, and once the consultation is due: not before.
    slot: Slot
    role: str
    duration: float
    start_row: int

    def __init__(self, gp, activity, entity, practice, first, queue_row, roles):
        self.gp = gp
        self.activity = activity
        self.entity = entity
        self.practice = practice
        self.first = first  # when the patient started trying
        self.queue_row = queue_row
        self.roles = roles

    def booked(self, slot: Slot, role: str) -> None:
        self.slot = slot
        self.role = role

    def appointment(self) -> None:
        self.gp._appointment(self)

    def consult(self) -> None:
        self.gp._consult(self)

    def consulted(self) -> None:
        self.gp._consulted(self)

    def retry(self) -> None:
        self.gp._try_to_book(self)


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
        members = population.networks  # a pool scoped to a network sees its practices alone
        for code, practice in enumerate(practices):
            for pool, book in sorted(books.items()):
                scope = config.staff[pool].scope
                if scope in (practice, "network") or practice in members.get(scope, ()):
                    self.books_for.setdefault((code, self.pool_role[pool]), []).append(book)
        self.handback_work = self._handback_work()
        self.activities = {name: _Activity(self, name, a) for name, a in spec.activities.items()}
        self.unmet = {
            destination: log.register(
                Kind.MILESTONE, f"no_appointment_to_{destination}", "unmet_demand", SETTING
            )
            for destination in sorted(
                {d for a in spec.activities.values() for d in a.on_no_appointment}
            )
        }
        self.handed_back = {
            role: log.register(Kind.MILESTONE, f"handed_back_by_{role}", role, SETTING)
            for role in {r for a in spec.activities.values() for r in a.roles}
        }
        self.arrival = patients.arrival_label("general_practice_request", SETTING)
        self.front_door = FrontDoor(self, spec.front_door) if spec.front_door else None
        for activity in self.activities.values():
            population_arrivals(
                context,
                f"general_practice.{activity.name}.requests",
                activity.spec.rate,
                activity.spec.profile,
                self._new_patient(activity),
            )
        call_later(self.env, HOURS_PER_DAY, self._midnight)
        self._schedule_allocation_changes()

    def _schedule_allocation_changes(self) -> None:
        """Dated changes of who takes an activity, each drawing from a stream of its own."""
        for k, change in enumerate(self.context.config.changes):
            for name, allocation in change.allocation.items():
                activity = self.activities[name]
                stream = f"general_practice.{name}.allocation.change_{k}"

                def reallocate(activity=activity, allocation=allocation, stream=stream):
                    activity.allocate(allocation, stream)

                call_later(self.env, change.at, reallocate)

    def _handback_work(self) -> RoleWorkSpec:
        """The hand-back role's work in an activity it does not do itself: its first activity's."""
        role = self.spec.handback_role
        for activity in self.spec.activities.values():
            if role in activity.roles:
                return activity.roles[role].model_copy(update={"hands_back": 0.0})
        raise ValueError(f"the hand-back role {role!r} does no activity")

    # -- demand ----------------------------------------------------------------------------------
    def _new_patient(self, activity: _Activity):
        def arrive(practice: int, cohort: int) -> None:
            entity = self.patients.arrive(self.arrival, practice, cohort)
            if activity.not_before is None:
                self.patient_asks(entity, activity, practice)
            else:
                self.request(entity, activity, practice)

        return arrive

    def patient_asks(self, entity: int, activity: _Activity, practice: int) -> None:
        """A patient asks for help themselves: through the front door, if there is one."""
        if self.front_door is None:
            self.ask(entity, activity, practice)
        else:
            self.front_door.ask(entity, activity, practice)

    # -- booking ---------------------------------------------------------------------------------
    def request(
        self,
        entity: int,
        activity: _Activity,
        practice: int,
        due_in: float | None = None,
        roles: list[str] | None = None,
        planned_row: int = -1,
    ) -> None:
        """A patient asks for an appointment for ``activity``: now, or when it falls due.

        Planned work (``due_in`` hours from now, by default the activity's ``not_before``) is
        asked for when it falls due; ``planned_row`` is the record of the moment it was planned.
        """
        if due_in is None:
            due_in = activity.not_before() if activity.not_before is not None else 0.0
        if due_in > 0:
            if planned_row < 0:
                planned_row = self.log.record(entity, activity.planned, self.env._now)
            call_later(
                self.env,
                due_in,
                lambda: self._falls_due(entity, activity, practice, roles, planned_row),
            )
            return
        self.ask(entity, activity, practice, roles)

    def _falls_due(self, entity, activity, practice, roles, planned_row: int) -> None:
        self.log.record(entity, activity.fell_due, self.env._now, -1, planned_row)
        self.ask(entity, activity, practice, roles)

    def ask(
        self,
        entity: int,
        activity: _Activity,
        practice: int,
        roles: list[str] | None = None,
        first: float | None = None,
    ) -> None:
        """Book ``activity`` now: the booking-to-appointment wait starts here.

        ``first`` is when the patient started trying (before a triage), if earlier than now.
        """
        now = self.env._now
        queue_row = self.log.record(entity, activity.queue, now)
        started = now if first is None else first
        self._try_to_book(_Request(self, activity, entity, practice, started, queue_row, roles))

    def _try_to_book(self, req: _Request) -> None:
        now = self.env._now
        spec = req.activity.spec
        # The window runs to the end of the day `book_within` after today.
        latest = (math.floor(now / HOURS_PER_DAY) + 1) * HOURS_PER_DAY + spec.book_within
        for role in req.roles or req.activity.roles_to_try():
            best: Slot | None = None
            count = req.activity.work[role].slots
            for book in self.books_for.get((req.practice, role), ()):
                slot = book.earliest(now, latest, now, spec.on_the_day_slots, count)
                if slot is not None and (best is None or slot.time < best.time):
                    best = slot
            if best is not None:
                best.book.take(best)
                req.booked(best, role)
                call_later(self.env, best.time - now, req.appointment)
                return
        self.log.record(req.entity, req.activity.no_slot, now, -1, req.queue_row)
        waited = now - req.first
        if waited + self.spec.retry_every <= spec.patience + 1e-6:  # clock sums drift by ulps
            call_later(self.env, self.spec.retry_every, req.retry)
        else:
            self.log.record(req.entity, req.activity.gave_up, now, -1, req.queue_row)
            self.no_appointment(req.entity, req.activity, req.queue_row)

    def no_appointment(self, entity: int, activity: _Activity, request_row: int) -> None:
        """A patient who gave up without an appointment goes elsewhere."""
        destination = activity.no_appointment()
        self.log.record(entity, self.unmet[destination], self.env._now, -1, request_row)
        self.router.send(entity, destination, SETTING)

    # -- the appointment -------------------------------------------------------------------------
    def _appointment(self, req: _Request) -> None:
        activity = req.activity
        slot = req.slot
        now = self.env._now
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
        duration = activity.work[req.role].duration()
        free_at[slot.clinician] = start + duration
        req.duration = duration
        if start > now:  # the clinician is running late
            call_later(self.env, start - now, req.consult)
        else:
            self._consult(req)

    def _consult(self, req: _Request) -> None:
        slot = req.slot
        start_code, _ = req.activity.starts[slot.book.name]
        req.start_row = self.log.record(
            req.entity, start_code, self.env._now, slot.clinician, req.queue_row
        )
        call_later(self.env, req.duration, req.consulted)

    def _consulted(self, req: _Request) -> None:
        role, slot = req.role, req.slot
        _, end_code = req.activity.starts[slot.book.name]
        end_row = self.log.record(
            req.entity, end_code, self.env._now, slot.clinician, req.start_row
        )
        activity = req.activity
        work = activity.work[role]
        if work.hands_back():
            self.log.record(req.entity, self.handed_back[role], self.env._now)
            self.request(req.entity, activity, req.practice, 0.0, [self.spec.handback_role])
            return
        if work.returns is not None and work.returns():
            # The same problem again: the patient asks afresh later, not planned by the practice.
            call_later(
                self.env,
                work.return_after(),
                lambda: self.patient_asks(req.entity, activity, req.practice),
            )
            return
        destination = activity.outcome()
        if destination == "gp_follow_up":
            follow_up = self.activities[activity.spec.follow_up.activity]
            self.request(
                req.entity,
                follow_up,
                req.practice,
                max(activity.follow_up_after(), 1e-9),
                None,
                end_row,
            )
        else:
            self.router.send(req.entity, destination, SETTING)

    def _midnight(self) -> None:
        today = int(self.env._now // HOURS_PER_DAY)
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
            in_network = self._network_draw(pool, rng)
            for slot in book.fill(0.0, over, share, lambda n, k: rng.choice(n, k, replace=False)):
                if scope_practice is not None:
                    practice = scope_practice
                else:
                    practice = practice_draw() if in_network is None else in_network()
                entity = self.patients.arrive(label, practice, cohort_draw())
                queue_row = self.log.record(entity, activity.queue, 0.0)
                req = _Request(self, activity, entity, practice, 0.0, queue_row, [role])
                req.booked(slot, role)
                call_later(self.env, slot.time, req.appointment)

    def _network_draw(self, pool: str, rng):
        """For a pool scoped to a named network: a draw of one of its practices by list size."""
        population = self.context.config.population
        members = population.networks.get(self.scope[pool]) if population is not None else None
        if not members:
            return None
        assert population is not None
        codes = [self.practice_codes[m] for m in members]
        sizes = np.array([population.practices[m].registered for m in members], dtype=float)
        weights = sizes / sizes.sum() if sizes.sum() > 0 else np.full(len(codes), 1 / len(codes))
        return lambda: codes[int(rng.choice(len(codes), p=weights))]

    def _scope_code(self, pool: str) -> int | None:
        """The practice a pool belongs to, or None for a network pool."""
        return self.practice_codes.get(self.scope[pool])
