"""Arrival processes: Poisson, and non-homogeneous Poisson shaped by a weekly profile.

An arrival process calls ``on_arrival()`` at each arrival time. It is driven by self-rescheduling
timeouts rather than a generator process, and draws its random numbers in blocks from its own
stream, so an arrival costs the engine one scheduled event.

A weekly profile is constant within each hour of the week, so arrivals are generated exactly by
inverting the cumulative rate across those hours (a unit-exponential amount of "rate" is spent
hour by hour; hours with no demand are skipped at no cost). Demand that grows year on year varies
within an hour too: it is handled by thinning (Lewis and Shedler, 1979) against the
hour-by-hour majorant at the run's final growth, each candidate kept with probability
``growth(t) / growth(end)``. A month-of-year profile (winter pressure) is thinned the same way,
against its busiest month.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import simpy

from caresim.sim.calendar import WeeklyProfile, YearlyProfile
from caresim.sim.clock import call_later
from caresim.sim.distributions import Exponential, Uniform, draws
from caresim.sim.units import HOURS_PER_UNIT

__all__ = ["PoissonArrivals"]

HOURS_PER_YEAR = HOURS_PER_UNIT["years"]
HOURS_PER_WEEK = 168


class PoissonArrivals:
    """Poisson arrivals at ``rate`` per hour on average, shaped by ``profile`` if given.

    The rate at time t is ``rate × profile.multiplier(t) × season.multiplier(t) × (1 + growth) **
    (t / year)``.
    Arrivals happen in ``[start, until)``; growth needs a finite ``until``.
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
        growth: float = 0.0,
        season: YearlyProfile | None = None,
    ) -> None:
        if not (math.isfinite(rate) and rate >= 0):
            raise ValueError(f"arrival rate must be a finite number, zero or more, got {rate}")
        if growth and not math.isfinite(until):
            raise ValueError("growing arrivals need a finite end")
        self.env = env
        self.rate = rate
        self.on_arrival = on_arrival
        self.until = until
        self.profile = None if profile is None or profile.is_flat else profile
        self.growth = growth
        self.season = season
        self._final_growth = (1.0 + growth) ** (until / HOURS_PER_YEAR) if growth else 1.0
        peak = season.peak if season is not None else 1.0
        majorant = rate * max(1.0, self._final_growth) * peak
        # The majorant's rate in each hour of the week.
        if self.profile is None:
            self._hourly = None
        else:
            self._hourly = [
                majorant * self.profile.multiplier(h + 0.5) for h in range(HOURS_PER_WEEK)
            ]
            self._quiet = _quiet_hours(self._hourly)
        self._majorant = majorant
        # unit-rate exponential work between candidates: drawn only when the rate is above zero
        self._spend = draws(Exponential(1.0), rng)
        thinned = bool(growth) or season is not None
        self._keep = draws(Uniform(0.0, 1.0), rng) if thinned else None
        self._growth_cap = max(1.0, self._final_growth) * peak
        if majorant > 0:
            first = self._next_after(max(start, env.now))
            if first is not None:
                call_later(env, first - env.now, self._arrive)

    def _next_after(self, t: float) -> float | None:
        """The next candidate time after ``t`` (None if there is none before ``until``)."""
        amount = self._spend()
        hourly = self._hourly
        if hourly is None:
            t += amount / self._majorant
            return t if t < self.until else None
        quiet = self._quiet
        until = self.until
        while t < until:
            hour = math.floor(t)
            rate = hourly[hour % HOURS_PER_WEEK]
            if rate > 0.0:
                end = hour + 1.0
                reach = t + amount / rate
                if reach < end:
                    return reach if reach < until else None
                amount -= (end - t) * rate
                t = end
            else:  # no demand till the next busy hour: the hours between cost nothing
                t = hour + quiet[hour % HOURS_PER_WEEK]
        return None

    def _arrive(self) -> None:
        env = self.env
        now = env._now
        following = self._next_after(now)
        if following is not None:
            call_later(env, following - now, self._arrive)
        if self._keep is None or self._keep() * self._growth_cap < self._growth(now):
            self.on_arrival()

    def _growth(self, t: float) -> float:
        """Growth and season at ``t``: the share of the majorant's candidates kept, times its cap."""
        grown = (1.0 + self.growth) ** (t / HOURS_PER_YEAR) if self.growth else 1.0
        return grown * self.season.multiplier(t) if self.season is not None else grown

    def multiplier(self, t: float) -> float:
        """The rate at time ``t`` as a multiple of the base rate."""
        value = self.profile.multiplier(t) if self.profile is not None else 1.0
        return value * self._growth(t)


def _quiet_hours(hourly: list[float]) -> list[float]:
    """For each hour of the week with no demand, the hours from its start to the next hour with
    some (as a float: every bound it leads to is a whole hour, exact in floating point); 1.0 for
    an hour with demand. A week with no demand at all is never walked (its majorant is zero)."""
    quiet = [1.0] * HOURS_PER_WEEK
    if not any(rate > 0.0 for rate in hourly):
        return quiet
    for hour in range(HOURS_PER_WEEK):
        if hourly[hour] > 0.0:
            continue
        ahead = 1
        while hourly[(hour + ahead) % HOURS_PER_WEEK] <= 0.0:
            ahead += 1
        quiet[hour] = float(ahead)
    return quiet
