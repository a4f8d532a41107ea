"""Warnings that a config's capacity does not fit its demand, before the clock starts.

Two kinds, each one line naming the key at fault:

- **Offered load at or above capacity.** The offered load of a pool is the work arriving per hour
  (arrivals per hour times the mean time each holds a unit) and its capacity is the units
  available on average (staff on duty times their patient-facing share, or beds). Where the load
  meets the capacity the system is unstable: queues grow without bound (or, where patients give
  up or are turned away, most of the excess leaves unserved). Generic services are exact (their
  arrival rates solve the routing's traffic equations). The care settings' loads are lower
  bounds, counting only demand the config gives as a rate (first requests, emergency
  attendances, referrals) and not what follows (follow-ups, hand-backs, escalations, delays
  waiting for a place), so a warning there is never a false alarm.
- **Capacity far out of proportion to the population**: staff of a role, or beds or places of a
  kind, more than three times or less than a third of the national figure per patient.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any, cast

import numpy as np

from caresim.models.discharge import IC_OF_PATHWAY
from caresim.models.schema import Config
from caresim.models.schema_checks import roster_of, rota_named
from caresim.models.schema_social_care import SOCIAL_CARE_NEEDS
from caresim.models.workforce import in_post_at_start
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.units import format_duration

__all__ = ["NATIONAL_PER_10K", "load_warnings"]

HOURS_PER_WEEK = 168.0
HOURS_PER_YEAR = 8760.0
UNSTABLE = "an unstable system: queues grow without bound"
OVERLOADED = "overloaded: the excess gives up or is turned away rather than queueing"
#: The destination that steps a patient up from general practice into each kind of care.
STEP_UP = {
    "home_based": "intermediate_care_home",
    "bed_based": "intermediate_care_bed",
    "assessment_beds": "",
}
#: How far from the national figure per patient a capacity may be before it is out of proportion.
PROPORTION = 3.0

#: National capacity per 10,000 registered patients, by role or by use of beds (derived).
NATIONAL_PER_10K: dict[str, tuple[float, str]] = {
    "gp": (10_000 / 2_291, "1 FTE GP per 2,291 patients (NHS Digital, Jun 2024)"),
    "practice_nurse": (2.7, "2.7 FTE practice nurses per 10,000 (NHS Digital, Jan 2022)"),
    "district_nurse": (
        10_000 / 14_000,
        "1 district nurse per 14,000 people (Nuffield Trust / QNI)",
    ),
    "acute": (82 / 5, "82 acute beds per 50,000 at 92% occupancy (pcn_baseline.yaml, derived)"),
    "home_based": (234 / 100, "home-based IC caseload 234 per ~1m (IPACS inputs, BNSSG 2023)"),
    "bed_based": (191 / 100, "191 IC beds per ~1m (IPACS inputs, BNSSG 2023)"),
    "assessment_beds": (148 / 100, "148 pathway-3 beds per ~1m (IPACS inputs, BNSSG 2023)"),
}


def _staff_capacity(config: Config, pool: str) -> float:
    """Staff of a pool available to patients on average: on duty x patient-facing share (of
    those in post at the start, for a pool with a workforce)."""
    staff = config.staff[pool]
    if staff.roster is not None:
        people = roster_of(config, staff.roster).person_rotas()
        return sum(rota.hours_per_week for rota in people) / HOURS_PER_WEEK
    rota = rota_named(config, staff.rota)
    return in_post_at_start(staff) * staff.patient_facing * rota.hours_per_week / HOURS_PER_WEEK


def _capacity(config: Config, pool: str) -> float | None:
    if pool in config.staff:
        return _staff_capacity(config, pool)
    capacity = config.beds[pool].capacity
    return None if capacity == "unconstrained" else float(capacity)


def _key(config: Config, pool: str) -> str:
    return f"staff.{pool}.headcount" if pool in config.staff else f"beds.{pool}.capacity"


def _service_arrivals(config: Config) -> dict[str, float]:
    """Patients per hour reaching each service: outside arrivals plus those routed on."""
    names = list(config.services)
    index = {name: i for i, name in enumerate(names)}
    outside = np.zeros(len(names))
    for arrival in config.arrivals.values():
        outside[index[arrival.to]] += arrival.rate * config.demand.scale
    routing = np.zeros((len(names), len(names)))
    for name, service in config.services.items():
        for target, share in service.next.items():
            if target in index:
                routing[index[name], index[target]] += share
    try:
        rates = np.linalg.solve(np.eye(len(names)) - routing.T, outside)
    except np.linalg.LinAlgError:  # a loop patients never leave: no finite load to give
        return {}
    return {name: float(rates[index[name]]) for name in names}


def _service_loads(config: Config) -> Iterator[tuple[str, float, bool]]:
    """(pool, offered load, whether the excess can leave) of each pool services use."""
    if not config.services:
        return
    arrivals = _service_arrivals(config)
    load: dict[str, float] = defaultdict(float)
    leaves: dict[str, bool] = {}
    for name, service in config.services.items():
        load[service.uses] += arrivals.get(name, 0.0) * service.duration.build().mean
        can_leave = service.patience is not None or (
            service.uses in config.beds and config.beds[service.uses].when_full == "turn_away"
        )
        leaves[service.uses] = leaves.get(service.uses, True) and can_leave
    for pool, offered in load.items():
        yield pool, offered, leaves[pool]


def _population_rate(
    config: Config, rates: dict[str, float], only: dict[str, float] | None = None
) -> float:
    """Patients per hour from the whole registered population at ``rates`` per patient (from
    the cohorts in ``only`` alone, where given)."""
    population = config.population
    assert population is not None
    per_patient = sum(
        share * rates.get(c, 0.0) * (1.0 if only is None else only.get(c, 0.0))
        for c, share in population.cohorts.items()
    )
    return per_patient * population.registered * config.demand.scale


def _share(shares: Mapping[Any, float], name: str) -> float:
    """The share of ``name`` in a table of shares, zero where it has none."""
    return float(shares.get(name, 0.0))


def _sent_from_practices(
    config: Config, destination: str, only: dict[str, float] | None = None
) -> float:
    """Patients per hour general practice sends to ``destination`` after first requests (of the
    cohorts in ``only`` alone, where given)."""
    gp = config.general_practice
    if gp is None:
        return 0.0
    return sum(
        _population_rate(config, a.rate, only)
        * (1.0 - a.did_not_attend)
        * _share(a.outcomes, destination)
        for a in gp.activities.values()
    )


def _provider_shares(config: Config, service) -> dict[str, float]:
    """The share of the place's registered patients each provider's pool of a service takes."""
    return _shares_by_pool(config, service.pools, service.providers, "uses")


def _site_shares(config: Config) -> dict[str, float]:
    """The share of the place's registered patients each acute bed pool admits."""
    hospital = config.hospital
    assert hospital is not None
    return _shares_by_pool(config, hospital.acute_beds, hospital.trusts, "beds")


def _shares_by_pool(config: Config, pools: list[str], sites, key: str) -> dict[str, float]:
    """Each site's pool and its share of the registered patients (all of them, with no sites)."""
    population = config.population
    assert population is not None
    if sites is None or population.registered <= 0:
        return {pool: 1.0 for pool in pools}
    return {
        getattr(site, key): sum(population.practices[p].registered for p in site.serves)
        / population.registered
        for site in sites.values()
    }


def _admissions_by_cohort(config: Config) -> dict[str, float]:
    """Emergency admissions per hour by cohort, from attendances and practices' first requests
    alone, readmissions included. The frail attend more often, so they are more of those
    admitted than of those registered, and they stay longer."""
    hospital = config.hospital
    population = config.population
    if hospital is None or population is None:
        return {}
    avoidance = hospital.admission_avoidance
    admitted = 0.0
    for acuity, share in hospital.acuity.items():
        p = share * hospital.admitted_share.get(acuity, 0.0)
        if avoidance is not None and acuity in avoidance.acuity:
            p *= 1.0 - avoidance.share
        admitted += p
    readmitted = hospital.readmission.share if hospital.readmission is not None else 0.0
    by_cohort = {}
    for cohort in population.cohorts:
        one = {cohort: 1.0}  # the rate of one cohort alone
        attendances = _sent_from_practices(config, "emergency_department", one)
        if hospital.presentations is not None:
            attendances += _population_rate(config, hospital.presentations.rate, one)
        direct = _sent_from_practices(config, "hospital_admission", one)
        by_cohort[cohort] = (attendances * admitted + direct) / (1.0 - readmitted)
    return by_cohort


def _hospital_loads(config: Config) -> Iterator[tuple[str | tuple[str, str], float, bool]]:
    hospital = config.hospital
    by_cohort = _admissions_by_cohort(config)
    admissions = sum(by_cohort.values())
    if hospital is None or admissions <= 0 or config.population is None:
        return
    cohorts = {cohort: n / admissions for cohort, n in by_cohort.items()}  # the admitted mix
    zero = hospital.zero_day_share
    stay = zero * (hospital.zero_day_stay.build().mean if hospital.zero_day_stay else 0.0)
    stay += (1.0 - zero) * sum(
        share * hospital.length_of_stay[c].build().mean for c, share in cohorts.items()
    )
    stay += (1.0 - zero) * _fit_to_leaving(config, cohorts)
    for pool, share in _site_shares(config).items():
        yield pool, share * admissions * stay, False
    ic = config.intermediate_care
    if ic is None:
        return
    for kind in ("home_based", "bed_based", "assessment_beds"):
        service = getattr(ic, kind)
        if service is None:
            continue
        stay = service.length_of_stay.build().mean
        down = admissions * (1.0 - zero) * _step_down_share(config, cohorts, kind) * stay
        up = _sent_from_practices(config, STEP_UP[kind]) * stay if STEP_UP[kind] else 0.0
        # Step-up patients who find no place within their patience go elsewhere.
        gives_up = ic.step_up_patience is not None and up > 0
        ring_fenced = {site.uses: site.step_up_uses for site in service.sites.values()}
        for pool, share in _provider_shares(config, service).items():
            ring = ring_fenced.get(pool)
            if ring is None:
                yield pool, share * (down + up), gives_up
                continue
            # Patients from hospital take these places alone, and wait in their acute bed for
            # one; patients from home take a ring-fenced place first, then one of these.
            yield pool, share * down, False
            yield (ring, pool), share * (down + up), gives_up


def _step_down_share(config: Config, cohorts: dict[str, float], need: str) -> float:
    """The share of overnight stays whose discharge waits for ``need``: by their pathway, and
    within a pathway by its shares of needs."""
    return sum(
        _pathway_share(config, cohorts, pathway) * _share(_needs_of(config, pathway, kind), need)
        for pathway, kind in IC_OF_PATHWAY.items()
    )


def _pathway_share(config: Config, cohorts: dict[str, float], pathway: str) -> float:
    """The share of overnight stays, of a mix of ``cohorts``, discharged by ``pathway``."""
    assert config.hospital is not None
    pathways = config.hospital.discharge_pathways
    return sum(share * _share(pathways[cohort], pathway) for cohort, share in cohorts.items())


def _needs_of(config: Config, pathway: str, kind: str) -> Mapping[str, float]:
    """What a discharge by ``pathway`` waits for, by share: the intermediate care of its number,
    where the config gives no shares."""
    assert config.hospital is not None
    needs = cast(Mapping[str, Mapping[str, float]], config.hospital.discharge_needs)
    given = needs.get(pathway)
    return dict(given) if given is not None else {kind: 1.0}


def _fit_to_leaving(config: Config, cohorts: dict[str, float]) -> float:
    """Mean hours an overnight stay keeps its bed after medically fit, not counting any wait for
    a free place: the process delay, and for pathways 1-3 the assessment and the time to arrange
    what the pathway needs. The discharge takes these steps one after another, so their means
    add up, and the bound stays a lower one."""
    hospital = config.hospital
    assert hospital is not None
    hours = _delay_mean(hospital.process_delay)
    for pathway, kind in IC_OF_PATHWAY.items():
        share = _pathway_share(config, cohorts, pathway)
        needs = _needs_of(config, pathway, kind)
        arranging = sum(
            need_share * _arranging_mean(config, need) for need, need_share in needs.items()
        )
        hours += share * (_delay_mean(hospital.assessment) + arranging)
    return hours


def _delay_mean(step) -> float:
    return step.share * step.duration.build().mean if step is not None else 0.0


def _arranging_mean(config: Config, need: str) -> float:
    """Mean hours to arrange what a discharge waits for (0 where no time is given)."""
    section = config.social_care if need in SOCIAL_CARE_NEEDS else config.intermediate_care
    service = getattr(section, need, None) if section is not None else None
    arranging = getattr(service, "arranging", None)
    return arranging.build().mean if arranging is not None else 0.0


def _social_care_loads(config: Config) -> Iterator[tuple[str, float, bool]]:
    """Packages and places held by people referred from home alone (a lower bound of the load)."""
    social, population = config.social_care, config.population
    if social is None or population is None:
        return
    for need in SOCIAL_CARE_NEEDS:
        service = getattr(social, need)
        if service is None or service.community is None:
            continue
        per_hour = service.community.per_hour(population.registered) * config.demand.scale
        offered = per_hour * service.length_of_service.build().mean
        yield service.uses, offered, True  # people at home leave the waiting list


def _general_practice(config: Config) -> Iterator[tuple[str, str]]:
    """The whole place's first requests a week against its appointment slots a week."""
    gp = config.general_practice
    if gp is None:
        return
    requests = sum(_population_rate(config, a.rate) for a in gp.activities.values())
    slots = 0.0
    for name, staff in config.staff.items():
        role = staff.role or name
        if role in gp.slot_length:
            slots += _staff_capacity(config, name) / gp.slot_length[role]
    if slots > 0 and requests >= slots:
        yield (
            "general_practice.activities",
            f"{requests * HOURS_PER_WEEK:,.0f} requests a week (first requests alone) meet or "
            f"exceed the {slots * HOURS_PER_WEEK:,.0f} appointment slots a week: {OVERLOADED}",
        )


def _proportions(config: Config) -> Iterator[tuple[str, str]]:
    if config.population is None or config.population.registered <= 0:
        return
    per_10k = config.population.registered / 10_000
    by_role: dict[str, float] = defaultdict(float)
    for name, staff in config.staff.items():
        by_role[staff.role or name] += in_post_at_start(staff)
    capacity: dict[str, float | None] = dict(by_role)
    keys = {role: "staff" for role in by_role}
    if config.hospital is not None:
        pools = config.hospital.acute_beds
        capacity["acute"] = _beds_in(config, pools)
        keys["acute"] = f"beds.{pools[0]}.capacity" if len(pools) == 1 else "hospital.trusts"
    for kind in ("home_based", "bed_based", "assessment_beds"):
        service = (
            getattr(config.intermediate_care, kind, None) if config.intermediate_care else None
        )
        if service is not None:
            capacity[kind] = _beds_in(config, service.pools)
            path = f"intermediate_care.{kind}.providers"
            keys[kind] = f"beds.{service.pools[0]}.capacity" if not service.providers else path
    for what, (national, source) in NATIONAL_PER_10K.items():
        have = capacity.get(what)
        if have is None:
            continue
        ratio = have / (national * per_10k)
        if ratio > PROPORTION or ratio < 1 / PROPORTION:
            key = keys[what] if keys[what] != "staff" else f"staff (role {what})"
            yield (
                key,
                f"{have:g} for {config.population.registered:,} patients is {ratio:.2g} times "
                f"the national figure ({source}): far out of proportion to the population",
            )


def _no_effect(config: Config) -> Iterator[tuple[str, str]]:
    """Values a config gives that cannot change its run: said, never silently ignored."""
    gp = config.general_practice
    booking = set(gp.slot_length) if gp is not None else set()
    roles = {staff.role or name for name, staff in config.staff.items()}
    for name, staff in config.staff.items():
        role = staff.role or name
        if staff.scope != "network" and role not in booking:
            yield (
                f"staff.{name}.scope",
                f"'{staff.scope}' has no effect: scope limits the patients of pools that book "
                f"appointments in general_practice, and role '{role}' books none",
            )
        workforce = staff.workforce
        if (
            workforce is not None
            and workforce.starters_per_year > 0
            and workforce.training_lag >= config.run.horizon
        ):
            yield (
                f"staff.{name}.workforce.training_lag",
                f"{format_duration(workforce.training_lag, 'days', 0)} is as long as the run or "
                "longer: no starter joins before the horizon",
            )
    if gp is not None and gp.supervision is not None:
        for role in gp.supervision.per_clinician_day:
            if role not in roles:
                yield (
                    f"general_practice.supervision.per_clinician_day.{role}",
                    f"has no effect: no staff pool has role '{role}'",
                )


def _changes_in_warm_up(config: Config) -> Iterator[tuple[str, str]]:
    """Dated changes that take effect before measuring starts: no before and after is measured."""
    warm_up = config.run.warm_up
    for k, change in enumerate(config.changes):
        if change.at <= warm_up:
            yield (
                f"changes[{k}].at",
                f"{format_duration(change.at, 'days', 0)} is within the warm-up "
                f"(run.warm_up: {format_duration(warm_up, 'days', 0)}): the measures see only "
                "the time after it, so the change is not measured before and after",
            )


def _visits_off_duty(config: Config) -> Iterator[tuple[str, str]]:
    """Visit kinds whose windows no staff of their roles is on duty in, on any day of the week."""
    nursing = config.district_nursing
    if nursing is None:
        return
    for name, kind in nursing.visit_kinds.items():
        rotas = [
            rota_named(config, rota)
            for pool, staff in config.staff.items()
            if (staff.role or pool) in kind.roles and staff.headcount > 0
            for rota in ([p.rota for p in staff.roster] if staff.roster else [staff.rota])
        ]
        windows = [
            (day * HOURS_PER_DAY + opens, day * HOURS_PER_DAY + closes)
            for day in range(7)
            for opens, closes in kind.daily_windows.windows
        ]
        on_duty = any(
            next(iter(rota.shifts(opens, closes)), None) is not None
            for rota in rotas
            for opens, closes in windows
        )
        if not on_duty:
            roles = ", ".join(f"'{r}'" for r in kind.roles)
            yield (
                f"district_nursing.visit_kinds.{name}.windows",
                f"no staff of its roles ({roles}) is on duty in any of these windows on any day: "
                "every such visit will be late",
            )


def _beds_in(config: Config, pools: list[str]) -> float | None:
    """Beds of several pools together (None if any is unconstrained)."""
    counts = [_bed_count(config, pool) for pool in pools]
    return None if None in counts else sum(c or 0.0 for c in counts)


def _bed_count(config: Config, pool: str) -> float | None:
    capacity = config.beds[pool].capacity
    return None if capacity == "unconstrained" else float(capacity)


def _shared_places_warning(
    config: Config, pools: tuple[str, str], offered: float, leaves: bool
) -> list[str]:
    """A warning where the load on ring-fenced places and the places they open onto meets or
    exceeds the two together."""
    ring, shared = pools
    capacities = [_capacity(config, ring), _capacity(config, shared)]
    if None in capacities or offered < sum(c for c in capacities if c is not None):
        return []
    total = sum(c for c in capacities if c is not None)
    return [
        f"{_key(config, ring)}: offered load at least {offered:.3g} on these places and "
        f"{_key(config, shared)} meets or exceeds their capacity {total:.3g} together on "
        f"average: {OVERLOADED if leaves else UNSTABLE}"
    ]


def load_warnings(config: Config) -> list[str]:
    """One line per warning, each starting with the key path it is about."""
    warnings = []
    loads = (*_service_loads(config), *_hospital_loads(config), *_social_care_loads(config))
    for pool, offered, leaves in loads:
        if isinstance(pool, tuple):  # places ring-fenced for step-up, with those they open onto
            warnings += _shared_places_warning(config, pool, offered, leaves)
            continue
        capacity = _capacity(config, pool)
        if capacity is None or offered < capacity:
            continue
        lower = "" if pool in {s.uses for s in config.services.values()} else "at least "
        warnings.append(
            f"{_key(config, pool)}: offered load {lower}{offered:.3g} meets or exceeds its "
            f"capacity {capacity:.3g} on average: {OVERLOADED if leaves else UNSTABLE}"
        )
    warnings += [f"{key}: {message}" for key, message in _general_practice(config)]
    warnings += [f"{key}: {message}" for key, message in _proportions(config)]
    warnings += [f"{key}: {message}" for key, message in _no_effect(config)]
    warnings += [f"{key}: {message}" for key, message in _visits_off_duty(config)]
    warnings += [f"{key}: {message}" for key, message in _changes_in_warm_up(config)]
    return warnings
