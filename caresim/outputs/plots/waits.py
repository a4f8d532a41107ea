"""How long patients waited, by setting and service, against the targets where they are known.

From the summary alone a run gives each service's mean and 95th percentile wait with their
intervals over replications. With the event log the whole distribution can be drawn: each wait is
the time from joining a service's queue (``{step}_wait``) to starting it (``{step}_begin``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from caresim.outputs.plots.common import (
    COLOURS,
    TARGET_COLOUR,
    Figure,
    error_bars,
    new_figure,
    ordered_rows,
    row_label,
    save_figure,
    setting_words,
    skipped,
    style_axes,
)
from caresim.sim.units import HOURS_PER_UNIT

__all__ = ["event_waits", "wait_distribution", "wait_intervals", "within_target"]

QUEUE_SUFFIX = "_wait"
START_SUFFIX = "_begin"
MAX_CURVE_POINTS = 400


def wait_intervals(
    summary: pd.DataFrame, targets_hours: Mapping[str, float], folder: Path
) -> Figure:
    """Mean and 95th percentile wait of every service, with intervals and targets."""
    name, title = "waits", "How long patients waited, by service"
    waits = summary[summary["measure"].isin(["wait_mean", "wait_p95"])]
    if waits.empty:
        return skipped(name, title, "no wait_mean or wait_p95 measure in summary.csv")
    waits = ordered_rows(waits)
    rows = waits.drop_duplicates(["setting", "group"])[["setting", "group", "unit"]]
    panels = list(dict.fromkeys(rows["unit"]))
    heights = [0.45 * (rows["unit"] == u).sum() + 1.4 for u in panels]
    figure = new_figure(8.0, sum(heights) + 0.6)
    axes_list = figure.subplots(len(panels), 1, squeeze=False, height_ratios=heights)[:, 0]
    drawn = []
    for axes, unit in zip(axes_list, panels, strict=True):
        these = rows[rows["unit"] == unit].reset_index(drop=True)
        drawn += _wait_panel(axes, these, waits, targets_hours, unit)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    data = pd.concat(drawn, ignore_index=True) if drawn else None
    caption = "Points are means over replications; bars are 95% intervals. " + (
        "Red ticks mark the waiting-time targets."
        if any(g in targets_hours for g in rows["group"])
        else "No waiting-time targets were given, so none are drawn."
    )
    return Figure(name, title, caption, png, svg, data=data)


def _wait_panel(
    axes,
    services: pd.DataFrame,
    waits: pd.DataFrame,
    targets_hours: Mapping[str, float],
    unit: str,
) -> list[pd.DataFrame]:
    """The services whose waits are in one unit, a row each: mean and 95th percentile wait with
    their intervals, and the target where there is one. Returns the rows drawn."""
    y = np.arange(len(services))[::-1]
    drawn = []
    for offset, (measure, label, colour, marker) in enumerate(
        [
            ("wait_mean", "mean wait", COLOURS[0], "o"),
            ("wait_p95", "95th percentile wait", COLOURS[1], "D"),
        ]
    ):
        values = services.merge(
            waits[waits["measure"] == measure], on=["setting", "group", "unit"], how="left"
        )
        present = values["mean"].notna().to_numpy()
        if not present.any():
            continue
        axes.errorbar(
            values["mean"][present],
            y[present] + (0.12 if offset == 0 else -0.12),
            xerr=error_bars(values[present]),
            fmt=marker,
            color=colour,
            capsize=3,
            label=f"{label} (95% interval)",
        )
        drawn.append(values[present].assign(measure=measure))
    _target_ticks(axes, services, y, targets_hours, unit)
    axes.set_yticks(
        y, [row_label(s, g) for s, g in zip(services["setting"], services["group"], strict=True)]
    )
    axes.set_ylim(-0.7, len(services) - 0.3)
    axes.set_xlim(left=0)
    axes.set_xlabel(f"wait ({unit})")
    style_axes(axes)
    if axes.get_legend_handles_labels()[0]:  # nothing to label when no one waited
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, fontsize=8, frameon=False
        )
    return drawn


def _target_ticks(
    axes, services: pd.DataFrame, y: np.ndarray, targets_hours: Mapping[str, float], unit: str
) -> None:
    """A red tick at the waiting-time target of each service that has one."""
    target_x, target_y = [], []
    for i, group in enumerate(services["group"]):
        if group in targets_hours:
            target_x.append(targets_hours[group] / HOURS_PER_UNIT.get(unit, 1.0))
            target_y.append(y[i])
    if target_x:
        axes.scatter(
            target_x,
            target_y,
            marker="|",
            s=400,
            linewidths=2.5,
            color=TARGET_COLOUR,
            label="target",
            zorder=3,
        )


def event_waits(events: pd.DataFrame, warm_up_hours: float) -> pd.DataFrame:
    """Every wait that ended in the start of a service, for queues joined after the warm-up.

    Columns ``run_number, entity_id, step, setting, queued, wait_hours``. A queue record is paired
    with the same entity's latest earlier queue record of the same step, so that a patient who
    comes back to a step is counted once per visit.
    """
    kind = events["event_type"].astype(str)
    event = events["event"].astype(str)
    columns = ["run_number", "entity_id", "time"]
    queued = events.loc[(kind == "queue") & event.str.endswith(QUEUE_SUFFIX), columns].copy()
    queued["step"] = event[queued.index].str.slice(0, -len(QUEUE_SUFFIX))
    queued["setting"] = events.loc[queued.index, "setting"].astype(str)
    started = events.loc[
        (kind == "resource_use") & event.str.endswith(START_SUFFIX), columns
    ].copy()
    started["step"] = event[started.index].str.slice(0, -len(START_SUFFIX))
    if queued.empty or started.empty:
        return pd.DataFrame(
            columns=["run_number", "entity_id", "step", "setting", "queued", "wait_hours"]
        )
    queued = queued.rename(columns={"time": "queued"}).sort_values("queued", kind="stable")
    started = started.rename(columns={"time": "started"}).sort_values("started", kind="stable")
    paired = pd.merge_asof(
        started,
        queued,
        left_on="started",
        right_on="queued",
        by=["run_number", "entity_id", "step"],
        direction="backward",
    ).dropna(subset=["queued"])
    paired = paired[paired["queued"] >= warm_up_hours]
    paired["wait_hours"] = paired["started"] - paired["queued"]
    return paired[["run_number", "entity_id", "step", "setting", "queued", "wait_hours"]]


def within_target(waits_hours: np.ndarray, target_hours: float) -> float:
    """The share of waits no longer than the target."""
    return float(np.mean(waits_hours <= target_hours + 1e-12)) if len(waits_hours) else np.nan


def wait_distribution(
    events: pd.DataFrame,
    warm_up_hours: float,
    units: Mapping[str, str],
    targets_hours: Mapping[str, float],
    folder: Path,
) -> Figure:
    """The share of patients seen within each wait (an ECDF per service), with targets."""
    name, title = "wait_distribution", "Share of patients seen within each wait"
    waits = event_waits(events, warm_up_hours)
    if waits.empty:
        return skipped(name, title, "the event log has no queue and service-start events")
    waits["unit"] = waits["step"].map(lambda s: units.get(s, "hours"))
    panels = ordered_rows(waits[["setting", "unit"]].drop_duplicates()).to_records(index=False)
    columns = min(2, len(panels))
    rows_of_panels = -(-len(panels) // columns)
    figure = new_figure(5.0 * columns + 0.5, 3.6 * rows_of_panels + 0.6)
    grid = figure.subplots(rows_of_panels, columns, squeeze=False)
    described = []
    for index, (setting, unit) in enumerate(panels):
        axes = grid[index // columns, index % columns]
        here = waits[(waits["setting"] == setting) & (waits["unit"] == unit)]
        upper = 0.0
        for colour, (step, these) in zip(
            COLOURS * 4, here.groupby("step", sort=False), strict=False
        ):
            seen, highest = _wait_curve(axes, these["wait_hours"], colour, str(step), unit)
            row = {"setting": setting, "step": step, "unit": unit} | seen
            upper = max(upper, highest)
            if step in targets_hours:
                scale = HOURS_PER_UNIT.get(unit, 1.0)
                target = targets_hours[step] / scale
                row["target"] = target
                row["within_target"] = within_target(these["wait_hours"].to_numpy() / scale, target)
                _target_line(axes, target, unit, row["within_target"])
                upper = max(upper, target * 1.1)
            described.append(row)
        _distribution_axes(axes, upper, unit, setting)
    for index in range(len(panels), rows_of_panels * columns):
        grid[index // columns, index % columns].set_visible(False)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        "Every wait of every replication after the warm-up, from the event log; the axis stops "
        "at the 99th percentile. Patients who gave up or were turned away are not included."
    )
    return Figure(name, title, caption, png, svg, data=pd.DataFrame(described))


def _wait_curve(
    axes, waits_hours: pd.Series, colour: str, step: str, unit: str
) -> tuple[dict, float]:
    """One service's share of patients seen within each wait, as a step curve. Returns its
    patients and the share seen without waiting, and the 99th percentile wait (where the axis
    may stop)."""
    scale = HOURS_PER_UNIT.get(unit, 1.0)
    values = np.sort(waits_hours.to_numpy()) / scale
    share = np.arange(1, len(values) + 1) / len(values)
    if len(values) > MAX_CURVE_POINTS:  # the same curve through fewer points
        keep = np.unique(np.linspace(0, len(values) - 1, MAX_CURVE_POINTS).astype(int))
        values, share = values[keep], share[keep]
    axes.step(
        np.concatenate([[0.0], values]),
        np.concatenate([[0.0], share]) * 100,
        where="post",
        color=colour,
        label=step.replace("_", " "),
    )
    seen = {
        "patients": len(waits_hours),
        "seen_without_waiting": float(np.mean(waits_hours <= 0)),
    }
    return seen, float(np.quantile(waits_hours, 0.99)) / scale


def _target_line(axes, target: float, unit: str, within: float) -> None:
    """A dashed line at a service's target wait, labelled with the share seen within it."""
    axes.axvline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.2)
    axes.annotate(
        f"target {target:g} {unit}: {within:.0%} within",
        (target, 50),
        xytext=(4, 0),
        textcoords="offset points",
        rotation=90,
        va="center",
        color=TARGET_COLOUR,
        fontsize=8,
    )


def _distribution_axes(axes, upper: float, unit: str, setting: str) -> None:
    """Axes of one setting's curves, stopping at ``upper`` (saying so when no one waited)."""
    if upper <= 0:
        axes.annotate(
            "no one waited",
            (0.5, 0.5),
            xycoords="axes fraction",
            ha="center",
            fontsize=10,
            color="#555555",
        )
    axes.set_xlim(0, upper * 1.05 if upper > 0 else 1)
    axes.set_ylim(0, 101)
    axes.set_xlabel(f"wait ({unit})")
    axes.set_ylabel("% of patients seen within this wait")
    axes.set_title(setting_words(setting), fontsize=11)
    style_axes(axes)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
