"""Value types of the config language: durations, rates, probabilities, distributions, rotas.

Each is validated into an engine value before the clock starts: durations become hours, rates
become events per hour, distributions become :mod:`sim.distributions` objects, rotas become
:class:`sim.calendar.Rota`.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from caresim.sim import distributions as dist
from caresim.sim.calendar import Rota
from caresim.sim.units import parse_duration, parse_rate, parse_variance

__all__ = [
    "reference_error",
    "Count",
    "DistributionSpec",
    "Duration",
    "Frozen",
    "Probability",
    "Rate",
    "RotaHours",
    "RotaName",
    "Shares",
    "Variance",
]


def reference_error(path: str, message: str, related: tuple[str, ...] = ()) -> PydanticCustomError:
    """A validation error at a key path the validator names itself (checks across sections).

    ``related`` are the other key paths the problem involves, so that it can be blamed on
    whichever file (or ``--set``) changed one of them last.
    """
    return PydanticCustomError(
        "config_reference",
        "{message}",
        {"path": path, "message": message, "related": ",".join(related)},
    )


def _concrete(annotation: Any) -> list[Any]:
    """The types an annotation allows, through Annotated, unions and Optional."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _concrete(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _concrete(arg)]
    return [annotation]


def _plain_number_problem(annotation: Any, value: Any, key: str) -> tuple[str, str] | None:
    """(key, what is wrong) if ``value`` is a boolean or a non-finite number where the
    annotation wants a number; looks inside tables and lists of numbers."""
    kinds = _concrete(annotation)
    numeric = any(tp in (int, float) for tp in kinds) and bool not in kinds
    if numeric and isinstance(value, bool):
        return key, f"expected a number, not {str(value).lower()}"
    if numeric and isinstance(value, float) and not math.isfinite(value):
        return key, f"expected a finite number, got {value}"
    for tp in kinds:
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is dict and isinstance(value, dict) and len(args) == 2:
            for name, item in value.items():
                found = _plain_number_problem(args[1], item, f"{key}.{name}")
                if found:
                    return found
        if origin in (list, tuple) and isinstance(value, list | tuple) and args:
            for index, item in enumerate(value):
                found = _plain_number_problem(args[0], item, f"{key}[{index}]")
                if found:
                    return found
    return None


class Frozen(BaseModel):
    """Base of every config object: immutable, and unknown keys are errors.

    A number is never read from ``true`` or ``false`` (``headcount: true`` is not 1), nor is
    ``.nan`` or ``.inf`` accepted where a number is expected.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                key = field.alias or name
                if key in data:
                    found = _plain_number_problem(field.annotation, data[key], key)
                    if found:
                        raise PydanticCustomError(
                            "plain_number",
                            "{key}: {message}",
                            {"key": found[0], "message": found[1]},
                        )
        return data


#: The longest duration and the highest rate a config may give: past these a run cannot end.
MAX_HOURS = 1000 * 8760.0
MAX_RATE_PER_HOUR = 1e9


#: A number written with thousands separators, which YAML reads as text: "12,000", "1,234.5".
_GROUPED = re.compile(r"(?<![\d.,])[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,.])")


def _ungrouped(value: Any) -> Any:
    """Text with its numbers' thousands separators dropped ("1,800 per 1,000 years")."""
    if isinstance(value, str):
        return _GROUPED.sub(lambda match: match.group(0).replace(",", ""), value)
    return value


def _parsed(parse: Callable[[Any], float], value: Any) -> float:
    """``parse`` of ``value`` with its thousands separators dropped; a refusal quotes ``value``
    as written."""
    try:
        return parse(_ungrouped(value))
    except ValueError:
        return parse(value)  # refused again, now quoting what the user wrote


def _count(value: Any) -> Any:
    """A whole number, also when written with thousands separators (``registered: 12,000``)."""
    plain = _ungrouped(value)
    if isinstance(plain, str) and re.fullmatch(r"\s*[+-]?\d+\s*", plain):
        return int(plain)
    return value  # refused as written


def _duration(value: Any) -> float:
    hours = _parsed(parse_duration, value)
    if not hours <= MAX_HOURS:
        raise ValueError(f"expected a duration of at most 1000 years, got {value!r}")
    return hours


def _rate(value: Any) -> float:
    per_hour = _parsed(parse_rate, value)
    if not per_hour <= MAX_RATE_PER_HOUR:
        raise ValueError(
            f"expected a rate of at most {MAX_RATE_PER_HOUR:g} per hour, got {value!r}"
        )
    return per_hour


Count = Annotated[
    int,
    BeforeValidator(_count),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer"},
                {"type": "string", "pattern": r"^\s*[+-]?\d{1,3}(,\d{3})*\s*$"},
            ],
            "description": "a whole number, e.g. 12000 or '12,000'",
        }
    ),
]
"""A whole number; thousands separators are allowed (``12,000``), as YAML would read it as text."""


Duration = Annotated[
    float,
    BeforeValidator(_duration),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[0-9.,eE+]+\s*(min|mins|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|y|yrs?|years?)\s*$",
            "description": "a duration with a unit, e.g. '10 min', '8 hours', '3 days'",
        }
    ),
]
"""A non-negative duration written with a unit; held in hours."""

Rate = Annotated[
    float,
    BeforeValidator(_rate),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*(([0-9.,eE+]+\s*(per|/)\s*([0-9.,eE+]+\s*)?)|([Ee]very\s+[0-9.,eE+]+\s*))[A-Za-z]+\s*$",
            "description": "a rate with a unit, e.g. '2.7 per hour', '5.8 per year', or by the "
            "interval between arrivals, '1 per 9.3 days' or 'every 9.3 days'",
        }
    ),
]
"""A non-negative rate written with a unit; held in events per hour."""


def _variance(value: Any) -> float:
    return parse_variance(value)


Variance = Annotated[
    float,
    BeforeValidator(_variance),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[0-9.eE+]+\s*[A-Za-z]+\s*(\^\s*2|²)\s*$",
            "description": "a variance of durations in a squared unit, e.g. '3 min^2'",
        }
    ),
]
"""A non-negative variance of durations, written in a squared unit; held in hours squared."""

Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
"""A probability or share, between 0 and 1."""


def check_shares(shares: dict[str, float]) -> dict[str, float]:
    """Raise ``ValueError`` unless the shares are not empty and sum to one."""
    if not shares:
        raise ValueError("expected at least one share")
    total = sum(shares.values())
    if abs(total - 1.0) > dist.SHARES_TOLERANCE:
        raise ValueError(f"shares must sum to 1, got {total:g}")
    return shares


Shares = Annotated[dict[str, Probability], AfterValidator(check_shares)]
"""Shares of a whole by name, e.g. routing ``{exit: 0.7, review: 0.3}``; they sum to 1."""


# -- distributions --------------------------------------------------------------------------------
class _Dist(Frozen):
    min: Duration | None = Field(
        None, description="optional: the least value; the distribution is truncated there"
    )
    max: Duration | None = Field(
        None, description="optional: the greatest value; the distribution is truncated there"
    )

    def untruncated(self) -> dist.Distribution:
        """The engine distribution before any truncation, in hours."""
        raise NotImplementedError

    def build(self) -> dist.Distribution:
        """The engine distribution, in hours (truncated to ``[min, max]`` when given)."""
        base = self.untruncated()
        if self.min is None and self.max is None and not isinstance(base, dist.Normal):
            return base
        low = 0.0 if self.min is None else self.min
        high = math.inf if self.max is None else self.max
        return dist.Truncated(base, low, high)

    @model_validator(mode="after")
    def _check(self):
        # Parameter relations (low < high, ...) are checked by the engine's own constructors.
        try:
            self.build()
        except ValueError as error:
            raise ValueError(str(error)) from None
        return self


class _Spread(_Dist):
    """A distribution given by its mean and either its standard deviation or its variance."""

    mean: Duration
    sd: Duration | None = None
    variance: Variance | None = Field(
        None, description="instead of sd, as some papers give it, e.g. '3 min^2'"
    )

    @model_validator(mode="before")
    @classmethod
    def _sd_or_variance(cls, data: Any) -> Any:
        if isinstance(data, dict) and (("sd" in data) == ("variance" in data)):
            raise ValueError("expected either 'sd' or 'variance', not both and not neither")
        return data

    @property
    def spread(self) -> float:
        """The standard deviation in hours, from ``sd`` or ``variance``."""
        if self.sd is not None:
            return self.sd
        assert self.variance is not None
        return math.sqrt(self.variance)


class ExponentialSpec(_Dist):
    """Exponential durations: memoryless, as in the textbook M/M/c queue."""

    distribution: Literal["exponential"]
    mean: Duration

    def untruncated(self) -> dist.Distribution:
        return dist.Exponential(self.mean)


class LognormalSpec(_Spread):
    """Lognormal durations by their mean and sd or variance (typical of lengths of stay)."""

    distribution: Literal["lognormal"]

    def untruncated(self) -> dist.Distribution:
        return dist.Lognormal(self.mean, self.spread)


class GammaSpec(_Spread):
    """Gamma durations by mean and sd or variance."""

    distribution: Literal["gamma"]

    def untruncated(self) -> dist.Distribution:
        return dist.Gamma(self.mean, self.spread)


class NormalSpec(_Spread):
    """Normal durations by mean and sd or variance, always truncated: at ``min``, or else zero."""

    distribution: Literal["normal"]

    def untruncated(self) -> dist.Distribution:
        return dist.Normal(self.mean, self.spread)


class TriangularSpec(_Dist):
    """Triangular durations: least, most likely and greatest."""

    distribution: Literal["triangular"]
    low: Duration
    mode: Duration
    high: Duration

    def untruncated(self) -> dist.Distribution:
        return dist.Triangular(self.low, self.mode, self.high)


class UniformSpec(_Dist):
    """Durations spread evenly between low and high."""

    distribution: Literal["uniform"]
    low: Duration
    high: Duration

    def untruncated(self) -> dist.Distribution:
        return dist.Uniform(self.low, self.high)


class FixedSpec(_Dist):
    """A duration that never varies."""

    distribution: Literal["fixed"]
    value: Duration

    def untruncated(self) -> dist.Distribution:
        return dist.Fixed(self.value)


class TableRow(Frozen):
    """One row of an empirical frequency table: durations between ``low`` and ``high``."""

    low: Duration
    high: Duration
    weight: float = Field(ge=0.0, allow_inf_nan=False)


class EmpiricalSpec(_Dist):
    """Durations resampled from observed values (``samples``) or from a frequency ``table``."""

    distribution: Literal["empirical"]
    samples: tuple[Duration, ...] | None = None
    table: tuple[TableRow, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and (("samples" in data) == ("table" in data)):
            raise ValueError(
                "an empirical distribution needs either 'samples' or 'table', not both"
            )
        return data

    def untruncated(self) -> dist.Distribution:
        if self.samples is not None:
            return dist.Empirical(tuple(self.samples))
        assert self.table is not None
        return dist.EmpiricalTable(tuple((r.low, r.high, r.weight) for r in self.table))


DistributionSpec = Annotated[
    ExponentialSpec
    | LognormalSpec
    | GammaSpec
    | NormalSpec
    | TriangularSpec
    | UniformSpec
    | FixedSpec
    | EmpiricalSpec,
    Field(discriminator="distribution"),
]
"""A duration distribution, chosen by its ``distribution`` key."""


# -- rotas ----------------------------------------------------------------------------------------
_SHIFT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(next day)?\s*$")


def _shift(text: Any, day: str) -> Any:
    """A shift as the engine reads it: the end after the start, or explicitly the next day."""
    match = _SHIFT.match(text) if isinstance(text, str) else None
    if match is None:
        return text  # 'off', or not a shift: the rota's own check says what is expected
    h1, m1, h2, m2 = (int(g) for g in match.groups()[:4])
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if max(m1, m2) > 59 or max(start, end) > 24 * 60:
        raise ValueError(f"{day}: '{text}': expected times of day from 00:00 to 24:00")
    overnight = match.group(5) is not None
    if overnight and end >= start:
        raise ValueError(f"{day}: '{text}' ends after it starts; drop 'next day'")
    if not overnight and end == start:
        raise ValueError(
            f"{day}: '{text}' ends when it starts; for a whole day write '00:00-24:00'"
        )
    if not overnight and end < start:
        raise ValueError(
            f"{day}: '{text}' ends before it starts; for a night shift write "
            f"'{text.strip()} next day'"
        )
    return text.replace("next day", "").strip()


def _check_rota(hours: Any) -> Any:
    if isinstance(hours, dict):
        hours = {
            # `sat: off` unquoted is YAML's false: the day off the rota says
            day: "off"
            if value is False
            else [_shift(t, day) for t in value]
            if isinstance(value, list)
            else _shift(value, day)
            for day, value in hours.items()
        }
    return hours


def _build_rota(hours: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    Rota.from_hours(hours)  # raises ValueError with what was expected
    return hours


RotaHours = Annotated[
    dict[str, str | list[str]],
    BeforeValidator(_check_rota),
    AfterValidator(_build_rota),
    Field(description="working hours by day, e.g. {mon-fri: '08:00-18:30', sat: '09:00-12:00'}"),
]
"""Working hours by day; keys are days (monday, mon), ranges (mon-fri), weekdays, weekends or
every_day; values are 'HH:MM-HH:MM' (the end after the start), 'HH:MM-HH:MM next day' (a night
shift), a list of them, or 'off'."""


def _rota_name(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("24/7", "always"):
        return "24/7"
    return value


RotaName = Annotated[
    str,
    BeforeValidator(_rota_name),
    Field(description="the name of a rota in 'rotas', or '24/7'"),
]
