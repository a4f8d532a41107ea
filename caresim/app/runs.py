"""A run in the app: the replications its controls ask for, simulated in this process."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from caresim.app.scenarios import Scenario
from caresim.models.schema import Config
from caresim.runs.replication import simulate_replication
from caresim.runs.stats import summarise

__all__ = ["TeachingRun", "run_scenario"]


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
