"""Which uncertain inputs matter most: a global sensitivity analysis over a sweep's scenarios.

For each measure of interest, the scenario means are regressed on the inputs the sweep varied,
all standardised (mean 0, sd 1): the standardised regression coefficients (SRC) say by how many
standard deviations the measure moves for one standard deviation of each input, the others held,
and R² how much of the variation a linear account explains. Spearman's rank correlation is given
beside them: it needs no linearity, only a monotone effect. Inputs are ranked by |SRC| (by
|Spearman| when R² is below 0.7, where the linear account is poor). This is the usual reading of
a Latin hypercube design (Saltelli et al., Global Sensitivity Analysis, 2008).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from caresim.sim.units import UnitError, parse_duration, parse_rate

__all__ = ["SENSITIVITY_COLUMNS", "input_values", "sensitivity"]

SENSITIVITY_COLUMNS = [
    "setting",
    "group",
    "measure",
    "parameter",
    "src",
    "spearman",
    "r_squared",
    "rank",
    "points",
]
LINEAR_ENOUGH = 0.7


def _number(text: str) -> float | None:
    """An input value as a number: plain, or a duration in hours, or a rate per hour."""
    try:
        return float(text)
    except (TypeError, ValueError):
        pass
    for parse in (parse_duration, parse_rate):
        try:
            return parse(text)
        except UnitError:
            continue
    return None


def input_values(scenarios: pd.DataFrame) -> pd.DataFrame:
    """Scenarios × parameters of numbers, for the scenarios that set every numeric parameter."""
    if scenarios.empty:
        return pd.DataFrame()
    table = scenarios.assign(number=scenarios["value"].map(_number))
    numeric = table.groupby("parameter")["number"].apply(lambda v: v.notna().all())
    table = table[table["parameter"].isin(numeric[numeric].index)]
    wide = table.pivot_table(index="scenario", columns="parameter", values="number", aggfunc="last")
    return wide.dropna()


def sensitivity(
    summary: pd.DataFrame, scenarios: pd.DataFrame, measures: list[str]
) -> pd.DataFrame:
    """SRC, Spearman and rank of every varied input for each ``setting.group.measure``.

    Empty when fewer points than inputs + 2 vary (too few to estimate the coefficients).
    """
    inputs = input_values(scenarios)
    varied = [p for p in inputs.columns if inputs[p].nunique() > 1]
    inputs = inputs[varied]
    rows = []
    if not varied or len(inputs) < len(varied) + 2:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    for name in measures:
        setting, group, measure = name.split(".", 2)
        picked = summary[
            (summary["setting"] == setting)
            & (summary["group"] == group)
            & (summary["measure"] == measure)
        ].set_index("scenario")["mean"]
        points = inputs.join(picked.rename("y"), how="inner").dropna()
        if len(points) < len(varied) + 2 or points["y"].nunique() < 2:
            continue
        x = points[varied].to_numpy(float)
        y = points["y"].to_numpy(float)
        xs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
        ys = (y - y.mean()) / y.std(ddof=1)
        coefficients, *_ = np.linalg.lstsq(xs, ys, rcond=None)
        fitted = xs @ coefficients
        r_squared = 1.0 - float(np.sum((ys - fitted) ** 2) / np.sum(ys**2))
        rhos = [float(stats.spearmanr(points[p], y).statistic) for p in varied]
        key = np.abs(coefficients) if r_squared >= LINEAR_ENOUGH else np.abs(rhos)
        order = np.argsort(-key, kind="stable")
        ranks = np.empty(len(varied), int)
        ranks[order] = np.arange(1, len(varied) + 1)
        for i, parameter in enumerate(varied):
            rows.append(
                (
                    setting,
                    group,
                    measure,
                    parameter,
                    float(coefficients[i]),
                    rhos[i],
                    r_squared,
                    int(ranks[i]),
                    len(points),
                )
            )
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    return table.sort_values(["setting", "group", "measure", "rank"], kind="stable").reset_index(
        drop=True
    )
