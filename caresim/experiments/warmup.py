"""The warm-up period, estimated from time series by MSER-5.

MSER-5 (White 1997; White, Cobb & Spratt 2000) groups a series into batches of five observations
and takes their means ``Z_1 .. Z_k``. Truncating the first ``d`` batches leaves
``Z_{d+1} .. Z_k``; the statistic

    MSER(d) = sum_{j > d} (Z_j - mean_{j > d} Z)^2 / (k - d)^2

is the squared standard error of what is left, and the truncation point is the ``d`` that
minimises it. Only the first half of the series is searched, as is usual: a minimum found later
rests on too little data. A minimum at the very end of that half means the series had not
settled: the run is too short to estimate a warm-up from.

Here a series is a level binned over time (queue length, staff busy, beds occupied), averaged over
replications bin by bin before batching.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BATCH", "WARMUP_COLUMNS", "Truncation", "estimate_warm_up", "mser", "mser5"]

BATCH = 5

WARMUP_COLUMNS = [
    "setting",
    "group",
    "measure",
    "unit",
    "batch_start",
    "batch_mean",
    "mser5",
    "truncation",
]


@dataclass(frozen=True)
class Truncation:
    """Where MSER cuts a series: ``batches`` dropped, and the statistic at each candidate.

    ``statistic[d]`` is MSER(d) for d = 0 .. len(statistic) - 1 (the first half of the batches).
    ``settled`` is false when the minimum is the last candidate, i.e. the series never settled.
    """

    batches: int
    statistic: np.ndarray
    settled: bool


def mser(series: np.ndarray) -> Truncation:
    """MSER on an already batched series: the ``d`` minimising MSER(d) over the first half."""
    z = np.asarray(series, dtype=float)
    k = len(z)
    if k < 2:
        return Truncation(0, np.zeros(k), True)
    candidates = k // 2  # d = 0 .. k//2 - 1 leaves at least half the batches
    # Welford's update over the tail z[d:], from the end: exact for a constant series (so its
    # statistic is exactly zero everywhere and no truncation is chosen), unlike sums of squares.
    deviations = np.empty(k)
    mean = 0.0
    squares = 0.0
    for count, value in enumerate(z[::-1], start=1):
        delta = value - mean
        mean += delta / count
        squares += delta * (value - mean)
        deviations[k - count] = squares
    d = np.arange(candidates)
    statistic = deviations[:candidates] / (k - d) ** 2
    best = int(np.argmin(statistic))  # the first of equal minima: truncate no more than needed
    return Truncation(best, statistic, settled=best < candidates - 1 or candidates == 1)


def mser5(series: np.ndarray) -> Truncation:
    """MSER-5: MSER on the means of consecutive batches of five observations.

    Observations past the last whole batch are left out. ``batches`` counts batches of five.
    """
    x = np.asarray(series, dtype=float)
    whole = len(x) // BATCH * BATCH
    return mser(x[:whole].reshape(-1, BATCH).mean(axis=1)) if whole else mser(np.array([]))


def estimate_warm_up(
    series: pd.DataFrame, bin_width: float, horizon: float
) -> tuple[float, pd.DataFrame, list[str]]:
    """The warm-up, in hours, that MSER-5 gives across several time series.

    ``series`` has the columns of ``timeseries.parquet`` (several replications, several series).
    Each series is averaged over replications bin by bin; a last bin cut short by the horizon is
    left out. The warm-up is the latest truncation point over the series. Returns it, the
    diagnostic table (``WARMUP_COLUMNS``: one row per batch of each series, with its mean, the
    statistic where the batch is a candidate, and ``truncation`` true at the chosen point) and
    the series that never settled, as ``setting.group.measure``.
    """
    rows: list[tuple] = []
    unsettled: list[str] = []
    warm_up = 0.0
    keys = ["setting", "group", "measure", "unit"]
    for key, one in series.groupby(keys, sort=False):
        averaged = one.groupby("time", sort=True)["value"].mean()
        averaged = averaged[averaged.index + bin_width <= horizon + 1e-9]
        truncation = mser5(averaged.to_numpy())
        batch_width = BATCH * bin_width
        batch_means = (
            averaged.to_numpy()[: len(averaged) // BATCH * BATCH].reshape(-1, BATCH).mean(axis=1)
        )
        for index, mean in enumerate(batch_means):
            statistic = (
                float(truncation.statistic[index])
                if index < len(truncation.statistic)
                else math.nan
            )
            rows.append(
                (*key, index * batch_width, float(mean), statistic, index == truncation.batches)
            )
        warm_up = max(warm_up, truncation.batches * batch_width)
        if not truncation.settled:
            unsettled.append(".".join(str(part) for part in key[:3]))
    return warm_up, pd.DataFrame(rows, columns=WARMUP_COLUMNS), unsettled
