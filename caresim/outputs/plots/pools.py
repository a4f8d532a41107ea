"""How hard staff and beds were worked: utilisation and overtime by role, bed occupancy, and the
hospital's delayed-discharge bed-days."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from caresim.outputs.plots.common import (
    COLOURS,
    Figure,
    error_bars,
    group_words,
    measure_words,
    new_figure,
    ordered_rows,
    row_label,
    save_figure,
    skipped,
    style_axes,
    tidy,
)
from caresim.outputs.plots.inputs import Pool

__all__ = ["bed_occupancy", "delayed_discharges", "staff_workload"]

#: Occupancy above which bed crises become regular (Bagust et al., BMJ 1999), and the planning cap
#: of general and acute beds in England (NHS Confederation, Nuffield Trust).
OCCUPANCY_REFERENCES = ((85.0, "85%: regular bed crises above this"), (92.0, "92%: planning cap"))


def _measure(summary: pd.DataFrame, measure: str, groups: list[str]) -> pd.DataFrame:
    rows = summary[(summary["measure"] == measure) & summary["group"].isin(groups)]
    return rows.set_index("group").reindex(groups).reset_index()


def _bars(axes, rows: pd.DataFrame, scale: float, colours: list[str]) -> None:
    rows = tidy(rows)
    y = np.arange(len(rows))[::-1]
    present = rows["mean"].notna().to_numpy()
    axes.barh(
        y[present],
        rows["mean"][present] * scale,
        xerr=error_bars(rows[present], scale),
        color=[c for c, p in zip(colours, present, strict=True) if p],
        capsize=3,
        height=0.5,
        error_kw={"elinewidth": 1.2},
    )
    style_axes(axes)


def staff_workload(summary: pd.DataFrame, pools: Mapping[str, Pool], folder: Path) -> Figure:
    """Utilisation and overtime of every staff pool, coloured by role."""
    name, title = "staff_workload", "How busy staff were, and their overtime, by role"
    staff = ordered_rows(summary[summary["measure"] == "busy_mean"])
    if staff.empty:
        return skipped(name, title, "no staff pools (no busy_mean measure in summary.csv)")
    groups = list(dict.fromkeys(staff["group"]))
    roles = [pools[g].role if g in pools else g for g in groups]
    palette = {role: COLOURS[i % len(COLOURS)] for i, role in enumerate(dict.fromkeys(roles))}
    colours = [palette[r] for r in roles]
    labels = [
        group_words(g) if r == g else f"{group_words(g)} ({group_words(r)})"
        for g, r in zip(groups, roles, strict=True)
    ]
    panels = [m for m in ("utilisation", "overtime_hours") if (summary["measure"] == m).any()]
    if not panels:
        return skipped(name, title, "no utilisation or overtime_hours measure in summary.csv")
    figure = new_figure(4.2 * len(panels) + 1.8, 0.45 * len(groups) + 1.8)
    grid = figure.subplots(1, len(panels), squeeze=False, sharey=True)[0]
    drawn = []
    for axes, measure in zip(grid, panels, strict=True):
        rows = _measure(summary, measure, groups)
        scale = 100.0 if measure == "utilisation" else 1.0
        _bars(axes, rows, scale, colours)
        axes.set_yticks(np.arange(len(groups))[::-1], labels)
        if measure == "utilisation":
            axes.set_xlabel("utilisation (% of time available for patients)")
            highest = rows["ci_high"].max() * 100  # NaN-skipping, and NaN when all are NaN
            axes.set_xlim(0, max(100.0, float(highest) * 1.05) if highest == highest else 100.0)
        else:
            axes.set_xlabel("overtime (hours over the measured period)")
            axes.set_xlim(left=0)
            if not (tidy(rows)["mean"].fillna(0) > 0).any():
                axes.annotate(
                    "no overtime",
                    (0.5, 0.5),
                    xycoords="axes fraction",
                    ha="center",
                    color="#555555",
                )
        axes.set_title(measure_words(measure), fontsize=11)
        drawn.append(rows.assign(measure=measure, role=roles))
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        "Bars are means over replications, whiskers 95% intervals; colours are roles. "
        "Overtime is time spent on patients outside paid hours, from tasks that ran over a shift."
    )
    return Figure(name, title, caption, png, svg, data=pd.concat(drawn, ignore_index=True))


def bed_occupancy(summary: pd.DataFrame, pools: Mapping[str, Pool], folder: Path) -> Figure:
    """Mean and 95th-percentile occupancy of every bed pool, against its capacity."""
    name, title = "bed_occupancy", "How full the beds were"
    beds = ordered_rows(summary[summary["measure"] == "occupancy_mean"])
    if beds.empty:
        return skipped(name, title, "no bed pools (no occupancy_mean measure in summary.csv)")
    groups = list(dict.fromkeys(beds["group"]))
    settings = dict(zip(beds["group"], beds["setting"], strict=False))
    labels = [row_label(settings[g], g) for g in groups]
    capacity = [pools[g].capacity if g in pools else None for g in groups]
    has_share = (
        summary["group"].isin(groups) & (summary["measure"] == "utilisation")
    ).any() and any(c is not None for c in capacity)
    figure = new_figure(10.0 if has_share else 6.0, 0.5 * len(groups) + 2.4)
    grid = figure.subplots(1, 2 if has_share else 1, squeeze=False, sharey=True)[0]
    y = np.arange(len(groups))[::-1]

    axes = grid[0]
    mean = _measure(summary, "occupancy_mean", groups)
    _bars(axes, mean, 1.0, [COLOURS[0]] * len(groups))
    p95 = _measure(summary, "occupancy_p95", groups)
    if p95["mean"].notna().any():
        axes.scatter(
            p95["mean"], y, marker="D", color=COLOURS[1], zorder=3, label="95th percentile"
        )
    known = [(c, yy) for c, yy in zip(capacity, y, strict=True) if c is not None]
    if known:
        axes.scatter(
            [c for c, _ in known],
            [yy for _, yy in known],
            marker="|",
            s=400,
            linewidths=2.5,
            color="#333333",
            zorder=3,
            label="beds available",
        )
    axes.set_yticks(y, labels)
    axes.set_xlim(left=0)
    axes.set_xlabel("beds occupied")
    axes.set_title("beds occupied: mean (bar) and 95th percentile", fontsize=10)
    axes.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2)
    data = [mean.assign(measure="occupancy_mean"), p95.assign(measure="occupancy_p95")]

    if has_share:
        axes = grid[1]
        share = _measure(summary, "utilisation", groups)
        _bars(axes, share, 100.0, [COLOURS[2]] * len(groups))
        for value, label in OCCUPANCY_REFERENCES:
            axes.axvline(value, color="#C00000", linestyle="--", linewidth=1)
            axes.annotate(
                label,
                (value, 1.0),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="top",
                ha="right",
                fontsize=7,
                color="#C00000",
            )
        axes.set_xlim(0, 100)
        axes.set_xlabel("occupancy (% of beds)")
        axes.set_title("occupancy as a share of beds", fontsize=10)
        data.append(share.assign(measure="utilisation"))
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        "Means over replications with 95% intervals. Reference lines: occupancy above 85% brings "
        "regular bed crises (Bagust et al., BMJ 1999); 92% is the planning cap for general and "
        "acute beds in England."
    )
    return Figure(name, title, caption, png, svg, data=pd.concat(data, ignore_index=True))


def delayed_discharges(summary: pd.DataFrame, folder: Path) -> Figure:
    """Bed-days spent by patients who were fit to leave but waited for the next step of care."""
    name, title = "delayed_discharges", "Bed-days lost to delayed discharges"
    rows = ordered_rows(summary[summary["measure"] == "delayed_discharge_bed_days"])
    if rows.empty:
        return skipped(name, title, "no delayed_discharge_bed_days measure in summary.csv")
    rows = rows.reset_index(drop=True)
    figure = new_figure(7.0, 0.5 * len(rows) + 1.6)
    axes = figure.subplots()
    _bars(axes, rows, 1.0, [COLOURS[3]] * len(rows))
    axes.set_yticks(
        np.arange(len(rows))[::-1],
        [row_label(s, g) for s, g in zip(rows["setting"], rows["group"], strict=True)],
    )
    axes.set_xlim(left=0)
    axes.set_xlabel(f"delayed-discharge bed-days ({rows['unit'].iloc[0]})")
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = "Means over replications with 95% intervals, over the measured period."
    return Figure(name, title, caption, png, svg, data=rows)
