"""Generic measures of a finished replication, computed from its event log.

Everything here is in hours and knows nothing of care settings: a *step* is anything an entity
queues for (its records share a group), a *pool* is a set of units, and the *window* is the part of
the run after the warm-up. Entities and requests are counted when they begin inside the window;
those still unfinished at the end are counted as such, not dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caresim.sim.calendar import Rota
from caresim.sim.monitors import Level
from caresim.sim.recorder import NO_LABEL, EventLog, Kind

__all__ = [
    "LogView",
    "PoolUse",
    "StepOutcome",
    "SystemOutcome",
    "Window",
    "mean_or_nan",
    "p95",
    "share",
]


def mean_or_nan(values: np.ndarray) -> float:
    """The mean, or NaN when there is nothing to average."""
    return float(np.mean(values)) if len(values) else float("nan")


def p95(values: np.ndarray) -> float:
    """The 95th percentile, or NaN when there are no values."""
    return float(np.percentile(values, 95)) if len(values) else float("nan")


def share(part: float, whole: float) -> float:
    """``part / whole``, or NaN when the whole is zero."""
    return part / whole if whole else float("nan")


@dataclass(frozen=True)
class Window:
    """The measured part of a run: from the end of the warm-up to the horizon, in hours."""

    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start

    def since_start(self, rows: np.ndarray, time: np.ndarray) -> np.ndarray:
        """The rows whose ``time`` is at or after the window's start (the warm-up dropped)."""
        return rows[time[rows] >= self.start]


@dataclass(frozen=True)
class StepOutcome:
    """What happened to the requests for one step that began inside the window."""

    requests: int
    started: int
    abandoned: int
    turned_away: int
    waiting_at_end: int
    waits: np.ndarray  # hours from request to start, of those started
    abandon_waits: np.ndarray  # hours from request to giving up, of those who abandoned
    service_times: np.ndarray  # hours from start to end, of those that ended


@dataclass(frozen=True)
class SystemOutcome:
    """What happened to the entities that arrived inside the window."""

    arrivals: int
    departures: dict[str, int]  # by the group of the departure record (e.g. "completed", "left")
    in_system_at_end: int
    times_in_system: np.ndarray  # hours from arrival to departure, of those that departed


@dataclass(frozen=True)
class PoolUse:
    """Time-weighted use of one pool over the window."""

    queue_length_mean: float
    queue_length_max: float
    busy_mean: float
    busy_max: float
    capacity_hours: float  # unit-hours available to patients (NaN when unconstrained)
    busy_hours_in_capacity: float  # unit-hours in use within that time
    overtime_hours: float  # unit-hours in use outside the on-duty rota

    @property
    def utilisation(self) -> float:
        """Share of the available unit-hours in use (NaN when unconstrained or none available)."""
        if not self.capacity_hours or np.isnan(self.capacity_hours):
            return float("nan")
        return self.busy_hours_in_capacity / self.capacity_hours


class LogView:
    """Read-only, vectorised access to one finished replication's log."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        columns = log.columns()
        self.entity = columns["entity"]
        self.label = columns["label"]
        self.time = columns["time"]
        self.unit = columns["unit"]
        self.ref = columns["ref"]
        self._groups = log.label_array("group")
        # Rows of each label code, in row order: sorting once makes every later query a slice.
        self._order, self._offsets = _rows_by_code(self.label, len(log.labels))
        # Labels by kind, then by group and by pool: a query looks at its own few labels.
        self._labels_of: dict[tuple, list] = {}
        for label in log.labels:
            for key in (
                (label.kind,),
                (label.kind, "group", label.group),
                (label.kind, "pool", label.pool),
            ):
                self._labels_of.setdefault(key, []).append(label)
        self._codes: dict[tuple, list[int]] = {}

    def rows_of_code(self, code: int) -> np.ndarray:
        """Rows of one label code, in the order they were recorded."""
        return self._order[self._offsets[code] : self._offsets[code + 1]]

    def rows(
        self,
        kind: Kind,
        group: str | None = None,
        pool: str | None = None,
        setting: str | None = None,
        event: str | None = None,
    ) -> np.ndarray:
        """Rows of the records of one kind, narrowed by group, pool, setting or event name."""
        codes = self._codes_of(kind, group, pool, setting, event)
        if not codes:
            return np.empty(0, dtype=np.int64)
        if len(codes) == 1:
            return self.rows_of_code(codes[0])
        return np.sort(np.concatenate([self.rows_of_code(c) for c in codes]))

    def _codes_of(self, kind, group, pool, setting, event) -> list[int]:
        key = (kind, group, pool, setting, event)
        codes = self._codes.get(key)
        if codes is None:
            if group is not None:
                candidates = self._labels_of.get((kind, "group", group), [])
            elif pool is not None:
                candidates = self._labels_of.get((kind, "pool", pool), [])
            else:
                candidates = self._labels_of.get((kind,), [])
            codes = self._codes[key] = [
                label.code
                for label in candidates
                if (group is None or label.group == group)
                and (pool is None or label.pool == pool)
                and (setting is None or label.setting == setting)
                and (event is None or label.event == event)
            ]
        return codes

    def attribute(self, name: str) -> np.ndarray:
        """An entity attribute's codes, by entity id (-1 where unknown), as 16-bit numbers over
        the log's own memory."""
        return self.log.entities(name)[name]

    def closing(self, kind: Kind, opened: np.ndarray, group: str | None = None) -> np.ndarray:
        """Rows of ``kind`` (and ``group``) whose ``ref`` is one of the ``opened`` rows."""
        rows = self.rows(kind, group)
        return rows[self.refers_to(rows, opened)]

    def refers_to(self, rows: np.ndarray, opened: np.ndarray) -> np.ndarray:
        """Whether each of ``rows`` refers (by its ``ref``) to one of the ``opened`` rows."""
        return self.among(self.ref[rows], opened)

    def labelled(self, rows: np.ndarray, codes: list[int]) -> np.ndarray:
        """Whether each of ``rows`` has one of the label ``codes`` (by a table of the labels)."""
        wanted = np.zeros(len(self.log.labels), dtype=bool)
        wanted[codes] = True
        return wanted[self.label[rows]]

    def preceded_by(self, rows: np.ndarray, codes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Whether the record just before each of ``rows`` is one of the label ``codes`` and of
        the same entity; and those records' rows (row 0 standing in before the first)."""
        before = rows - 1
        np.maximum(before, 0, out=before)
        found = self.labelled(before, codes)
        found &= self.entity[before] == self.entity[rows]
        found &= rows > 0
        return found, before

    def among(self, rows: np.ndarray, of: np.ndarray) -> np.ndarray:
        """Whether each of ``rows`` (row numbers, or -1 for none) is one of the rows ``of``.

        A mark per row of the log: linear in its length, where a search of sorted values is not.
        """
        marked = np.zeros(len(self.time) + 1, dtype=bool)  # the last place stands for -1
        marked[of] = True
        marked[-1] = False
        return marked[rows]

    # -- steps -----------------------------------------------------------------------------------
    def step(self, group: str, window: Window, pathways: list[str] | None = None) -> StepOutcome:
        """Requests for the step ``group`` made inside the window, and what became of them.

        With ``pathways``, only the requests of entities on those pathways are counted.
        """
        queued = self.rows(Kind.QUEUE, group)
        queued = queued[self.time[queued] >= window.start]
        if pathways is not None:
            queued = queued[self._on_pathways(self.entity[queued], pathways)]
        starts = self.closing(Kind.START, queued, group)
        abandoned = self.closing(Kind.ABANDON, queued, group)
        turned = self.closing(Kind.TURNED_AWAY, queued, group)
        ends = self.closing(Kind.END, starts, group)
        waits = self.time[starts] - self.time[self.ref[starts]]
        service = self.time[ends] - self.time[self.ref[ends]]
        return StepOutcome(
            requests=len(queued),
            started=len(starts),
            abandoned=len(abandoned),
            turned_away=len(turned),
            waiting_at_end=len(queued) - len(starts) - len(abandoned) - len(turned),
            waits=waits,
            abandon_waits=self.time[abandoned] - self.time[self.ref[abandoned]],
            service_times=service,
        )

    def _on_pathways(self, entities: np.ndarray, pathways: list[str]) -> np.ndarray:
        """Whether each entity is on one of the pathways (names not yet used match no one)."""
        known = [self.log.pathways.index(p) for p in pathways if p in self.log.pathways]
        return np.isin(self.log.entities()["entity_pathway"][entities], known)

    def step_groups(self) -> list[str]:
        """Groups that have queue records, in registration order."""
        return list(dict.fromkeys(lb.group for lb in self.log.labels if lb.kind == Kind.QUEUE))

    # -- the whole system ------------------------------------------------------------------------
    def arrivals(self) -> tuple[np.ndarray, np.ndarray]:
        """Every entity (ids count up in the order they arrived) and its time of arrival."""
        arrived = self.log.entities()["arrived"]
        return np.arange(len(arrived)), arrived

    def departures(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entities that departed, their departure labels and times, in the order they left."""
        table = self.log.entities()
        gone = np.flatnonzero(table["departure"] != NO_LABEL)
        gone = gone[np.argsort(table["departed"][gone], kind="stable")]
        return gone, table["departure"][gone], table["departed"][gone]

    def system(self, window: Window, pathway: str | None = None) -> SystemOutcome:
        """Entities that arrived inside the window (on one pathway, if given).

        Worked in 32-bit entity numbers, each array let go once used: a year of a whole
        integrated care system has some nine million entities.
        """
        table = self.log.entities()
        arrived = table["arrived"]
        entities = np.flatnonzero(arrived >= window.start).astype(np.int32)
        if pathway is not None:
            entities = entities[self._on_pathways(entities, [pathway])]
        arrivals = len(entities)
        departure = table["departure"][entities]
        left = departure != NO_LABEL
        counts = np.bincount(departure[left], minlength=len(self.log.labels))
        gone = entities[left]
        del entities, departure, left
        times = table["departed"][gone]  # a copy, made the times in the system in place
        times -= arrived[gone]
        by_group: dict[str, int] = {}
        for code in np.flatnonzero(counts):  # counted by label, then by the labels' groups
            group = str(self._groups[code])
            by_group[group] = by_group.get(group, 0) + int(counts[code])
        return SystemOutcome(
            arrivals=arrivals,
            departures=dict(sorted(by_group.items())),
            in_system_at_end=arrivals - len(gone),
            times_in_system=times,  # by entity: in the order they arrived
        )

    # -- pools -----------------------------------------------------------------------------------
    def queue_level(self, pool: str) -> Level:
        """Number waiting for ``pool`` over time.

        A wait ends with the record that closes its queue record (a start, giving up or being
        turned away), whichever pool that record names: a start of a step that several pools
        serve names the pool that served, and its queue record names none. Counting only the
        closures of this pool's own queue records keeps the level a count of people (never
        below zero), and zero for a pool nobody queues for by name.
        """
        up = self.rows(Kind.QUEUE, pool=pool)
        if not len(up):
            return Level.from_changes(np.empty(0), np.empty(0))
        groups = {self.log.labels[c].group for c in np.unique(self.label[up])}
        closing = np.concatenate(
            [
                self.rows(kind, group)
                for kind in (Kind.START, Kind.ABANDON, Kind.TURNED_AWAY)
                for group in groups
            ]
        )
        down = closing[self.refers_to(closing, up)]
        return self._level(up, down)

    def queue_level_of_step(self, group: str) -> Level:
        """Number waiting for the step ``group`` over time, whichever pool will serve them."""
        up = self.rows(Kind.QUEUE, group)
        closing = np.concatenate(
            [self.rows(kind, group) for kind in (Kind.START, Kind.ABANDON, Kind.TURNED_AWAY)]
        )
        down = closing[self.refers_to(closing, up)]
        return self._level(up, down)

    def busy_level(self, pool: str) -> Level:
        """Units of ``pool`` in use over time."""
        return self._level(self.rows(Kind.START, pool=pool), self.rows(Kind.END, pool=pool))

    def _level(self, up: np.ndarray, down: np.ndarray) -> Level:
        # Changes follow the log's own row order, which is the order they happened in: at equal
        # times a release comes before the grant it makes possible.
        rows = np.concatenate((up, down))
        deltas = np.concatenate((np.ones(len(up)), -np.ones(len(down))))
        order = np.argsort(rows, kind="stable")
        return Level.from_changes(self.time[rows[order]], deltas[order])

    def pool_use(
        self,
        pool: str,
        window: Window,
        capacity: int | None,
        patient_facing: Rota | None = None,
        on_duty: Rota | None = None,
        people: list[Rota] | None = None,
        changes: list[tuple[float, int]] | None = None,
    ) -> PoolUse:
        """Queue, use, utilisation and overtime of a pool over the window.

        ``patient_facing`` is the rota in which units are available to patients (every hour, if
        not given) and ``on_duty`` the paid hours (the same, if not given); use outside the on-duty
        rota is overtime. A pool whose headcount changes through the day gives instead each
        person's rota (``people``): use beyond the number on duty is overtime. A pool whose number
        of units changes during the run gives its ``changes``, (time, capacity from then) in
        time order: its available unit-hours count the units there at each moment.
        """
        queue = self.queue_level(pool)
        busy = self.busy_level(pool)
        if people is not None:
            return _rostered_use(queue, busy, window, people)
        available = patient_facing or Rota.around_the_clock()
        paid = on_duty or available
        in_hours = list(available.shifts(window.start, window.end))
        busy_in = busy.integral_over(in_hours, window.start)
        if capacity is None:
            capacity_hours = float("nan")
        elif changes:
            capacity_hours = _in_place_hours(capacity, changes, busy, in_hours)
        else:
            capacity_hours = capacity * sum(b - a for a, b in in_hours)
        paid_hours = list(paid.shifts(window.start, window.end))
        total_busy = busy.mean(window.start, window.end) * window.length
        overtime = total_busy - busy.integral_over(paid_hours, window.start)
        return PoolUse(
            queue_length_mean=queue.mean(window.start, window.end),
            queue_length_max=queue.maximum(window.start, window.end),
            busy_mean=busy.mean(window.start, window.end),
            busy_max=busy.maximum(window.start, window.end),
            capacity_hours=capacity_hours,
            busy_hours_in_capacity=busy_in,
            # Sums of areas leave rounding dust (1e-14 hours) where there is no overtime at all.
            overtime_hours=overtime if overtime > 1e-9 else 0.0,
        )


def _rows_by_code(codes: np.ndarray, count: int, chunk: int = 1 << 20) -> tuple:
    """The rows of each code in row order, as 32-bit row numbers, and where each code's begin.

    A stable sort a chunk at a time, each chunk's rows placed after the earlier chunks' rows of
    the same code: the sort's 64-bit scratch is a chunk's, not the whole log's.
    """
    counts = np.bincount(codes, minlength=count) if len(codes) else np.zeros(count, np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    order = np.empty(len(codes), dtype=np.int32)
    placed = offsets[:-1].copy()  # where each code's next row goes
    for first in range(0, len(codes), chunk):
        part = codes[first : first + chunk]
        by_code = np.argsort(part, kind="stable")
        sorted_codes = part[by_code]
        part_counts = np.bincount(part, minlength=count)
        part_starts = np.concatenate(([0], np.cumsum(part_counts)[:-1]))
        rank = np.arange(len(part)) - part_starts[sorted_codes]
        order[placed[sorted_codes] + rank] = by_code + first
        placed += part_counts
    return order, offsets


def _rostered_use(queue: Level, busy: Level, window: Window, people: list[Rota]) -> PoolUse:
    """Pool use when the number on duty changes: busy up to those on duty, and beyond it."""
    times: list[float] = []
    deltas: list[float] = []
    for rota in people:
        for a, b in rota.shifts(window.start, window.end):
            times += [a, b]
            deltas += [1.0, -1.0]
    on_duty = Level.from_changes(np.array(times), np.array(deltas))
    grid = np.unique(
        np.concatenate(
            (
                [window.start, window.end],
                busy.times[(busy.times > window.start) & (busy.times < window.end)],
                on_duty.times[(on_duty.times > window.start) & (on_duty.times < window.end)],
            )
        )
    )
    widths = np.diff(grid)
    in_use = _values_at(busy, grid[:-1])
    staffed = _values_at(on_duty, grid[:-1])
    return PoolUse(
        queue_length_mean=queue.mean(window.start, window.end),
        queue_length_max=queue.maximum(window.start, window.end),
        busy_mean=busy.mean(window.start, window.end),
        busy_max=busy.maximum(window.start, window.end),
        capacity_hours=float(np.sum(staffed * widths)),
        busy_hours_in_capacity=float(np.sum(np.minimum(in_use, staffed) * widths)),
        overtime_hours=float(np.sum(np.maximum(in_use - staffed, 0.0) * widths)),
    )


def _values_at(level: Level, points: np.ndarray) -> np.ndarray:
    """The level in force at each of ``points`` (after any change at exactly that time)."""
    index = np.searchsorted(level.times, points, side="right") - 1
    if not len(level.values):
        return np.full(len(points), level.initial)
    return np.where(index < 0, level.initial, level.values[np.maximum(index, 0)])


def _in_place_hours(
    capacity: int,
    changes: list[tuple[float, int]],
    busy: Level,
    intervals: list[tuple[float, float]],
) -> float:
    """Unit-hours in place over ``intervals`` of a capacity that starts at ``capacity`` and then
    changes (``changes``: (time, capacity from then), in time order).

    A unit that closes while in use (a bed with its patient, a leaver finishing a task) closes
    when it is freed, and no new use starts until the pool is within its number, so the units in
    place are the number set or, while more are in use, those in use: the larger of the two.
    """
    bounds = np.array(intervals, dtype=float).reshape(-1, 2)
    if not len(bounds):
        return 0.0
    target = Level(
        np.array([t for t, _ in changes], dtype=float),
        np.array([n for _, n in changes], dtype=float),
        float(capacity),
    )
    first, last = bounds[0, 0], bounds[-1, 1]

    def within(times: np.ndarray) -> np.ndarray:
        return times[(times > first) & (times < last)]

    grid = np.unique(np.concatenate((bounds.ravel(), within(target.times), within(busy.times))))
    starts, widths = grid[:-1], np.diff(grid)
    shift = np.searchsorted(bounds[:, 0], starts, side="right") - 1
    inside = (shift >= 0) & (starts < bounds[np.maximum(shift, 0), 1])
    in_place = np.maximum(_values_at(target, starts), _values_at(busy, starts))
    return float(np.sum((in_place * widths)[inside]))
