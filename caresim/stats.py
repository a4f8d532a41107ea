"""Statistics over replications: means with 95% t-intervals, and summaries of long-format results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["SUMMARY_COLUMNS", "summarise", "t_interval"]

KEYS = ["scenario", "setting", "group", "measure", "unit"]
SUMMARY_COLUMNS = [*KEYS, "mean", "ci_low", "ci_high", "n"]


def t_interval(values, confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and two-sided t-interval of independent replications' values: (mean, low, high, n).

    Values that are not numbers (a measure with nothing to measure in a replication) are left
    out; with fewer than two values the interval is undefined (NaN).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, n
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half, n


def summarise(replications: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """One row per scenario × setting × group × measure, with the mean and its t-interval."""
    rows = []
    for key, values in replications.groupby(KEYS, sort=False)["value"]:
        mean, low, high, n = t_interval(values.to_numpy(), confidence)
        rows.append((*key, mean, low, high, n))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
