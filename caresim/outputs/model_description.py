"""The model a config describes, put in words and tables for the report (STRESS-DES section 2).

Everything here reads the validated config object, so what the report says of settings, demand,
pools, steps, queues, entry points and the starting state is what the model was built from,
whatever shape the file had (generic services, or the four care settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from caresim.models.schema import Config
from caresim.models.staffing import pool_settings
from caresim.sim.units import HOURS_PER_UNIT

__all__ = ["ModelDescription", "describe_model", "distribution_words", "duration_words"]

HOURS_PER_YEAR = HOURS_PER_UNIT["years"]
SETTING_ORDER = ("general_practice", "district_nursing", "intermediate_care", "hospital", "system")
IC_KINDS = ("bed_based", "home_based", "assessment_beds")


def duration_words(hours: float) -> str:
    """A duration in the unit a planner would say it in: '9.2 min', '6 hours', '12 days'."""
    if hours < 1:
        return f"{hours * 60:.3g} min"
    if hours < 48:
        return f"{hours:.3g} hour" + ("" if hours == 1 else "s")
    return f"{hours / 24:.3g} days"


#: A name that shares are given out over: an outcome, a discharge pathway, a service.
Name = TypeVar("Name", bound=str)


def _shares(shares: Mapping[Name, float]) -> str:
    """Shares in words, small ones to one decimal place: 'home 88%, hospital 0.4%'."""
    return ", ".join(
        f"{k.replace('_', ' ')} {v:.0%}"
        if v >= 0.01 or v == 0
        else f"{k.replace('_', ' ')} {v:.1%}"
        for k, v in shares.items()
    )


def distribution_words(spec: Any) -> str:
    """A duration distribution in words: 'lognormal, mean 9.1 days, sd 8 days'."""
    name = spec.distribution
    parts = []
    for key in ("mean", "sd", "low", "mode", "high", "value"):
        value = getattr(spec, key, None)
        if isinstance(value, int | float):
            parts.append(f"{key} {duration_words(float(value))}")
    if name == "empirical":
        parts.append(f"{len(spec.samples or spec.table or ())} values")
    return ", ".join([name, *parts])


@dataclass
class ModelDescription:
    """What the report says of a model: rows of tables, each a tuple of strings."""

    settings: list[str]
    entities: str
    streams: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # name, setting, demand, to
    steps: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # name, setting, uses, then
    staff: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)
    beds: list[tuple[str, str, str, str]] = field(default_factory=list)
    queues: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)
    starting_state: list[str] = field(default_factory=list)
    profiled: bool = False  # some demand follows a weekly profile
    growth: float | dict[str, float] = 0.0  # yearly demand growth, or by cohort
    seasonal: bool = False  # some profile has month-of-year weights


def _per_year(rates: Mapping[str, float], config: Config) -> float:
    """Expected requests a year from rates per registered patient by cohort."""
    population = config.population
    if population is None:
        return 0.0
    registered = sum(p.registered for p in population.practices.values())
    return sum(
        rate * HOURS_PER_YEAR * registered * population.cohorts.get(cohort, 0.0)
        for cohort, rate in rates.items()
    )


def _cohort_rates(rates: Mapping[str, float]) -> str:
    return ", ".join(f"{c} {r * HOURS_PER_YEAR:.3g}" for c, r in rates.items())


def _entities(config: Config) -> str:
    population = config.population
    if population is None:
        return "Patients, created by the arrival streams; each follows the steps of care."
    registered = sum(p.registered for p in population.practices.values())
    cohorts = ", ".join(f"{c} {s:.0%}" for c, s in population.cohorts.items())
    text = (
        f"Patients registered with {len(population.practices)} practice(s) "
        f"({registered:,} registered: "
        + ", ".join(f"{n} {p.registered:,}" for n, p in population.practices.items())
        + f"), in cohorts {cohorts}. Each patient keeps its practice and cohort as it passes "
        "between settings."
    )
    return text


def _general_practice(config: Config, d: ModelDescription) -> None:
    gp = config.general_practice
    if gp is None:
        return
    for name, activity in gp.activities.items():
        rates = _cohort_rates(activity.rate)
        d.streams.append(
            (
                f"{name} requests",
                "general practice",
                f"about {_per_year(activity.rate, config):,.0f} a year "
                f"(per patient per year: {rates})",
                name,
            )
        )
        outcomes = _shares(activity.outcomes)
        roles = ", ".join(activity.roles)
        d.steps.append((name, "general practice", f"a slot of {roles}", outcomes))
        d.queues.append(
            (
                name,
                roles,
                f"booked into the earliest free slot within {duration_words(activity.book_within)}",
                f"{duration_words(activity.patience)}",
                _shares(activity.on_no_appointment),
            )
        )
        if activity.profile:
            d.profiled = True
    _front_door(gp, d)


def _front_door(gp, d: ModelDescription) -> None:
    """Total triage and Pharmacy First, as steps and queues of their own."""
    triage = gp.front_door.total_triage if gp.front_door else None
    if triage is not None:
        practices = ", ".join(triage.practices) if triage.practices else "every practice"
        times = ", ".join(f"{c} {t * 60:g} min" for c, t in triage.time.items())
        d.steps.append(
            (
                f"total triage ({practices})",
                "general practice",
                f"{triage.by} time out of their slots ({times})",
                "the activity (and role) decided, or a place elsewhere",
            )
        )
        d.queues.append(
            (
                "triage",
                triage.by,
                f"the earliest triage time within {duration_words(triage.within)}",
                "the activity's patience",
                "as the activity's on_no_appointment",
            )
        )
    pharmacy = gp.pharmacy_first
    if pharmacy is not None:
        back = (
            f"{pharmacy.returns.share:.0%} back to the practice ({pharmacy.returns.activity})"
            if pharmacy.returns
            else "done"
        )
        d.steps.append(("Pharmacy First", "general practice", pharmacy.uses, back))
        d.queues.append(
            (
                "Pharmacy First",
                pharmacy.uses,
                "first free pharmacist on duty",
                duration_words(pharmacy.patience),
                _shares(pharmacy.on_no_consultation),
            )
        )


def _district_nursing(config: Config, d: ModelDescription) -> None:
    dn = config.district_nursing
    if dn is None:
        return
    if dn.referrals:
        d.streams.append(
            (
                "district nursing referrals",
                "district nursing",
                f"about {_per_year(dn.referrals, config):,.0f} a year "
                f"(per patient per year: {_cohort_rates(dn.referrals)})",
                "an episode of visits",
            )
        )
    for kind, visit in dn.visit_kinds.items():
        roles = ", ".join(visit.roles)
        d.steps.append(
            (f"{kind} visits ({visit.share:.0%})", "district nursing", roles, "next visit due")
        )
        d.queues.append(
            (f"{kind} visits", roles, "first free member of these roles on duty", "–", "–")
        )


def _intermediate_care(config: Config, d: ModelDescription) -> None:
    ic = config.intermediate_care
    if ic is None:
        return
    for kind in IC_KINDS:
        service = getattr(ic, kind)
        if service is None:
            continue
        outcomes = _shares(service.outcomes)
        d.steps.append(
            (
                f"{kind.replace('_', ' ')} intermediate care",
                "intermediate care",
                f"{', '.join(service.pools)} (stay {distribution_words(service.length_of_stay)})",
                outcomes,
            )
        )
        d.queues.append(
            (
                f"{kind.replace('_', ' ')} step-up / step-down",
                ", ".join(service.pools),
                "first come first served"
                + (", at the provider serving the patient's practice" if service.providers else ""),
                f"step-up {duration_words(ic.step_up_patience)}; step-down waits in the acute bed",
                _shares(ic.step_up_gave_up),
            )
        )


def _hospital(config: Config, d: ModelDescription) -> None:
    hospital = config.hospital
    if hospital is None:
        return
    if hospital.presentations:
        rates = hospital.presentations.rate
        d.streams.append(
            (
                "emergency attendances",
                "hospital",
                f"about {_per_year(rates, config):,.0f} a year "
                f"(per patient per year: {_cohort_rates(rates)})",
                "emergency department",
            )
        )
        if hospital.presentations.profile:
            d.profiled = True
    stays = "; ".join(f"{c} {distribution_words(s)}" for c, s in hospital.length_of_stay.items())
    acute = ", ".join(hospital.acute_beds)
    d.steps.append(("acute admission", "hospital", acute, f"stay by cohort: {stays}"))
    waiting = "first come first served, waiting in ED"
    if hospital.trusts is not None:
        waiting += " of the trust serving the patient's practice"
    d.queues.append(("admission", acute, waiting, "–", "–"))
    avoidance = hospital.admission_avoidance
    if avoidance is not None:
        d.steps.append(
            (
                "admission avoidance",
                "hospital",
                f"{avoidance.uses} ({avoidance.share:.0%} of {', '.join(avoidance.acuity)} "
                "acuity admissions, when a place is free)",
                _shares(avoidance.outcomes),
            )
        )


def _services(config: Config, d: ModelDescription) -> None:
    for name, arrival in config.arrivals.items():
        per_hour = arrival.rate
        d.streams.append(
            (
                name,
                config.services[arrival.to].setting.replace("_", " "),
                f"{per_hour:.4g} an hour ({per_hour * HOURS_PER_YEAR:,.0f} a year)"
                + (f", shaped by profile '{arrival.profile}'" if arrival.profile else ""),
                arrival.to,
            )
        )
        d.profiled = d.profiled or arrival.profile is not None
    for name, service in config.services.items():
        then = _shares(service.next)
        d.steps.append(
            (
                name,
                service.setting.replace("_", " "),
                f"{service.uses} ({distribution_words(service.duration)})",
                then,
            )
        )
        beds = config.beds.get(service.uses)
        full = beds is not None and beds.when_full == "turn_away"
        d.queues.append(
            (
                name,
                service.uses,
                "turned away when full" if full else "priority, then first come first served",
                distribution_words(service.patience) if service.patience else "wait for ever",
                service.on_abandon if service.patience else "–",
            )
        )
        if "exit" in service.next or (service.patience and service.on_abandon == "exit"):
            d.exits.append(name)


def _rota_words(staff) -> str:
    """A pool's rota, or its roster as 'N on ROTA' by period."""
    if staff.roster is None:
        return staff.rota
    return "roster: " + ", ".join(f"{p.headcount} on {p.rota}" for p in staff.roster)


def _headcount_words(staff) -> str:
    """A pool's headcount, or with a workforce its posts and those in post at the start."""
    if staff.workforce is None:
        return str(staff.headcount)
    in_post = staff.headcount if staff.workforce.in_post is None else staff.workforce.in_post
    return f"{staff.headcount} posts, {in_post} in post at the start"


def _pools(config: Config, d: ModelDescription) -> None:
    where = pool_settings(config)
    for name, staff in config.staff.items():
        d.staff.append(
            (
                name,
                where.get(name, "system").replace("_", " "),
                staff.role or name,
                _headcount_words(staff),
                _rota_words(staff),
                f"{staff.patient_facing:.0%}",
                staff.scope,
            )
        )
    for name, beds in config.beds.items():
        capacity = beds.capacity if isinstance(beds.capacity, int) else "unconstrained"
        d.beds.append(
            (name, where.get(name, "system").replace("_", " "), str(capacity), beds.when_full)
        )


def _starting_state(config: Config) -> list[str]:
    start = config.starting_state
    if start is None:
        return []
    lines = []
    if start.general_practice:
        gp = start.general_practice
        lines.append(
            f"general practice: {gp.booked_ahead:.0%} of bookable slots over the next "
            f"{duration_words(gp.over)} already booked"
        )
    if start.district_nursing:
        lines.append(f"district nursing: {start.district_nursing.open_episodes} episodes open")
    if start.intermediate_care:
        ic = start.intermediate_care
        taken = ", ".join(f"{k.replace('_', ' ')} {getattr(ic, k)}" for k in IC_KINDS)
        lines.append(f"intermediate care: places occupied ({taken})")
    if start.hospital:
        h = start.hospital
        fit = ", ".join(f"{k} {v}" for k, v in h.medically_fit.items())
        lines.append(
            f"hospital: {h.occupied_beds} acute beds occupied"
            + (f", patients medically fit and waiting to leave ({fit})" if fit else "")
        )
    return lines


def _settings(config: Config) -> list[str]:
    present = {s for s in SETTING_ORDER[:-1] if getattr(config, s) is not None}
    present |= {service.setting for service in config.services.values()}
    return [s for s in SETTING_ORDER if s in present]


def describe_model(config: Config) -> ModelDescription:
    """The settings, demand, pools, steps, queues and starting state of a validated config."""
    d = ModelDescription(settings=_settings(config), entities=_entities(config))
    _general_practice(config, d)
    _district_nursing(config, d)
    _intermediate_care(config, d)
    _hospital(config, d)
    _services(config, d)
    _pools(config, d)
    d.entries = [f"{name} → {to}" for name, _, _, to in d.streams]
    if config.population is not None:
        d.exits = [
            "home, community pharmacy or self-care after general practice",
            "home or long-term care after intermediate care",
            "discharge home (pathway 0) or to the next setting's care after hospital",
            *d.exits,
        ]
    d.starting_state = _starting_state(config)
    growth = config.population.demand_growth if config.population else 0.0
    d.growth = growth if isinstance(growth, float | int) else dict(growth)
    d.profiled = d.profiled or bool(config.profiles)
    d.seasonal = any(p.month for p in config.profiles.values())
    return d
