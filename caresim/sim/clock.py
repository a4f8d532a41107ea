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

__all__ = ["call_later"]


def call_later(env: simpy.Environment, delay: float, callback: Callable[[Event], None]) -> Event:
    """Run ``callback(event)`` after ``delay`` hours (zero or more) of simulated time."""
    if delay < 0:
        raise ValueError(f"a delay must not be negative, got {delay}")
    event = Event.__new__(Event)
    event.env = env
    event.callbacks = [callback]
    event._value = None  # an event that has already succeeded: SimPy runs its callbacks when due
    event._ok = True
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))
    return event
