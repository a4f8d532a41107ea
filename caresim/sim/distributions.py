"""Probability distributions of durations (in hours) with an analytic mean and variance.

Each distribution checks its parameters when made and can never produce a negative time. A
:class:`Sampler` binds one to a random stream and hands out values one at a time from blocks
drawn in bulk, which keeps random-number generation out of the simulation's inner loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DiscreteChoice",
    "Distribution",
    "Empirical",
    "EmpiricalTable",
    "Exponential",
    "Fixed",
    "Gamma",
    "Geometric",
    "Lognormal",
    "Sampler",
    "Triangular",
    "Uniform",
    "sampler",
]

BLOCK = 1024  # values drawn at a time; part of a stream's definition, so it never varies


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number greater than zero, got {value!r}")


def _non_negative(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number, zero or more, got {value!r}")


class Distribution:
    """Base of the duration distributions.

    Each has ``draw(rng, size)``, and an analytic ``mean`` and ``variance`` (a parameter or a
    property, so they are not declared here, where they would shadow the dataclass fields).
    """

    mean: float
    variance: float

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent values."""
        raise NotImplementedError


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential durations with the given mean."""

    mean: float

    def __post_init__(self) -> None:
        _positive("exponential mean", self.mean)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)

    @property
    def variance(self) -> float:
        return self.mean**2


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal durations given by their own mean and standard deviation (not the log's)."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        _positive("lognormal mean", self.mean)
        _positive("lognormal sd", self.sd)

    @property
    def _log_params(self) -> tuple[float, float]:
        m, s = self.mean, self.sd
        sigma2 = math.log1p((s / m) ** 2)
        return math.log(m) - sigma2 / 2.0, math.sqrt(sigma2)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._log_params
        return rng.lognormal(mu, sigma, size)

    @property
    def variance(self) -> float:
        return self.sd**2


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma durations given by mean and standard deviation (Erlang when (mean/sd)² is whole)."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        _positive("gamma mean", self.mean)
        _positive("gamma sd", self.sd)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = (self.mean / self.sd) ** 2
        return rng.gamma(shape, self.sd**2 / self.mean, size)

    @property
    def variance(self) -> float:
        return self.sd**2


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular durations between ``low`` and ``high`` with the most likely value ``mode``."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "mode", "high"):
            _non_negative(f"triangular {name}", getattr(self, name))
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"triangular needs low <= mode <= high and low < high, got "
                f"{self.low}, {self.mode}, {self.high}"
            )

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0


@dataclass(frozen=True)
class Uniform(Distribution):
    """Durations spread evenly between ``low`` and ``high``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _non_negative("uniform low", self.low)
        _non_negative("uniform high", self.high)
        if not self.low < self.high:
            raise ValueError(f"uniform needs low < high, got {self.low}, {self.high}")

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0


@dataclass(frozen=True)
class Fixed(Distribution):
    """A duration that is always the same."""

    value: float

    def __post_init__(self) -> None:
        _non_negative("fixed value", self.value)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, float(self.value))

    @property
    def mean(self) -> float:
        return float(self.value)

    @property
    def variance(self) -> float:
        return 0.0


@dataclass(frozen=True)
class Empirical(Distribution):
    """Durations resampled, each equally likely, from observed values."""

    samples: tuple[float, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "samples", tuple(float(x) for x in self.samples))
        if not self.samples:
            raise ValueError("empirical needs at least one sample")
        for x in self.samples:
            _non_negative("an empirical sample", x)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.samples), size)

    @property
    def mean(self) -> float:
        return float(np.mean(self.samples))

    @property
    def variance(self) -> float:
        return float(np.var(self.samples))


@dataclass(frozen=True)
class EmpiricalTable(Distribution):
    """Durations from a frequency table: rows ``(low, high, weight)``, uniform within a row.

    A row with ``low == high`` is a single value, so a table of exact values is also a table.
    """

    rows: tuple[tuple[float, float, float], ...]
    _probabilities: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = tuple((float(a), float(b), float(w)) for a, b, w in self.rows)
        object.__setattr__(self, "rows", rows)
        if not rows:
            raise ValueError("an empirical table needs at least one row")
        for low, high, weight in rows:
            _non_negative("a table row's low", low)
            _non_negative("a table row's weight", weight)
            if high < low:
                raise ValueError(f"a table row's high must not be below its low, got {low}, {high}")
        total = sum(w for _, _, w in rows)
        if total <= 0:
            raise ValueError("an empirical table's weights must not all be zero")
        object.__setattr__(self, "_probabilities", np.array([w / total for _, _, w in rows]))

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        lows = np.array([r[0] for r in self.rows])
        widths = np.array([r[1] - r[0] for r in self.rows])
        index = rng.choice(len(self.rows), size, p=self._probabilities)
        return lows[index] + widths[index] * rng.random(size)

    @property
    def mean(self) -> float:
        return float(
            sum(
                p * (a + b) / 2 for p, (a, b, _) in zip(self._probabilities, self.rows, strict=True)
            )
        )

    @property
    def variance(self) -> float:
        second = sum(
            p * (a * a + a * b + b * b) / 3
            for p, (a, b, _) in zip(self._probabilities, self.rows, strict=True)
        )
        return float(second - self.mean**2)


@dataclass(frozen=True)
class Geometric(Distribution):
    """Whole numbers 1, 2, 3, ... with the given mean (the number of trials to a first success)."""

    mean: float

    def __post_init__(self) -> None:
        if not (isinstance(self.mean, int | float) and math.isfinite(self.mean) and self.mean >= 1):
            raise ValueError(
                f"geometric mean must be a finite number of at least 1, got {self.mean!r}"
            )

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.geometric(1.0 / self.mean, size).astype(float)

    @property
    def variance(self) -> float:
        return self.mean * (self.mean - 1.0)


@dataclass(frozen=True)
class DiscreteChoice:
    """A choice among named options with given probabilities (a routing decision)."""

    options: tuple[str, ...]
    probabilities: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.options or len(self.options) != len(self.probabilities):
            raise ValueError("a choice needs as many probabilities as options, and at least one")
        if len(set(self.options)) != len(self.options):
            raise ValueError("a choice's options must be different")
        for p in self.probabilities:
            if not (math.isfinite(p) and 0.0 <= p <= 1.0):
                raise ValueError(f"a probability must be between 0 and 1, got {p}")
        if abs(sum(self.probabilities) - 1.0) > 1e-9:
            raise ValueError(f"probabilities must sum to 1, got {sum(self.probabilities):g}")

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Indices into ``options``."""
        return rng.choice(len(self.options), size, p=np.asarray(self.probabilities))

    def probability(self, option: str) -> float:
        """The probability of one option (zero if it is not among them)."""
        try:
            return self.probabilities[self.options.index(option)]
        except ValueError:
            return 0.0


class Sampler:
    """Hands out one value at a time from a distribution, drawing blocks from its own stream."""

    __slots__ = ("_buffer", "_dist", "_rng")

    def __init__(self, dist: Distribution | DiscreteChoice, rng: np.random.Generator) -> None:
        self._dist = dist
        self._rng = rng
        self._buffer: list = []

    def __call__(self):
        try:
            return self._buffer.pop()
        except IndexError:
            # Reversed so that pop() hands the block out in the order it was drawn.
            self._buffer = self._dist.draw(self._rng, BLOCK)[::-1].tolist()
            return self._buffer.pop()


def sampler(dist: Distribution | DiscreteChoice, rng: np.random.Generator) -> Callable[[], float]:
    """A callable giving one value per call: a constant for :class:`Fixed`, else a :class:`Sampler`."""
    if isinstance(dist, Fixed):
        value = float(dist.value)
        return lambda: value
    return Sampler(dist, rng)


def choice_of(options: Sequence[str], probabilities: Sequence[float]) -> DiscreteChoice:
    """A :class:`DiscreteChoice` from any sequences."""
    return DiscreteChoice(tuple(options), tuple(float(p) for p in probabilities))
