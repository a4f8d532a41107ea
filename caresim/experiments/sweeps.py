"""Scenarios generated from a sweep: a grid, one parameter at a time, or a Latin hypercube.

A sweep varies config paths (``staff.gp.headcount``, ``services.clinic.duration.mean``) and yields
one scenario per point, named ``<prefix>_001``, ``<prefix>_002``, ... in a stable order, each with
the overrides it sets. Values are applied as written, so a duration keeps its unit.

A Latin hypercube draws ``n`` points from ranges ``[low, high]``: each range is cut into ``n``
equal strata and every stratum is used once per parameter. Whole numbers at both ends make a
whole-number parameter, drawn evenly from low to high inclusive; durations (``["2 days", "6 days"]``)
and rates (``["2 per hour", "3 per hour"]``) are interpolated in hours (or per hour) and written
back in the unit of the range's low end, to six significant figures.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from caresim.sim.units import HOURS_PER_UNIT, UnitError, canonical_unit, parse_duration, parse_rate

__all__ = [
    "GeneratedScenario",
    "Quantity",
    "grid",
    "latin_hypercube",
    "one_at_a_time",
    "read_quantity",
    "read_range",
    "scenario_names",
]

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*(per\s+|/\s*)?([A-Za-z]+)\s*$")


@dataclass(frozen=True)
class GeneratedScenario:
    """One point of a sweep: its name and the config paths it sets, in the sweep's order."""

    name: str
    overrides: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Quantity:
    """One end of a range: a plain number, or a duration or rate with its unit.

    ``base`` is the value in the engine's units: hours for a duration, events per hour for a rate.
    """

    kind: str  # "number", "integer", "duration" or "rate"
    base: float
    unit: str | None = None

    def write(self, base: float) -> Any:
        """A value of this kind, given in base units, written as a config would write it."""
        if self.kind == "integer":
            return int(base)
        if self.kind == "number":
            return float(f"{base:.6g}")
        assert self.unit is not None, "a duration or a rate has a unit"
        if self.kind == "duration":
            return f"{base / HOURS_PER_UNIT[self.unit]:.6g} {self.unit}"
        return f"{base * HOURS_PER_UNIT[self.unit]:.6g} per {self.unit.rstrip('s')}"


def read_quantity(value: Any) -> Quantity:
    """Read one end of a Latin-hypercube range; raise ``ValueError`` saying what was expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, a duration or a rate, got {value!r}")
    if isinstance(value, int):
        return Quantity("integer", float(value))
    if isinstance(value, float):
        if not np.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        return Quantity("number", value)
    if isinstance(value, str):
        match = _QUANTITY.match(value)
        if match:
            try:
                if match.group(2):
                    return Quantity("rate", parse_rate(value), canonical_unit(match.group(3)))
                return Quantity("duration", parse_duration(value), canonical_unit(match.group(3)))
            except UnitError as error:
                raise ValueError(str(error)) from None
    raise ValueError(
        "expected a number, a duration such as '2 days' or a rate such as '3 per hour', "
        f"got {value!r}"
    )


def read_range(bounds: Sequence[Any]) -> tuple[Quantity, Quantity]:
    """Both ends of a range, checked to be of one kind with ``low < high``."""
    low, high = (read_quantity(b) for b in bounds)
    kinds = {low.kind, high.kind}
    if kinds == {"integer", "number"}:
        low, high = Quantity("number", low.base), Quantity("number", high.base)
    elif len(kinds) > 1:
        raise ValueError(f"expected both ends of one kind, got a {low.kind} and a {high.kind}")
    if not low.base < high.base:
        raise ValueError(f"expected low < high, got [{bounds[0]!r}, {bounds[1]!r}]")
    return low, high


def scenario_names(prefix: str, count: int) -> list[str]:
    """``prefix_001`` ... : zero-padded to at least three digits so that names sort in order."""
    width = max(3, len(str(count)))
    return [f"{prefix}_{i:0{width}d}" for i in range(1, count + 1)]


def grid(prefix: str, parameters: Mapping[str, Sequence[Any]]) -> list[GeneratedScenario]:
    """Every combination of the listed values; the last parameter varies fastest."""
    paths = list(parameters)
    points = list(itertools.product(*(parameters[p] for p in paths)))
    return [
        GeneratedScenario(name, tuple(zip(paths, point, strict=True)))
        for name, point in zip(scenario_names(prefix, len(points)), points, strict=True)
    ]


def one_at_a_time(prefix: str, parameters: Mapping[str, Sequence[Any]]) -> list[GeneratedScenario]:
    """Each parameter through its values in turn, the others left at the base config's."""
    points = [((path, value),) for path, values in parameters.items() for value in values]
    return [
        GeneratedScenario(name, point)
        for name, point in zip(scenario_names(prefix, len(points)), points, strict=True)
    ]


def latin_hypercube(
    prefix: str, parameters: Mapping[str, Sequence[Any]], n: int, seed: int
) -> list[GeneratedScenario]:
    """``n`` points whose values, per parameter, fall once in each of ``n`` equal strata.

    The design depends only on ``seed``, ``n`` and the parameters in their order.
    """
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    columns: list[list[Any]] = []
    for bounds in parameters.values():
        low, high = read_range(bounds)
        # a point in [0, 1): stratum (permuted) plus a uniform offset inside it
        unit = (rng.permutation(n) + rng.random(n)) / n
        if low.kind == "integer":
            span = int(high.base) - int(low.base) + 1
            values = [low.write(int(low.base) + min(int(u * span), span - 1)) for u in unit]
        else:
            values = [low.write(low.base + u * (high.base - low.base)) for u in unit]
        columns.append(values)
    paths = list(parameters)
    return [
        GeneratedScenario(name, tuple((path, columns[j][i]) for j, path in enumerate(paths)))
        for i, name in enumerate(scenario_names(prefix, n))
    ]
