"""Each distribution's samples match its analytic mean and variance; bad parameters are refused."""

import math

import numpy as np
import pytest

from caresim.sim.distributions import (
    DiscreteChoice,
    Empirical,
    EmpiricalTable,
    Exponential,
    Fixed,
    Gamma,
    Geometric,
    Lognormal,
    Normal,
    Triangular,
    Truncated,
    Uniform,
    choice_of,
    draws,
    sampler,
)

N = 200_000

DISTRIBUTIONS = [
    Exponential(2.0),
    Lognormal(12.0, 6.0),
    Gamma(3.0, 1.5),
    Triangular(1.0, 2.0, 6.0),
    Uniform(0.5, 1.5),
    Fixed(0.25),
    Geometric(6.0),
    Empirical((1.0, 2.0, 2.0, 7.0)),
    EmpiricalTable(((0.0, 1.0, 3.0), (1.0, 4.0, 1.0), (5.0, 5.0, 1.0))),
]


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=lambda d: type(d).__name__)
def test_the_sample_mean_matches_the_analytic_mean(dist):
    draw = sampler(dist, np.random.default_rng(2024))
    values = np.array([draw() for _ in range(N)])
    standard_error = math.sqrt(dist.variance / N)
    assert abs(values.mean() - dist.mean) <= 5 * standard_error + 1e-12
    if dist.variance > 0:
        assert values.var() == pytest.approx(dist.variance, rel=0.05)
    assert values.min() >= 0.0


def test_draws_hand_out_blocks_in_the_order_drawn():
    direct = Exponential(1.0).draw(np.random.default_rng(5), 3 * 1024)
    draw = draws(Exponential(1.0), np.random.default_rng(5))
    assert [draw() for _ in range(3 * 1024)] == direct.tolist()


def test_draws_take_a_block_only_when_the_one_before_runs_out():
    # Two draws on one stream: each block is drawn at the call that needs it, so they interleave.
    rng = np.random.default_rng(9)
    first, second = draws(Exponential(1.0), rng), draws(Exponential(1.0), rng)
    a = [first() for _ in range(1024)]
    b = [second() for _ in range(3)]
    a.append(first())
    direct = Exponential(1.0).draw(np.random.default_rng(9), 3 * 1024)
    assert a[:1024] == direct[:1024].tolist()
    assert b == direct[1024:1027].tolist()
    assert a[1024] == direct[2048]


def test_draws_map_each_block():
    draw = draws(Exponential(1.0), np.random.default_rng(5), lambda block: [-v for v in block])
    assert draw() == -Exponential(1.0).draw(np.random.default_rng(5), 1)[0]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Exponential(0.0),
        lambda: Exponential(-1.0),
        lambda: Exponential(float("nan")),
        lambda: Lognormal(1.0, 0.0),
        lambda: Gamma(-1.0, 1.0),
        lambda: Triangular(3.0, 2.0, 1.0),
        lambda: Triangular(-1.0, 0.0, 1.0),
        lambda: Uniform(2.0, 1.0),
        lambda: Fixed(-0.1),
        lambda: Empirical(()),
        lambda: Empirical((1.0, -2.0)),
        lambda: EmpiricalTable(((2.0, 1.0, 1.0),)),
        lambda: EmpiricalTable(((1.0, 2.0, 0.0),)),
    ],
)
def test_invalid_parameters_are_refused(make):
    with pytest.raises(ValueError):
        make()


def test_a_choice_picks_options_in_their_shares():
    choice = DiscreteChoice(("home", "ward", "ic"), (0.5, 0.3, 0.2))
    draw = sampler(choice, np.random.default_rng(3))
    picks = np.bincount([draw() for _ in range(N)], minlength=3) / N
    for share, p in zip(picks, choice.probabilities, strict=True):
        assert abs(share - p) <= 5 * math.sqrt(p * (1 - p) / N)


@pytest.mark.parametrize(
    ("options", "probabilities"),
    [(("a", "b"), (0.5, 0.6)), (("a", "b"), (1.2, -0.2)), (("a", "a"), (0.5, 0.5)), (("a",), ())],
)
def test_a_choice_needs_probabilities_that_sum_to_one(options, probabilities):
    with pytest.raises(ValueError):
        DiscreteChoice(options, probabilities)


TRUNCATED = [
    Truncated(Normal(16.0, math.sqrt(3.0)), 0.5),  # a paper's "normal, mean 16, variance 3, >= 0.5"
    Truncated(Normal(1.0, 2.0), 0.0),  # most of the mass below zero cut away
    Truncated(Normal(10.0, 3.0), 8.0, 12.0),
    Truncated(Lognormal(7.0, 8.7), 0.0, 20.0),
    Truncated(Gamma(3.0, 2.0), 1.0, 5.0),
    Truncated(Exponential(1.0), 0.5),  # memoryless: the mean moves up by exactly 0.5
    Truncated(Triangular(1.0, 2.0, 6.0), 1.5, 4.0),
    Truncated(Uniform(0.0, 4.0), 1.0),
    Truncated(Empirical((1.0, 2.0, 3.0, 9.0)), 0.0, 3.0),
    Truncated(EmpiricalTable(((0.0, 2.0, 1.0), (3.0, 3.0, 1.0))), 1.0, 3.0),
]


@pytest.mark.parametrize("dist", TRUNCATED, ids=lambda d: type(d.base).__name__)
def test_a_truncated_distribution_keeps_within_its_bounds_with_the_analytic_mean(dist):
    values = dist.draw(np.random.default_rng(7), N)
    assert len(values) == N
    assert values.min() >= dist.low and values.max() <= dist.high
    se = math.sqrt(dist.variance / N)
    assert abs(values.mean() - dist.mean) < 5 * se + 1e-12
    assert values.var() == pytest.approx(dist.variance, rel=0.03, abs=1e-9)


def test_truncated_means_match_closed_forms():
    assert Truncated(Exponential(1.0), 0.5).mean == pytest.approx(1.5)
    assert Truncated(Uniform(0.0, 4.0), 1.0).mean == pytest.approx(2.5)
    # Normal truncated symmetrically about its mean keeps the mean; at zero it rises.
    assert Truncated(Normal(10.0, 3.0), 8.0, 12.0).mean == pytest.approx(10.0)
    half = Truncated(Normal(0.0, 1.0), 0.0)
    assert half.mean == pytest.approx(math.sqrt(2 / math.pi))
    assert half.variance == pytest.approx(1 - 2 / math.pi)


def test_a_normal_is_never_a_negative_time_once_truncated():
    values = Truncated(Normal(1.0, 2.0)).draw(np.random.default_rng(3), 10_000)
    assert values.min() >= 0.0


@pytest.mark.parametrize(
    ("low", "high"),
    [(5.0, 4.0), (-1.0, 2.0), (100.0, 200.0)],
    ids=["min above max", "negative min", "bounds outside the values"],
)
def test_a_truncation_that_keeps_nothing_is_refused(low, high):
    with pytest.raises(ValueError, match="min|keep"):
        Truncated(Exponential(1.0), low, high)


def test_shares_a_config_gives_rounded_are_made_to_sum_to_one():
    thirds = choice_of(["a", "b", "c"], [0.333333, 0.333333, 0.333334 - 1e-7])
    assert sum(thirds.probabilities) == pytest.approx(1.0, abs=1e-12)
    assert thirds.probabilities[0] == thirds.probabilities[1] > 0.333333
    exact = [0.1, 0.2, 0.7]  # sums to 1 to rounding: kept as given, so its draws never move
    assert choice_of(["a", "b", "c"], exact).probabilities == tuple(exact)
    with pytest.raises(ValueError, match="sum to 1"):
        choice_of(["a", "b"], [0.5, 0.4999])
