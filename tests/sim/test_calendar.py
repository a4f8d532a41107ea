"""Rotas and weekly profiles: the run starts on a Monday at 00:00 and counts hours."""

import pytest

from caresim.sim.calendar import HOURS_PER_WEEK, Rota, WeeklyProfile, day_of_week, hour_of_day


def test_the_run_starts_on_a_monday_at_midnight():
    assert day_of_week(0.0) == 0
    assert day_of_week(24 * 5 + 1) == 5  # Saturday
    assert day_of_week(HOURS_PER_WEEK + 1) == 0
    assert hour_of_day(24 * 3 + 13.5) == pytest.approx(13.5)


def test_a_weekday_rota_is_on_duty_in_working_hours_only():
    rota = Rota.from_hours({"mon-fri": "08:00-18:30"})
    assert rota.hours_per_week == pytest.approx(5 * 10.5)
    assert rota.is_on(8.0) and rota.is_on(18.4)
    assert not rota.is_on(7.99) and not rota.is_on(18.5)
    assert not rota.is_on(24 * 5 + 10)  # Saturday
    assert rota.is_on(HOURS_PER_WEEK + 24 * 2 + 12)  # Wednesday of week two


def test_later_keys_override_earlier_ones_for_their_days():
    rota = Rota.from_hours({"every_day": "08:00-20:00", "sunday": "off"})
    assert rota.hours_per_week == pytest.approx(6 * 12)


def test_an_overnight_shift_ends_the_next_morning_and_wraps_the_week():
    rota = Rota.from_hours({"sun": "20:00-08:00"})
    assert rota.is_on(24 * 6 + 21)
    assert rota.is_on(HOURS_PER_WEEK + 7.5)  # Monday 07:30 of week two
    assert rota.is_on(7.5)  # and of week one: the week repeats
    assert rota.hours_per_week == pytest.approx(12)


def test_shifts_are_clipped_to_the_window_asked_for():
    rota = Rota.from_hours({"weekdays": "09:00-17:00"})
    shifts = list(rota.shifts(10.0, 24 * 2))
    assert shifts == [(10.0, 17.0), (33.0, 41.0)]
    assert rota.hours_between(0, 4 * HOURS_PER_WEEK) == pytest.approx(4 * 40)


def test_the_patient_facing_share_is_the_start_of_each_shift():
    rota = Rota.from_hours({"mon": "08:00-18:00"}).patient_facing(0.75)
    assert rota.intervals == ((8.0, 15.5),)
    daily = Rota.around_the_clock().patient_facing(0.5)
    assert daily.hours_per_week == pytest.approx(84)
    assert not daily.always


@pytest.mark.parametrize(
    "hours",
    [
        {"mon": "8-18"},
        {"funday": "08:00-09:00"},
        {"mon": "25:00-26:00"},
        {"fri-mon": "08:00-09:00"},
    ],
)
def test_unreadable_working_hours_are_refused(hours):
    with pytest.raises(ValueError):
        Rota.from_hours(hours)


def test_a_profile_averages_one_over_the_week():
    profile = WeeklyProfile(weekday=(2, 2, 2, 2, 2, 1, 1), hour=tuple(range(1, 25)))
    total = sum(profile.multiplier(h + 0.5) for h in range(168))
    assert total / 168 == pytest.approx(1.0)
    assert profile.peak == pytest.approx(max(profile.weekday) * max(profile.hour))


def test_a_profile_with_the_wrong_number_of_weights_is_refused():
    with pytest.raises(ValueError, match="7 weights"):
        WeeklyProfile(weekday=(1, 1, 1))


def test_patient_facing_time_can_come_in_sessions_with_admin_between():
    # Ten hours at 0.6 in two sessions: 08:00-11:00 and 15:00-18:00, admin 11:00-15:00.
    rota = Rota.from_hours({"mon": "08:00-18:00"}).patient_facing(0.6, sessions=2)
    assert rota.intervals == ((8.0, 11.0), (15.0, 18.0))
    assert rota.hours_per_week == pytest.approx(6.0)
    assert Rota.from_hours({"mon-fri": "08:00-18:00"}).days_per_week == 5


def test_a_roster_gives_a_headcount_per_period_and_each_person_a_rota():
    from caresim.sim.calendar import Roster

    day = Rota.from_hours({"every_day": "08:00-20:00"})
    night = Rota.from_hours({"every_day": "20:00-08:00"})
    roster = Roster(((day, 3), (night, 1)))
    assert roster.headcount == 3
    assert roster.headcount_at(10.0) == 3 and roster.headcount_at(23.0) == 1
    first, second, third = roster.person_rotas()
    assert first.hours_per_week == pytest.approx(HOURS_PER_WEEK)  # one person round the clock
    assert second.hours_per_week == third.hours_per_week == pytest.approx(7 * 12)
    assert second.is_on(10.0) and not second.is_on(23.0)
