"""The controls of a teaching scenario, built from its config, and the ``--set`` overrides each
control's value stands for."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from caresim.models.schema import Config
from caresim.models.vocabulary import CARE_SETTINGS, IC_KINDS, role_of
from caresim.outputs.plots.common import group_words

__all__ = ["IC_KINDS", "Control", "is_care_system", "role_plural", "scenario_controls", "words"]

#: Replications and measured days of a run in the app: enough that each teaching lesson shows
#: beyond chance (doubling the IC beds of whole_system: 3 replications of 13 weeks could not tell
#: a wait of 12 days from one of 0.1), few enough that a run takes well under a minute.
APP_REPLICATIONS = 5
APP_MEASURED_DAYS = {"care": 182.0, "services": 182.0}
MAX_REPLICATIONS = 10

#: The kinds of intermediate care, as the config names them.

_RATE_TEXT = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*((?:per|/)\s*[A-Za-z]+)\s*$")

ControlKind = Literal[
    "headcount", "capacity", "rate", "task_sharing", "share", "demand", "replications", "horizon"
]


def _number_text(value: float) -> str:
    """A number as a config writes it: ``750``, ``7.5``, ``0.25``."""
    return f"{float(value):.10g}"


def words(name: str) -> str:
    """A pool, role, activity or stream name in plain words."""
    return group_words(name)


_ROLE_PLURALS = {"gp": "GPs", "hca": "HCAs"}


def role_plural(role: str) -> str:
    """A role's name for several of them: ``GPs``, ``practice nurses``."""
    return _ROLE_PLURALS.get(role, f"{words(role)}s")


def _nice_step(value: float) -> float:
    """A step for a number input near ``value``: half its order of magnitude."""
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value)) / 2
    return float(step) if step < 1 else float(max(1, round(step)))


@dataclass(frozen=True)
class Control:
    """One control of the app and the ``--set`` overrides its value stands for.

    ``unchanged`` is the value that leaves the config as its file has it (no override); it
    differs from ``default`` only for the run's length and replications, which the app
    shortens so that a run takes seconds.
    """

    key: str
    kind: ControlKind
    section: str
    label: str
    help: str
    default: float
    minimum: float
    maximum: float
    step: float
    unit: str = ""
    unchanged: float | None = None
    path: str = ""
    #: task-sharing: the role whose work is shared, then (role, share) of the config;
    #: demand: (key path, rate text) of every per-patient rate ``demand.scale`` multiplies.
    detail: tuple[tuple[str, Any], ...] = ()

    @property
    def whole(self) -> bool:
        """Whether the control takes whole numbers (people, beds, replications, percentages)."""
        return self.kind not in ("rate", "horizon")

    def overrides(self, value: float) -> list[str]:
        """The ``KEY.PATH=VALUE`` overrides this value stands for; none if it changes nothing."""
        if self.unchanged is not None and abs(float(value) - float(self.unchanged)) < 1e-9:
            return []
        if self.kind in ("headcount", "capacity", "replications"):
            return [f"{self.path}={int(round(value))}"]
        if self.kind == "rate":
            return [f"{self.path}={_number_text(value)} {self.unit}"]
        if self.kind == "horizon":
            return [f"{self.path}={_number_text(value)} days"]
        if self.kind == "share":
            return [f"{self.path}={_number_text(round(value / 100, 6))}"]
        if self.kind == "demand":
            return [f"demand.scale={_number_text(round(float(value) / 100, 6))}"]
        if self.kind == "task_sharing":
            shares = _shared_allocation(self.detail, float(value) / 100)
            inner = ", ".join(f"{role}: {_number_text(share)}" for role, share in shares.items())
            return [f"{self.path}={{{inner}}}"]
        raise ValueError(f"unknown kind of control {self.kind!r}")


def _shared_allocation(detail: tuple[tuple[str, Any], ...], shared: float) -> dict[str, float]:
    """The allocation with ``shared`` of the work moved off the lead role, kept in proportion."""
    lead = str(detail[0][1])
    shares = {str(role): float(share) for role, share in detail[1:]}
    others = [role for role in shares if role != lead]
    total = sum(shares[role] for role in others)
    result = {role: 0.0 for role in shares}
    result[lead] = round(1.0 - shared, 6)
    for role in others:
        weight = shares[role] / total if total > 0 else 1.0 / len(others)
        result[role] = round(shared * weight, 6)
    # Rounding must not break "shares sum to 1": the last role takes the remainder.
    result[others[-1]] = round(1.0 - sum(v for r, v in result.items() if r != others[-1]), 6)
    return result


def _days(hours: float) -> float:
    return round(hours / 24.0, 6)


def _staff_controls(config: Config) -> list[Control]:
    controls = []
    for name, staff in config.staff.items():
        role = role_of(name, staff)
        where = "the whole network" if staff.scope == "network" else f"{words(staff.scope)}"
        rota = "around the clock" if staff.rota == "24/7" else f"rota '{staff.rota}'"
        controls.append(
            Control(
                key=f"staff.{name}.headcount",
                kind="headcount",
                section="Staff on duty",
                label=words(name)
                if words(role) in words(name)
                else f"{words(name)} ({words(role)})",
                help=f"How many {role_plural(role)} this pool has; they see patients of "
                f"{where}, {rota}.",
                default=staff.headcount,
                minimum=0,
                maximum=max(10, 3 * staff.headcount),
                step=1,
                unchanged=staff.headcount,
                path=f"staff.{name}.headcount",
            )
        )
    return controls


def _bed_users(config: Config) -> dict[str, tuple[str, str]]:
    """Bed pools a care setting fills: pool -> (section, what uses it)."""
    users: dict[str, tuple[str, str]] = {}
    care = config.intermediate_care
    if care is not None:
        for kind, what in zip(
            IC_KINDS,
            (
                "bed-based intermediate care",
                "home-based intermediate care",
                "discharge-to-assess beds",
            ),
            strict=True,
        ):
            spec = getattr(care, kind)
            if spec is not None:
                for pool in spec.pools:
                    users[pool] = ("Intermediate care places", what)
    hospital = config.hospital
    if hospital is not None:
        for pool in hospital.acute_beds:
            users[pool] = ("Hospital beds", "acute admissions")
        if hospital.admission_avoidance is not None:
            users[hospital.admission_avoidance.uses] = (
                "Hospital beds",
                "admission avoidance (urgent community response / virtual ward)",
            )
    return users


def _bed_controls(config: Config) -> list[Control]:
    users = _bed_users(config)
    controls = []
    for name, beds in config.beds.items():
        if not isinstance(beds.capacity, int):
            continue  # unconstrained: an audit of how many would be used, nothing to set
        section, what = users.get(name, ("Beds and places", "the services that use it"))
        controls.append(
            Control(
                key=f"beds.{name}.capacity",
                kind="capacity",
                section=section,
                label=words(name),
                help=f"Beds or places for {what}.",
                default=beds.capacity,
                minimum=0,
                maximum=max(10, 3 * beds.capacity),
                step=1,
                unchanged=beds.capacity,
                path=f"beds.{name}.capacity",
            )
        )
    # Intermediate care first: it is what the scenarios teach; then hospital, then the rest.
    order = {"Intermediate care places": 0, "Hospital beds": 1, "Beds and places": 2}
    return sorted(controls, key=lambda c: order[c.section])


def _task_sharing_controls(config: Config) -> list[Control]:
    practice = config.general_practice
    if practice is None:
        return []
    lead = practice.handback_role
    controls = []
    for name, activity in practice.activities.items():
        shares = activity.allocation.shares if activity.allocation is not None else None
        if not shares or lead not in shares or len(shares) < 2:
            continue
        shared = round(100 * (1.0 - shares[lead]))
        others = ", ".join(role_plural(role) for role in shares if role != lead)
        controls.append(
            Control(
                key=f"task_sharing.{name}",
                kind="task_sharing",
                section="Task-sharing",
                label=f"{words(name)}: % done by others than {role_plural(lead)}",
                help=f"The share of {words(name)} appointments booked with {others} rather than "
                f"{role_plural(lead)}; the others keep their proportions.",
                default=shared,
                minimum=0,
                maximum=100,
                step=5,
                unit="%",
                unchanged=shared,
                path=f"general_practice.activities.{name}.allocation.shares",
                detail=(("lead", lead), *shares.items()),
            )
        )
    return controls


def _avoidance_controls(config: Config) -> list[Control]:
    if config.hospital is None or config.hospital.admission_avoidance is None:
        return []
    share = round(100 * config.hospital.admission_avoidance.share)
    return [
        Control(
            key="hospital.admission_avoidance.share",
            kind="share",
            section="Admission avoidance",
            label="% of eligible admissions offered care at home",
            help="The share of low- and medium-acuity admissions offered urgent community "
            "response or a virtual ward instead, when a place is free.",
            default=share,
            minimum=0,
            maximum=100,
            step=5,
            unit="%",
            unchanged=share,
            path="hospital.admission_avoidance.share",
        )
    ]


def _per_patient_rates(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key path, rate text) of every per-patient rate of a care system's demand."""
    found: list[tuple[str, str]] = []

    def by_cohort(prefix: str, rates: Any) -> None:
        if isinstance(rates, Mapping):
            for cohort, text in rates.items():
                if isinstance(text, str) and _RATE_TEXT.match(text):
                    found.append((f"{prefix}.{cohort}", text))

    practice = document.get("general_practice") or {}
    for name, activity in (practice.get("activities") or {}).items():
        if isinstance(activity, Mapping):
            by_cohort(f"general_practice.activities.{name}.rate", activity.get("rate"))
    nursing = document.get("district_nursing") or {}
    by_cohort("district_nursing.referrals", nursing.get("referrals"))
    hospital = document.get("hospital") or {}
    by_cohort("hospital.presentations.rate", (hospital.get("presentations") or {}).get("rate"))
    return found


def _demand_controls(config: Config, document: Mapping[str, Any]) -> list[Control]:
    controls = []
    rates = _per_patient_rates(document)
    if rates:
        controls.append(
            Control(
                key="demand",
                kind="demand",
                section="Demand",
                label="Demand, % of the scenario's",
                help="Scales every rate of demand (general practice, district nursing referrals, "
                "emergency attendances, arrival streams): 120% is a fifth more demand.",
                default=100,
                minimum=25,
                maximum=300,
                step=5,
                unit="%",
                unchanged=100,
                detail=tuple(rates),
            )
        )
    for name, spec in (document.get("arrivals") or {}).items():
        match = _RATE_TEXT.match(str((spec or {}).get("rate", "")))
        if match is None:
            continue
        value = float(match.group(1))
        unit = " ".join(match.group(2).replace("/", "per ").split())
        controls.append(
            Control(
                key=f"arrivals.{name}.rate",
                kind="rate",
                section="Demand",
                label=f"{words(name)}, {unit}",
                help=f"How many {words(name)} arrive on average, {unit}.",
                default=value,
                minimum=0.0,
                maximum=max(3 * value, 1.0),
                step=_nice_step(value),
                unit=unit,
                unchanged=value,
                path=f"arrivals.{name}.rate",
            )
        )
    return controls


def _run_controls(config: Config, care_system: bool) -> list[Control]:
    warm_up = _days(config.run.warm_up)
    horizon = _days(config.run.horizon)
    measured = min(horizon - warm_up, APP_MEASURED_DAYS["care" if care_system else "services"])
    return [
        Control(
            key="run.replications",
            kind="replications",
            section="Run",
            label="Replications",
            help="Independent runs with different random numbers; the 95% intervals come from "
            "how much they differ. Every run uses the scenario's seed, so a change you make is "
            "compared on the same patients.",
            default=min(APP_REPLICATIONS, config.run.replications),
            minimum=2,
            maximum=MAX_REPLICATIONS,
            step=1,
            unchanged=config.run.replications,
            path="run.replications",
        ),
        Control(
            key="run.horizon",
            kind="horizon",
            section="Run",
            label="Days simulated, warm-up included",
            help=f"The first {warm_up:g} days are a warm-up, left out of every measure; the "
            f"scenario's own runs simulate {horizon:g} days. Longer runs narrow the intervals.",
            default=round(warm_up + measured, 6),
            minimum=1.0,
            maximum=max(horizon, warm_up + 730.0),
            step=7.0,
            unit="days",
            unchanged=horizon,
            path="run.horizon",
        ),
    ]


def is_care_system(config: Config) -> bool:
    """Whether the config has a care setting (rather than services and arrival streams only)."""
    return any(getattr(config, s) is not None for s in CARE_SETTINGS)


def scenario_controls(config: Config, document: Mapping[str, Any]) -> tuple[Control, ...]:
    """Every control that makes sense for this config, in the order the page shows them."""
    return tuple(
        _staff_controls(config)
        + _task_sharing_controls(config)
        + _bed_controls(config)
        + _avoidance_controls(config)
        + _demand_controls(config, document)
        + _run_controls(config, is_care_system(config))
    )
