"""How many beds: the simulated probability of delay for each number of beds, beside Erlang B.

Drawn from ``occupancy.csv``, as Monks et al. (BMC Health Services Research, 2016) plan beds
from an unconstrained model: with ``N`` the number of beds occupied, a patient arriving when
there are ``n`` beds finds them all full with probability ``P(N = n) / P(N ≤ n)``. For Poisson
occupancy (Poisson arrivals, any length of stay) that is Erlang B's loss probability at the mean
occupancy, which is drawn beside it: where the two part, arrivals are not Poisson (a weekly
pattern, patients coming back) or the pool was capped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from caresim.outputs.plots.capacity import mark_capacity
from caresim.outputs.plots.common import (
    COLOURS,
    Figure,
    new_figure,
    pool_words,
    save_figure,
    skipped,
)
from caresim.outputs.plots.inputs import Pool
from caresim.sim.theory import erlang_b

__all__ = ["beds_needed"]

#: Levels shown: from where the chance of delay is this high to where it is this low.
SHOWN_FROM, SHOWN_TO = 0.6, 0.002


def _shown(delay: pd.DataFrame, capacity: int | None) -> pd.DataFrame:
    inside = delay[(delay["mean"] <= SHOWN_FROM) & (delay["mean"] >= SHOWN_TO)]
    if inside.empty:
        return delay
    low, high = int(inside["beds"].min()), int(inside["beds"].max())
    if capacity is not None:
        low, high = min(low, capacity - 2), max(high, capacity)
    return delay[(delay["beds"] >= low - 1) & (delay["beds"] <= high + 1)]


def beds_needed(occupancy: pd.DataFrame | None, pool: Pool, folder: Path) -> Figure:
    """The probability of delay against the number of beds, simulated and by Erlang B.

    ``occupancy`` holds the rows of ``occupancy.csv`` for one scenario. ``data`` of the figure
    holds ``beds, source, probability, ci_low, ci_high`` (``source`` "simulated" or "theory").
    """
    name = f"beds_needed_{pool.name}"
    title = f"Beds needed: {pool_words(pool.name, 'beds')}"
    if occupancy is None or occupancy.empty:
        return skipped(name, title, "no occupancy.csv in this folder")
    rows = occupancy[occupancy["pool"] == pool.name]
    delay = rows[rows["measure"] == "delay_probability"].dropna(subset=["mean"])
    shares = rows[rows["measure"] == "time_share"]
    if delay.empty or shares.empty:
        return skipped(name, title, f"occupancy.csv has no distribution for '{pool.name}'")
    load = float((shares["beds"] * shares["mean"]).sum())
    if load <= 0:  # e.g. escalation beds no admission needed: one point, at no beds
        return skipped(name, title, f"'{pool.name}' was never occupied in this run")
    delay = _shown(delay.sort_values("beds"), pool.capacity)
    beds = delay["beds"].to_numpy(dtype=int)
    theory = np.array([erlang_b(int(n), load) if n > 0 else 1.0 for n in beds])
    figure = new_figure(6.4, 4.2)
    axes = figure.subplots()
    axes.fill_between(
        beds,
        delay["ci_low"].fillna(delay["mean"]) * 100,
        delay["ci_high"].fillna(delay["mean"]) * 100,
        color=COLOURS[1],
        alpha=0.25,
        linewidth=0,
        label="95% interval over replications",
    )
    axes.plot(beds, delay["mean"] * 100, "o-", color=COLOURS[1], markersize=3, label="simulated")
    axes.plot(
        beds, theory * 100, "-", color=COLOURS[0], label=f"Erlang B at {load:.3g} beds occupied"
    )
    axes.set_ylim(0, min(102, max(float(delay["ci_high"].max() * 100), theory.max() * 100) + 5))
    axes.set_xlim(beds[0] - 0.5, beds[-1] + 0.5)
    axes.set_ylabel("% of patients who would be delayed")
    mark_capacity(axes, pool.capacity, "beds", staff=False)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        "The chance that a patient arriving would find every bed full, for each number of "
        "beds: P(N = n) / P(N ≤ n) from the share of time the simulation spent at each "
        f"occupancy (Monks et al., 2016), beside Erlang B at the mean occupancy, {load:.3g}."
    )
    if pool.capacity is None:
        caption += " The beds were unconstrained, so no patient waited in this run."
    else:
        caption += (
            f" This pool had {pool.capacity} beds, so its occupancy never went above that and "
            "the curve reads best below it; with the pool often full, the mean occupancy "
            "understates demand and Erlang B is drawn too low."
        )
    data = pd.concat(
        [
            delay[["beds", "mean", "ci_low", "ci_high"]]
            .rename(columns={"mean": "probability"})
            .assign(source="simulated"),
            pd.DataFrame({"beds": beds, "probability": theory, "source": "theory"}),
        ],
        ignore_index=True,
    )
    return Figure(name, title, caption, png, svg, data=data)
