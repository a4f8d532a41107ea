"""The front door of general practice: how patients ask, and total triage before booking.

Each patient-initiated request (a new problem, a re-consultation, a return from the pharmacy)
comes by a channel: phone, online or in person. Planned work, follow-ups and hand-backs are
booked by the practice and do not pass the front door.

Where a practice uses total triage, the request is first triaged by a clinician of the triaging
role. Triage time comes out of that clinician's appointment book: a slot is taken for triage and
holds as many triages, back to back, as fit in it (two 4-minute calls in a 10-minute slot), so
triage means fewer appointments offered. A request finds the earliest triage time today (or
within the window); with none, the patient tries again later, and past the activity's patience
gives up as an unbooked request would. At the end of the triage the clinician decides the
activity the patient is booked for (its urgency), and perhaps the role, or sends the patient
elsewhere. The booking-to-appointment wait then starts, as Appointments in General Practice
counts it; the triage wait is a measure of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from caresim.models.draws import destination_draw
from caresim.models.schema_front_door import TRIAGE_EXITS, FrontDoorSpec, TotalTriageSpec
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.clock import call_later
from caresim.sim.recorder import Kind

if TYPE_CHECKING:
    from caresim.models.general_practice import GeneralPractice, _Activity

__all__ = ["FrontDoor", "SETTING"]

SETTING = "general_practice"
ROLE_SEPARATOR = "/"  # a decision "same_day/practice_nurse": the activity, then the role


class _Block:
    """A slot taken for triage: triages fill it back to back from its start."""

    __slots__ = ("clinician", "end", "next_free", "pool")

    def __init__(self, pool: str, clinician: int, start: float, end: float) -> None:
        self.pool = pool
        self.clinician = clinician
        self.next_free = start
        self.end = end

    def fit(self, now: float, need: float) -> float | None:
        """When a triage of ``need`` hours could start in this slot, or None if it does not fit."""
        at = max(self.next_free, now)
        return at if at + need <= self.end + 1e-9 else None


class _Waiting:
    """A request waiting to be triaged."""

    __slots__ = ("activity", "channel", "entity", "first", "practice", "row")

    def __init__(self, entity, activity, practice, channel, first, row) -> None:
        self.entity = entity
        self.activity = activity
        self.practice = practice
        self.channel = channel
        self.first = first  # when the patient first asked
        self.row = row  # the triage request's record


class FrontDoor:
    """Channels of the requests patients make, and the practices' total triage."""

    def __init__(self, gp: GeneralPractice, spec: FrontDoorSpec) -> None:
        context = gp.context
        log = gp.log
        self.gp = gp
        self.env = gp.env
        self.log = log
        self.channel = destination_draw(spec.channels, context, "general_practice.front_door")
        later = [c for change in context.config.changes for c in (change.channels or {})]
        self.asked_by = {
            channel: log.register(Kind.MILESTONE, f"asked_by_{channel}", "front_door", SETTING)
            for channel in dict.fromkeys([*spec.channels, *later])
        }
        self.triage = spec.total_triage
        if self.triage is not None:
            self._set_up_triage(gp, self.triage)
        for k, change in enumerate(context.config.changes):
            if (
                change.channels is not None
                or change.total_triage_practices is not None
                or change.triage_decides
            ):
                call_later(self.env, change.at, self._changed(change, k))

    def _changed(self, change, k: int):
        """From a dated change on: the channels patients ask by, the practices that triage every
        request, and what triage decides (each drawn from a stream of its own)."""

        def switch() -> None:
            if change.channels is not None:
                name = f"general_practice.front_door.change_{k}"
                self.channel = destination_draw(change.channels, self.gp.context, name)
            for asked, decision in change.triage_decides.items():
                self.decisions[asked] = destination_draw(
                    _flat_shares(decision),
                    self.gp.context,
                    f"general_practice.triage.{asked}.change_{k}",
                )
            if change.total_triage_practices is not None:
                codes = self.gp.practice_codes
                self.triaging = {codes[name] for name in change.total_triage_practices}
                for code in self.triaging:
                    self.blocks.setdefault(code, [])

        return switch

    def _set_up_triage(self, gp: GeneralPractice, triage: TotalTriageSpec) -> None:
        log = self.log
        names = triage.practices or list(gp.practice_codes)
        self.triaging = {gp.practice_codes[name] for name in names}
        self.queue = log.register(Kind.QUEUE, "triage_request", "triage", SETTING)
        self.gave_up = log.register(Kind.ABANDON, "triage_no_appointment", "triage", SETTING)
        self.no_slot = log.register(Kind.MILESTONE, "triage_no_slot", "triage_tries", SETTING)
        triagers = [pool for pool, role in gp.pool_role.items() if role == triage.by]
        self.block_taken = {
            pool: log.register(Kind.MILESTONE, "triage_slot", "triage_slots", SETTING, pool)
            for pool in triagers
        }
        self.triage_codes = {
            pool: (
                log.register(Kind.START, f"triage_{pool}_begin", "triage", SETTING, pool),
                log.register(Kind.END, f"triage_{pool}_end", "triage", SETTING, pool),
            )
            for pool in triagers
        }
        self.decisions: dict[str, Callable[[], str]] = {}
        outcomes: set[str] = set()
        for asked, decision in triage.decides.items():
            shares = _flat_shares(decision)
            outcomes |= set(shares)
            self.decisions[asked] = destination_draw(
                shares, gp.context, f"general_practice.triage.{asked}"
            )
        for change in gp.context.config.changes:  # what later decisions may send patients to
            for decision in change.triage_decides.values():
                outcomes |= set(_flat_shares(decision))
        self.decided = {
            name: log.register(Kind.MILESTONE, f"triaged_to_{name}", "triage", SETTING)
            for name in sorted({to.partition(ROLE_SEPARATOR)[0] for to in outcomes})
        }
        self.blocks: dict[int, list[_Block]] = {code: [] for code in self.triaging}

    # -- asking ------------------------------------------------------------------------------------
    def ask(self, entity: int, activity: _Activity, practice: int) -> None:
        """A patient asks their practice for ``activity`` by one of the channels."""
        channel = self.channel()
        now = self.env._now
        self.log.record(entity, self.asked_by[channel], now)
        triage = self.triage
        if triage is None or practice not in self.triaging or activity.name not in self.decisions:
            self.gp.ask(entity, activity, practice)
            return
        row = self.log.record(entity, self.queue, now)
        self._find_triage_time(_Waiting(entity, activity, practice, channel, now, row))

    # -- triage ------------------------------------------------------------------------------------
    def _find_triage_time(self, waiting: _Waiting) -> None:
        triage = self.triage
        assert triage is not None  # only requests to triage come here
        now = self.env._now
        need = triage.channel_time(waiting.channel)
        found = self._time_in_open_slot(waiting.practice, now, need)
        if found is None:
            found = self._take_slot(waiting, now, need, triage)
        if found is not None:
            at, block = found
            call_later(self.env, at - now, lambda: self._triage(waiting, block, need))
            return
        self.log.record(waiting.entity, self.no_slot, now, -1, waiting.row)
        spec = self.gp.spec
        if now - waiting.first + spec.retry_every <= waiting.activity.spec.patience + 1e-6:
            call_later(self.env, spec.retry_every, lambda: self._find_triage_time(waiting))
            return
        self.log.record(waiting.entity, self.gave_up, now, -1, waiting.row)
        self.gp.no_appointment(waiting.entity, waiting.activity, waiting.row)

    def _time_in_open_slot(
        self, practice: int, now: float, need: float
    ) -> tuple[float, _Block] | None:
        blocks = self.blocks[practice]
        blocks[:] = [b for b in blocks if b.end > now]
        for block in blocks:
            at = block.fit(now, need)
            if at is not None:
                block.next_free = at + need
                return at, block
        return None

    def _take_slot(
        self, waiting: _Waiting, now: float, need: float, triage
    ) -> tuple[float, _Block] | None:
        """Take the earliest free slot of a triaging clinician, today or within the window."""
        latest = (math.floor(now / HOURS_PER_DAY) + 1) * HOURS_PER_DAY + triage.within
        best = None
        for book in self.gp.books_for.get((waiting.practice, triage.by), ()):
            slot = book.earliest(now, latest, now, True, 1)
            if slot is not None and (best is None or slot.time < best.time):
                best = slot
        if best is None:
            return None
        best.book.take(best)
        self.log.record(waiting.entity, self.block_taken[best.book.name], now, best.clinician)
        block = _Block(best.book.name, best.clinician, best.time, best.time + best.book.slot)
        self.blocks[waiting.practice].append(block)
        at = block.fit(now, need)
        assert at is not None  # a triage is never longer than a slot (checked with the config)
        block.next_free = at + need
        return at, block

    def _triage(self, waiting: _Waiting, block: _Block, need: float) -> None:
        """The clinician triages the request: it takes ``need`` hours of their time."""
        begin, end = self.triage_codes[block.pool]
        log = self.log
        start_row = log.record(waiting.entity, begin, self.env._now, block.clinician, waiting.row)

        def done() -> None:
            log.record(waiting.entity, end, self.env._now, block.clinician, start_row)
            self._decide(waiting)

        call_later(self.env, need, done)

    def _decide(self, waiting: _Waiting) -> None:
        to = self.decisions[waiting.activity.name]()
        entity = waiting.entity
        name, _, role = to.partition(ROLE_SEPARATOR)
        self.log.record(entity, self.decided[name], self.env._now, -1, waiting.row)
        if name in TRIAGE_EXITS:
            self.gp.router.send(entity, name, SETTING)
            return
        activity = self.gp.activities[name]
        self.gp.ask(entity, activity, waiting.practice, [role] if role else None, waiting.first)


def _flat_shares(decision: dict) -> dict[str, float]:
    """A decision's shares with roles spelt into the names: {"same_day/gp": 0.3, ...}."""
    shares: dict[str, float] = {}
    for to, value in decision.items():
        if isinstance(value, dict):
            for role, share in value.items():
                shares[f"{to}{ROLE_SEPARATOR}{role}"] = share
        else:
            shares[to] = value
    return shares
