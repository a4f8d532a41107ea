"""District nursing: episodes of home visits, each due in a window of the day, made by staff.

A referral (from general practice, hospital discharge or intermediate care) opens an episode of
visits of one kind, drawn once for the episode: the kind decides which roles may make its visits
(skill mix: district nurse, community staff nurse, HCA), the windows of the day they are due in
(an insulin round at set times, a dressing any time in the shift) and how many visits there are,
how far apart. A visit falls due when its window opens and waits for the first free member of
those roles on duty, earliest window close first; the nurse travels to the patient (in the
nurse's time) and makes the visit. A visit started after its window closes is late. A task
started before the end of a shift finishes in overtime. After a visit the patient may need more
than district nursing (escalation); after the last, the episode closes and they are discharged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from caresim.models.context import CareContext
from caresim.models.draws import chance, destination_draw, population_arrivals
from caresim.models.schema_district_nursing import CountSpec
from caresim.models.vocabulary import role_of
from caresim.sim.distributions import Empirical, Fixed, Geometric, sampler
from caresim.sim.pools import ServerPool, Step, acquire_any
from caresim.sim.recorder import Kind
from caresim.sim.windows import DailyWindows

__all__ = ["SETTING", "DistrictNursing", "VisitKind"]

SETTING = "district_nursing"


def _count_distribution(spec: CountSpec):
    if spec.distribution == "geometric":
        return Geometric(spec.mean)
    if spec.distribution == "fixed":
        return Fixed(float(spec.value))
    return Empirical(tuple(float(x) for x in spec.samples))


@dataclass(frozen=True)
class VisitKind:
    """What the episodes of one kind need: who may visit, when, how long, how many, how often."""

    name: str
    pools: list[ServerPool]  # the roles' pools, the preferred role first
    by_team: list[list[ServerPool]]  # the same, of each team's own staff
    step: Step
    durations: dict[str, Callable[[], float]]  # by role
    visits: Callable[[], float]
    interval: Callable[[], float]
    windows: DailyWindows
    arrived: int  # the label of a nurse arriving at the patient's home (the visit starts)


class DistrictNursing:
    """The community nursing team's caseload of episodes and its visits."""

    def __init__(self, context: CareContext, pools: dict[str, ServerPool]) -> None:
        config = context.config
        log, router = context.log, context.router
        spec = config.district_nursing
        assert spec is not None
        self.spec = spec
        self.env = context.env
        self.log = log
        self.patients = context.patients
        self.router = router
        self.first_after = sampler(
            spec.episode.first_visit_after.build(),
            context.streams.generator("district_nursing.first_visit"),
        )
        self.pool_role = {name: role_of(name, config.staff[name]) for name in pools}
        teams = list(spec.teams.values()) if spec.teams is not None else []
        # Each team's staff pools (without teams, one team of every pool), and its practices.
        self.team_staff: list[set[str] | None] = [set(team.staff) for team in teams] or [None]
        self.team_of = self.patients.areas([team.serves for team in teams])
        self.kinds = {kind: self._visit_kind(context, pools, kind) for kind in spec.visit_kinds}
        # The kind is drawn once for an episode: a patient's care needs keep from visit to visit.
        self.next_kind = destination_draw(
            {kind: visit.share for kind, visit in spec.visit_kinds.items()},
            context,
            "district_nursing.visit_kind",
        )
        self.travel = (
            sampler(spec.travel.build(), context.streams.generator("district_nursing.travel"))
            if spec.travel is not None
            else None
        )
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

    def _visit_kind(self, context: CareContext, pools: dict[str, ServerPool], kind: str):
        """The pools, labels and draws of one kind of visit, each draw on its own stream."""
        spec = self.spec
        visit = spec.visit_kinds[kind]
        streams = context.streams
        # Roles in the order given (the preferred first), each role's pools by name.
        chosen = [
            pools[name]
            for role in visit.roles
            for name in sorted(pools)
            if self.pool_role[name] == role
        ]
        step = Step.register_any(self.log, f"{kind}_visit", [p.name for p in chosen], SETTING)
        durations = {
            role: sampler(
                work.duration.build(),
                streams.generator(f"district_nursing.{kind}.{role}.duration"),
            )
            for role, work in visit.roles.items()
        }
        by_team = [
            [p for p in chosen if staff is None or p.name in staff] for staff in self.team_staff
        ]
        return VisitKind(
            name=kind,
            pools=chosen,
            by_team=by_team,
            step=step,
            durations=durations,
            visits=sampler(
                _count_distribution(visit.visits or spec.episode.visits),
                streams.generator(f"district_nursing.{kind}.visits"),
            ),
            interval=sampler(
                (visit.interval or spec.episode.interval).build(),
                streams.generator(f"district_nursing.{kind}.interval"),
            ),
            windows=visit.daily_windows,
            arrived=self.log.register(
                Kind.MILESTONE, f"{kind}_visit_arrived", f"{kind}_visit", SETTING
            ),
        )

    def refer(self, entity: int, source: str) -> None:
        """Open an episode for a patient referred by ``source``."""
        kind = self.kinds[self.next_kind()]
        planned = self.env.now + self.first_after()
        self.env.process(self._episode(entity, kind, int(kind.visits()), planned))

    def continue_episode(self, entity: int, progress: float, into_interval: float) -> None:
        """An episode already open when the run starts.

        ``progress`` (0 to 1) is how far through its visits it is; ``into_interval`` (0 to 1) how
        far the next visit is into its interval.
        """
        kind = self.kinds[self.next_kind()]
        visits_left = max(1, int(kind.visits() * progress) + 1)
        planned = self.env.now + kind.interval() * into_interval
        self.env.process(self._episode(entity, kind, visits_left, planned))

    def _episode(self, entity: int, kind: VisitKind, visits: int, planned: float):
        env = self.env
        log = self.log
        log.record(entity, self.opened, env.now)
        due, closes = kind.windows.next_due(env.now, planned)
        for _ in range(visits):
            if due > env.now:
                yield env.timeout(due - env.now)
            # The visit whose window closes first is made first.
            pools = kind.by_team[self.team_of[self.patients.practice_of(entity)]]
            req = yield acquire_any(pools, entity, kind.step, priority=closes)
            if self.travel is not None:
                yield env.timeout(self.travel())
            log.record(entity, kind.arrived, env.now, ref=req.queue_row)
            yield env.timeout(kind.durations[self.pool_role[req.pool.name]]())
            req.pool.release(req)
            if self.escalates():
                log.record(entity, self.escalated, env.now)
                self.router.send(entity, self.escalate_to(), SETTING)
                return
            due, closes = kind.windows.next_due(env.now, due + kind.interval(), after=due)
        log.record(entity, self.closed, env.now)
        self.router.send(entity, "home", SETTING)
