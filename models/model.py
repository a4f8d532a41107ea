"""One replication of a care system: a fresh clock, its own random streams, and the event log."""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from models.schema import Config
from models.services import PoolInfo, ServiceNetwork
from sim.measures import Window
from sim.recorder import EventLog
from sim.streams import RandomStreams

__all__ = ["CareSystemModel", "Replication", "simulate"]


@dataclass(frozen=True)
class Replication:
    """A finished replication: its config, its log, and what the measures need of its pools."""

    config: Config
    replication: int
    seed: int
    log: EventLog
    pools: dict[str, PoolInfo]
    window: Window


class CareSystemModel:
    """The settings of one config on a fresh SimPy clock; the model owns all of its state."""

    def __init__(self, config: Config, replication: int = 0, seed: int | None = None) -> None:
        self.config = config
        self.replication = replication
        self.seed = config.run.seed if seed is None else seed
        self.env = simpy.Environment()
        self.streams = RandomStreams(self.seed, replication)
        self.log = EventLog()
        self.horizon = config.run.horizon
        self.network = ServiceNetwork(config, self.env, self.streams, self.log, self.horizon)

    def run(self) -> Replication:
        """Run to the horizon and hand back the record of what happened."""
        self.env.run(until=self.horizon)
        return Replication(
            config=self.config,
            replication=self.replication,
            seed=self.seed,
            log=self.log,
            pools=self.network.pool_info,
            window=Window(self.config.run.warm_up, self.horizon),
        )


def simulate(config: Config, replication: int = 0, seed: int | None = None) -> Replication:
    """Build and run one replication."""
    return CareSystemModel(config, replication, seed).run()
