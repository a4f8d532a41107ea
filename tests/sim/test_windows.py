"""Daily time windows: when a task falls due, when its window closes, and what is refused."""

import numpy as np
import pytest

from caresim.sim.windows import DailyWindows, parse_window

INSULIN = DailyWindows.parse(["08:00-09:00", "16:30-17:30"])
DAY_SHIFT = DailyWindows.parse(["08:00-16:00"])


def test_a_window_is_read_in_hours_after_midnight():
    assert parse_window("08:00-09:30") == (8.0, 9.5)
    assert parse_window("00:00-24:00") == (0.0, 24.0)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("9am-5pm", "HH:MM-HH:MM"),
        ("17:00-08:00", "closes before it opens"),
        ("08:00-08:00", "closes before it opens"),
        ("08:75-09:00", "not a time of day"),
        ("08:00-25:00", "not a time of day"),
    ],
)
def test_a_window_that_is_not_one_is_refused(text, needle):
    with pytest.raises(ValueError, match=needle):
        parse_window(text)


def test_windows_must_not_overlap():
    with pytest.raises(ValueError, match="overlap"):
        DailyWindows.parse(["08:00-12:00", "11:00-13:00"])


def test_a_task_planned_in_an_open_window_is_due_at_once():
    assert DAY_SHIFT.next_due(now=10.0, planned=10.0) == (10.0, 16.0)


def test_a_task_planned_before_its_window_is_due_when_it_opens():
    assert DAY_SHIFT.next_due(now=2.0, planned=2.0) == (8.0, 16.0)


def test_a_task_planned_after_the_last_window_of_the_day_waits_for_the_next():
    assert INSULIN.next_due(now=18.0, planned=18.0) == (32.0, 33.0)


def test_a_twice_daily_task_alternates_between_its_windows():
    due, closes = INSULIN.next_due(now=0.0, planned=0.0)
    times = [due]
    for _ in range(5):
        now = due + 0.5  # the visit was made half an hour after it fell due
        due, closes = INSULIN.next_due(now, due + 12.0, after=due)
        times.append(due)
    assert times == [8.0, 16.5, 32.0, 40.5, 56.0, 64.5]


def test_a_late_task_moves_on_to_a_later_window_than_its_own():
    # Due at 08:00 and made at 10:00, after its window closed: the next is the evening one.
    assert INSULIN.next_due(now=10.5, planned=20.0, after=8.0) == (16.5, 17.5)
    # Planned for 08:00 the next day but the day window is still open today: it moves on.
    assert DAY_SHIFT.next_due(now=9.0, planned=32.0, after=8.0) == (32.0, 40.0)


def test_a_task_planned_days_ahead_lands_on_that_day():
    # Planned for 03:00 on day 3: the nearest window is day 3's, five hours later.
    assert DAY_SHIFT.next_due(now=9.0, planned=3 * 24 + 3.0, after=8.0) == (80.0, 88.0)
    # Planned for 21:00 on day 3: day 3's window closed an hour before, day 4's opens in eleven.
    assert DAY_SHIFT.next_due(now=9.0, planned=3 * 24 + 21.0, after=8.0) == (80.0, 88.0)


def test_the_close_of_each_due_time_is_that_of_its_window():
    due = np.array([8.0, 8.25, 16.5, 32.0, 41.0])
    np.testing.assert_array_equal(INSULIN.closes_after(due), [9.0, 9.0, 17.5, 33.0, 41.5])
    np.testing.assert_array_equal(
        DailyWindows.whole_day().closes_after(np.array([0.0, 23.5, 24.0])), [24.0, 24.0, 48.0]
    )
    assert len(INSULIN.closes_after(np.array([]))) == 0
