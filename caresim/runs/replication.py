"""One replication of a scenario, simulated and tabulated: what every backend runs.

Replication ``r`` of a scenario uses the random streams of (master seed, r), so what it produces
depends only on the config, the seed and ``r``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from caresim.models.measures import measure, time_series
from caresim.models.model import Replication, simulate
from caresim.models.occupancy import occupancy_distribution
from caresim.models.schema import Config
from caresim.outputs.events import event_frame
from caresim.runs.occupancy import OCCUPANCY_PART_COLUMNS
from caresim.runs.store import REPLICATION_COLUMNS, TIMESERIES_COLUMNS
from caresim.sim.collector import collector_paused

__all__ = ["ReplicationFrames", "replication_frames", "simulate_replication"]


@dataclass(frozen=True)
class ReplicationFrames:
    """What one replication produces: measures, time series and (if asked) the event log."""

    measures: pd.DataFrame  # REPLICATION_COLUMNS
    timeseries: pd.DataFrame  # TIMESERIES_COLUMNS
    events: pd.DataFrame | None
    occupancy: pd.DataFrame | None = None  # OCCUPANCY_PART_COLUMNS, for every bed pool


def _labelled(frame: pd.DataFrame, scenario: str, replication: int) -> pd.DataFrame:
    frame.insert(0, "replication", replication)
    frame.insert(0, "scenario", scenario)
    return frame


def simulate_replication(
    config: Config, scenario: str, replication: int, seed: int, events: bool = False
) -> ReplicationFrames:
    """Simulate one replication and tabulate everything it produces."""
    with collector_paused():
        return _tabulate(simulate(config, replication, seed), scenario, replication, events)


def _tabulate(
    result: Replication, scenario: str, replication: int, events: bool
) -> ReplicationFrames:
    """The measures, time series, occupancy and (if asked) event log of a replication run."""
    measures = _labelled(
        pd.DataFrame(measure(result), columns=REPLICATION_COLUMNS[2:]), scenario, replication
    )
    series = _labelled(
        pd.DataFrame(time_series(result), columns=TIMESERIES_COLUMNS[2:]), scenario, replication
    )
    occupancy = _labelled(
        pd.DataFrame(occupancy_distribution(result), columns=OCCUPANCY_PART_COLUMNS[2:]),
        scenario,
        replication,
    )
    return ReplicationFrames(measures, series, event_frame(result) if events else None, occupancy)


def replication_frames(
    config: Config, scenario: str, replication: int, seed: int, events: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Simulate one replication: its measures (long format) and, if asked, its event log."""
    frames = simulate_replication(config, scenario, replication, seed, events)
    return frames.measures, frames.events
