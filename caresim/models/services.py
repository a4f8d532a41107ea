"""Services: the textbook building block of a care system.

Patients arrive in streams, queue for a service that holds one staff member or bed for a duration,
and are routed by share to another service or out. A patient who gives up waiting, or is turned
away by a full pool, goes to a named destination. A stream may give its patients a class, which
they keep: a service's routes and stays may differ by class, and a stay may depend on where the
patient goes next (the destination is then drawn when the stay begins, before the stay itself). With one service this is the M/M/c, M/M/c/c or
M/G/∞ queue of queueing theory, which is how the engine is validated; several services make a
queueing network (a walk-in clinic, a ward and its step-down unit, a teaching example).

Patient movement is driven by callbacks on the pools and timeouts, not by a process per patient:
the cheapest way to move a patient on a SimPy clock.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from caresim.models.draws import demand_shape
from caresim.models.schema import EXIT, ClassRouteSpec, Config, ServiceSpec
from caresim.sim.arrivals import PoissonArrivals
from caresim.sim.clock import call_later
from caresim.sim.distributions import choice_of, sampler
from caresim.sim.pools import Request, ServerPool, Step
from caresim.sim.recorder import EventLog, Kind
from caresim.sim.streams import RandomStreams

__all__ = ["ServiceNetwork"]

# How patients leave the system; the group of their departure record.
COMPLETED, ABANDONED, TURNED_AWAY = "completed", "abandoned", "turned_away"


class _Route:
    """Where one class of patients goes next from a service, and how long it stays there."""

    __slots__ = ("duration", "next", "route_first", "stays")

    def __init__(
        self,
        next_target: Callable[[], str],
        duration: Callable[[], float],
        stays: dict[str, Callable[[], float]],
    ) -> None:
        self.next = next_target
        self.duration = duration
        self.stays = stays  # stays by the destination drawn; others stay for ``duration``
        self.route_first = bool(stays)

    def stay(self, target: str) -> float:
        """A stay for a patient going next to ``target``."""
        return self.stays.get(target, self.duration)()


class _Service:
    """One service at run time: its pool, labels, samplers and routes (by class)."""

    __slots__ = (
        "network",
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
        self.patience = (
            sampler(spec.patience.build(), streams.generator(f"services.{name}.patience"))
            if spec.patience is not None
            else None
        )
        self.on_abandon = spec.on_abandon
        self.on_turned_away = spec.on_turned_away
        path = f"services.{name}"
        next_target = _router(spec.next, streams, f"{path}.next")
        duration = sampler(spec.duration.build(), streams.generator(f"{path}.duration"))
        default = _Route(next_target, duration, _stays(spec.duration_by_next, streams, path))
        # routes[class index + 1]; index 0 is the route of patients of no class listed here.
        self.routes = [default] + [
            _class_route(spec.classes.get(cls), default, spec, streams, f"{path}.classes.{cls}")
            for cls in network.classes
        ]

    def visit(self, entity: int, priority: float) -> None:
        patience = self.patience() if self.patience is not None else None
        self.pool.request(entity, self.step, self.started, priority, patience, self.left)

    def started(self, req: Request) -> None:
        route = self.routes[self.network.class_of(req.entity) + 1]
        if route.route_first:
            target = route.next()
            stay = route.stay(target)
            call_later(self.network.env, stay, lambda: self.finished(req, target))
        else:
            call_later(self.network.env, route.duration(), lambda: self.finished(req))

    def finished(self, req: Request, target: str | None = None) -> None:
        self.pool.release(req)
        if target is None:
            target = self.routes[self.network.class_of(req.entity) + 1].next()
        self.network.route(req.entity, target, req.priority, COMPLETED)

    def left(self, req: Request) -> None:
        if req.outcome == TURNED_AWAY:
            self.network.route(req.entity, self.on_turned_away, req.priority, TURNED_AWAY)
        else:
            self.network.route(req.entity, self.on_abandon, req.priority, ABANDONED)


def _router(shares: dict[str, float], streams: RandomStreams, stream: str) -> Callable[[], str]:
    """A draw of the next destination by share (no draw at all when there is one)."""
    targets = list(shares)
    if len(targets) == 1:
        only = targets[0]
        return lambda: only
    choice = choice_of(targets, [shares[t] for t in targets])
    index = sampler(choice, streams.generator(stream))
    return lambda: targets[index()]


def _stays(by_next, streams: RandomStreams, path: str) -> dict[str, Callable[[], float]]:
    return {
        target: sampler(spec.build(), streams.generator(f"{path}.duration_by_next.{target}"))
        for target, spec in (by_next or {}).items()
    }


def _class_route(
    spec: ClassRouteSpec | None,
    default: _Route,
    service: ServiceSpec,
    streams: RandomStreams,
    path: str,
) -> _Route:
    """A class's route: its own entries, each on its own stream, and the service's for the rest."""
    if spec is None:
        return default
    next_target = (
        _router(spec.next, streams, f"{path}.next") if spec.next is not None else default.next
    )
    if spec.duration is not None:
        duration = sampler(spec.duration.build(), streams.generator(f"{path}.duration"))
        inherited: dict[str, Callable[[], float]] = {}  # the class's stay replaces the service's
    else:
        duration, inherited = default.duration, default.stays
    stays = {**inherited, **_stays(spec.duration_by_next, streams, path)}
    targets = spec.next if spec.next is not None else service.next
    return _Route(next_target, duration, {t: s for t, s in stays.items() if t in targets})


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
        self.classes = _classes(config)
        self._class_by_pathway: dict[int, int] = {}
        self.services = {
            name: _Service(self, name, spec, self.pools[spec.uses])
            for name, spec in config.services.items()
        }
        self.departure_labels = {
            how: log.register(Kind.DEPART, "depart", how)
            for how in (COMPLETED, ABANDONED, TURNED_AWAY)
        }
        self.exit_labels = {
            name: log.register(Kind.DEPART, "depart", name) for name in config.exits
        }
        for name, spec in config.arrivals.items():
            profile, season = demand_shape(config, spec.profile)
            PoissonArrivals(
                env,
                spec.rate * config.demand.scale,
                streams.generator(f"arrivals.{name}"),
                self._arrival_handler(name, spec.to, spec.priority, spec.patient_class),
                profile,
                until=horizon,
                season=season,
            )

    def _arrival_handler(self, stream: str, first: str, priority: int, patient_class: str | None):
        log = self.log
        env = self.env
        label = log.register(Kind.ARRIVAL, "arrival", stream)
        pathway = log.pathway_code(stream)
        if patient_class is not None:
            self._class_by_pathway[pathway] = self.classes.index(patient_class)
        service = self.services[first]

        def arrive() -> None:
            service.visit(log.arrive(label, pathway, env.now), priority)

        return arrive

    def class_of(self, entity: int) -> int:
        """The index of a patient's class in ``classes``, or -1 for a patient of no class."""
        if not self._class_by_pathway:
            return -1
        return self._class_by_pathway.get(self.log.entity_pathway[entity], -1)

    def route(self, entity: int, target: str, priority: float, how: str) -> None:
        """Send a patient to the next service, or out of the system by ``exit`` or a named exit."""
        if target == EXIT:
            self.log.depart(entity, self.departure_labels[how], self.env.now)
        elif target in self.exit_labels:
            self.log.depart(entity, self.exit_labels[target], self.env.now)
        else:
            self.services[target].visit(entity, priority)


def _classes(config: Config) -> list[str]:
    """The patient classes of the arrival streams, in the order they are first named."""
    named = (spec.patient_class for spec in config.arrivals.values())
    return list(dict.fromkeys(c for c in named if c is not None))
