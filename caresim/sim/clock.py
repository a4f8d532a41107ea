"""Calling back after a delay on a SimPy clock, for code driven by callbacks instead of processes.

``call_later(env, delay, callback)`` schedules ``callback(event)`` at ``env.now + delay``: what
``Timeout(env, delay).callbacks.append(callback)`` does, without the argument checks and object
set-up a timeout needs for use in processes. It is the engine's most frequent operation (about a
million a simulated year for a network of practices), so it is kept to the minimum: one event
object and one push onto SimPy's event queue.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush

import simpy
from simpy.core import NORMAL
from simpy.events import Event

__all__ = ["Agenda", "call_later"]


def call_later(env: simpy.Environment, delay: float, callback: Callable[[Event], None]) -> Event:
    """Run ``callback(event)`` after ``delay`` hours (zero or more) of simulated time."""
    entry = _due(env, delay, callback)
    heappush(env._queue, entry)
    return entry[3]


def _due(env: simpy.Environment, delay: float, callback: Callable[[Event], None]) -> tuple:
    """The queue entry of a callback ``delay`` hours from now: its time, priority, place in the
    order of events (SimPy's sequence number, taken now) and event."""
    if delay < 0:
        raise ValueError(f"a delay must not be negative, got {delay}")
    event = Event.__new__(Event)
    event.env = env
    event.callbacks = [callback]
    event._value = None  # an event that has already succeeded: SimPy runs its callbacks when due
    event._ok = True
    return (env._now + delay, NORMAL, next(env._eid), event)


class Agenda:
    """Many callbacks booked ahead, kept off SimPy's event queue until shortly before they fall due.

    A starting state books weeks of appointments at once; held on the queue, they make every step
    of the run dearer (each step of a heap of a quarter of a million entries misses the
    processor's caches). An agenda keeps them in a sorted list and moves onto the queue, once a
    ``lookahead``, those falling due within two lookaheads. Each takes its place in the order of
    events when it is booked, as :func:`call_later` would give it, and is on the queue well before
    it falls due, so the run is the same to the byte as with ``call_later``.
    """

    def __init__(self, env: simpy.Environment, lookahead: float = 24.0) -> None:
        if lookahead <= 0:
            raise ValueError(f"an agenda's lookahead must be longer than zero, got {lookahead}")
        self.env = env
        self.lookahead = lookahead
        self._entries: list[tuple] = []
        self._started = False

    def call_later(self, delay: float, callback: Callable[[Event], None]) -> None:
        """Book ``callback(event)`` after ``delay`` hours, before :meth:`start`."""
        if self._started:
            raise RuntimeError("an agenda takes its bookings before it starts")
        self._entries.append(_due(self.env, delay, callback))

    def start(self) -> None:
        """Move the bookings due soon onto the queue, and the rest as their time comes."""
        self._started = True
        self._entries.sort(reverse=True)  # the earliest last, so each is taken off the end
        self._move(None)

    def __len__(self) -> int:
        """Bookings not yet on the queue."""
        return len(self._entries)

    def _move(self, _event: Event | None) -> None:
        entries, queue = self._entries, self.env._queue
        until = self.env._now + 2 * self.lookahead
        while entries and entries[-1][0] < until:
            heappush(queue, entries.pop())
        if entries:
            call_later(self.env, self.lookahead, self._move)
