"""The automatic replication rule on outputs whose variance is known."""

import math

import numpy as np
from scipy import stats

from caresim.experiments.replication_rule import (
    AutomaticRule,
    decide,
    look_ahead_length,
    relative_half_width,
)
from caresim.runs.stats import t_interval

MEAN, SD, PRECISION = 10.0, 2.0, 0.05


def run_rule(values, rule):
    """Feed values one replication at a time, as an experiment does, until the rule stops."""
    finished = rule.initial
    while True:
        decision = decide([values[:finished]], rule)
        if decision.done:
            return decision
        assert decision.replications > finished
        finished = decision.replications


def test_the_rule_stops_near_the_number_theory_gives_for_a_known_variance():
    rule = AutomaticRule(initial=3, maximum=1000, precision=PRECISION, look_ahead=5)
    # n such that t(0.975, n-1)·σ/√n ≤ precision·μ
    theory = next(
        n
        for n in range(2, 1000)
        if stats.t.ppf(0.975, n - 1) * SD / math.sqrt(n) <= PRECISION * MEAN
    )
    needed, covered = [], 0
    for seed in range(200):
        values = np.random.default_rng(seed).normal(MEAN, SD, 1000)
        decision = run_rule(values, rule)
        assert decision.stopped == "precision"
        assert decision.replications == decision.needed + 5
        assert decision.precision <= PRECISION
        needed.append(decision.needed)
        used = values[: decision.replications]
        half = stats.t.ppf(0.975, len(used) - 1) * used.std(ddof=1) / math.sqrt(len(used))
        covered += abs(used.mean() - MEAN) <= half
    assert abs(np.median(needed) - theory) <= 0.15 * theory
    assert covered / 200 >= 0.9


def test_the_decision_reads_only_the_first_replications():
    rule = AutomaticRule(initial=3, maximum=200, precision=0.05, look_ahead=5)
    values = np.random.default_rng(7).normal(MEAN, SD, 300)
    decision = run_rule(values, rule)
    for more in (0, 1, 17, 100):
        later = decide([values[: decision.replications + more]], rule)
        assert later == decision
    earlier = decide([values[: decision.replications - 1]], rule)
    assert not earlier.done and earlier.replications == decision.replications


def test_a_precision_met_by_chance_must_hold_through_the_look_ahead():
    values = [10.0, 10.1, 9.9, 10.0, 10.05, 12.5] + [10.0] * 50
    rule = AutomaticRule(initial=3, maximum=60, precision=0.05, look_ahead=5)
    assert relative_half_width(values[:3]) <= 0.05  # a candidate at n = 3 ...
    decision = run_rule(values, rule)
    assert decision.needed > 6  # ... undone by the outlier at n = 6
    assert all(
        relative_half_width(values[:n]) <= 0.05
        for n in range(decision.needed, decision.replications + 1)
    )


def test_the_maximum_ends_a_rule_that_cannot_be_satisfied():
    rule = AutomaticRule(initial=3, maximum=12, precision=0.001, look_ahead=5)
    values = np.random.default_rng(8).normal(MEAN, SD, 50)
    decision = run_rule(values, rule)
    assert decision.done and decision.stopped == "maximum" and decision.replications == 12
    assert decision.needed is None and decision.precision > 0.001


def test_every_measure_must_meet_the_precision():
    rng = np.random.default_rng(9)
    steady, noisy = rng.normal(100, 1, 400), rng.normal(10, 5, 400)
    rule = AutomaticRule(initial=3, maximum=400, precision=0.05, look_ahead=5)
    alone = run_rule(steady, rule)
    together = decide([steady[:400], noisy[:400]], rule)
    assert together.done and together.needed > alone.needed


def test_the_precision_is_the_t_intervals():
    values = np.random.default_rng(10).normal(MEAN, SD, 30)
    for n in (2, 3, 10, 30):
        mean, low, high, _ = t_interval(values[:n])
        assert math.isclose(relative_half_width(values[:n]), (high - low) / 2 / mean, rel_tol=1e-9)
    with_gap = np.concatenate([values[:5], [np.nan], values[5:10]])
    mean, low, high, _ = t_interval(with_gap)
    assert math.isclose(relative_half_width(with_gap), (high - low) / 2 / mean, rel_tol=1e-9)


def test_identical_values_are_precise_and_the_look_ahead_grows_past_100():
    rule = AutomaticRule(initial=3, maximum=50, precision=0.05, look_ahead=5)
    decision = decide([[4.0] * 50], rule)
    assert (decision.needed, decision.replications, decision.precision) == (3, 8, 0.0)
    assert look_ahead_length(5, 100) == 5 and look_ahead_length(5, 400) == 20
