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


class _Day:
    """One day of a book: its slot times and its free slots, as bits.

    Slot k of clinician c is bit ``k * clinicians + c`` of ``ahead`` (free, bookable ahead) or of
    ``on_day`` (free, kept for booking on the day), so the order of bits is the order of
    (time, clinician): the lowest bit set at or after a slot is the earliest free slot from then,
    found in a few operations on one integer, not a search through a list of slots.
    """

    __slots__ = ("ahead", "on_day", "times")

    def __init__(self, times: list[float], ahead: int, on_day: int) -> None:
        self.times = times  # one clinician's slot start times that day, sorted
        self.ahead = ahead
        self.on_day = on_day


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
        # day -> its slot times and free slots. Slots are only ever taken, never given back.
        self._days: dict[int, _Day] = {}
        # (day, count) -> the bits at which a run of count slots stays within one session
        self._runs: dict[tuple[int, int], int] = {}
        # (day, count, on-the-day slots too) -> (a, b): no free run of count slots starts at a
        # slot k of the day with a <= k < b. What a search found empty stays empty, and the
        # next search starts after it.
        self._no_run: dict[tuple[int, int, bool], tuple[int, int]] = {}
        # day -> a later day: every day from the one to the other has no bookable-ahead slot
        # left (for the same reason, it never will again), so a search jumps over them.
        self._full_until: dict[int, int] = {}
        # count -> the same for runs of count slots: days from one to the other with no run of
        # count bookable-ahead slots left free.
        self._runless_until: dict[int, dict[int, int]] = {}

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

    def _day(self, day: int) -> _Day:
        found = self._days.get(day)
        if found is None:
            clinicians = self.clinicians
            working = sum(1 << c for c in self.working(day))  # the day's clinicians, as bits
            times = self.slot_times(day)
            ahead = on_day = 0
            for k, (_, held) in enumerate(times):
                if held:
                    on_day |= working << (k * clinicians)
                else:
                    ahead |= working << (k * clinicians)
            found = self._days[day] = _Day([t for t, _ in times], ahead, on_day)
        return found

    def forget_before(self, day: int) -> None:
        """Drop the free slots of days before ``day`` (they can no longer be booked)."""
        for old in [d for d in self._days if d < day]:
            del self._days[old]
        for key in [key for key in self._runs if key[0] < day]:
            del self._runs[key]
        for gone in [key for key in self._no_run if key[0] < day]:
            del self._no_run[gone]
        for full in [d for d in self._full_until if d < day]:
            del self._full_until[full]
        for runless in self._runless_until.values():
            for gone_day in [d for d in runless if d < day]:
                del runless[gone_day]

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
            return self._earliest_run_from(first, last, start, end, on_the_day, today, count)
        clinicians = self.clinicians
        days = self._days
        day = first
        while day < last:
            found = days.get(day)
            if found is None:
                found = self._day(day)
            ahead = found.ahead
            times = found.times
            # The day's slots from the first at or after start to the last before end, as bits
            # (every slot of a day starts within it).
            opens = day * HOURS_PER_DAY
            low = bisect_left(times, start) * clinicians if start > opens else 0
            if end < opens + HOURS_PER_DAY:
                high = bisect_left(times, end) * clinicians
            else:
                high = len(times) * clinicians
            best = high  # the earliest bookable-ahead slot in the window, or high for none
            if ahead:
                free = ahead >> low
                if free:
                    best = min((free & -free).bit_length() - 1 + low, high)
            if on_the_day and day == today and found.on_day:
                free = found.on_day >> low
                if free:
                    held = (free & -free).bit_length() - 1 + low
                    if held < best:
                        k, c = divmod(held, clinicians)
                        return _slot(Slot, (times[k], c, self, day, True, 1))
            if best < high:
                k, c = divmod(best, clinicians)
                return _slot(Slot, (times[k], c, self, day, False, 1))
            day = _jump(self._full_until, day) if not ahead else day + 1
        return None

    def _earliest_run_from(
        self,
        first: int,
        last: int,
        start: float,
        end: float,
        on_the_day: bool,
        today: int,
        count: int,
    ) -> Slot | None:
        """The earliest free run of ``count`` slots from day ``first`` to before day ``last``,
        jumping over the days already known to have no run bookable ahead (but not today, whose
        slots kept for the day may hold one)."""
        runless = self._runless_until.setdefault(count, {})
        day = first
        while day < last:
            whole = (0, len(self._day(day).times))
            with_today = on_the_day and day == today
            run = self._earliest_run(day, start, end, with_today, count)
            if run is not None:
                return run
            if with_today or self._no_run.get((day, count, False)) != whole:
                day += 1
                continue
            later = _jump(runless, day)  # no run anywhere in the day, nor ever will be
            day = today if on_the_day and day < today < later else later
        return None

    def _earliest_run(
        self, day: int, start: float, end: float, on_the_day: bool, count: int
    ) -> Slot | None:
        """The earliest slot of ``day`` in [start, end) that begins ``count`` free slots in a row.

        Earliest is by time, then by clinician, as a single slot is found: a run starts at each
        bit that is set in ``count`` copies of the free slots, each shifted on by a slot.
        """
        found = self._days[day]
        times = found.times
        clinicians = self.clinicians
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
        window = ((1 << (last * clinicians)) - 1) ^ ((1 << (first * clinicians)) - 1)
        free = found.ahead | found.on_day if on_the_day else found.ahead
        runs = free & window & self._run_starts(day, count)
        for j in range(1, count):
            if not runs:
                break
            runs &= free >> (j * clinicians)
        best_k, best_c = last, -1
        if runs:
            best = (runs & -runs).bit_length() - 1
            best_k, best_c = divmod(best, clinicians)
        if best_k > first:
            self._no_run[key] = (first if empty is None else empty[0], best_k)
        if best_c < 0:
            return None
        held = not (found.ahead >> best) & 1
        return Slot(times[best_k], best_c, self, day, held, count)

    def _run_starts(self, day: int, count: int) -> int:
        """Bits of ``day`` at which ``count`` slots in a row stay within one session."""
        bits = self._runs.get((day, count))
        if bits is None:
            times = self._days[day].times
            everyone = (1 << self.clinicians) - 1
            bits = 0
            for k in range(len(times) - count + 1):
                if times[k + count - 1] - times[k] <= (count - 0.5) * self.slot:
                    bits |= everyone << (k * self.clinicians)
            self._runs[(day, count)] = bits
        return bits

    def take(self, slot: Slot) -> None:
        """Book a slot (or run of slots) found by :meth:`earliest`, before anything else is booked."""
        found = self._days[slot.day]
        clinicians = self.clinicians
        first = bisect_left(found.times, slot.time - 1e-9) * clinicians + slot.clinician
        if slot.count == 1:
            bit = 1 << first
            if slot.on_the_day and found.on_day & bit:
                found.on_day ^= bit
            elif not slot.on_the_day and found.ahead & bit:
                found.ahead ^= bit
            else:
                raise RuntimeError(f"book {self.name!r}: slot at {slot.time} is no longer free")
            return
        for index in range(first, first + slot.count * clinicians, clinicians):
            bit = 1 << index
            if found.ahead & bit:
                found.ahead ^= bit
            elif found.on_day & bit:
                found.on_day ^= bit
            else:
                raise RuntimeError(f"book {self.name!r}: slot at {slot.time} is no longer free")

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
        clinicians = self.clinicians
        for day in range(int(start // HOURS_PER_DAY), int(math.ceil(end / HOURS_PER_DAY))):
            found = self._day(day)
            times = found.times
            candidates = [  # the free bookable-ahead slots in the window, in (time, clinician) order
                k * clinicians + c
                for k, time in enumerate(times)
                if start <= time < end
                for c in range(clinicians)
                if (found.ahead >> (k * clinicians + c)) & 1
            ]
            for i in sorted(pick(len(candidates), round(share * len(candidates))), reverse=True):
                k, c = divmod(candidates[i], clinicians)
                found.ahead ^= 1 << candidates[i]
                taken.append(Slot(times[k], c, self, day, False))
        return sorted(taken, key=lambda s: (s.time, s.clinician))


def _jump(chain: dict[int, int], day: int) -> int:
    """The first day after ``day`` not known to be empty, by a chain of empty days.

    ``chain[d] = e`` says that days d to e - 1 are empty (all their bookable-ahead slots, or
    runs of slots, taken). ``day`` is empty, and joins the chain pointing past the longest
    stretch of empty days that follows it.
    """
    later = chain.get(day, day + 1)
    while later in chain:
        later = chain[later]
    chain[day] = later
    return later
