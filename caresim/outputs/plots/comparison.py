"""Scenario comparison: each scenario's paired difference from the baseline, with its 95% interval,
as a forest plot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from caresim.outputs.plots.common import (
    COLOURS,
    Figure,
    measure_words,
    new_figure,
    ordered_rows,
    row_label,
    save_figure,
    scale_for,
    skipped,
    style_axes,
    unit_words,
)

__all__ = [
    "EVERY_MEASURE",
    "FOREST_MEASURES",
    "MAX_FOREST_ROWS",
    "forest_plot",
    "forest_rows",
    "named_forest_plot",
]

#: Measures a comparison is judged on, in the order they are shown. Counts of arrivals are left
#: out: under common random numbers they barely differ between scenarios.
FOREST_MEASURES = (
    "wait_mean",
    "wait_p95",
    "within_target_share",
    "turned_away_share",
    "time_in_system_mean",
    "utilisation",
    "overtime_hours",
    "occupancy_mean",
    "delayed_discharge_bed_days",
    "admissions_avoided",
    "readmissions",
    "staff_cost",
)
MAX_FOREST_ROWS = 60
#: The name of the forest plot of every measure, when one of the named measures is drawn too.
EVERY_MEASURE = "differences"


def forest_rows(comparison: pd.DataFrame) -> pd.DataFrame:
    """The rows a forest plot shows: one per scenario × setting × group × measure, leaving out
    those identical to the baseline in every replication (a difference and interval of zero)."""
    rows = comparison[comparison["measure"].isin(FOREST_MEASURES)].copy()
    values = rows[["mean_difference", "ci_low", "ci_high"]].apply(pd.to_numeric, errors="coerce")
    rows = rows[~(values.fillna(0).abs() < 1e-12).all(axis=1)]
    order = {m: i for i, m in enumerate(FOREST_MEASURES)}
    rows["_measure"] = rows["measure"].map(order)
    rows = ordered_rows(rows).sort_values("_measure", kind="stable").drop(columns="_measure")
    return rows.reset_index(drop=True)


def forest_plot(comparison: pd.DataFrame | None, folder: Path, name: str = "comparison") -> Figure:
    """A panel per measure; a row per scenario and service or pool; zero marks no difference.

    Of every measure of :data:`FOREST_MEASURES`; beside :func:`named_forest_plot`, under the
    name ``"differences"``."""
    title = "Each scenario against the baseline"
    if name == EVERY_MEASURE:
        title = "Every measure against the baseline"
    if comparison is None or comparison.empty:
        return skipped(name, title, "no comparison.csv (paired differences) in this folder")
    rows = forest_rows(comparison)
    if rows.empty:
        return skipped(
            name, title, f"comparison.csv has none of the measures {', '.join(FOREST_MEASURES)}"
        )
    total = len(rows)
    if total > MAX_FOREST_ROWS:  # the rows that differ first, then in order
        distinguishable = rows["distinguishable"].astype(str).str.lower().isin(["true", "1"])
        rows = pd.concat([rows[distinguishable], rows[~distinguishable]]).head(MAX_FOREST_ROWS)
        rows = rows.sort_index()
    panels = list(dict.fromkeys(zip(rows["measure"], rows["unit"], strict=True)))
    counts = [int(((rows["measure"] == m) & (rows["unit"] == u)).sum()) for m, u in panels]
    heights = [0.32 * n + 0.9 for n in counts]
    figure = new_figure(8.5, sum(heights) + 0.8)
    grid = figure.subplots(len(panels), 1, squeeze=False, height_ratios=heights)[:, 0]
    baseline = str(rows["baseline"].iloc[0]) if "baseline" in rows else "the baseline"
    for axes, (measure, unit) in zip(grid, panels, strict=True):
        these = rows[(rows["measure"] == measure) & (rows["unit"] == unit)]
        _difference_points(axes, these, scale_for(unit))
        y = np.arange(len(these))[::-1]
        labels = [
            f"{s}: {row_label(st, g)}"
            for s, st, g in zip(these["scenario"], these["setting"], these["group"], strict=True)
        ]
        axes.set_yticks(y, labels, fontsize=8)
        axes.set_title(measure_words(measure), fontsize=10, loc="left")
        difference_unit = "percentage points" if unit == "proportion" else unit_words(unit)
        axes.set_xlabel(f"difference from {baseline} ({difference_unit})", fontsize=9)
        style_axes(axes)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        f"Paired differences, scenario minus {baseline}, with 95% intervals. Red: the interval "
        "excludes zero (the scenarios are distinguishable); grey: it does not. Results "
        "identical to the baseline in every replication are left out."
    )
    if total > len(rows):
        caption += f" {len(rows)} of {total} rows shown, those that differ first."
    return Figure(name, title, caption, png, svg, data=rows)


def _difference_points(axes, these: pd.DataFrame, scale: float) -> None:
    """Each row's paired difference and interval, top to bottom; red where it excludes zero."""
    y = np.arange(len(these))[::-1]
    distinguishable = these["distinguishable"].astype(str).str.lower().isin(["true", "1"])
    colours = np.where(distinguishable, COLOURS[3], "#888888")
    columns = [these[c].to_numpy(dtype=float) * scale for c in ("mean_difference", "ci_low")]
    high = these["ci_high"].to_numpy(dtype=float) * scale
    for yy, m, lo, hi, colour in zip(y, *columns, high, colours, strict=True):
        if np.isfinite(lo) and np.isfinite(hi):
            axes.plot([lo, hi], [yy, yy], color=colour, linewidth=2)
        axes.plot([m], [yy], "o", color=colour)
    axes.axvline(0, color="#333333", linewidth=1)
    axes.set_ylim(-0.7, len(these) - 0.3)


def named_forest_plot(
    comparison: pd.DataFrame | None, keys: Sequence[tuple[str, str, str]], folder: Path
) -> Figure:
    """The measures an experiment names, a panel each, side by side; a row per scenario.

    Small multiples of the first page's table: every scenario in each panel, in the same
    order, so that one scenario reads across the panels."""
    name, title = "comparison", "Each scenario against the baseline"
    if comparison is None or comparison.empty:
        return skipped(name, title, "no comparison.csv (paired differences) in this folder")
    panels = []
    for setting, group, measure in keys:
        these = comparison[
            (comparison["setting"] == setting)
            & (comparison["group"] == group)
            & (comparison["measure"] == measure)
        ]
        if len(these):
            panels.append(((setting, group, measure), these))
    if not panels:
        return skipped(name, title, "comparison.csv has none of the measures the experiment names")
    columns = min(2, len(panels))
    rows_of_panels = -(-len(panels) // columns)
    scenarios = max(len(these) for _, these in panels)
    figure = new_figure(
        11.0 if columns > 1 else 7.0, rows_of_panels * (0.3 * scenarios + 1.3) + 0.6
    )
    grid = figure.subplots(rows_of_panels, columns, squeeze=False)
    baseline = str(panels[0][1]["baseline"].iloc[0]) if "baseline" in comparison else "baseline"
    for index, ((setting, group, measure), these) in enumerate(panels):
        axes = grid[index // columns, index % columns]
        unit = str(these["unit"].iloc[0])
        _difference_points(axes, these, scale_for(unit))
        y = np.arange(len(these))[::-1]
        axes.set_yticks(y, [str(s) for s in these["scenario"]], fontsize=8)
        axes.set_title(f"{measure_words(measure)}: {row_label(setting, group)}", fontsize=10)
        difference_unit = "percentage points" if unit == "proportion" else unit_words(unit)
        axes.set_xlabel(f"difference ({difference_unit})", fontsize=9)
        axes.locator_params(axis="x", nbins=5)  # costs in pounds: long tick labels
        style_axes(axes)
    for index in range(len(panels), rows_of_panels * columns):
        grid[index // columns, index % columns].set_visible(False)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        f"The measures the experiment names: paired differences, scenario minus {baseline}, "
        "with 95% intervals. Red: the interval excludes zero; grey: it does not. Every other "
        "measure is in the figure 'Every measure against the baseline' (section 7.3) and in "
        "comparison.csv."
    )
    data = pd.concat([these for _, these in panels], ignore_index=True)
    return Figure(name, title, caption, png, svg, data=data)
