"""Measures of the care settings, from the event log: waits, targets, delays, discharges, costs.

District nursing has its own module, :mod:`models.measures_district_nursing`.

Each function returns rows of :class:`~models.measures.Measure` for one setting. Counts are of
requests, visits or admissions that began after the warm-up; times are in the unit a planner reads
for that setting (days for appointments and stays, hours for visits and trolley waits).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import numpy as np

from caresim.models.discharge import DELAY_EVENT, DELAY_REASONS
from caresim.models.measures_front_door import front_door_measures
from caresim.models.model import Replication
from caresim.models.schema_social_care import SOCIAL_CARE_NEEDS
from caresim.models.social_care import COMMUNITY as SOCIAL_CARE_COMMUNITY
from caresim.models.social_care import SOURCES as SOCIAL_CARE_SOURCES
from caresim.models.vocabulary import DISCHARGE_PATHWAYS, IC_KINDS
from caresim.sim.appointments import AppointmentBook
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.measures import LogView, PoolUse, Window, mean_or_nan, p95, share
from caresim.sim.monitors import Level
from caresim.sim.recorder import Kind

__all__ = [
    "ADMISSION_SOURCE_GROUP",
    "WAIT_BANDS",
    "admission_source_keys",
    "cost_measures",
    "general_practice_measures",
    "hospital_measures",
    "intermediate_care_measures",
    "social_care_measures",
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


#: The hospital's group of emergency admissions by source: measures ``from_<source>`` (general
#: practice, the emergency department, readmission, ...), so that an effect in one setting can be
#: traced to the hospital's front door.
ADMISSION_SOURCE_GROUP = "admissions"
_ADMISSION_SOURCE_PREFIX = "from_"


def admission_source_keys(
    rows: Iterable[tuple[str, str, str, float]],
) -> list[tuple[str, str, str]]:
    """Of (setting, group, measure, value) rows, the (setting, group, measure) of emergency
    admissions by source that admitted anyone in some row: once each, in the order given.

    A source that admitted no one anywhere (one the config has no path from) says nothing of a
    change, so it is left out."""
    keys: dict[tuple[str, str, str], bool] = {}
    for setting, group, measure, value in rows:
        if (
            setting == "hospital"
            and group == ADMISSION_SOURCE_GROUP
            and measure.startswith(_ADMISSION_SOURCE_PREFIX)
        ):
            key = (setting, group, measure)
            keys[key] = keys.get(key, False) or bool(value)  # NaN counts as some
    return [key for key, admitted in keys.items() if admitted]


# -- general practice ------------------------------------------------------------------------------
def general_practice_measures(view: LogView, result: Replication, add: Add) -> None:
    """Booking waits by activity, role and practice; % within target; tries; gave up; slot use.

    A year of a whole integrated care system has millions of requests, and each array of them
    is tens of megabytes: the measures that need none of them are worked out first, while
    little else is held, and added in their places; each array is let go once it has served.
    """
    spec = result.config.general_practice
    assert spec is not None  # measured only for a config with general practice
    window = result.window
    setting = "general_practice"
    years = window.length / (365.0 * HOURS_PER_DAY)
    population = result.config.population
    assert population is not None  # the config's checks require one with general practice
    registered = population.registered
    unmet: list[tuple] = []
    front_door: list[tuple] = []
    roles: list[tuple] = []
    _unmet_rows(_kept(unmet), view, window, setting, registered, years)
    front_door_measures(view, result, _kept(front_door))
    _role_rows(view, result, _kept(roles))

    requests, starts, days, within, missed = _by_activity(view, result, add)
    tried: list[tuple] = []
    tries = np.concatenate(
        [view.closing(Kind.MILESTONE, requests, f"{group}_tries") for group in spec.activities]
    )
    _try_rows(_kept(tried), view, setting, "all", requests, tries)
    asked = requests[~_planned(view, requests, spec)]
    mine = tries[view.refers_to(tries, asked)]
    _try_rows(_kept(tried), view, setting, "patient_initiated", asked, mine)
    del tries, asked, mine
    ask_to_appointment = _ask_to_appointment(view, starts)
    gave_up = view.closing(Kind.ABANDON, requests)
    waits = view.time[starts]
    waits -= view.time[view.ref[starts]]
    waits /= HOURS_PER_DAY
    _booking_rows(add, setting, "all", requests, starts, gave_up, missed, waits, days, within)
    add(setting, "all", "ask_to_appointment_mean", "days", ask_to_appointment)
    del days
    for row in tried:
        add(*row)
    add(setting, "all", "patient_hours_waiting", "hours", float(np.sum(waits) * HOURS_PER_DAY))
    add(
        setting,
        "all",
        "appointments_per_patient_year",
        "appointments",
        (len(starts) + len(missed)) / (registered * years) if registered else float("nan"),
    )
    del missed
    for row in unmet + front_door:
        add(*row)
    _practice_rows(view, add, setting, requests, starts, gave_up, waits, within)
    for row in roles:
        add(*row)


def _kept(rows: list[tuple]) -> Add:
    """An ``add`` that keeps its rows in ``rows``, to be added later."""
    return lambda *row: rows.append(row)


def _by_activity(view: LogView, result: Replication, add: Add) -> tuple[np.ndarray, ...]:
    """Each activity's measures; and the requests, appointments (starts), days waited, whether
    on time, and missed appointments of all the activities together."""
    spec = result.config.general_practice
    assert spec is not None
    parts = [
        _activity_rows(view, result.window, group, activity, add)
        for group, activity in spec.activities.items()
    ]
    # Joined one at a time, each activity's parts let go as they are joined.
    return tuple(_joined([p.pop(0) for p in parts]) for _ in range(5))


def _activity_rows(
    view: LogView, window: Window, group: str, activity, add: Add
) -> list[np.ndarray]:
    """One activity's measures; its requests, starts, days waited, on time and missed."""
    setting = "general_practice"
    requests = window.since_start(view.rows(Kind.QUEUE, group, setting=setting), view.time)
    starts = view.closing(Kind.START, requests, group)
    gave_up = view.closing(Kind.ABANDON, requests, group)
    missed = view.closing(Kind.MILESTONE, requests, group)
    days = _day_of(view.time[starts]) - _day_of(view.time[view.ref[starts]])
    waits = (view.time[starts] - view.time[view.ref[starts]]) / HOURS_PER_DAY
    within = days <= np.floor(activity.target / HOURS_PER_DAY + 1e-9)
    _booking_rows(add, setting, group, requests, starts, gave_up, missed, waits, days, within)
    add(setting, group, "ask_to_appointment_mean", "days", _ask_to_appointment(view, starts))
    no_slot = view.closing(Kind.MILESTONE, requests, f"{group}_tries")
    _try_rows(add, view, setting, group, requests, no_slot)
    _planned_rows(add, view, window, setting, group)
    return [requests, starts, days, within, missed]


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The parts end to end; the list is emptied, so that only the joined array is left."""
    joined = np.concatenate(parts)
    parts.clear()
    return joined


def _day_of(times: np.ndarray) -> np.ndarray:
    """The day of the run (0, 1, ...) of each time, as 32-bit whole numbers."""
    return np.floor(times / HOURS_PER_DAY).astype(np.int32)


def _ask_to_appointment(view: LogView, starts: np.ndarray) -> float:
    """Mean days from when the patient first asked (before any triage) to the appointment.

    A request booked by triage follows its triage decision, whose record points back to the
    triage request: the patient asked then. Other requests asked when they were made.
    """
    booked = view.ref[starts]
    asked = view.time[booked]  # a copy: an index array always makes one
    triage = [
        label.code
        for label in view.log.labels
        if label.kind == Kind.MILESTONE and label.group == "triage"
    ]
    if triage:
        triaged, before = view.preceded_by(booked, triage)
        asked[triaged] = view.time[view.ref[before[triaged]]]
        del before, triaged
    waited = view.time[starts]
    waited -= asked
    waited /= HOURS_PER_DAY
    return mean_or_nan(waited)


def _practice_rows(view: LogView, add, setting, requests, starts, gave_up, waits, within) -> None:
    """By practice: requests, waits, on time and giving up — where pooling staff shows."""
    practices = view.attribute("practice")
    practice_names = view.log.attribute_values["practice"]
    request_practice = practices[view.entity[requests]]
    start_practice = practices[view.entity[starts]]
    gave_up_practice = practices[view.entity[gave_up]]
    for code, name in enumerate(practice_names):
        asked = int(np.count_nonzero(request_practice == code))
        if name == "none" or not asked:
            continue
        mine = start_practice == code
        add(setting, name, "requests", "patients", asked)
        add(setting, name, "wait_mean", "days", mean_or_nan(waits[mine]))
        add(
            setting,
            name,
            "within_target_share",
            "proportion",
            share(int(np.count_nonzero(within[mine])), int(np.count_nonzero(mine))),
        )
        add(
            setting,
            name,
            "gave_up_share",
            "proportion",
            share(int(np.count_nonzero(gave_up_practice == code)), asked),
        )


def _try_rows(add, view: LogView, setting, group, requests, no_slot) -> None:
    """Tries to book: the mean per request, and the share not offered a slot the first time.

    The share for patient-initiated requests is the model's side of the GP Patient Survey's
    "were you offered an appointment?" (the last time the patient tried).
    """
    n = len(requests)
    first_try = view.refers_to(no_slot, requests) & (
        view.time[no_slot] == view.time[view.ref[no_slot]]
    )
    add(setting, group, "tries_mean", "tries", 1.0 + len(no_slot) / n if n else float("nan"))
    add(
        setting,
        group,
        "not_offered_first_try_share",
        "proportion",
        share(int(np.count_nonzero(first_try)), n),
    )


def _planned(view: LogView, requests: np.ndarray, spec) -> np.ndarray:
    """Whether each request is planned work: asked for when it fell due (the record before it)."""
    due_codes = [
        label.code
        for label in view.log.labels
        if label.kind == Kind.MILESTONE
        and label.event in {f"{name}_fell_due" for name in spec.activities}
    ]
    return view.preceded_by(requests, due_codes)[0]


def _planned_rows(add, view: LogView, window: Window, setting: str, group: str) -> None:
    """The planned interval: from when planned work is planned to when it falls due."""
    due = view.rows(Kind.MILESTONE, f"{group}_planned", setting=setting, event=f"{group}_fell_due")
    due = window.since_start(due, view.time)
    due = due[view.ref[due] >= 0]
    interval = (view.time[due] - view.time[view.ref[due]]) / HOURS_PER_DAY
    add(setting, group, "planned_interval_mean", "days", mean_or_nan(interval))


def _unmet_rows(add, view: LogView, window: Window, setting, registered, years) -> None:
    """People who tried, got no appointment and gave up: where they went."""
    for label in view.log.labels:
        if label.kind == Kind.MILESTONE and label.group == "unmet_demand":
            rows = window.since_start(view.rows_of_code(label.code), view.time)
            destination = label.event.removeprefix("no_appointment_to_")
            add(setting, "unmet_demand", f"to_{destination}", "patients", len(rows))
            if destination == "emergency_department" and registered:
                add(
                    setting,
                    "unmet_demand",
                    "to_emergency_department_per_1000_year",
                    "patients",
                    1000.0 * len(rows) / (registered * years),
                )


def _role_rows(view: LogView, result: Replication, add: Add) -> None:
    """By role: appointments, their share, hand-backs, and the use of the slots offered."""
    spec = result.config.general_practice
    assert spec is not None  # measured only for a config with general practice
    window = result.window
    setting = "general_practice"
    pools_of: dict[str, list[str]] = {}
    books: dict[str, AppointmentBook] = {}
    for pool, info in result.pools.items():
        if info.book is not None:
            pools_of.setdefault(info.role, []).append(pool)
            books[pool] = info.book
    days_in_window = range(
        int(window.start // HOURS_PER_DAY), int(np.ceil(window.end / HOURS_PER_DAY))
    )
    slots = _slots_by_activity_and_role(spec)
    counts: dict[str, int] = {}
    for role, pools in sorted(pools_of.items()):
        used = 0
        seen_all, missed_all = 0, 0
        for group, activity_slots in slots.items():
            if role not in activity_slots:
                continue
            seen = sum(
                len(
                    window.since_start(
                        view.rows(Kind.START, group, pool=p, setting=setting), view.time
                    )
                )
                for p in pools
            )
            missed = sum(
                len(
                    window.since_start(
                        view.rows(Kind.MILESTONE, group, pool=p, setting=setting), view.time
                    )
                )
                for p in pools
            )
            used += (seen + missed) * activity_slots[role]
            add(setting, group, f"appointments_by_{role}", "patients", seen)
            seen_all += seen
            missed_all += missed
        used += sum(
            len(window.since_start(view.rows(Kind.MILESTONE, "triage_slots", pool=p), view.time))
            for p in pools
        )
        offered = sum(books[p].offered(d) for p in pools for d in days_in_window)
        handed = window.since_start(
            view.rows(Kind.MILESTONE, role, setting=setting, event=f"handed_back_by_{role}"),
            view.time,
        )
        starts = np.concatenate(
            [window.since_start(_appointment_starts(view, p, setting), view.time) for p in pools]
        )
        counts[role] = seen_all + missed_all
        add(setting, role, "appointments", "patients", seen_all)
        add(setting, role, "slots_offered", "slots", offered)
        add(setting, role, "slot_use", "proportion", share(used, offered))
        add(setting, role, "handbacks", "patients", len(handed))
        waits_role = view.time[starts] - view.time[view.ref[starts]]
        add(setting, role, "wait_mean", "days", mean_or_nan(waits_role / HOURS_PER_DAY))
    total = sum(counts.values())
    for role, n in sorted(counts.items()):
        add(setting, role, "appointment_share", "proportion", share(n, total))
    for group, roles in spec.staff_groups.items():
        n = sum(counts.get(role, 0) for role in roles)
        add(setting, group, "appointment_share", "proportion", share(n, total))


def _appointment_starts(view: LogView, pool: str, setting: str) -> np.ndarray:
    """Starts of a pool's appointments (not its triages), in the order they were recorded."""
    rows = view.rows(Kind.START, pool=pool, setting=setting)
    triage = view.rows(Kind.START, "triage", pool=pool, setting=setting)
    return rows[~view.among(rows, triage)] if len(triage) else rows


def _slots_by_activity_and_role(spec) -> dict[str, dict[str, int]]:
    """Slots one booking takes, by activity and role (hand-backs included)."""
    handback = spec.handback_role
    fallback = next(a.roles[handback] for a in spec.activities.values() if handback in a.roles)
    slots: dict[str, dict[str, int]] = {}
    for name, activity in spec.activities.items():
        roles = dict(activity.roles)
        if handback not in roles and any(w.hands_back > 0 for w in roles.values()):
            roles[handback] = fallback
        slots[name] = {r: w.slots_for(spec.slot_length[r]) for r, w in roles.items()}
    return slots


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
        share(int(np.count_nonzero(within)), len(within)),
    )
    for band, low, high in WAIT_BANDS:
        add(
            setting,
            group,
            f"wait_share_{band}",
            "proportion",
            share(int(np.count_nonzero((days >= low) & (days <= high))), len(days)),
        )


# -- intermediate care ---------------------------------------------------------------------------
def intermediate_care_measures(view: LogView, result: Replication, add: Add) -> None:
    """Waits for a place (step-up and step-down), people who gave up, outcomes."""
    ic = result.config.intermediate_care
    window = result.window
    setting = "intermediate_care"
    starts: dict[str, int] = {}
    for kind in IC_KINDS:
        service = getattr(ic, kind)
        if service is None:
            continue
        for route in ("step_up", "step_down"):
            group = f"{kind}_{route}"
            asked = window.since_start(view.rows(Kind.QUEUE, group), view.time)
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
        for route in ("step_up", "step_down"):
            started = window.since_start(view.rows(Kind.START, f"{kind}_{route}"), view.time)
            starts[route] = starts.get(route, 0) + len(started)
        for destination in service.outcomes:
            rows = window.since_start(
                view.rows(Kind.MILESTONE, kind, setting=setting, event=f"{kind}_to_{destination}"),
                view.time,
            )
            add(setting, kind, f"discharged_to_{destination}", "patients", len(rows))

    for route, count in starts.items():
        add(setting, route, "starts", "patients", count)
        add(
            setting,
            route,
            "starts_per_1000_a_year",
            "patients",
            _per_1000_a_year(count, result.config, window),
        )


def _per_1000_a_year(count: float, config, window: Window) -> float:
    """A count in the window as a rate per 1,000 registered patients a year."""
    registered = (
        sum(p.registered for p in config.population.practices.values())
        if (config.population is not None)
        else 0
    )
    years = window.length / (365.0 * HOURS_PER_DAY)
    return float("nan") if not registered or years <= 0 else count / years / registered * 1000


# -- social care behind discharge ------------------------------------------------------------
def social_care_measures(view: LogView, result: Replication, add: Add) -> None:
    """Waits for home care and care homes, by where the patient waits (hospital or IC place)."""
    spec = result.config.social_care
    window = result.window
    for need in SOCIAL_CARE_NEEDS:
        if getattr(spec, need) is None:
            continue
        for source in SOCIAL_CARE_SOURCES:
            group = f"{need}_from_{source}"
            step = view.step(group, window)
            waits = step.waits / HOURS_PER_DAY
            add(source, group, "arrivals", "patients", step.requests)
            add(source, group, "completed", "patients", step.started)
            add(source, group, "in_system_end", "patients", step.waiting_at_end)
            add(source, group, "wait_mean", "days", mean_or_nan(waits))
            add(source, group, "wait_p95", "days", p95(waits))
        if getattr(spec, need).community is not None:
            _community_waits(view, window, need, add)


def _community_waits(view: LogView, window: Window, need: str, add: Add) -> None:
    """People waiting at home for a package or place: referred, started, left the list, waits."""
    group = f"{need}_from_{SOCIAL_CARE_COMMUNITY}"
    step = view.step(group, window)
    setting = SOCIAL_CARE_COMMUNITY
    add(setting, group, "arrivals", "patients", step.requests)
    add(setting, group, "completed", "patients", step.started)
    add(setting, group, "left_waiting_list", "patients", step.abandoned)
    add(
        setting,
        group,
        "left_waiting_list_share",
        "proportion",
        share(step.abandoned, step.requests),
    )
    add(setting, group, "in_system_end", "patients", step.waiting_at_end)
    add(setting, group, "wait_mean", "days", mean_or_nan(step.waits / HOURS_PER_DAY))


# -- hospital ------------------------------------------------------------------------------------
def _elective_rows(view: LogView, window: Window, add: Add) -> None:
    """Planned admissions: admitted, cancelled for want of a bed, and their stays."""
    setting = "hospital"
    admitted = window.since_start(
        view.rows(Kind.MILESTONE, "electives", event="elective_admitted"), view.time
    )
    cancelled = window.since_start(
        view.rows(Kind.MILESTONE, "electives", event="elective_cancelled"), view.time
    )
    add(setting, "electives", "admitted", "patients", len(admitted))
    add(setting, "electives", "cancelled", "patients", len(cancelled))
    add(
        setting,
        "electives",
        "cancelled_share",
        "proportion",
        share(len(cancelled), len(admitted) + len(cancelled)),
    )
    starts = window.since_start(view.rows(Kind.START, "elective", setting=setting), view.time)
    ends = view.closing(Kind.END, starts, "elective")
    stays = (view.time[ends] - view.time[view.ref[ends]]) / HOURS_PER_DAY
    add(setting, "electives", "length_of_stay_mean", "days", mean_or_nan(stays))


def hospital_measures(view: LogView, result: Replication, add: Add) -> None:
    """Attendances, admissions by source, trolley waits, stays, delayed discharges, avoidance."""
    config = result.config
    spec = config.hospital
    assert spec is not None  # measured only for a config with a hospital
    window = result.window
    setting = "hospital"
    days = window.length / HOURS_PER_DAY
    attendances = window.since_start(
        view.rows(Kind.MILESTONE, "emergency_department", setting=setting), view.time
    )
    add(setting, "emergency_department", "attendances", "patients", len(attendances))
    if spec.electives is not None:
        _elective_rows(view, window, add)
    registered = config.population.registered if config.population is not None else 0
    years = window.length / (365.0 * HOURS_PER_DAY)
    if registered:
        add(
            setting,
            "emergency_department",
            "attendances_per_1000_year",
            "patients",
            1000.0 * len(attendances) / (registered * years),
        )
    admitted_rows = window.since_start(
        view.rows(Kind.MILESTONE, "admissions", setting=setting), view.time
    )
    by_source: dict[str, int] = {}
    for label in view.log.labels:
        if (
            label.kind == Kind.MILESTONE
            and label.group == "admissions"
            and label.setting == setting
        ):
            rows = window.since_start(view.rows_of_code(label.code), view.time)
            by_source[label.event.removeprefix("admitted_from_")] = len(rows)
    add(setting, "all", "admissions", "patients", len(admitted_rows))
    if registered:
        add(
            setting,
            "all",
            "admissions_per_1000_year",
            "patients",
            1000.0 * len(admitted_rows) / (registered * years),
        )
    for source, count in by_source.items():
        if source != "starting_state":
            add(
                setting,
                ADMISSION_SOURCE_GROUP,
                _ADMISSION_SOURCE_PREFIX + source,
                "patients",
                count,
            )
    add(setting, "all", "readmissions", "patients", by_source.get("readmission", 0))
    avoided = window.since_start(
        view.rows(Kind.MILESTONE, "admission_avoidance", setting=setting), view.time
    )
    add(setting, "all", "admissions_avoided", "patients", len(avoided))
    response = window.since_start(
        view.rows(Kind.START, "urgent_community_response", setting=setting), view.time
    )
    add(
        setting,
        "urgent_community_response",
        "starts_per_1000_a_year",
        "patients",
        _per_1000_a_year(len(response), config, window),
    )

    # Waiting in the emergency department for a bed, and the stay itself.
    asked = window.since_start(view.rows(Kind.QUEUE, "admission", setting=setting), view.time)
    starts = view.closing(Kind.START, asked, "admission")
    ends = view.closing(Kind.END, starts, "admission")
    trolley = view.time[starts] - view.time[view.ref[starts]]
    add(setting, "admission", "wait_mean", "hours", mean_or_nan(trolley))
    add(setting, "admission", "wait_p95", "hours", p95(trolley))
    # From arrival: ED has no treatment time of its own here, so a patient admitted from ED
    # (or sent in by a GP) asks for a bed when they arrive; the 4- and 12-hour marks of the
    # national statistics count from then.
    for hours in (4, 12):
        waited = int(np.count_nonzero(trolley > hours))
        add(setting, "admission", f"waited_over_{hours}_hours", "patients", waited)
        add(
            setting,
            "admission",
            f"waited_over_{hours}_hours_share",
            "proportion",
            share(waited, len(trolley)),
        )
    if spec.trusts is not None:
        _waits_by_trust(view, result, add, starts, trolley)
    add(
        setting,
        "all",
        "length_of_stay_mean",
        "days",
        mean_or_nan((view.time[ends] - view.time[view.ref[ends]]) / HOURS_PER_DAY),
    )
    # Stays still running at the horizon are not in the mean length of stay (biased low when
    # stays are long beside the window): how many there were says how far to trust it.
    add(setting, "all", "stays_running_end", "patients", len(starts) - len(ends))
    add(setting, "all", "patient_hours_waiting", "hours", float(np.sum(trolley)))

    # Delayed discharges: from medically fit until the bed is given up, by pathway and by reason.
    for pathway in ("pathway_0", "pathway_1", "pathway_2", "pathway_3"):
        fit = view.rows(Kind.MILESTONE, pathway, setting=setting)
        add(setting, pathway, "discharges", "patients", len(window.since_start(fit, view.time)))
        level, delays = _delayed_level(view, fit, window.end)
        add(
            setting,
            pathway,
            "delayed_discharge_bed_days",
            "bed-days",
            level.mean(window.start, window.end) * days,
        )
        if pathway != "pathway_0":
            recent = view.time[fit] >= window.start
            add(setting, pathway, "delay_mean", "days", mean_or_nan(delays[recent] / HOURS_PER_DAY))
    occupied = sum(
        view.busy_level(pool).mean(window.start, window.end) * days for pool in spec.acute_beds
    )
    held_by_pool = _delay_reason_rows(view, result, add, occupied)
    for pool in spec.acute_beds:
        _occupancy_over(view, result, add, pool)
    for pool, bed_days in held_by_pool.items():
        add(setting, pool, "delayed_discharge_bed_days", "bed-days", bed_days)


def _waits_by_trust(
    view: LogView, result: Replication, add: Add, starts: np.ndarray, trolley: np.ndarray
) -> None:
    """The wait for a bed of the patients each trust admitted (to its acute or escalation beds)."""
    spec = result.config.hospital
    assert spec is not None and spec.trusts is not None
    pool_of = result.log.label_array("pool")[view.label[starts]]
    for trust in spec.trusts.values():
        mine = np.isin(pool_of, [p for p in (trust.beds, trust.escalation_beds) if p is not None])
        add("hospital", trust.beds, "admission_wait_mean", "hours", mean_or_nan(trolley[mine]))
        over = int(np.count_nonzero(trolley[mine] > 4))
        add(
            "hospital",
            trust.beds,
            "waited_over_4_hours_share",
            "proportion",
            share(over, int(mine.sum())),
        )


def _occupancy_over(view: LogView, result: Replication, add: Add, pool: str) -> None:
    """The share of time an acute bed pool is fuller than 85% and than 92%."""
    acute = result.pools[pool]
    if acute.capacity is None:
        return  # an unconstrained audit: no threshold of occupancy to be over
    window = result.window
    shares = view.busy_level(pool).time_at_levels(window.start, window.end)
    for threshold in (0.85, 0.92):
        over = sum(share for level, share in shares.items() if level > threshold * acute.capacity)
        add("hospital", pool, f"occupancy_over_{int(threshold * 100)}_share", "proportion", over)


class DelaySpells(NamedTuple):
    """Spells of delay of patients fit to leave, one per delay record: why, when, which stay."""

    reason: np.ndarray  # index into DELAY_REASONS
    start: np.ndarray  # hours
    end: np.ndarray  # hours; the end of the run for a spell still going on
    stay: np.ndarray  # the row of the stay's start (one per admission)


#: Delay reasons grouped as the national split counts them (House of Commons Library 2023).
DELAY_REASON_GROUPS = {
    "intermediate_care": ("intermediate_care_bed", "home_based_intermediate_care"),
    "other_than_capacity": ("process", "assessment"),
}


def delay_spells(view: LogView, horizon: float) -> DelaySpells:
    """Each delay record lasts until the next one of the same stay, or until the bed is given up."""
    phases = [
        view.rows(
            Kind.MILESTONE, reason, setting="hospital", event=DELAY_EVENT.format(reason=reason)
        )
        for reason in DELAY_REASONS
    ]
    reason = np.concatenate([np.full(len(rows), i) for i, rows in enumerate(phases)])
    rows = np.concatenate(phases)
    ends = view.rows(Kind.END, "admission", setting="hospital")
    every = np.concatenate((rows, ends))
    stay = view.ref[every]
    order = np.lexsort((every, view.time[every], stay))
    following = np.full(len(every), horizon)
    same = stay[order][1:] == stay[order][:-1]
    following[order[:-1][same]] = view.time[every][order[1:][same]]
    n = len(rows)
    return DelaySpells(reason, view.time[rows], following[:n], view.ref[rows])


def _delay_reason_rows(
    view: LogView, result: Replication, add: Add, occupied: float
) -> dict[str, float]:
    """Delayed bed-days, delayed patients and mean delay, by reason and in all; returns the
    delayed bed-days by the pool of the bed held."""
    window = result.window
    setting = "hospital"
    spells = delay_spells(view, window.end)
    held = np.clip(spells.end, window.start, window.end) - np.clip(
        spells.start, window.start, window.end
    )
    length = spells.end - spells.start
    began = (spells.start >= window.start) & (length > 0)
    total = float(np.sum(held)) / HOURS_PER_DAY
    for i, reason in enumerate(DELAY_REASONS):
        mine = spells.reason == i
        bed_days = float(np.sum(held[mine])) / HOURS_PER_DAY
        add(setting, reason, "delayed_discharge_bed_days", "bed-days", bed_days)
        add(setting, reason, "delayed_discharges", "patients", int(np.count_nonzero(mine & began)))
        add(
            setting, reason, "delay_mean", "days", mean_or_nan(length[mine & began] / HOURS_PER_DAY)
        )
        add(setting, reason, "delay_share", "proportion", share(bed_days, total))
    # As national statistics group the reasons: intermediate care, and other than capacity.
    for group, reasons in DELAY_REASON_GROUPS.items():
        mine = np.isin(spells.reason, [DELAY_REASONS.index(r) for r in reasons])
        bed_days = float(np.sum(held[mine])) / HOURS_PER_DAY
        add(setting, group, "delayed_discharge_bed_days", "bed-days", bed_days)
        add(setting, group, "delay_share", "proportion", share(bed_days, total))
    add(setting, "all", "delayed_discharge_bed_days", "bed-days", total)
    add(setting, "all", "delayed_discharge_share", "proportion", share(total, occupied))
    stays, per_stay = np.unique(spells.stay[began], return_inverse=True)
    delay_of_stay = np.bincount(per_stay, weights=length[began], minlength=len(stays))
    add(setting, "all", "delayed_discharges", "patients", len(stays))
    add(setting, "all", "delay_mean", "days", mean_or_nan(delay_of_stay / HOURS_PER_DAY))
    # From fit to leaving, over every overnight stay fit in the window (a day or more in bed).
    fit = np.concatenate(
        [view.rows(Kind.MILESTONE, pathway, setting=setting) for pathway in DISCHARGE_PATHWAYS]
    )
    fit = window.since_start(fit, view.time)
    overnight = fit[view.time[fit] - view.time[view.ref[fit]] >= HOURS_PER_DAY]
    delay_by_stay = dict(zip(stays.tolist(), delay_of_stay.tolist(), strict=True))
    delays = np.array([delay_by_stay.get(int(r), 0.0) for r in view.ref[overnight]])
    add(setting, "all", "fit_to_discharge_mean", "days", mean_or_nan(delays / HOURS_PER_DAY))
    stays = view.time[fit] - view.time[view.ref[fit]]
    add(
        setting,
        "all",
        "zero_day_share",
        "proportion",
        share(int(np.count_nonzero(stays < HOURS_PER_DAY)), len(fit)),
    )
    return _held_by_pool(view, result, spells, held)


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
def delayed_bed_days(view: LogView, result: Replication) -> dict[str, float]:
    """Bed-days in the window held by patients medically fit to leave, by the pool of the bed
    they hold (each acute pool, and escalation beds)."""
    window = result.window
    spells = delay_spells(view, window.end)
    held = np.clip(spells.end, window.start, window.end) - np.clip(
        spells.start, window.start, window.end
    )
    return _held_by_pool(view, result, spells, held)


def _held_by_pool(
    view: LogView, result: Replication, spells: DelaySpells, held: np.ndarray
) -> dict[str, float]:
    """Bed-days of delay ``held`` in the window by the pool of the bed each spell's stay holds."""
    pool_of = result.log.label_array("pool")[view.label[spells.stay]]
    spec = result.config.hospital
    assert spec is not None  # measured only for a config with a hospital
    pools = (*spec.acute_beds, *spec.escalation_pools)
    return {pool: float(np.sum(held[pool_of == pool])) / HOURS_PER_DAY for pool in pools}


def cost_measures(
    view: LogView, result: Replication, add: Add, pool_use: Mapping[str, PoolUse]
) -> None:
    """Staff cost (paid hours and overtime) by role, bed cost by pool, delayed-discharge cost.

    With ``costs.delayed_bed_day`` an acute or escalation bed-day held by a patient fit to leave
    is priced at that rate (``delay_cost``) and the bed pool's ``bed_cost`` counts only its other
    bed-days, so that every occupied bed-day is priced once.
    """
    costs = result.config.costs
    assert costs is not None  # measured only for a config with costs
    window = result.window
    currency = costs.currency
    total = 0.0
    staff_by_role: dict[tuple[str, str], float] = {}
    delayed: dict[str, float] = {}
    if result.config.hospital is not None and costs.delayed_bed_day is not None:
        delayed = delayed_bed_days(view, result)
        cost = sum(delayed.values()) * costs.delayed_bed_day
        add("hospital", "all", "delay_cost", currency, cost)
        total += cost
    for name, info in result.pools.items():
        if info.kind == "staff" and info.role in costs.staff_hour:
            paid = _paid_hours(info, window)
            rate = costs.staff_hour[info.role]
            overtime = pool_use[name].overtime_hours
            if info.role in costs.overtime_hour:
                cost = paid * rate + overtime * costs.overtime_hour[info.role]
            else:
                cost = (paid + overtime) * rate
            key = (info.setting, info.role)
            staff_by_role[key] = staff_by_role.get(key, 0.0) + cost
        elif info.kind == "beds" and name in costs.bed_day:
            bed_days = pool_use[name].busy_mean * window.length / HOURS_PER_DAY
            bed_days -= delayed.get(name, 0.0)  # priced in delay_cost
            cost = bed_days * costs.bed_day[name]
            add(info.setting, name, "bed_cost", currency, cost)
            total += cost
    for (setting, role), cost in sorted(staff_by_role.items()):
        add(setting, role, "staff_cost", currency, cost)
        total += cost
    total += _social_care_costs(result, add, pool_use)
    add("system", "all", "total_cost", currency, total)
    if costs.commissioned_bed_day:
        _commissioned_costs(result, add, pool_use, total, delayed)


def _social_care_costs(result: Replication, add: Add, pool_use: Mapping[str, PoolUse]) -> float:
    """Home care by the hour and care homes by the week, for the packages and places in use."""
    costs, social = result.config.costs, result.config.social_care
    assert costs is not None  # measured only for a config with costs
    total = 0.0
    days = result.window.length / HOURS_PER_DAY
    prices = (
        ("home_care", costs.home_care_hour, costs.home_care_hours_per_week / 7),
        ("care_home", costs.care_home_week, 1 / 7),
    )
    for need, price, per_day in prices:
        service = getattr(social, need, None) if social is not None else None
        if price is None or service is None:
            continue
        cost = pool_use[service.uses].busy_mean * days * per_day * price
        add("system", need, "social_care_cost", costs.currency, cost)
        total += cost
    return total


def _commissioned_costs(
    result: Replication,
    add: Add,
    pool_use: Mapping[str, PoolUse],
    total: float,
    delayed: Mapping[str, float],
) -> None:
    """Beds and places provided, occupied or not: what the capacity costs whoever commissions it.

    ``commissioned_total_cost`` is ``total_cost`` with each commissioned pool priced for the beds
    provided in place of the bed-days occupied; for the acute beds, the delayed bed-days (priced
    apart in ``delay_cost``) are inside the beds provided.
    """
    costs = result.config.costs
    assert costs is not None  # measured only for a config with costs
    days = result.window.length / HOURS_PER_DAY
    commissioned_total = total
    for name, price in costs.commissioned_bed_day.items():
        info = result.pools[name]
        cost = pool_use[name].capacity_hours / HOURS_PER_DAY * price
        add(info.setting, name, "commissioned_cost", costs.currency, cost)
        occupied = pool_use[name].busy_mean * days
        if name in delayed and costs.delayed_bed_day is not None:
            commissioned_total -= delayed[name] * costs.delayed_bed_day
            occupied -= delayed[name]
        commissioned_total += cost - occupied * costs.bed_day.get(name, 0.0)
    add("system", "all", "commissioned_total_cost", costs.currency, commissioned_total)


def _paid_hours(info, window: Window) -> float:
    """Hours on duty of a staff pool over the window: its rota's for each person in post, or
    each person's on a roster."""
    if info.people is not None:
        return sum(rota.hours_between(window.start, window.end) for rota in info.people)
    assert info.on_duty is not None  # every staff pool has its rota or its roster
    if info.in_post is not None:  # those in post at each moment: a vacant post is not paid
        shifts = list(info.on_duty.shifts(window.start, window.end))
        return info.in_post.level().integral_over(shifts, window.start)
    return (info.capacity or 0) * info.on_duty.hours_between(window.start, window.end)
