"""The simulation clock: SimPy's environment with a calendar of time buckets, and callbacks after a
delay for code driven by callbacks instead of processes.

SimPy keeps every scheduled event on one binary heap. A whole integrated care system holds well
over a hundred thousand events booked ahead at any moment (appointments weeks out, planned work,
patients who will ask again), and each step of such a heap misses the processor's caches: in
profiles of such a run a quarter of the engine's time went on taking the next event off it.
:class:`Clock` keeps on the heap only the events of the current bucket of time (a quarter of an
hour by default) and files the rest, unsorted, in buckets by time; a bucket is sorted onto the
heap when the heap runs dry. Every event keeps its place in SimPy's order of events (its time,
priority and sequence number, taken when scheduled), so a run is the same to the byte as on
SimPy's own environment.

``call_later(env, delay, callback)`` schedules ``callback(event)`` at ``env.now + delay``: what
``Timeout(env, delay).callbacks.append(callback)`` does, without the argument checks and object
set-up a timeout needs for use in processes. It is the engine's most frequent operation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heapify, heappop, heappush

import simpy
from simpy.core import NORMAL, EmptySchedule, EventPriority, Infinity, StopSimulation
from simpy.events import Event

__all__ = ["Clock", "call_later"]


class Clock(simpy.Environment):
    """A SimPy environment whose far-ahead events wait in buckets of ``bucket`` hours.

    Invariant: every event due before ``_edge`` is on the heap, every event in a bucket is due at
    or after it, so the heap's first event is always the next of all. ``bucket`` is a power of
    two (a quarter of an hour, an hour, ...), so that bucket bounds are exact in floating point.
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
        """Move the earliest bucket onto the (empty) heap; False when there is none."""
        if not self._keys:
            return False
        key = heappop(self._keys)
        entries = self._buckets.pop(key)
        heapify(entries)
        self._queue = entries
        self._edge = (key + 1) * self._bucket
        return True

    def step(self) -> None:
        """Process the next event: SimPy's own step, taking the next bucket when the heap is empty.

        Written out rather than calling SimPy's (a call more for each of tens of millions of
        events); it does what SimPy 4's does, line for line.
        """
        queue = self._queue
        if not queue:
            if not self._take_bucket():
                raise EmptySchedule()
            queue = self._queue
        self._now, _, _, event = heappop(queue)
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

    def peek(self) -> float:
        """The time of the next event, or infinity when none is scheduled."""
        if not self._queue and not self._take_bucket():
            return Infinity
        return self._queue[0][0]

    def __len__(self) -> int:
        """Events scheduled and not yet processed."""
        return len(self._queue) + sum(len(b) for b in self._buckets.values())


def call_later(env: simpy.Environment, delay: float, callback: Callable[[Event], None]) -> Event:
    """Run ``callback(event)`` after ``delay`` hours (zero or more) of simulated time."""
    if delay < 0:
        raise ValueError(f"a delay must not be negative, got {delay}")
    event = Event.__new__(Event)
    event.env = env
    event.callbacks = [callback]
    event._value = None  # an event that has already succeeded: SimPy runs its callbacks when due
    event._ok = True
    env.schedule(event, NORMAL, delay)
    return event
