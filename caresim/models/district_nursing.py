"""District nursing: episodes of home visits that fall due on a day and wait for staff.

A referral (from general practice, hospital discharge or intermediate care) opens an episode of a
number of visits at intervals. Each visit falls due at a set time on its day, is of a complexity
that decides which roles may make it (skill mix: district nurse, community staff nurse, HCA), and
waits for the first free member of those roles, on duty; the delay past due is measured. A task
started before the end of a shift finishes in overtime. After a visit the patient may need more
than district nursing (escalation); after the last, the episode closes and they are discharged.
"""

from __future__ import annotations

import math

from caresim.models.context import CareContext
from caresim.models.draws import chance, destination_draw, population_arrivals
from caresim.models.vocabulary import role_of
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.distributions import Empirical, Fixed, Geometric, sampler
from caresim.sim.pools import StaffPool, Step, acquire_any
from caresim.sim.recorder import Kind

__all__ = ["SETTING", "DistrictNursing"]

SETTING = "district_nursing"


def _count_distribution(spec):
    if spec.distribution == "geometric":
        return Geometric(spec.mean)
    if spec.distribution == "fixed":
        return Fixed(float(spec.value))
    return Empirical(tuple(float(x) for x in spec.samples))


class DistrictNursing:
    """The community nursing team's caseload of episodes and its visits."""

    def __init__(self, context: CareContext, pools: dict[str, StaffPool]) -> None:
        config = context.config
        streams, log, router = context.streams, context.log, context.router
        spec = config.district_nursing
        assert spec is not None
        self.spec = spec
        self.env = context.env
        self.log = log
        self.patients = context.patients
        self.router = router
        self.due_hour = spec.due_hour
        episode = spec.episode
        self.visits = sampler(
            _count_distribution(episode.visits), streams.generator("district_nursing.visits")
        )
        self.interval = sampler(
            episode.interval.build(), streams.generator("district_nursing.interval")
        )
        self.first_after = sampler(
            episode.first_visit_after.build(), streams.generator("district_nursing.first_visit")
        )
        self.next_kind = destination_draw(
            {kind: visit.share for kind, visit in spec.visit_kinds.items()},
            context,
            "district_nursing.visit_kind",
        )
        self.kinds: dict[str, tuple[list[StaffPool], Step, dict[str, object]]] = {}
        pool_role = {name: role_of(name, config.staff[name]) for name in pools}
        for kind, visit in spec.visit_kinds.items():
            # Roles in the order given (the preferred first), each role's pools by name.
            chosen = [
                pools[name]
                for role in visit.roles
                for name in sorted(pools)
                if pool_role[name] == role
            ]
            step = Step.register_any(log, f"{kind}_visit", [p.name for p in chosen], SETTING)
            durations = {
                role: sampler(
                    work.duration.build(),
                    streams.generator(f"district_nursing.{kind}.{role}.duration"),
                )
                for role, work in visit.roles.items()
            }
            self.kinds[kind] = (chosen, step, durations)
        self.pool_role = pool_role
        escalation = spec.escalation
        self.escalates = chance(escalation.per_visit, context, "district_nursing.escalation")
        self.escalate_to = destination_draw(
            escalation.to, context, "district_nursing.escalation_to"
        )
        self.opened = log.register(Kind.MILESTONE, "episode_opened", "episodes", SETTING)
        self.escalated = log.register(Kind.MILESTONE, "episode_escalated", "episodes", SETTING)
        self.closed = log.register(Kind.MILESTONE, "episode_closed", "episodes", SETTING)
        router.register("district_nursing", self.refer)
        if spec.referrals is not None:
            label = self.patients.arrival_label("community_referral", SETTING)
            population_arrivals(
                context,
                "district_nursing.referrals",
                spec.referrals,
                None,
                lambda practice, cohort: self.refer(
                    self.patients.arrive(label, practice, cohort), "community"
                ),
            )

    def refer(self, entity: int, source: str) -> None:
        """Open an episode for a patient referred by ``source``."""
        self.env.process(self._episode(entity, self.visits(), self.first_after()))

    def continue_episode(self, entity: int, visits_left: int, first_due_after: float) -> None:
        """An episode already open when the run starts."""
        self.env.process(self._episode(entity, visits_left, first_due_after))

    def _due(self, after: float) -> float:
        """The time a visit falls due: ``due_at`` on the day ``after`` hours from now (not before now)."""
        now = self.env.now
        day = math.floor((now + after) / HOURS_PER_DAY)
        return max(now, day * HOURS_PER_DAY + self.due_hour)

    def _episode(self, entity: int, visits: float, first_after: float):
        env = self.env
        self.log.record(entity, self.opened, env.now)
        due = self._due(first_after)
        for _ in range(int(visits)):
            if due > env.now:
                yield env.timeout(due - env.now)
            pools, step, durations = self.kinds[self.next_kind()]
            # Earlier-due visits are made first.
            req = yield acquire_any(pools, entity, step, priority=due)
            yield env.timeout(durations[self.pool_role[req.pool.name]]())
            req.pool.release(req)
            if self.escalates():
                self.log.record(entity, self.escalated, env.now)
                self.router.send(entity, self.escalate_to(), SETTING)
                return
            due = self._due(self.interval())
        self.log.record(entity, self.closed, env.now)
        self.router.send(entity, "home", SETTING)
