"""Statistics over replications: means with 95% t-intervals, and summaries of long-format results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["COMPARISON_COLUMNS", "SUMMARY_COLUMNS", "paired_differences", "summarise", "t_interval"]

KEYS = ["scenario", "setting", "group", "kind", "measure", "unit"]
SUMMARY_COLUMNS = [*KEYS, "mean", "ci_low", "ci_high", "n"]
COMPARISON_COLUMNS = [
    "scenario",
    "baseline",
    "setting",
    "group",
    "measure",
    "unit",
    "mean_difference",
    "ci_low",
    "ci_high",
    "n",
    "distinguishable",
]


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
    """One row per scenario × setting × group × measure, with the mean and its t-interval.

    The ``kind`` of each group is kept when the replications have one.
    """
    keys = [k for k in KEYS if k in replications.columns]
    rows = []
    for key, values in replications.groupby(keys, sort=False)["value"]:
        mean, low, high, n = t_interval(values.to_numpy(), confidence)
        rows.append((*key, mean, low, high, n))
    return pd.DataFrame(rows, columns=[*keys, "mean", "ci_low", "ci_high", "n"])


def paired_differences(
    replications: pd.DataFrame, baseline: str = "baseline", confidence: float = 0.95
) -> pd.DataFrame:
    """Each scenario minus the baseline, replication by replication, with a t-interval.

    Pairs are the replications both have (with common random numbers, replication r of two
    scenarios shares its random streams, so the pairing removes their common noise). A pair with
    a value that is not a number is left out. ``distinguishable`` is true when the interval
    excludes zero. Rows follow the scenarios' and measures' order in ``replications``.
    """
    measure_keys = ["setting", "group", "measure", "unit"]
    reference = replications[replications["scenario"] == baseline]
    reference = reference[["replication", *measure_keys, "value"]].rename(
        columns={"value": "baseline_value"}
    )
    rows = []
    for scenario, table in replications.groupby("scenario", sort=False):
        if scenario == baseline:
            continue
        paired = table.merge(reference, on=["replication", *measure_keys], how="inner", sort=False)
        paired["difference"] = paired["value"] - paired["baseline_value"]
        for key, values in paired.groupby(measure_keys, sort=False)["difference"]:
            mean, low, high, n = t_interval(values.to_numpy(), confidence)
            distinguishable = bool(n >= 2 and (low > 0 or high < 0))
            rows.append((scenario, baseline, *key, mean, low, high, n, distinguishable))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def bounded(low: float, high: float, unit: str) -> tuple[float, float]:
    """A 95% interval kept within what the measure can be: no wait, count or cost below zero,
    no share above 100%. (A t-interval of a skewed measure over few replications can cross
    them; the values themselves never do.)"""
    if math.isfinite(low):
        low = max(low, 0.0)
    if unit == "proportion" and math.isfinite(high):
        high = min(high, 1.0)
    return low, high
