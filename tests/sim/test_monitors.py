"""Time-weighted statistics of a level, checked against values worked out by hand."""

import numpy as np
import pytest

from caresim.sim.monitors import Level


@pytest.fixture
def level():
    # 0 until t=1, 2 on [1, 3), 1 on [3, 6), 0 from 6.
    return Level.from_changes(np.array([3.0, 1.0, 1.0, 6.0]), np.array([-1.0, 1.0, 1.0, -1.0]))


def test_the_time_weighted_mean_over_a_window(level):
    assert level.mean(0.0, 10.0) == pytest.approx((2 * 2 + 1 * 3) / 10)
    assert level.mean(2.0, 4.0) == pytest.approx((2 * 1 + 1 * 1) / 2)


def test_the_level_in_force_and_its_maximum(level):
    assert level.value_at(0.5) == 0
    assert level.value_at(1.0) == 2
    assert level.maximum(3.5, 10.0) == 1
    assert level.maximum(0.0, 10.0) == 2


def test_binned_means_and_integrals_over_intervals(level):
    assert level.binned_means(np.array([0.0, 2.0, 4.0, 8.0])).tolist() == pytest.approx(
        [1.0, 1.5, 0.5]
    )
    assert level.integral_over([(1.0, 2.0), (5.0, 7.0)], 0.0) == pytest.approx(2.0 + 1.0)


def test_time_at_each_level_sums_to_one(level):
    shares = level.time_at_levels(0.0, 10.0)
    assert shares == pytest.approx({0.0: 0.5, 1.0: 0.3, 2.0: 0.2})


def test_a_level_held_for_no_time_is_not_its_maximum():
    # Queued and served at the same instant (t=2), then a real wait on [5, 6).
    level = Level.from_changes(np.array([2.0, 2.0, 5.0, 6.0]), np.array([1.0, -1.0, 1.0, -1.0]))
    assert level.maximum(0.0, 4.0) == 0
    assert level.maximum(0.0, 10.0) == 1
    assert level.maximum(5.5, 10.0) == 1
