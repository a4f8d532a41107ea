"""The staff and beds of a config, built once for every setting that uses them.

Staff whose role books appointments in general practice get an appointment book; other staff are
a pool that patients queue for; beds and caseload places are a bed pool. Each pool is reported
under the setting that uses it.

An appointment book's clinicians work their patient-facing time in sessions; on each working day
each of them is away (leave, sickness, a vacant post) with the pool's chance of absence, drawn
from the pool's own random stream. A pool with a workforce or dated changes of staff has a number
in post that changes over the run (:mod:`caresim.models.workforce`): a book's clinicians in vacant
posts offer no slots, and a queue pool is resized. GP time spent supervising other roles comes out
of the supervisors' patient-facing share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import simpy

from caresim.models.schema import Config
from caresim.models.schema_checks import roster_of, rota_named
from caresim.models.vocabulary import IC_KINDS, role_of
from caresim.models.workforce import InPost, PostsAway, in_post_at_start, plan_in_post
from caresim.sim.appointments import AppointmentBook
from caresim.sim.calendar import Rota
from caresim.sim.clock import call_later
from caresim.sim.pools import BedPool, RosteredPool, ServerPool, StaffPool
from caresim.sim.recorder import EventLog
from caresim.sim.streams import RandomStreams

__all__ = [
    "Absences",
    "PoolInfo",
    "Pools",
    "build_pools",
    "patient_facing_shares",
    "pool_settings",
]


class PoolInfo:
    """What the measures need to know of a pool: its kind, capacity, hours and setting.

    ``capacity`` is the number at the start (beds, or staff in post); ``changes`` how it changes.
    """

    __slots__ = (
        "book",
        "capacity",
        "kind",
        "name",
        "on_duty",
        "changes",
        "in_post",
        "patient_facing",
        "people",
        "role",
        "setting",
    )

    def __init__(
        self,
        name: str,
        kind: str,
        capacity: int | None,
        setting: str,
        role: str = "",
        patient_facing: Rota | None = None,
        on_duty: Rota | None = None,
        book: AppointmentBook | None = None,
        people: list[Rota] | None = None,
        changes: list[tuple[float, int]] | None = None,
        in_post: InPost | None = None,
    ) -> None:
        self.name = name
        self.changes = changes or []  # (time, capacity from then): beds, or staff in post
        self.in_post = in_post  # the people in post over the run, for a staff pool that changes
        self.people = people  # each person's rota, for a pool whose headcount changes in a day
        self.book = book  # the appointment book, whose slots offered the measures count
        self.kind = kind  # "staff" or "beds"
        self.capacity = capacity
        self.setting = setting
        self.role = role
        self.patient_facing = patient_facing
        self.on_duty = on_duty


@dataclass
class Pools:
    """All the pools of one replication."""

    staff: dict[str, ServerPool] = field(default_factory=dict)  # StaffPool or RosteredPool
    books: dict[str, AppointmentBook] = field(default_factory=dict)
    beds: dict[str, BedPool] = field(default_factory=dict)
    info: dict[str, PoolInfo] = field(default_factory=dict)


def pool_settings(config: Config) -> dict[str, str]:
    """The care setting each pool is reported under (pools no setting uses are left out)."""
    return _settings_of_pools(config)


def _settings_of_pools(config: Config) -> dict[str, str]:
    setting: dict[str, str] = {}
    for spec in config.services.values():
        setting.setdefault(spec.uses, spec.setting)
    roles = {name: role_of(name, staff) for name, staff in config.staff.items()}
    if config.general_practice:
        for name, role in roles.items():
            if role in config.general_practice.slot_length:
                setting[name] = "general_practice"
        if config.general_practice.pharmacy_first is not None:
            setting[config.general_practice.pharmacy_first.uses] = "general_practice"
    if config.district_nursing:
        dn_roles = {r for kind in config.district_nursing.visit_kinds.values() for r in kind.roles}
        for name, role in roles.items():
            if role in dn_roles:
                setting[name] = "district_nursing"
    if config.hospital:
        for pool in (*config.hospital.acute_beds, *config.hospital.escalation_pools):
            setting[pool] = "hospital"
        if config.hospital.admission_avoidance:
            setting[config.hospital.admission_avoidance.uses] = "hospital"
    if config.intermediate_care:
        for kind in IC_KINDS:
            service = getattr(config.intermediate_care, kind)
            if service is not None:
                for pool in (*service.pools, *service.step_up_pools):
                    setting[pool] = "intermediate_care"
    return setting


class Absences:
    """Which clinicians of a pool are away on each day, each with chance ``share``, by day.

    Days are drawn in order from the pool's own stream however they are asked for, so the answer
    for a day does not depend on when it was first asked.
    """

    def __init__(self, clinicians: int, share: float, rng: np.random.Generator) -> None:
        self.clinicians = clinicians
        self.share = share
        self.rng = rng
        self._days: list[frozenset[int]] = []

    def __call__(self, day: int) -> frozenset[int]:
        while len(self._days) <= day:
            away = self.rng.random(self.clinicians) < self.share
            self._days.append(frozenset(np.flatnonzero(away).tolist()))
        return self._days[day] if day >= 0 else frozenset()


def patient_facing_shares(config: Config) -> dict[str, float]:
    """Each staff pool's patient-facing share, net of time spent supervising other roles.

    Supervision hours a week (per supervised clinician per working day, times the clinicians and
    their working days) are shared among the supervising role's pools by their patient-facing
    hours, so every supervisor gives the same share of their time. Clinicians are those in post
    at the start.
    """
    shares = {name: staff.patient_facing for name, staff in config.staff.items()}
    gp = config.general_practice
    if gp is None or gp.supervision is None:
        return shares
    supervision = gp.supervision
    needed = 0.0
    supervisors: dict[str, float] = {}
    for name, staff in config.staff.items():
        role = staff.role or name
        rota = rota_named(config, staff.rota)
        if role in supervision.per_clinician_day:
            needed += (
                supervision.per_clinician_day[role] * in_post_at_start(staff) * rota.days_per_week
            )
        if role == supervision.by:
            supervisors[name] = in_post_at_start(staff) * rota.hours_per_week * staff.patient_facing
    offered = sum(supervisors.values())
    if offered <= 0:
        return shares
    kept = max(0.0, 1.0 - needed / offered)
    for name in supervisors:
        shares[name] = max(1e-6, shares[name] * kept)
    return shares


def build_pools(
    config: Config, env: simpy.Environment, log: EventLog, streams: RandomStreams | None = None
) -> Pools:
    """Every staff pool, appointment book and bed pool of the config, on one clock."""
    pools = Pools()
    setting = _settings_of_pools(config)
    facing = patient_facing_shares(config)
    for name, staff in config.staff.items():
        where = setting.get(name, "system")
        if staff.roster is not None:
            roster = roster_of(config, staff.roster)
            pools.staff[name] = RosteredPool(env, name, log, roster)
            pools.info[name] = PoolInfo(
                name,
                "staff",
                staff.headcount,
                where,
                role_of(name, staff),
                people=roster.person_rotas(),
            )
        else:
            _add_staff(pools, config, env, log, streams, name, where, facing[name])
    for name, beds in config.beds.items():
        capacity = None if beds.capacity == "unconstrained" else beds.capacity
        pool = pools.beds[name] = BedPool(env, name, log, capacity, beds.when_full)
        changes = sorted((c.at, c.beds[name]) for c in config.changes if name in c.beds)
        for at, number in changes:
            call_later(env, at, _resize(pool, number))
        pools.info[name] = PoolInfo(
            name, "beds", capacity, setting.get(name, "system"), changes=changes
        )
    return pools


def _add_staff(
    pools: Pools,
    config: Config,
    env: simpy.Environment,
    log: EventLog,
    streams: RandomStreams | None,
    name: str,
    setting: str,
    patient_facing: float,
) -> None:
    """A pool on one rota: an appointment book for a booking role, else a pool patients queue for.

    With a workforce or dated changes the number in post is planned now, before the clock
    starts; a book's clinicians in vacant posts offer no slots, and a queue pool is resized.
    """
    staff = config.staff[name]
    role = role_of(name, staff)
    on_duty = rota_named(config, staff.rota)
    available = on_duty.patient_facing(patient_facing, staff.sessions)
    in_post = _plan_in_post(config, name, streams)
    number = staff.headcount if in_post is None else in_post.initial
    gp = config.general_practice
    book = None
    if gp is not None and role in gp.slot_length:
        book = pools.books[name] = AppointmentBook(
            name,
            staff.headcount,
            available,
            gp.slot_length[role],
            gp.on_the_day_share.get(role, 0.0),
            _away(config, name, streams, in_post),
        )
    else:
        pool = pools.staff[name] = StaffPool(env, name, log, number, available)
        for at, people in in_post.changes if in_post is not None else ():
            call_later(env, at, _resize(pool, people))
    pools.info[name] = PoolInfo(
        name,
        "staff",
        number,
        setting,
        role,
        available,
        on_duty,
        book,
        changes=in_post.changes if in_post is not None else None,
        in_post=in_post,
    )


def _plan_in_post(config: Config, name: str, streams: RandomStreams | None) -> InPost | None:
    """The people in post of a pool over the run, or None when every post is filled throughout."""
    staff = config.staff[name]
    dated = sorted(
        ((c.at, c.staff[name]) for c in config.changes if name in c.staff), key=lambda c: c[0]
    )
    if staff.workforce is None and not dated:
        return None
    rng = None
    if staff.workforce is not None and streams is not None:
        rng = streams.generator(f"staff.{name}.workforce")
    return plan_in_post(staff.headcount, staff.workforce, dated, config.run.horizon, rng)


def _away(
    config: Config, name: str, streams: RandomStreams | None, in_post: InPost | None
) -> Callable[[int], frozenset[int]] | None:
    """Who of a book's clinicians is away on a day: absent, or (with a workforce) not in post."""
    staff = config.staff[name]
    absent = None
    if staff.absence is not None and staff.absence.away_share > 0 and streams is not None:
        rng = streams.generator(f"staff.{name}.absence")
        absent = Absences(staff.headcount, staff.absence.away_share, rng)
    return absent if in_post is None else PostsAway(in_post, absent)


def _resize(pool: BedPool | StaffPool, number: int):
    """A callback that gives ``pool`` ``number`` beds or staff from when it runs."""
    return lambda: pool.resize(number)
