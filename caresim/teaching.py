"""The teaching app without the page: scenarios and their controls, runs, headline measures, the
comparison with the previous run, and the figures.

Every control becomes ``--set`` overrides for :func:`~caresim.configfile.load_config`, so a run in
the app is the run the command line makes with the same overrides, replication for replication.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from caresim.configfile import ConfigError, LoadedConfig, load_config
from caresim.plots.capacity import Demand, capacity_tradeoff
from caresim.plots.common import Figure, group_words, skipped
from caresim.plots.inputs import Pool, config_pools, service_units, wait_targets
from caresim.plots.pools import bed_occupancy, staff_workload
from caresim.plots.timeseries import timeseries_figure
from caresim.plots.waits import wait_intervals
from caresim.runner import simulate_replication
from caresim.stats import summarise
from models.schema import Config

__all__ = [
    "CHARTS",
    "SCENARIOS_VARIABLE",
    "ChartImage",
    "Control",
    "Headline",
    "LessonPart",
    "Scenario",
    "TeachingRun",
    "care_pool",
    "chart_images",
    "comparison",
    "comparison_rows",
    "draw_charts",
    "format_interval",
    "format_value",
    "headlines",
    "lesson",
    "load_scenarios",
    "metric_label",
    "metric_value",
    "run_scenario",
    "scenario_from_file",
    "signed_change",
    "teaching_folder",
    "tradeoff_figure",
    "tradeoff_image",
    "tradeoff_pools",
]

#: The environment variable naming the folder of scenarios the app teaches with.
SCENARIOS_VARIABLE = "CARESIM_SCENARIOS"

#: Replications and measured days of a run in the app: enough for intervals, few enough that a
#: run takes seconds. A care system (general practice books days ahead) is the slowest to run.
APP_REPLICATIONS = 3
APP_MEASURED_DAYS = {"care": 91.0, "services": 182.0}
MAX_REPLICATIONS = 10

#: What each chart shows, in one line of plain words (the page puts it above the chart).
CHARTS = {
    "waits": "How long patients waited at each step of care: the mean and the 95th percentile, "
    "each with its 95% interval over replications.",
    "staff": "How busy each staff pool was: the share of its patient-facing time spent with "
    "patients, and any overtime.",
    "beds": "How full the beds and places were: mean and 95th percentile occupancy against the "
    "beds available.",
    "tradeoff": "The capacity trade-off: queueing theory's chance of waiting and mean wait for "
    "each number of staff or beds, at this run's demand, with this run's own result marked.",
    "queues": "Patients waiting over the run, pool by pool: the mean over replications with its "
    "95% band; the warm-up is shaded.",
}

_RATE_TEXT = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*((?:per|/)\s*[A-Za-z]+)\s*$")

ControlKind = Literal[
    "headcount", "capacity", "rate", "task_sharing", "share", "demand", "replications", "horizon"
]


# -- scenarios and their controls -----------------------------------------------------------------
@dataclass(frozen=True)
class LessonPart:
    """A paragraph of a scenario's lesson: prose, or commands to try, kept line by line."""

    kind: Literal["text", "commands"]
    text: str


def lesson(text: str) -> tuple[LessonPart, ...]:
    """The lesson a scenario file's opening comment teaches, in paragraphs.

    Indented comment lines, and lines starting ``Try:``, are commands and keep their lines.
    """
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" ").rstrip())
    parts: list[LessonPart] = []
    prose: list[str] = []
    commands: list[str] = []

    def close() -> None:
        if prose:
            parts.append(LessonPart("text", " ".join(prose)))
            prose.clear()
        if commands:
            parts.append(LessonPart("commands", "\n".join(commands)))
            commands.clear()

    for line in lines:
        if not line.strip():
            close()
        elif line.startswith(("Try:", " ")):
            if prose:
                close()
            commands.append(line)
        else:
            if commands:
                close()
            prose.append(line.strip())
    close()
    return tuple(parts)


def _number_text(value: float) -> str:
    """A number as a config writes it: ``750``, ``7.5``, ``0.25``."""
    return f"{float(value):.10g}"


def _words(name: str) -> str:
    return group_words(name)


_ROLE_PLURALS = {"gp": "GPs", "hca": "HCAs"}


def _role_plural(role: str) -> str:
    return _ROLE_PLURALS.get(role, f"{_words(role)}s")


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
    #: demand: (key path, rate text) of every per-patient rate it scales.
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
            factor = float(value) / 100
            return [f"{path}={_scaled_rate(text, factor)}" for path, text in self.detail]
        if self.kind == "task_sharing":
            shares = _shared_allocation(self.detail, float(value) / 100)
            inner = ", ".join(f"{role}: {_number_text(share)}" for role, share in shares.items())
            return [f"{self.path}={{{inner}}}"]
        raise ValueError(f"unknown kind of control {self.kind!r}")


def _scaled_rate(text: str, factor: float) -> str:
    match = _RATE_TEXT.match(str(text))
    if match is None:  # the config validated, so this is a rate in another spelling
        raise ConfigError(f"cannot scale the rate {text!r}")
    return f"{float(match.group(1)) * factor:.6g} {match.group(2)}"


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


@dataclass(frozen=True)
class Scenario:
    """A teaching scenario: its file, what it teaches, and the controls that make sense for it."""

    path: Path
    name: str
    description: str
    lesson: tuple[LessonPart, ...]
    controls: tuple[Control, ...]
    care_system: bool

    @property
    def stem(self) -> str:
        """The file's name without ``.yaml``: how the page names the scenario."""
        return self.path.stem

    def defaults(self) -> dict[str, float]:
        """Every control at its starting value."""
        return {control.key: control.default for control in self.controls}

    def control(self, key: str) -> Control:
        """The control named ``key``."""
        for control in self.controls:
            if control.key == key:
                return control
        raise KeyError(key)

    def overrides(self, values: Mapping[str, float]) -> list[str]:
        """The ``--set`` overrides of these control values (missing ones at their defaults)."""
        found: list[str] = []
        for control in self.controls:
            found += control.overrides(values.get(control.key, control.default))
        return found

    def command(self, values: Mapping[str, float], shown_path: str | None = None) -> str:
        """The command line that runs what the app runs with these values."""
        words = ["caresim", "run", shown_path or str(self.path)]
        for override in self.overrides(values):
            words += ["--set", override]
        return " ".join(shlex.quote(word) for word in words)

    def load(self, values: Mapping[str, float]) -> LoadedConfig:
        """The config these values make; :class:`ConfigError` (one line) if it is not valid."""
        return load_config(self.path, self.overrides(values))


def _days(hours: float) -> float:
    return round(hours / 24.0, 6)


def _staff_controls(config: Config) -> list[Control]:
    controls = []
    for name, staff in config.staff.items():
        role = staff.role or name
        where = "the whole network" if staff.scope == "network" else f"{_words(staff.scope)}"
        rota = "around the clock" if staff.rota == "24/7" else f"rota '{staff.rota}'"
        controls.append(
            Control(
                key=f"staff.{name}.headcount",
                kind="headcount",
                section="Staff on duty",
                label=_words(name)
                if _words(role) in _words(name)
                else f"{_words(name)} ({_words(role)})",
                help=f"How many {_role_plural(role)} this pool has; they see patients of "
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
        for kind, words in (
            ("bed_based", "bed-based intermediate care"),
            ("home_based", "home-based intermediate care"),
            ("assessment_beds", "discharge-to-assess beds"),
        ):
            spec = getattr(care, kind)
            if spec is not None:
                users[spec.uses] = ("Intermediate care places", words)
    hospital = config.hospital
    if hospital is not None:
        users[hospital.beds] = ("Hospital beds", "acute admissions")
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
        section, words = users.get(name, ("Beds and places", "the services that use it"))
        controls.append(
            Control(
                key=f"beds.{name}.capacity",
                kind="capacity",
                section=section,
                label=_words(name),
                help=f"Beds or places for {words}.",
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
        others = ", ".join(_role_plural(role) for role in shares if role != lead)
        controls.append(
            Control(
                key=f"task_sharing.{name}",
                kind="task_sharing",
                section="Task-sharing",
                label=f"{_words(name)}: % done by others than {_role_plural(lead)}",
                help=f"The share of {_words(name)} appointments booked with {others} rather than "
                f"{_role_plural(lead)}; the others keep their proportions.",
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
                help="Scales every request rate per patient (general practice, district nursing "
                "referrals, emergency attendances): 120% is a fifth more demand.",
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
                label=f"{_words(name)}, {unit}",
                help=f"How many {_words(name)} arrive on average, {unit}.",
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


def scenario_from_file(path: str | Path) -> Scenario:
    """Read a teaching scenario; :class:`ConfigError` (one line) if its file is not valid."""
    path = Path(path)
    loaded = load_config(path)
    config = loaded.config
    care_system = any(
        getattr(config, s) is not None
        for s in ("general_practice", "district_nursing", "intermediate_care", "hospital")
    )
    controls = (
        _staff_controls(config)
        + _task_sharing_controls(config)
        + _bed_controls(config)
        + _avoidance_controls(config)
        + _demand_controls(config, loaded.document)
        + _run_controls(config, care_system)
    )
    text = path.read_text(encoding="utf-8")
    return Scenario(
        path,
        config.name,
        " ".join(config.description.split()),
        lesson(text),
        tuple(controls),
        care_system,
    )


def teaching_folder(given: str | Path | None = None) -> Path:
    """Where the teaching scenarios are: the folder given, else the one the environment variable
    ``CARESIM_SCENARIOS`` names, else ``configs/teaching`` of the working folder, else that of
    the source tree this package runs from."""
    given = given or os.environ.get(SCENARIOS_VARIABLE)
    if given:
        return Path(given)
    here = Path("configs") / "teaching"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "configs" / "teaching"


def load_scenarios(folder: str | Path) -> tuple[list[Scenario], list[str]]:
    """Every scenario of a folder, by file name, and a line for each file that could not be read."""
    scenarios: list[Scenario] = []
    problems: list[str] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            scenarios.append(scenario_from_file(path))
        except ConfigError as error:
            problems.append(str(error))
    return scenarios, problems


# -- running --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeachingRun:
    """A finished run in the app: what was asked, and every replication's results."""

    scenario: str  # the file's stem
    values: dict[str, float]
    overrides: tuple[str, ...]
    command: str
    config: Config
    document: dict[str, Any]
    replications: pd.DataFrame
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    elapsed_seconds: float

    @property
    def warm_up_hours(self) -> float:
        """Hours at the start left out of every measure."""
        return float(self.config.run.warm_up)

    @property
    def horizon_hours(self) -> float:
        """Hours simulated, warm-up included."""
        return float(self.config.run.horizon)

    @property
    def window_hours(self) -> float:
        """Hours measured."""
        return self.horizon_hours - self.warm_up_hours


def run_scenario(
    scenario: Scenario,
    values: Mapping[str, float],
    progress: Callable[[int, int], None] | None = None,
    shown_path: str | None = None,
) -> TeachingRun:
    """Run the replications these control values ask for, in this process.

    ``progress(done, total)`` is called before the first replication and after each one.
    Raises :class:`ConfigError` (one line) when the values make an invalid config.
    """
    loaded = scenario.load(values)
    config = loaded.config
    total = config.run.replications
    measures, series = [], []
    started = time.perf_counter()
    if progress is not None:
        progress(0, total)
    for replication in range(total):
        frames = simulate_replication(config, config.name, replication, config.run.seed)
        measures.append(frames.measures)
        series.append(frames.timeseries)
        if progress is not None:
            progress(replication + 1, total)
    table = pd.concat(measures, ignore_index=True)
    return TeachingRun(
        scenario=scenario.stem,
        values=dict(values),
        overrides=tuple(scenario.overrides(values)),
        command=scenario.command(values, shown_path),
        config=config,
        document=loaded.document,
        replications=table,
        summary=summarise(table),
        timeseries=pd.concat(series, ignore_index=True),
        elapsed_seconds=time.perf_counter() - started,
    )


# -- headline measures and the comparison ---------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    """One headline measure of a run: its mean and 95% interval over replications.

    ``better`` says which way is an improvement ("lower", "higher") or that neither is.
    """

    setting: str
    group: str
    measure: str
    label: str
    unit: str
    mean: float
    low: float
    high: float
    better: Literal["lower", "higher", "neither"]

    @property
    def key(self) -> tuple[str, str, str]:
        """Which measure this is, the same in any run that has it."""
        return (self.setting, self.group, self.measure)


_IC_WORDS = {
    "bed_based": "an intermediate care bed",
    "home_based": "home-based intermediate care",
    "assessment_beds": "a discharge-to-assess bed",
}


def _care_picks(config: Config) -> list[tuple[str, str, str, str, str]]:
    """(setting, group, measure, label, better) of a care system's headline measures."""
    picks = []
    if config.general_practice is not None:
        lead = config.general_practice.handback_role
        picks += [
            ("general_practice", "all", "wait_mean", "Wait for an appointment", "lower"),
            ("general_practice", "all", "within_target_share", "Seen within target", "higher"),
            (
                "general_practice",
                lead,
                "slot_use",
                f"{_role_plural(lead)}' slots booked",
                "neither",
            ),
        ]
    if config.district_nursing is not None:
        picks.append(
            ("district_nursing", "all", "wait_mean", "District nursing visit delay", "lower")
        )
    if config.intermediate_care is not None:
        for kind, words in _IC_WORDS.items():
            if getattr(config.intermediate_care, kind) is not None:
                picks.append(
                    (
                        "intermediate_care",
                        f"{kind}_step_down",
                        "wait_mean",
                        f"Wait in hospital for {words}",
                        "lower",
                    )
                )
    if config.hospital is not None:
        picks += [
            ("hospital", "admission", "wait_mean", "Wait for an acute bed", "lower"),
            (
                "hospital",
                "all",
                "delayed_discharge_bed_days",
                "Delayed-discharge bed-days",
                "lower",
            ),
            ("hospital", "all", "admissions", "Emergency admissions", "lower"),
        ]
        if config.hospital.admission_avoidance is not None:
            picks.append(("hospital", "all", "admissions_avoided", "Admissions avoided", "higher"))
        picks.append(
            ("hospital", config.hospital.beds, "utilisation", "Acute bed occupancy", "neither")
        )
    picks.append(("system", "all", "total_cost", "Total cost", "lower"))
    return picks


def _service_picks(config: Config) -> list[tuple[str, str, str, str, str]]:
    picks = []
    for name, service in config.services.items():
        turns_away = (
            service.uses in config.beds and config.beds[service.uses].when_full == "turn_away"
        )
        if turns_away:
            picks.append(
                (
                    service.setting,
                    name,
                    "turned_away_share",
                    f"Turned away: {_words(name)}",
                    "lower",
                )
            )
        else:
            picks.append(
                (service.setting, name, "wait_mean", f"Mean wait: {_words(name)}", "lower")
            )
    used = list(dict.fromkeys(service.uses for service in config.services.values()))
    for pool in used:
        setting = next(s.setting for s in config.services.values() if s.uses == pool)
        picks.append((setting, pool, "utilisation", f"Utilisation: {_words(pool)}", "neither"))
    return picks


def headlines(run: TeachingRun) -> list[Headline]:
    """The measures the page shows first, those the run has, in reading order."""
    picks = _service_picks(run.config) + (
        _care_picks(run.config)
        if any(
            getattr(run.config, s) is not None
            for s in ("general_practice", "district_nursing", "intermediate_care", "hospital")
        )
        else []
    )
    summary = run.summary.set_index(["setting", "group", "measure"])
    found = []
    for setting, group, measure, label, better in picks:
        if (setting, group, measure) not in summary.index:
            continue
        row = summary.loc[(setting, group, measure)]
        found.append(
            Headline(
                setting,
                group,
                measure,
                label,
                str(row["unit"]),
                float(row["mean"]),
                float(row["ci_low"]),
                float(row["ci_high"]),
                better,  # type: ignore[arg-type]
            )
        )
    return found


def format_value(value: float, unit: str) -> str:
    """A measure's value as the page shows it: ``35.5 minutes``, ``81%``, ``£1,196,281``."""
    if value is None or not math.isfinite(value):
        return "–"
    if unit == "proportion":
        return f"{value * 100:.1f}%"
    if unit == "GBP":
        return f"£{value:,.0f}"
    size = abs(value)
    number = f"{value:,.0f}" if size >= 1000 else f"{value:.3g}" if size < 10 else f"{value:,.1f}"
    return f"{number} {unit}"


def metric_label(headline: Headline) -> str:
    """A headline's label with its unit, so that the figure beside it can be a bare number."""
    if headline.unit in ("proportion", "GBP"):
        return headline.label
    return f"{headline.label} ({headline.unit})"


def metric_value(value: float, unit: str) -> str:
    """A headline figure without its unit (which :func:`metric_label` carries)."""
    return format_value(value, unit).removesuffix(f" {unit}")


def format_interval(low: float, high: float, unit: str) -> str:
    """A 95% interval as the page shows it, or a dash when a run cannot give one."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    if unit == "proportion":
        return f"{low * 100:.1f}% to {high * 100:.1f}%"
    return f"{format_value(low, unit).removesuffix(' ' + unit)} to {format_value(high, unit)}"


def comparison(current: Sequence[Headline], previous: Sequence[Headline]) -> pd.DataFrame:
    """This run's headline measures beside the previous run's, where both runs have them.

    Columns ``label, unit, previous, previous_low, previous_high, mean, low, high, change,
    overlap``; ``overlap`` is whether the two 95% intervals overlap (None without intervals).
    """
    before = {h.key: h for h in previous}
    rows = []
    for now in current:
        if now.key not in before:
            continue
        then = before[now.key]
        bounds = (now.low, now.high, then.low, then.high)
        overlap = (
            bool(now.low <= then.high and then.low <= now.high)
            if all(math.isfinite(b) for b in bounds)
            else None
        )
        rows.append(
            (
                now.label,
                now.unit,
                then.mean,
                then.low,
                then.high,
                now.mean,
                now.low,
                now.high,
                now.mean - then.mean,
                overlap,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "label",
            "unit",
            "previous",
            "previous_low",
            "previous_high",
            "mean",
            "low",
            "high",
            "change",
            "overlap",
        ],
    )


def signed_change(change: float, unit: str) -> str:
    """A change between runs with its sign: ``-12.3 minutes``, ``+4.1 points`` (of a share)."""
    if change is None or not math.isfinite(change):
        return "–"
    if unit == "proportion":
        return f"{change * 100:+.1f} points"
    text = format_value(abs(change), unit)
    return ("+" if change > 0 else "-" if change < 0 else "±") + text


def comparison_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as the page writes it: one row of text per measure."""
    words = {True: "yes: could be chance", False: "no: a real change", None: "–"}
    return pd.DataFrame(
        {
            "measure": table["label"],
            "previous run": [
                f"{format_value(m, u)} ({format_interval(lo, hi, u)})"
                for m, lo, hi, u in zip(
                    table["previous"],
                    table["previous_low"],
                    table["previous_high"],
                    table["unit"],
                    strict=True,
                )
            ],
            "this run": [
                f"{format_value(m, u)} ({format_interval(lo, hi, u)})"
                for m, lo, hi, u in zip(
                    table["mean"], table["low"], table["high"], table["unit"], strict=True
                )
            ],
            "change": [
                signed_change(c, u) for c, u in zip(table["change"], table["unit"], strict=True)
            ],
            "intervals overlap?": [
                words[None if pd.isna(o) else bool(o)] for o in table["overlap"]
            ],
        }
    )


# -- figures ---------------------------------------------------------------------------------------
def _steps_only(summary: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The summary without the waits of roles, pools and practices: steps of care only."""
    roles = {staff.role or name for name, staff in config.staff.items()}
    practices = set(config.population.practices) if config.population is not None else set()
    others = roles | set(config.staff) | set(config.beds) | practices
    return summary[~summary["group"].isin(others)]


def draw_charts(run: TeachingRun, folder: Path) -> dict[str, Figure]:
    """The run's waits, staff, beds and queue figures, drawn into ``folder``."""
    pools = config_pools(run.document)
    capacities = {name: pool.capacity for name, pool in pools.items()}
    return {
        "waits": wait_intervals(
            _steps_only(run.summary, run.config), wait_targets(run.document), folder
        ),
        "staff": staff_workload(run.summary, pools, folder),
        "beds": bed_occupancy(run.summary, pools, folder),
        "queues": timeseries_figure(
            run.timeseries,
            ("queue_length",),
            "Patients waiting over time, by pool",
            "queue_length",
            run.horizon_hours,
            run.warm_up_hours,
            capacities,
            folder,
        ),
    }


def _mean(summary: pd.DataFrame, group: str, measure: str) -> float:
    rows = summary[(summary["group"] == group) & (summary["measure"] == measure)]["mean"]
    return float(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else math.nan


def care_pool(run: TeachingRun, name: str) -> tuple[Pool, Demand] | None:
    """A bed pool a care setting fills, and its demand in this run; None if it has none.

    Arrivals are those the pool's steps measured; the mean time a patient holds a bed comes from
    Little's law (mean occupancy over the rate of patients placed), so it includes any time
    spent waiting to leave.
    """
    config = run.config
    steps: tuple[str, ...] = ()
    arrivals = placed = math.nan
    unit = "hours"
    summary = run.summary
    if config.hospital is not None and name == config.hospital.beds:
        steps, unit = ("admission",), "hours"
        arrivals = placed = _mean(summary, "all", "admissions")
    elif config.intermediate_care is not None:
        kinds = [
            kind
            for kind in _IC_WORDS
            if getattr(config.intermediate_care, kind) is not None
            and getattr(config.intermediate_care, kind).uses == name
        ]
        if kinds:
            steps = tuple(f"{kind}_{way}" for kind in kinds for way in ("step_down", "step_up"))
            unit = "days"
            arrivals = sum(_mean(summary, step, "arrivals") for step in steps)
            placed = arrivals - sum(_mean(summary, step, "gave_up") for step in steps)
    occupancy = _mean(summary, name, "occupancy_mean")
    if not steps or not (run.window_hours > 0) or not placed > 0 or not math.isfinite(occupancy):
        return None
    capacity = config.beds[name].capacity
    pool = Pool(
        name,
        "beds",
        capacity if isinstance(capacity, int) else None,
        name,
        "24/7",
        "queue",
        steps,
    )
    rate = placed / run.window_hours
    return pool, Demand(arrivals / run.window_hours, occupancy / rate, unit)


def tradeoff_pools(run: TeachingRun) -> list[str]:
    """Pools the trade-off curve can be drawn for, the busiest first."""
    names = [name for name, pool in config_pools(run.document).items() if pool.services]
    names += [name for name in run.config.beds if name not in names and care_pool(run, name)]
    use = run.summary[run.summary["measure"] == "utilisation"].set_index("group")["mean"]
    busy = {name: float(use.get(name, 0.0)) if pd.notna(use.get(name)) else 0.0 for name in names}
    return sorted(names, key=lambda name: -busy[name])


def tradeoff_figure(run: TeachingRun, pool_name: str, folder: Path) -> Figure:
    """The capacity trade-off curve of one pool at this run's demand, with the run marked."""
    pools = config_pools(run.document)
    units = service_units(run.document)
    pool = pools.get(pool_name)
    # A step with no one served has no mean: leave it out rather than mark nothing.
    summary = run.summary.dropna(subset=["mean"])
    if pool is not None and pool.services:
        return capacity_tradeoff(summary, pool, run.window_hours, units, folder)
    found = care_pool(run, pool_name)
    if found is None:
        return skipped(
            f"capacity_{pool_name}",
            f"Capacity trade-off: {_words(pool_name)}",
            "no patients reached this pool in the measured period",
        )
    pool, demand = found
    return capacity_tradeoff(summary, pool, run.window_hours, units, folder, demand=demand)


@dataclass(frozen=True)
class ChartImage:
    """A drawn chart as the page shows it (PNG bytes), or why it was not drawn."""

    name: str
    title: str
    caption: str
    png: bytes | None
    skipped: str | None = None


#: Why a chart is missing, in the words of a scenario rather than of a results folder.
_NOT_DRAWN = {
    "staff": "the scenario has no staff",
    "beds": "the scenario has no beds or places",
    "queues": "no one waited",
}


def _image(name: str, figure: Figure) -> ChartImage:
    if figure.drawn and figure.png is not None:
        return ChartImage(name, figure.title, figure.caption, figure.png.read_bytes())
    return ChartImage(
        name, figure.title, figure.caption, None, _NOT_DRAWN.get(name, figure.skipped)
    )


def chart_images(run: TeachingRun) -> dict[str, ChartImage]:
    """The run's charts as images, drawn in a folder that is gone when they have been read."""
    with tempfile.TemporaryDirectory(prefix="caresim-app-") as folder:
        figures = draw_charts(run, Path(folder))
        return {name: _image(name, figure) for name, figure in figures.items()}


def tradeoff_image(run: TeachingRun, pool_name: str) -> ChartImage:
    """The trade-off curve of one pool as an image (see :func:`tradeoff_figure`)."""
    with tempfile.TemporaryDirectory(prefix="caresim-app-") as folder:
        return _image("tradeoff", tradeoff_figure(run, pool_name, Path(folder)))
