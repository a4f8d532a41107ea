"""A run's starting state: patients already booked, visited, placed or in beds at time zero.

Planners start from today's lists, not from an empty system. Patients already part-way through a
stay are given a remaining stay drawn as the *residual* of a full one (a uniform share of a full
length of stay), the textbook approximation for a system seen at a random moment.
"""

from __future__ import annotations

from caresim.models.district_nursing import DistrictNursing
from caresim.models.general_practice import GeneralPractice
from caresim.models.hospital import Hospital
from caresim.models.intermediate_care import IntermediateCare
from caresim.models.patients import Patients
from caresim.models.schema import Config
from caresim.models.vocabulary import IC_KINDS
from caresim.sim.distributions import choice_of, sampler
from caresim.sim.streams import RandomStreams

__all__ = ["apply_starting_state"]


def apply_starting_state(
    config: Config,
    streams: RandomStreams,
    patients: Patients,
    general_practice: GeneralPractice | None,
    district_nursing: DistrictNursing | None,
    intermediate_care: IntermediateCare | None,
    hospital: Hospital | None,
) -> None:
    """Put the patients of ``config.starting_state`` where it says, at time zero."""
    state = config.starting_state
    if state is None:
        return
    rng = streams.generator("starting_state")
    population = config.population
    cohorts = list(population.cohorts) if population else ["everyone"]
    shares = [population.cohorts[c] for c in cohorts] if population else [1.0]
    cohort_draw = sampler(choice_of(range_names(len(cohorts)), shares), rng)
    if population:
        sizes = [p.registered for p in population.practices.values()]
        total = sum(sizes) or 1
        practice_draw = sampler(
            choice_of(range_names(len(sizes)), [s / total for s in sizes]),
            streams.generator("starting_state.practice"),
        )
    else:
        practice_draw = lambda: -1  # noqa: E731

    if state.general_practice is not None and general_practice is not None:
        general_practice.book_existing(
            state.general_practice.booked_ahead,
            state.general_practice.over,
            cohort_draw,
            practice_draw,
        )
    if state.district_nursing is not None and district_nursing is not None:
        label = patients.arrival_label("existing_episode", "district_nursing")
        for _ in range(state.district_nursing.open_episodes):
            entity = patients.arrive(label, practice_draw(), cohort_draw())
            district_nursing.continue_episode(entity, rng.random(), rng.random())
    if state.intermediate_care is not None and intermediate_care is not None:
        label = patients.arrival_label("existing_placement", "intermediate_care")
        for kind in IC_KINDS:
            for _ in range(getattr(state.intermediate_care, kind)):
                entity = patients.arrive(label, practice_draw(), cohort_draw())
                service = intermediate_care.services[kind]
                intermediate_care.occupy(entity, kind, service.length_of_stay() * rng.random())
    if state.hospital is not None and hospital is not None:
        label = patients.arrival_label("existing_admission", "hospital")
        for _ in range(state.hospital.occupied_beds):
            entity = patients.arrive(label, practice_draw(), cohort_draw())
            cohort = hospital.cohorts[patients.cohort_of(entity)]
            hospital.occupy(entity, hospital.length_of_stay[cohort]() * rng.random())
        for pathway, count in sorted(state.hospital.medically_fit.items()):
            for _ in range(count):
                entity = patients.arrive(label, practice_draw(), cohort_draw())
                hospital.occupy_fit(entity, pathway)


def range_names(n: int) -> tuple[str, ...]:
    """Option names for a choice among ``n`` numbered things."""
    return tuple(str(i) for i in range(n))
