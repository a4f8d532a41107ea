"""Running an experiment into a result folder: every scenario's replications, resumably.

Each (scenario, replication) result is written atomically as it comes back from the backend, so a
run that is killed loses only the replications in flight, and running it again into the same
folder picks up where it stopped. Replication r of every scenario draws the same random streams
(common random numbers), and everything decided along the way — the warm-up estimate, how many
replications the automatic rule wants — reads finished results in replication order only. So the
outputs are the same whichever backend ran them, in whatever order, across any number of resumes.
"""

from __future__ import annotations

import difflib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from caresim.experiments.files import BASELINE, Experiment, ExperimentError, WarmUpEstimate, written
from caresim.experiments.replication_rule import AutomaticRule, Decision, decide
from caresim.experiments.sensitivity import numeric_value, sensitivity
from caresim.experiments.warmup import estimate_warm_up
from caresim.runs.backends import Backend, Task
from caresim.runs.cost_per_outcome import cost_per_outcome
from caresim.runs.occupancy import write_occupancy
from caresim.runs.progress import Progress
from caresim.runs.provenance import git_commit, machine, made_by, now_iso, package_versions
from caresim.runs.replication import ReplicationFrames
from caresim.runs.scheduler import Scheduler
from caresim.runs.stats import paired_differences, summarise
from caresim.runs.store import REPLICATION_COLUMNS, ResultStore

__all__ = ["SCENARIO_COLUMNS", "ExperimentOutcome", "ScenarioOutcome", "run_experiment"]

SCENARIO_COLUMNS = ["scenario", "parameter", "value", "number"]
PILOT_FOLDER = "warm_up"

#: The time series MSER-5 judges when the experiment names none.
SETTLING_LEVELS = ("queue_length", "busy", "occupancy")


@dataclass(frozen=True)
class ScenarioOutcome:
    """How many replications a scenario got, and why it stopped there.

    ``stopped`` is ``"fixed"`` (the number asked for), ``"precision"`` or ``"maximum"``;
    ``needed`` is the number at which the automatic rule first met the precision and kept it;
    ``precision`` the worst relative half-width of the judged measures over all its replications.
    """

    name: str
    replications: int
    stopped: str
    needed: int | None = None
    precision: float | None = None


@dataclass(frozen=True)
class WarmUp:
    """The warm-up applied: ``hours``, how it was chosen and, if estimated, its diagnostic."""

    hours: float
    method: str  # "fixed", "duration" or "mser5"
    diagnostic: pd.DataFrame | None = None
    unsettled: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExperimentOutcome:
    """A finished experiment: where it was written and its tables."""

    folder: Path
    replications: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame
    scenarios: tuple[ScenarioOutcome, ...]
    warm_up: WarmUp
    elapsed_seconds: float
    resumed: int  # replications found already done
    sensitivity: pd.DataFrame | None = None  # inputs ranked by influence (Latin hypercube)


def _replications_asked(experiment: Experiment) -> Any:
    """The replications asked for: a number, or the automatic rule's parameters."""
    if not isinstance(experiment.replications, AutomaticRule):
        return experiment.replications
    rule = experiment.replications
    return {
        "rule": "confidence-interval method with look-ahead (Hoad, Robinson & Davies 2010)",
        "initial": rule.initial,
        "max": rule.maximum,
        "precision": rule.precision,
        "look_ahead": rule.look_ahead,
        "measures": list(experiment.replication_measures),
    }


def _manifest(experiment: Experiment, backend: Backend, command: list[str] | None) -> dict:
    return {
        "kind": "experiment",
        "experiment": experiment.name,
        "description": experiment.description,
        "experiment_file": str(experiment.path),
        "experiment_document": experiment.document,
        "base_file": str(experiment.base_path),
        "base_config": experiment.base_document,
        "seed": experiment.seed,
        "streams": "replication r of every scenario draws every stream from numpy "
        "SeedSequence(seed, spawn_key=(r, name)): common random numbers",
        "replications": _replications_asked(experiment),
        "warm_up": experiment.warm_up,
        "measures": list(experiment.measures),
        "set": {key: value for key, value in experiment.common},
        "scenarios": [
            {
                "name": s.name,
                "origin": s.origin,
                "overrides": {key: value for key, value in s.overrides},
            }
            for s in experiment.scenarios
        ],
        "backend": backend.description,
        "command": command or sys.argv,
        "versions": package_versions(),
        "made_by": made_by(),
        "git_commit": git_commit(),
        "machine": machine(),
        "started": now_iso(),
    }


def _measure_names(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["setting"] + "." + frame["group"] + "." + frame["measure"]))


def _check_measures(experiment: Experiment, available: list[str], key: str, names) -> None:
    for index, name in enumerate(names):
        if name not in available:
            close = difflib.get_close_matches(name, available, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ExperimentError(
                f"{experiment.path}: {key}[{index}]: no measure '{name}' in the results{hint}"
            )


def _estimate_warm_up(
    experiment: Experiment, store: ResultStore, backend: Backend, show_progress: bool
) -> WarmUp:
    """MSER-5 on pilot replications of the baseline, kept in their own folder of parts."""
    estimate = experiment.warm_up_estimate or WarmUpEstimate()
    baseline = experiment.baseline
    pilot = store.subfolder(PILOT_FOLDER)
    scheduler = Scheduler(backend, pilot, Progress(0, "warm-up pilot") if show_progress else None)
    keys = [(BASELINE, r) for r in range(estimate.replications)]
    scheduler.want(Task(BASELINE, r, experiment.seed, baseline.document) for _, r in keys)
    scheduler.run(lambda task, frames: None)
    series = pilot.timeseries(keys)
    available = _measure_names(series)
    # By default the queues and the use of pools: people in post follow the plan, not a warm-up.
    settling = [name for name in available if name.rsplit(".", 1)[1] in SETTLING_LEVELS]
    chosen = list(estimate.series or settling)
    _check_measures(experiment, available, "warm_up_estimate.series", chosen)
    judged = series[
        (series["setting"] + "." + series["group"] + "." + series["measure"]).isin(chosen)
    ]
    run = baseline.config.run
    hours, diagnostic, unsettled = estimate_warm_up(judged, run.trace_interval, run.horizon)
    return WarmUp(hours, "mser5", diagnostic, tuple(unsettled))


def _values(frames: ReplicationFrames | pd.DataFrame, names: tuple[str, ...]) -> list[float]:
    table = frames.measures if isinstance(frames, ReplicationFrames) else frames
    keyed = dict(
        zip(
            table["setting"] + "." + table["group"] + "." + table["measure"],
            table["value"],
            strict=True,
        )
    )
    return [float(keyed.get(name, np.nan)) for name in names]


class _Replications:
    """Plans and runs every scenario's replications: a fixed number, or as many as the automatic
    rule asks for, deciding each scenario whenever all its planned replications are in."""

    def __init__(
        self, experiment: Experiment, store: ResultStore, backend: Backend, show_progress: bool
    ) -> None:
        self.experiment = experiment
        self.store = store
        self.rule = experiment.replications
        self.automatic = isinstance(self.rule, AutomaticRule)
        self.documents = {s.name: s.document for s in experiment.scenarios}
        self.order = [s.name for s in experiment.scenarios]
        self.judged = experiment.replication_measures
        progress = Progress(0, "replications") if show_progress else None
        self.scheduler = Scheduler(backend, store, progress)
        self.planned = dict.fromkeys(self.order, 0)
        self.decisions: dict[str, Decision] = {}
        self.values: dict[str, dict[int, list[float]]] = {name: {} for name in self.order}
        self.checked = False

    def run(self) -> list[ScenarioOutcome]:
        """Run until every scenario is decided; how many replications each got, and why."""
        if self.store.is_done(BASELINE, 0):
            self.check(self.store.replications([(BASELINE, 0)]))
        rule = self.rule
        first = rule.initial if isinstance(rule, AutomaticRule) else rule
        # replication-major order: every scenario's first replications come back early
        for replication in range(first):
            for scenario in self.order:
                self.plan(scenario, replication + 1)
        for scenario in self.order:
            self.reconsider(scenario)  # what an earlier run finished may already settle it
        self.scheduler.run(self.finished)
        return [self.outcome(scenario) for scenario in self.order]

    def outcome(self, scenario: str) -> ScenarioOutcome:
        if not isinstance(self.rule, AutomaticRule):
            return ScenarioOutcome(scenario, self.rule, "fixed")
        decision = self.decisions[scenario]
        return ScenarioOutcome(
            scenario,
            decision.replications,
            decision.stopped or "",
            decision.needed,
            decision.precision,
        )

    def plan(self, scenario: str, upto: int) -> None:
        tasks = [
            Task(scenario, r, self.experiment.seed, self.documents[scenario])
            for r in range(self.planned[scenario], upto)
        ]
        self.planned[scenario] = max(self.planned[scenario], upto)
        for task in self.scheduler.want(tasks):
            if self.automatic:
                kept = self.store.replications([(task.scenario, task.replication)])
                self.values[scenario][task.replication] = _values(kept, self.judged)

    def check(self, measures: pd.DataFrame) -> None:
        """The measures the experiment names exist in the results (checked once)."""
        if self.checked:
            return
        experiment = self.experiment
        available = _measure_names(measures)
        _check_measures(experiment, available, "measures", experiment.measures)
        if self.automatic and self.judged != experiment.measures:
            _check_measures(experiment, available, "replications.measures", self.judged)
        self.checked = True

    def reconsider(self, scenario: str) -> None:
        """Let the automatic rule decide whenever every planned replication is in."""
        if not isinstance(self.rule, AutomaticRule):
            return
        known = self.values[scenario]
        while scenario not in self.decisions:
            prefix = 0
            while prefix in known:
                prefix += 1
            if prefix < self.planned[scenario]:
                return
            columns = [[known[r][i] for r in range(prefix)] for i in range(len(self.judged))]
            decision = decide(columns, self.rule)
            if decision.done:
                self.decisions[scenario] = decision
            else:
                self.plan(scenario, decision.replications)

    def finished(self, task: Task, frames: ReplicationFrames) -> None:
        self.check(frames.measures)
        if self.automatic:
            self.values[task.scenario][task.replication] = _values(frames, self.judged)
            self.reconsider(task.scenario)


def _open_store(
    experiment: Experiment,
    folder: Path,
    backend: Backend,
    command: list[str] | None,
    announce: Callable[[], None] | None,
) -> ResultStore:
    resuming = (Path(folder) / "manifest.json").exists()
    store = ResultStore.open(
        folder, experiment.config_hash(), _manifest(experiment, backend, command)
    )
    if announce is not None:
        announce()
    if resuming:
        store.update_manifest(status="running", resumed_at=now_iso(), backend=backend.description)
    return store


def _warm_up(
    experiment: Experiment, store: ResultStore, backend: Backend, show_progress: bool
) -> WarmUp:
    """The warm-up the experiment asks for; estimated on pilot replications if ``auto``."""
    if experiment.warm_up == "auto":
        warm_up = _estimate_warm_up(experiment, store, backend, show_progress)
        assert warm_up.diagnostic is not None  # an estimate always has its diagnostic
        store.write_csv("warmup.csv", warm_up.diagnostic)
        return warm_up
    method = "fixed" if experiment.warm_up == "fixed" else "duration"
    return WarmUp(experiment.baseline.config.run.warm_up, method)


@dataclass(frozen=True)
class _Tables:
    replications: pd.DataFrame
    summary: pd.DataFrame
    comparison: pd.DataFrame
    sensitivity: pd.DataFrame | None


def _write_tables(
    experiment: Experiment,
    store: ResultStore,
    outcomes: list[ScenarioOutcome],
    check: Callable[[pd.DataFrame], None],
) -> _Tables:
    """Summarise every finished replication and write the experiment's tables, once ``check``
    has accepted the replications' measures."""
    keys = [(o.name, r) for o in outcomes for r in range(o.replications)]
    table = store.replications(keys)
    check(table)
    summary = summarise(table)
    comparison = paired_differences(table, BASELINE)
    store.write_parquet("replications.parquet", table[REPLICATION_COLUMNS])
    store.write_csv("replications.csv", table)
    store.write_csv("summary.csv", summary)
    store.write_csv("comparison.csv", comparison)
    prices = cost_per_outcome(table, BASELINE)
    if not prices.empty:
        store.write_csv("cost_per_outcome.csv", prices)
    scenario_table = _scenario_table(experiment)
    store.write_csv("scenarios.csv", scenario_table)
    ranking = None
    if (experiment.document.get("sweep") or {}).get("kind") == "latin_hypercube":
        # The sweep's points alone: a named scenario beside them sets other parameters.
        swept = {s.name for s in experiment.scenarios if s.origin == "sweep"}
        ranking = sensitivity(
            summary,
            scenario_table[scenario_table["scenario"].isin(swept)],
            list(experiment.measures),
        )
        store.write_csv("sensitivity.csv", ranking)
    store.write_parquet("timeseries.parquet", store.timeseries(keys))
    write_occupancy(store, keys)
    return _Tables(table, summary, comparison, ranking)


def _finish_manifest(
    experiment: Experiment,
    store: ResultStore,
    backend: Backend,
    command: list[str] | None,
    warm_up: WarmUp,
    outcomes: list[ScenarioOutcome],
    elapsed: float,
) -> None:
    # a resumed run may have asked for other replications or measures than the first
    store.update_manifest(
        experiment_file=str(experiment.path),
        experiment_document=experiment.document,
        replications=_replications_asked(experiment),
        measures=list(experiment.measures),
        command=command or sys.argv,
        status="complete",
        finished=now_iso(),
        elapsed_seconds=round(elapsed, 3),
        backend=backend.description,
        warm_up_hours=warm_up.hours,
        warm_up_method=warm_up.method,
        warm_up_unsettled=list(warm_up.unsettled),
        replications_per_scenario={
            o.name: {
                "replications": o.replications,
                "stopped": o.stopped,
                "needed": o.needed,
                "precision": o.precision,
            }
            for o in outcomes
        },
    )


def run_experiment(
    experiment: Experiment,
    folder: Path,
    backend: Backend,
    show_progress: bool = True,
    command: list[str] | None = None,
    announce: Callable[[], None] | None = None,
) -> ExperimentOutcome:
    """Run every scenario's replications on ``backend`` into ``folder``; resume what is there.

    ``announce`` is called once the folder has been accepted, before the first replication.
    """
    clock = time.perf_counter()
    with _open_store(experiment, folder, backend, command, announce) as store:
        warm_up = _warm_up(experiment, store, backend, show_progress)
        if warm_up.method == "mser5":
            experiment = experiment.with_warm_up(warm_up.hours)
        replications = _Replications(experiment, store, backend, show_progress)
        outcomes = replications.run()
        tables = _write_tables(experiment, store, outcomes, replications.check)
        elapsed = time.perf_counter() - clock
        _finish_manifest(experiment, store, backend, command, warm_up, outcomes, elapsed)
        return ExperimentOutcome(
            store.folder,
            tables.replications,
            tables.summary,
            tables.comparison,
            tuple(outcomes),
            warm_up,
            elapsed,
            replications.scheduler.resumed,
            tables.sensitivity,
        )


def _scenario_table(experiment: Experiment) -> pd.DataFrame:
    rows = [
        (scenario.name, parameter, written(value), numeric_value(written(value)))
        for scenario in experiment.scenarios
        for parameter, value in scenario.overrides
    ]
    return pd.DataFrame(rows, columns=SCENARIO_COLUMNS)
