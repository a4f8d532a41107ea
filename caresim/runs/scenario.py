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
from caresim.runs.backends import Backend, SerialBackend, Task
from caresim.runs.calibration import calibration_table, check_targets
from caresim.runs.occupancy import write_occupancy
from caresim.runs.progress import Progress
from caresim.runs.provenance import git_commit, machine, made_by, now_iso, package_versions
from caresim.runs.replication import ReplicationFrames, replication_frames, simulate_replication
from caresim.runs.scheduler import Scheduler
from caresim.runs.stats import summarise
from caresim.runs.store import ResultStore, StoreError

__all__ = [
    "ReplicationFrames",  # kept here for scripts written before it moved to replication.py
    "RunOutcome",
    "replication_frames",
    "run_hash",
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
    calibration: pd.DataFrame | None = None  # the model against the config's observed figures


def _manifest(loaded: LoadedConfig, events: bool, backend: Backend, command: list[str] | None):
    config = loaded.config
    return {
        "kind": "run",
        "scenario": config.name,
        "config_file": str(loaded.path),
        "config": loaded.document,
        "seed": config.run.seed,
        "replications": config.run.replications,
        "streams": "replication r draws every stream from numpy SeedSequence(seed, spawn_key=(r, name))",
        "horizon_hours": config.run.horizon,
        "warm_up_hours": config.run.warm_up,
        "events": events,
        "backend": backend.description,
        "command": command or sys.argv,
        "versions": package_versions(),
        "made_by": made_by(),
        "git_commit": git_commit(),
        "machine": machine(),
        "started": now_iso(),
    }


def run_hash(loaded: LoadedConfig, events: bool) -> str:
    """What a run folder's results depend on: the config (less the number of replications, so
    that asking for more extends a folder) and whether the event log is kept."""
    document = {
        **loaded.document,
        "run": {k: v for k, v in loaded.document.get("run", {}).items() if k != "replications"},
    }
    return document_hash({"config": document, "events": events})


def _refuse_fewer(store: ResultStore, replications: int) -> None:
    """A finished folder is extended, never cut: its summary of more replications would be lost."""
    existing = store.read_manifest()
    done = existing.get("replications")
    if existing.get("status") == "complete" and isinstance(done, int) and done > replications:
        raise StoreError(
            f"{store.folder}: holds a finished run of {done} replications; ask for {done} or more "
            "to extend it, or choose another --out (results are never overwritten)"
        )


def run_scenario(
    loaded: LoadedConfig,
    folder: Path,
    events: bool = False,
    show_progress: bool = True,
    command: list[str] | None = None,
    announce: Callable[[], None] | None = None,
    backend: Backend | None = None,
) -> RunOutcome:
    """Run every replication the config asks for into ``folder``, skipping those already there.

    Replications run on ``backend`` (in this process if none is given); the results are the same
    bit for bit on any backend. ``announce`` is called once the folder has been accepted, before
    the first replication.
    """
    backend = backend or SerialBackend()
    config = loaded.config
    scenario, replications, seed = config.name, config.run.replications, config.run.seed
    check_targets(config, str(loaded.path))
    manifest = _manifest(loaded, events, backend, command)
    with ResultStore.open(folder, run_hash(loaded, events), manifest) as store:
        _refuse_fewer(store, replications)
        if announce is not None:
            announce()
        keys = [(scenario, r) for r in range(replications)]
        progress = Progress(0, "replications") if show_progress else None
        scheduler = Scheduler(backend, store, progress)
        scheduler.want(Task(scenario, r, seed, loaded.document, events) for _, r in keys)
        if scheduler.resumed:
            store.update_manifest(status="running", resumed_at=now_iso())
        clock = time.perf_counter()
        scheduler.run(lambda task, frames: None)
        elapsed = time.perf_counter() - clock

        table = store.replications(keys)
        summary = summarise(table)
        store.write_csv("replications.csv", table)
        store.write_csv("summary.csv", summary)
        calibration = None
        if config.calibration:
            calibration = calibration_table(config, summary)
            store.write_csv("calibration.csv", calibration)
        store.write_parquet("timeseries.parquet", store.timeseries(keys))
        write_occupancy(store, keys)
        if events:
            log = store.events(keys)
            if log is not None:
                store.write_parquet("events.parquet", log)
        # What this command ran: a resumed folder's replications, config and command are its own.
        current = {k: manifest[k] for k in ("config", "replications", "backend", "command")}
        store.update_manifest(
            **current, status="complete", finished=now_iso(), elapsed_seconds=round(elapsed, 3)
        )
        return RunOutcome(store.folder, table, summary, elapsed, scheduler.resumed, calibration)
