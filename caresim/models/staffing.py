"""The staff and beds of a config, built once for every setting that uses them.

Staff whose role books appointments in general practice get an appointment book; other staff are
a pool that patients queue for; beds and caseload places are a bed pool. Each pool is reported
under the setting that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from caresim.models.schema import Config
from caresim.models.vocabulary import IC_KINDS, role_of
from caresim.sim.appointments import AppointmentBook
from caresim.sim.calendar import Rota
from caresim.sim.pools import BedPool, StaffPool
from caresim.sim.recorder import EventLog

__all__ = ["PoolInfo", "Pools", "build_pools", "build_rota"]


class PoolInfo:
    """What the measures need to know of a pool: its kind, capacity, hours and setting."""

    __slots__ = ("capacity", "kind", "name", "on_duty", "patient_facing", "role", "setting")

    def __init__(
        self,
        name: str,
        kind: str,
        capacity: int | None,
        setting: str,
        role: str = "",
        patient_facing: Rota | None = None,
        on_duty: Rota | None = None,
    ) -> None:
        self.name = name
        self.kind = kind  # "staff" or "beds"
        self.capacity = capacity
        self.setting = setting
        self.role = role
        self.patient_facing = patient_facing
        self.on_duty = on_duty


@dataclass
class Pools:
    """All the pools of one replication."""

    staff: dict[str, StaffPool] = field(default_factory=dict)
    books: dict[str, AppointmentBook] = field(default_factory=dict)
    beds: dict[str, BedPool] = field(default_factory=dict)
    info: dict[str, PoolInfo] = field(default_factory=dict)


def build_rota(config: Config, name: str) -> Rota:
    """The rota a staff pool names: '24/7' or one of the config's rotas."""
    if name == "24/7":
        return Rota.around_the_clock()
    return Rota.from_hours(config.rotas[name])


def _settings_of_pools(config: Config) -> dict[str, str]:
    setting: dict[str, str] = {}
    for spec in config.services.values():
        setting.setdefault(spec.uses, spec.setting)
    roles = {name: role_of(name, staff) for name, staff in config.staff.items()}
    if config.general_practice:
        for name, role in roles.items():
            if role in config.general_practice.slot_length:
                setting[name] = "general_practice"
    if config.district_nursing:
        dn_roles = {r for kind in config.district_nursing.visit_kinds.values() for r in kind.roles}
        for name, role in roles.items():
            if role in dn_roles:
                setting[name] = "district_nursing"
    if config.hospital:
        setting[config.hospital.beds] = "hospital"
        if config.hospital.admission_avoidance:
            setting[config.hospital.admission_avoidance.uses] = "hospital"
    if config.intermediate_care:
        for kind in IC_KINDS:
            service = getattr(config.intermediate_care, kind)
            if service is not None:
                setting[service.uses] = "intermediate_care"
    return setting


def build_pools(config: Config, env: simpy.Environment, log: EventLog) -> Pools:
    """Every staff pool, appointment book and bed pool of the config, on one clock."""
    pools = Pools()
    setting = _settings_of_pools(config)
    gp = config.general_practice
    for name, staff in config.staff.items():
        role = role_of(name, staff)
        on_duty = build_rota(config, staff.rota)
        available = on_duty.patient_facing(staff.patient_facing)
        if gp is not None and role in gp.slot_length:
            pools.books[name] = AppointmentBook(
                name,
                staff.headcount,
                available,
                gp.slot_length[role],
                gp.on_the_day_share.get(role, 0.0),
            )
        else:
            pools.staff[name] = StaffPool(env, name, log, staff.headcount, available)
        pools.info[name] = PoolInfo(
            name, "staff", staff.headcount, setting.get(name, "system"), role, available, on_duty
        )
    for name, beds in config.beds.items():
        capacity = None if beds.capacity == "unconstrained" else beds.capacity
        pools.beds[name] = BedPool(env, name, log, capacity, beds.when_full)
        pools.info[name] = PoolInfo(name, "beds", capacity, setting.get(name, "system"))
    return pools
