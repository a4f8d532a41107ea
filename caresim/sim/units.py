"""Durations and rates written with units, converted to the engine's base unit of time: the hour.

Every time in the engine is a float number of hours since the run started (a Monday, 00:00).
Text such as ``"10 min"``, ``"3 days"`` or ``"2.7 per hour"`` is read here, and nowhere else. A rate
may also be written as papers give it, by the interval between events: ``"1 per 9.3 days"`` or
``"every 9.3 days"`` (both 1/9.3 a day).
"""

from __future__ import annotations

import re

__all__ = [
    "HOURS_PER_UNIT",
    "RATE_EXAMPLES",
    "UnitError",
    "canonical_unit",
    "format_duration",
    "from_hours",
    "parse_duration",
    "parse_rate",
    "parse_variance",
]

#: Hours in one of each canonical unit. A year is 365 days; a week is 7 days.
HOURS_PER_UNIT: dict[str, float] = {
    "minutes": 1.0 / 60.0,
    "hours": 1.0,
    "days": 24.0,
    "weeks": 168.0,
    "years": 8760.0,
}

_ALIASES: dict[str, str] = {
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "y": "years",
    "yr": "years",
    "year": "years",
    "years": "years",
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]+)\s*$")
_RATE = re.compile(
    rf"^\s*({_NUMBER})\s*(?:per|/)\s*(?:({_NUMBER})\s*)?([A-Za-z]+)\s*$", re.IGNORECASE
)
_EVERY = re.compile(rf"^\s*every\s+({_NUMBER})\s*([A-Za-z]+)\s*$", re.IGNORECASE)
RATE_EXAMPLES = "'2.7 per hour', '1 per 9.3 days' or 'every 9.3 days'"

UNIT_NAMES = "minutes, hours, days, weeks or years"


class UnitError(ValueError):
    """A duration or rate that cannot be read; the message says what was expected."""


def canonical_unit(name: str) -> str:
    """Return the canonical name (``"hours"``, ``"days"``, ...) of a unit or its abbreviation."""
    try:
        return _ALIASES[name.strip().lower()]
    except KeyError:
        raise UnitError(f"unknown time unit {name!r}; expected {UNIT_NAMES}") from None


def parse_duration(text: str) -> float:
    """Read a non-negative duration such as ``"10 min"`` or ``"3 days"`` into hours."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise UnitError(
            f"expected a duration with a unit, such as '10 min' or '3 days', got {text!r}"
        )
    match = _DURATION.match(text)
    if match is None:
        raise UnitError(
            f"expected a duration with a unit, such as '10 min' or '3 days', got {text!r}"
        )
    value = float(match.group(1))
    if value < 0:
        raise UnitError(f"a duration must not be negative, got {text!r}")
    if value != value or value == float("inf"):
        raise UnitError(f"a duration must be a finite number, got {text!r}")
    return value * HOURS_PER_UNIT[canonical_unit(match.group(2))]


def parse_rate(text: str) -> float:
    """Read a non-negative rate into events per hour.

    ``"2.7 per hour"`` and ``"5.8 per year"`` give a count per unit of time; ``"1 per 9.3 days"``
    and ``"every 9.3 days"`` give it by the interval between events, as papers often do.
    """
    expected = f"expected a rate with a unit, such as {RATE_EXAMPLES}, got {text!r}"
    if isinstance(text, bool) or not isinstance(text, str):
        raise UnitError(expected)
    every = _EVERY.match(text)
    if every is not None:
        count, interval, unit = "1", every.group(1), every.group(2)
    else:
        match = _RATE.match(text)
        if match is None:
            raise UnitError(expected)
        count, interval, unit = match.group(1), match.group(2) or "1", match.group(3)
    value, length = float(count), float(interval)
    if value < 0 or value != value or value == float("inf"):
        raise UnitError(f"a rate must be a finite number, not negative, got {text!r}")
    if not (0 < length < float("inf")):
        raise UnitError(f"the interval of a rate must be longer than zero, got {text!r}")
    return value / (length * HOURS_PER_UNIT[canonical_unit(unit)])


_VARIANCE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]+)\s*(?:\^\s*2|²)\s*$")


def parse_variance(text: str) -> float:
    """Read a variance of durations, such as ``"3 min^2"`` or ``"3 min²"``, into hours squared."""
    expected = f"expected a variance with a squared unit, such as '3 min^2', got {text!r}"
    if isinstance(text, bool) or not isinstance(text, str):
        raise UnitError(expected)
    match = _VARIANCE.match(text)
    if match is None:
        raise UnitError(expected)
    value = float(match.group(1))
    if not (0 <= value < float("inf")):
        raise UnitError(f"a variance must be a finite number, not negative, got {text!r}")
    return value * HOURS_PER_UNIT[canonical_unit(match.group(2))] ** 2


def from_hours(hours: float, unit: str) -> float:
    """Express a number of hours in another unit."""
    return hours / HOURS_PER_UNIT[canonical_unit(unit)]


def format_duration(hours: float, unit: str = "hours", digits: int = 2) -> str:
    """Write a number of hours as text in the given unit, e.g. ``"2.72 hours"``."""
    name = canonical_unit(unit)
    return f"{from_hours(hours, name):.{digits}f} {name}"
