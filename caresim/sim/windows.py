"""Daily time windows: the times of day in which a task is due, the same every day.

A task with windows ``08:00-09:00`` and ``16:30-17:30`` (an insulin injection before breakfast and
before the evening meal) is due when a window opens and late once it closes. A task that recurs
is planned an interval after the last one fell due and lands in the window nearest that time.
Time is in hours from the start of the run, which is midnight.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from caresim.sim.calendar import HOURS_PER_DAY

__all__ = ["DailyWindows", "parse_window"]

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_window(text: str) -> tuple[float, float]:
    """Opening and closing of ``"08:00-09:00"`` in hours after midnight (``24:00`` is midnight).

    A window lies within one day: it closes after it opens, at midnight at the latest.
    """
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError(f"expected a time window as 'HH:MM-HH:MM', got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    opens, closes = h1 + m1 / 60.0, h2 + m2 / 60.0
    if m1 > 59 or m2 > 59 or opens >= HOURS_PER_DAY or closes > HOURS_PER_DAY:
        raise ValueError(f"not a time of day in {text!r}")
    if closes <= opens:
        raise ValueError(f"window {text!r} closes before it opens; a window lies within one day")
    return opens, closes


@dataclass(frozen=True)
class DailyWindows:
    """Windows in the day, as (opens, closes) hours after midnight, in order and apart."""

    windows: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError("at least one window is needed")
        for (_, closes), (opens, _) in zip(self.windows, self.windows[1:], strict=False):
            if opens < closes:
                raise ValueError("windows must be in order of the day and must not overlap")

    @classmethod
    def parse(cls, texts: Sequence[str]) -> DailyWindows:
        """Windows from texts such as ``["08:00-09:00", "16:30-17:30"]``."""
        return cls(tuple(parse_window(text) for text in texts))

    @classmethod
    def whole_day(cls) -> DailyWindows:
        """One window from midnight to midnight: a task due on its day, at any time."""
        return cls(((0.0, HOURS_PER_DAY),))

    def _around(self, first_day: int, last_day: int) -> list[tuple[float, float]]:
        return [
            (day * HOURS_PER_DAY + opens, day * HOURS_PER_DAY + closes)
            for day in range(first_day, last_day + 1)
            for opens, closes in self.windows
        ]

    def next_due(self, now: float, planned: float, after: float = -math.inf) -> tuple[float, float]:
        """When a task planned for time ``planned`` falls due, and when its window closes.

        The task takes the window nearest ``planned`` (the one holding it, or the one with the
        nearest edge; the earlier on a tie) among those still open at ``now`` that open later
        than ``after`` (the last task's due time, so that a recurring task moves on). It falls due
        when that window opens, or at ``now`` if the window is already open.
        """
        # Windows further than a day from ``planned`` (or from ``now``, when planned is past)
        # cannot be the nearest; the day after both always holds one that qualifies.
        first = math.floor(min(now, planned) / HOURS_PER_DAY) - 1
        if planned > now:
            first = max(first, math.floor(planned / HOURS_PER_DAY) - 1)
        last = math.floor(max(now, planned) / HOURS_PER_DAY) + 1
        candidates = [(o, c) for o, c in self._around(first, last) if c > now and o > after]
        opens, closes = min(
            candidates, key=lambda w: (max(w[0] - planned, planned - w[1], 0.0), w[0])
        )
        return max(now, opens), closes

    def closes_after(self, due: np.ndarray) -> np.ndarray:
        """For each due time, the close of the window it fell due in (the first close after it)."""
        due = np.asarray(due, dtype=np.float64)
        day = np.floor(due / HOURS_PER_DAY)
        closes = np.array([c for _, c in self.windows])
        # The window holding a due time closes later the same day or, at the latest, tomorrow.
        candidates = np.concatenate(
            (day[:, None] * HOURS_PER_DAY + closes, (day[:, None] + 1) * HOURS_PER_DAY + closes),
            axis=1,
        )
        later = np.where(candidates > due[:, None], candidates, np.inf)
        return later.min(axis=1) if len(due) else np.empty(0)
