"""Figures of a finished run or experiment, written as PNG and SVG into its ``figures/`` folder.

One module per family: :mod:`~caresim.outputs.plots.waits` (waits against targets),
:mod:`~caresim.outputs.plots.timeseries` (queues and occupancy over time), :mod:`~caresim.outputs.plots.pools`
(staff workload, bed occupancy, delayed discharges), :mod:`~caresim.outputs.plots.capacity` (the capacity
trade-off curve), :mod:`~caresim.outputs.plots.comparison` (forest plot of paired differences) and
:mod:`~caresim.outputs.plots.sweeps` (response curves, heatmaps, tornado). Each returns a
:class:`Figure`, which records either the files written or why the figure was not drawn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import overload

import pandas as pd

from caresim.outputs.plots.beds_needed import beds_needed
from caresim.outputs.plots.capacity import capacity_tradeoff
from caresim.outputs.plots.common import Figure
from caresim.outputs.plots.comparison import EVERY_MEASURE, forest_plot, named_forest_plot
from caresim.outputs.plots.inputs import Pool, config_pools, service_units, wait_targets
from caresim.outputs.plots.pools import bed_occupancy, delayed_discharges, staff_workload
from caresim.outputs.plots.sweeps import (
    SweepDesign,
    heatmaps,
    response_curves,
    sensitivity_ranking,
    sweep_design,
    tornado,
)
from caresim.outputs.plots.timeseries import in_post_figure, timeseries_figure
from caresim.outputs.plots.waits import wait_distribution, wait_intervals
from caresim.outputs.results import ResultFolder

__all__ = ["MAX_CAPACITY_FIGURES", "Figure", "draw_figures", "posts_by_scenario"]

MAX_CAPACITY_FIGURES = 6
CAPACITY_PARAMETERS = {"staff": "headcount", "beds": "capacity"}


@overload
def _one_scenario(frame: pd.DataFrame, scenario: str) -> pd.DataFrame: ...
@overload
def _one_scenario(frame: pd.DataFrame | None, scenario: str) -> pd.DataFrame | None: ...
def _one_scenario(frame: pd.DataFrame | None, scenario: str) -> pd.DataFrame | None:
    """The rows of one scenario (all of them when the table has no scenario column)."""
    if frame is None or "scenario" not in frame:
        return frame
    return frame[frame["scenario"].astype(str) == scenario]


def _busiest(summary: pd.DataFrame, candidates: Mapping[str, Pool]) -> list[Pool]:
    use = summary[summary["measure"] == "utilisation"].set_index("group")["mean"]
    ranked = sorted(
        (p for p in candidates.values() if p.services),
        key=lambda p: -float(use.get(p.name, 0.0) if pd.notna(use.get(p.name)) else 0.0),
    )
    return ranked[:MAX_CAPACITY_FIGURES]


def _capacity_sweep(
    summary: pd.DataFrame, design: SweepDesign | None, pool: Pool
) -> tuple[Pool, pd.DataFrame | None]:
    """The experiment's simulated results at each size of the pool, if it swept that size."""
    if design is None:
        return pool, None
    parameter = f"{pool.kind}.{pool.name}.{CAPACITY_PARAMETERS[pool.kind]}"
    if parameter not in design.one_way:
        return pool, None
    base_value = design.value(design.baseline, parameter)
    if base_value is not None and base_value.strip().isdigit():
        pool = dataclasses.replace(pool, capacity=int(base_value.strip()))
    rows = []
    for scenario in [design.baseline, *design.one_way[parameter]]:
        value = design.value(scenario, parameter)
        if value is None or not value.strip().isdigit():
            continue
        these = summary[
            (summary["scenario"] == scenario)
            & summary["group"].isin(pool.services)
            & summary["measure"].isin(["waited_share", "turned_away_share", "wait_mean"])
        ]
        rows.append(these.assign(servers=int(value.strip())))
    if not rows:
        return pool, None
    return pool, pd.concat(rows, ignore_index=True)


def _capacity_figures(
    result: ResultFolder,
    summary: pd.DataFrame,
    pool_specs: Mapping[str, Pool],
    design: SweepDesign | None,
    units: Mapping[str, str],
    folder: Path,
) -> list[Figure]:
    """Capacity trade-offs: beds from their occupancy distribution, the busiest other pools
    from queueing theory."""
    occupancy = _one_scenario(result.occupancy, result.baseline)
    with_distribution = set(occupancy["pool"]) if occupancy is not None else set()
    beds = [p for p in pool_specs.values() if p.kind == "beds" and p.name in with_distribution]
    figures = [beds_needed(occupancy, pool, folder) for pool in beds[:MAX_CAPACITY_FIGURES]]
    # Unconstrained beds have no capacity for theory's curve to be read at: only the above.
    others = {n: p for n, p in pool_specs.items() if p.kind == "staff" or p.capacity is not None}
    for pool in _busiest(summary, others):
        pool, sweep = _capacity_sweep(result.summary, design, pool)
        figures.append(
            capacity_tradeoff(summary, pool, result.window_hours, units, folder, sweep=sweep)
        )
    if not figures:
        figures.append(
            Figure(
                "capacity",
                "Capacity trade-off",
                skipped="the config names no staff or bed pool used by a service",
            )
        )
    return figures


def draw_figures(
    result: ResultFolder,
    folder: Path | None = None,
    targets: Mapping[str, str | float] | None = None,
) -> list[Figure]:
    """Every figure the folder's results allow, drawn into ``folder`` (default ``figures/``).

    ``targets`` maps a service to its waiting-time target (a duration such as ``"2 days"``, or a
    number of hours); they add to, and override, the ``target`` of services in the config.
    For an experiment, the figures of a single run are drawn for its baseline scenario.
    """
    folder = Path(folder) if folder is not None else result.path / "figures"
    scenario = result.baseline
    config = result.config(scenario)
    summary = _one_scenario(result.summary, scenario)
    units = service_units(config)
    pool_specs = config_pools(config)
    figures = _wait_figures(result, summary, units, wait_targets(config, targets), folder)
    figures += _over_time_figures(result, pool_specs, folder)
    figures.append(
        in_post_figure(
            result.timeseries,
            result.horizon_hours,
            result.warm_up_hours,
            posts_by_scenario(result),
            folder,
        )
    )
    figures += [
        staff_workload(summary, pool_specs, folder),
        bed_occupancy(summary, pool_specs, folder),
        delayed_discharges(summary, folder),
    ]
    design = (
        sweep_design(result.scenario_settings, scenario, result.config())
        if result.is_experiment
        else None
    )
    figures += _capacity_figures(result, summary, pool_specs, design, units, folder)
    if result.is_experiment:
        named = result.named_measures
        if named:  # those first, on the experiment's first page; every measure in the results
            figures.append(named_forest_plot(result.comparison, named, folder))
            figures.append(forest_plot(result.comparison, folder, EVERY_MEASURE))
        else:
            figures.append(forest_plot(result.comparison, folder))
        figures += response_curves(result.summary, design, folder)
        figures += heatmaps(result.summary, design, folder)
        figures.append(tornado(result.comparison, design, folder))
        figures.append(sensitivity_ranking(result.sensitivity, folder))
    return figures


def _wait_figures(
    result: ResultFolder,
    summary: pd.DataFrame,
    units: Mapping[str, str],
    targets_hours: Mapping[str, float],
    folder: Path,
) -> list[Figure]:
    """Waits against their targets, and the share seen within each wait (from a run's events)."""
    figures = [wait_intervals(summary, targets_hours, folder)]
    events = result.events
    if events is not None and not result.is_experiment:
        figures.append(
            wait_distribution(events, result.warm_up_hours, units, targets_hours, folder)
        )
    else:
        figures.append(
            Figure(
                "wait_distribution",
                "Share of patients seen within each wait",
                skipped="no event log in this folder (a run with --events has one)",
            )
        )
    return figures


def posts_by_scenario(result: ResultFolder) -> dict[str, dict[str, int | None]]:
    """Each scenario's staff pools' headcounts (posts), for drawing staff in post against them:
    the base config's, with the headcounts a scenario sets itself."""
    if result.timeseries is None or "in_post" not in set(result.timeseries["measure"]):
        return {}
    base = {name: pool.capacity for name, pool in config_pools(result.config()).items()}
    design = sweep_design(result.scenario_settings, result.baseline, result.config())
    posts = {}
    for scenario in map(str, result.timeseries["scenario"].unique()):
        posts[scenario] = dict(base)
        for name in base:
            value = design.value(scenario, f"staff.{name}.headcount") if design else None
            if value is not None and value.isdigit():
                posts[scenario][name] = int(value)
    return posts


def _over_time_figures(
    result: ResultFolder, pool_specs: Mapping[str, Pool], folder: Path
) -> list[Figure]:
    """Queues, and staff busy and beds occupied, over time (the baseline's, in an experiment)."""
    timeseries = _one_scenario(result.timeseries, result.baseline)
    if timeseries is None:
        return [
            Figure(
                "queue_length",
                "Patients waiting, staff busy and beds occupied over time",
                skipped="no timeseries.parquet in this folder",
            )
        ]
    capacities = {name: pool.capacity for name, pool in pool_specs.items()}
    return [
        timeseries_figure(
            timeseries,
            measures,
            title,
            name,
            result.horizon_hours,
            result.warm_up_hours,
            capacities,
            folder,
        )
        for measures, title, name in (
            (("queue_length",), "Patients waiting over time, by pool", "queue_length"),
            (("busy", "occupancy"), "Staff busy and beds occupied over time", "in_use"),
        )
    ]
