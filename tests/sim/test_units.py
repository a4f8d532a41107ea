"""Durations and rates are written with units and read into hours."""

import pytest

from caresim.sim.units import UnitError, format_duration, from_hours, parse_duration, parse_rate


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
