"""``occupancy.csv``: the occupancy distribution of every bed or place pool, over replications.

Each replication's distribution is kept as a part beside its measures; once every replication is
in, the parts are summarised into one row per scenario × pool × number of beds × measure:

- ``time_share``: the share of the measured time with exactly that many beds in use;
- ``time_share_at_most``: the share with at most that many (the cumulative distribution);
- ``midnight_share``: the share of midnight censuses that found that many in use;
- ``delay_probability``: ``P(N = n) / P(N ≤ n)``, the chance that a patient arriving would find
  all of ``n`` beds full, as Monks et al. (BMC Health Services Research, 2016) read it from the
  occupancy of an unconstrained model. For Poisson occupancy it is Erlang B's loss probability.

Each with the mean over replications and its 95% t-interval, kept within [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from caresim.runs.stats import t_interval
from caresim.runs.store import ResultStore

__all__ = [
    "OCCUPANCY_COLUMNS",
    "OCCUPANCY_MEASURES",
    "OCCUPANCY_PART_COLUMNS",
    "read_occupancy_parts",
    "summarise_occupancy",
    "write_occupancy",
]

OCCUPANCY_PART_COLUMNS = [
    "scenario",
    "replication",
    "setting",
    "pool",
    "beds",
    "time_share",
    "midnight_share",
]
OCCUPANCY_COLUMNS = [
    "scenario",
    "setting",
    "pool",
    "beds",
    "measure",
    "mean",
    "ci_low",
    "ci_high",
    "n",
]
OCCUPANCY_MEASURES = ("time_share", "time_share_at_most", "midnight_share", "delay_probability")


def read_occupancy_parts(store: ResultStore, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
    """The occupancy distributions of the given replications that kept one (each part's file is
    checked against its record with the rest of the part, and written with it)."""
    frames = [f for f in store.occupancy(keys) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=OCCUPANCY_PART_COLUMNS)
    return pd.concat(frames, ignore_index=True)[OCCUPANCY_PART_COLUMNS]


def _by_replication(pool: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each measure as beds × replications; levels a replication never reached count as 0."""
    beds = np.arange(int(pool["beds"].max()) + 1)

    def wide(column: str) -> pd.DataFrame:
        table = pool.pivot_table(index="beds", columns="replication", values=column)
        return table.reindex(beds).fillna(0.0)

    shares = wide("time_share")
    at_most = shares.cumsum()
    return {
        "time_share": shares,
        "time_share_at_most": at_most.clip(upper=1.0),
        "midnight_share": wide("midnight_share"),
        "delay_probability": shares / at_most.where(at_most > 0),
    }


def summarise_occupancy(parts: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """One row per scenario × pool × measure × number of beds; intervals kept within [0, 1]."""
    rows = []
    for (scenario, setting, pool), table in parts.groupby(
        ["scenario", "setting", "pool"], sort=False
    ):
        for measure, wide in _by_replication(table).items():
            for beds, values in zip(wide.index.tolist(), wide.to_numpy(), strict=True):
                mean, low, high, n = t_interval(values, confidence)
                low, high = (float(np.clip(v, 0.0, 1.0)) for v in (low, high))
                rows.append((scenario, setting, pool, int(beds), measure, mean, low, high, n))
    return pd.DataFrame(rows, columns=OCCUPANCY_COLUMNS)


def write_occupancy(store: ResultStore, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
    """Summarise the kept distributions into ``occupancy.csv`` (written only if there are any)."""
    parts = read_occupancy_parts(store, keys)
    table = summarise_occupancy(parts)
    if len(table):
        store.write_csv("occupancy.csv", table)
    return table
