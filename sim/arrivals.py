"""Arrival processes: Poisson, and non-homogeneous Poisson shaped by a weekly profile (thinning).

An arrival process calls ``on_arrival()`` at each arrival time. It is driven by self-rescheduling
timeouts rather than a generator process, and draws its random numbers in blocks from its own
stream, so an arrival costs the engine one scheduled event.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import simpy
from simpy.events import Timeout

from sim.calendar import WeeklyProfile
from sim.distributions import Exponential, Sampler, Uniform

__all__ = ["PoissonArrivals"]


class PoissonArrivals:
    """Poisson arrivals at ``rate`` per hour on average, shaped by ``profile`` if given.

    With a profile the rate at time t is ``rate × profile.multiplier(t)``; arrivals are generated
    by thinning (Lewis and Shedler, 1979): candidates at the peak rate, each kept with probability
    ``multiplier(t) / peak``. Arrivals happen in ``[start, until)``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        rate: float,
        rng: np.random.Generator,
        on_arrival: Callable[[], None],
        profile: WeeklyProfile | None = None,
        start: float = 0.0,
        until: float = math.inf,
    ) -> None:
        if not (math.isfinite(rate) and rate >= 0):
            raise ValueError(f"arrival rate must be a finite number, zero or more, got {rate}")
        self.env = env
        self.rate = rate
        self.on_arrival = on_arrival
        self.until = until
        self.profile = None if profile is None or profile.is_flat else profile
        peak = rate * (self.profile.peak if self.profile else 1.0)
        self._gap = Sampler(Exponential(1.0 / peak), rng) if peak > 0 else None
        self._accept = Sampler(Uniform(0.0, self.profile.peak), rng) if self.profile else None
        if self._gap is not None:
            first = start - env.now + self._gap()
            Timeout(env, max(first, 0.0)).callbacks.append(self._arrive)

    def _arrive(self, _event) -> None:
        env = self.env
        now = env._now
        if now >= self.until:
            return
        Timeout(env, self._gap()).callbacks.append(self._arrive)
        if self._accept is None or self._accept() < self.profile.multiplier(now):
            self.on_arrival()
