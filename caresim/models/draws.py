"""Random draws the care settings share: yes/no chances, destinations by share, and demand from
the registered population. Each takes its own named stream, so settings never share numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from caresim.models.context import CareContext
from caresim.sim.arrivals import PoissonArrivals
from caresim.sim.calendar import WeeklyProfile, YearlyProfile
from caresim.sim.distributions import choice_of, draws, sampler

__all__ = ["chance", "demand_shape", "destination_draw", "population_arrivals"]

Place = TypeVar("Place", bound=str)


def chance(p: float, context: CareContext, name: str) -> Callable[[], bool]:
    """A yes/no draw that is yes with probability ``p`` (no stream taken when it is certain)."""
    if p <= 0.0:
        return lambda: False
    if p >= 1.0:
        return lambda: True
    yes = choice_of(("no", "yes"), (1.0 - p, p))
    return draws(yes, context.streams.generator(name), lambda block: [i == 1 for i in block])


def destination_draw(
    shares: Mapping[Place, float], context: CareContext, name: str
) -> Callable[[], Place]:
    """A draw of where a patient goes, by share (no stream taken when there is one place)."""
    targets = [t for t, p in shares.items() if p > 0]
    if len(targets) == 1:
        only = targets[0]
        return lambda: only
    # a discrete choice draws the index of an option
    return draws(
        choice_of(targets, [shares[t] for t in targets]),
        context.streams.generator(name),
        lambda block: [targets[i] for i in block],
    )


def demand_shape(config, profile: str | None) -> tuple[WeeklyProfile | None, YearlyProfile | None]:
    """The week and the year a named profile shapes demand by (None where it does not)."""
    if profile is None:
        return None, None
    spec = config.profiles[profile]
    weekly = WeeklyProfile(spec.weekday, spec.hour)
    yearly = YearlyProfile(spec.month, config.run.first_month) if spec.month else None
    return weekly, yearly


def population_arrivals(
    context: CareContext,
    name: str,
    rates: dict[str, float],
    profile: str | None,
    on_arrival: Callable[[int, int], None],
) -> None:
    """Poisson demand from every practice's list at ``rates`` per patient by cohort.

    ``on_arrival(practice, cohort)`` is called with the codes of the practice and of a cohort
    drawn in proportion to its share of the list times its rate. Each practice has its own stream
    (``{name}.practice.{practice}``), so a change to one practice's list leaves the others' demand as it was.
    Where demand grows at a rate of its own in each cohort, each cohort of each practice is a
    stream of its own (``{name}.practice.{practice}.{cohort}``).
    """
    config = context.config
    population = config.population
    assert population is not None, "demand from a population needs a population section"
    cohorts = list(population.cohorts)
    weights = [population.cohorts[c] * rates.get(c, 0.0) for c in cohorts]
    per_patient = sum(weights)  # per registered patient per hour
    if per_patient <= 0:
        return
    cohort_draw = sampler(
        choice_of(cohorts, [w / per_patient for w in weights]),
        context.streams.generator(f"{name}.cohort"),
    )
    shape, season = demand_shape(config, profile)
    if isinstance(population.demand_growth, dict):
        _arrivals_by_cohort(context, name, rates, shape, season, on_arrival)
        return

    def arrival_at(code: int) -> Callable[[], None]:
        return lambda: on_arrival(code, cohort_draw())

    for code, (practice, spec) in enumerate(population.practices.items()):
        PoissonArrivals(
            context.env,
            per_patient * config.demand.scale * spec.registered,
            context.streams.generator(f"{name}.practice.{practice}"),
            arrival_at(code),
            shape,
            until=context.horizon,
            growth=population.demand_growth,
            season=season,
        )


def _arrivals_by_cohort(context, name, rates, shape, season, on_arrival) -> None:
    """Demand from each cohort of each practice's list, each growing at its own yearly rate."""
    config = context.config
    population = config.population
    growth = population.demand_growth
    for code, (practice, spec) in enumerate(population.practices.items()):
        for index, (cohort, share) in enumerate(population.cohorts.items()):
            rate = share * rates.get(cohort, 0.0) * config.demand.scale * spec.registered
            if rate <= 0:
                continue
            PoissonArrivals(
                context.env,
                rate,
                context.streams.generator(f"{name}.practice.{practice}.{cohort}"),
                _arrival_of(on_arrival, code, index),
                shape,
                until=context.horizon,
                growth=growth.get(cohort, 0.0),
                season=season,
            )


def _arrival_of(on_arrival: Callable[[int, int], None], practice: int, cohort: int):
    """An arrival of one practice's patients of one cohort."""
    return lambda: on_arrival(practice, cohort)
