"""The capacity trade-off curve: the chance of waiting (or of being turned away) and the mean wait
against the number of staff or beds, as planners draw it.

The curve is queueing theory at the run's own demand: arrivals per hour over the measured period
and the mean time in service, both from the summary. Erlang C (M/M/c) for pools patients queue
for, Erlang B (M/G/c/c) for beds that turn patients away. The run's own results are drawn as
points at the capacity it had, and an experiment that varied the capacity adds its simulated
curve, so theory and simulation can be read against each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from caresim.outputs.plots.common import (
    COLOURS,
    Figure,
    error_bars,
    group_words,
    new_figure,
    pool_words,
    save_figure,
    skipped,
    style_axes,
)
from caresim.outputs.plots.inputs import Pool
from caresim.sim.theory import erlang_b, erlang_c, mmc_wait_mean
from caresim.sim.units import HOURS_PER_UNIT

__all__ = ["Demand", "capacity_tradeoff", "mark_capacity", "pool_demand", "theory_curve"]

MAX_SERVERS_SHOWN = 80


class Demand:
    """The demand on a pool: arrivals per hour and mean hours of service per arrival."""

    def __init__(self, arrival_rate: float, service_hours: float, unit: str) -> None:
        self.arrival_rate = arrival_rate
        self.service_hours = service_hours
        self.unit = unit  # the unit the pool's services report waits in

    @property
    def load(self) -> float:
        """Offered load in Erlangs: servers that would be busy on average with no limit."""
        return self.arrival_rate * self.service_hours


def pool_demand(
    summary: pd.DataFrame, pool: Pool, window_hours: float, units: Mapping[str, str]
) -> Demand | None:
    """The demand on a pool from the services that use it, or None if the summary cannot say."""
    if not pool.services or not (window_hours > 0):
        return None
    means = summary.set_index(["group", "measure"])["mean"]
    arrivals, busy_hours, completed_total = 0.0, 0.0, 0.0
    for service in pool.services:
        if (service, "arrivals") not in means.index:
            continue
        unit = units.get(service, "hours")
        arrivals += float(means[(service, "arrivals")])
        service_time = means.get((service, "service_time_mean"), math.nan)
        completed = float(means.get((service, "completed"), means[(service, "arrivals")]))
        if np.isfinite(service_time) and completed > 0:
            busy_hours += completed * float(service_time) * HOURS_PER_UNIT.get(unit, 1.0)
            completed_total += completed
    if arrivals <= 0 or completed_total <= 0:
        return None
    unit = units.get(pool.services[0], "hours")
    return Demand(arrivals / window_hours, busy_hours / completed_total, unit)


def theory_curve(demand: Demand, servers: np.ndarray, losses: bool) -> pd.DataFrame:
    """``servers, probability, wait`` (wait in hours; none where patients are turned away)."""
    load = demand.load
    rows = []
    for c in servers:
        c = int(c)
        if losses:
            rows.append((c, erlang_b(c, load), math.nan))
        else:
            wait = mmc_wait_mean(demand.arrival_rate, 1.0 / demand.service_hours, c)
            rows.append((c, erlang_c(c, load), wait))
    return pd.DataFrame(rows, columns=["servers", "probability", "wait_hours"])


def _server_range(load: float, current: int | None, losses: bool) -> np.ndarray:
    low = max(1, math.floor(load) - (3 if losses else 0))
    if current is not None:
        low = max(1, min(low, current - 2))
    high = max(low + 4, (current or 0) + 3)
    while high < low + MAX_SERVERS_SHOWN:
        small = erlang_b(high, load) if losses else erlang_c(high, load)
        if small < 0.005:
            break
        high += 1
    return np.arange(low, high + 1)


class _Panels:
    """The axes of one trade-off figure and what has been drawn on them."""

    def __init__(self, summary: pd.DataFrame, pool: Pool, sweep: pd.DataFrame | None) -> None:
        self.summary = summary
        self.pool = pool
        self.sweep = sweep
        self.drawn: list[pd.DataFrame] = []

    def simulated(self, axes, measure: str, factor: float) -> list[float]:
        """Draw the simulated results of ``measure``; an experiment's sweep replaces the run's.

        Returns the tops of what was drawn, for the axis limits.
        """
        pool, sweep = self.pool, self.sweep
        rows = self.summary[
            (self.summary["measure"] == measure) & self.summary["group"].isin(pool.services)
        ]
        if sweep is None and pool.capacity is not None:
            return self._points(axes, rows, factor)
        if sweep is None:
            return []
        tops = []
        for i, (group, these) in enumerate(
            sweep[sweep["measure"] == measure].groupby("group", sort=False)
        ):
            these = these.sort_values("servers")
            self.drawn.append(these)
            axes.errorbar(
                these["servers"],
                these["mean"] * factor,
                yerr=error_bars(these, factor),
                fmt="s--",
                color=COLOURS[1 + i % 2],
                capsize=3,
                zorder=3,
                label=f"simulated, experiment: {group_words(str(group))} (95% interval)",
            )
            tops.extend((these["ci_high"].fillna(these["mean"]) * factor).tolist())
        return tops

    def _points(self, axes, rows: pd.DataFrame, factor: float) -> list[float]:
        capacity = self.pool.capacity
        self.drawn.append(rows.assign(servers=capacity))
        tops = []
        for i, (_, row) in enumerate(rows.iterrows()):
            axes.errorbar(
                [capacity],
                [row["mean"] * factor],
                yerr=error_bars(row.to_frame().T, factor),
                fmt="o",
                color=COLOURS[3 + i % 3],
                capsize=4,
                zorder=4,
                label=f"simulated, this run: {group_words(row['group'])} (95% interval)",
            )
            tops.append(float(np.nanmax([row["mean"], row["ci_high"]])) * factor)
        return tops


def _wait_panel(axes, panels: _Panels, curve: pd.DataFrame, demand: Demand) -> None:
    """Mean wait against the number of servers: M/M/c and the simulated waits."""
    pool = panels.pool
    scale = HOURS_PER_UNIT.get(demand.unit, 1.0)
    waits = curve["wait_hours"] / scale
    finite = waits[np.isfinite(waits)]
    axes.plot(curve["servers"], waits, "-", color=COLOURS[0], label="theory: M/M/c mean wait")
    tops = panels.simulated(axes, "wait_mean", 1.0)
    reference = [float(finite.iloc[0]) if len(finite) else 1.0]
    if pool.capacity is not None:
        at_current = waits[curve["servers"] == pool.capacity]
        if len(at_current) and np.isfinite(at_current.iloc[0]):
            reference.append(float(at_current.iloc[0]) * 2.5)
    top = max([t for t in tops + reference if np.isfinite(t)] or [1.0])
    axes.set_ylim(0, top * 1.1 if top > 0 else 1)
    axes.set_ylabel(f"mean wait ({demand.unit})")


def mark_capacity(axes, capacity: int | None, noun: str, staff: bool) -> None:
    """The x axis in whole numbers of staff or beds, with the pool's present size marked."""
    if capacity is not None:
        axes.axvline(capacity, color="#555555", linestyle="--", linewidth=1)
        axes.annotate(
            f"now: {capacity}",
            (capacity, 0.97),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
            va="top",
        )
    axes.set_xlabel(f"number of {noun}" + (" on duty" if staff else ""))
    axes.xaxis.get_major_locator().set_params(integer=True)
    style_axes(axes)
    axes.legend(fontsize=7, frameon=False, loc="upper right")


def _caption(summary: pd.DataFrame, pool: Pool, demand: Demand, theory_label: str) -> str:
    noun = "staff" if pool.kind == "staff" else "beds"
    unit = demand.unit
    scale = HOURS_PER_UNIT.get(unit, 1.0)
    caption = (
        f"Theory (lines: {theory_label.removeprefix('theory: ')}) at this run's demand: "
        f"{demand.arrival_rate * scale:.3g} arrivals per {unit.rstrip('s')} and a mean service "
        f"time of {demand.service_hours / scale:.3g} {unit} (offered load {demand.load:.3g} "
        f"{noun} busy on average); points are simulated."
    )
    if pool.kind == "staff":
        caption += (
            " Theory assumes Poisson arrivals, exponential service times and every member of "
            "staff on duty around the clock"
            + (
                f"; these staff work the rota '{pool.rota}', so the simulated results are worse."
                if pool.rota != "24/7"
                else "."
            )
        )
    gave_up = summary[summary["group"].isin(pool.services) & (summary["measure"] == "abandoned")]
    if (gave_up["mean"].fillna(0) > 0).any():
        caption += (
            " Some patients gave up waiting, which theory leaves out: it shortens the simulated "
            "waits of those who stayed."
        )
    return caption


def capacity_tradeoff(
    summary: pd.DataFrame,
    pool: Pool,
    window_hours: float,
    units: Mapping[str, str],
    folder: Path,
    sweep: pd.DataFrame | None = None,
    demand: Demand | None = None,
) -> Figure:
    """Theory's trade-off curve for one staff pool or capped bed pool, with the simulated results.

    ``data`` of the figure holds the theory (``source`` "theory": ``servers, probability,
    wait_hours``) and the simulated points (``source`` "simulated": summary rows with
    ``servers``). ``sweep`` (from an experiment that varied this pool's size) has columns
    ``servers, group, measure, mean, ci_low, ci_high``. ``demand``, when given, replaces the
    demand read from the services using the pool: for pools a care setting fills, whose demand
    the caller measures in its own way. Unconstrained bed pools are drawn from their occupancy
    distribution instead (:func:`~caresim.outputs.plots.beds_needed.beds_needed`).
    """
    name = f"capacity_{pool.name}"
    noun = "staff" if pool.kind == "staff" else "beds"
    title = f"Capacity trade-off: {pool_words(pool.name, noun)}"
    if demand is None:
        demand = pool_demand(summary, pool, window_hours, units)
    if demand is None:
        return skipped(
            name,
            title,
            f"no arrivals or service times in summary.csv for the services using '{pool.name}'",
        )
    losses = pool.kind == "beds" and pool.when_full == "turn_away"
    servers = _server_range(demand.load, pool.capacity, losses)
    curve = theory_curve(demand, servers, losses)
    if losses:
        labels = ("turned_away_share", "% of patients turned away", "theory: Erlang B (M/G/c/c)")
    else:
        labels = ("waited_share", "% of patients who have to wait", "theory: Erlang C (M/M/c)")
    probability_measure, probability_label, theory_label = labels
    panels = _Panels(summary, pool, sweep)
    figure = new_figure(5.2 * (1 if losses else 2) + 0.6, 4.2)
    grid = figure.subplots(1, 1 if losses else 2, squeeze=False)[0]
    axes = grid[0]
    axes.plot(
        curve["servers"], curve["probability"] * 100, "-", color=COLOURS[0], label=theory_label
    )
    panels.simulated(axes, probability_measure, 100.0)
    axes.set_ylim(0, 102)
    axes.set_ylabel(probability_label)
    if not losses:
        _wait_panel(grid[1], panels, curve, demand)
    for axes in grid:
        axes.set_xlim(servers[0] - 0.5, servers[-1] + 0.5)
        mark_capacity(axes, pool.capacity, noun, pool.kind == "staff")
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    data = pd.concat(
        [
            curve.assign(source="theory", pool=pool.name, load=demand.load),
            *(d.assign(source="simulated", pool=pool.name) for d in panels.drawn),
        ],
        ignore_index=True,
    )
    caption = _caption(summary, pool, demand, theory_label)
    return Figure(name, title, caption, png, svg, data=data)
