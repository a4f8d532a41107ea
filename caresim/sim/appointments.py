"""Appointment books: each clinician's working hours cut into slots, booked earliest first.

A book belongs to one pool of clinicians who share a rota (the patient-facing part of it). Each
clinician's hours on a day are cut into slots of a fixed length; a share of them is held back for
booking on the day itself (as practices keep on-the-day capacity), the rest can be booked ahead.
A request looks for the earliest free run of slots in a window of time (a consultation longer
than a slot takes several slots in a row, with one clinician); an appointment is then a time and a
clinician. A clinician away on a day (leave, sickness, a vacant post) offers no slots that day.
Slots of a day are made the first time that day is looked at.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Collection
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
    # Slots in a row, for a consultation longer than one slot. The field deliberately hides the
    # tuple's count() method, which nothing asks of a slot.
    count: int = 1  # type: ignore[assignment]


# A slot made without the Python call of a named tuple's __new__: every field is given.
_slot = tuple.__new__


class AppointmentBook:
    """The appointment slots of ``clinicians`` people working ``rota``, each ``slot`` hours long.

    ``away(day)``, if given, names the clinicians who do not work on ``day`` (it must give the
    same answer however often it is asked about a day).
    """

    def __init__(
        self,
        name: str,
        clinicians: int,
        rota: Rota,
        slot: float,
        on_the_day_share: float = 0.0,
        away: Callable[[int], Collection[int]] | None = None,
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
        self.away = away
        # day -> the slot start times of one clinician that day, sorted
        self._times: dict[int, list[float]] = {}
        # day -> (free bookable-ahead slots, free on-the-day slots), each sorted (time, clinician)
        self._days: dict[int, tuple[list[tuple[float, int]], list[tuple[float, int]]]] = {}
        # day -> the same free slots as bits, one int per clinician (bit k: the day's slot k), for
        # finding runs of slots without looking at each free slot in turn
        self._bits: dict[int, tuple[list[int], list[int]]] = {}
        # (day, count) -> the bits k at which a run of count slots stays within one session
        self._runs: dict[tuple[int, int], int] = {}
        # (day, count, on-the-day slots too) -> (a, b): no free run of count slots starts at a
        # slot k of the day with a <= k < b. Slots are only ever taken, never given back, so
        # what a search found empty stays empty, and the next search starts after it.
        self._no_run: dict[tuple[int, int, bool], tuple[int, int]] = {}
        # day -> a later day: every day from the one to the other has no bookable-ahead slot
        # left (for the same reason, it never will again), so a search jumps over them.
        self._full_until: dict[int, int] = {}

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

    def working(self, day: int) -> list[int]:
        """The clinicians who work on ``day``."""
        if self.away is None:
            return list(range(self.clinicians))
        away = self.away(day)
        return [c for c in range(self.clinicians) if c not in away]

    def offered(self, day: int) -> int:
        """Slots offered on ``day`` by all the clinicians who work that day."""
        return len(self.slot_times(day)) * len(self.working(day))

    def _day(self, day: int) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
        lists = self._days.get(day)
        if lists is None:
            ahead: list[tuple[float, int]] = []
            on_day: list[tuple[float, int]] = []
            working = self.working(day)
            times = self.slot_times(day)
            ahead_bits = [0] * self.clinicians
            on_day_bits = [0] * self.clinicians
            for k, (time, held) in enumerate(times):
                target = on_day if held else ahead
                target.extend((time, c) for c in working)
                bits = on_day_bits if held else ahead_bits
                for c in working:
                    bits[c] |= 1 << k
            lists = self._days[day] = (ahead, on_day)
            self._bits[day] = (ahead_bits, on_day_bits)
            self._times[day] = [t for t, _ in times]
        return lists

    def forget_before(self, day: int) -> None:
        """Drop the free slots of days before ``day`` (they can no longer be booked)."""
        for old in [d for d in self._days if d < day]:
            del self._days[old]
            del self._times[old]
            del self._bits[old]
        for key in [key for key in self._runs if key[0] < day]:
            del self._runs[key]
        for gone in [key for key in self._no_run if key[0] < day]:
            del self._no_run[gone]
        for full in [d for d in self._full_until if d < day]:
            del self._full_until[full]

    # -- booking ----------------------------------------------------------------------------------
    def earliest(
        self, start: float, end: float, now: float, on_the_day: bool = True, count: int = 1
    ) -> Slot | None:
        """The earliest free run of ``count`` slots starting in [start, end), or None.

        On-the-day slots can be booked only on their own day (the day of ``now``), and only when
        ``on_the_day`` allows them; other slots can be booked any time before they start. A run
        of slots is one clinician's, back to back within one session.
        """
        if self.clinicians == 0 or end <= start:
            return None
        today = int(now // HOURS_PER_DAY)
        first, last = int(start // HOURS_PER_DAY), int(math.ceil(end / HOURS_PER_DAY))
        if count > 1:
            for day in range(first, last):
                if day not in self._days:
                    self._day(day)
                found = self._earliest_run(day, start, end, on_the_day and day == today, count)
                if found is not None:
                    return found
            return None
        key = (start, -1)
        days = self._days
        day = first
        while day < last:
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
                    return _slot(Slot, (on_day[i][0], on_day[i][1], self, day, True, 1))
            if best is not None:
                return _slot(Slot, (best[0], best[1], self, day, False, 1))
            day = self._after(day) if not ahead else day + 1
        return None

    def _after(self, day: int) -> int:
        """The first day after ``day`` (whose bookable-ahead slots are all taken) that may still
        have one free, jumping over the days already known to have none."""
        full_until = self._full_until
        later = full_until.get(day, day + 1)
        while later in full_until:
            later = full_until[later]
        full_until[day] = later
        return later

    def _earliest_run(
        self, day: int, start: float, end: float, on_the_day: bool, count: int
    ) -> Slot | None:
        """The earliest slot of ``day`` in [start, end) that begins ``count`` free slots in a row.

        Earliest is by time, then by clinician, as a single slot is found. Each clinician's free
        slots are bits: a run starts at each bit that is set in ``count`` shifted copies.
        """
        times = self._times[day]
        first = bisect_left(times, start)
        last = bisect_left(times, end)
        key = (day, count, on_the_day)
        empty = self._no_run.get(key)
        if empty is not None and empty[0] <= first < empty[1]:
            first = empty[1]  # known to hold no run from the window's start to there
        else:
            empty = None
        if first >= last:
            return None
        window = ((1 << last) - 1) ^ ((1 << first) - 1)
        window &= self._run_starts(day, count)
        ahead_bits, on_day_bits = self._bits[day]
        best_k, best_c = last, -1
        for c in range(self.clinicians):
            free = ahead_bits[c] | on_day_bits[c] if on_the_day else ahead_bits[c]
            runs = free & window
            for j in range(1, count):
                if not runs:
                    break
                runs &= free >> j
            if runs:
                k = (runs & -runs).bit_length() - 1
                if k < best_k:
                    best_k, best_c = k, c
        if best_k > first:
            self._no_run[key] = (first if empty is None else empty[0], best_k)
        if best_c < 0:
            return None
        held = not (ahead_bits[best_c] >> best_k) & 1
        return Slot(times[best_k], best_c, self, day, held, count)

    def _run_starts(self, day: int, count: int) -> int:
        """Bits k of ``day`` at which ``count`` slots in a row stay within one session."""
        bits = self._runs.get((day, count))
        if bits is None:
            times = self._times[day]
            bits = 0
            for k in range(len(times) - count + 1):
                if times[k + count - 1] - times[k] <= (count - 0.5) * self.slot:
                    bits |= 1 << k
            self._runs[(day, count)] = bits
        return bits

    def take(self, slot: Slot) -> None:
        """Book a slot (or run of slots) found by :meth:`earliest`, before anything else is booked."""
        ahead, on_day = self._days[slot.day]
        ahead_bits, on_day_bits = self._bits[slot.day]
        times = self._times[slot.day]
        c = slot.clinician
        k = bisect_left(times, slot.time - 1e-9)
        if slot.count == 1:
            _remove(on_day if slot.on_the_day else ahead, (slot.time, c), self.name)
            (on_day_bits if slot.on_the_day else ahead_bits)[c] &= ~(1 << k)
            return
        for j, time in enumerate(times[k : k + slot.count], start=k):
            if (ahead_bits[c] >> j) & 1:
                _remove(ahead, (time, c), self.name)
                ahead_bits[c] &= ~(1 << j)
            else:
                _remove(on_day, (time, c), self.name)
                on_day_bits[c] &= ~(1 << j)

    def book(
        self, start: float, end: float, now: float, on_the_day: bool = True, count: int = 1
    ) -> Slot | None:
        """Find and take the earliest free run of ``count`` slots in [start, end), or None."""
        slot = self.earliest(start, end, now, on_the_day, count)
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
            ahead_bits = self._bits[day][0]
            times = self._times[day]
            for i in chosen:
                time, clinician = ahead.pop(candidates[i])
                ahead_bits[clinician] &= ~(1 << bisect_left(times, time - 1e-9))
                taken.append(Slot(time, clinician, self, day, False))
        return sorted(taken, key=lambda s: (s.time, s.clinician))


def _contains(free: list[tuple[float, int]], item: tuple[float, int]) -> bool:
    i = bisect_left(free, item)
    return i < len(free) and free[i] == item


def _remove(free: list[tuple[float, int]], item: tuple[float, int], book: str) -> None:
    i = bisect_left(free, item)
    if i == len(free) or free[i] != item:
        raise RuntimeError(f"book {book!r}: slot at {item[0]} is no longer free")
    del free[i]
