"""The people in post in a staff pool over a run: leavers, starters and dated changes.

The number in post is a step function, planned when the pools are built (before the clock
starts) from the pool's own random stream, so that the run does no work for it beyond looking
up a day. Leavers, recruits and the pipeline already in training draw from three streams spawned
from it, and each person's leaving time is drawn as they join, so more recruits leave the
leaving times of those in post at the start as they were.

Each person in post leaves after an exponential time (the pool's leaving rate); recruits arrive
as a Poisson stream and join after the training lag, into a vacant post if there is one, and
otherwise are not placed. A dated change sets the number in post at its time: people are added,
or removed most recent joiners first; leavers and starters carry on from there, and a starter may
fill a post a change left vacant. Dated changes are not counted as starters or leavers.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from caresim.models.schema import StaffSpec
from caresim.models.schema_workforce import WorkforceSpec
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.monitors import Level
from caresim.sim.units import HOURS_PER_UNIT

__all__ = ["InPost", "PostsAway", "in_post_at_start", "plan_in_post"]

HOURS_PER_YEAR = HOURS_PER_UNIT["years"]


def in_post_at_start(staff: StaffSpec) -> int:
    """People in post in a staff pool at the start of the run: its headcount, or fewer."""
    if staff.workforce is None or staff.workforce.in_post is None:
        return staff.headcount
    return staff.workforce.in_post


@dataclass(frozen=True)
class InPost:
    """People in post in one pool: ``initial`` at the start, ``numbers[i]`` from ``times[i]``.

    ``headcount`` is the pool's posts; ``starters``, ``leavers`` and ``not_placed`` are the times
    of each starter who took up a post, each leaver, and each starter who found no vacant post.
    """

    headcount: int
    initial: int
    times: tuple[float, ...] = ()
    numbers: tuple[int, ...] = ()
    starters: tuple[float, ...] = ()
    leavers: tuple[float, ...] = ()
    not_placed: tuple[float, ...] = ()

    def at(self, t: float) -> int:
        """People in post at time ``t`` (after any change at exactly ``t``)."""
        index = bisect_right(self.times, t) - 1
        return self.initial if index < 0 else self.numbers[index]

    def on_day(self, day: int) -> int:
        """People in post on ``day``: those in post at its start, 00:00."""
        return self.at(day * HOURS_PER_DAY)

    @property
    def changes(self) -> list[tuple[float, int]]:
        """(time, number in post from then), in time order."""
        return list(zip(self.times, self.numbers, strict=True))

    def level(self) -> Level:
        """The number in post as a time-weighted level."""
        return Level(
            np.array(self.times, dtype=float),
            np.array(self.numbers, dtype=float),
            float(self.initial),
        )


class _People:
    """Those in post while the plan is made: each with the time they will leave."""

    def __init__(self, rate_per_hour: float, rng: np.random.Generator | None) -> None:
        self.rate = rate_per_hour
        self.rng = rng
        self._leaving: list[tuple[float, int]] = []  # heap of (leaving time, person)
        self._joined: list[int] = []  # people in order of joining, for removal by a change
        self._gone: set[int] = set()
        self._joiners = 0
        self.count = 0

    def join(self, now: float) -> None:
        person = self._joiners
        self._joiners += 1
        leaves = math.inf
        if self.rate > 0 and self.rng is not None:
            leaves = now + float(self.rng.exponential(1.0 / self.rate))
        heapq.heappush(self._leaving, (leaves, person))
        self._joined.append(person)
        self.count += 1

    def next_leaving(self) -> float:
        while self._leaving and self._leaving[0][1] in self._gone:
            heapq.heappop(self._leaving)
        return self._leaving[0][0] if self._leaving else math.inf

    def leave_next(self) -> None:
        self.next_leaving()
        self._gone.add(heapq.heappop(self._leaving)[1])
        self.count -= 1

    def remove_latest(self) -> None:
        while self._joined[-1] in self._gone:
            self._joined.pop()
        self._gone.add(self._joined.pop())
        self.count -= 1


def plan_in_post(
    headcount: int,
    workforce: WorkforceSpec | None,
    dated: Sequence[tuple[float, int]],
    horizon: float,
    rng: np.random.Generator | None = None,
) -> InPost:
    """The people in post over [0, horizon) of a pool of ``headcount`` posts.

    ``dated`` are the dated changes, (time, number in post from then), in time order. Without
    a workforce only they change the number, and ``rng`` is not needed.
    """
    spec = workforce or WorkforceSpec()
    initial = headcount if spec.in_post is None else spec.in_post
    leaving_rng, recruit_rng, pipeline_rng = rng.spawn(3) if rng is not None else (None,) * 3
    people = _People(spec.leavers_per_year / HOURS_PER_YEAR, leaving_rng)
    for _ in range(initial):
        people.join(0.0)
    joins = _join_times(spec, horizon, recruit_rng, pipeline_rng)
    times: list[float] = []
    numbers: list[int] = []
    starters: list[float] = []
    leavers: list[float] = []
    not_placed: list[float] = []
    j = k = 0
    while True:
        change = dated[k][0] if k < len(dated) else math.inf
        join = joins[j] if j < len(joins) else math.inf
        leave = people.next_leaving()
        now = min(change, join, leave)
        if now >= horizon:
            break
        if now == change:
            _set_number(people, dated[k][1], now)
            k += 1
        elif now == join:
            j += 1
            if people.count >= headcount:
                not_placed.append(now)
                continue
            people.join(now)
            starters.append(now)
        else:
            people.leave_next()
            leavers.append(now)
        times.append(now)
        numbers.append(people.count)
    return InPost(
        headcount,
        initial,
        tuple(times),
        tuple(numbers),
        tuple(starters),
        tuple(leavers),
        tuple(not_placed),
    )


def _join_times(
    spec: WorkforceSpec,
    horizon: float,
    recruit_rng: np.random.Generator | None,
    pipeline_rng: np.random.Generator | None,
) -> list[float]:
    """When recruits would join, in time order: the Poisson stream after its lag, and those
    already in training over the first lag."""
    joins: list[float] = []
    rate = spec.starters_per_year / HOURS_PER_YEAR
    if rate > 0 and recruit_rng is not None:
        arrival = float(recruit_rng.exponential(1.0 / rate))
        while arrival + spec.training_lag < horizon:
            joins.append(arrival + spec.training_lag)
            arrival += float(recruit_rng.exponential(1.0 / rate))
    if spec.in_training and pipeline_rng is not None:
        joins += (pipeline_rng.random(spec.in_training) * spec.training_lag).tolist()
    return sorted(joins)


def _set_number(people: _People, number: int, now: float) -> None:
    """A dated change: add people, or remove the most recent joiners, to ``number`` in post."""
    while people.count < number:
        people.join(now)
    while people.count > number:
        people.remove_latest()


class PostsAway:
    """The clinicians of a book away on a day: absent (leave, sickness) or in a vacant post.

    With ``in_post`` n on a day, clinicians n and above (the highest indices) are the vacant
    posts. ``absent(day)``, if given, names those absent from their posts.
    """

    def __init__(
        self, in_post: InPost, absent: Callable[[int], frozenset[int]] | None = None
    ) -> None:
        self.in_post = in_post
        self.absent = absent
        self._days: dict[int, frozenset[int]] = {}

    def __call__(self, day: int) -> frozenset[int]:
        away = self._days.get(day)
        if away is None:
            vacant = frozenset(range(self.in_post.on_day(day), self.in_post.headcount))
            away = vacant | self.absent(day) if self.absent is not None else vacant
            self._days[day] = away
        return away
