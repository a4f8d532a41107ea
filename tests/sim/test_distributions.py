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
    Sampler,
    Triangular,
    Uniform,
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


def test_a_sampler_hands_out_a_block_in_the_order_drawn():
    values = [Sampler(Exponential(1.0), np.random.default_rng(5))() for _ in range(1)]
    direct = Exponential(1.0).draw(np.random.default_rng(5), 1024)
    draw = Sampler(Exponential(1.0), np.random.default_rng(5))
    assert values[0] == direct[0]
    assert [draw() for _ in range(1030)][:1024] == direct.tolist()


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
