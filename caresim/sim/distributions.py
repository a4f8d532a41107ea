"""Probability distributions of durations (in hours) with an analytic mean and variance.

Each distribution checks its parameters when made and can never produce a negative time. A
:func:`draws` binds one to a random stream and hands out values one at a time from blocks
drawn in bulk, which keeps random-number generation out of the simulation's inner loop.

Papers give times as they found them: a normal examination time "of at least 0.5 minutes", a stay
cut at a year. :class:`Truncated` keeps any distribution within ``[low, high]``; its mean and
variance are those of the truncated form, from each distribution's ``partial_moment``.
:class:`Normal` is only a duration once truncated at zero or above.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from scipy.special import gammainc, gammaln, ndtr

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
    "Normal",
    "Truncated",
    "Triangular",
    "Uniform",
    "draws",
    "sampler",
]

SHARES_TOLERANCE = 1e-6  # how far from one the shares of a choice may sum, as a config gives them
BLOCK = 1024  # values drawn at a time; part of a stream's definition, so it never varies


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number greater than zero, got {value!r}")


def _non_negative(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number, zero or more, got {value!r}")


class Distribution:
    """Base of the duration distributions.

    Each has ``draw(rng, size)``, and an analytic ``mean`` and ``variance``: a parameter or a
    property. They are declared for the type checker only: at run time a property here would
    become the default of a subclass's dataclass field of the same name.
    """

    if TYPE_CHECKING:

        @property
        def mean(self) -> float: ...

        @property
        def variance(self) -> float: ...

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent values."""
        raise NotImplementedError

    def partial_moment(self, k: int, low: float, high: float) -> float:
        """``E[X**k; low <= X <= high]``: the k-th moment of the part within the bounds."""
        raise NotImplementedError(f"{type(self).__name__} cannot be truncated")


def _phi(z: float) -> float:
    return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) if math.isfinite(z) else 0.0


def _z_phi(z: float) -> float:
    """``z * phi(z)``, zero at either infinity."""
    return z * _phi(z) if math.isfinite(z) else 0.0


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _piecewise_moment(
    pieces: Sequence[tuple[float, float, float, float]], k: int, low: float, high: float
) -> float:
    """``E[X**k]`` over ``[low, high]`` of a density ``p + q*x`` on each piece ``(a, b, p, q)``."""
    total = 0.0
    for a, b, p, q in pieces:
        lo, hi = max(a, low), min(b, high)
        if hi > lo:
            total += p * (hi ** (k + 1) - lo ** (k + 1)) / (k + 1)
            total += q * (hi ** (k + 2) - lo ** (k + 2)) / (k + 2)
    return total


def _point_moment(values: Sequence[float], weights: Sequence[float], k, low, high) -> float:
    return float(sum(w * v**k for v, w in zip(values, weights, strict=True) if low <= v <= high))


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential durations with the given mean."""

    mean: float

    def __post_init__(self) -> None:
        _positive("exponential mean", self.mean)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)

    def partial_moment(self, k: int, low: float, high: float) -> float:
        return Gamma(self.mean, self.mean).partial_moment(k, low, high)

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        mu, sigma = self._log_params
        shift = mu + k * sigma * sigma
        within = ndtr((_log(high) - shift) / sigma) - ndtr((_log(low) - shift) / sigma)
        return float(math.exp(k * mu + (k * sigma) ** 2 / 2.0) * within)

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        shape, scale = (self.mean / self.sd) ** 2, self.sd**2 / self.mean
        lower = gammainc(shape + k, max(low, 0.0) / scale)
        upper = gammainc(shape + k, high / scale) if math.isfinite(high) else 1.0
        factor = math.exp(gammaln(shape + k) - gammaln(shape)) * scale**k
        return float(factor * (upper - lower))

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        a, c, b = self.low, self.mode, self.high
        pieces = []
        if c > a:  # rising from 0 at a to 2/(b-a) at c
            slope = 2.0 / ((b - a) * (c - a))
            pieces.append((a, c, -a * slope, slope))
        if b > c:  # falling to 0 at b
            slope = -2.0 / ((b - a) * (b - c))
            pieces.append((c, b, -b * slope, slope))
        return _piecewise_moment(pieces, k, low, high)

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        density = 1.0 / (self.high - self.low)
        return _piecewise_moment([(self.low, self.high, density, 0.0)], k, low, high)

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        return _point_moment([float(self.value)], [1.0], k, low, high)

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        weight = 1.0 / len(self.samples)
        return _point_moment(self.samples, [weight] * len(self.samples), k, low, high)

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

    def partial_moment(self, k: int, low: float, high: float) -> float:
        rows = zip(self._probabilities, self.rows, strict=True)
        pieces, points, weights = [], [], []
        for p, (a, b, _) in rows:
            if b > a:
                pieces.append((a, b, p / (b - a), 0.0))
            else:
                points.append(a)
                weights.append(p)
        return _piecewise_moment(pieces, k, low, high) + _point_moment(
            points, weights, k, low, high
        )

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
class Normal(Distribution):
    """Normally distributed values; a duration only inside :class:`Truncated` at zero or above."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        if not (isinstance(self.mean, int | float) and math.isfinite(self.mean)):
            raise ValueError(f"normal mean must be a finite number, got {self.mean!r}")
        _positive("normal sd", self.sd)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.normal(self.mean, self.sd, size)

    @property
    def variance(self) -> float:
        return self.sd**2

    def partial_moment(self, k: int, low: float, high: float) -> float:
        m, s = self.mean, self.sd
        alpha, beta = (low - m) / s, (high - m) / s
        within = float(ndtr(beta) - ndtr(alpha))
        if k == 0:
            return within
        if k == 1:
            return m * within + s * (_phi(alpha) - _phi(beta))
        if k == 2:
            tails = m * (_phi(alpha) - _phi(beta)) * 2.0 * s + s * s * (
                _z_phi(alpha) - _z_phi(beta)
            )
            return (m * m + s * s) * within + tails
        raise ValueError("only the first two moments of a normal are needed")


MIN_KEPT = 1e-3  # a truncation keeping less of a distribution than this is surely a mistake


@dataclass(frozen=True)
class Truncated(Distribution):
    """A distribution kept within ``[low, high]``: values outside are drawn again.

    The mean and variance are the truncated form's, ``E[X | low <= X <= high]``, not the base's.
    """

    base: Distribution
    low: float = 0.0
    high: float = math.inf
    _kept: float = field(init=False, repr=False, compare=False, default=1.0)

    def __post_init__(self) -> None:
        _non_negative("a truncation's min", self.low)
        if not (isinstance(self.high, int | float) and self.high > self.low):
            raise ValueError(f"a truncation needs min < max, got {self.low}, {self.high}")
        kept = self.base.partial_moment(0, self.low, self.high)
        if not kept >= MIN_KEPT:
            raise ValueError(
                f"min {self.low:g} and max {self.high:g} (hours) keep {kept:.2g} of the "
                f"distribution; expected bounds around its values"
            )
        object.__setattr__(self, "_kept", kept)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        kept: list[np.ndarray] = []
        wanted = size
        while wanted > 0:
            block = self.base.draw(rng, int(wanted / self._kept * 1.1) + 16)
            block = block[(block >= self.low) & (block <= self.high)]
            kept.append(block[:wanted])
            wanted -= len(kept[-1])
        return np.concatenate(kept)

    @property
    def mean(self) -> float:
        return self.base.partial_moment(1, self.low, self.high) / self._kept

    @property
    def variance(self) -> float:
        second = self.base.partial_moment(2, self.low, self.high) / self._kept
        return max(second - self.mean**2, 0.0)

    def partial_moment(self, k: int, low: float, high: float) -> float:
        lo, hi = max(low, self.low), min(high, self.high)
        return self.base.partial_moment(k, lo, hi) / self._kept if hi >= lo else 0.0


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


def draws(
    dist: Distribution | DiscreteChoice,
    rng: np.random.Generator,
    then: Callable[[list], list] | None = None,
) -> Callable[[], Any]:
    """One value of ``dist`` per call, handed out in the order drawn from blocks of ``BLOCK``
    values, each drawn from ``rng`` when the one before runs out (``then`` maps each block first).

    The callable is a built-in iterator's ``__next__``: a value costs no Python call of its own,
    and draws are the engine's most frequent call after the clock's.
    """

    def blocks() -> Iterator[list]:
        while True:
            block = dist.draw(rng, BLOCK).tolist()
            yield block if then is None else then(block)

    return chain.from_iterable(blocks()).__next__


@overload
def sampler(dist: DiscreteChoice, rng: np.random.Generator) -> Callable[[], int]: ...


@overload
def sampler(dist: Distribution, rng: np.random.Generator) -> Callable[[], float]: ...


def sampler(
    dist: Distribution | DiscreteChoice, rng: np.random.Generator
) -> Callable[[], float] | Callable[[], int]:
    """A callable giving one value per call: a constant for :class:`Fixed`, else :func:`draws`."""
    if isinstance(dist, Fixed):
        return repeat(float(dist.value)).__next__
    return draws(dist, rng)


def choice_of(options: Iterable[str], probabilities: Iterable[float]) -> DiscreteChoice:
    """A :class:`DiscreteChoice` from any sequences."""
    values = tuple(float(p) for p in probabilities)
    total = sum(values)
    # Shares a config gives rounded (a third as 0.3333333) are made to sum to one; those
    # that already do to rounding are kept as given, so that their draws stay the same.
    if 1e-9 < abs(total - 1.0) <= SHARES_TOLERANCE:
        values = tuple(p / total for p in values)
    return DiscreteChoice(tuple(options), values)
