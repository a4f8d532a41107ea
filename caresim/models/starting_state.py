"""A run's starting state: patients already booked, visited, placed or in beds at time zero.

Planners start from today's lists, not from an empty system. Patients already part-way through a
stay are given a remaining stay drawn as the *residual* of a full one, as a system seen at a random
moment shows it: the stay a patient in a bed is part-way through is drawn length-biased (a long
stay is more likely to be the one in the bed today, in proportion to its length), and the time
left is a uniform share of it. Its mean is E[S²] / 2E[S], not E[S] / 2.
"""

from __future__ import annotations

import numpy as np

from caresim.models.district_nursing import DistrictNursing
from caresim.models.general_practice import GeneralPractice
from caresim.models.hospital import Hospital
from caresim.models.intermediate_care import IntermediateCare
from caresim.models.patients import Patients
from caresim.models.schema import Config
from caresim.models.social_care import SocialCare
from caresim.models.vocabulary import IC_KINDS
from caresim.sim.distributions import Distribution, choice_of, sampler
from caresim.sim.streams import RandomStreams

__all__ = ["ResidualStay", "apply_starting_state"]

#: Candidate stays from which each length-biased one is resampled in proportion to its length.
CANDIDATES = 256


class ResidualStay:
    """Draws the time left of a stay already under way at a random moment (the residual life).

    Each draw resamples one of ``CANDIDATES`` full stays with probability in proportion to its
    length (sampling-importance-resampling of the length-biased distribution), then keeps a
    uniform share of it. Exact in the limit of many candidates, for any distribution of stays.
    """

    def __init__(self, distribution: Distribution, rng: np.random.Generator) -> None:
        self.distribution = distribution
        self.rng = rng

    def __call__(self) -> float:
        """The hours left of one stay under way."""
        stays = self.distribution.draw(self.rng, CANDIDATES)
        total = float(stays.sum())
        if total <= 0.0:
            return 0.0
        chosen = stays[self.rng.choice(CANDIDATES, p=stays / total)]
        return float(chosen * self.rng.random())


def apply_starting_state(
    config: Config,
    streams: RandomStreams,
    patients: Patients,
    general_practice: GeneralPractice | None,
    district_nursing: DistrictNursing | None,
    intermediate_care: IntermediateCare | None,
    hospital: Hospital | None,
    social_care: SocialCare | None = None,
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
            count = getattr(state.intermediate_care, kind)
            if not count:
                continue
            stay = getattr(config.intermediate_care, kind).length_of_stay.build()
            residual = ResidualStay(stay, rng)
            for _ in range(count):
                entity = patients.arrive(label, practice_draw(), cohort_draw())
                intermediate_care.occupy(entity, kind, residual())
    if state.hospital is not None and hospital is not None:
        label = patients.arrival_label("existing_admission", "hospital")
        stays = hospital.spec.length_of_stay  # the config's hospital section
        residuals = {c: ResidualStay(stays[c].build(), rng) for c in hospital.cohorts}
        for _ in range(state.hospital.occupied_beds):
            entity = patients.arrive(label, practice_draw(), cohort_draw())
            hospital.occupy(entity, residuals[hospital.cohorts[patients.cohort_of(entity)]]())
        for pathway, count in sorted(state.hospital.medically_fit.items()):
            for _ in range(count):
                entity = patients.arrive(label, practice_draw(), cohort_draw())
                hospital.occupy_fit(entity, pathway)

    if state.social_care is not None and social_care is not None:
        for need, service in social_care.services.items():
            count = getattr(state.social_care, need)
            if count:
                residual = ResidualStay(service.spec.length_of_service.build(), rng)
                social_care.occupy(need, count, residual)


def range_names(n: int) -> tuple[str, ...]:
    """Option names for a choice among ``n`` numbered things."""
    return tuple(str(i) for i in range(n))
