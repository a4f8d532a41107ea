"""Workforce supply and dated changes of staff: people in post leave, recruits join after training,
and what a pool offers follows the number in post."""

import math

import numpy as np
import pandas as pd
import pytest

from caresim.config.files import load_config, validate_document
from caresim.models.measures import measure, time_series
from caresim.models.model import CareSystemModel, simulate
from caresim.sim.calendar import HOURS_PER_DAY
from caresim.sim.measures import LogView
from caresim.sim.recorder import Kind
from tests.conftest import ROOT, queue_document

SMALL = ROOT / "configs/teaching/whole_system.yaml"
YEAR = 365 * HOURS_PER_DAY


def queue_with_staff(headcount: int, horizon: str, **extra) -> dict:
    """A queue served by a pool of ``headcount``, with its ``workforce`` or ``changes``."""
    document = queue_document(
        rate=extra.pop("rate", "1 per day"),
        duration={"distribution": "fixed", "value": "1 hour"},
        servers=headcount,
        horizon=horizon,
    )
    if "workforce" in extra:
        document["staff"]["servers"]["workforce"] = extra.pop("workforce")
    document.update(extra)
    return document


def rows_of(result) -> dict[tuple[str, str], float]:
    return {(m.group, m.measure): m.value for m in measure(result)}


def test_with_leavers_only_the_number_in_post_decays_as_the_exponential_says():
    people, rate, years = 100, 0.5, 4.0
    document = queue_with_staff(100, "4 years", workforce={"leavers_per_year": rate})
    rows = rows_of(simulate(validate_document(document), 0))
    # Each of 100 stays an exponential time: the mean in post over T is N (1 - e^-rT) / (rT),
    # the number left at T binomial(N, e^-rT); allow four standard deviations of each.
    stay = (1 - math.exp(-rate * years)) / rate  # E[min(X, T)], years
    second = 2 / rate**2 * (1 - math.exp(-rate * years) * (1 + rate * years))
    sd_mean = math.sqrt(people * (second - stay**2)) / years
    assert rows[("servers", "in_post_mean")] == pytest.approx(
        people * stay / years, abs=4 * sd_mean
    )
    kept = math.exp(-rate * years)
    end = rows[("servers", "in_post_end")]
    assert end == pytest.approx(people * kept, abs=4 * math.sqrt(people * kept * (1 - kept)))
    assert rows[("servers", "leavers")] == people - end
    assert rows[("servers", "starters")] == 0
    assert rows[("servers", "vacancy_share_mean")] == pytest.approx(
        1 - rows[("servers", "in_post_mean")] / people, rel=1e-12
    )


def test_recruits_into_vacant_posts_join_no_earlier_than_the_training_lag():
    workforce = {"in_post": 0, "starters_per_year": 6, "training_lag": "60 days"}
    config = validate_document(queue_with_staff(3, "1 year", workforce=workforce))
    for replication in range(5):
        result = simulate(config, replication)
        plan = result.pools["servers"].in_post
        assert plan.starters and plan.starters[0] >= 60 * HOURS_PER_DAY
        assert max(plan.numbers) <= 3 and len(plan.starters) == plan.numbers[-1]
        view = LogView(result.log)
        first_served = view.time[view.rows(Kind.START)].min()
        assert first_served >= plan.starters[0]  # nobody in post, nobody served


def test_recruits_already_in_training_join_within_the_first_lag():
    workforce = {"in_post": 1, "in_training": 2, "training_lag": "100 days"}
    config = validate_document(queue_with_staff(4, "200 days", workforce=workforce))
    plan = simulate(config, 0).pools["servers"].in_post
    assert len(plan.starters) == 2 and max(plan.starters) < 100 * HOURS_PER_DAY
    assert plan.at(100 * HOURS_PER_DAY) == 3


def test_a_dated_change_sets_the_number_in_post_and_recruits_fill_the_posts_it_left():
    workforce = {"starters_per_year": 50}
    changes = [{"at": "100 days", "staff": {"servers": 1}}]
    config = validate_document(
        queue_with_staff(4, "200 days", workforce=workforce, changes=changes)
    )
    plan = simulate(config, 0).pools["servers"].in_post
    change = 100 * HOURS_PER_DAY
    assert plan.at(change) == 1 and plan.at(change - 1e-6) == 4
    refilled = [t for t in plan.starters if t > change]
    assert len(refilled) >= 3 and plan.at(refilled[2]) == 4  # the three posts it left
    assert not [t for t in plan.starters if t < change]  # every post filled until then
    assert len(plan.not_placed) > 0  # recruits finding every post filled


def test_more_recruits_leave_the_leaving_of_those_in_post_at_the_start_as_it_was():
    def leavers(starters: float) -> set[float]:
        workforce = {"leavers_per_year": 1, "starters_per_year": starters, "in_post": 5}
        config = validate_document(queue_with_staff(8, "2 years", workforce=workforce))
        return set(simulate(config, 0).pools["servers"].in_post.leavers)

    alone, recruited = leavers(0), leavers(6)
    assert alone and alone < recruited  # the same five leave when they did, and recruits too


def small_place(*overrides: str):
    base = ["run.horizon=28 days", "run.warm_up=0 days", "staff.northside_gp.headcount=4"]
    return load_config(SMALL, base + list(overrides)).config


def test_two_gps_of_four_leaving_by_date_halve_the_slots_offered_exactly():
    change = "changes=[{at: 14 days, staff: {northside_gp: 2}}]"
    result = CareSystemModel(small_place("staff.northside_gp.absence=null", change)).run()
    book = result.pools["northside_gp"].book
    before = sum(book.offered(day) for day in range(0, 14))
    after = sum(book.offered(day) for day in range(14, 28))
    assert before > 0 and after * 2 == before
    view = LogView(result.log)
    starts = view.rows(Kind.START, pool="northside_gp", setting="general_practice")
    late = view.time[starts] >= 14 * HOURS_PER_DAY
    assert late.any() and set(view.unit[starts][late].tolist()) <= {0, 1}


def test_vacant_posts_are_away_beside_those_absent_whose_draws_do_not_change():
    change = "changes=[{at: 14 days, staff: {northside_gp: 2}}]"
    plain = CareSystemModel(small_place()).pools.books["northside_gp"]
    changed = CareSystemModel(small_place(change)).pools.books["northside_gp"]
    for day in range(28):
        vacant = {2, 3} if day >= 14 else set()
        assert changed.away(day) == plain.away(day) | vacant


def test_a_queue_pool_follows_dated_changes_of_its_staff():
    changes = [{"at": "5 days", "staff": {"servers": 1}}, {"at": "8 days", "staff": {"servers": 3}}]
    document = queue_with_staff(
        3, "10 days", rate="4 per hour", changes=changes, workforce={"in_post": 2}
    )
    result = simulate(validate_document(document), 0)
    busy = LogView(result.log).busy_level("servers")
    day = HOURS_PER_DAY
    assert busy.maximum(0, 5 * day) == 2
    assert busy.maximum(5 * day + 1, 8 * day) == 1  # the one busy at the change finished first
    assert busy.maximum(8 * day, 10 * day) == 3
    rows = rows_of(result)
    staffed = (2 * 5 + 1 * 3 + 3 * 2) * day
    # the one who leaves at day 5 while busy stays in place until the task ends
    points = np.concatenate(
        ([5 * day], busy.times[(busy.times > 5 * day) & (busy.times < 8 * day)], [8 * day])
    )
    levels = np.array([busy.value_at(t) for t in points[:-1]])
    working = staffed + float(np.sum(np.maximum(levels - 1, 0) * np.diff(points)))
    busy_hours = rows[("servers", "busy_mean")] * 10 * day
    assert rows[("servers", "utilisation")] == pytest.approx(busy_hours / working, rel=1e-9)
    assert working > staffed
    assert rows[("servers", "in_post_end")] == 3
    assert rows[("servers", "in_post_mean")] == pytest.approx(staffed / (10 * day), rel=1e-12)


WITH_SUPPLY = (
    "staff.northside_gp.workforce={in_post: 3, leavers_per_year: 2, starters_per_year: 4}",
    "staff.dn_hca.workforce={leavers_per_year: 3, starters_per_year: 3}",
)


def test_the_same_seed_gives_the_same_workforce_and_results():
    config = small_place(*WITH_SUPPLY)
    first, second = simulate(config, 1), simulate(config, 1)
    assert pd.DataFrame(measure(first)).equals(pd.DataFrame(measure(second)))  # NaN as NaN
    assert first.pools["dn_hca"].in_post == second.pools["dn_hca"].in_post
    other = CareSystemModel(config, 2).pools.info["dn_hca"].in_post
    assert first.pools["dn_hca"].in_post != other


def test_supply_for_one_pool_leaves_every_other_pools_draws_as_they_were():
    one = CareSystemModel(small_place(WITH_SUPPLY[1]), 3)
    both = CareSystemModel(small_place(*WITH_SUPPLY), 3)
    assert one.pools.info["dn_hca"].in_post == both.pools.info["dn_hca"].in_post
    for day in range(28):
        assert one.pools.books["southside_gp"].away(day) == both.pools.books["southside_gp"].away(
            day
        )
    assert one.pools.info["northside_gp"].in_post is None


def test_the_in_post_series_averages_to_the_measured_mean_and_fixed_pools_have_none():
    config = small_place(*WITH_SUPPLY, "run.warm_up=7 days")
    result = simulate(config, 0)
    rows = rows_of(result)
    series = [p for p in time_series(result) if p.measure == "in_post"]
    assert {p.group for p in series} == {"northside_gp", "dn_hca"}
    for pool in ("northside_gp", "dn_hca"):
        values = [p.value for p in series if p.group == pool and p.time >= 7 * HOURS_PER_DAY]
        assert sum(values) / len(values) == pytest.approx(rows[(pool, "in_post_mean")], rel=1e-9)
    assert ("southside_gp", "in_post_mean") not in rows
    # The role's measures take every GP pool: the one that changes and the one that does not.
    assert rows[("gp", "in_post_end")] == rows[("northside_gp", "in_post_end")] + 2
