"""What figures need to know of a scenario's config document: pools, their sizes, targets.

The document is the resolved config a manifest records. Its shape may grow (care settings add
activities, roles and targets), so everything here reads it tolerantly: what is not there, or not
in a shape understood, is left out, and the figure that needed it says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caresim.sim.units import HOURS_PER_UNIT, UnitError, canonical_unit, parse_duration

__all__ = ["Pool", "config_pools", "service_units", "wait_targets"]

#: Sections of a config whose entries are steps patients queue for.
STEP_SECTIONS = ("services", "activities")


@dataclass(frozen=True)
class Pool:
    """A staff or bed pool as the config describes it."""

    name: str
    kind: str  # "staff" or "beds"
    capacity: int | None  # headcount or beds; None when unconstrained
    role: str
    rota: str
    when_full: str  # "queue" or "turn_away"
    services: tuple[str, ...]  # the steps that use it


def _entries(config: Mapping[str, Any], section: str) -> dict[str, dict[str, Any]]:
    value = config.get(section)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): dict(v) for k, v in value.items() if isinstance(v, Mapping)}


def _steps(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    steps: dict[str, dict[str, Any]] = {}
    for section in STEP_SECTIONS:
        steps.update(_entries(config, section))
    # General practice reports each activity's waits in days, against its own target.
    practice = config.get("general_practice")
    if isinstance(practice, Mapping):
        for name, spec in _entries(practice, "activities").items():
            steps[name] = {"report_in": "days", **spec}
    # District nursing has no wait target: a visit is late against its own window of the day.
    return steps


def service_units(config: Mapping[str, Any]) -> dict[str, str]:
    """The unit each step reports its waits in (``hours`` unless the config says otherwise)."""
    units = {}
    for name, spec in _steps(config).items():
        try:
            units[name] = canonical_unit(str(spec.get("report_in", "hours")))
        except UnitError:
            units[name] = "hours"
    return units


def config_pools(config: Mapping[str, Any]) -> dict[str, Pool]:
    """Every staff and bed pool of the config, with the steps that use it."""
    users: dict[str, list[str]] = {}
    for name, spec in _steps(config).items():
        uses = spec.get("uses")
        if isinstance(uses, str):
            users.setdefault(uses, []).append(name)
    found: dict[str, Pool] = {}
    for name, spec in _entries(config, "staff").items():
        headcount = spec.get("headcount")
        found[name] = Pool(
            name,
            "staff",
            headcount if isinstance(headcount, int) else None,
            str(spec.get("role") or name),
            str(spec.get("rota", "24/7")),
            "queue",
            tuple(users.get(name, ())),
        )
    for name, spec in _entries(config, "beds").items():
        capacity = spec.get("capacity")
        found[name] = Pool(
            name,
            "beds",
            capacity if isinstance(capacity, int) and not isinstance(capacity, bool) else None,
            name,
            "24/7",
            str(spec.get("when_full", "queue")),
            tuple(users.get(name, ())),
        )
    return found


def _target_hours(value: Any, unit: str) -> float | None:
    """A target written as a duration ('2 days'), a number in the step's unit, or {wait: ...}."""
    if isinstance(value, Mapping):
        value = value.get("wait", value.get("within"))
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) * HOURS_PER_UNIT[unit]
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except UnitError:
            return None
    return None


def wait_targets(
    config: Mapping[str, Any], given: Mapping[str, str | float] | None = None
) -> dict[str, float]:
    """Wait targets in hours by step: those ``given`` (durations, or numbers of hours) over the
    config's own ``target`` of each step."""
    units = service_units(config)
    targets: dict[str, float] = {}
    for name, spec in _steps(config).items():
        hours = _target_hours(spec.get("target"), units.get(name, "hours"))
        if hours is not None:
            targets[name] = hours
    for name, value in (given or {}).items():
        hours = (
            float(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else _target_hours(value, "hours")
        )
        if hours is not None:
            targets[name] = hours
    return targets
