"""The measures of a finished replication, as rows of (setting, group, measure, unit, value).

Measures are computed from the event log and the pools' hours, never counted during the run.
Times are reported in each service's ``report_in`` unit; counts are of patients whose request or
arrival fell after the warm-up. When arrival streams give their patients a class, the system's
measures are repeated per class (group ``CLASS``) and each service's per class (``SERVICE:CLASS``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from caresim.models.measures_care import (
    cost_measures,
    general_practice_measures,
    hospital_measures,
    intermediate_care_measures,
    social_care_measures,
)
from caresim.models.measures_district_nursing import district_nursing_measures
from caresim.models.measures_workforce import workforce_measures
from caresim.models.model import Replication
from caresim.models.patients import LEFT_EXITS
from caresim.sim.measures import LogView, PoolUse, mean_or_nan, p95, share
from caresim.sim.recorder import Kind
from caresim.sim.units import HOURS_PER_UNIT, canonical_unit

__all__ = ["KINDS", "Measure", "TracePoint", "group_kinds", "measure", "time_series"]

#: What the ``group`` of a measure can be.
KINDS = ("all", "step", "activity", "pool", "role", "practice", "pathway", "source", "class")


class Measure(NamedTuple):
    """One number a replication reports; ``kind`` says what ``group`` is (see :data:`KINDS`)."""

    setting: str
    group: str
    kind: str
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
    """Queue length and use of every pool, averaged over bins of ``run.trace_interval``; and
    the people in post of a staff pool whose number changes (``in_post``).

    The series covers the whole run, warm-up included, so that the warm-up can be judged from it.
    A pool has a queue-length series when patients queue for it by name (as the summary has its
    ``queue_length_mean``); those waiting for a step any of several pools may serve belong to no
    one pool.
    """
    view = LogView(result.log)
    horizon = result.window.end
    width = result.config.run.trace_interval
    edges = np.arange(0.0, horizon, width)
    edges = np.append(edges, horizon) if edges[-1] < horizon else edges
    queued_pools = {label.pool for label in result.log.labels if label.kind == Kind.QUEUE}
    points: list[TracePoint] = []
    for name, info in result.pools.items():
        in_use = "busy" if info.kind == "staff" else "occupancy"
        unit = "staff" if info.kind == "staff" else "beds"
        levels = [(in_use, view.busy_level(name), unit)]
        if name in queued_pools:
            levels.insert(0, ("queue_length", view.queue_level(name), "patients"))
        if info.in_post is not None:
            levels.append(("in_post", info.in_post.level(), "staff"))
        for measure_name, level, level_unit in levels:
            for start, value in zip(edges[:-1], level.binned_means(edges), strict=True):
                points.append(
                    TracePoint(
                        info.setting, name, measure_name, level_unit, float(start), float(value)
                    )
                )
    return points


def group_kinds(result: Replication) -> dict[str, str]:
    """What each group of the measures is: a step of care, an activity, a pool, a role, ...

    Groups not named here are steps of care (a service, an intermediate care route, the wait
    for an acute bed).
    """
    config = result.config
    kinds = {"all": "all", "admissions": "source"}
    kinds |= {f"pathway_{n}": "pathway" for n in range(4)}
    if config.population is not None:
        kinds |= {cohort: "class" for cohort in config.population.cohorts}
        kinds |= {practice: "practice" for practice in config.population.practices}
    if config.general_practice is not None:
        kinds |= {name: "activity" for name in config.general_practice.activities}
        kinds["handback"] = "activity"
    if config.district_nursing is not None:
        kinds |= {name: "activity" for name in config.district_nursing.visit_kinds}
    kinds |= {info.role: "role" for info in result.pools.values() if info.kind == "staff"}
    kinds |= {name: "pool" for name in result.pools}
    return kinds


def measure(result: Replication) -> list[Measure]:
    """Every measure of one replication."""
    view = LogView(result.log)
    window = result.window
    config = result.config
    rows: list[Measure] = []

    kinds = group_kinds(result)

    def add(setting: str, group: str, name: str, unit: str, value: float) -> None:
        rows.append(Measure(setting, group, kinds.get(group, "step"), name, unit, float(value)))

    classes = _stream_classes(config)
    for name, spec in config.services.items():
        _service_measures(view, window, name, spec, add)
        for cls, streams in classes.items():
            _service_measures(view, window, name, spec, add, f"{name}:{cls}", streams)
    pool_use = _pool_measures(view, result, add)
    workforce_measures(result, add)
    if config.general_practice is not None:
        general_practice_measures(view, result, add)
    if config.district_nursing is not None:
        district_nursing_measures(view, result, add)
    if config.intermediate_care is not None:
        intermediate_care_measures(view, result, add)
    if config.hospital is not None:
        hospital_measures(view, result, add)
    if config.social_care is not None:
        social_care_measures(view, result, add)
    if config.costs is not None:
        cost_measures(view, result, add, pool_use)
    _system_measures(view, result, rows, add)
    for cls, streams in classes.items():
        _class_measures(view, result, cls, streams, add)
    return rows


def _stream_classes(config) -> dict[str, list[str]]:
    """The arrival streams of each patient class, classes in the order streams first name them."""
    classes: dict[str, list[str]] = {}
    for stream, spec in config.arrivals.items():
        if spec.patient_class is not None:
            classes.setdefault(spec.patient_class, []).append(stream)
    return classes


def _service_measures(
    view: LogView,
    window,
    name: str,
    spec,
    add,
    group: str | None = None,
    streams: list[str] | None = None,
) -> None:
    """A service's measures: of every patient, or (``group``) of those from ``streams`` only."""
    out = view.step(name, window, streams)
    unit = spec.report_in
    setting = spec.setting
    name = group or name
    completed = len(out.service_times)
    waits = _in_unit(out.waits, unit)
    add(setting, name, "arrivals", "patients", out.requests)
    add(setting, name, "completed", "patients", completed)
    add(setting, name, "abandoned", "patients", out.abandoned)
    add(setting, name, "turned_away", "patients", out.turned_away)
    add(
        setting,
        name,
        "in_system_end",
        "patients",
        out.requests - completed - out.abandoned - out.turned_away,
    )
    add(setting, name, "wait_mean", unit, mean_or_nan(waits))
    add(setting, name, "wait_p95", unit, p95(waits))
    add(
        setting,
        name,
        "waited_share",
        "proportion",
        share(int(np.count_nonzero(out.waits > 0)), out.started),
    )
    add(setting, name, "turned_away_share", "proportion", share(out.turned_away, out.requests))
    if spec.patience is not None:
        add(setting, name, "abandoned_share", "proportion", share(out.abandoned, out.requests))
    # Of services that ended: long ones still running at the horizon are left out (biased low
    # when many are), so how many were still running is reported beside it.
    add(setting, name, "service_time_mean", unit, mean_or_nan(_in_unit(out.service_times, unit)))
    add(setting, name, "in_service_end", "patients", out.started - completed)
    add(
        setting,
        name,
        "patient_hours_waiting",
        "hours",
        float(np.sum(out.waits) + np.sum(out.abandon_waits)),
    )


def _pool_measures(view: LogView, result: Replication, add) -> dict[str, PoolUse]:
    """Queue, use, utilisation and overtime of every pool, and of every role across its pools."""
    window = result.window
    queued_pools = {label.pool for label in result.log.labels if label.kind == Kind.QUEUE}
    uses: dict[str, PoolUse] = {}
    by_role: dict[tuple[str, str], list[str]] = {}
    for name, info in result.pools.items():
        use = view.pool_use(
            name,
            window,
            info.capacity,
            info.patient_facing,
            info.on_duty,
            info.people,
            info.changes,
        )
        uses[name] = use
        setting = info.setting
        if name in queued_pools:
            add(setting, name, "queue_length_mean", "patients", use.queue_length_mean)
            add(setting, name, "queue_length_max", "patients", use.queue_length_max)
        if info.kind == "staff":
            add(setting, name, "busy_mean", "staff", use.busy_mean)
            add(setting, name, "utilisation", "proportion", use.utilisation)
            add(setting, name, "overtime_hours", "hours", use.overtime_hours)
            by_role.setdefault((setting, info.role), []).append(name)
        else:
            add(setting, name, "occupancy_mean", "beds", use.busy_mean)
            add(setting, name, "occupancy_max", "beds", use.busy_max)
            add(setting, name, "occupancy_p95", "beds", _occupancy_p95(view, name, window))
            if info.capacity is not None:
                add(setting, name, "utilisation", "proportion", use.utilisation)
    for (setting, role), pools in sorted(by_role.items()):
        if pools == [role]:
            continue  # one pool named after its role: its rows already say it all
        capacity = sum(uses[p].capacity_hours for p in pools)
        busy = sum(uses[p].busy_hours_in_capacity for p in pools)
        add(setting, role, "utilisation", "proportion", share(busy, capacity))
        add(setting, role, "overtime_hours", "hours", sum(uses[p].overtime_hours for p in pools))
        add(setting, role, "busy_mean", "staff", sum(uses[p].busy_mean for p in pools))
    _acute_beds_together(result, uses, add)
    return uses


def _acute_beds_together(result: Replication, uses: dict[str, PoolUse], add) -> None:
    """With several acute trusts, their acute beds together, as group ``acute`` (the name of the
    one pool of a place with one site), so that a target of all acute beds reads the same."""
    hospital = result.config.hospital
    if hospital is None or hospital.trusts is None or "acute" in result.pools:
        return
    pools = [uses[p] for p in hospital.acute_beds]
    add("hospital", "acute", "occupancy_mean", "beds", sum(u.busy_mean for u in pools))
    if all(result.pools[p].capacity is not None for p in hospital.acute_beds):
        busy = sum(u.busy_hours_in_capacity for u in pools)
        add(
            "hospital",
            "acute",
            "utilisation",
            "proportion",
            share(busy, sum(u.capacity_hours for u in pools)),
        )


def _system_measures(view: LogView, result: Replication, rows: list[Measure], add) -> None:
    system = view.system(result.window)
    left = sum(n for how, n in system.departures.items() if how in LEFT_EXITS)
    completed = sum(system.departures.values()) - left
    unit = _system_unit(result.config)
    add("system", "all", "arrivals", "patients", system.arrivals)
    add("system", "all", "completed", "patients", completed)
    add("system", "all", "left", "patients", left)
    add("system", "all", "in_system_end", "patients", system.in_system_at_end)
    named = set(result.config.exits)
    for how, n in sorted(system.departures.items()):
        if how not in ("completed", "abandoned", "turned_away") and how not in named:
            add("system", "all", f"departed_{how}", "patients", n)
    for how in result.config.exits:  # each named exit, even one no patient took
        add("system", "all", f"departed_{how}", "patients", system.departures.get(how, 0))
    add(
        "system",
        "all",
        "time_in_system_mean",
        unit,
        mean_or_nan(_in_unit(system.times_in_system, unit)),
    )
    add("system", "all", "time_in_system_p95", unit, p95(_in_unit(system.times_in_system, unit)))
    waiting = sum(
        r.value
        for r in rows
        if r.measure == "patient_hours_waiting" and (r.group == "all" or r.setting == "system")
    )
    add("system", "all", "patient_hours_waiting", "hours", waiting)


def _class_measures(view: LogView, result: Replication, cls: str, streams: list[str], add) -> None:
    """Arrivals, departures and time in the system of the patients of one class."""
    outcomes = [view.system(result.window, stream) for stream in streams]
    departures: dict[str, int] = {}
    for outcome in outcomes:
        for how, n in outcome.departures.items():
            departures[how] = departures.get(how, 0) + n
    left = sum(n for how, n in departures.items() if how in LEFT_EXITS)
    times = _in_unit(
        np.concatenate([o.times_in_system for o in outcomes]), _system_unit(result.config)
    )
    unit = _system_unit(result.config)
    add("system", cls, "arrivals", "patients", sum(o.arrivals for o in outcomes))
    add("system", cls, "completed", "patients", sum(departures.values()) - left)
    add("system", cls, "left", "patients", left)
    add("system", cls, "in_system_end", "patients", sum(o.in_system_at_end for o in outcomes))
    for how in result.config.exits:
        add("system", cls, f"departed_{how}", "patients", departures.get(how, 0))
    add("system", cls, "time_in_system_mean", unit, mean_or_nan(times))
    add("system", cls, "time_in_system_p95", unit, p95(times))


def _in_unit(hours: np.ndarray, unit: str) -> np.ndarray:
    """Times in hours expressed in another unit, element by element."""
    return hours / HOURS_PER_UNIT[canonical_unit(unit)]


def _occupancy_p95(view: LogView, pool: str, window) -> float:
    """The occupancy not exceeded 95% of the time."""
    shares = view.busy_level(pool).time_at_levels(window.start, window.end)
    cumulative = 0.0
    for level, fraction in shares.items():
        cumulative += fraction
        if cumulative >= 0.95 - 1e-12:
            return level
    return max(shares) if shares else float("nan")


def _system_unit(config) -> str:
    """The unit for whole-system times: days with care settings, else the services' longest."""
    if (
        config.hospital
        or config.intermediate_care
        or config.general_practice
        or config.district_nursing
    ):
        return "days"
    order = ["minutes", "hours", "days", "weeks"]
    units = [spec.report_in for spec in config.services.values()] or ["hours"]
    return max(units, key=order.index)
