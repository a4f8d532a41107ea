"""Measures of general practice's front doors: channels, total triage and Pharmacy First.

Counts are of requests made after the warm-up. Triage waits are in hours, from the request to
the end of its triage; the slots triage took are counted in the triaging role's ``slot_use``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from caresim.models.community_pharmacy import STEP as PHARMACY_STEP
from caresim.models.model import Replication
from caresim.sim.measures import LogView, Window, mean_or_nan, p95, share
from caresim.sim.recorder import Kind

__all__ = ["front_door_measures"]

SETTING = "general_practice"
Add = Callable[[str, str, str, str, float], None]


def front_door_measures(view: LogView, result: Replication, add: Add) -> None:
    """Requests by channel, total triage and Pharmacy First, where the config has them."""
    spec = result.config.general_practice
    assert spec is not None  # measured only for a config with general practice
    window = result.window
    if spec.front_door is not None:
        _channel_rows(view, window, list(spec.front_door.channels), add)
        if spec.front_door.total_triage is not None:
            _triage_rows(view, window, add)
    if spec.pharmacy_first is not None:
        _pharmacy_rows(view, window, add)


def _channel_rows(view: LogView, window: Window, channels: list[str], add: Add) -> None:
    """How patients asked: requests by phone, online and in person, and their shares."""
    counts = {
        channel: len(
            window.since_start(
                view.rows(
                    Kind.MILESTONE, "front_door", setting=SETTING, event=f"asked_by_{channel}"
                ),
                view.time,
            )
        )
        for channel in channels
    }
    total = sum(counts.values())
    add(SETTING, "front_door", "requests", "patients", total)
    for channel, n in counts.items():
        add(SETTING, "front_door", f"asked_by_{channel}", "patients", n)
        add(SETTING, "front_door", f"asked_by_{channel}_share", "proportion", share(n, total))


def _triage_rows(view: LogView, window: Window, add: Add) -> None:
    """Requests triaged, the wait for triage, what triage decided, and the slots it took."""
    group = "triage"
    asked = window.since_start(view.rows(Kind.QUEUE, group, setting=SETTING), view.time)
    decided = view.closing(Kind.MILESTONE, asked, group)
    gave_up = view.closing(Kind.ABANDON, asked, group)
    no_slot = view.closing(Kind.MILESTONE, asked, "triage_tries")
    waits = view.time[decided] - view.time[view.ref[decided]]
    n = len(asked)
    add(SETTING, group, "requests", "patients", n)
    add(SETTING, group, "triaged", "patients", len(decided))
    add(SETTING, group, "gave_up", "patients", len(gave_up))
    add(SETTING, group, "gave_up_share", "proportion", share(len(gave_up), n))
    add(SETTING, group, "wait_mean", "hours", mean_or_nan(waits))
    add(SETTING, group, "wait_p95", "hours", p95(waits))
    first_try = view.time[no_slot] == view.time[view.ref[no_slot]]
    add(
        SETTING,
        group,
        "not_offered_first_try_share",
        "proportion",
        share(int(np.count_nonzero(first_try)), n),
    )
    names = view.label[decided]
    for label in view.log.labels:
        if label.kind == Kind.MILESTONE and label.group == group:
            to = label.event.removeprefix("triaged_to_")
            count = int(np.count_nonzero(names == label.code))
            add(SETTING, group, f"to_{to}_share", "proportion", share(count, len(decided)))
    slots = window.since_start(
        view.rows(Kind.MILESTONE, "triage_slots", setting=SETTING), view.time
    )
    add(SETTING, group, "slots_used", "slots", len(slots))
    starts = view.rows(Kind.START, group, setting=SETTING)
    ends = view.closing(Kind.END, window.since_start(starts, view.time), group)
    hours = float(np.sum(view.time[ends] - view.time[view.ref[ends]]))
    add(SETTING, group, "clinician_hours", "hours", hours)


def _pharmacy_rows(view: LogView, window: Window, add: Add) -> None:
    """Pharmacy First: patients who came, were seen, gave up, waited, and came back."""
    out = view.step(PHARMACY_STEP, window)
    group = PHARMACY_STEP
    add(SETTING, group, "arrivals", "patients", out.requests)
    add(SETTING, group, "seen", "patients", out.started)
    add(SETTING, group, "gave_up", "patients", out.abandoned)
    add(SETTING, group, "gave_up_share", "proportion", share(out.abandoned, out.requests))
    add(SETTING, group, "wait_mean", "hours", mean_or_nan(out.waits))
    add(SETTING, group, "wait_p95", "hours", p95(out.waits))
    returned = window.since_start(
        view.rows(Kind.MILESTONE, group, event=f"{PHARMACY_STEP}_returned"), view.time
    )
    add(SETTING, group, "returned_to_practice", "patients", len(returned))
    add(SETTING, group, "returned_share", "proportion", share(len(returned), out.started))
