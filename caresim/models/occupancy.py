"""The occupancy distribution of every bed or place pool in one replication.

For each number of beds in use, the share of the measured window the pool spent at that level and
the share of midnights at which the census found it there. Capacity planners read the first as
the chance of finding ``n`` beds occupied, and from it the chance that a patient would be delayed
if there were only ``n`` beds (Monks et al., BMC Health Services Research, 2016).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from caresim.models.model import Replication
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.measures import LogView

__all__ = ["OccupancyShare", "occupancy_distribution"]


class OccupancyShare(NamedTuple):
    """The share of time, and of midnights, one pool spent with ``beds`` in use."""

    setting: str
    pool: str
    beds: int
    time_share: float
    midnight_share: float


def _midnights(start: float, end: float) -> np.ndarray:
    """The midnights in [start, end), in hours from the start of the run (a Monday 00:00)."""
    first = np.ceil(start / HOURS_PER_DAY) * HOURS_PER_DAY
    return np.arange(first, end, HOURS_PER_DAY)


def occupancy_distribution(result: Replication) -> list[OccupancyShare]:
    """The share of time and of midnights at each occupancy level, for every bed pool.

    Every level from 0 to the highest one held is listed, those never held with a share of 0, so
    that replications can be averaged level by level.
    """
    view = LogView(result.log)
    window = result.window
    midnights = _midnights(window.start, window.end)
    rows: list[OccupancyShare] = []
    for name, info in result.pools.items():
        if info.kind == "staff":
            continue
        level = view.busy_level(name)
        shares = level.time_at_levels(window.start, window.end)
        index = np.searchsorted(level.times, midnights, side="right") - 1
        if len(level.values) == 0:  # a pool whose level never changed
            census = np.full(len(midnights), level.initial)
        else:
            census = np.where(index < 0, level.initial, level.values[np.maximum(index, 0)])
        top = int(max([*shares, *census.tolist(), 0.0]))
        counts = np.bincount(census.astype(int), minlength=top + 1) if len(census) else None
        for beds in range(top + 1):
            midnight = counts[beds] / len(census) if counts is not None else float("nan")
            rows.append(
                OccupancyShare(
                    info.setting, name, beds, float(shares.get(float(beds), 0.0)), float(midnight)
                )
            )
    return rows
