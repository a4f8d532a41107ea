"""Which uncertain inputs matter most: a global sensitivity analysis over a sweep's scenarios.

For each measure of interest, the scenario means are regressed on the inputs the sweep varied,
all standardised (mean 0, sd 1): the standardised regression coefficients (SRC) say by how many
standard deviations the measure moves for one standard deviation of each input, the others held,
and R² how much of the variation a linear account explains. Spearman's rank correlation is given
beside them: it needs no linearity, only a monotone effect. Inputs are ranked by |SRC| (by
|Spearman| when R² is below 0.7, where the linear account is poor). This is the usual reading of
a Latin hypercube design (Saltelli et al., Global Sensitivity Analysis, 2008). Each coefficient
has a 95% bootstrap interval (the points resampled with replacement, 1,000 times), so that an
input whose interval spans zero is not read as mattering.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from caresim.sim.units import UnitError, parse_duration, parse_rate

__all__ = ["SENSITIVITY_COLUMNS", "input_values", "numeric_value", "sensitivity"]

SENSITIVITY_COLUMNS = [
    "setting",
    "group",
    "measure",
    "parameter",
    "src",
    "src_ci_low",
    "src_ci_high",
    "spearman",
    "spearman_ci_low",
    "spearman_ci_high",
    "r_squared",
    "ranked_by",
    "rank",
    "points",
]
LINEAR_ENOUGH = 0.7
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20080101  # fixed: the same results give the same intervals


def numeric_value(text: str) -> float | None:
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
    """Scenarios × parameters of numbers, for the scenarios that set every numeric parameter.

    Pass only the sweep's scenarios: a named scenario that sets other parameters would leave
    every point with a gap.
    """
    if scenarios.empty:
        return pd.DataFrame()
    table = scenarios.assign(number=scenarios["value"].map(numeric_value))
    numeric = table.groupby("parameter")["number"].apply(lambda v: v.notna().all())
    table = table[table["parameter"].isin(numeric[numeric].index)]
    wide = table.pivot_table(index="scenario", columns="parameter", values="number", aggfunc="last")
    return wide.dropna()


def _coefficients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Standardised regression coefficients, Spearman's rho of each input, and R²."""
    sd_x, sd_y = x.std(axis=0, ddof=1), y.std(ddof=1)
    if not sd_y or not np.all(sd_x):
        nan = np.full(x.shape[1], np.nan)
        return nan, nan, float("nan")
    xs = (x - x.mean(axis=0)) / sd_x
    ys = (y - y.mean()) / sd_y
    coefficients, *_ = np.linalg.lstsq(xs, ys, rcond=None)
    r_squared = 1.0 - float(np.sum((ys - xs @ coefficients) ** 2) / np.sum(ys**2))
    rhos = np.array([float(stats.spearmanr(x[:, i], y).statistic) for i in range(x.shape[1])])
    return coefficients, rhos, r_squared


def _bootstrap(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% percentile intervals of the SRC and of Spearman's rho, resampling the points.

    Rows: low, high; columns: inputs.
    """
    generator = np.random.default_rng(BOOTSTRAP_SEED)
    n = len(y)
    srcs, rhos = [], []
    for _ in range(BOOTSTRAP_SAMPLES):
        pick = generator.integers(0, n, n)
        src, rho, _ = _coefficients(x[pick], y[pick])
        srcs.append(src)
        rhos.append(rho)
    with np.errstate(all="ignore"):
        src_band = np.nanpercentile(np.array(srcs), [2.5, 97.5], axis=0)
        rho_band = np.nanpercentile(np.array(rhos), [2.5, 97.5], axis=0)
    return src_band, rho_band


def _measure_rows(
    key: tuple[str, str, str], points: pd.DataFrame, varied: list[str]
) -> list[tuple]:
    x = points[varied].to_numpy(float)
    y = points["y"].to_numpy(float)
    coefficients, rhos, r_squared = _coefficients(x, y)
    src_band, rho_band = _bootstrap(x, y)
    ranked_by = "src" if r_squared >= LINEAR_ENOUGH else "spearman"
    influence = np.abs(coefficients if ranked_by == "src" else rhos)
    order = np.argsort(-influence, kind="stable")
    ranks = np.empty(len(varied), int)
    ranks[order] = np.arange(1, len(varied) + 1)
    return [
        (
            *key,
            parameter,
            float(coefficients[i]),
            float(src_band[0, i]),
            float(src_band[1, i]),
            float(rhos[i]),
            float(rho_band[0, i]),
            float(rho_band[1, i]),
            r_squared,
            ranked_by,
            int(ranks[i]),
            len(points),
        )
        for i, parameter in enumerate(varied)
    ]


def sensitivity(
    summary: pd.DataFrame, scenarios: pd.DataFrame, measures: list[str]
) -> pd.DataFrame:
    """SRC, Spearman, their bootstrap intervals and the rank of every varied input, for each
    ``setting.group.measure``.

    ``scenarios`` holds the sweep's points (``scenario, parameter, value``). ``ranked_by`` says
    which statistic ranks the inputs of a measure: the SRC where R² ≥ 0.7, else Spearman's rho.
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
        rows += _measure_rows((setting, group, measure), points, varied)
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    return table.sort_values(["setting", "group", "measure", "rank"], kind="stable").reset_index(
        drop=True
    )
