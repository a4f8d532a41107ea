"""Running an experiment into a result folder: every scenario's replications, resumably.

Each (scenario, replication) result is written atomically as it comes back from the backend, so a
run that is killed loses only the replications in flight, and running it again into the same
folder picks up where it stopped. Replication r of every scenario draws the same random streams
(common random numbers), and everything decided along the way — the warm-up estimate, how many
replications the automatic rule wants — reads finished results in replication order only. So the
outputs are the same whichever backend ran them, in whatever order, across any number of resumes.
"""

from __future__ import annotations

import collections
import difflib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from caresim.runs.backends import Backend, Task
from caresim.experiments.files import BASELINE, Experiment, ExperimentError, WarmUpEstimate, written
from caresim.runs.progress import Progress
from caresim.runs.provenance import git_commit, machine, now_iso, package_versions
from caresim.experiments.replication_rule import AutomaticRule, Decision, decide
from caresim.runs.occupancy import write_occupancy, write_occupancy_part
from caresim.runs.scenario import ReplicationFrames
from caresim.experiments.sensitivity import numeric_value, sensitivity
from caresim.runs.stats import paired_differences, summarise
from caresim.runs.store import REPLICATION_COLUMNS, ResultStore
from caresim.experiments.warmup import estimate_warm_up

__all__ = ["SCENARIO_COLUMNS", "ExperimentOutcome", "ScenarioOutcome", "run_experiment"]

SCENARIO_COLUMNS = ["scenario", "parameter", "value", "number"]
PILOT_FOLDER = "warm_up"


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
        "git_commit": git_commit(),
        "machine": machine(),
        "started": now_iso(),
    }


class _Scheduler:
    """Keeps the backend fed with tasks and writes each result as it comes back."""

    def __init__(self, backend: Backend, store: ResultStore, progress: Progress | None) -> None:
        self.backend = backend
        self.store = store
        self.progress = progress
        self.queue: collections.deque[Task] = collections.deque()
        self.resumed = 0

    def want(self, tasks: Iterable[Task]) -> list[Task]:
        """Plan tasks; return those already in the store (done, not run again)."""
        tasks = list(tasks)
        done = [t for t in tasks if self.store.is_done(t.scenario, t.replication)]
        self.queue.extend(t for t in tasks if not self.store.is_done(t.scenario, t.replication))
        self.resumed += len(done)
        if self.progress is not None:
            self.progress.extend(len(tasks), already_done=len(done))
        return done

    def run(self, finished: Callable[[Task, ReplicationFrames], None]) -> None:
        """Run until nothing is queued or in flight; ``finished`` may plan more work."""
        while self.queue or self.backend.pending():
            while self.queue and self.backend.pending() < self.backend.slots:
                self.backend.submit(self.queue.popleft())
            for task, frames in self.backend.wait():
                write_occupancy_part(self.store, task.scenario, task.replication, frames)
                self.store.write_replication(task.scenario, task.replication, frames)
                if self.progress is not None:
                    self.progress.advance()
                finished(task, frames)


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
    scheduler = _Scheduler(backend, pilot, Progress(0, "warm-up pilot") if show_progress else None)
    keys = [(BASELINE, r) for r in range(estimate.replications)]
    scheduler.want(Task(BASELINE, r, experiment.seed, baseline.document) for _, r in keys)
    scheduler.run(lambda task, frames: None)
    series = pilot.timeseries(keys)
    available = _measure_names(series)
    chosen = list(estimate.series or available)
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
    resuming = (Path(folder) / "manifest.json").exists()
    store = ResultStore.open(
        folder, experiment.config_hash(), _manifest(experiment, backend, command)
    )
    if announce is not None:
        announce()
    if resuming:
        store.update_manifest(status="running", resumed_at=now_iso(), backend=backend.description)

    if experiment.warm_up == "auto":
        warm_up = _estimate_warm_up(experiment, store, backend, show_progress)
        store.write_csv("warmup.csv", warm_up.diagnostic)
        experiment = experiment.with_warm_up(warm_up.hours)
    else:
        method = "fixed" if experiment.warm_up == "fixed" else "duration"
        warm_up = WarmUp(experiment.baseline.config.run.warm_up, method)

    rule = experiment.replications
    documents = {s.name: s.document for s in experiment.scenarios}
    order = [s.name for s in experiment.scenarios]
    judged = experiment.replication_measures
    progress = Progress(0, "replications") if show_progress else None
    scheduler = _Scheduler(backend, store, progress)
    planned = dict.fromkeys(order, 0)
    decisions: dict[str, Decision] = {}
    values: dict[str, dict[int, list[float]]] = {name: {} for name in order}
    checked = False

    def plan(scenario: str, upto: int) -> None:
        tasks = [
            Task(scenario, r, experiment.seed, documents[scenario])
            for r in range(planned[scenario], upto)
        ]
        planned[scenario] = max(planned[scenario], upto)
        for task in scheduler.want(tasks):
            if isinstance(rule, AutomaticRule):
                kept = store.replications([(task.scenario, task.replication)])
                values[scenario][task.replication] = _values(kept, judged)

    def check(measures: pd.DataFrame) -> None:
        nonlocal checked
        if not checked:
            available = _measure_names(measures)
            _check_measures(experiment, available, "measures", experiment.measures)
            if isinstance(rule, AutomaticRule) and judged != experiment.measures:
                _check_measures(experiment, available, "replications.measures", judged)
            checked = True

    def reconsider(scenario: str) -> None:
        """Let the automatic rule decide whenever every planned replication is in."""
        if not isinstance(rule, AutomaticRule):
            return
        known = values[scenario]
        while scenario not in decisions:
            prefix = 0
            while prefix in known:
                prefix += 1
            if prefix < planned[scenario]:
                return
            columns = [[known[r][i] for r in range(prefix)] for i in range(len(judged))]
            decision = decide(columns, rule)
            if decision.done:
                decisions[scenario] = decision
            else:
                plan(scenario, decision.replications)

    def finished(task: Task, frames: ReplicationFrames) -> None:
        check(frames.measures)
        if isinstance(rule, AutomaticRule):
            values[task.scenario][task.replication] = _values(frames, judged)
            reconsider(task.scenario)

    if store.is_done(BASELINE, 0):
        check(store.replications([(BASELINE, 0)]))
    first = rule.initial if isinstance(rule, AutomaticRule) else rule
    # replication-major order: every scenario's first replications come back early
    for replication in range(first):
        for scenario in order:
            plan(scenario, replication + 1)
    for scenario in order:
        reconsider(scenario)  # what an earlier run finished may already settle it
    scheduler.run(finished)

    outcomes = []
    for scenario in order:
        if isinstance(rule, AutomaticRule):
            decision = decisions[scenario]
            outcomes.append(
                ScenarioOutcome(
                    scenario,
                    decision.replications,
                    decision.stopped or "",
                    decision.needed,
                    decision.precision,
                )
            )
        else:
            outcomes.append(ScenarioOutcome(scenario, rule, "fixed"))
    keys = [(o.name, r) for o in outcomes for r in range(o.replications)]
    table = store.replications(keys)
    if not checked:
        check(table)
    summary = summarise(table)
    comparison = paired_differences(table, BASELINE)
    store.write_parquet("replications.parquet", table[REPLICATION_COLUMNS])
    store.write_csv("replications.csv", table)
    store.write_csv("summary.csv", summary)
    store.write_csv("comparison.csv", comparison)
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
    elapsed = time.perf_counter() - clock
    # a resumed run may have asked for other replications or measures than the first
    store.update_manifest(
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
    return ExperimentOutcome(
        store.folder,
        table,
        summary,
        comparison,
        tuple(outcomes),
        warm_up,
        elapsed,
        scheduler.resumed,
        ranking,
    )


def _scenario_table(experiment: Experiment) -> pd.DataFrame:
    rows = [
        (scenario.name, parameter, written(value), numeric_value(written(value)))
        for scenario in experiment.scenarios
        for parameter, value in scenario.overrides
    ]
    return pd.DataFrame(rows, columns=SCENARIO_COLUMNS)
