"""`occupancy.csv`: the occupancy distribution of every bed pool, and the probability of delay."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from caresim.config.files import load_config
from caresim.runs.occupancy import OCCUPANCY_COLUMNS, OCCUPANCY_MEASURES, summarise_occupancy
from caresim.runs.scenario import simulate_replication
from caresim.sim.theory import erlang_b
from tests.conftest import ROOT

MGINF = ROOT / "configs/validation/mginf_beds.yaml"


@pytest.mark.functional
def test_a_run_writes_the_occupancy_of_every_bed_pool_of_the_baseline(cli, tmp_path):
    out = tmp_path / "baseline"
    code, _, err = cli(
        "run",
        ROOT / "configs/pcn_baseline.yaml",
        "--replications",
        "2",
        "--set",
        "run.warm_up=7 days",
        "--set",
        "run.horizon=28 days",
        "--out",
        out,
    )
    assert code == 0, err
    table = pd.read_csv(out / "occupancy.csv")
    assert list(table.columns) == OCCUPANCY_COLUMNS
    config = load_config(ROOT / "configs/pcn_baseline.yaml").config
    assert set(table["pool"]) == set(config.beds)
    assert set(table["measure"]) == set(OCCUPANCY_MEASURES)
    assert table["n"].max() == 2
    bounded = table.dropna(subset=["ci_low", "ci_high"])
    assert len(bounded) and ((bounded["ci_low"] >= 0) & (bounded["ci_high"] <= 1)).all()
    shares = table[table["measure"] == "time_share"].groupby("pool")["mean"].sum()
    assert shares.to_numpy() == pytest.approx(np.ones(len(shares)))
    # The share of time at each level averages, over levels, to the mean occupancy.
    summary = pd.read_csv(out / "summary.csv")
    occupancy = summary[summary["measure"] == "occupancy_mean"].set_index("group")["mean"]
    at = table[table["measure"] == "time_share"]
    by_levels = (at["beds"] * at["mean"]).groupby(at["pool"]).sum()
    for pool, mean in by_levels.items():
        assert mean == pytest.approx(occupancy[pool], rel=1e-9)


@pytest.fixture(scope="module")
def unconstrained_parts():
    config = load_config(MGINF, ["run.horizon=1500 days"]).config
    frames = [simulate_replication(config, "mginf", r, config.run.seed) for r in range(10)]
    return pd.concat([f.occupancy for f in frames], ignore_index=True)


def test_the_probability_of_delay_of_unconstrained_beds_agrees_with_poisson_theory(
    unconstrained_parts,
):
    # Occupancy of M/G/inf is Poisson(20); P(N = n) / P(N <= n) is then Erlang B at 20 Erlangs.
    # 99% intervals, as the other validation checks, so that the test fails on bias, not chance.
    table = summarise_occupancy(unconstrained_parts, confidence=0.99)
    delay = table[table["measure"] == "delay_probability"].set_index("beds")
    checked = 0
    for beds in range(12, 31):
        row = delay.loc[beds]
        theory = erlang_b(beds, 20.0)
        assert row["ci_low"] <= theory <= row["ci_high"], (beds, theory, row.to_dict())
        checked += 1
    assert checked == 19
    shares = table[table["measure"] == "time_share"].set_index("beds")
    poisson = stats.poisson(20.0)
    for beds in (15, 20, 25):
        assert shares.loc[beds, "ci_low"] <= poisson.pmf(beds) <= shares.loc[beds, "ci_high"]


def test_the_midnight_census_is_a_distribution_over_the_same_levels(unconstrained_parts):
    table = summarise_occupancy(unconstrained_parts)
    midnight = table[table["measure"] == "midnight_share"]
    assert midnight["mean"].sum() == pytest.approx(1.0)
    # Each replication's census counts one midnight a day of the measured window.
    one = unconstrained_parts[unconstrained_parts["replication"] == 0]
    days = 1500 - 60
    counts = one["midnight_share"] * days
    assert np.allclose(counts, np.round(counts))


def test_unconstrained_beds_get_the_simulated_curve_beside_erlang_b(cli, tmp_path):
    out = tmp_path / "mginf"
    assert (
        cli(
            "run",
            MGINF,
            "--replications",
            "4",
            "--set",
            "run.horizon=400 days",
            "--out",
            out,
            "--report",
        )[0]
        == 0
    )
    figures = {p.stem for p in (out / "figures").glob("*.png")}
    assert "beds_needed_audit" in figures
    assert not any(name.startswith("capacity_") for name in figures)  # no theory-only curve
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Beds needed: audit beds" not in html and "Beds needed: audit (beds)" in html


def test_pool_names_say_what_they_count_once():
    from caresim.outputs.plots.common import group_words, pool_words

    assert pool_words("ic_beds", "beds") == "IC beds"
    assert pool_words("ic_home_places", "beds") == "IC home places"
    assert pool_words("riverside_gp", "staff") == "riverside GP (staff)"
    assert group_words("d2a_beds") == "D2A beds"


def test_beds_never_occupied_give_no_beds_needed_curve_but_say_why(tmp_path):
    """Escalation beds that no admission needed in a short run have one point, at no beds: the
    figure says so in place of a curve (it drew an empty, collapsed panel before)."""
    import warnings

    from caresim.outputs.plots.beds_needed import beds_needed
    from caresim.outputs.plots.inputs import Pool

    occupancy = pd.DataFrame(
        {
            "pool": ["escalation", "escalation"],
            "measure": ["delay_probability", "time_share"],
            "beds": [0, 0],
            "mean": [1.0, 1.0],
            "ci_low": [1.0, 1.0],
            "ci_high": [1.0, 1.0],
        }
    )
    pool = Pool("escalation", "beds", 4, "", "", "queue", ("admission",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = beds_needed(occupancy, pool, tmp_path)
    assert figure.skipped == "'escalation' was never occupied in this run"
