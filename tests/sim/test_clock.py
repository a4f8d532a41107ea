"""The clock: SimPy's order of events kept exactly, with only the current bucket of time on the heap."""

import functools

import numpy as np
import pytest
import simpy
from simpy.core import NORMAL, URGENT, StopSimulation

from caresim.sim.clock import Clock, call_later


def _run(env: simpy.Environment, seed: int = 3) -> list[tuple[float, str]]:
    """Bookings weeks ahead (many at the same slot times), processes, timeouts and events
    succeeded from callbacks beside other events as a run makes them; the order in which every
    callback ran."""
    rng = np.random.default_rng(seed)
    order: list[tuple[float, str]] = []

    def note(name):
        return lambda: order.append((env.now, name))

    def on_event(name):
        return lambda _event: order.append((env.now, name))

    call_later(env, 0.0, note("first"))
    for k in range(2_000):
        time = float(rng.integers(0, 28 * 24 * 6)) / 6  # on a ten-minute grid: many ties
        call_later(env, time, note(f"booked {k}"))

    for k in range(300):  # at the same time, a normal event scheduled before an urgent one
        time = float(rng.integers(0, 28 * 24 * 6)) / 6
        for priority in (NORMAL, URGENT):
            event = env.event()
            event._ok, event._value = True, None
            event.callbacks.append(on_event(f"{k} of priority {priority}"))
            env.schedule(event, priority, time)

    made = [0]

    def churn():  # other events, each scheduling the next, some at the slot times
        made[0] += 1
        call_later(env, float(rng.integers(0, 12)) / 6, note(f"other {made[0]}"))
        signal = env.event()
        signal.callbacks.append(on_event(f"signal {made[0]}"))
        signal.succeed()  # due now, urgent or not, among what is already due
        call_later(env, float(rng.integers(1, 12)) / 6, churn)

    def patient(k):
        yield env.timeout(float(rng.integers(0, 50)) / 6)
        order.append((env.now, f"patient {k} seen"))
        yield env.timeout(float(rng.integers(0, 3 * 24 * 6)) / 6)
        order.append((env.now, f"patient {k} back"))

    for k in range(300):
        env.process(patient(k))
    call_later(env, 0.0, churn)
    env.run(until=30 * 24)
    return order


def test_the_clock_runs_every_event_in_simpys_own_order():
    for bucket in (0.25, 1.0, 32.0):
        assert _run(Clock(bucket=bucket)) == _run(simpy.Environment())


def _at_hand(env: Clock) -> list[tuple]:
    """The entries of the current bucket: sorted when it was taken, or scheduled into it since."""
    return sorted(env._queue + env._sorted)


def test_only_the_current_bucket_is_at_hand():
    env = Clock(bucket=1.0)
    for day in range(28):
        call_later(env, day * 24.0 + 9.5, lambda: None)
        call_later(env, day * 24.0 + 9.75, lambda: None)
    assert len(_at_hand(env)) == 0 and len(env) == 56
    assert env.peek() == 9.5
    assert len(_at_hand(env)) == 2  # the bucket from 9:00 to 10:00 of day 0
    env.run(until=24.0 * 10 + 12)
    assert len(env) == 2 * (28 - 11) + 1  # days 11 on, and the stop that SimPy puts back
    assert [entry[0] for entry in _at_hand(env)] == [env.now]  # only that stop: no day ahead
    env.run()
    assert len(env) == 0 and env.now == 27 * 24.0 + 9.75
    assert env.peek() == float("inf")


def test_a_clock_needs_a_bucket_that_is_a_power_of_two_and_no_negative_delay():
    for bucket in (0.0, -1.0, 0.3, 3.0):
        with pytest.raises(ValueError, match="power of two"):
            Clock(bucket=bucket)
    with pytest.raises(ValueError, match="negative"):
        call_later(Clock(), -1.0, lambda: None)


@pytest.mark.parametrize("make", [Clock, simpy.Environment])
def test_a_callback_runs_in_a_timeouts_place_on_any_environment_and_may_be_any_callable(make):
    env = make()
    order: list[str] = []
    env.timeout(2.0).callbacks.append(lambda _event: order.append("timeout before"))
    call_later(env, 2.0, functools.partial(order.append, "partial"))
    call_later(env, 2.0, lambda: order.append("function"))
    env.timeout(2.0).callbacks.append(lambda _event: order.append("timeout after"))
    env.run()
    assert order == ["timeout before", "partial", "function", "timeout after"]
    assert env.now == 2.0


def test_an_event_due_never_waits_without_stopping_the_others():
    env = Clock()
    seen = []
    env.schedule(env.event(), delay=float("inf"))
    call_later(env, 5.0, lambda: seen.append(env.now))
    env.run(until=100.0)
    assert seen == [5.0] and env.now == 100.0


@pytest.mark.parametrize("make", [Clock, simpy.Environment])
def test_a_failed_event_stops_the_run_and_a_stop_keeps_the_callbacks_after_it(make):
    env = make()
    failed = env.timeout(3.0)
    failed.callbacks.clear()
    env.schedule(env.event(), delay=1.0)
    broken = env.event()
    broken.fail(KeyError("no bed"))
    with pytest.raises(KeyError, match="no bed"):
        env.run()
    # A callback that stops the run leaves the event's later callbacks to run when it resumes.
    env = make()
    seen = []

    def stop(_event):
        raise StopSimulation("stopped")

    env.timeout(2.0).callbacks += [stop, lambda _event: seen.append(env.now)]
    assert env.run(until=5.0) == "stopped" and seen == [] and env.now == 2.0
    env.run(until=5.0)
    assert seen == [2.0] and env.now == 5.0


def test_a_callback_that_peeks_ahead_loses_no_event_of_the_run():
    env = Clock(bucket=1.0)
    seen = []
    call_later(env, 0.5, lambda: seen.append(env.peek()))  # the heap is empty: peek takes 5:00
    call_later(env, 5.0, lambda: seen.append(env.now))
    call_later(env, 9.0, lambda: seen.append(env.now))
    env.run()
    assert seen == [5.0, 5.0, 9.0]


def test_a_run_until_an_event_gives_its_value_and_a_run_until_a_time_must_end_ahead():
    env = Clock()
    done = env.timeout(3.0, value="seen")
    call_later(env, 5.0, lambda: None)
    assert env.run(until=done) == "seen" and env.now == 3.0
    assert env.run(until=done) == "seen"  # already happened: nothing more is run
    assert env.now == 3.0 and len(env) == 2  # the callback at 5:00, and the stop put back
    with pytest.raises(ValueError, match="must end after now"):
        env.run(until=2.0)
    with pytest.raises(RuntimeError, match="never happened"):
        env.run(until=env.event())
    assert env.now == 5.0
