"""Appointment books: each clinician's working hours cut into slots, booked earliest first.

A book belongs to one pool of clinicians who share a rota (the patient-facing part of it). Each
clinician's hours on a day are cut into slots of a fixed length; a share of them is held back for
booking on the day itself (as practices keep on-the-day capacity), the rest can be booked ahead.
A request looks for the earliest free slot in a window of time; an appointment is then a time and
a clinician. Slots of a day are made the first time that day is looked at.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import NamedTuple

from caresim.sim.calendar import HOURS_PER_DAY, Rota

__all__ = ["AppointmentBook", "Slot"]


class Slot(NamedTuple):
    """A free slot found in a book: when, with which clinician, and where it is kept.

    A named tuple rather than a frozen dataclass: slots are made by the hundred thousand, and a
    tuple is several times cheaper to make.
    """

    time: float
    clinician: int
    book: AppointmentBook
    day: int
    on_the_day: bool


class AppointmentBook:
    """The appointment slots of ``clinicians`` people working ``rota``, each ``slot`` hours long."""

    def __init__(
        self, name: str, clinicians: int, rota: Rota, slot: float, on_the_day_share: float = 0.0
    ) -> None:
        if slot <= 0:
            raise ValueError(f"book {name!r}: slot length must be longer than zero")
        if not 0.0 <= on_the_day_share <= 1.0:
            raise ValueError(f"book {name!r}: on-the-day share must be between 0 and 1")
        self.name = name
        self.clinicians = clinicians
        self.rota = rota
        self.slot = slot
        self.on_the_day_share = on_the_day_share
        # day -> (free bookable-ahead slots, free on-the-day slots), each sorted (time, clinician)
        self._days: dict[int, tuple[list[tuple[float, int]], list[tuple[float, int]]]] = {}

    # -- the slots of a day -----------------------------------------------------------------------
    def slot_times(self, day: int) -> list[tuple[float, bool]]:
        """Each clinician's slot start times on ``day`` and whether each is held for the day."""
        start = day * HOURS_PER_DAY
        times: list[tuple[float, bool]] = []
        index = 0
        share = self.on_the_day_share
        for a, b in self.rota.shifts(start, start + HOURS_PER_DAY):
            count = int(math.floor((b - a) / self.slot + 1e-9))
            for k in range(count):
                # Spread on-the-day slots evenly through the day: slot i is held when the running
                # count of held slots steps up at it.
                held = math.floor((index + 1) * share + 1e-9) > math.floor(index * share + 1e-9)
                times.append((a + k * self.slot, held))
                index += 1
        return times

    def offered(self, day: int) -> int:
        """Slots offered on ``day`` by all the clinicians together."""
        return len(self.slot_times(day)) * self.clinicians

    def _day(self, day: int) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
        lists = self._days.get(day)
        if lists is None:
            ahead: list[tuple[float, int]] = []
            on_day: list[tuple[float, int]] = []
            for time, held in self.slot_times(day):
                target = on_day if held else ahead
                target.extend((time, c) for c in range(self.clinicians))
            lists = self._days[day] = (ahead, on_day)
        return lists

    def forget_before(self, day: int) -> None:
        """Drop the free slots of days before ``day`` (they can no longer be booked)."""
        for old in [d for d in self._days if d < day]:
            del self._days[old]

    # -- booking ----------------------------------------------------------------------------------
    def earliest(
        self, start: float, end: float, now: float, on_the_day: bool = True
    ) -> Slot | None:
        """The earliest free slot starting in [start, end), or None.

        On-the-day slots can be booked only on their own day (the day of ``now``), and only when
        ``on_the_day`` allows them; other slots can be booked any time before they start.
        """
        if self.clinicians == 0 or end <= start:
            return None
        today = int(now // HOURS_PER_DAY)
        key = (start, -1)
        days = self._days
        for day in range(int(start // HOURS_PER_DAY), int(math.ceil(end / HOURS_PER_DAY))):
            lists = days.get(day)
            if lists is None:
                lists = self._day(day)
            ahead, on_day = lists
            best = None
            if ahead:
                i = bisect_left(ahead, key)
                if i < len(ahead) and ahead[i][0] < end:
                    best = ahead[i]
            if on_day and on_the_day and day == today:
                i = bisect_left(on_day, key)
                if i < len(on_day) and on_day[i][0] < end and (best is None or on_day[i] < best):
                    return Slot(on_day[i][0], on_day[i][1], self, day, True)
            if best is not None:
                return Slot(best[0], best[1], self, day, False)
        return None

    def take(self, slot: Slot) -> None:
        """Book a slot found by :meth:`earliest` (before anything else has been booked)."""
        free = self._days[slot.day][1 if slot.on_the_day else 0]
        i = bisect_left(free, (slot.time, slot.clinician))
        if i == len(free) or free[i] != (slot.time, slot.clinician):
            raise RuntimeError(f"book {self.name!r}: slot at {slot.time} is no longer free")
        del free[i]

    def book(self, start: float, end: float, now: float, on_the_day: bool = True) -> Slot | None:
        """Find and take the earliest free slot in [start, end), or return None."""
        slot = self.earliest(start, end, now, on_the_day)
        if slot is not None:
            self.take(slot)
        return slot

    def fill(self, start: float, end: float, share: float, pick) -> list[Slot]:
        """Book ``share`` of the bookable-ahead slots in [start, end), chosen by ``pick(n, k)``.

        For a starting state: the appointments already in the book when a run begins. ``pick``
        returns k distinct indices out of n (a seeded random choice).
        """
        taken: list[Slot] = []
        for day in range(int(start // HOURS_PER_DAY), int(math.ceil(end / HOURS_PER_DAY))):
            ahead, _ = self._day(day)
            candidates = [i for i, (t, _) in enumerate(ahead) if start <= t < end]
            chosen = sorted(pick(len(candidates), round(share * len(candidates))), reverse=True)
            for i in chosen:
                time, clinician = ahead.pop(candidates[i])
                taken.append(Slot(time, clinician, self, day, False))
        return sorted(taken, key=lambda s: (s.time, s.clinician))
