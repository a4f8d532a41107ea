"""Leaving an acute bed: from medically fit to the bed given up, and why it takes as long as it does.

A patient medically fit to leave by a discharge pathway keeps their acute bed until each step
their discharge needs is done, in this order:

1. a **process** delay not for capacity (transport, medicines to take home, family choice), for a
   share of overnight stays on any pathway;
2. an **assessment** of needs, for a share of pathway 1-3 discharges;
3. the **capacity** the pathway needs, drawn by share: home-based or bed-based intermediate care,
   a discharge-to-assess bed, a home care package or a care-home place (first the time to
   arrange it, where the config gives one, counted under the same reason).

Each step that holds the bed starts a *delay record* naming its reason, so that the delayed
bed-days, delayed patients and mean delay are measured by reason from the event log. A step that
finds its capacity free at once holds no bed and leaves no record.

With a discharge profile, a patient going home (pathway 0) after an overnight stay leaves at a time drawn from the
profile's weekday and hour weights over the day after they are ready, as discharges bunch in the
afternoon and thin out at weekends. That wait is part of leaving, not a delay with a reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import cast

import numpy as np

from caresim.models.context import CareContext
from caresim.models.draws import chance, demand_shape, destination_draw
from caresim.models.intermediate_care import IntermediateCare
from caresim.models.schema_hospital import DischargeDelaySpec, HospitalSpec
from caresim.models.social_care import SocialCare
from caresim.models.vocabulary import IC_OF_PATHWAY
from caresim.sim.calendar import WeeklyProfile
from caresim.sim.clock import call_later
from caresim.sim.distributions import sampler
from caresim.sim.pools import Request
from caresim.sim.recorder import Kind

__all__ = ["DELAY_REASONS", "REASON_OF_NEED", "Discharge", "LeavingTimes"]

SETTING = "hospital"

DELAY_REASONS = (
    "process",
    "assessment",
    "intermediate_care_bed",
    "home_based_intermediate_care",
    "home_care",
    "care_home",
)
"""Why a patient fit to leave is still in an acute bed (the group of a delay record)."""

REASON_OF_NEED = {
    "bed_based": "intermediate_care_bed",
    "assessment_beds": "intermediate_care_bed",
    "home_based": "home_based_intermediate_care",
    "home_care": "home_care",
    "care_home": "care_home",
}
"""The reason of a delay waiting for each kind of capacity."""

DELAY_EVENT = "delayed_for_{reason}"


class Discharge:
    """The discharge steps of one hospital: delays, assessment and the capacity each pathway needs."""

    def __init__(
        self,
        context: CareContext,
        spec: HospitalSpec,
        intermediate_care: IntermediateCare | None,
        social_care: SocialCare | None,
    ) -> None:
        self.context = context
        self.env = context.env
        self.log = context.log
        self.ic = intermediate_care
        self.social = social_care
        self.delay_labels = {
            reason: self.log.register(
                Kind.MILESTONE, DELAY_EVENT.format(reason=reason), reason, SETTING
            )
            for reason in DELAY_REASONS
        }
        # Keyed by the schema's literal names; looked up here by the plain names of the vocabulary.
        needs = cast("Mapping[str, Mapping[str, float]]", spec.discharge_needs)
        self.need = {
            pathway: destination_draw(
                needs.get(pathway, {kind: 1.0}),
                context,
                f"hospital.discharge_needs.{pathway}",
            )
            for pathway, kind in IC_OF_PATHWAY.items()
        }
        for k, change in enumerate(context.config.changes):
            if change.discharge_needs:
                call_later(self.env, change.at, self._new_needs(change.discharge_needs, k))
        self.process = self._step(spec.process_delay, "process_delay")
        self.assessment = self._step(spec.assessment, "assessment")
        self.leaving_time = None
        if spec.discharge_profile is not None:
            weekly, _ = demand_shape(context.config, spec.discharge_profile)
            assert weekly is not None  # a named profile always has its week
            rng = context.streams.generator("hospital.discharge_profile")
            self.leaving_time = LeavingTimes(weekly, rng)

    def _new_needs(self, needs, change: int):
        """From a dated change on: what the pathways it names wait for, each on its own stream."""

        def switch() -> None:
            for pathway, table in needs.items():
                name = f"hospital.discharge_needs.{pathway}.change_{change}"
                self.need[pathway] = destination_draw(table, self.context, name)

        return switch

    def _step(
        self, spec: DischargeDelaySpec | None, name: str
    ) -> tuple[Callable[[], bool], Callable[[], float]] | None:
        if spec is None or spec.share <= 0:
            return None
        applies = chance(spec.share, self.context, f"hospital.{name}")
        duration = sampler(
            spec.duration.build(), self.context.streams.generator(f"hospital.{name}.duration")
        )
        return applies, duration

    def _delayed(self, entity: int, reason: str, bed: Request) -> None:
        self.log.record(entity, self.delay_labels[reason], self.env.now, -1, bed.start_row)

    def _hold(self, entity: int, step, reason: str, bed: Request):
        if step is not None and step[0]():
            self._delayed(entity, reason, bed)
            yield self.env.timeout(step[1]())

    def leave(self, entity: int, bed: Request, pathway: str, overnight: bool, home: Callable):
        """A process: from medically fit by ``pathway`` until the bed is given up.

        ``home(entity)`` is called for a patient going home by pathway 0.
        """
        if overnight:
            yield from self._hold(entity, self.process, "process", bed)
        if pathway == "pathway_0":
            if self.leaving_time is not None and overnight:  # zero-day stays leave when done
                yield self.env.timeout(self.leaving_time.after(self.env.now) - self.env.now)
            _give_up(bed)
            home(entity)
            return
        yield from self._hold(entity, self.assessment, "assessment", bed)
        need = self.need[pathway]()
        if need in ("home_care", "care_home"):
            social = self.social
            assert social is not None  # the config checks name social care for these needs
            arranging = social.arranging_time(need)
            if arranging > 0 or not social.has_free(need):
                self._delayed(entity, REASON_OF_NEED[need], bed)
            if arranging > 0:
                yield self.env.timeout(arranging)
            package = yield social.wait_for(entity, need, SETTING)
            _give_up(bed)
            social.start(package, need, SETTING)
            return
        ic = self.ic
        assert ic is not None  # the config checks name intermediate care for pathways 1-3
        arranging = ic.arranging_time(need)
        if arranging > 0 or not ic.has_free(need, entity):
            self._delayed(entity, REASON_OF_NEED[need], bed)
        if arranging > 0:
            yield self.env.timeout(arranging)
        place = yield ic.step_down(entity, need)
        _give_up(bed)
        ic.stay(place, need)


def _give_up(bed: Request) -> None:
    """The acute (or escalation) bed goes back to the pool that granted it."""
    assert bed.pool is not None  # only a granted bed is given up
    bed.pool.release(bed)


class LeavingTimes:
    """When a patient ready to go home at ``t`` leaves: drawn from a weekly profile's weights.

    The draw is over the hours of the next 24 (the rest of this hour first), each hour as likely
    as its weight; with no weight in them (a weekend with no discharges), over the 24 after, and
    so on for a week. Within an hour the time is uniform.
    """

    def __init__(self, profile: WeeklyProfile, rng: np.random.Generator) -> None:
        self.profile = profile
        self.rng = rng

    def after(self, t: float) -> float:
        """A leaving time at or after ``t``."""
        for day in range(8):
            starts = math.floor(t) + 24.0 * day + np.arange(24, dtype=float)
            weights = np.array([self.profile.multiplier(h + 0.5) for h in starts])
            if day == 0:
                weights[0] *= starts[0] + 1.0 - t  # what is left of the current hour
            total = weights.sum()
            if total > 0:
                k = int(self.rng.choice(24, p=weights / total))
                low = max(starts[k], t)
                return low + self.rng.random() * (starts[k] + 1.0 - low)
        return t  # a profile with no weight anywhere leaves no time to wait for
