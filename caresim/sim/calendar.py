"""The simulation calendar: a run starts on a Monday at 00:00 and time is counted in hours.

A :class:`Rota` is a weekly pattern of working hours that repeats every week; a
:class:`WeeklyProfile` shapes a rate by day of the week and hour of the day.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "DAYS",
    "HOURS_PER_DAY",
    "HOURS_PER_WEEK",
    "Rota",
    "Roster",
    "WeeklyProfile",
    "YearlyProfile",
    "day_of_week",
    "hour_of_day",
]

HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0
HOURS_PER_MONTH = 365.0 * HOURS_PER_DAY / 12  # a twelfth of a 365-day year
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_DAY_ALIASES = {name[:3]: i for i, name in enumerate(DAYS)} | {
    name: i for i, name in enumerate(DAYS)
}
_DAY_GROUPS = {
    "weekdays": range(0, 5),
    "weekends": range(5, 7),
    "every_day": range(0, 7),
    "daily": range(0, 7),
}
_TIME_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def day_of_week(t: float) -> int:
    """Day of the week at time ``t`` hours: 0 is Monday, 6 is Sunday."""
    return int(t // HOURS_PER_DAY) % 7


def hour_of_day(t: float) -> float:
    """Hour of the day at time ``t`` hours, in [0, 24)."""
    return t % HOURS_PER_DAY


def _days_of(key: str) -> range | list[int]:
    """The weekdays a rota key such as ``"mon-fri"``, ``"weekdays"`` or ``"saturday"`` names."""
    name = key.strip().lower().replace(" ", "_")
    if name in _DAY_GROUPS:
        return _DAY_GROUPS[name]
    if name in _DAY_ALIASES:
        return [_DAY_ALIASES[name]]
    if "-" in name:
        first, _, last = name.partition("-")
        if first in _DAY_ALIASES and last in _DAY_ALIASES:
            a, b = _DAY_ALIASES[first], _DAY_ALIASES[last]
            if a <= b:
                return range(a, b + 1)
    raise ValueError(
        f"unknown day {key!r}; expected a day (monday or mon), a range (mon-fri), "
        "weekdays, weekends or every_day"
    )


def _hours_of(text: str) -> tuple[float, float]:
    """Start and end (hours after midnight) of ``"08:00-18:30"``; an end before the start is next day."""
    match = _TIME_RANGE.match(text)
    if match is None:
        raise ValueError(f"expected working hours as 'HH:MM-HH:MM', got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        raise ValueError(f"not a time of day in {text!r}")
    start, end = h1 + m1 / 60.0, h2 + m2 / 60.0
    if start > 24 or end > 24:
        raise ValueError(f"not a time of day in {text!r}")
    if end <= start:
        end += HOURS_PER_DAY  # an overnight shift ends the next morning
    return start, end


@dataclass(frozen=True)
class Rota:
    """A weekly pattern of on-duty intervals, in hours since Monday 00:00, repeating every week.

    ``intervals`` are sorted, disjoint and non-touching; an interval may run past the end of the
    week (a Sunday night shift) but is shorter than a week. ``always`` marks a 24/7 rota.
    """

    intervals: tuple[tuple[float, float], ...]
    always: bool = False

    def __post_init__(self) -> None:
        previous_end = -math.inf
        for start, end in self.intervals:
            if not (0.0 <= start < HOURS_PER_WEEK) or not (start < end <= start + HOURS_PER_WEEK):
                raise ValueError(f"rota interval ({start}, {end}) is not within one week")
            if start <= previous_end:
                raise ValueError("rota intervals must be sorted and must not overlap")
            previous_end = end
        if (
            len(self.intervals) > 1
            and self.intervals[-1][1] - HOURS_PER_WEEK >= self.intervals[0][0]
        ):
            raise ValueError("rota intervals must not overlap across the end of the week")

    @classmethod
    def around_the_clock(cls) -> Rota:
        """A 24/7 rota."""
        return cls(intervals=((0.0, HOURS_PER_WEEK),), always=True)

    @classmethod
    def from_hours(cls, week: Mapping[str, str | Sequence[str] | None]) -> Rota:
        """Build a rota from working hours by day, e.g. ``{"mon-fri": "08:00-18:30", "sat": "09:00-12:00"}``.

        A value may be one range, a list of ranges, or ``None``/``"off"``. Later keys override
        earlier ones for the days they name, so ``{"every_day": "08:00-20:00", "sun": "off"}`` works.
        """
        by_day: dict[int, list[tuple[float, float]]] = {}
        for key, value in week.items():
            if value is None or (isinstance(value, str) and value.strip().lower() == "off"):
                ranges: list[str] = []
            elif isinstance(value, str):
                ranges = [value]
            else:
                ranges = list(value)
            hours = [_hours_of(r) for r in ranges]
            for day in _days_of(key):
                by_day[day] = [(day * HOURS_PER_DAY + a, day * HOURS_PER_DAY + b) for a, b in hours]
        pieces = sorted(p for day in sorted(by_day) for p in by_day[day])
        return cls(intervals=_merge(pieces))

    @property
    def hours_per_week(self) -> float:
        """On-duty hours in one week."""
        return sum(end - start for start, end in self.intervals)

    def shifts(self, start: float, end: float) -> Iterator[tuple[float, float]]:
        """Absolute on-duty intervals, clipped to [start, end), in time order."""
        if self.always:
            if end > start:
                yield (start, end)
            return
        week = math.floor(start / HOURS_PER_WEEK) - 1
        while week * HOURS_PER_WEEK < end:
            offset = week * HOURS_PER_WEEK
            for a, b in self.intervals:
                a, b = a + offset, b + offset
                if b <= start:
                    continue
                if a >= end:
                    return
                yield (max(a, start), min(b, end))
            week += 1

    def hours_between(self, start: float, end: float) -> float:
        """On-duty hours within [start, end)."""
        return sum(b - a for a, b in self.shifts(start, end))

    def is_on(self, t: float) -> bool:
        """Whether time ``t`` falls within an on-duty interval."""
        return any(a <= t < b for a, b in self.shifts(t, t + 1e-9))

    def patient_facing(self, share: float, sessions: int = 1) -> Rota:
        """The part of each shift spent with patients, in ``sessions`` surgeries with admin between.

        ``share`` of every shift is patient-facing. With one session it is the first part of the
        shift; with more, the shift opens with the first session, closes with the last, and the
        rest of the time (admin, visits, meetings) falls in equal gaps between them, as a morning
        and an afternoon surgery do. A 24/7 rota is cut into days for this, so that a share below
        one leaves a daily block of non-patient-facing time rather than none at all.
        """
        if not 0.0 < share <= 1.0:
            raise ValueError(f"patient-facing share must be in (0, 1], got {share}")
        if sessions < 1:
            raise ValueError(f"a shift needs at least one session, got {sessions}")
        if share == 1.0:
            return self
        if self.always:
            base = tuple((d * HOURS_PER_DAY, (d + 1) * HOURS_PER_DAY) for d in range(7))
        else:
            base = self.intervals
        pieces: list[tuple[float, float]] = []
        for a, b in base:
            facing = share * (b - a)
            if sessions == 1:
                pieces.append((a, a + facing))
                continue
            length = facing / sessions
            gap = (b - a - facing) / (sessions - 1)
            pieces.extend(
                (a + i * (length + gap), a + i * (length + gap) + length) for i in range(sessions)
            )
        return Rota(intervals=tuple(pieces))

    @property
    def days_per_week(self) -> int:
        """Days of the week on which a shift starts."""
        if self.always:
            return 7
        return len({int(a // HOURS_PER_DAY) % 7 for a, _ in self.intervals})


def _merge(pieces: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Sort and join intervals that touch or overlap, keeping each shorter than a week."""
    merged: list[list[float]] = []
    for a, b in sorted(pieces):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    # An overnight Sunday shift that runs into Monday morning joins Monday's first interval.
    if len(merged) > 1 and merged[-1][1] - HOURS_PER_WEEK >= merged[0][0]:
        first = merged.pop(0)
        merged[-1][1] = max(merged[-1][1], first[1] + HOURS_PER_WEEK)
    if len(merged) == 1 and merged[0][1] - merged[0][0] >= HOURS_PER_WEEK:
        return ((0.0, HOURS_PER_WEEK),)
    return tuple((a, b) for a, b in merged)


@dataclass(frozen=True)
class Roster:
    """A headcount on duty by period, e.g. 3 on 08:00-20:00 and 1 overnight, every week.

    ``periods`` pairs a rota with the people on duty in its hours; where periods overlap their
    headcounts add. Person ``u`` of the pool is on duty wherever more than ``u`` are, so the
    first person covers every period and the last only the busiest (:meth:`person_rotas`).
    """

    periods: tuple[tuple[Rota, int], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("a roster needs at least one period")
        if any(count < 0 for _, count in self.periods):
            raise ValueError("a roster's headcounts must not be negative")

    def _changes(self) -> list[tuple[float, int]]:
        """(time in the week, change in headcount), sorted; times wrap into [0, one week)."""
        changes: list[tuple[float, int]] = []
        for rota, count in self.periods:
            if count == 0:
                continue
            for a, b in Rota.around_the_clock().intervals if rota.always else rota.intervals:
                changes.append((a % HOURS_PER_WEEK, count))
                if b - a < HOURS_PER_WEEK:
                    changes.append((b % HOURS_PER_WEEK, -count))
        return sorted(changes)

    def headcount_at(self, t: float) -> int:
        """People on duty at time ``t``."""
        return sum(count for rota, count in self.periods if rota.is_on(t))

    @property
    def headcount(self) -> int:
        """The most people on duty at once: the size of the pool."""
        week = [a for a, _ in self._changes()] or [0.0]
        return max(self.headcount_at(t) for t in week)

    def person_rotas(self) -> list[Rota]:
        """Each person's rota: person ``u`` is on wherever more than ``u`` people are on duty."""
        edges = sorted({0.0, HOURS_PER_WEEK} | {t for t, _ in self._changes()})
        counts = [(a, b, self.headcount_at(a)) for a, b in zip(edges, edges[1:], strict=False)]
        rotas = []
        for person in range(self.headcount):
            pieces = [(a, b) for a, b, count in counts if count > person and b > a]
            merged = _merge(pieces)
            always = merged == ((0.0, HOURS_PER_WEEK),)
            rotas.append(Rota(intervals=merged, always=always))
        return rotas


@dataclass(frozen=True)
class WeeklyProfile:
    """Multipliers of a rate by day of the week (7) and hour of the day (24), each averaging one.

    The rate at time ``t`` is ``base × weekday[day] × hour[hour]``, so the weekly average of the
    rate is the base rate. Weights are normalised on construction.
    """

    weekday: tuple[float, ...] = (1.0,) * 7
    hour: tuple[float, ...] = (1.0,) * 24

    def __post_init__(self) -> None:
        for name, weights, size in (("weekday", self.weekday, 7), ("hour", self.hour, 24)):
            if len(weights) != size:
                raise ValueError(f"{name} profile needs {size} weights, got {len(weights)}")
            if any(w < 0 or not math.isfinite(w) for w in weights):
                raise ValueError(f"{name} profile weights must be finite and not negative")
            total = sum(weights)
            if total <= 0:
                raise ValueError(f"{name} profile weights must not all be zero")
            object.__setattr__(self, name, tuple(w * size / total for w in weights))

    @property
    def is_flat(self) -> bool:
        """Whether every multiplier is one (a homogeneous rate)."""
        return all(abs(w - 1.0) < 1e-12 for w in self.weekday + self.hour)

    @property
    def peak(self) -> float:
        """The largest multiplier in the week."""
        return max(self.weekday) * max(self.hour)

    def multiplier(self, t: float) -> float:
        """The rate multiplier at time ``t`` hours."""
        return self.weekday[int(t // HOURS_PER_DAY) % 7] * self.hour[int(t % HOURS_PER_DAY)]


@dataclass(frozen=True)
class YearlyProfile:
    """Multipliers of a rate by month of the year (12, January first), averaging one.

    A month here is a twelfth of a 365-day year; time 0 falls at the start of ``first_month``
    (1 for January). Weights are normalised on construction.
    """

    month: tuple[float, ...]
    first_month: int = 1

    def __post_init__(self) -> None:
        if len(self.month) != 12:
            raise ValueError(f"month profile needs 12 weights, got {len(self.month)}")
        if any(w < 0 or not math.isfinite(w) for w in self.month) or sum(self.month) <= 0:
            raise ValueError("month profile weights must be finite, not negative, not all zero")
        if not 1 <= self.first_month <= 12:
            raise ValueError(f"the first month must be 1 to 12, got {self.first_month}")
        total = sum(self.month)
        object.__setattr__(self, "month", tuple(w * 12 / total for w in self.month))

    @property
    def peak(self) -> float:
        """The largest multiplier in the year."""
        return max(self.month)

    def multiplier(self, t: float) -> float:
        """The rate multiplier at time ``t`` hours."""
        month = int(t // HOURS_PER_MONTH) + self.first_month - 1
        return self.month[month % 12]
