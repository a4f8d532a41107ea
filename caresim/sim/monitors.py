"""Time-weighted statistics of a level that steps up and down (queue length, busy staff, occupancy).

A level is given by the times at which it changes and by how much; its statistics over a window
(after the warm-up) are computed after the run, so the simulation loop does no monitoring work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Level"]


@dataclass(frozen=True)
class Level:
    """A piecewise-constant level: ``values[i]`` holds on ``[times[i], times[i+1])``.

    Before ``times[0]`` the level is ``initial``. Build one with :meth:`from_changes`.
    """

    times: np.ndarray
    values: np.ndarray
    initial: float = 0.0

    @classmethod
    def from_changes(cls, times: np.ndarray, deltas: np.ndarray, initial: float = 0.0) -> Level:
        """The level that starts at ``initial`` and changes by ``deltas[i]`` at ``times[i]``."""
        times = np.asarray(times, dtype=float)
        deltas = np.asarray(deltas, dtype=float)
        order = np.argsort(times, kind="stable")
        return cls(times[order], initial + np.cumsum(deltas[order]), float(initial))

    def _cumulative_area(self, points: np.ndarray, start: float) -> np.ndarray:
        """∫ level dt from ``start`` to each of ``points`` (all ≥ start)."""
        t = np.concatenate(([start], np.clip(self.times, start, None)))
        before = self.value_at(start)
        levels = np.concatenate(([before], self.values))
        keep = np.concatenate(([True], self.times > start))
        t, levels = t[keep], levels[keep]
        area = np.concatenate(([0.0], np.cumsum(levels[:-1] * np.diff(t))))
        # Between breakpoints the area grows linearly at the level in force.
        index = np.searchsorted(t, points, side="right") - 1
        return area[index] + levels[index] * (points - t[index])

    def value_at(self, t: float) -> float:
        """The level in force at time ``t`` (after any change at exactly ``t``)."""
        index = np.searchsorted(self.times, t, side="right") - 1
        return float(self.initial if index < 0 else self.values[index])

    def mean(self, start: float, end: float) -> float:
        """The time-weighted mean over [start, end)."""
        if end <= start:
            return float("nan")
        area = self._cumulative_area(np.array([end], dtype=float), start)[0]
        return float(area / (end - start))

    def integral_over(self, intervals: list[tuple[float, float]], start: float) -> float:
        """∫ level dt over the given intervals (each within [start, ∞))."""
        if not intervals:
            return 0.0
        points = np.array(intervals, dtype=float)
        area = self._cumulative_area(points.ravel(), start).reshape(points.shape)
        return float(np.sum(area[:, 1] - area[:, 0]))

    def maximum(self, start: float, end: float) -> float:
        """The highest level held for some time in [start, end).

        A level that lasts no time at all (a patient queued and served at the same instant, two
        changes at one time) is not held, so a queue nobody waits in has a maximum of 0.
        """
        inside = (self.times >= start) & (self.times < end)
        candidates = [self.value_at(start)]
        if inside.any():
            following = np.append(self.times[1:], np.inf)
            held = inside & (np.minimum(following, end) > self.times)
            if held.any():
                candidates.append(float(self.values[held].max()))
        return max(candidates)

    def binned_means(self, edges: np.ndarray) -> np.ndarray:
        """Time-weighted means over consecutive bins ``[edges[i], edges[i+1])``."""
        edges = np.asarray(edges, dtype=float)
        area = self._cumulative_area(edges, float(edges[0]))
        return np.diff(area) / np.diff(edges)

    def time_at_levels(self, start: float, end: float) -> dict[float, float]:
        """The share of [start, end) spent at each level."""
        t = np.concatenate(([start], self.times[(self.times > start) & (self.times < end)], [end]))
        inside = (self.times > start) & (self.times < end)
        levels = np.concatenate(([self.value_at(start)], self.values[inside]))
        durations = np.diff(t)
        shares: dict[float, float] = {}
        for level, duration in zip(levels.tolist(), durations.tolist(), strict=True):
            shares[level] = shares.get(level, 0.0) + duration
        total = end - start
        return {level: d / total for level, d in sorted(shares.items())}
