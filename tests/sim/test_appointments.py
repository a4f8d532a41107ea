"""Appointment books: slots from rotas, on-the-day slots, earliest-first booking."""

import numpy as np
import pytest

from caresim.sim.appointments import AppointmentBook
from caresim.sim.calendar import Rota

WEEKDAYS = Rota.from_hours({"mon-fri": "09:00-12:00"})


def test_a_clinicians_hours_are_cut_into_slots():
    book = AppointmentBook("gp", 2, WEEKDAYS, slot=0.25)
    assert book.offered(0) == 2 * 12  # Monday: 3 hours of 15-minute slots, two GPs
    assert book.offered(5) == 0  # Saturday
    assert [t for t, _ in book.slot_times(1)][:2] == [24 + 9.0, 24 + 9.25]


def test_the_earliest_free_slot_is_booked_first_across_clinicians():
    book = AppointmentBook("gp", 2, WEEKDAYS, slot=0.5)
    first = book.book(0.0, 48.0, now=0.0)
    second = book.book(0.0, 48.0, now=0.0)
    third = book.book(0.0, 48.0, now=0.0)
    assert (first.time, first.clinician) == (9.0, 0)
    assert (second.time, second.clinician) == (9.0, 1)
    assert (third.time, third.clinician) == (9.5, 0)


def test_nothing_in_the_window_gives_none_and_books_nothing():
    book = AppointmentBook("gp", 1, WEEKDAYS, slot=1.0)
    for _ in range(3):
        assert book.book(9.0, 12.0, now=9.0) is not None
    assert book.book(9.0, 12.0, now=9.0) is None
    assert book.book(9.0, 36.0, now=9.0).time == 24 + 9.0


def test_on_the_day_slots_are_kept_for_the_day_itself():
    book = AppointmentBook("gp", 1, WEEKDAYS, slot=0.5, on_the_day_share=0.5)
    held = [t for t, on_day in book.slot_times(1) if on_day]
    assert len(held) == 3  # half of six slots, spread through the morning
    # Booking Tuesday from Monday finds only bookable-ahead slots...
    ahead = [book.book(24.0, 48.0, now=10.0) for _ in range(4)]
    assert [s is not None for s in ahead] == [True, True, True, False]
    # ...while on Tuesday itself the held slots can be booked.
    on_the_day = [book.book(24.0, 48.0, now=24.0 + 8.0) for _ in range(4)]
    assert [s is not None for s in on_the_day] == [True, True, True, False]
    assert all(s.on_the_day for s in on_the_day[:3])


def test_a_starting_state_fills_a_share_of_slots_ahead():
    book = AppointmentBook("nurse", 2, WEEKDAYS, slot=0.5)
    taken = book.fill(0.0, 5 * 24.0, 0.5, lambda n, k: list(range(k)))
    assert len(taken) == round(0.5 * 2 * 6) * 5
    assert book.book(0.0, 24.0, now=0.0) is not None
    with pytest.raises(RuntimeError):
        book.take(taken[0])


def test_a_request_that_may_not_use_on_the_day_slots_books_ahead_only():
    book = AppointmentBook("gp", 1, WEEKDAYS, slot=0.5, on_the_day_share=0.5)
    ahead_only = [book.book(0.0, 24.0, now=8.0, on_the_day=False) for _ in range(3)]
    assert all(s is not None and not s.on_the_day for s in ahead_only)
    assert book.earliest(0.0, 24.0, now=8.0, on_the_day=False) is None
    assert book.earliest(0.0, 24.0, now=8.0, on_the_day=True).on_the_day


def test_a_consultation_longer_than_a_slot_takes_slots_in_a_row_with_one_clinician():
    book = AppointmentBook("pharmacist", 1, WEEKDAYS, slot=0.5)  # six slots on Monday morning
    single = book.book(0.0, 12.0, now=0.0)  # 09:00
    double = book.book(0.0, 12.0, now=0.0, count=2)
    assert (single.time, double.time, double.count) == (9.0, 9.5, 2)
    assert book.book(0.0, 12.0, now=0.0, count=4) is None  # only 10:30-12:00 is left: three
    assert book.book(0.0, 12.0, now=0.0, count=3).time == 10.5
    assert book.book(0.0, 12.0, now=0.0) is None  # the morning is full


def test_longer_consultations_mean_fewer_appointments_offered():
    def appointments(count: int) -> int:
        book = AppointmentBook("pharmacist", 2, WEEKDAYS, slot=0.5)
        booked = 0
        while book.book(0.0, 24.0, now=0.0, count=count) is not None:
            booked += 1
        return booked

    assert (appointments(1), appointments(2), appointments(4)) == (12, 6, 2)


def test_a_run_of_slots_never_spans_the_gap_between_two_sessions():
    surgeries = Rota.from_hours({"mon": ["09:00-10:00", "14:00-15:00"]})
    book = AppointmentBook("gp", 1, surgeries, slot=0.5)
    book.book(0.0, 24.0, now=0.0)  # 09:00: 09:30 is left in the morning
    assert book.book(0.0, 24.0, now=0.0, count=2).time == 14.0


def test_a_clinician_away_offers_no_slots_that_day():
    book = AppointmentBook("gp", 3, WEEKDAYS, slot=0.5, away=lambda day: {1} if day == 0 else ())
    assert book.offered(0) == 2 * 6 and book.offered(1) == 3 * 6
    clinicians = {book.book(0.0, 24.0, now=0.0).clinician for _ in range(12)}
    assert clinicians == {0, 2}
    assert book.book(0.0, 24.0, now=0.0) is None


def test_a_search_for_a_run_jumps_days_with_none_left_but_not_todays_slots_kept_for_the_day():
    # Every other slot is kept for the day, so no two bookable-ahead slots are ever in a row.
    book = AppointmentBook("nurse", 1, WEEKDAYS, slot=0.5, on_the_day_share=0.5)
    assert book.earliest(0.0, 5 * 24.0, now=0.0, on_the_day=False, count=2) is None
    # Days 0 to 4 are now known to hold no run bookable ahead; on day 2 its own slots count.
    run = book.earliest(0.0, 5 * 24.0, now=2 * 24.0 + 8.0, on_the_day=True, count=2)
    assert run is not None and run.day == 2 and run.time == 2 * 24.0 + 9.0
    book.take(run)
    assert book.earliest(0.0, 5 * 24.0, now=0.0, on_the_day=False, count=2) is None


def _first_free_run(book, free, start, end, on_the_day, count):
    """The earliest (time, clinician) beginning ``count`` free slots in a row in one session,
    found by looking at every slot: what the book must agree with."""
    for day in range(int(start // 24), int(-(-end // 24))):
        times = [t for t, _ in book.slot_times(day)]
        held = dict(book.slot_times(day))
        for k, time in enumerate(times):
            if not start <= time < end or k + count > len(times):
                continue
            if times[k + count - 1] - time > (count - 0.5) * book.slot:
                continue
            for c in range(book.clinicians):
                run = times[k : k + count]
                if all((t, c) in free and (on_the_day or not held[t]) for t in run):
                    return time, c
    return None


@pytest.mark.parametrize("seed", range(4))
def test_runs_of_slots_are_found_as_a_slot_by_slot_search_finds_them(seed):
    rng = np.random.default_rng(seed)
    rota = Rota.from_hours({"mon-fri": ["08:30-11:00", "14:00-17:30"]})
    book = AppointmentBook("gp", 4, rota, slot=0.25, on_the_day_share=0.3)
    free = {(t, c) for day in range(20) for t, _ in book.slot_times(day) for c in range(4)}
    for _ in range(700):
        count = int(rng.integers(1, 5))
        now = float(rng.uniform(0, 10 * 24))
        start = now + float(rng.uniform(0, 48))
        end = start + float(rng.uniform(1, 96))
        on_the_day = bool(rng.random() < 0.5)
        today = int(now // 24)
        slot = book.earliest(start, end, now, on_the_day, count)
        expected = None
        for day in range(int(start // 24), int(-(-end // 24))):
            found = _first_free_run(
                book,
                free,
                max(start, day * 24.0),
                min(end, day * 24.0 + 24),
                on_the_day and day == today,
                count,
            )
            if found is not None:
                expected = found
                break
        assert (None if slot is None else (slot.time, slot.clinician)) == expected
        if slot is not None:
            book.take(slot)
            k = [t for t, _ in book.slot_times(slot.day)].index(slot.time)
            for t, _ in book.slot_times(slot.day)[k : k + count]:
                free.discard((t, slot.clinician))
