"""caresim from Python: load a scenario, run its replications, and get the tables back.

::

    import caresim

    scenario = caresim.load("configs/pcn_baseline.yaml", ["staff.gp.headcount=24"])
    results = caresim.run(scenario, replications=5, seed=1, workers=2)
    results.summary        # one row per setting x group x measure: mean and 95% interval
    results.replications   # one row per replication x measure

A run here is the run ``caresim run`` makes with the same config, overrides, seed and
replications, value for value; it writes files only if ``out`` names a folder (then exactly
the folder ``caresim run --out`` writes, resumable in the same way).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

    from caresim.config.files import LoadedConfig
    from caresim.runs.backends import Backend

__all__ = ["Results", "load", "run"]


class Results(NamedTuple):
    """What a run gives back: the summary and every replication's measures, as DataFrames."""

    summary: pd.DataFrame
    replications: pd.DataFrame


def load(path: str | Path, overrides: Iterable[str] = ()) -> LoadedConfig:
    """Read and validate a scenario file, with ``--set``-style overrides (``"KEY.PATH=VALUE"``).

    Raises :class:`caresim.config.files.ConfigError` (one line naming the file, the key and what
    was expected) if the file or an override is wrong. One override may be given as a string.
    """
    from caresim.config.files import load_config

    given = [overrides] if isinstance(overrides, str) else list(overrides)
    for override in given:
        if not isinstance(override, str):
            raise TypeError(
                f"overrides: expected strings such as 'run.replications=20', got {override!r}"
            )
    return load_config(path, given)


def run(
    scenario: LoadedConfig | str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    out: str | Path | None = None,
) -> Results:
    """Run a scenario's replications and summarise them.

    ``scenario`` is what :func:`load` returned, or a file's path. ``replications`` and ``seed``
    replace the config's ``run.replications`` and ``run.seed``. Replications run in this process (``workers=1``), on local worker processes
    (``workers=N``; ``None`` for one per core), or on the Dask scheduler at ``scheduler``; the
    results are the same on every one.
    """
    from caresim.config.files import LoadedConfig

    if isinstance(scenario, str | Path):
        loaded = load(scenario)
    elif isinstance(scenario, LoadedConfig):
        loaded = scenario
    else:
        raise TypeError(
            f"scenario: expected what caresim.load gave back, or a file's path, got {scenario!r}"
        )
    for name, value in (("replications", replications), ("seed", seed), ("workers", workers)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{name}: expected a whole number, got {value!r}")
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(
            f"scheduler: expected an address such as tcp://HOST:PORT, got {scheduler!r}"
        )
    loaded = _with_run(loaded, replications=replications, seed=seed)
    with _backend(workers, scheduler, loaded.config.run.replications) as backend:
        if out is not None:
            from caresim.runs.scenario import run_scenario

            call = (
                f"caresim.run({str(loaded.path)!r}, replications={loaded.config.run.replications}, "
                f"seed={loaded.config.run.seed}, workers={workers!r}, scheduler={scheduler!r}, "
                f"out={str(out)!r})"
            )
            outcome = run_scenario(
                loaded, Path(out), show_progress=False, backend=backend, command=[call]
            )
            return Results(outcome.summary, outcome.replications)
        return _in_memory(loaded, backend)


def _with_run(loaded: LoadedConfig, **run: int | None) -> LoadedConfig:
    """``loaded`` with the ``run:`` values given (those not None) replaced, validated again."""
    from caresim.config.files import LoadedConfig, validate_document

    given = {key: value for key, value in run.items() if value is not None}
    if not given:
        return loaded
    document = {**loaded.document, "run": {**loaded.document.get("run", {}), **given}}
    return LoadedConfig(validate_document(document, loaded.path), document, loaded.path)


def _backend(workers: int | None, scheduler: str | None, tasks: int) -> Backend:
    from caresim.runs import backends

    if scheduler is not None:
        return backends.DaskBackend.connect(scheduler)
    count = workers if workers is not None else min(os.cpu_count() or 1, tasks)
    if count < 1:
        raise ValueError(f"workers: expected a whole number of at least 1, got {workers}")
    return backends.SerialBackend() if count == 1 else backends.ProcessBackend(count)


def _in_memory(loaded: LoadedConfig, backend: Backend) -> Results:
    """Every replication on ``backend``, kept in memory in replication order."""
    import pandas as pd

    from caresim.runs.backends import Task
    from caresim.runs.stats import summarise

    config = loaded.config
    tasks = [
        Task(config.name, r, config.run.seed, loaded.document)
        for r in range(config.run.replications)
    ]
    finished = {}
    queue = list(reversed(tasks))
    while queue or backend.pending():
        while queue and backend.pending() < backend.slots:
            backend.submit(queue.pop())
        for task, frames in backend.wait():
            finished[task.replication] = frames.measures
    table = pd.concat([finished[r] for r in sorted(finished)], ignore_index=True)
    return Results(summarise(table), table)
