"""How many replications: fixed, or chosen by the confidence-interval method with a look-ahead.

The automatic rule is the replication algorithm of Hoad, Robinson & Davies (2010), "Automated
selection of the number of replications for a discrete-event simulation", Journal of the
Operational Research Society 61, 1632-1644. After ``initial`` replications, the precision of each
chosen measure is the half-width of its 95% t-interval over the first ``n`` replications divided by
the absolute mean. The first ``n`` at which every measure's precision is within the target is a
candidate, ``n_sol``; it is accepted once the precision also stays within the target for the next
``f(look_ahead, n_sol)`` replications (``look_ahead`` while ``n_sol <= 100``, then
``floor(look_ahead * n_sol / 100)``), otherwise the search goes on. ``maximum`` replications end
it regardless.

The decision reads only the results of replications ``0 .. n-1`` in replication order, so it is
the same whatever order replications finish in, on whatever backend, and after resuming.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "AutomaticRule",
    "Decision",
    "decide",
    "look_ahead_length",
    "relative_half_width",
    "relative_half_widths",
]


@dataclass(frozen=True)
class AutomaticRule:
    """The parameters of the automatic rule."""

    initial: int = 3
    maximum: int = 100
    precision: float = 0.05
    look_ahead: int = 5


@dataclass(frozen=True)
class Decision:
    """Where the rule stands given the replications finished so far.

    ``done``: whether to stop. When done, ``replications`` is how many to use (``needed`` plus the
    look-ahead that confirmed it), ``needed`` the first number at which the precision was met and
    held (None if never), and ``stopped`` is ``"precision"`` or ``"maximum"``. When not done,
    ``replications`` is how many must be finished before the rule can next decide.
    ``precision`` is the worst relative half-width over the measures at ``replications``
    (at the last number examined when not done).
    """

    done: bool
    replications: int
    needed: int | None
    stopped: str | None
    precision: float


def look_ahead_length(look_ahead: int, n_sol: int) -> int:
    """Replications that must confirm a candidate ``n_sol`` (Hoad et al.'s f(kLimit, Nsol))."""
    return look_ahead if n_sol <= 100 else math.floor(look_ahead * n_sol / 100)


def relative_half_widths(values: Sequence[float]) -> np.ndarray:
    """The relative half-width over the first n values, for n = 1 .. len(values).

    Each is the half-width of the 95% t-interval over |mean|: 0 if the values are all equal, inf
    where undefined (fewer than two values, or a mean of zero with some spread). Values that are
    not numbers are left out, as in :func:`caresim.runs.stats.t_interval`.
    """
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    # centring on one of the values keeps a constant series exactly constant (spread 0)
    shift = x[finite][0] if finite.any() else 0.0
    centred = np.where(finite, x - shift, 0.0)
    count = np.cumsum(finite)
    total = np.cumsum(centred)
    squares = np.cumsum(centred * centred)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
        spread = np.maximum(squares - total * mean, 0.0) / (count - 1)
        quantile = stats.t.ppf(0.975, np.maximum(count - 1, 1))
        half = quantile * np.sqrt(spread / count)
        centre = np.abs(mean + shift)
        relative = np.where(half == 0, 0.0, half / centre)
    relative = np.where(np.isnan(relative), np.inf, relative)
    return np.where(count < 2, np.inf, relative)


def relative_half_width(values: Sequence[float]) -> float:
    """The relative half-width of the 95% t-interval over all the values."""
    return float(relative_half_widths(values)[-1]) if len(values) else math.inf


def decide(measures: Sequence[Sequence[float]], rule: AutomaticRule) -> Decision:
    """Apply the rule to the values of each chosen measure, in replication order.

    Every sequence in ``measures`` holds the values of one measure for replications 0, 1, ...;
    all are as long as the number of replications finished (a contiguous prefix).
    """
    available = min((len(values) for values in measures), default=0)
    last = min(available, rule.maximum)
    worst = np.zeros(last)
    for values in measures:
        worst = np.maximum(worst, relative_half_widths(values[:last]))

    candidate: int | None = None
    precision = math.inf
    n = rule.initial
    while n <= last:
        precision = float(worst[n - 1])
        if precision <= rule.precision:
            if candidate is None:
                candidate = n
            if n - candidate >= look_ahead_length(rule.look_ahead, candidate):
                return Decision(True, n, candidate, "precision", precision)
        else:
            candidate = None
        if n == rule.maximum:
            return Decision(True, n, None, "maximum", precision)
        n += 1
    wanted = n if candidate is None else candidate + look_ahead_length(rule.look_ahead, candidate)
    return Decision(False, min(wanted, rule.maximum), None, None, precision)
