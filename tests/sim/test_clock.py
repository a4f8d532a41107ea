"""Callbacks after a delay, and an agenda of many booked ahead that stays off the event queue."""

import numpy as np
import pytest
import simpy

from caresim.sim.clock import Agenda, call_later


def _run(book_ahead_on_agenda: bool, seed: int = 3) -> list[tuple[float, str]]:
    """Bookings weeks ahead (many at the same slot times) beside other events as a run makes
    them; the order in which every callback ran."""
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    order: list[tuple[float, str]] = []

    def note(name):
        return lambda _e: order.append((env.now, name))

    call_later(env, 0.0, note("first"))
    agenda = Agenda(env)
    for k in range(2_000):
        time = float(rng.integers(0, 28 * 24 * 6)) / 6  # on a ten-minute grid: many ties
        if book_ahead_on_agenda:
            agenda.call_later(time, note(f"booked {k}"))
        else:
            call_later(env, time, note(f"booked {k}"))
    agenda.start()

    made = [0]

    def churn(_e):  # other events, each scheduling the next, some at the slot times
        made[0] += 1
        call_later(env, float(rng.integers(0, 12)) / 6, note(f"other {made[0]}"))
        call_later(env, float(rng.integers(1, 12)) / 6, churn)

    call_later(env, 0.0, churn)
    env.run(until=30 * 24)
    return order


def test_an_agenda_runs_every_booking_in_the_order_call_later_gives():
    assert _run(True) == _run(False)


def test_an_agenda_keeps_only_the_next_two_days_on_the_queue():
    env = simpy.Environment()
    agenda = Agenda(env, lookahead=24.0)
    for day in range(28):
        agenda.call_later(day * 24.0 + 9.0, lambda _e: None)
    agenda.start()
    assert len(env._queue) == 2 + 1  # days 0 and 1, and the agenda's own next move
    env.run(until=24.0 * 10 + 12)
    assert len(agenda) == 28 - 12  # by day 10 at noon it has moved days up to 11
    env.run(until=24.0 * 28)
    assert len(agenda) == 0
    assert all(entry[0] == 24.0 * 28 for entry in env._queue)  # SimPy's own stop, no booking


def test_an_agenda_takes_no_booking_after_it_starts_and_no_negative_delay():
    env = simpy.Environment()
    agenda = Agenda(env)
    with pytest.raises(ValueError, match="negative"):
        agenda.call_later(-1.0, lambda _e: None)
    agenda.start()
    with pytest.raises(RuntimeError, match="before it starts"):
        agenda.call_later(1.0, lambda _e: None)
