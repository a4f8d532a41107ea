"""One replication of a care system: a fresh clock, its own random streams, and the event log."""

from __future__ import annotations

from dataclasses import dataclass

from caresim.models.community_pharmacy import PharmacyFirst
from caresim.models.context import CareContext
from caresim.models.district_nursing import DistrictNursing
from caresim.models.general_practice import GeneralPractice
from caresim.models.hospital import Hospital
from caresim.models.intermediate_care import IntermediateCare
from caresim.models.patients import Patients, Router
from caresim.models.schema import Config
from caresim.models.services import ServiceNetwork
from caresim.models.social_care import SocialCare
from caresim.models.staffing import PoolInfo, build_pools
from caresim.models.starting_state import apply_starting_state
from caresim.sim.clock import Clock
from caresim.sim.collector import collector_paused
from caresim.sim.measures import Window
from caresim.sim.pools import ServerPool
from caresim.sim.recorder import EventLog
from caresim.sim.streams import RandomStreams

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
        self.env = Clock()
        self.streams = RandomStreams(self.seed, replication)
        self.log = EventLog()
        self.horizon = config.run.horizon
        with collector_paused():  # a large place builds millions of objects that all survive
            self._build(config)

    def _build(self, config: Config) -> None:
        """The pools, patients and care settings of the config, and the starting state."""
        env, streams, log = self.env, self.streams, self.log
        self.pools = build_pools(config, env, log, streams)
        population = config.population
        self.patients = Patients(
            env,
            log,
            list(population.practices) if population else [],
            list(population.cohorts) if population else ["everyone"],
        )
        self.router = Router(self.patients)
        context = CareContext(config, env, streams, log, self.patients, self.router, self.horizon)
        queueing: dict[str, ServerPool] = {**self.pools.staff, **self.pools.beds}
        self.network = (
            ServiceNetwork(config, env, streams, log, queueing, self.horizon)
            if config.services
            else None
        )
        self.general_practice = (
            GeneralPractice(context, self.pools.books) if config.general_practice else None
        )
        gp_spec = config.general_practice
        self.pharmacy_first = (
            PharmacyFirst(
                context,
                gp_spec.pharmacy_first,
                self.pools.staff[gp_spec.pharmacy_first.uses],
                self.general_practice,
            )
            if gp_spec is not None
            and gp_spec.pharmacy_first is not None
            and self.general_practice is not None
            else None
        )
        self.district_nursing = (
            DistrictNursing(context, self.pools.staff) if config.district_nursing else None
        )
        self.social_care = (
            SocialCare(context, self.pools.beds) if config.social_care is not None else None
        )
        self.intermediate_care = (
            IntermediateCare(context, self.pools.beds, self.social_care)
            if config.intermediate_care
            else None
        )
        self.hospital = (
            Hospital(context, self.pools.beds, self.intermediate_care, self.social_care)
            if config.hospital
            else None
        )
        apply_starting_state(
            config,
            streams,
            self.patients,
            self.general_practice,
            self.district_nursing,
            self.intermediate_care,
            self.hospital,
            self.social_care,
        )

    def run(self) -> Replication:
        """Run to the horizon and hand back the record of what happened."""
        with collector_paused():
            self.env.run(until=self.horizon)
        return Replication(
            config=self.config,
            replication=self.replication,
            seed=self.seed,
            log=self.log,
            pools=self.pools.info,
            window=Window(self.config.run.warm_up, self.horizon),
        )


def simulate(config: Config, replication: int = 0, seed: int | None = None) -> Replication:
    """Build and run one replication."""
    return CareSystemModel(config, replication, seed).run()
