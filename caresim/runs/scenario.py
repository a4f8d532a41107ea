"""Running a scenario's replications into an output folder, resumably.

Replication ``r`` of a scenario uses the random streams of (master seed, r), so a result depends
only on the config, the seed and the replication number — not on the order replications run in,
nor on which were resumed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from caresim.config.files import LoadedConfig, document_hash
from caresim.models.measures import measure, time_series
from caresim.models.model import simulate
from caresim.models.schema import Config
from caresim.outputs.events import event_frame
from caresim.runs.progress import Progress
from caresim.runs.provenance import git_commit, machine, now_iso, package_versions
from caresim.runs.stats import summarise
from caresim.runs.store import REPLICATION_COLUMNS, TIMESERIES_COLUMNS, ResultStore

__all__ = [
    "ReplicationFrames",
    "RunOutcome",
    "replication_frames",
    "run_scenario",
    "simulate_replication",
]


@dataclass(frozen=True)
class RunOutcome:
    """A finished run: where it was written and its results."""

    folder: Path
    replications: pd.DataFrame
    summary: pd.DataFrame
    elapsed_seconds: float
    resumed: int  # replications found already done


@dataclass(frozen=True)
class ReplicationFrames:
    """What one replication produces: measures, time series and (if asked) the event log."""

    measures: pd.DataFrame  # REPLICATION_COLUMNS
    timeseries: pd.DataFrame  # TIMESERIES_COLUMNS
    events: pd.DataFrame | None


def _labelled(frame: pd.DataFrame, scenario: str, replication: int) -> pd.DataFrame:
    frame.insert(0, "replication", replication)
    frame.insert(0, "scenario", scenario)
    return frame


def simulate_replication(
    config: Config, scenario: str, replication: int, seed: int, events: bool = False
) -> ReplicationFrames:
    """Simulate one replication and tabulate everything it produces."""
    result = simulate(config, replication, seed)
    measures = _labelled(
        pd.DataFrame(measure(result), columns=REPLICATION_COLUMNS[2:]), scenario, replication
    )
    series = _labelled(
        pd.DataFrame(time_series(result), columns=TIMESERIES_COLUMNS[2:]), scenario, replication
    )
    return ReplicationFrames(measures, series, event_frame(result) if events else None)


def replication_frames(
    config: Config, scenario: str, replication: int, seed: int, events: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Simulate one replication: its measures (long format) and, if asked, its event log."""
    frames = simulate_replication(config, scenario, replication, seed, events)
    return frames.measures, frames.events


def run_scenario(
    loaded: LoadedConfig,
    folder: Path,
    events: bool = False,
    show_progress: bool = True,
    command: list[str] | None = None,
    announce: Callable[[], None] | None = None,
) -> RunOutcome:
    """Run every replication the config asks for into ``folder``, skipping those already there.

    ``announce`` is called once the folder has been accepted, before the first replication.
    """
    config = loaded.config
    scenario = config.name
    replications = config.run.replications
    seed = config.run.seed
    # The number of replications is left out of the hash: asking for more extends a folder.
    document = {
        **loaded.document,
        "run": {k: v for k, v in loaded.document.get("run", {}).items() if k != "replications"},
    }
    config_hash = document_hash({"config": document, "events": events})
    started = now_iso()
    store = ResultStore.open(
        folder,
        config_hash,
        {
            "kind": "run",
            "scenario": scenario,
            "config_file": str(loaded.path),
            "config": loaded.document,
            "seed": seed,
            "replications": replications,
            "streams": "replication r draws every stream from numpy SeedSequence(seed, spawn_key=(r, name))",
            "horizon_hours": config.run.horizon,
            "warm_up_hours": config.run.warm_up,
            "events": events,
            "command": command or sys.argv,
            "versions": package_versions(),
            "git_commit": git_commit(),
            "machine": machine(),
            "started": started,
        },
    )
    if announce is not None:
        announce()
    keys = [(scenario, r) for r in range(replications)]
    todo = [r for r in range(replications) if not store.is_done(scenario, r)]
    resumed = replications - len(todo)
    if resumed:
        store.update_manifest(status="running", resumed_at=now_iso())
    progress = Progress(replications, "replications", done=resumed) if show_progress else None
    clock = time.perf_counter()
    for replication in todo:
        frames = simulate_replication(config, scenario, replication, seed, events)
        store.write_replication(scenario, replication, frames)
        if progress:
            progress.advance()
    elapsed = time.perf_counter() - clock

    table = store.replications(keys)
    summary = summarise(table)
    store.write_csv("replications.csv", table)
    store.write_csv("summary.csv", summary)
    store.write_parquet("timeseries.parquet", store.timeseries(keys))
    if events:
        log = store.events(keys)
        if log is not None:
            store.write_parquet("events.parquet", log)
    store.update_manifest(status="complete", finished=now_iso(), elapsed_seconds=round(elapsed, 3))
    return RunOutcome(store.folder, table, summary, elapsed, resumed)
