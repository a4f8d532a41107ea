"""Durations and rates are written with units and read into hours."""

import pytest

from caresim.sim.units import (
    UnitError,
    format_duration,
    from_hours,
    parse_duration,
    parse_rate,
    parse_variance,
)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("10 min", 10 / 60),
        ("1 hour", 1.0),
        ("2.5 hours", 2.5),
        ("3 days", 72.0),
        ("1 week", 168.0),
        ("1 year", 8760.0),
        ("0 hours", 0.0),
        ("90mins", 1.5),
        ("1e2 h", 100.0),
    ],
)
def test_a_duration_with_a_unit_is_read_into_hours(text, hours):
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize("value", [5, 5.0, "5", "five minutes", "", None, True, "10 parsecs"])
def test_a_duration_without_a_known_unit_is_refused(value):
    with pytest.raises(UnitError, match="duration|unit"):
        parse_duration(value)


def test_a_negative_duration_is_refused():
    with pytest.raises(UnitError, match="negative"):
        parse_duration("-3 days")


@pytest.mark.parametrize(
    ("text", "per_hour"),
    [("2.7 per hour", 2.7), ("24 per day", 1.0), ("8760 per year", 1.0), ("6/h", 6.0)],
)
def test_a_rate_is_read_into_events_per_hour(text, per_hour):
    assert parse_rate(text) == pytest.approx(per_hour)


@pytest.mark.parametrize("value", ["2.7", 2.7, "2.7 per", "-1 per hour", "many per day"])
def test_a_rate_without_a_unit_is_refused(value):
    with pytest.raises(UnitError):
        parse_rate(value)


def test_hours_are_written_back_in_any_unit():
    assert from_hours(48.0, "days") == 2.0
    assert format_duration(1.5, "minutes", 0) == "90 minutes"


@pytest.mark.parametrize(
    ("text", "per_day"),
    [
        ("1 per 9.3 days", 1 / 9.3),
        ("every 9.3 days", 1 / 9.3),
        ("Every 2 hours", 12.0),
        ("3 per 2 days", 1.5),
        ("1 per 0.5 day", 2.0),
    ],
)
def test_a_rate_may_be_written_by_the_interval_between_arrivals(text, per_day):
    assert parse_rate(text) * 24 == pytest.approx(per_day)


@pytest.mark.parametrize("text", ["every 0 days", "1 per 0 days", "every days", "every 3"])
def test_an_interval_rate_needs_a_positive_interval_with_a_unit(text):
    with pytest.raises(UnitError, match="rate|interval"):
        parse_rate(text)


@pytest.mark.parametrize(
    ("text", "hours_squared"),
    [("3 min^2", 3 / 3600), ("3 min²", 3 / 3600), ("2 days^2", 2 * 24**2), ("0 h^2", 0.0)],
)
def test_a_variance_is_written_in_a_squared_unit(text, hours_squared):
    assert parse_variance(text) == pytest.approx(hours_squared)


@pytest.mark.parametrize("text", ["3 min", "3", "-1 min^2", "3 parsecs^2", 3.0])
def test_a_variance_without_a_squared_unit_is_refused(text):
    with pytest.raises(UnitError):
        parse_variance(text)
