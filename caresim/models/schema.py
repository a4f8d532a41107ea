"""The config of a care system: what a scenario file says, validated into immutable typed objects.

A scenario names its run settings, its rotas and demand profiles, its staff pools and bed pools,
and the services patients pass through. Cross-references (a service's pool, a route's target, an
arrival's profile) are checked here too, so that a config that validates can be built and run.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from caresim.models.schema_checks import check_care_system, check_rosters, check_routing
from caresim.models.schema_district_nursing import DistrictNursingSpec
from caresim.models.schema_front_door import ChannelShares, TriageDecision, decision_problems
from caresim.models.schema_general_practice import (
    AllocationSpec,
    GeneralPracticeSpec,
    allocation_problems,
)
from caresim.models.schema_hospital import HospitalSpec, NeedShares, PathwayShares
from caresim.models.schema_intermediate_care import IntermediateCareSpec
from caresim.models.schema_population import PopulationSpec
from caresim.models.schema_services import (
    EXIT,
    ArrivalSpec,
    ClassRouteSpec,
    Name,
    ServiceSpec,
    check_services,
)
from caresim.models.schema_social_care import SocialCareSpec, check_social_care
from caresim.models.schema_state import CostsSpec, StartingStateSpec
from caresim.models.schema_types import (
    Count,
    Duration,
    Frozen,
    Probability,
    RotaHours,
    RotaName,
    reference_error,
)
from caresim.models.schema_workforce import WorkforceSpec, check_staff_changes, check_workforce
from caresim.models.vocabulary import SETTINGS, role_of
from caresim.sim.units import format_duration

__all__ = [
    "SETTINGS",
    "AbsenceSpec",
    "ArrivalSpec",
    "BedsSpec",
    "CalibrationTarget",
    "ClassRouteSpec",
    "Config",
    "EXIT",
    "DemandSpec",
    "ProfileSpec",
    "RunSpec",
    "ServiceSpec",
    "StaffSpec",
    "WorkforceSpec",
]

#: The most bins a time series may have (horizon / trace_interval): each is kept per series.
MAX_TRACE_BINS = 200_000


MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
Month = Literal[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class RunSpec(Frozen):
    """How long to simulate, how much of it to discard, how many replications, which seed."""

    horizon: Duration = Field(description="simulated time from a Monday 00:00, e.g. '365 days'")
    warm_up: Duration = Field(0.0, description="time at the start excluded from the measures")
    replications: Count = Field(5, ge=1, le=100_000, description="independent replications")
    seed: Count = Field(0, ge=0, le=2**63 - 1, description="master seed of every random stream")
    trace_interval: Duration = Field(
        24.0, description="width of the bins of the time series (queue length, occupancy over time)"
    )
    starts_in: Month = Field(
        "january", description="the month the run starts in, for month-of-year profiles"
    )

    @property
    def first_month(self) -> int:
        """The month the run starts in, 1 for January."""
        return MONTHS.index(self.starts_in) + 1

    @model_validator(mode="after")
    def _warm_up_inside(self):
        if self.horizon <= 0:
            raise reference_error("run.horizon", "expected a horizon longer than zero")
        if self.warm_up >= self.horizon:
            raise reference_error(
                "run.warm_up",
                "expected a warm-up shorter than the horizon; got "
                f"{format_duration(self.warm_up, 'days', 1)} against a horizon of "
                f"{format_duration(self.horizon, 'days', 1)}",
                ("run.horizon",),
            )
        if not 0 < self.trace_interval <= self.horizon:
            raise reference_error(
                "run.trace_interval", "expected a bin width longer than zero, at most the horizon"
            )
        if self.horizon / self.trace_interval > MAX_TRACE_BINS:
            raise reference_error(
                "run.trace_interval",
                f"{self.horizon / self.trace_interval:,.0f} bins over the horizon; expected at "
                f"most {MAX_TRACE_BINS:,} (a wider bin)",
            )
        return self


class ProfileSpec(Frozen):
    """Relative demand by day of the week (7 weights, Monday first) and hour of day (24 weights)."""

    weekday: tuple[float, ...] = Field((1.0,) * 7, min_length=7, max_length=7)
    hour: tuple[float, ...] = Field((1.0,) * 24, min_length=24, max_length=24)
    month: tuple[float, ...] | None = Field(
        None,
        min_length=12,
        max_length=12,
        description="relative demand by month of the year, January first (winter pressure)",
    )

    @model_validator(mode="after")
    def _weights(self):
        for name in ("weekday", "hour", "month"):
            weights = getattr(self, name)
            if weights is None:
                continue
            if any(w < 0 for w in weights) or sum(weights) <= 0:
                raise ValueError(f"{name} weights must not be negative and must not all be zero")
        return self


class AbsenceSpec(Frozen):
    """Working days a post loses, as shares: leave and sickness of those in post, and vacancies.

    A clinician in post is away on a working day with chance annual_leave + study_leave +
    sickness; a share ``vacancy`` of the establishment is unfilled (not covered by locums).
    """

    annual_leave: Probability = Field(0.0, description="share of working days on annual leave")
    study_leave: Probability = Field(0.0, description="share of working days on study leave")
    sickness: Probability = Field(0.0, description="share of working days lost to sickness")
    vacancy: Probability = Field(0.0, description="share of the establishment unfilled")

    @model_validator(mode="after")
    def _below_one(self):
        if self.annual_leave + self.study_leave + self.sickness >= 1.0:
            raise ValueError("annual_leave + study_leave + sickness must be below 1")
        if self.vacancy >= 1.0:
            raise ValueError("vacancy must be below 1")
        return self

    @property
    def away_share(self) -> float:
        """The chance that a post's holder is not at work on a working day."""
        present = (1.0 - self.vacancy) * (
            1.0 - self.annual_leave - self.study_leave - self.sickness
        )
        return 1.0 - present


class RosterPeriodSpec(Frozen):
    """One period of a roster: a rota and the people on duty in its hours."""

    rota: RotaName
    headcount: Count = Field(ge=0, le=100_000, description="people on duty in this rota's hours")


class StaffSpec(Frozen):
    """A pool of staff of one role who work the same rota, or a roster of periods.

    With a ``workforce``, ``headcount`` is the establishment (the posts the pool can ever have)
    and the number in post changes over the run; without one, every post is filled throughout.
    """

    role: Name | None = Field(None, description="the profession; defaults to the pool's name")
    headcount: Count = Field(
        ge=0, le=100_000, description="people in the pool; with a workforce, its posts"
    )
    rota: RotaName = "24/7"
    patient_facing: float = Field(
        1.0, gt=0.0, le=1.0, description="share of on-duty time available for patients"
    )
    sessions: int = Field(
        1,
        ge=1,
        le=6,
        description="surgeries the patient-facing time of a shift comes in, with admin between",
    )
    absence: AbsenceSpec | None = Field(
        None, description="leave, sickness and vacancies (appointment-booking roles)"
    )
    scope: Name = Field(
        "network", description="the practice whose patients they see, or 'network' for all"
    )
    roster: list[RosterPeriodSpec] | None = Field(
        None,
        min_length=1,
        description="headcount on duty by period (3 by day, 1 at night), instead of one rota; "
        "headcount is then the most on duty at once",
    )
    workforce: WorkforceSpec | None = Field(
        None, description="people in post at the start, leavers and starters over the run"
    )

    @model_validator(mode="after")
    def _roster_or_rota(self):
        if self.roster is not None:
            if "rota" in self.model_fields_set:
                raise ValueError("give either 'rota' or 'roster', not both")
            if self.patient_facing != 1.0 or self.sessions != 1:
                raise ValueError(
                    "a roster's hours are all patient-facing: leave out patient_facing and sessions"
                )
        return self


#: The most beds or places a pool may have (a pool keeps a little memory for each).
MAX_BEDS = 1_000_000


class BedsSpec(Frozen):
    """Beds or caseload places: a number, or 'unconstrained' to audit how many would be used."""

    capacity: Count | Literal["unconstrained"] = Field(
        description="number of beds or places, or 'unconstrained'"
    )
    when_full: Literal["queue", "turn_away"] = Field(
        "queue", description="whether a patient who finds no bed waits or is turned away"
    )

    @model_validator(mode="after")
    def _capacity(self):
        if isinstance(self.capacity, int) and not 0 <= self.capacity <= MAX_BEDS:
            raise ValueError(
                f"capacity must be from 0 to {MAX_BEDS:,}, or 'unconstrained', got {self.capacity}"
            )
        return self


class DemandSpec(Frozen):
    """One knob over all demand: a factor on every rate the config gives."""

    scale: float = Field(
        1.0,
        gt=0.0,
        le=100.0,
        allow_inf_nan=False,
        description="multiplies every rate: general practice activities, district nursing "
        "referrals, emergency attendances and arrival streams (1.1 is a tenth more demand)",
    )


class CalibrationTarget(Frozen):
    """An observed figure the model should reproduce: a measure, a target range and its source."""

    measure: Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z0-9_]+\.[a-z0-9_]+$")] = (
        Field(description="setting.group.measure, as in summary.csv")
    )
    low: float = Field(description="the lowest value counted as a match")
    high: float = Field(description="the highest value counted as a match")
    source: str = Field(min_length=1, description="where the figure comes from, with its year")

    @model_validator(mode="after")
    def _range(self):
        setting = self.measure.split(".")[0]
        if setting not in SETTINGS:
            raise ValueError(
                f"unknown setting '{setting}' in '{self.measure}'; expected one of "
                + ", ".join(SETTINGS)
            )
        if not self.low <= self.high:
            raise ValueError(f"expected low <= high, got {self.low} and {self.high}")
        return self

    @property
    def key(self) -> tuple[str, str, str]:
        """(setting, group, measure)."""
        setting, group, measure = self.measure.split(".")
        return setting, group, measure


class ChangeSpec(Frozen):
    """A change to the place from a given time: "4 more IC beds from day 120", "two GPs in post
    from day 200", "pharmacists take most minor illness from April"."""

    at: Duration = Field(description="when the change takes effect, from the start of the run")
    beds: dict[Name, Annotated[Count, Field(ge=0, le=MAX_BEDS)]] = Field(
        default_factory=dict,
        description="bed pools and their number of beds or places from then on",
    )
    staff: dict[Name, Annotated[Count, Field(ge=0)]] = Field(
        default_factory=dict,
        description="staff pools and the number of people in post from then on (at most the "
        "pool's headcount)",
    )
    allocation: dict[Name, AllocationSpec] = Field(
        default_factory=dict,
        description="general-practice activities and who takes them from then on (shares or a "
        "preference among the activity's roles)",
    )
    admission_avoidance_share: Probability | None = Field(
        None,
        description="the share of eligible admissions offered care at home from then on "
        "(hospital.admission_avoidance.share)",
    )
    discharge_pathways: dict[Name, PathwayShares] = Field(
        default_factory=dict,
        description="cohorts and their discharge pathway shares from then on (cohorts not named "
        "keep theirs): 'discharge to assess sends more home from day 90'",
    )
    channels: ChannelShares | None = Field(
        None,
        description="how patients ask their practice from then on, by share of phone, online "
        "and in person (general_practice.front_door.channels): 'half online from April'",
    )
    total_triage_practices: list[Name] | None = Field(
        None,
        description="the practices that use total triage from then on "
        "(general_practice.front_door.total_triage.practices): 'hillside moves to total "
        "triage from day 90'; an empty list: none",
    )
    triage_decides: dict[Name, TriageDecision] = Field(
        default_factory=dict,
        description="activities and what total triage decides for their requests from then on "
        "(general_practice.front_door.total_triage.decides; activities not named keep theirs, "
        "and one not triaged before is triaged from then): 'triage sends a fifth of minor "
        "illness to a pharmacy from April'",
    )
    discharge_needs: dict[Literal["pathway_1", "pathway_2", "pathway_3"], NeedShares] = Field(
        default_factory=dict,
        description="pathways and what their discharges wait for from then on "
        "(hospital.discharge_needs): 'more reablement in place of home care from April'",
    )

    def sets(self) -> list[str]:
        """The keys this change sets, as paths within it: 'beds.ic_beds', 'channels', ..."""
        named: dict[str, Collection[str]] = {
            "beds": self.beds,
            "staff": self.staff,
            "allocation": self.allocation,
            "discharge_pathways": self.discharge_pathways,
            "triage_decides": self.triage_decides,
            "discharge_needs": self.discharge_needs,
        }
        keys = [f"{field}.{name}" for field, entries in named.items() for name in entries]
        whole = {
            "admission_avoidance_share": self.admission_avoidance_share,
            "channels": self.channels,
            "total_triage_practices": self.total_triage_practices,
        }
        return keys + [field for field, value in whole.items() if value is not None]

    @model_validator(mode="after")
    def _changes_something(self):
        if (
            not self.beds
            and not self.staff
            and not self.allocation
            and self.admission_avoidance_share is None
            and not self.discharge_pathways
            and not self.discharge_needs
            and self.channels is None
            and self.total_triage_practices is None
            and not self.triage_decides
        ):
            raise ValueError(
                "expected beds, staff, allocation, admission_avoidance_share, channels, "
                "total_triage_practices, triage_decides, discharge_pathways or discharge_needs: "
                "what changes"
            )
        return self


class Config(Frozen):
    """One scenario of a care system."""

    extends: str | None = Field(None, description="another config file this one overrides")
    name: str = Field(min_length=1, description="the scenario's name, used in results")
    description: str = ""
    run: RunSpec
    rotas: dict[Name, RotaHours] = Field(default_factory=dict)
    profiles: dict[Name, ProfileSpec] = Field(default_factory=dict)
    staff: dict[Name, StaffSpec] = Field(default_factory=dict)
    beds: dict[Name, BedsSpec] = Field(default_factory=dict)
    services: dict[Name, ServiceSpec] = Field(default_factory=dict)
    arrivals: dict[Name, ArrivalSpec] = Field(default_factory=dict)
    exits: tuple[Name, ...] = Field(
        (),
        description="named ways out besides 'exit' (e.g. home, esd, care_home, died), each "
        "counted as system departed_NAME",
    )
    population: PopulationSpec | None = None
    general_practice: GeneralPracticeSpec | None = None
    district_nursing: DistrictNursingSpec | None = None
    intermediate_care: IntermediateCareSpec | None = None
    hospital: HospitalSpec | None = None
    social_care: SocialCareSpec | None = None
    starting_state: StartingStateSpec | None = None
    costs: CostsSpec | None = None
    demand: DemandSpec = Field(
        default_factory=DemandSpec, description="a factor on every rate of the scenario"
    )
    calibration: list[CalibrationTarget] = Field(
        default_factory=list, description="observed figures the run is compared with"
    )
    changes: list[ChangeSpec] = Field(
        default_factory=list, description="dated changes of capacity during the run"
    )

    @model_validator(mode="after")
    def _care_system(self):
        check_care_system(self)
        check_social_care(self)
        return self

    @model_validator(mode="after")
    def _references(self):
        for name in sorted(set(self.staff) & set(self.beds)):
            raise reference_error(
                f"beds.{name}", f"'{name}' is also a staff pool; names must differ"
            )
        for name, staff in self.staff.items():
            if staff.rota != "24/7" and staff.rota not in self.rotas:
                raise reference_error(
                    f"staff.{name}.rota",
                    f"unknown rota '{staff.rota}'; expected '24/7' or one of {_listing(self.rotas)}",
                )
            for k, period in enumerate(staff.roster or ()):
                if period.rota != "24/7" and period.rota not in self.rotas:
                    raise reference_error(
                        f"staff.{name}.roster.{k}.rota",
                        f"unknown rota '{period.rota}'; expected '24/7' or one of "
                        f"{_listing(self.rotas)}",
                    )
        check_rosters(self)
        booking = set(self.general_practice.slot_length) if self.general_practice else set()
        for name, staff in self.staff.items():
            if staff.absence is not None and role_of(name, staff) not in booking:
                raise reference_error(
                    f"staff.{name}.absence",
                    "absence applies to roles that book appointments in general_practice; "
                    f"expected a role with a slot_length, got '{role_of(name, staff)}'",
                )
        check_services(self)
        check_routing(self)  # once every destination is known to exist
        self._check_changes()
        self._check_one_change_at_a_time()
        check_staff_changes(self)
        check_workforce(self)
        return self

    def _check_one_change_at_a_time(self) -> None:
        """Two changes at the same time may not set the same thing: which would win?"""
        for k, change in enumerate(self.changes):
            for j, earlier in enumerate(self.changes[:k]):
                both = [key for key in change.sets() if key in earlier.sets()]
                if both and earlier.at == change.at:
                    same = (
                        "; the two are the same change (a file's changes are added to those of "
                        "the file it extends: changes: !replace [...] replaces them)"
                        if change == earlier
                        else ""
                    )
                    raise reference_error(
                        f"changes[{k}].{both[0]}",
                        f"changes {j} and {k} both set '{both[0]}' at the same time; "
                        f"expected one{same}",
                    )

    def _check_changes(self) -> None:
        for k, change in enumerate(self.changes):
            if not 0 < change.at < self.run.horizon:
                raise reference_error(
                    f"changes[{k}].at",
                    "expected a time after the start and before the horizon "
                    f"(run.horizon: {_days(self.run.horizon)}), got {_days(change.at)}",
                    related=("run.horizon",),
                )
            for pool in change.beds:
                if pool not in self.beds:
                    raise reference_error(
                        f"changes[{k}].beds.{pool}",
                        f"unknown bed pool '{pool}'; expected one of {_listing(self.beds)}",
                    )
                if self.beds[pool].capacity == "unconstrained":
                    raise reference_error(
                        f"changes[{k}].beds.{pool}",
                        f"bed pool '{pool}' is unconstrained: it has no number to change",
                    )
            self._check_allocation_changes(k, change)
            if change.admission_avoidance_share is not None and (
                self.hospital is None or self.hospital.admission_avoidance is None
            ):
                raise reference_error(
                    f"changes[{k}].admission_avoidance_share", "needs hospital.admission_avoidance"
                )
            self._check_discharge_changes(k, change)
            self._check_front_door_changes(k, change)

    def _check_front_door_changes(self, k: int, change: ChangeSpec) -> None:
        gp = self.general_practice
        door = gp.front_door if gp is not None else None
        if change.channels is not None and door is None:
            raise reference_error(f"changes[{k}].channels", "needs general_practice.front_door")
        if change.triage_decides:
            path = f"changes[{k}].triage_decides"
            if door is None or door.total_triage is None:
                raise reference_error(path, "needs general_practice.front_door.total_triage")
            assert gp is not None
            for key, message in decision_problems(change.triage_decides, gp.activities, path):
                raise reference_error(key, message)
        if change.total_triage_practices is None:
            return
        if door is None or door.total_triage is None:
            raise reference_error(
                f"changes[{k}].total_triage_practices",
                "needs general_practice.front_door.total_triage",
            )
        practices = self.population.practices if self.population is not None else {}
        for practice in change.total_triage_practices:
            if practice not in practices:
                raise reference_error(
                    f"changes[{k}].total_triage_practices",
                    f"unknown practice '{practice}'; expected one of {_listing(practices)}",
                )

    def _check_discharge_changes(self, k: int, change: ChangeSpec) -> None:
        if (change.discharge_pathways or change.discharge_needs) and self.hospital is None:
            key = "discharge_pathways" if change.discharge_pathways else "discharge_needs"
            raise reference_error(f"changes[{k}].{key}", "needs a hospital section")
        cohorts = self.hospital.discharge_pathways if self.hospital is not None else {}
        for cohort in change.discharge_pathways:
            if cohort not in cohorts:
                raise reference_error(
                    f"changes[{k}].discharge_pathways.{cohort}",
                    f"unknown cohort '{cohort}'; expected one of {_listing(cohorts)}",
                )

    def _check_allocation_changes(self, k: int, change: ChangeSpec) -> None:
        activities = self.general_practice.activities if self.general_practice else {}
        for name, allocation in change.allocation.items():
            path = f"changes[{k}].allocation.{name}"
            if name not in activities:
                raise reference_error(
                    path,
                    f"unknown general-practice activity '{name}'; expected one of "
                    f"{_listing(activities)}",
                )
            for key, message in allocation_problems(allocation, activities[name].roles, path):
                raise reference_error(key, message)


def _days(hours: float) -> str:
    """A time of the run in days, as a config would write it."""
    return f"{hours / 24:g} days"


def _listing(names) -> str:
    names = sorted(names)
    return ", ".join(f"'{n}'" for n in names) if names else "(none defined)"
