"""Staff and bed pools: priority, patience, turning away, unconstrained beds, rotas and overtime."""

import simpy
from simpy.events import Timeout

from caresim.sim.calendar import Rota
from caresim.sim.measures import LogView, Window
from caresim.sim.pools import BedPool, StaffPool, Step
from caresim.sim.recorder import EventLog, Kind


def make(pool_factory):
    env = simpy.Environment()
    log = EventLog()
    pool = pool_factory(env, log)
    step = Step.register(log, "visit", pool.name)
    return env, log, pool, step


def hold(env, pool, hours, started=None):
    """An on_start callback that keeps the unit for ``hours`` then releases it."""

    def on_start(req):
        if started is not None:
            started.append((req.entity, env.now))
        Timeout(env, hours).callbacks.append(lambda _e: pool.release(req))

    return on_start


def at(env, t, action):
    Timeout(env, t).callbacks.append(lambda _e: action())


def test_waiting_requests_are_served_by_priority_then_in_order_of_arrival():
    env, log, pool, step = make(lambda env, log: StaffPool(env, "gp", log, 1))
    started = []
    pool.request(0, step, hold(env, pool, 1.0, started))
    for entity, (t, priority) in enumerate([(0.1, 2), (0.2, 1), (0.3, 1), (0.4, 0)], start=1):
        at(
            env,
            t,
            lambda e=entity, p=priority: pool.request(e, step, hold(env, pool, 1.0, started), p),
        )
    env.run()
    assert [entity for entity, _ in started] == [0, 4, 2, 3, 1]
    assert [t for _, t in started] == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_patient_gives_up_after_their_patience_and_is_sent_on():
    env, log, pool, step = make(lambda env, log: StaffPool(env, "gp", log, 1))
    left = []
    pool.request(0, step, hold(env, pool, 5.0))
    pool.request(
        1,
        step,
        hold(env, pool, 1.0),
        patience=2.0,
        on_leave=lambda r: left.append((r.outcome, env.now)),
    )
    env.run()
    assert left == [("abandoned", 2.0)]
    view = LogView(log)
    out = view.step("visit", Window(0.0, 10.0))
    assert (out.requests, out.started, out.abandoned) == (2, 1, 1)


def test_a_full_pool_that_turns_patients_away_does_so_at_once():
    env, log, pool, step = make(
        lambda env, log: BedPool(env, "ward", log, 1, when_full="turn_away")
    )
    outcomes = []
    first = pool.request(0, step, hold(env, pool, 3.0))
    second = pool.request(
        1, step, hold(env, pool, 3.0), on_leave=lambda r: outcomes.append(r.outcome)
    )
    assert first.granted and not second.granted
    assert outcomes == ["turned_away"]


def test_unconstrained_beds_admit_everyone_with_distinct_bed_numbers():
    env, log, pool, step = make(lambda env, log: BedPool(env, "audit", log, None))
    requests = [pool.request(e, step, hold(env, pool, 2.0)) for e in range(50)]
    assert all(r.granted for r in requests)
    assert len({r.unit for r in requests}) == 50
    env.run()
    use = LogView(log).pool_use("audit", Window(0.0, 4.0), None)
    assert use.busy_max == 50
    assert use.busy_mean == 50 * 2.0 / 4.0


def test_off_duty_requests_wait_for_the_shift_and_a_late_task_finishes_in_overtime():
    monday = Rota.from_hours({"mon": "09:00-17:00"})
    env, log, pool, step = make(lambda env, log: StaffPool(env, "dn", log, 1, monday))
    started = []
    pool.request(0, step, hold(env, pool, 1.0, started))  # at 00:00: waits until 09:00
    at(env, 16.0, lambda: pool.request(1, step, hold(env, pool, 10.0, started)))  # ends 02:00 Tue
    at(env, 16.5, lambda: pool.request(2, step, hold(env, pool, 1.0, started)))  # next Monday
    env.run(until=2 * 168)
    assert started == [(0, 9.0), (1, 16.0), (2, 168 + 9.0)]
    use = LogView(log).pool_use("dn", Window(0.0, 168.0), 1, monday, monday)
    assert use.overtime_hours == 9.0  # 17:00 Monday to 02:00 Tuesday
    assert use.capacity_hours == 8.0
    assert use.utilisation == (1.0 + 1.0) / 8.0  # 09-10 and 16-17 inside the shift


def test_staff_see_patients_only_in_the_patient_facing_part_of_a_shift():
    rota = Rota.from_hours({"mon": "08:00-18:00"}).patient_facing(0.5)
    env, log, pool, step = make(lambda env, log: StaffPool(env, "gp", log, 1, rota))
    started = []
    at(env, 13.5, lambda: pool.request(0, step, hold(env, pool, 0.5, started)))
    env.run(until=200)
    assert started == [(0, 168 + 8.0)]


def test_staff_who_leave_while_busy_finish_first_and_joiners_take_the_queue_at_once():
    env, log, pool, step = make(lambda env, log: StaffPool(env, "team", log, 2))
    started = []
    for entity, hours in enumerate([1.0, 3.0, 1.0, 1.0]):  # two served, two waiting
        pool.request(entity, step, hold(env, pool, hours, started))
    at(env, 0.5, lambda: pool.resize(1))  # both busy: each finishes its task
    at(env, 2.0, lambda: pool.resize(3))  # two join while one is still busy
    env.run()
    # Entity 0 finishes at 1.0 and leaves, so nobody starts until the pool is within its number:
    # the busy one (to 3.0) is the one left; at 2.0 two join and take the queue at once.
    assert started == [(0, 0.0), (1, 0.0), (2, 2.0), (3, 2.0)]
    assert pool.headcount == 3 and pool.has_free_unit()
    units = LogView(log).unit[LogView(log).rows(Kind.START)]
    assert len(set(units.tolist())) == 3  # a leaver's unit is reused, then one new


def test_free_staff_leave_first_and_a_joiner_off_shift_starts_with_the_next_shift():
    days = Rota.from_hours({"mon-fri": "09:00-17:00"})
    env, log, pool, step = make(lambda env, log: StaffPool(env, "dn", log, 2, days))
    started = []
    at(env, 10.0, lambda: pool.request(0, step, hold(env, pool, 4.0, started)))
    at(env, 11.0, lambda: pool.resize(1))  # the free one leaves; the busy one stays
    at(env, 11.5, lambda: pool.request(1, step, hold(env, pool, 1.0, started)))
    at(env, 20.0, lambda: pool.resize(2))  # joins off duty
    at(env, 21.0, lambda: pool.request(2, step, hold(env, pool, 1.0, started)))
    at(env, 21.0, lambda: pool.request(3, step, hold(env, pool, 1.0, started)))
    env.run(until=48)
    assert started == [(0, 10.0), (1, 14.0), (2, 24 + 9.0), (3, 24 + 9.0)]


def test_a_pool_with_nobody_on_a_rota_serves_from_the_moment_someone_joins_in_a_shift():
    days = Rota.from_hours({"mon-fri": "09:00-17:00"})
    env, log, pool, step = make(lambda env, log: StaffPool(env, "dn", log, 0, days))
    started = []
    pool.request(0, step, hold(env, pool, 1.0, started))
    at(env, 12.0, lambda: pool.resize(1))
    env.run(until=48)
    assert started == [(0, 12.0)]
    assert LogView(log).pool_use("dn", Window(0.0, 24.0), 0, days, days).overtime_hours == 0.0


def test_a_process_can_yield_for_a_unit():
    env, log, pool, step = make(lambda env, log: BedPool(env, "ward", log, 1))
    seen = []

    def patient(entity, stay):
        req = yield pool.acquire(entity, step)
        seen.append((entity, env.now, req.granted))
        yield env.timeout(stay)
        pool.release(req)

    env.process(patient(0, 4.0))
    env.process(patient(1, 1.0))
    env.run()
    assert seen == [(0, 0.0, True), (1, 4.0, True)]
    kinds = [log.labels[code].kind for code in log.label]
    assert kinds.count(Kind.END) == 2


def test_a_request_can_be_withdrawn_from_the_queue():
    env, log, pool, step = make(lambda env, log: BedPool(env, "ward", log, 1))
    pool.request(0, step, hold(env, pool, 4.0))
    waiting = pool.request(1, step, hold(env, pool, 1.0))
    at(env, 1.0, lambda: pool.withdraw(waiting))
    env.run()
    assert waiting.outcome == "abandoned" and not waiting.granted
    assert pool.waiting == 0 and pool.busy == 0


def test_a_request_to_several_pools_takes_the_first_free_in_order_of_preference():
    from caresim.sim.pools import request_any

    env = simpy.Environment()
    log = EventLog()
    hca = StaffPool(env, "hca", log, 1)
    nurse = StaffPool(env, "nurse", log, 1)
    step = Step.register_any(log, "visit", ["hca", "nurse"])
    served_by = []

    def on_start(req):
        served_by.append((req.entity, req.pool.name, env.now))
        Timeout(env, 2.0).callbacks.append(lambda _e: req.pool.release(req))

    for entity in range(3):
        request_any([hca, nurse], entity, step, on_start)
    env.run()
    # The first goes to the HCA (preferred), the second to the nurse, the third to whoever is
    # free first (both at t=2: the preferred HCA).
    assert served_by == [(0, "hca", 0.0), (1, "nurse", 0.0), (2, "hca", 2.0)]
    assert hca.waiting == 0 and nurse.waiting == 0 and hca.busy == 0 and nurse.busy == 0
    view = LogView(log)
    out = view.step("visit", Window(0.0, 10.0))
    assert (out.requests, out.started, len(out.service_times)) == (3, 3, 3)
    assert view.pool_use("hca", Window(0.0, 4.0), 1).busy_mean == 1.0
    assert view.pool_use("nurse", Window(0.0, 4.0), 1).busy_mean == 0.5


def test_a_request_to_several_pools_waits_in_all_and_can_give_up():
    from caresim.sim.pools import request_any

    env = simpy.Environment()
    log = EventLog()
    pools = [StaffPool(env, name, log, 1) for name in ("a", "b")]
    step = Step.register_any(log, "visit", ["a", "b"])
    for pool in pools:
        pool.request(99, Step.register(log, f"busy_{pool.name}", pool.name), hold(env, pool, 5.0))
    left = []
    request_any(
        pools, 1, step, lambda r: None, patience=1.0, on_leave=lambda r: left.append(env.now)
    )
    late = request_any(
        pools, 2, step, lambda r: Timeout(env, 1.0).callbacks.append(lambda _e: r.pool.release(r))
    )
    assert [p.waiting for p in pools] == [2, 2]
    env.run()
    assert left == [1.0]
    assert late.granted and late.pool.name == "a"
    assert [p.waiting for p in pools] == [0, 0]


def test_a_rostered_pool_has_three_on_by_day_and_one_overnight():
    from caresim.sim.calendar import Roster
    from caresim.sim.pools import RosteredPool

    day = Rota.from_hours({"every_day": "08:00-20:00"})
    night = Rota.from_hours({"every_day": "20:00-08:00"})
    roster = Roster(((day, 3), (night, 1)))
    env, log, pool, step = make(lambda env, log: RosteredPool(env, "ward", log, roster))
    started = []
    # At 22:00 on Monday four patients come, each needing an hour: the one night nurse sees them
    # one after another.
    env.run(until=22.0)
    for entity in range(4):
        pool.request(entity, step, hold(env, pool, 1.0, started))
    env.run(until=30.0)
    assert [t for _, t in started] == [22.0, 23.0, 24.0, 25.0]
    assert pool.on_duty_now() == 1
    env.run(until=33.0)
    assert pool.on_duty_now() == 3  # the day staff came on at 08:00
    # Three two-hour tasks at 19:30 all start; the two day nurses finish theirs in overtime.
    env.run(until=43.5)
    for entity in range(4, 7):
        pool.request(entity, step, hold(env, pool, 2.0, started))
    env.run(until=48.0)
    view = LogView(log)
    ends = view.time[view.rows(Kind.END)]
    assert sorted(ends)[-3:] == [45.5, 45.5, 45.5]
    assert pool.on_duty_now() == 1 and pool.waiting == 0
