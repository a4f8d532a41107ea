"""Services: the textbook building block of a care system.

Patients arrive in streams, queue for a service that holds one staff member or bed for a duration,
and are routed by share to another service or out. A patient who gives up waiting, or is turned
away by a full pool, goes to a named destination. With one service this is the M/M/c, M/M/c/c or
M/G/∞ queue of queueing theory, which is how the engine is validated; several services make a
queueing network (a walk-in clinic, a ward and its step-down unit, a teaching example).

Patient movement is driven by callbacks on the pools and timeouts, not by a process per patient:
the cheapest way to move a patient on a SimPy clock.
"""

from __future__ import annotations

from array import array

import simpy

from caresim.models.schema import EXIT, Config, ServiceSpec
from caresim.sim.arrivals import PoissonArrivals
from caresim.sim.calendar import WeeklyProfile
from caresim.sim.clock import call_later
from caresim.sim.distributions import choice_of, sampler
from caresim.sim.pools import Request, ServerPool, Step
from caresim.sim.recorder import EventLog, Kind
from caresim.sim.streams import RandomStreams

__all__ = ["ServiceNetwork"]

# How patients leave the system; the group of their departure record.
COMPLETED, ABANDONED, TURNED_AWAY = "completed", "abandoned", "turned_away"


class _Service:
    """One service at run time: its pool, labels, samplers and routes."""

    __slots__ = (
        "duration",
        "network",
        "next",
        "on_abandon",
        "on_turned_away",
        "patience",
        "pool",
        "routes",
        "step",
    )

    def __init__(
        self, network: ServiceNetwork, name: str, spec: ServiceSpec, pool: ServerPool
    ) -> None:
        streams = network.streams
        self.network = network
        self.pool = pool
        self.step = Step.register(network.log, name, spec.uses, spec.setting)
        self.duration = sampler(
            spec.duration.build(), streams.generator(f"services.{name}.duration")
        )
        self.patience = (
            sampler(spec.patience.build(), streams.generator(f"services.{name}.patience"))
            if spec.patience is not None
            else None
        )
        self.on_abandon = spec.on_abandon
        self.on_turned_away = spec.on_turned_away
        targets = list(spec.next)
        if len(targets) == 1:
            only = targets[0]
            self.next = lambda: only
        else:
            choice = choice_of(targets, [spec.next[t] for t in targets])
            index = sampler(choice, streams.generator(f"services.{name}.next"))
            self.next = lambda: targets[index()]

    def visit(self, entity: int, priority: int) -> None:
        patience = self.patience() if self.patience is not None else None
        self.pool.request(entity, self.step, self.started, priority, patience, self.left)

    def started(self, req: Request) -> None:
        call_later(self.network.env, self.duration(), lambda _e: self.finished(req))

    def finished(self, req: Request) -> None:
        self.pool.release(req)
        self.network.route(req.entity, self.next(), req.priority, COMPLETED)

    def left(self, req: Request) -> None:
        if req.outcome == TURNED_AWAY:
            self.network.route(req.entity, self.on_turned_away, req.priority, TURNED_AWAY)
        else:
            self.network.route(req.entity, self.on_abandon, req.priority, ABANDONED)


class ServiceNetwork:
    """The arrivals, pools and services of a config, running on one SimPy clock."""

    def __init__(
        self,
        config: Config,
        env: simpy.Environment,
        streams: RandomStreams,
        log: EventLog,
        pools: dict[str, ServerPool],
        horizon: float,
    ) -> None:
        self.env = env
        self.streams = streams
        self.log = log
        self.pools = pools
        self.services = {
            name: _Service(self, name, spec, self.pools[spec.uses])
            for name, spec in config.services.items()
        }
        self.departure_labels = {
            how: log.register(Kind.DEPART, "depart", how)
            for how in (COMPLETED, ABANDONED, TURNED_AWAY)
        }
        self.arrival_row = array("q")  # the arrival record of each entity, by entity id
        for name, spec in config.arrivals.items():
            profile = None
            if spec.profile is not None:
                p = config.profiles[spec.profile]
                profile = WeeklyProfile(p.weekday, p.hour)
            PoissonArrivals(
                env,
                spec.rate * config.demand.scale,
                streams.generator(f"arrivals.{name}"),
                self._arrival_handler(name, spec.to, spec.priority),
                profile,
                until=horizon,
            )

    def _arrival_handler(self, stream: str, first: str, priority: int):
        log = self.log
        env = self.env
        label = log.register(Kind.ARRIVAL, "arrival", stream)
        pathway = log.pathway_code(stream)
        service = self.services[first]
        arrival_row = self.arrival_row

        def arrive() -> None:
            entity = log.new_entity(pathway)
            arrival_row.append(log.record(entity, label, env.now))
            service.visit(entity, priority)

        return arrive

    def route(self, entity: int, target: str, priority: int, how: str) -> None:
        """Send a patient to the next service, or out of the system."""
        if target == EXIT:
            self.log.record(
                entity, self.departure_labels[how], self.env.now, -1, self.arrival_row[entity]
            )
        else:
            self.services[target].visit(entity, priority)
