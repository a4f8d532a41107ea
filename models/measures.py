"""The measures of a finished replication, as rows of (setting, group, measure, unit, value).

Measures are computed from the event log and the pools' hours, never counted during the run.
Times are reported in each service's ``report_in`` unit; counts are of patients whose request or
arrival fell after the warm-up.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from models.model import Replication
from sim.measures import LogView
from sim.units import from_hours

__all__ = ["Measure", "TracePoint", "measure", "time_series"]


class Measure(NamedTuple):
    """One number a replication reports."""

    setting: str
    group: str
    measure: str
    unit: str
    value: float


class TracePoint(NamedTuple):
    """One bin of a time series: the mean of a level over [time, time + interval)."""

    setting: str
    group: str
    measure: str
    unit: str
    time: float  # hours from the start of the run (the bin's start)
    value: float


def time_series(result: Replication) -> list[TracePoint]:
    """Queue length and use of every pool, averaged over bins of ``run.trace_interval``.

    The series covers the whole run, warm-up included, so that the warm-up can be judged from it.
    """
    view = LogView(result.log)
    horizon = result.window.end
    width = result.config.run.trace_interval
    edges = np.arange(0.0, horizon, width)
    edges = np.append(edges, horizon) if edges[-1] < horizon else edges
    points: list[TracePoint] = []
    for name, info in result.pools.items():
        in_use = "busy" if info.kind == "staff" else "occupancy"
        unit = "staff" if info.kind == "staff" else "beds"
        for measure_name, level, level_unit in (
            ("queue_length", view.queue_level(name), "patients"),
            (in_use, view.busy_level(name), unit),
        ):
            for start, value in zip(edges[:-1], level.binned_means(edges), strict=True):
                points.append(
                    TracePoint(
                        info.setting, name, measure_name, level_unit, float(start), float(value)
                    )
                )
    return points


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def _p95(values: np.ndarray) -> float:
    return float(np.percentile(values, 95)) if len(values) else float("nan")


def _share(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def measure(result: Replication) -> list[Measure]:
    """Every measure of one replication."""
    view = LogView(result.log)
    window = result.window
    rows: list[Measure] = []
    config = result.config

    for name, spec in config.services.items():
        out = view.step(name, window)
        unit = spec.report_in
        waits = from_hours(out.waits, unit)
        completed = len(out.service_times)
        add = lambda m, u, v, s=spec.setting, g=name: rows.append(Measure(s, g, m, u, float(v)))  # noqa: E731
        add("arrivals", "patients", out.requests)
        add("completed", "patients", completed)
        add("abandoned", "patients", out.abandoned)
        add("turned_away", "patients", out.turned_away)
        add("in_system_end", "patients", out.requests - completed - out.abandoned - out.turned_away)
        add("wait_mean", unit, _mean(waits))
        add("wait_p95", unit, _p95(waits))
        add("waited_share", "proportion", _share(np.count_nonzero(out.waits > 0), out.started))
        add("turned_away_share", "proportion", _share(out.turned_away, out.requests))
        add("service_time_mean", unit, _mean(from_hours(out.service_times, unit)))

    for name, info in result.pools.items():
        use = view.pool_use(name, window, info.capacity, info.patient_facing, info.on_duty)
        add = lambda m, u, v, s=info.setting, g=name: rows.append(Measure(s, g, m, u, float(v)))  # noqa: E731
        add("queue_length_mean", "patients", use.queue_length_mean)
        add("queue_length_max", "patients", use.queue_length_max)
        if info.kind == "staff":
            add("busy_mean", "staff", use.busy_mean)
            add("utilisation", "proportion", use.utilisation)
            add("overtime_hours", "hours", use.overtime_hours)
        else:
            add("occupancy_mean", "beds", use.busy_mean)
            add("occupancy_max", "beds", use.busy_max)
            add("occupancy_p95", "beds", _level_p95(view, name, window))
            if info.capacity is not None:
                add("utilisation", "proportion", use.utilisation)

    system = view.system(window)
    completed = system.departures.get("completed", 0)
    left = sum(n for how, n in system.departures.items() if how != "completed")
    unit = _system_unit(config)
    add = lambda m, u, v: rows.append(Measure("system", "all", m, u, float(v)))  # noqa: E731
    add("arrivals", "patients", system.arrivals)
    add("completed", "patients", completed)
    add("left", "patients", left)
    add("in_system_end", "patients", system.in_system_at_end)
    add("time_in_system_mean", unit, _mean(from_hours(system.times_in_system, unit)))
    add("time_in_system_p95", unit, _p95(from_hours(system.times_in_system, unit)))
    return rows


def _level_p95(view: LogView, pool: str, window) -> float:
    """The occupancy not exceeded 95% of the time."""
    shares = view.busy_level(pool).time_at_levels(window.start, window.end)
    cumulative = 0.0
    for level, share in shares.items():
        cumulative += share
        if cumulative >= 0.95 - 1e-12:
            return level
    return max(shares) if shares else float("nan")


def _system_unit(config) -> str:
    """The unit for whole-system times: the longest of the services' units."""
    order = ["minutes", "hours", "days", "weeks"]
    units = [spec.report_in for spec in config.services.values()] or ["hours"]
    return max(units, key=order.index)
