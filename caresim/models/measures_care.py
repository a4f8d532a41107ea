"""Measures of the care settings, from the event log: waits, targets, delays, discharges, costs.

District nursing has its own module, :mod:`models.measures_district_nursing`.

Each function returns rows of :class:`~models.measures.Measure` for one setting. Counts are of
requests, visits or admissions that began after the warm-up; times are in the unit a planner reads
for that setting (days for appointments and stays, hours for visits and trolley waits).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from caresim.models.model import Replication
from caresim.models.vocabulary import IC_KINDS, role_of
from caresim.sim.appointments import AppointmentBook
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.measures import LogView, Window, mean_or_nan, p95, share
from caresim.sim.monitors import Level
from caresim.sim.recorder import Kind

__all__ = [
    "WAIT_BANDS",
    "cost_measures",
    "general_practice_measures",
    "hospital_measures",
    "intermediate_care_measures",
]

Add = Callable[[str, str, str, str, float], None]  # (setting, group, measure, unit, value)

#: Bands of the booking-to-appointment wait, in whole days, as national statistics count them.
WAIT_BANDS = (
    ("same_day", 0, 0),
    ("next_day", 1, 1),
    ("2_7_days", 2, 7),
    ("8_14_days", 8, 14),
    ("15_21_days", 15, 21),
    ("22_28_days", 22, 28),
    ("over_28_days", 29, 10**9),
)


def _in_window(view: LogView, rows: np.ndarray, window: Window) -> np.ndarray:
    return rows[view.time[rows] >= window.start]


# -- general practice ------------------------------------------------------------------------------
def general_practice_measures(view: LogView, result: Replication, add: Add) -> None:
    """Booking waits by activity, role and practice; % within target; gave up; use of slots."""
    config = result.config
    spec = config.general_practice
    window = result.window
    setting = "general_practice"
    activities = list(spec.activities) + ["handback"]
    practices = view.attribute("practice")
    practice_names = view.log.attribute_values["practice"]
    targets = {name: a.target for name, a in spec.activities.items()}
    targets["handback"] = 0.0
    all_requests, all_starts, all_waits_days, all_within = [], [], [], []
    for group in activities:
        requests = _in_window(view, view.rows(Kind.QUEUE, group, setting=setting), window)
        starts = view.closing(Kind.START, requests, group)
        gave_up = view.closing(Kind.ABANDON, requests, group)
        missed = view.closing(Kind.MILESTONE, requests, group)
        days = np.floor(view.time[starts] / HOURS_PER_DAY) - np.floor(
            view.time[view.ref[starts]] / HOURS_PER_DAY
        )
        waits = (view.time[starts] - view.time[view.ref[starts]]) / HOURS_PER_DAY
        within = days <= np.floor(targets[group] / HOURS_PER_DAY + 1e-9)
        all_requests.append(requests)
        all_starts.append(starts)
        all_waits_days.append(days)
        all_within.append(within)
        _booking_rows(add, setting, group, requests, starts, gave_up, missed, waits, days, within)
    requests = np.concatenate(all_requests)
    starts = np.concatenate(all_starts)
    days = np.concatenate(all_waits_days)
    within = np.concatenate(all_within)
    gave_up = view.closing(Kind.ABANDON, requests)
    missed = view.closing(Kind.MILESTONE, requests)
    waits = (view.time[starts] - view.time[view.ref[starts]]) / HOURS_PER_DAY
    _booking_rows(add, setting, "all", requests, starts, gave_up, missed, waits, days, within)
    add(setting, "all", "patient_hours_waiting", "hours", float(np.sum(waits) * HOURS_PER_DAY))

    # By practice: where pooling staff across a network shows.
    request_practice = practices[view.entity[requests]]
    start_practice = practices[view.entity[starts]]
    gave_up_practice = practices[view.entity[gave_up]]
    for code, name in enumerate(practice_names):
        if name == "none":
            continue
        asked = int(np.count_nonzero(request_practice == code))
        if not asked:
            continue
        mine = start_practice == code
        add(setting, name, "requests", "patients", asked)
        add(setting, name, "wait_mean", "days", mean_or_nan(waits[mine]))
        add(
            setting,
            name,
            "within_target_share",
            "proportion",
            share(np.count_nonzero(within[mine]), np.count_nonzero(mine)),
        )
        add(
            setting,
            name,
            "gave_up_share",
            "proportion",
            share(np.count_nonzero(gave_up_practice == code), asked),
        )

    # By role: appointments, hand-backs and the use of the slots offered.
    books = _books(config)
    roles: dict[str, list[str]] = {}
    for pool, _book in books.items():
        roles.setdefault(result.pools[pool].role, []).append(pool)
    days_in_window = range(
        int(window.start // HOURS_PER_DAY), int(np.ceil(window.end / HOURS_PER_DAY))
    )
    for role, pools in sorted(roles.items()):
        seen = np.concatenate(
            [
                _in_window(view, view.rows(Kind.START, pool=p, setting=setting), window)
                for p in pools
            ]
        )
        missed_here = sum(
            len(_in_window(view, view.rows(Kind.MILESTONE, pool=p, setting=setting), window))
            for p in pools
        )
        offered = sum(books[p].offered(d) for p in pools for d in days_in_window)
        handed = _in_window(
            view,
            view.rows(Kind.MILESTONE, role, setting=setting, event=f"handed_back_by_{role}"),
            window,
        )
        add(setting, role, "appointments", "patients", len(seen))
        add(setting, role, "slots_offered", "slots", offered)
        add(setting, role, "slot_use", "proportion", share(len(seen) + missed_here, offered))
        add(setting, role, "handbacks", "patients", len(handed))
        waits_role = view.time[seen] - view.time[view.ref[seen]]
        add(setting, role, "wait_mean", "days", mean_or_nan(waits_role / HOURS_PER_DAY))


def _booking_rows(
    add, setting, group, requests, starts, gave_up, missed, waits, days, within
) -> None:
    n = len(requests)
    add(setting, group, "arrivals", "patients", n)
    add(setting, group, "completed", "patients", len(starts))
    add(setting, group, "gave_up", "patients", len(gave_up))
    add(setting, group, "did_not_attend", "patients", len(missed))
    add(setting, group, "in_system_end", "patients", n - len(starts) - len(gave_up) - len(missed))
    add(setting, group, "gave_up_share", "proportion", share(len(gave_up), n))
    add(setting, group, "wait_mean", "days", mean_or_nan(waits))
    add(setting, group, "wait_p95", "days", p95(waits))
    add(
        setting,
        group,
        "within_target_share",
        "proportion",
        share(np.count_nonzero(within), len(within)),
    )
    for band, low, high in WAIT_BANDS:
        add(
            setting,
            group,
            f"wait_share_{band}",
            "proportion",
            share(np.count_nonzero((days >= low) & (days <= high)), len(days)),
        )


def _books(config) -> dict[str, AppointmentBook]:
    """The appointment books of the config, to count the slots they offered."""
    from caresim.models.staffing import build_rota

    gp = config.general_practice
    books = {}
    for name, staff in config.staff.items():
        role = role_of(name, staff)
        if role in gp.slot_length:
            rota = build_rota(config, staff.rota).patient_facing(staff.patient_facing)
            books[name] = AppointmentBook(name, staff.headcount, rota, gp.slot_length[role], 0.0)
    return books


# -- intermediate care ---------------------------------------------------------------------------
def intermediate_care_measures(view: LogView, result: Replication, add: Add) -> None:
    """Waits for a place (step-up and step-down), people who gave up, outcomes."""
    ic = result.config.intermediate_care
    window = result.window
    setting = "intermediate_care"
    for kind in IC_KINDS:
        service = getattr(ic, kind)
        if service is None:
            continue
        for route in ("step_up", "step_down"):
            group = f"{kind}_{route}"
            asked = _in_window(view, view.rows(Kind.QUEUE, group), window)
            started = view.closing(Kind.START, asked, group)
            gave_up = view.closing(Kind.ABANDON, asked, group)
            waits = (view.time[started] - view.time[view.ref[started]]) / HOURS_PER_DAY
            add(setting, group, "arrivals", "patients", len(asked))
            add(setting, group, "completed", "patients", len(started))
            add(setting, group, "gave_up", "patients", len(gave_up))
            add(
                setting,
                group,
                "in_system_end",
                "patients",
                len(asked) - len(started) - len(gave_up),
            )
            add(setting, group, "wait_mean", "days", mean_or_nan(waits))
            add(setting, group, "wait_p95", "days", p95(waits))
        for destination in service.outcomes:
            rows = _in_window(
                view,
                view.rows(Kind.MILESTONE, kind, setting=setting, event=f"{kind}_to_{destination}"),
                window,
            )
            add(setting, kind, f"discharged_to_{destination}", "patients", len(rows))


# -- hospital ------------------------------------------------------------------------------------
def hospital_measures(view: LogView, result: Replication, add: Add) -> None:
    """Attendances, admissions by source, trolley waits, stays, delayed discharges, avoidance."""
    config = result.config
    spec = config.hospital
    window = result.window
    setting = "hospital"
    days = window.length / HOURS_PER_DAY
    attendances = _in_window(
        view, view.rows(Kind.MILESTONE, "emergency_department", setting=setting), window
    )
    add(setting, "emergency_department", "attendances", "patients", len(attendances))
    admitted_rows = _in_window(
        view, view.rows(Kind.MILESTONE, "admissions", setting=setting), window
    )
    by_source: dict[str, int] = {}
    for label in view.log.labels:
        if (
            label.kind == Kind.MILESTONE
            and label.group == "admissions"
            and label.setting == setting
        ):
            rows = _in_window(view, view.rows_of_code(label.code), window)
            by_source[label.event.removeprefix("admitted_from_")] = len(rows)
    add(setting, "all", "admissions", "patients", len(admitted_rows))
    for source, count in by_source.items():
        if source != "starting_state":
            add(setting, "admissions", f"from_{source}", "patients", count)
    add(setting, "all", "readmissions", "patients", by_source.get("readmission", 0))
    avoided = _in_window(
        view, view.rows(Kind.MILESTONE, "admission_avoidance", setting=setting), window
    )
    add(setting, "all", "admissions_avoided", "patients", len(avoided))

    # Waiting in the emergency department for a bed, and the stay itself.
    asked = _in_window(view, view.rows(Kind.QUEUE, "admission", setting=setting), window)
    starts = view.closing(Kind.START, asked, "admission")
    ends = view.closing(Kind.END, starts, "admission")
    trolley = view.time[starts] - view.time[view.ref[starts]]
    add(setting, "admission", "wait_mean", "hours", mean_or_nan(trolley))
    add(setting, "admission", "wait_p95", "hours", p95(trolley))
    add(
        setting,
        "admission",
        "waited_over_4_hours_share",
        "proportion",
        share(np.count_nonzero(trolley > 4.0), len(trolley)),
    )
    add(
        setting,
        "all",
        "length_of_stay_mean",
        "days",
        mean_or_nan((view.time[ends] - view.time[view.ref[ends]]) / HOURS_PER_DAY),
    )
    add(setting, "all", "patient_hours_waiting", "hours", float(np.sum(trolley)))

    # Delayed discharges: from medically fit (pathways 1–3) until the bed is given up.
    all_fit = []
    total = 0.0
    for pathway in ("pathway_0", "pathway_1", "pathway_2", "pathway_3"):
        fit = view.rows(Kind.MILESTONE, pathway, setting=setting)
        discharged = _in_window(view, fit, window)
        add(setting, pathway, "discharges", "patients", len(discharged))
        if pathway == "pathway_0":
            continue
        level, delays = _delayed_level(view, fit, window.end)
        bed_days = level.mean(window.start, window.end) * days
        total += bed_days
        add(setting, pathway, "delayed_discharge_bed_days", "bed-days", bed_days)
        add(
            setting,
            pathway,
            "delay_mean",
            "days",
            mean_or_nan(delays[view.time[fit] >= window.start] / HOURS_PER_DAY)
            if len(fit)
            else float("nan"),
        )
        all_fit.append(fit)
    fit = np.concatenate(all_fit) if all_fit else np.empty(0, int)
    _, delays = _delayed_level(view, fit, window.end)
    add(setting, "all", "delayed_discharge_bed_days", "bed-days", total)
    add(
        setting,
        "all",
        "delayed_discharges",
        "patients",
        int(np.count_nonzero(view.time[fit] >= window.start)),
    )
    add(
        setting,
        "all",
        "delay_mean",
        "days",
        mean_or_nan(delays[view.time[fit] >= window.start] / HOURS_PER_DAY),
    )

    acute = result.pools[spec.beds]
    if acute.capacity is None:
        return  # an unconstrained audit: no threshold of occupancy to be over
    busy = view.busy_level(spec.beds)
    shares = busy.time_at_levels(window.start, window.end)
    for threshold in (0.85, 0.92):
        over = sum(share for level, share in shares.items() if level > threshold * acute.capacity)
        add(setting, spec.beds, f"occupancy_over_{int(threshold * 100)}_share", "proportion", over)


def _delayed_level(view: LogView, fit: np.ndarray, horizon: float) -> tuple[Level, np.ndarray]:
    """Patients fit to leave but still in their acute bed, over time; and each one's delay so far.

    A fit record and the end of its stay share the same ``ref`` (the stay's start). A patient
    still in the bed at the end of the run is delayed until then.
    """
    ends = view.rows(Kind.END, "admission")
    end_by_start = dict(zip(view.ref[ends].tolist(), view.time[ends].tolist(), strict=True))
    fit_times = view.time[fit]
    left = np.array([end_by_start.get(int(r), np.nan) for r in view.ref[fit]], dtype=float)
    closed = ~np.isnan(left)
    times = np.concatenate((fit_times, left[closed]))
    deltas = np.concatenate((np.ones(len(fit)), -np.ones(int(closed.sum()))))
    delays = np.where(closed, left, horizon) - fit_times
    return Level.from_changes(times, deltas), delays


# -- costs ---------------------------------------------------------------------------------------
def cost_measures(view: LogView, result: Replication, add: Add, pool_use: dict) -> None:
    """Staff cost (paid hours and overtime) by role, bed cost by pool, delayed-discharge cost."""
    costs = result.config.costs
    window = result.window
    currency = costs.currency
    total = 0.0
    staff_by_role: dict[tuple[str, str], float] = {}
    for name, info in result.pools.items():
        if info.kind == "staff" and info.role in costs.staff_hour:
            paid = (info.capacity or 0) * info.on_duty.hours_between(window.start, window.end)
            cost = (paid + pool_use[name].overtime_hours) * costs.staff_hour[info.role]
            key = (info.setting, info.role)
            staff_by_role[key] = staff_by_role.get(key, 0.0) + cost
        elif info.kind == "beds" and name in costs.bed_day:
            bed_days = pool_use[name].busy_mean * window.length / HOURS_PER_DAY
            cost = bed_days * costs.bed_day[name]
            add(info.setting, name, "bed_cost", currency, cost)
            total += cost
    for (setting, role), cost in sorted(staff_by_role.items()):
        add(setting, role, "staff_cost", currency, cost)
        total += cost
    add("system", "all", "total_cost", currency, total)
