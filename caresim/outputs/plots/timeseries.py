"""Queue length, staff busy and beds occupied over the run, with 95% bands across replications.

The time series covers the whole run, warm-up included (shaded), so that a reader can judge
whether the warm-up was long enough for the queues to settle.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from caresim.outputs.plots.common import (
    COLOURS,
    WARM_UP_COLOUR,
    Figure,
    group_words,
    new_figure,
    save_figure,
    skipped,
    style_axes,
    t_band,
)

__all__ = ["MAX_PANELS", "band_by_bin", "in_post_figure", "time_axis", "timeseries_figure"]

MAX_PANELS = 12


def time_axis(horizon_hours: float) -> tuple[float, str]:
    """Hours per axis unit and its name: days for runs of three days or more, else hours."""
    if np.isfinite(horizon_hours) and horizon_hours >= 72:
        return 24.0, "days"
    return 1.0, "hours"


def band_by_bin(series: pd.DataFrame) -> pd.DataFrame:
    """Mean of each bin across replications, with the 95% t-interval: ``time, mean, low, high, n``."""
    rows: list[tuple[float, float, float, float, int]] = []
    for time, values in series.groupby("time", sort=True)["value"]:
        assert isinstance(time, numbers.Real), "a time series is binned by number of hours"
        mean, low, high = t_band(values.to_numpy())
        rows.append((float(time), mean, low, high, int(values.notna().sum())))
    return pd.DataFrame(rows, columns=["time", "mean", "low", "high", "n"])


def timeseries_figure(
    timeseries: pd.DataFrame,
    measures: tuple[str, ...],
    title: str,
    name: str,
    horizon_hours: float,
    warm_up_hours: float,
    capacities: Mapping[str, int | None],
    folder: Path,
) -> Figure:
    """A panel per pool of one kind of level (e.g. ``queue_length``) over time."""
    wanted = timeseries[timeseries["measure"].isin(measures)]
    if wanted.empty:
        return skipped(name, title, f"no {' or '.join(measures)} series in timeseries.parquet")
    groups, flat = _pools_with_a_level(wanted)
    shown = groups[:MAX_PANELS]
    figure, grid, columns = _time_panels(len(shown))
    per_unit, unit_name = time_axis(horizon_hours)
    end = horizon_hours if np.isfinite(horizon_hours) else float(wanted["time"].max())
    bands = []
    for index, group in enumerate(shown):
        axes = grid[index // columns, index % columns]
        here = wanted[wanted["group"].astype(str) == group]
        measure, unit = str(here["measure"].iloc[0]), str(here["unit"].iloc[0])
        band = band_by_bin(here)
        # Each bin is a mean over [time, next time): drawn as steps, closed at the end of the run.
        times = np.append(band["time"].to_numpy(), max(end, band["time"].iloc[-1]))
        times = times / per_unit
        _level_panel(axes, band, times, warm_up_hours / per_unit)
        capacity = capacities.get(group)
        if capacity is not None and measure != "queue_length":
            axes.axhline(
                capacity,
                color="#555555",
                linestyle="--",
                linewidth=1,
                label="headcount" if unit == "staff" else "beds",
            )
        axes.set_title(group_words(group), fontsize=10)
        axes.set_ylabel(unit)
        axes.set_ylim(bottom=0)
        axes.set_xlim(0, times[-1])
        style_axes(axes)
        if index == 0:
            axes.legend(fontsize=8, frameon=False, loc="upper right")
        bands.append(band.assign(group=group, measure=measure, unit=unit))
    png, svg = _finish_time_panels(figure, grid, len(shown), unit_name, title, folder, name)
    replications = int(wanted["replication"].nunique()) if "replication" in wanted else 1
    caption = (
        f"Mean over {replications} replications of each bin's average, with its 95% interval"
        + (" (shaded grey: the warm-up, excluded from every measure)." if warm_up_hours else ".")
    )
    if len(groups) > len(shown):
        caption += f" The first {len(shown)} of {len(groups)} pools are shown."
    if flat:
        caption += f" Always zero, so not shown: {', '.join(group_words(g) for g in flat)}."
    return Figure(name, title, caption, png, svg, data=pd.concat(bands, ignore_index=True))


def _time_panels(count: int):
    """A figure of ``count`` panels over time sharing their time axis, two to a row (one if
    alone): the figure, its grid of axes and the number of columns."""
    columns = 1 if count == 1 else 2
    rows_of_panels = -(-count // columns)
    figure = new_figure(5.2 * columns + 0.4, 2.6 * rows_of_panels + 0.9)
    grid = figure.subplots(rows_of_panels, columns, squeeze=False, sharex=True)
    return figure, grid, columns


def _finish_time_panels(figure, grid, count: int, unit_name: str, title: str, folder, name):
    """Hide the panels past ``count``, label the time axis, title and save: (png, svg)."""
    columns = grid.shape[1]
    for index in range(count, grid.size):
        grid[index // columns, index % columns].set_visible(False)
    for axes in grid[-1, :]:
        axes.set_xlabel(f"time from the start of the run ({unit_name})")
    figure.suptitle(title, fontsize=13)
    return save_figure(figure, folder, name)


def _pools_with_a_level(wanted: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The pools to draw, and those left out because their level was always zero (a pool that
    never had anyone waiting, such as beds that turn patients away). When every pool was always
    zero, all are drawn."""
    groups = list(dict.fromkeys(wanted["group"].astype(str)))
    level = wanted.groupby(wanted["group"].astype(str))["value"].max()
    flat = [g for g in groups if not level[g] > 0]
    if len(flat) < len(groups):
        return [g for g in groups if g not in flat], flat
    return groups, []


def _level_panel(axes, band: pd.DataFrame, times: np.ndarray, warm_up: float) -> None:
    """One pool's mean level over time as steps, its 95% band, and the warm-up shaded (times
    in axis units: each bin's start, then the end of the run)."""

    def closed(values: np.ndarray) -> np.ndarray:
        return np.append(values, values[-1])

    if warm_up > 0:
        axes.axvspan(0, warm_up, color=WARM_UP_COLOUR, label="warm-up")
    if band["low"].notna().any():
        axes.fill_between(
            times,
            closed(band["low"].to_numpy()),
            closed(band["high"].to_numpy()),
            step="post",
            color=COLOURS[0],
            alpha=0.25,
            linewidth=0,
            label="95% interval",
        )
    axes.step(times, closed(band["mean"].to_numpy()), where="post", color=COLOURS[0], label="mean")


def in_post_figure(
    timeseries: pd.DataFrame | None,
    horizon_hours: float,
    warm_up_hours: float,
    posts: Mapping[str, Mapping[str, int | None]],
    folder: Path,
) -> Figure:
    """Staff in post over time in each pool whose number changes: a line per scenario.

    For a workforce plan, the headcount that moves (leavers, recruits joining after training,
    dated changes) is what the plan is about; each scenario's mean over its replications is drawn
    against that scenario's posts (``posts[scenario][pool]``, its headcount). Lines that coincide
    (scenarios with the same workforce in a pool) are drawn narrower one over another.
    """
    name, title = "in_post", "Staff in post over time, by scenario"
    if timeseries is None:
        return skipped(name, title, "no timeseries.parquet in this folder")
    wanted = timeseries[timeseries["measure"] == "in_post"]
    if wanted.empty:
        return skipped(
            name, title, "no pool's staff in post change (no leavers, recruits or dated change)"
        )
    groups = list(dict.fromkeys(wanted["group"].astype(str)))[:MAX_PANELS]
    scenarios = list(dict.fromkeys(wanted["scenario"].astype(str)))[: len(COLOURS)]
    figure, grid, columns = _time_panels(len(groups))
    per_unit, unit_name = time_axis(horizon_hours)
    lines = []
    for index, group in enumerate(groups):
        axes = grid[index // columns, index % columns]
        if warm_up_hours > 0:
            axes.axvspan(0, warm_up_hours / per_unit, color=WARM_UP_COLOUR, label="warm-up")
        for k, (colour, scenario) in enumerate(zip(COLOURS, scenarios, strict=False)):
            width = 1.2 + 1.6 * (len(scenarios) - 1 - k) / max(len(scenarios) - 1, 1)
            band = _in_post_line(
                axes, wanted, group, scenario, horizon_hours, per_unit, colour, width
            )
            if band is not None:
                lines.append(band)
            count = posts.get(scenario, {}).get(group)
            if count is not None:
                axes.axhline(count, color=colour, linestyle="--", linewidth=1)
        axes.set_title(group_words(group), fontsize=10)
        axes.set_ylabel("staff in post")
        axes.set_ylim(bottom=0)
        style_axes(axes)
        if index == 0:
            axes.legend(fontsize=8, frameon=False, loc="lower left")
    png, svg = _finish_time_panels(figure, grid, len(groups), unit_name, title, folder, name)
    caption = (
        "Each scenario's mean over its replications of the staff in post in each bin (people, "
        "not hours); dashed, in the scenario's colour, the pool's posts (its headcount). "
        "Scenarios with the same workforce in a pool have lines that coincide."
    )
    return Figure(name, title, caption, png, svg, data=pd.concat(lines, ignore_index=True))


def _in_post_line(axes, wanted, group, scenario, horizon_hours, per_unit, colour, width):
    """One scenario's staff in post in one pool as steps; the bins drawn (None if it has none)."""
    here = wanted[
        (wanted["group"].astype(str) == group) & (wanted["scenario"].astype(str) == scenario)
    ]
    if here.empty:
        return None
    band = band_by_bin(here)
    times = np.append(band["time"].to_numpy(), max(horizon_hours, band["time"].iloc[-1]))
    means = band["mean"].to_numpy()
    axes.step(
        times / per_unit,
        np.append(means, means[-1]),
        where="post",
        color=colour,
        linewidth=width,
        label=scenario,
    )
    return band.assign(group=group, scenario=scenario)
