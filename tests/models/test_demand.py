"""Demand in one knob and plain numbers: ``demand.scale`` multiplies every rate, and numbers may
carry thousands separators."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from caresim.config.files import ConfigError, load_config
from caresim.config.reading import read_yaml_text
from caresim.runs.scenario import replication_frames
from caresim.runs.stats import t_interval
from tests.conftest import ROOT

WHOLE_SYSTEM = ROOT / "configs/teaching/whole_system.yaml"
PRACTICE_QUEUE = ROOT / "configs/teaching/practice_queue.yaml"
REPLICATIONS = 5
#: The small place, with referrals to district nursing from sources not modelled, so that every
#: kind of rate a care system has is in it.
CARE_SYSTEM = (
    "run.warm_up=14 days",
    "run.horizon=91 days",
    "district_nursing.referrals={frail_older: 1 per year, long_term_condition: 0.2 per year, general: 0.02 per year}",
)
SERVICES = ("run.warm_up=7 days", "run.horizon=150 days")


@functools.cache
def _runs(path, overrides: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The replications of a config, run once for every test here: their measures (long format),
    and the new patients of each pathway (arrival stream) in each, from the event log."""
    config = load_config(path, list(overrides)).config
    measures, counts = [], []
    for replication in range(REPLICATIONS):
        frame, events = replication_frames(
            config, config.name, replication, config.run.seed, events=True
        )
        measures.append(frame)
        arrived = events[events["event"] == "arrival"]
        counts.append(arrived.groupby("pathway").size().rename(replication))
    return pd.concat(measures, ignore_index=True), pd.concat(counts, axis=1).fillna(0)


def _arrivals(path, overrides: tuple[str, ...]) -> pd.DataFrame:
    """New patients of each pathway (a row) in each replication (a column)."""
    return _runs(path, overrides)[1]


@pytest.mark.functional
@pytest.mark.parametrize(
    ("path", "base", "pathway"),
    [
        (WHOLE_SYSTEM, CARE_SYSTEM, "general_practice_request"),  # activities
        (WHOLE_SYSTEM, CARE_SYSTEM, "emergency_attendance"),  # attendances
        (WHOLE_SYSTEM, CARE_SYSTEM, "community_referral"),  # district nursing referrals
        (PRACTICE_QUEUE, SERVICES, "calls"),  # an arrival stream
    ],
)
def test_demand_scale_raises_every_arrival_count_by_a_tenth(path, base, pathway):
    """Arrivals of each stream the config gives a rate, paired on the same seeds; a 99% interval
    of the ratio, as the checks against theory use, so that the test fails on bias, not chance."""
    before = _arrivals(path, base).loc[pathway].to_numpy()
    after = _arrivals(path, (*base, "demand.scale=1.1")).loc[pathway].to_numpy()
    assert before.min() > 100  # enough arrivals for a ratio to mean something
    mean, low, high, _n = t_interval(after / before, 0.99)
    assert low <= 1.1 <= high, (mean, low, high)
    assert low > 1.0, (mean, low, high)  # raised beyond chance


@pytest.mark.functional
def test_more_demand_reaches_every_setting():
    """What follows the arrivals grows too: general practice requests, emergency attendances
    (from the population and from patients who found no appointment), district nursing visits."""
    for setting, group, measure in (
        ("general_practice", "all", "arrivals"),
        ("hospital", "emergency_department", "attendances"),
        ("district_nursing", "all", "arrivals"),
    ):
        before = _measure(CARE_SYSTEM, setting, group, measure)
        after = _measure((*CARE_SYSTEM, "demand.scale=1.1"), setting, group, measure)
        mean, low, high, _n = t_interval(after / before, 0.95)
        assert low > 1.0, (setting, group, measure, mean, low, high)


def _measure(overrides, setting, group, measure):
    table = _runs(WHOLE_SYSTEM, tuple(overrides))[0]
    rows = table[
        (table["setting"] == setting) & (table["group"] == group) & (table["measure"] == measure)
    ]
    assert len(rows) == REPLICATIONS
    return rows.sort_values("replication")["value"].to_numpy()


def test_demand_scale_is_one_unless_given_and_must_be_above_zero():
    assert load_config(PRACTICE_QUEUE).config.demand.scale == 1.0
    assert load_config(PRACTICE_QUEUE, ["demand.scale=1.1"]).config.demand.scale == 1.1
    with pytest.raises(ConfigError, match=r"demand\.scale"):
        load_config(PRACTICE_QUEUE, ["demand.scale=0"])


def test_numbers_may_carry_thousands_separators(tmp_path):
    path = tmp_path / "place.yaml"
    path.write_text(
        f"extends: {WHOLE_SYSTEM.as_posix()}\n"
        "population:\n"
        "  practices: !replace\n"
        "    northside:\n"
        "      registered: 12,000\n"  # YAML reads this as text; in a {flow} mapping, quote it
        "    southside: {registered: '9,500'}\n"
        "beds:\n"
        "  acute:\n"
        "    capacity: 1,200\n"
        "general_practice:\n"
        "  activities:\n"
        "    same_day: {rate: {general: '1,450 per fortnight'}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError):  # 'fortnight' is not a unit: the rate stays checked
        load_config(path)
    path.write_text(path.read_text().replace("per fortnight", "per year"), encoding="utf-8")
    config = load_config(path).config
    assert config.population.practices["northside"].registered == 12_000
    assert config.population.practices["southside"].registered == 9_500
    assert config.beds["acute"].capacity == 1_200
    assert config.general_practice.activities["same_day"].rate["general"] * 8760 == pytest.approx(
        1450
    )


@pytest.mark.parametrize("text", ["12,00", "1,2345", ",120", "12.000,5"])
def test_a_misplaced_separator_is_an_error_naming_the_key(text):
    with pytest.raises(ConfigError, match=r"staff\.clinicians\.headcount"):
        load_config(PRACTICE_QUEUE, [f"staff.clinicians.headcount={text}"])


def test_demand_grows_at_its_own_rate_in_each_cohort():
    """Frail older patients' requests grow 30% a year, everyone else's not at all."""
    from caresim.config.files import validate_document
    from caresim.models.model import simulate
    from caresim.sim.measures import LogView
    from tests.models.test_general_practice import FIXED, practice

    document = practice(
        {"roles": {"gp": FIXED(10)}, "rate": {"frail": "4 per year", "general": "4 per year"}},
    )
    document["population"]["cohorts"] = {"frail": 0.5, "general": 0.5}
    document["population"]["demand_growth"] = {"frail": 0.3}
    document["population"]["practices"]["only"]["registered"] = 4000
    document["run"].update(horizon="730 days", warm_up="0 days")
    result = simulate(validate_document(document), 0, seed=3)
    view = LogView(result.log)
    asked, arrived = view.arrivals()
    cohort = view.attribute("cohort")[asked]
    second_year = arrived >= 365 * 24
    for code, growth in ((0, 1.3), (1, 1.0)):
        mine = cohort == code
        ratio = np.sum(mine & second_year) / np.sum(mine & ~second_year)
        assert ratio == pytest.approx(growth, rel=0.06)


def test_growth_by_cohort_names_a_cohort_of_the_population(cli):
    from tests.caresim.test_bad_input import check_one_line_error

    check_one_line_error(
        *cli(
            "validate",
            ROOT / "configs/pcn_baseline.yaml",
            "--set",
            "population.demand_growth={students: 0.1}",
        ),
        "population.demand_growth.students",
        "unknown cohort",
    )


@pytest.mark.parametrize(
    ("text", "per_year"),
    [("1,800 per 1,000 years", 1.8), ("1 per 1,000 days", 0.365), ("every 1,000 days", 0.365)],
)
def test_every_number_of_a_rate_may_carry_separators(text, per_year):
    config = load_config(PRACTICE_QUEUE, [f"arrivals.calls.rate={text}"]).config
    assert config.arrivals["calls"].rate * 8760 == pytest.approx(per_year)


def test_a_refused_rate_is_quoted_as_written():
    with pytest.raises(ConfigError, match=r"got '1,800 per 1,000 fortnights'"):
        load_config(PRACTICE_QUEUE, ["arrivals.calls.rate=1,800 per 1,000 fortnights"])


@pytest.mark.parametrize(
    ("text", "number"), [("1e4", 10_000), ("1.24e4", 12_400), ("1.5e+2", 150), ("12", 12)]
)
def test_numbers_in_scientific_notation_are_numbers_not_text(text, number):
    loaded = load_config(WHOLE_SYSTEM, [f"population.practices.northside.registered={text}"])
    assert loaded.config.population.practices["northside"].registered == number
    assert read_yaml_text(f"value: {text}", "x")["value"] == number
    assert read_yaml_text(f"value: '{text}'", "x")["value"] == text  # quoted, it is text
