"""Durations and rates written with units, converted to the engine's base unit of time: the hour.

Every time in the engine is a float number of hours since the run started (a Monday, 00:00).
Text such as ``"10 min"``, ``"3 days"`` or ``"2.7 per hour"`` is read here, and nowhere else.
"""

from __future__ import annotations

import re

__all__ = [
    "HOURS_PER_UNIT",
    "UnitError",
    "canonical_unit",
    "format_duration",
    "from_hours",
    "parse_duration",
    "parse_rate",
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
_RATE = re.compile(rf"^\s*({_NUMBER})\s*(?:per|/)\s*([A-Za-z]+)\s*$")

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
    """Read a non-negative rate such as ``"2.7 per hour"`` or ``"5.8 per year"`` into events per hour."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise UnitError(f"expected a rate with a unit, such as '2.7 per hour', got {text!r}")
    match = _RATE.match(text)
    if match is None:
        raise UnitError(f"expected a rate with a unit, such as '2.7 per hour', got {text!r}")
    value = float(match.group(1))
    if value < 0 or value != value or value == float("inf"):
        raise UnitError(f"a rate must be a finite number, not negative, got {text!r}")
    return value / HOURS_PER_UNIT[canonical_unit(match.group(2))]


def from_hours(hours: float, unit: str) -> float:
    """Express a number of hours in another unit."""
    return hours / HOURS_PER_UNIT[canonical_unit(unit)]


def format_duration(hours: float, unit: str = "hours", digits: int = 2) -> str:
    """Write a number of hours as text in the given unit, e.g. ``"2.72 hours"``."""
    name = canonical_unit(unit)
    return f"{from_hours(hours, name):.{digits}f} {name}"
