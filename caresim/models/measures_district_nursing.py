"""Measures of district nursing, from the event log: visits, lateness against their windows, travel.

A visit is *due* when its window opens (or when it is planned, if the window is already open);
it *starts* when the nurse arrives at the patient's home, after travelling; it is *late* when it
starts after its window closes, and its *lateness* is how long after. Visits are counted when
they fell due after the warm-up; times are in hours.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from caresim.models.model import Replication
from caresim.sim.measures import LogView, mean_or_nan, p95, share
from caresim.sim.recorder import Kind
from caresim.sim.units import HOURS_PER_UNIT

__all__ = ["district_nursing_measures"]

SETTING = "district_nursing"

Add = Callable[[str, str, str, str, float], None]  # (setting, group, measure, unit, value)


def district_nursing_measures(view: LogView, result: Replication, add: Add) -> None:
    """Visits due and made, waits, lateness by kind of visit; travel; contacts; episodes."""
    spec = result.config.district_nursing
    assert spec is not None  # measured only for a config with district nursing
    window = result.window
    due_rows, waits, lateness, travel = [], [], [], []
    for kind, visit in spec.visit_kinds.items():
        step = f"{kind}_visit"
        due = view.rows(Kind.QUEUE, step)
        due = due[view.time[due] >= window.start]
        arrived = view.rows(Kind.MILESTONE, step, event=f"{step}_arrived")
        arrived = arrived[view.refers_to(arrived, due)]
        due_at = view.time[view.ref[arrived]]
        started = view.time[arrived]
        closes = visit.daily_windows.closes_after(due_at)
        departed = view.closing(Kind.START, view.ref[arrived], step)
        due_rows.append(due)
        waits.append(started - due_at)
        lateness.append(np.maximum(started - closes, 0.0))
        travel.append(float(np.sum(started) - np.sum(view.time[departed])))
        _visit_rows(add, kind, len(due), waits[-1], lateness[-1])
    all_lateness = np.concatenate(lateness)
    visits_due = sum(len(d) for d in due_rows)
    _visit_rows(add, "all", visits_due, np.concatenate(waits), all_lateness)
    # The patient waits once the window has closed; before that the visit is on time.
    add(SETTING, "all", "patient_hours_waiting", "hours", float(np.sum(all_lateness)))
    add(SETTING, "all", "travel_hours", "hours", sum(travel))
    population = result.config.population
    if population is not None and population.registered and window.length > 0:
        years = window.length / HOURS_PER_UNIT["years"]
        add(
            SETTING,
            "all",
            "contacts_per_patient_year",
            "visits",
            len(all_lateness) / population.registered / years,
        )
    for event, measure in (
        ("episode_opened", "episodes_opened"),
        ("episode_closed", "episodes_closed"),
        ("episode_escalated", "escalations"),
    ):
        rows = view.rows(Kind.MILESTONE, "episodes", setting=SETTING, event=event)
        rows = rows[view.time[rows] >= window.start]
        add(SETTING, "episodes", measure, "episodes", len(rows))


def _visit_rows(
    add: Add, group: str, visits_due: int, waits: np.ndarray, lateness: np.ndarray
) -> None:
    late = lateness[lateness > 0]
    add(SETTING, group, "arrivals", "visits", visits_due)
    add(SETTING, group, "completed", "visits", len(waits))
    add(SETTING, group, "in_system_end", "visits", visits_due - len(waits))
    add(SETTING, group, "wait_mean", "hours", mean_or_nan(waits))
    add(SETTING, group, "wait_p95", "hours", p95(waits))
    add(SETTING, group, "late_share", "proportion", share(len(late), len(lateness)))
    add(SETTING, group, "lateness_mean", "hours", mean_or_nan(late))
