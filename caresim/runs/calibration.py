"""Calibration: the model against observed figures, written to calibration.csv.

A config's ``calibration:`` section lists measures (setting, group, measure) with a target range
and its source. A target is met (``within``) when the mean over replications lies in the range;
the 95% interval is shown beside it. A target naming a measure the model does not produce is an
error, found before the replications run by a short run of the same scenario.
"""

from __future__ import annotations

import math

import pandas as pd

from caresim.config.files import ConfigError
from caresim.models.measures import measure
from caresim.models.model import simulate
from caresim.models.schema import Config

__all__ = ["CALIBRATION_COLUMNS", "calibration_line", "calibration_table", "check_targets"]

CALIBRATION_COLUMNS = [
    "setting",
    "group",
    "measure",
    "target_low",
    "target_high",
    "source",
    "mean",
    "ci_low",
    "ci_high",
    "within",
]

#: Length of the short run that lists the measures a scenario produces.
_PROBE_HOURS = 7 * 24.0


def check_targets(config: Config, source: str) -> None:
    """Raise :class:`ConfigError` if a calibration target names a measure the model lacks."""
    if not config.calibration:
        return
    run = config.run.model_copy(update={"horizon": _PROBE_HOURS, "warm_up": 0.0})
    probe = config.model_copy(update={"run": run, "starting_state": None})
    produced = {(m.setting, m.group, m.measure) for m in measure(simulate(probe, 0))}
    for i, target in enumerate(config.calibration):
        if target.key not in produced:
            setting, group, name = target.key
            near = sorted(
                f"{s}.{g}.{m}" for s, g, m in produced if s == setting and (g == group or m == name)
            )
            hint = f"; measures of {setting} like it: {', '.join(near[:6])}" if near else ""
            raise ConfigError(
                f"{source}: calibration[{i}].measure: the model has no measure "
                f"'{target.measure}'; expected setting.group.measure as in summary.csv{hint}"
            )


def calibration_table(config: Config, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per target: its range and source, the model's mean and 95% interval, and a verdict."""
    indexed = summary.set_index(["setting", "group", "measure"])
    rows = []
    for target in config.calibration:
        setting, group, name = target.key
        found = indexed.loc[[target.key]] if target.key in indexed.index else None
        mean = float(found["mean"].iloc[0]) if found is not None else math.nan
        low = float(found["ci_low"].iloc[0]) if found is not None else math.nan
        high = float(found["ci_high"].iloc[0]) if found is not None else math.nan
        within = bool(target.low <= mean <= target.high) if not math.isnan(mean) else False
        rows.append(
            (setting, group, name, target.low, target.high, target.source, mean, low, high, within)
        )
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)


def calibration_line(table: pd.DataFrame) -> str:
    """'calibration: K of N targets met', and the misses with the model's figure."""
    met = int(table["within"].sum())
    line = f"calibration: {met} of {len(table)} targets met"
    misses = table[~table["within"]]
    if len(misses):
        line += "; missed: " + "; ".join(
            f"{r.setting}.{r.group}.{r.measure} {r.mean:.4g} (target {r.target_low:g}-"
            f"{r.target_high:g})"
            for r in misses.itertuples()
        )
    return line
