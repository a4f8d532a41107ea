"""What the care settings of one replication share."""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from caresim.models.patients import Patients, Router
from caresim.models.schema import Config
from caresim.sim.recorder import EventLog
from caresim.sim.streams import RandomStreams

__all__ = ["CareContext"]


@dataclass(frozen=True)
class CareContext:
    """The config, clock, random streams, event log, patients and router of one replication."""

    config: Config
    env: simpy.Environment
    streams: RandomStreams
    log: EventLog
    patients: Patients
    router: Router
    horizon: float
