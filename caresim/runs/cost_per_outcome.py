"""Cost per outcome of each scenario against the baseline: what a finance lead asks of an option.

For each scenario and each outcome (delayed bed-days, admissions), the extra cost per unit of
the outcome avoided: the paired difference in total cost over the paired reduction in the
outcome, replication by replication on common random numbers, as an incremental
cost-effectiveness ratio. Its 95% interval is Fieller's, which allows for the correlation of
cost and outcome within a replication; when the reduction itself is not clear of zero the ratio
has no finite interval, and its bounds are left empty. Read the ratio with its two parts: the
extra cost (negative: a saving) and the outcome avoided (negative: more of it).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["COST", "COST_PER_OUTCOME_COLUMNS", "OUTCOMES", "cost_per_outcome", "fieller_interval"]

COST = ("system", "all", "total_cost")
#: Outcomes priced, by key, with the name of one unit avoided.
OUTCOMES = {
    ("hospital", "all", "delayed_discharge_bed_days"): "delayed bed-day avoided",
    ("hospital", "all", "admissions"): "emergency admission avoided",
}
COST_PER_OUTCOME_COLUMNS = [
    "scenario",
    "baseline",
    "outcome",
    "per",
    "extra_cost",
    "avoided",
    "cost_per_outcome",
    "ci_low",
    "ci_high",
    "n",
]


def fieller_interval(
    costs: np.ndarray, gains: np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """mean(costs) / mean(gains) of paired values, and Fieller's interval (NaN when unbounded)."""
    n = len(costs)
    a, b = float(np.mean(costs)), float(np.mean(gains))
    ratio = a / b if b else math.nan
    if n < 2:
        return ratio, math.nan, math.nan
    t2 = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) ** 2
    covariance = np.cov(costs, gains, ddof=1) / n
    s_aa, s_ab, s_bb = covariance[0, 0], covariance[0, 1], covariance[1, 1]
    quadratic = b * b - t2 * s_bb  # > 0 exactly when the gain is clear of zero
    if quadratic <= 0:
        return ratio, math.nan, math.nan
    linear = a * b - t2 * s_ab
    constant = a * a - t2 * s_aa
    root = math.sqrt(max(0.0, linear * linear - quadratic * constant))
    return ratio, (linear - root) / quadratic, (linear + root) / quadratic


def cost_per_outcome(
    replications: pd.DataFrame, baseline: str = "baseline", confidence: float = 0.95
) -> pd.DataFrame:
    """Each scenario's extra cost per unit of each outcome avoided against ``baseline``.

    Empty when the replications have no total cost; an outcome they do not have is left out.
    """
    wide = _by_replication(replications)
    rows: list[tuple] = []
    cost = ".".join(COST)
    if cost not in wide.columns or baseline not in wide.index.get_level_values(0):
        return pd.DataFrame(rows, columns=COST_PER_OUTCOME_COLUMNS)
    reference = wide.loc[baseline]
    for scenario in dict.fromkeys(replications["scenario"]):
        if scenario == baseline:
            continue
        paired = pd.merge(
            wide.loc[scenario], reference, left_index=True, right_index=True,
            suffixes=("", " baseline"),
        )  # fmt: skip
        for key, per in OUTCOMES.items():
            outcome = ".".join(key)
            if outcome not in wide.columns:
                continue
            extra = (paired[cost] - paired[cost + " baseline"]).to_numpy()
            gain = (paired[outcome + " baseline"] - paired[outcome]).to_numpy()
            kept = np.isfinite(extra) & np.isfinite(gain)
            ratio, low, high = fieller_interval(extra[kept], gain[kept], confidence)
            rows.append(
                (scenario, baseline, outcome, per, float(extra[kept].mean()),
                 float(gain[kept].mean()), ratio, low, high, int(kept.sum()))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=COST_PER_OUTCOME_COLUMNS)


def _by_replication(replications: pd.DataFrame) -> pd.DataFrame:
    """The cost and outcomes by (scenario, replication), one column per 'setting.group.measure'."""
    keys = {".".join(k) for k in (COST, *OUTCOMES)}
    named = replications["setting"] + "." + replications["group"] + "." + replications["measure"]
    table = replications.assign(key=named)
    table = table[table["key"].isin(keys)]
    return table.pivot_table(index=["scenario", "replication"], columns="key", values="value")
