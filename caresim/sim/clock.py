"""The simulation clock: SimPy's environment with a calendar of time buckets, and callbacks after a
delay for code driven by callbacks instead of processes.

SimPy keeps every scheduled event on one binary heap. A whole integrated care system holds well
over a hundred thousand events booked ahead at any moment (appointments weeks out, planned work,
patients who will ask again), and each step of such a heap misses the processor's caches: in
profiles of such a run a quarter of the engine's time went on taking the next event off it.
:class:`Clock` keeps at hand only the events of the current bucket of time (a quarter of an
hour by default) and files the rest, unsorted, in buckets by time. When the current bucket runs
dry the next is sorted once, latest first, and its events are popped off the end of the list;
events scheduled into the current bucket after that (those due at once, mostly) go on SimPy's
heap, and each step takes whichever of the two comes first. Every event keeps its place in
SimPy's order of events (its time, priority and sequence number, taken when scheduled), so a run
is the same to the byte as on SimPy's own environment.

``call_later(env, delay, callback)`` runs ``callback()`` at ``env.now + delay``. It is the
engine's most frequent operation, so on a :class:`Clock` it makes no event at all: the callback
itself goes on the heap (or in its bucket) with its time, priority and sequence number, and the
clock calls it when it comes off. On any other SimPy environment it is a triggered event with the
callback on it. Either way it runs in the order a timeout of ``delay`` would.

:meth:`Clock.run` is SimPy's ``run`` with the loop of steps written out in one function, since a
call for each of tens of millions of events is a share of the engine's time worth having back.
For the same reason the care model's busiest steps read the time as ``env._now``, the attribute
behind SimPy's ``now`` property that both kinds of environment keep.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappop, heappush
from types import FunctionType, MethodType
from typing import Any

import simpy
from simpy.core import NORMAL, URGENT, EmptySchedule, EventPriority, Infinity, StopSimulation
from simpy.events import Event

# What call_later puts on a clock's heap in place of an event: anything else is wrapped in one.
_CALLBACKS = (FunctionType, MethodType)

__all__ = ["Clock", "call_later"]


class Clock(simpy.Environment):
    """A SimPy environment whose far-ahead events wait in buckets of ``bucket`` hours.

    Invariant: every event due before ``_edge`` is in the current bucket or on the heap, every
    event in a later bucket is due at or after it, so the first of those two is the next of all.
    ``bucket`` is a power of two (a quarter of an hour, an hour, ...), so that bucket bounds are
    exact in floating point.
    """

    def __init__(self, initial_time: float = 0, bucket: float = 0.25) -> None:
        mantissa, _ = math.frexp(bucket) if bucket > 0 else (0.0, 0)
        if mantissa != 0.5:
            raise ValueError(f"a clock's bucket is a power of two hours, got {bucket}")
        super().__init__(initial_time)
        self._bucket = bucket
        self._edge = -math.inf  # nothing is on the heap until the first bucket is taken
        self._buckets: dict[float, list[tuple]] = {}
        self._keys: list[float] = []  # a heap of the buckets' keys
        # The current bucket, sorted latest first so that its next event is popped off the end.
        # Events scheduled into it after it was taken go on SimPy's heap, ``_queue``.
        self._sorted: list[tuple] = []

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        """Schedule ``event`` with ``priority`` after ``delay`` hours, as SimPy does."""
        at = self._now + delay
        entry = (at, priority, next(self._eid), event)
        if at < self._edge:
            heappush(self._queue, entry)
        else:
            self._file(entry)

    def _file(self, entry: tuple) -> None:
        at = entry[0]
        key = at // self._bucket if at < Infinity else Infinity
        bucket = self._buckets.get(key)
        if bucket is None:
            self._buckets[key] = [entry]
            heappush(self._keys, key)
        else:
            bucket.append(entry)

    def _take_bucket(self) -> bool:
        """Sort the earliest bucket into the (empty) current bucket; False when there is none.

        The current bucket stays the same list, so that a loop holding it sees the bucket arrive.
        A list's sort of tuples whose first items are all floats takes a fast path that a heap's
        comparisons do not, and a sorted bucket hands out its events by ``pop()``.
        """
        if not self._keys:
            return False
        key = heappop(self._keys)
        current = self._sorted
        current.extend(self._buckets.pop(key))
        current.sort(reverse=True)  # no two entries are equal: each has its own sequence number
        self._edge = (key + 1) * self._bucket
        return True

    def _next(self) -> tuple:
        """Take the next entry off the current bucket or the heap, whichever is first."""
        current, queue = self._sorted, self._queue
        if not current and not queue and not self._take_bucket():
            raise EmptySchedule()
        if queue and (not current or queue[0] < current[-1]):
            return heappop(queue)
        return current.pop()

    def step(self) -> None:
        """Process the next event (or callback from :func:`call_later`), as SimPy's step does."""
        self._now, _, _, event = self._next()
        if event.__class__ in _CALLBACKS:
            event()
        else:
            self._process(event)

    def _steps(self) -> None:
        """:meth:`step` over and over, written out, until an event stops the run or none is left."""
        current, queue = self._sorted, self._queue
        take_bucket = self._take_bucket
        process = self._process
        pop = current.pop
        function, method = _CALLBACKS
        while True:
            if queue:
                if current and current[-1] < queue[0]:
                    self._now, _, _, event = pop()
                else:
                    self._now, _, _, event = heappop(queue)
            elif current:
                self._now, _, _, event = pop()
            elif take_bucket():
                continue
            else:
                raise EmptySchedule()
            kind = event.__class__
            if kind is function or kind is method:
                event()
            else:
                process(event)

    def _process(self, event: Event) -> None:
        """Run an event's callbacks: what SimPy 4's step does once the event is off the heap."""
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            # Put back the callbacks not yet run, to run when the simulation resumes.
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, EventPriority(-1))
            raise
        if not event._ok and not hasattr(event, "_defused"):
            # A failed event that nobody defused stops the run with a copy of its exception.
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc

    def run(self, until: float | Event | None = None) -> Any:
        """Run until ``until`` (a time or an event) or until no event is left: SimPy's run."""
        if until is not None:
            if not isinstance(until, Event):
                at = until if isinstance(until, int) else float(until)
                if at <= self.now:
                    raise ValueError(f"a run until {at} h must end after now ({self.now} h)")
                until = Event(self)  # due before the regular events of its time
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self.now)
            elif until.callbacks is None:
                return until.value  # already processed
            until.callbacks.append(StopSimulation.callback)
        try:
            self._steps()
        except StopSimulation as stop:
            return stop.args[0]  # the until event's value
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(f"no event is left, and {until} never happened") from None
        return None

    def peek(self) -> float:
        """The time of the next event, or infinity when none is scheduled."""
        current, queue = self._sorted, self._queue
        if not current and not queue and not self._take_bucket():
            return Infinity
        if not queue:
            return current[-1][0]
        return queue[0][0] if not current else min(queue[0][0], current[-1][0])

    def __len__(self) -> int:
        """Events scheduled and not yet processed."""
        return len(self._queue) + len(self._sorted) + sum(len(b) for b in self._buckets.values())


def call_later(env: simpy.Environment, delay: float, callback: Callable[[], object]) -> None:
    """Run ``callback()`` after ``delay`` hours (zero or more) of simulated time."""
    if delay < 0:
        raise ValueError(f"a delay must not be negative, got {delay}")
    if env.__class__ is Clock:
        at = env._now + delay
        if callback.__class__ not in _CALLBACKS:
            callback = _wrapped(callback)
        entry: tuple = (at, NORMAL, next(env._eid), callback)
        if at < env._edge:
            heappush(env._queue, entry)
            return
        # Clock._file, written out: most callbacks are booked beyond the current bucket.
        key = at // env._bucket if at < Infinity else Infinity
        bucket = env._buckets.get(key)
        if bucket is None:
            env._buckets[key] = [entry]
            heappush(env._keys, key)
        else:
            bucket.append(entry)
        return
    event = Event(env)

    def run(_event: Event) -> None:
        callback()

    event.callbacks.append(run)
    event._ok = True
    event._value = None  # an event that has already succeeded: SimPy runs its callbacks when due
    env.schedule(event, NORMAL, delay)


def _wrapped(callback: Callable[[], object]) -> Callable[[], object]:
    """A callable that is not a function or method (a partial, an object), as a function."""
    return lambda: callback()
