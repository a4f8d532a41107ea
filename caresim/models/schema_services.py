"""The generic pathway language of a config: services, arrival streams, patient classes and exits.

Patients arrive in streams, each stream may give its patients a class (``class: stroke``), and the
class stays with the patient through the network. A service says where patients go next and how
long they stay, for every patient and, where the class changes it, per class; a stay may depend on
where the patient goes next (the destination is drawn first, then the stay). Patients leave by
``exit`` or by one of the config's named ``exits`` (``home``, ``died``, ...), each counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints

from caresim.models.schema_types import (
    DistributionSpec,
    Frozen,
    Rate,
    Shares,
    reference_error,
)

if TYPE_CHECKING:
    from caresim.models.schema import Config

__all__ = [
    "EXIT",
    "ArrivalSpec",
    "ClassRouteSpec",
    "ServiceSpec",
    "check_services",
]

EXIT = "exit"
Setting = Literal["general_practice", "district_nursing", "intermediate_care", "hospital", "system"]
TimeUnit = Literal["minutes", "hours", "days", "weeks"]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]
"""A name used in paths and outputs: lower case letters, digits and underscores."""

StaysByNext = dict[Name, DistributionSpec]
"""Stays by the destination drawn for the patient, e.g. ``{rehab: ..., home: ...}``."""


class ClassRouteSpec(Frozen):
    """Where patients of one class go next from a service, and how long they stay there."""

    next: Shares | None = Field(
        None, description="where patients of this class go next, by share (default: the service's)"
    )
    duration: DistributionSpec | None = Field(
        None, description="how long patients of this class stay (default: the service's)"
    )
    duration_by_next: StaysByNext | None = Field(
        None,
        description="stays by the destination drawn, e.g. {rehab: ..., home: ...}; destinations "
        "not listed stay for 'duration'",
    )


class ServiceSpec(Frozen):
    """A step patients queue for: it holds one unit of a staff or bed pool for a duration."""

    setting: Setting = Field("system", description="the care setting it is reported under")
    uses: Name = Field(description="the staff pool or bed pool it needs")
    duration: DistributionSpec = Field(
        description="how long it holds the staff member or bed (the default for every class)"
    )
    duration_by_next: StaysByNext | None = Field(
        None,
        description="stays by the destination drawn (the destination is drawn first, then the "
        "stay); destinations not listed stay for 'duration'",
    )
    patience: DistributionSpec | None = Field(
        None, description="how long a patient waits before giving up (none: waits for ever)"
    )
    on_abandon: Name = Field(EXIT, description="where a patient who gives up goes")
    on_turned_away: Name = Field(
        EXIT, description="where a patient turned away from a full pool goes"
    )
    next: Shares = Field(
        default_factory=lambda: {EXIT: 1.0},
        description="where patients go next, by share (the default for every class)",
    )
    classes: dict[Name, ClassRouteSpec] = Field(
        default_factory=dict,
        description="routes and stays of patient classes that differ from the service's",
    )
    report_in: TimeUnit = Field("hours", description="unit of waits and times in the results")


class ArrivalSpec(Frozen):
    """A stream of patients arriving as a Poisson process, optionally shaped by a profile."""

    rate: Rate = Field(
        description="average arrivals, e.g. '2.7 per hour', '1 per 9.3 days' or 'every 9.3 days'"
    )
    to: Name = Field(description="the service they go to first")
    profile: Name | None = Field(None, description="a profile in 'profiles' shaping the rate")
    priority: int = Field(0, description="lower is seen first when patients queue together")
    patient_class: Name | None = Field(
        None,
        alias="class",
        description="the class its patients belong to, e.g. 'stroke'; routes, stays and measures "
        "may be given per class",
    )


def check_services(config: Config) -> None:
    """Check the cross-references of services, arrivals, classes and exits."""
    pools = set(config.staff) | set(config.beds)
    exits = _check_exits(config)
    targets = set(config.services) | {EXIT} | set(exits)
    expected = f"expected {_destinations(config.services, exits)}"
    classes = {a.patient_class for a in config.arrivals.values() if a.patient_class is not None}
    for name, service in config.services.items():
        path = f"services.{name}"
        if service.uses not in pools:
            raise reference_error(
                f"{path}.uses",
                f"unknown pool '{service.uses}'; expected one of {_listing(pools)}",
            )
        for key in ("on_abandon", "on_turned_away"):
            if getattr(service, key) not in targets:
                raise reference_error(
                    f"{path}.{key}", f"unknown destination '{getattr(service, key)}'; {expected}"
                )
        _check_routes(path, service.next, targets, expected)
        _check_stays(path, service.duration_by_next, service.next)
        for cls, route in service.classes.items():
            if cls not in classes:
                raise reference_error(
                    f"{path}.classes.{cls}",
                    f"unknown class '{cls}'; expected a class of an arrival stream, one of "
                    f"{_listing(classes)}",
                )
            route_next = route.next if route.next is not None else service.next
            if route.next is not None:
                _check_routes(f"{path}.classes.{cls}", route.next, targets, expected)
            _check_stays(f"{path}.classes.{cls}", route.duration_by_next, route_next)
    for name, arrival in config.arrivals.items():
        if arrival.to not in config.services:
            raise reference_error(
                f"arrivals.{name}.to",
                f"unknown service '{arrival.to}'; expected one of {_listing(config.services)}",
            )
        if arrival.profile is not None and arrival.profile not in config.profiles:
            raise reference_error(
                f"arrivals.{name}.profile",
                f"unknown profile '{arrival.profile}'; expected one of {_listing(config.profiles)}",
            )


def _check_exits(config: Config) -> tuple[str, ...]:
    exits = config.exits
    for index, name in enumerate(exits):
        path = f"exits.{index}"
        if name == EXIT or name in exits[:index]:
            raise reference_error(path, f"'{name}' is named twice; expected different exits")
        if name in config.services:
            raise reference_error(path, f"'{name}' is also a service; names must differ")
    return exits


def _check_routes(path: str, shares: Mapping[str, float], targets: set[str], expected: str) -> None:
    for target in shares:
        if target not in targets:
            raise reference_error(
                f"{path}.next.{target}", f"unknown destination '{target}'; {expected}"
            )


def _check_stays(path: str, stays: StaysByNext | None, shares: Mapping[str, float]) -> None:
    for target in stays or {}:
        if target not in shares:
            raise reference_error(
                f"{path}.duration_by_next.{target}",
                f"'{target}' is not where these patients go next; expected one of "
                f"{_listing(shares)}",
            )


def _destinations(services: Iterable[str], exits: Iterable[str]) -> str:
    if not exits:
        return f"'exit' or one of {_listing(services)}"
    return f"'exit', an exit ({_listing(exits)}) or a service ({_listing(services)})"


def _listing(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join(f"'{n}'" for n in names) if names else "(none defined)"
