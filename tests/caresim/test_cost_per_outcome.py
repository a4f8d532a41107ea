"""Cost per outcome avoided: an incremental cost-effectiveness ratio with Fieller's interval."""

import math

import numpy as np
import pandas as pd
import pytest

from caresim.runs.cost_per_outcome import cost_per_outcome, fieller_interval


def _replications(scenario, costs, bed_days, admissions):
    rows = []
    for r, (c, d, a) in enumerate(zip(costs, bed_days, admissions, strict=True)):
        rows += [
            (scenario, r, "system", "all", "total_cost", c),
            (scenario, r, "hospital", "all", "delayed_discharge_bed_days", d),
            (scenario, r, "hospital", "all", "admissions", a),
        ]
    return pd.DataFrame(
        rows, columns=["scenario", "replication", "setting", "group", "measure", "value"]
    )


def test_the_ratio_is_the_extra_cost_over_the_paired_reduction_and_its_interval_covers_it():
    rng = np.random.default_rng(3)
    base_days = rng.normal(4000, 500, 8)
    avoided = rng.normal(400, 40, 8)
    base_cost = rng.normal(2e7, 3e5, 8)
    extra = 300 * avoided + rng.normal(0, 2000, 8)  # £300 a bed-day avoided, and noise
    table = pd.concat(
        [
            _replications("baseline", base_cost, base_days, [4700] * 8),
            _replications("more_places", base_cost + extra, base_days - avoided, [4700] * 8),
        ]
    )
    row = (
        cost_per_outcome(table).set_index("outcome").loc["hospital.all.delayed_discharge_bed_days"]
    )
    assert row["cost_per_outcome"] == pytest.approx(extra.mean() / avoided.mean())
    assert row["ci_low"] < 300 < row["ci_high"]
    assert row["n"] == 8 and row["per"] == "delayed bed-day avoided"
    # No admission was avoided: the ratio has no finite interval.
    admissions = cost_per_outcome(table).set_index("outcome").loc["hospital.all.admissions"]
    assert math.isnan(admissions["ci_low"]) and math.isnan(admissions["ci_high"])


def test_fieller_agrees_with_the_delta_method_when_the_gain_is_precise():
    rng = np.random.default_rng(5)
    gains = rng.normal(1000, 1, 30)  # the denominator nearly without noise
    costs = rng.normal(5e5, 2e4, 30)
    ratio, low, high = fieller_interval(costs, gains)
    half = 2.045 * costs.std(ddof=1) / math.sqrt(30) / gains.mean()  # t(29, 0.975) = 2.045
    assert low == pytest.approx(ratio - half, rel=1e-3)
    assert high == pytest.approx(ratio + half, rel=1e-3)


def test_no_total_cost_means_no_table():
    table = _replications("baseline", [1.0, 2.0], [3.0, 4.0], [5.0, 6.0])
    table = table[table["measure"] != "total_cost"]
    assert cost_per_outcome(table).empty
