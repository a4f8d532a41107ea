"""Checks across the sections of a care-system config, each naming the key path at fault.

A config that passes can be built: every role has staff, every place has beds, every cohort has a
length of stay, every destination a setting to receive it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caresim.models.schema_front_door import TRIAGE_EXITS
from caresim.models.schema_population import SETTING_OF_DESTINATION
from caresim.models.schema_services import EXIT
from caresim.models.schema_types import reference_error
from caresim.models.vocabulary import CARE_SETTINGS, IC_KINDS, IC_OF_PATHWAY, role_of
from caresim.sim.calendar import Roster, Rota

if TYPE_CHECKING:
    from caresim.models.schema import Config

__all__ = ["check_care_system", "check_rosters", "check_routing"]

NETWORK = "network"


def _listing(names) -> str:
    names = sorted(names)
    return ", ".join(f"'{n}'" for n in names) if names else "(none defined)"


def _roles(config: Config) -> dict[str, list[str]]:
    """Staff pools by role."""
    roles: dict[str, list[str]] = {}
    for name, staff in config.staff.items():
        roles.setdefault(role_of(name, staff), []).append(name)
    return roles


def check_care_system(config: Config) -> None:
    """Raise a located validation error at the first problem found."""
    _population(config)
    _general_practice(config)
    _district_nursing(config)
    _beds(config)
    _served_once(config)
    _hospital(config)
    _destinations(config)
    _starting_state(config)
    _costs(config)


def _population(config: Config) -> None:
    practices = set(config.population.practices) if config.population else set()
    networks = set(config.population.networks) if config.population else set()
    for name, staff in config.staff.items():
        if staff.scope != NETWORK and staff.scope not in practices | networks:
            raise reference_error(
                f"staff.{name}.scope",
                f"unknown practice or network '{staff.scope}'; expected 'network' (everyone) or "
                f"one of {_listing(sorted(practices | networks))}",
            )
    needs = (
        config.general_practice is not None
        or (config.hospital is not None and config.hospital.presentations is not None)
        or (config.district_nursing is not None and config.district_nursing.referrals is not None)
        or (config.hospital is not None and config.hospital.electives is not None)
    )
    if needs and config.population is None:
        raise reference_error(
            "population",
            "general practice, hospital presentations and district nursing referrals need a 'population'",
        )
    if config.population is None:
        return
    cohorts = set(config.population.cohorts)
    rate_tables = []
    if config.general_practice:
        for name, activity in config.general_practice.activities.items():
            rate_tables.append((f"general_practice.activities.{name}.rate", activity.rate))
    if config.hospital and config.hospital.presentations:
        rate_tables.append(("hospital.presentations.rate", config.hospital.presentations.rate))
    if config.district_nursing and config.district_nursing.referrals:
        rate_tables.append(("district_nursing.referrals", config.district_nursing.referrals))
    if config.hospital and config.hospital.electives:
        rate_tables.append(("hospital.electives.rate", config.hospital.electives.rate))
    if config.general_practice and config.general_practice.pharmacy_first:
        rate_tables.append(
            (
                "general_practice.pharmacy_first.self_referrals",
                config.general_practice.pharmacy_first.self_referrals,
            )
        )
    for path, table in rate_tables:
        for cohort in table:
            if cohort not in cohorts:
                raise reference_error(
                    f"{path}.{cohort}",
                    f"unknown cohort '{cohort}'; expected one of {_listing(cohorts)}",
                )
    if config.hospital:
        for key in ("length_of_stay", "discharge_pathways"):
            table = getattr(config.hospital, key)
            for cohort in table:
                if cohort not in cohorts:
                    raise reference_error(
                        f"hospital.{key}.{cohort}",
                        f"unknown cohort '{cohort}'; expected one of {_listing(cohorts)}",
                    )
            for cohort in sorted(cohorts - set(table)):
                raise reference_error(
                    f"hospital.{key}", f"no entry for cohort '{cohort}'; every cohort needs one"
                )
    profiles = set(config.profiles)
    references = []
    if config.general_practice:
        for name, activity in config.general_practice.activities.items():
            references.append((f"general_practice.activities.{name}.profile", activity.profile))
    if config.hospital:
        references.append(("hospital.discharge_profile", config.hospital.discharge_profile))
        if config.hospital.electives:
            references.append(("hospital.electives.profile", config.hospital.electives.profile))
    if config.hospital and config.hospital.presentations:
        references.append(("hospital.presentations.profile", config.hospital.presentations.profile))
    for path, profile in references:
        if profile is not None and profile not in profiles:
            raise reference_error(
                path, f"unknown profile '{profile}'; expected one of {_listing(profiles)}"
            )


def _general_practice(config: Config) -> None:
    gp = config.general_practice
    if gp is None:
        return
    roles = _roles(config)
    for role in gp.slot_length:
        if role not in roles:
            raise reference_error(
                f"general_practice.slot_length.{role}",
                f"no staff pool has role '{role}'; expected one of {_listing(roles)}",
            )
    for role in gp.on_the_day_share:
        if role not in gp.slot_length:
            raise reference_error(
                f"general_practice.on_the_day_share.{role}",
                f"role '{role}' has no slot_length; expected one of {_listing(gp.slot_length)}",
            )
    if gp.handback_role not in gp.slot_length:
        raise reference_error(
            "general_practice.handback_role",
            f"role '{gp.handback_role}' has no slot_length; expected one of {_listing(gp.slot_length)}",
        )
    _staff_groups(gp)
    booking_pools = {pool for role in gp.slot_length for pool in roles[role]}
    for name, service in config.services.items():
        if service.uses in booking_pools:
            raise reference_error(
                f"services.{name}.uses",
                f"pool '{service.uses}' books general practice appointments; a service needs its own pool",
            )
    _front_door(config, booking_pools)


def _staff_groups(gp) -> None:
    """Each group of roles reported together names booking roles, each role in one group only,
    and is not itself named as a role (its rows would be a role's)."""
    group_of: dict[str, str] = {}
    for group, members in gp.staff_groups.items():
        path = f"general_practice.staff_groups.{group}"
        if group in gp.slot_length:
            raise reference_error(
                path, f"'{group}' is a role; expected a group name of its own, such as '{group}s'"
            )
        for role in members:
            if role not in gp.slot_length:
                raise reference_error(
                    path,
                    f"role '{role}' books no appointments (no slot_length); expected roles of "
                    f"{_listing(gp.slot_length)}",
                )
            if role in group_of:
                raise reference_error(
                    path,
                    f"role '{role}' is already in group '{group_of[role]}'; expected one group",
                )
            group_of[role] = group


def _front_door(config: Config, booking_pools: set[str]) -> None:
    """Total triage and Pharmacy First name roles, activities, practices and a pool that exist."""
    gp = config.general_practice
    assert gp is not None  # called for a config with general practice
    triage = gp.front_door.total_triage if gp.front_door else None
    if triage is not None:
        for problem in triage.problems(gp.activities, set(gp.slot_length)):
            raise reference_error(*problem)
        slot = gp.slot_length[triage.by]
        for channel, time in triage.time.items():
            if time > slot + 1e-9:
                raise reference_error(
                    f"general_practice.front_door.total_triage.time.{channel}",
                    f"a triage must fit in one {triage.by} slot of {slot * 60:g} min; "
                    f"got {time * 60:g} min",
                )
        practices = config.population.practices if config.population else {}
        for practice in triage.practices or ():
            if practice not in practices:
                raise reference_error(
                    "general_practice.front_door.total_triage.practices",
                    f"unknown practice '{practice}'; expected one of {_listing(practices)}",
                )
    pharmacy = gp.pharmacy_first
    if pharmacy is None:
        return
    path = "general_practice.pharmacy_first"
    if pharmacy.uses not in config.staff:
        raise reference_error(
            f"{path}.uses",
            f"unknown staff pool '{pharmacy.uses}'; expected one of {_listing(config.staff)}",
        )
    if pharmacy.uses in booking_pools:
        raise reference_error(
            f"{path}.uses",
            f"pool '{pharmacy.uses}' books general practice appointments; "
            "community pharmacists need a pool of their own",
        )
    if pharmacy.returns is not None and pharmacy.returns.activity not in gp.activities:
        raise reference_error(
            f"{path}.returns.activity",
            f"'{pharmacy.returns.activity}' is not an activity; expected one of "
            f"{_listing(gp.activities)}",
        )


def _district_nursing(config: Config) -> None:
    dn = config.district_nursing
    if dn is None:
        return
    roles = _roles(config)
    gp_roles = set(config.general_practice.slot_length) if config.general_practice else set()
    for kind, spec in dn.visit_kinds.items():
        for role in spec.roles:
            path = f"district_nursing.visit_kinds.{kind}.roles.{role}"
            if role not in roles:
                raise reference_error(
                    path, f"no staff pool has role '{role}'; expected one of {_listing(roles)}"
                )
            if role in gp_roles:
                raise reference_error(
                    path,
                    f"role '{role}' books general practice appointments; give district nursing its own roles",
                )
    dn_pools = {
        pool for spec in dn.visit_kinds.values() for role in spec.roles for pool in roles[role]
    }
    for name, service in config.services.items():
        if service.uses in dn_pools:
            raise reference_error(
                f"services.{name}.uses",
                f"pool '{service.uses}' makes district nursing visits; a service needs its own pool",
            )
    if dn.teams is not None:
        _teams(config, dn_pools)


def _teams(config: Config, dn_pools: set[str]) -> None:
    """Each pool that makes visits is in one team, and each team can make every kind of visit."""
    dn = config.district_nursing
    assert dn is not None and dn.teams is not None
    team_of: dict[str, str] = {}
    for team, spec in dn.teams.items():
        path = f"district_nursing.teams.{team}.staff"
        for pool in spec.staff:
            if pool not in dn_pools:
                raise reference_error(
                    path,
                    f"'{pool}' is not a staff pool of a district nursing role; expected one of "
                    f"{_listing(sorted(dn_pools))}",
                )
            if pool in team_of:
                raise reference_error(path, f"'{pool}' is already in team '{team_of[pool]}'")
            team_of[pool] = team
        for kind, visit in dn.visit_kinds.items():
            if not any(role_of(p, config.staff[p]) in visit.roles for p in spec.staff):
                raise reference_error(
                    path,
                    f"no staff of the roles of '{kind}' visits ({', '.join(visit.roles)}); "
                    "expected each team able to make every kind of visit",
                )
    left = sorted(dn_pools - set(team_of))
    if left:
        raise reference_error(
            "district_nursing.teams",
            f"staff pool(s) {_listing(left)} make district nursing visits but are in no team",
        )


def _bed_uses(config: Config) -> list[tuple[str, str]]:
    """(key path, bed pool) for every place the care settings use beds."""
    uses = []
    if config.hospital:
        uses.extend(_acute_uses(config.hospital))
        if config.hospital.admission_avoidance:
            uses.append(
                ("hospital.admission_avoidance.uses", config.hospital.admission_avoidance.uses)
            )
    if config.intermediate_care:
        for kind in IC_KINDS:
            service = getattr(config.intermediate_care, kind)
            if service is None:
                continue
            if service.providers is None:
                uses.append((f"intermediate_care.{kind}.uses", service.uses))
            else:
                path = f"intermediate_care.{kind}.providers"
                uses += [(f"{path}.{n}.uses", p.uses) for n, p in service.providers.items()]
    return uses


def _acute_uses(hospital) -> list[tuple[str, str]]:
    """(key path, bed pool) of the acute and escalation beds, of one site or of each trust."""
    if hospital.trusts is None:
        uses = [("hospital.beds", hospital.beds)]
        if hospital.escalation_beds:
            uses.append(("hospital.escalation_beds", hospital.escalation_beds))
        return uses
    uses = []
    for name, trust in hospital.trusts.items():
        uses.append((f"hospital.trusts.{name}.beds", trust.beds))
        if trust.escalation_beds:
            uses.append((f"hospital.trusts.{name}.escalation_beds", trust.escalation_beds))
    return uses


def _served_once(config: Config) -> None:
    """Each practice's patients go to one trust, and to one provider of each kind of
    intermediate care: every practice served, once, and known."""
    if config.hospital is not None and config.hospital.trusts is not None:
        _serve_every_practice(config, "hospital.trusts", "trust", config.hospital.trusts)
    ic = config.intermediate_care
    for kind in IC_KINDS:
        service = getattr(ic, kind) if ic is not None else None
        if service is not None and service.providers is not None:
            path = f"intermediate_care.{kind}.providers"
            _serve_every_practice(config, path, "provider", service.providers)
    dn = config.district_nursing
    if dn is not None and dn.teams is not None:
        _serve_every_practice(config, "district_nursing.teams", "team", dn.teams)


def _serve_every_practice(config: Config, where: str, what: str, sites: dict) -> None:
    practices = config.population.practices if config.population is not None else {}
    served_by: dict[str, str] = {}
    for name, site in sites.items():
        path = f"{where}.{name}.serves"
        for practice in site.serves:
            if practice not in practices:
                raise reference_error(
                    path, f"unknown practice '{practice}'; expected one of {_listing(practices)}"
                )
            if practice in served_by:
                raise reference_error(
                    path,
                    f"practice '{practice}' is already served by {what} '{served_by[practice]}'"
                    f"; expected each practice served by one {what}",
                )
            served_by[practice] = name
    unserved = [p for p in practices if p not in served_by]
    if unserved:
        raise reference_error(
            where,
            f"no {what} serves practice(s) {_listing(unserved[:5])}"
            f"{' and more' if len(unserved) > 5 else ''}; expected each practice in one serves list",
        )


def _beds(config: Config) -> None:
    seen: dict[str, str] = {}
    services = {service.uses for service in config.services.values()}
    for path, pool in _bed_uses(config):
        if pool not in config.beds:
            raise reference_error(
                path, f"unknown bed pool '{pool}'; expected one of {_listing(config.beds)}"
            )
        if pool in seen:
            raise reference_error(
                path,
                f"bed pool '{pool}' is already used by {seen[pool]}; each use needs its own pool",
            )
        if pool in services:
            raise reference_error(
                path, f"bed pool '{pool}' is also used by a service; each use needs its own pool"
            )
        seen[pool] = path


def _hospital(config: Config) -> None:
    hospital = config.hospital
    if hospital is None:
        return
    for pool in (*hospital.acute_beds, *hospital.escalation_pools):
        if config.beds[pool].when_full == "turn_away":
            raise reference_error(
                f"beds.{pool}.when_full",
                "acute and escalation beds must queue admissions (patients wait in ED for a "
                "bed), not turn them away",
            )
    if hospital.zero_day_share > 0 and hospital.zero_day_stay is None:
        raise reference_error("hospital.zero_day_stay", "needed when zero_day_share is above 0")
    missing = sorted({"high", "medium", "low"} - set(hospital.admitted_share))
    if missing:
        raise reference_error(
            "hospital.admitted_share", f"no share for acuity {', '.join(missing)}"
        )


def _destination_tables(config: Config):
    """(key path, shares) of every table that sends patients somewhere."""
    if config.general_practice:
        for name, activity in config.general_practice.activities.items():
            base = f"general_practice.activities.{name}"
            yield f"{base}.outcomes", activity.outcomes
            yield f"{base}.on_no_appointment", activity.on_no_appointment
        yield from _front_door_tables(config.general_practice)
    if config.district_nursing and config.district_nursing.escalation.per_visit > 0:
        yield "district_nursing.escalation.to", config.district_nursing.escalation.to
    if config.intermediate_care:
        ic = config.intermediate_care
        yield "intermediate_care.step_up_gave_up", ic.step_up_gave_up
        for kind in IC_KINDS:
            service = getattr(ic, kind)
            if service is not None:
                yield f"intermediate_care.{kind}.outcomes", service.outcomes
    if config.hospital and config.hospital.admission_avoidance:
        yield "hospital.admission_avoidance.outcomes", config.hospital.admission_avoidance.outcomes


def _front_door_tables(gp):
    """(key path, shares) of the places triage and Pharmacy First send patients."""
    triage = gp.front_door.total_triage if gp.front_door else None
    if triage is not None:
        for asked, decision in triage.decides.items():
            elsewhere = {to: share for to, share in decision.items() if to in TRIAGE_EXITS}
            yield f"general_practice.front_door.total_triage.decides.{asked}", elsewhere
    if gp.pharmacy_first is not None:
        yield (
            "general_practice.pharmacy_first.on_no_consultation",
            (gp.pharmacy_first.on_no_consultation),
        )


_PATHWAY_SERVICE = IC_OF_PATHWAY


def _destinations(config: Config) -> None:
    for path, shares in _destination_tables(config):
        for destination, share in shares.items():
            if share <= 0:
                continue
            setting = SETTING_OF_DESTINATION[destination]
            if setting is not None and getattr(config, setting) is None:
                raise reference_error(
                    f"{path}.{destination}",
                    f"sends patients to {destination}, but there is no '{setting}' section",
                )
            ic = config.intermediate_care
            if destination == "intermediate_care_bed" and (ic is None or ic.bed_based is None):
                raise reference_error(f"{path}.{destination}", "needs intermediate_care.bed_based")
            if destination == "intermediate_care_home" and (ic is None or ic.home_based is None):
                raise reference_error(f"{path}.{destination}", "needs intermediate_care.home_based")
            if destination == "urgent_community_response":
                assert config.hospital is not None  # its setting's section was checked above
                if config.hospital.admission_avoidance is None:
                    raise reference_error(
                        f"{path}.{destination}", "needs hospital.admission_avoidance"
                    )
    if config.hospital:
        tables = [("hospital.discharge_pathways", config.hospital.discharge_pathways)]
        tables += [
            (f"changes[{k}].discharge_pathways", c.discharge_pathways)
            for k, c in enumerate(config.changes)
        ]
        for where, table in tables:
            for cohort, shares in table.items():
                for pathway, share in shares.items():
                    service = _PATHWAY_SERVICE.get(pathway)
                    ic = config.intermediate_care
                    if (
                        share > 0
                        and service is not None
                        and (ic is None or getattr(ic, service) is None)
                    ):
                        raise reference_error(
                            f"{where}.{cohort}.{pathway}",
                            f"discharge {pathway} needs intermediate_care.{service}",
                        )


def _service_routes(config: Config) -> dict[str, set[str]]:
    """Where a patient can go from each service (exits included): next, for any class, gave up,
    turned away."""
    routes: dict[str, set[str]] = {}
    for name, service in config.services.items():
        tables = [service.next, *(c.next for c in service.classes.values() if c.next)]
        targets = {target for table in tables for target, share in table.items() if share > 0}
        if service.patience is not None:
            targets.add(service.on_abandon)
        beds = config.beds.get(service.uses)
        if beds is not None and beds.when_full == "turn_away":
            targets.add(service.on_turned_away)
        routes[name] = targets
    return routes


def _takes_no_time(service) -> bool:
    """Whether every stay the service can give, for any class and destination, is zero."""
    stays = [service.duration, *(service.duration_by_next or {}).values()]
    for route in service.classes.values():
        stays += [d for d in (route.duration,) if d is not None]
        stays += list((route.duration_by_next or {}).values())
    return all(stay.build().mean == 0 for stay in stays)


def check_routing(config: Config) -> None:
    """Every service can reach an exit, and no loop of services takes no time at all."""
    routes = _service_routes(config)
    leaving = {EXIT, *config.exits}
    changed = True
    while changed:  # the services from which an exit can be reached, grown to a fixed point
        changed = False
        for name, targets in routes.items():
            if name not in leaving and targets & leaving:
                leaving.add(name)
                changed = True
    for name in config.services:
        if name not in leaving:
            raise reference_error(
                f"services.{name}.next",
                f"patients at '{name}' can never leave: no route from it reaches an exit",
            )
    instant = {n for n, s in config.services.items() if _takes_no_time(s)}
    for name in sorted(instant):
        cycle = _instant_cycle(name, routes, instant)
        if cycle:
            raise reference_error(
                f"services.{name}.next",
                f"the services {' -> '.join(cycle)} form a loop that takes no time; "
                "a patient could go round it for ever",
            )


def _instant_cycle(start: str, routes: dict[str, set[str]], instant: set[str]) -> list[str]:
    """A loop of zero-time services back to ``start``, or an empty list."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, trail = stack.pop()
        for target in sorted(routes.get(name, ())):
            if target == start:
                return [*trail, start]
            if target in instant and target not in seen:
                seen.add(target)
                stack.append((target, [*trail, target]))
    return []


def _capacity(config: Config, pool: str) -> int | None:
    capacity = config.beds[pool].capacity if pool in config.beds else None
    return capacity if isinstance(capacity, int) else None


def _starting_occupancy(config: Config) -> None:
    """Patients already in beds at the start fit in those beds."""
    state = config.starting_state
    if state is None:
        return
    if state.hospital is not None and config.hospital is not None:
        occupied = state.hospital.occupied_beds + sum(state.hospital.medically_fit.values())
        pools = config.hospital.acute_beds
        capacities = [_capacity(config, pool) for pool in pools]
        if None not in capacities and occupied > sum(c or 0 for c in capacities):
            beds = " and ".join(f"beds.{p} has {c}" for p, c in zip(pools, capacities, strict=True))
            raise reference_error(
                "starting_state.hospital.occupied_beds",
                f"{occupied} patients in acute beds at the start (occupied and medically fit), "
                f"but {beds}",
                tuple(f"beds.{pool}.capacity" for pool in pools),
            )
    if state.intermediate_care is not None and config.intermediate_care is not None:
        for kind in IC_KINDS:
            service = getattr(config.intermediate_care, kind)
            count = getattr(state.intermediate_care, kind)
            pools = service.pools if service is not None else []
            capacities = [_capacity(config, pool) for pool in pools]
            if pools and None not in capacities and count > sum(c or 0 for c in capacities):
                has = " and ".join(
                    f"beds.{p} has {c}" for p, c in zip(pools, capacities, strict=True)
                )
                raise reference_error(
                    f"starting_state.intermediate_care.{kind}",
                    f"{count} places occupied at the start, but {has}",
                    tuple(f"beds.{pool}.capacity" for pool in pools),
                )


def _starting_state(config: Config) -> None:
    state = config.starting_state
    if state is None:
        return
    for section in CARE_SETTINGS:
        if getattr(state, section) is not None and getattr(config, section) is None:
            raise reference_error(
                f"starting_state.{section}", f"there is no '{section}' section to start"
            )
    if state.intermediate_care is not None:
        for kind in IC_KINDS:
            if (
                getattr(state.intermediate_care, kind)
                and getattr(config.intermediate_care, kind) is None
            ):
                raise reference_error(
                    f"starting_state.intermediate_care.{kind}",
                    f"there is no intermediate_care.{kind}",
                )
    _starting_occupancy(config)


def _costs(config: Config) -> None:
    if config.costs is None:
        return
    roles = _roles(config)
    for role in config.costs.staff_hour:
        if role not in roles:
            raise reference_error(
                f"costs.staff_hour.{role}",
                f"unknown role '{role}'; expected one of {_listing(roles)}",
            )
    for role in config.costs.overtime_hour:
        if role not in roles:
            raise reference_error(
                f"costs.overtime_hour.{role}",
                f"unknown role '{role}'; expected one of {_listing(roles)}",
            )
    for key in ("bed_day", "commissioned_bed_day"):
        for pool in getattr(config.costs, key):
            if pool not in config.beds:
                raise reference_error(
                    f"costs.{key}.{pool}",
                    f"unknown bed pool '{pool}'; expected one of {_listing(config.beds)}",
                )
    for pool, beds in config.beds.items():
        if pool in config.costs.commissioned_bed_day and beds.capacity == "unconstrained":
            raise reference_error(
                f"costs.commissioned_bed_day.{pool}",
                f"bed pool '{pool}' is unconstrained: beds provided need a number",
            )
    social = config.social_care
    for key, need in (("home_care_hour", "home_care"), ("care_home_week", "care_home")):
        if getattr(config.costs, key) is not None and (
            social is None or getattr(social, need) is None
        ):
            raise reference_error(f"costs.{key}", f"needs social_care.{need}")


def check_rosters(config: Config) -> None:
    """A roster's pool has as many people as are ever on duty at once, and is not a booking role."""
    booking = set(config.general_practice.slot_length) if config.general_practice else set()
    for name, staff in config.staff.items():
        if staff.roster is None:
            continue
        if role_of(name, staff) in booking:
            raise reference_error(
                f"staff.{name}.roster",
                "a roster is for staff patients queue for; appointment-booking roles "
                f"('{role_of(name, staff)}') work one rota",
            )
        most = roster_of(config, staff.roster).headcount
        if staff.headcount != most:
            raise reference_error(
                f"staff.{name}.headcount",
                f"the roster has at most {most} on duty at once; expected headcount {most}, "
                f"got {staff.headcount}",
                (f"staff.{name}.roster",),
            )


def rota_named(config: Config, name: str) -> Rota:
    """The engine's rota for a rota name: '24/7' or one of the config's rotas."""
    if name == "24/7":
        return Rota.around_the_clock()
    return Rota.from_hours(config.rotas[name])


def roster_of(config: Config, periods) -> Roster:
    """The engine's roster for a staff pool's periods."""
    return Roster(tuple((rota_named(config, p.rota), p.headcount) for p in periods))
