"""Poisson arrivals, flat and shaped by a weekly profile, match their rates."""

import math

import numpy as np
import pytest
import simpy

from caresim.sim.arrivals import PoissonArrivals
from caresim.sim.calendar import WeeklyProfile


def arrival_times(rate, hours, profile=None, seed=1):
    env = simpy.Environment()
    times = []
    PoissonArrivals(env, rate, np.random.default_rng(seed), lambda: times.append(env.now), profile)
    env.run(until=hours)
    return np.array(times)


def test_the_number_of_poisson_arrivals_matches_the_rate():
    counts = [len(arrival_times(3.0, 1000.0, seed=s)) for s in range(20)]
    mean = np.mean(counts)
    half = 2.1 * np.std(counts, ddof=1) / math.sqrt(len(counts))
    assert abs(mean - 3000) <= half + 1
    gaps = np.diff(arrival_times(3.0, 10000.0))
    assert np.std(gaps) / np.mean(gaps) == pytest.approx(1.0, abs=0.03)


def test_a_profile_shapes_arrivals_by_hour_and_weekday():
    hour = [0] * 8 + [3] * 10 + [1] * 6  # none at night
    weekday = [2, 1, 1, 1, 1, 0, 0]  # none at weekends, Mondays busiest
    profile = WeeklyProfile(tuple(weekday), tuple(hour))
    times = arrival_times(2.0, 168 * 200, profile)
    weeks = 200
    assert len(times) / (weeks * 168) == pytest.approx(2.0, rel=0.02)
    hours = (times % 24).astype(int)
    assert not np.any(hours < 8)
    days = (times // 24).astype(int) % 7
    assert not np.any(days >= 5)
    expected_monday = 2.0 * 168 * weeks * 2 / 6  # Monday's weight is 2 of 6
    assert np.sum(days == 0) == pytest.approx(expected_monday, rel=0.03)
    busy_to_quiet = np.sum((hours >= 8) & (hours < 18)) / np.sum(hours >= 18)
    assert busy_to_quiet == pytest.approx(30 / 6, rel=0.05)


def test_growing_demand_compounds_year_on_year():
    env = simpy.Environment()
    times = []
    PoissonArrivals(
        env,
        1.0,
        np.random.default_rng(4),
        lambda: times.append(env.now),
        growth=0.5,
        until=2 * 8760,
    )
    env.run(until=2 * 8760)
    times = np.array(times)
    first, second = np.sum(times < 8760), np.sum(times >= 8760)
    # Expected counts: 8760·∫₀¹ 1.5^u du and 1.5 times that.
    expected_first = 8760 * 0.5 / math.log(1.5)
    assert first == pytest.approx(expected_first, rel=0.03)
    assert second / first == pytest.approx(1.5, rel=0.04)


def test_a_month_of_year_profile_shapes_arrivals_through_the_year():
    """Winter twice as busy as the rest: January and December weigh 2, the other months 1."""
    from caresim.sim.calendar import HOURS_PER_MONTH, YearlyProfile

    weights = (2.0,) + (1.0,) * 10 + (2.0,)
    env = simpy.Environment()
    times = []
    season = YearlyProfile(weights, first_month=1)
    PoissonArrivals(
        env, 1.0, np.random.default_rng(7), lambda: times.append(env.now), season=season
    )
    env.run(until=3 * 8760)
    months = (np.array(times) // HOURS_PER_MONTH).astype(int) % 12
    counts = np.bincount(months, minlength=12)
    # The weights average one, so the year's total stands; a winter month holds 2/14 of it.
    assert counts.sum() == pytest.approx(3 * 8760, rel=0.02)
    assert counts[0] / counts[5] == pytest.approx(2.0, rel=0.08)
    assert counts[11] / counts[6] == pytest.approx(2.0, rel=0.08)


def test_a_run_starting_in_october_meets_winter_in_its_third_month():
    from caresim.sim.calendar import HOURS_PER_MONTH, YearlyProfile

    weights = (3.0,) + (1.0,) * 11  # only January is busy
    season = YearlyProfile(weights, first_month=10)
    assert season.multiplier(0.5 * HOURS_PER_MONTH) == pytest.approx(12 / 14)
    assert season.multiplier(3.5 * HOURS_PER_MONTH) == pytest.approx(36 / 14)
