"""Finite pools of identical units (staff on a rota, beds, caseload places) on a SimPy clock.

A request waits in priority order (lower first, first come first served within a priority) until
a unit is free, and may give up after a patience time. Granting is synchronous: the requester's
``on_start`` callback runs at the moment a unit is granted, without an extra scheduled event, which
keeps the per-patient cost of the engine below that of a SimPy ``Resource``. Models written as SimPy
processes use :meth:`ServerPool.acquire`, which wraps the same mechanism in an event to ``yield``.

Every request, start, end, abandonment and turning-away is written to the :class:`EventLog`; the
pool itself keeps only the state it needs to decide who goes next.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import simpy
from simpy.events import Event

from caresim.sim.calendar import Roster, Rota
from caresim.sim.clock import call_later
from caresim.sim.recorder import EventLog, Kind

__all__ = [
    "BedPool",
    "Request",
    "RosteredPool",
    "ServerPool",
    "StaffPool",
    "Step",
    "acquire_any",
    "request_any",
]

WAITING, SERVING, DONE, LEFT = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Step:
    """The label codes of one step that uses a pool: waiting, start, end, and leaving early.

    A step that any of several pools may serve (skill mix) has start and end codes per pool in
    ``by_pool``; ``start`` and ``end`` are then those of its first pool.
    """

    name: str
    queue: int
    start: int
    end: int
    abandon: int
    turned_away: int
    by_pool: dict[str, tuple[int, int]]

    @classmethod
    def register(cls, log: EventLog, name: str, pool: str, setting: str = "system") -> Step:
        """Register the labels of step ``name`` on ``pool``: ``{name}_wait``, ``{name}_begin``, ..."""
        start = log.register(Kind.START, f"{name}_begin", name, setting, pool)
        end = log.register(Kind.END, f"{name}_end", name, setting, pool)
        return cls(
            name=name,
            queue=log.register(Kind.QUEUE, f"{name}_wait", name, setting, pool),
            start=start,
            end=end,
            abandon=log.register(Kind.ABANDON, f"{name}_abandoned", name, setting, pool),
            turned_away=log.register(Kind.TURNED_AWAY, f"{name}_turned_away", name, setting, pool),
            by_pool={pool: (start, end)},
        )

    @classmethod
    def register_any(
        cls, log: EventLog, name: str, pools: list[str], setting: str = "system"
    ) -> Step:
        """Register a step that any of ``pools`` may serve; use it with :func:`request_any`.

        Its queue records belong to no one pool; its start and end records name the pool that
        served (events ``{name}_{pool}_begin``), so each pool's use is measured on its own.
        """
        by_pool = {
            pool: (
                log.register(Kind.START, f"{name}_{pool}_begin", name, setting, pool),
                log.register(Kind.END, f"{name}_{pool}_end", name, setting, pool),
            )
            for pool in pools
        }
        first = by_pool[pools[0]]
        return cls(
            name=name,
            queue=log.register(Kind.QUEUE, f"{name}_wait", name, setting),
            start=first[0],
            end=first[1],
            abandon=log.register(Kind.ABANDON, f"{name}_abandoned", name, setting),
            turned_away=log.register(Kind.TURNED_AWAY, f"{name}_turned_away", name, setting),
            by_pool=by_pool,
        )


class Request:
    """One entity's claim on a pool: waiting, being served, done, or gone."""

    __slots__ = (
        "entity",
        "on_leave",
        "on_start",
        "outcome",
        "pool",
        "pools",
        "priority",
        "queue_row",
        "queued",
        "start_row",
        "state",
        "step",
        "unit",
    )

    def __init__(
        self,
        entity: int,
        step: Step,
        priority: float,
        on_start: Callable[[Request], object] | None,
        on_leave: Callable[[Request], object] | None,
    ) -> None:
        self.entity = entity
        self.step = step
        self.priority = priority
        self.on_start = on_start
        self.on_leave = on_leave
        self.state = WAITING
        self.unit = -1
        self.queue_row = -1
        self.start_row = -1
        self.outcome = ""  # "served", "abandoned" or "turned_away" once decided
        self.pool: ServerPool | None = None  # the pool that granted it
        self.pools: tuple[ServerPool, ...] | None = None  # all the pools it asked, if several
        self.queued = False

    @property
    def granted(self) -> bool:
        """Whether a unit was granted (the request did not leave early)."""
        return self.unit >= 0


class ServerPool:
    """Units granted to requests in priority order; the base of staff and bed pools."""

    def __init__(self, env: simpy.Environment, name: str, log: EventLog, capacity: int | None):
        if capacity is not None and capacity < 0:
            raise ValueError(f"pool {name!r}: capacity must not be negative")
        self.env = env
        self.name = name
        self.log = log
        self.capacity = capacity
        self.turn_away = False
        self._free: list[int] = list(range(capacity - 1, -1, -1)) if capacity else []
        self._next_unit = capacity or 0  # next new unit id when the pool is unconstrained
        self._queue: list[tuple[float, int, Request]] = []
        self._seq = 0
        self.waiting = 0  # live requests in the queue
        self.busy = 0  # units in use

    # -- requesting ------------------------------------------------------------------------------
    def request(
        self,
        entity: int,
        step: Step,
        on_start: Callable[[Request], object],
        priority: float = 0,
        patience: float | None = None,
        on_leave: Callable[[Request], object] | None = None,
    ) -> Request:
        """Ask for a unit. ``on_start(request)`` runs when granted, ``on_leave(request)`` if it leaves.

        The request is granted at once when a unit is free, turned away at once when the pool is
        full and turns requests away, and otherwise waits; with a ``patience`` it leaves the queue
        (abandons) when that much time passes without a unit.
        """
        env = self.env
        now = env._now
        req = Request(entity, step, priority, on_start, on_leave)
        req.queue_row = self.log.record(entity, step.queue, now)
        if self._free:
            self._grant(req, self._free.pop(), now)
        elif self.capacity is None:
            unit = self._next_unit
            self._next_unit += 1
            self._grant(req, unit, now)
        elif self.turn_away:
            self._leave(req, step.turned_away, "turned_away", now)
        else:
            self._enqueue(req)
            if patience is not None and patience < math.inf:
                call_later(env, patience, lambda: self._renege(req))
        return req

    def acquire(
        self, entity: int, step: Step, priority: float = 0, patience: float | None = None
    ) -> Event:
        """An event to ``yield`` in a SimPy process; its value is the :class:`Request`.

        Check ``request.granted`` after the yield: it is false when the request abandoned or was
        turned away (``request.outcome`` says which).
        """
        event = Event(self.env)
        self.request(entity, step, event.succeed, priority, patience, event.succeed)
        return event

    def release(self, req: Request) -> None:
        """Give back the unit a granted request holds (to whichever pool granted it)."""
        if req.state != SERVING:
            raise RuntimeError(f"pool {self.name!r}: release of a request that holds no unit")
        pool = req.pool
        if pool is not self:
            assert pool is not None  # a request being served was granted by some pool
            pool.release(req)
            return
        now = self.env._now
        codes = req.step.by_pool.get(self.name)
        end = req.step.end if codes is None else codes[1]
        self.log.record(req.entity, end, now, req.unit, req.start_row)
        req.state = DONE
        self.busy -= 1
        self._unit_freed(req.unit, now)

    def has_free_unit(self) -> bool:
        """Whether a request made now would be granted at once."""
        return bool(self._free) or self.capacity is None

    def withdraw(self, req: Request) -> None:
        """Take a waiting request out of the queue (the entity went elsewhere); recorded as abandoned."""
        if req.state == WAITING:
            req.on_leave = None
            self._dequeued(req)
            self._leave(req, req.step.abandon, "abandoned", self.env.now)

    # -- inside --------------------------------------------------------------------------------
    def _enqueue(self, req: Request) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (req.priority, self._seq, req))
        self.waiting += 1
        req.queued = True

    def _dequeued(self, req: Request) -> None:
        """A waiting request leaves the queue(s) it is in; its heap entries are skipped later."""
        for pool in req.pools or (self,):
            pool.waiting -= 1

    def _grant(self, req: Request, unit: int, now: float) -> None:
        # A step several pools may serve has codes of its own for each (a single-pool request
        # to one of them included); any other step has its own start and end.
        codes = req.step.by_pool.get(self.name)
        start = req.step.start if codes is None else codes[0]
        if req.pools is not None and req.queued:  # it waited in the other pools' queues too
            for pool in req.pools:
                if pool is not self:
                    pool.waiting -= 1
        req.unit = unit
        req.pool = self
        req.state = SERVING
        req.outcome = "served"
        req.start_row = self.log.record(req.entity, start, now, unit, req.queue_row)
        self.busy += 1
        on_start = req.on_start
        req.on_start = req.on_leave = None  # no cycle left through an event the request holds
        assert on_start is not None  # a request is granted once
        on_start(req)

    def _leave(self, req: Request, label: int, outcome: str, now: float) -> None:
        req.state = LEFT
        req.outcome = outcome
        self.log.record(req.entity, label, now, -1, req.queue_row)
        on_leave = req.on_leave
        req.on_start = req.on_leave = None
        if on_leave is not None:
            on_leave(req)

    def _renege(self, req: Request) -> None:
        if req.state == WAITING:
            self._dequeued(req)
            self._leave(req, req.step.abandon, "abandoned", self.env.now)

    def _next_waiting(self) -> Request | None:
        queue = self._queue
        while queue:
            req = heapq.heappop(queue)[2]
            if req.state == WAITING:
                self.waiting -= 1
                return req
        return None

    def _unit_freed(self, unit: int, now: float) -> None:
        req = self._next_waiting() if self.waiting else None
        if req is not None:
            self._grant(req, unit, now)
        else:
            self._free.append(unit)


def request_any(
    pools: Sequence[ServerPool],
    entity: int,
    step: Step,
    on_start: Callable[[Request], object],
    priority: float = 0,
    patience: float | None = None,
    on_leave: Callable[[Request], object] | None = None,
) -> Request:
    """Ask for a unit of any of ``pools`` (in order of preference when several are free).

    If none is free, the request waits in every pool's queue and the first pool with a unit for
    it serves it; it is one request throughout (one queue record, one start, one end). Pools that
    turn requests away cannot be asked this way.
    """
    if any(pool.turn_away for pool in pools):
        raise ValueError("a request to several pools needs pools that queue, not turn away")
    first = pools[0]
    now = first.env.now
    req = Request(entity, step, priority, on_start, on_leave)
    req.pools = tuple(pools)
    req.queue_row = first.log.record(entity, step.queue, now)
    for pool in pools:
        if pool._free:
            pool._grant(req, pool._free.pop(), now)
            return req
    for pool in pools:
        pool._enqueue(req)
    if patience is not None and patience < math.inf:
        call_later(first.env, patience, lambda: first._renege(req))
    return req


def acquire_any(
    pools: Sequence[ServerPool],
    entity: int,
    step: Step,
    priority: float = 0,
    patience: float | None = None,
) -> Event:
    """:func:`request_any` as an event to ``yield`` in a process; its value is the request."""
    event = Event(pools[0].env)
    request_any(pools, entity, step, event.succeed, priority, patience, event.succeed)
    return event


class BedPool(ServerPool):
    """Beds or caseload places: a fixed number, or unconstrained (``capacity=None``) for an audit.

    When full, a finite pool either queues requests (``when_full="queue"``) or turns them away.
    The number of beds may change during a run (:meth:`resize`).
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        log: EventLog,
        capacity: int | None,
        when_full: str = "queue",
    ) -> None:
        if when_full not in ("queue", "turn_away"):
            raise ValueError(f"pool {name!r}: when_full must be 'queue' or 'turn_away'")
        super().__init__(env, name, log, capacity)
        self.turn_away = when_full == "turn_away"
        self._to_close = 0  # occupied beds over the number: each closes as its patient leaves
        self._closed: list[int] = []  # ids of closed beds, reused when beds open again
        self._next_id = capacity or 0  # the id of a bed never yet opened

    def resize(self, capacity: int) -> None:
        """Change the number of beds now.

        Beds opened take waiting patients at once. Closing beds closes free ones first; while more
        are occupied than the new number, each bed a patient leaves closes, so no stay is cut
        short and no one is admitted until the ward is within its number.
        """
        if self.capacity is None:
            raise ValueError(f"pool {self.name!r}: an unconstrained pool has no number to change")
        if capacity < 0:
            raise ValueError(f"pool {self.name!r}: capacity must not be negative")
        old, self.capacity = self.capacity, capacity
        if capacity < old:
            closing = old - capacity
            while closing and self._free:
                self._closed.append(self._free.pop(0))  # the last bed that would be given out
                closing -= 1
            self._to_close += closing
            return
        opening = capacity - old
        cancelled = min(opening, self._to_close)
        self._to_close -= cancelled
        now = self.env.now
        for _ in range(opening - cancelled):
            if self._closed:
                unit = self._closed.pop()
            else:
                unit, self._next_id = self._next_id, self._next_id + 1
            super()._unit_freed(unit, now)

    def _unit_freed(self, unit: int, now: float) -> None:
        if self._to_close:
            self._to_close -= 1
            self._closed.append(unit)
            return
        super()._unit_freed(unit, now)


class StaffPool(ServerPool):
    """Staff of one role on one rota: ``headcount`` people, each available in the rota's hours.

    ``rota`` is the patient-facing time (see :meth:`sim.calendar.Rota.patient_facing`). A task that
    starts before the end of a shift finishes: the time past the end is overtime, found after the
    run from the log and the rota. Off duty, requests wait for the next shift. The number of
    staff may change during a run (:meth:`resize`).
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        log: EventLog,
        headcount: int,
        rota: Rota | None = None,
    ) -> None:
        super().__init__(env, name, log, headcount)
        self.headcount = headcount
        self.rota = rota or Rota.around_the_clock()
        self.on_duty = True
        self._busy_units = bytearray(headcount)
        self._present = bytearray(b"\x01" * headcount)  # units that belong to the pool now
        self._to_leave = 0  # busy units over the number: each leaves when its task ends
        self._shifts: Iterator[tuple[float, float]] | None = None
        if not self.rota.always:
            self.on_duty = False
            self._free = []
            if self.rota.intervals and headcount > 0:
                self._start_shifts()

    def resize(self, headcount: int) -> None:
        """Change the number of staff from now.

        Staff who join are free at once when on shift (they take waiting requests) and otherwise
        from their next shift. Staff who leave are free ones first; while more are busy than the
        new number, each who finishes a task then leaves, so no task is cut short and no task
        starts until the pool is within its number.
        """
        if headcount < 0:
            raise ValueError(f"pool {self.name!r}: headcount must not be negative")
        old = self.headcount
        self.headcount = self.capacity = headcount
        if headcount < old:
            self._remove_units(old - headcount)
        else:
            self._add_units(headcount - old)

    def _remove_units(self, number: int) -> None:
        """``number`` staff leave: those not busy at once (highest unit first), the rest later."""
        for unit in range(len(self._present) - 1, -1, -1):
            if not number:
                break
            if self._present[unit] and not self._busy_units[unit]:
                self._present[unit] = 0
                number -= 1
        self._free = [unit for unit in self._free if self._present[unit]]
        self._to_leave += number

    def _add_units(self, number: int) -> None:
        """``number`` staff join; one who was due to leave after a task stays instead."""
        stay = min(number, self._to_leave)
        self._to_leave -= stay
        now = self.env.now
        for _ in range(number - stay):
            unit = self._present.find(0)
            if unit < 0:
                unit = len(self._present)
                self._present.append(0)
                self._busy_units.append(0)
            self._present[unit] = 1
            if self.on_duty:
                ServerPool._unit_freed(self, unit, now)
        if self._shifts is None and not self.rota.always and self.rota.intervals:
            self._start_shifts()

    def _grant(self, req: Request, unit: int, now: float) -> None:
        self._busy_units[unit] = 1
        super()._grant(req, unit, now)

    def _unit_freed(self, unit: int, now: float) -> None:
        self._busy_units[unit] = 0
        if self._to_leave:
            self._to_leave -= 1
            self._present[unit] = 0
        elif self.on_duty:
            super()._unit_freed(unit, now)
        # Off duty: the unit goes home; it is made free again when its next shift starts.

    def _start_shifts(self) -> None:
        self._shifts = self.rota.shifts(self.env.now, math.inf)
        self._next_shift()

    def _next_shift(self) -> None:
        assert self._shifts is not None  # started before the first shift is asked for
        start, end = next(self._shifts)
        delay = max(0.0, start - self.env.now)
        call_later(self.env, delay, lambda: self._shift_starts(end))

    def _shift_starts(self, end: float) -> None:
        self.on_duty = True
        present, busy = self._present, self._busy_units
        self._free = [u for u in range(len(present) - 1, -1, -1) if present[u] and not busy[u]]
        now = self.env.now
        while self._free and self.waiting:
            req = self._next_waiting()
            if req is None:
                break
            self._grant(req, self._free.pop(), now)
        call_later(self.env, end - now, lambda: self._shift_ends())

    def _shift_ends(self) -> None:
        self.on_duty = False
        self._free = []
        self._next_shift()


class RosteredPool(ServerPool):
    """Staff whose headcount on duty changes through the day: a :class:`Roster` of periods.

    Each person works their own rota from the roster (3 on 08:00-20:00 and 1 overnight: one
    person around the clock, two by day). As with a :class:`StaffPool`, a task started before a
    person's duty ends finishes in overtime; off duty, requests wait for someone to come on.
    """

    def __init__(self, env: simpy.Environment, name: str, log: EventLog, roster: Roster) -> None:
        self.roster = roster
        self.rotas = roster.person_rotas()
        headcount = len(self.rotas)
        super().__init__(env, name, log, headcount)
        self.headcount = headcount
        self._busy_units = bytearray(headcount)
        self._on = bytearray(headcount)
        self._free = []
        for person, rota in enumerate(self.rotas):
            if rota.always:
                self._on[person] = 1
                self._free.append(person)
            elif rota.intervals:
                self._next_shift(person, rota.shifts(env.now, math.inf))
        self._free.sort(reverse=True)

    def on_duty_now(self) -> int:
        """People on duty at this moment."""
        return sum(self._on)

    def _grant(self, req: Request, unit: int, now: float) -> None:
        self._busy_units[unit] = 1
        super()._grant(req, unit, now)

    def _unit_freed(self, unit: int, now: float) -> None:
        self._busy_units[unit] = 0
        if self._on[unit]:
            super()._unit_freed(unit, now)
        # Off duty: the person goes home, and is free again when their next shift starts.

    def _next_shift(self, person: int, shifts) -> None:
        start, end = next(shifts)
        delay = max(0.0, start - self.env.now)
        call_later(self.env, delay, lambda: self._shift_starts(person, end, shifts))

    def _shift_starts(self, person: int, end: float, shifts) -> None:
        self._on[person] = 1
        now = self.env.now
        if not self._busy_units[person]:
            req = self._next_waiting() if self.waiting else None
            if req is not None:
                self._grant(req, person, now)
            else:
                self._free.append(person)
        call_later(self.env, end - now, lambda: self._shift_ends(person, shifts))

    def _shift_ends(self, person: int, shifts) -> None:
        self._on[person] = 0
        if person in self._free:
            self._free.remove(person)
        self._next_shift(person, shifts)
