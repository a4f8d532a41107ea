"""The run's charts for the page: waits, staff, beds, queues over time and the capacity
trade-off, drawn by :mod:`caresim.outputs.plots` and handed over as PNG images."""

from __future__ import annotations

import dataclasses
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from caresim.app.controls import words
from caresim.app.runs import TeachingRun
from caresim.models.schema import Config
from caresim.models.schema_checks import rota_named
from caresim.models.vocabulary import IC_KINDS, role_of
from caresim.outputs.plots.capacity import Demand, capacity_tradeoff, pool_demand
from caresim.outputs.plots.common import Figure, skipped
from caresim.outputs.plots.inputs import Pool, config_pools, service_units, wait_targets
from caresim.outputs.plots.pools import bed_occupancy, staff_workload
from caresim.outputs.plots.timeseries import timeseries_figure
from caresim.outputs.plots.waits import wait_intervals
from caresim.sim.units import HOURS_PER_UNIT

__all__ = [
    "CHARTS",
    "ChartImage",
    "care_pool",
    "chart_images",
    "draw_charts",
    "on_duty_demand",
    "tradeoff_figure",
    "tradeoff_image",
    "tradeoff_pools",
]

#: What each chart shows, in one line of plain words (the page puts it above the chart).
CHARTS = {
    "waits": "How long patients waited at each step of care: the mean and the 95th percentile, "
    "each with its 95% interval over replications.",
    "staff": "How busy each staff pool was: the share of its patient-facing time spent with "
    "patients, and any overtime.",
    "beds": "How full the beds and places were: mean and 95th percentile occupancy against the "
    "beds available.",
    "tradeoff": "The capacity trade-off: queueing theory's chance of waiting and mean wait for "
    "each number of staff or beds, at this run's demand, with this run's own result marked. "
    "Where the two disagree, the model is not the textbook queue: staff work a rota rather than "
    "around the clock, demand follows the hour and the weekday, patients give up or are booked "
    "days ahead, stays are not exponential; theory then shows the shape, the run the figure.",
    "queues": "Patients waiting over the run, pool by pool: the mean over replications with its "
    "95% band; the warm-up is shaded.",
}


def _steps_only(summary: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The summary without the waits of roles, pools and practices: steps of care only."""
    roles = {role_of(name, staff) for name, staff in config.staff.items()}
    practices = set(config.population.practices) if config.population is not None else set()
    others = roles | set(config.staff) | set(config.beds) | practices
    return summary[~summary["group"].isin(others)]


def draw_charts(run: TeachingRun, folder: Path) -> dict[str, Figure]:
    """The run's waits, staff, beds and queue figures, drawn into ``folder``."""
    pools = config_pools(run.document)
    capacities = {name: pool.capacity for name, pool in pools.items()}
    return {
        "waits": wait_intervals(
            _steps_only(run.summary, run.config), wait_targets(run.document), folder
        ),
        "staff": staff_workload(run.summary, pools, folder),
        "beds": bed_occupancy(run.summary, pools, folder),
        "queues": timeseries_figure(
            run.timeseries,
            ("queue_length",),
            "Patients waiting over time, by pool",
            "queue_length",
            run.horizon_hours,
            run.warm_up_hours,
            capacities,
            folder,
        ),
    }


def _mean(summary: pd.DataFrame, group: str, measure: str) -> float:
    rows = summary[(summary["group"] == group) & (summary["measure"] == measure)]["mean"]
    return float(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else math.nan


def care_pool(run: TeachingRun, name: str) -> tuple[Pool, Demand] | None:
    """A bed pool a care setting fills, and its demand in this run; None if it has none.

    Arrivals are those the pool's steps measured; the mean time a patient holds a bed comes from
    Little's law (mean occupancy over the rate of patients placed), so it includes any time
    spent waiting to leave.
    """
    config = run.config
    steps: tuple[str, ...] = ()
    arrivals = placed = math.nan
    unit = "hours"
    summary = run.summary
    if config.hospital is not None and config.hospital.acute_beds == [name]:
        steps, unit = ("admission",), "hours"
        arrivals = placed = _mean(summary, "all", "admissions")
    elif config.intermediate_care is not None:
        kinds = [
            kind
            for kind in IC_KINDS
            if getattr(config.intermediate_care, kind) is not None
            and getattr(config.intermediate_care, kind).pools == [name]
        ]
        if kinds:
            steps = tuple(f"{kind}_{way}" for kind in kinds for way in ("step_down", "step_up"))
            unit = "days"
            arrivals = sum(_mean(summary, step, "arrivals") for step in steps)
            placed = arrivals - sum(_mean(summary, step, "gave_up") for step in steps)
    occupancy = _mean(summary, name, "occupancy_mean")
    if not steps or not (run.window_hours > 0) or not placed > 0 or not math.isfinite(occupancy):
        return None
    capacity = config.beds[name].capacity
    pool = Pool(
        name,
        "beds",
        capacity if isinstance(capacity, int) else None,
        name,
        "24/7",
        "queue",
        steps,
    )
    rate = placed / run.window_hours
    return pool, Demand(arrivals / run.window_hours, occupancy / rate, unit)


def tradeoff_pools(run: TeachingRun) -> list[str]:
    """Pools the trade-off curve can be drawn for, the busiest first."""
    names = [name for name, pool in config_pools(run.document).items() if pool.services]
    names += [name for name in run.config.beds if name not in names and care_pool(run, name)]
    use = run.summary[run.summary["measure"] == "utilisation"].set_index("group")["mean"]
    busy = {name: float(use.get(name, 0.0)) if pd.notna(use.get(name)) else 0.0 for name in names}
    return sorted(names, key=lambda name: -busy[name])


def on_duty_demand(
    run: TeachingRun, pool: Pool, summary: pd.DataFrame, units: dict[str, str]
) -> Demand | None:
    """The demand on a staff pool per hour its staff spend with patients; None for a pool
    on duty around the clock, or one whose demand the summary cannot give.

    Theory's servers never go off duty. Staff on a rota meet all their work in their hours, so
    the load they carry is the work per hour on duty, not per hour of the run: the triage line
    open 50 hours a week is as busy in those hours as a line open all week with 3.4 times the
    calls.
    """
    staff = run.config.staff.get(pool.name)
    if pool.kind != "staff" or staff is None or staff.rota == "24/7":
        return None
    demand = pool_demand(summary, pool, run.window_hours, units)
    if demand is None:
        return None
    rota = rota_named(run.config, staff.rota).patient_facing(staff.patient_facing)
    on_duty = rota.hours_between(run.warm_up_hours, run.horizon_hours)
    if not on_duty > 0:
        return None
    rate = demand.arrival_rate * run.window_hours / on_duty
    return Demand(rate, demand.service_hours, demand.unit)


def _on_duty_caption(pool: Pool, demand: Demand) -> str:
    scale = HOURS_PER_UNIT.get(demand.unit, 1.0)
    unit = demand.unit
    return (
        f"Theory (lines: Erlang C (M/M/c)) at this run's demand while the staff are with "
        f"patients (rota '{pool.rota}'): {demand.arrival_rate * scale:.3g} arrivals per "
        f"{unit.rstrip('s')} on duty and a mean service time of "
        f"{demand.service_hours / scale:.3g} {unit} (offered load {demand.load:.3g} staff busy "
        "while on duty); points are simulated. Theory assumes Poisson arrivals, exponential "
        "service times and no queue left at the end of a shift: patients still waiting when "
        "the staff go home wait until the next shift, so the simulated waits are longer."
    )


def tradeoff_figure(run: TeachingRun, pool_name: str, folder: Path) -> Figure:
    """The capacity trade-off curve of one pool at this run's demand, with the run marked."""
    pools = config_pools(run.document)
    units = service_units(run.document)
    pool = pools.get(pool_name)
    # A step with no one served has no mean: leave it out rather than mark nothing.
    summary = run.summary.dropna(subset=["mean"])
    if pool is not None and pool.services:
        demand = on_duty_demand(run, pool, summary, units)
        figure = capacity_tradeoff(summary, pool, run.window_hours, units, folder, demand=demand)
        if demand is None or not figure.drawn:
            return figure
        return dataclasses.replace(figure, caption=_on_duty_caption(pool, demand))
    found = care_pool(run, pool_name)
    if found is None:
        return skipped(
            f"capacity_{pool_name}",
            f"Capacity trade-off: {words(pool_name)}",
            "no patients reached this pool in the measured period",
        )
    pool, demand = found
    return capacity_tradeoff(summary, pool, run.window_hours, units, folder, demand=demand)


@dataclass(frozen=True)
class ChartImage:
    """A drawn chart as the page shows it (PNG bytes), or why it was not drawn."""

    name: str
    title: str
    caption: str
    png: bytes | None
    skipped: str | None = None


#: Why a chart is missing, in the words of a scenario rather than of a results folder.
_NOT_DRAWN = {
    "staff": "the scenario has no staff",
    "beds": "the scenario has no beds or places",
    "queues": "no one waited",
}


def _image(name: str, figure: Figure) -> ChartImage:
    if figure.drawn and figure.png is not None:
        return ChartImage(name, figure.title, figure.caption, figure.png.read_bytes())
    return ChartImage(
        name, figure.title, figure.caption, None, _NOT_DRAWN.get(name, figure.skipped)
    )


def chart_images(run: TeachingRun) -> dict[str, ChartImage]:
    """The run's charts as images, drawn in a folder that is gone when they have been read."""
    with tempfile.TemporaryDirectory(prefix="caresim-app-") as folder:
        figures = draw_charts(run, Path(folder))
        return {name: _image(name, figure) for name, figure in figures.items()}


def tradeoff_image(run: TeachingRun, pool_name: str) -> ChartImage:
    """The trade-off curve of one pool as an image (see :func:`tradeoff_figure`)."""
    with tempfile.TemporaryDirectory(prefix="caresim-app-") as folder:
        return _image("tradeoff", tradeoff_figure(run, pool_name, Path(folder)))
