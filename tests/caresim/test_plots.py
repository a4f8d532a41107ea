"""Figures draw what the results say: the waits of the event log agree with the measures, bands are
t-intervals across replications, the trade-off curve is Erlang's, a forest plot has one row per
scenario and measure; and a figure whose measure is absent is skipped with its reason."""

from __future__ import annotations

import pandas as pd
import pytest

from caresim.outputs.plots import draw_figures
from caresim.outputs.plots.capacity import capacity_tradeoff
from caresim.outputs.plots.comparison import EVERY_MEASURE, forest_plot, named_forest_plot
from caresim.outputs.plots.inputs import config_pools, service_units, wait_targets
from caresim.outputs.plots.pools import staff_workload
from caresim.outputs.plots.sweeps import heatmaps, sweep_design, tornado
from caresim.outputs.plots.timeseries import band_by_bin, timeseries_figure
from caresim.outputs.plots.waits import event_waits, wait_distribution
from caresim.outputs.results import open_result
from caresim.runs.stats import t_interval
from caresim.sim.theory import erlang_b, erlang_c
from tests.caresim.result_folders import SCENARIOS, experiment_folder, run_folder


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return open_result(run_folder(tmp_path_factory.mktemp("plots"), "--events"))


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return open_result(experiment_folder(tmp_path_factory.mktemp("experiment")))


@pytest.fixture(scope="module")
def experiment_figures(experiment):
    return {f.name: f for f in draw_figures(experiment)}


def test_waits_from_the_event_log_agree_with_each_replications_mean_wait(run):
    waits = event_waits(run.events, run.warm_up_hours)
    table = run.replications
    measured = table[(table["group"] == "triage") & (table["measure"] == "wait_mean")]
    triage = waits[waits["step"] == "triage"]
    assert len(triage) > 1000 and (triage["wait_hours"] >= 0).all()
    for replication, value in zip(measured["replication"], measured["value"], strict=True):
        ours = triage[triage["run_number"] == replication]["wait_hours"].mean()
        assert ours == pytest.approx(value, rel=1e-9)


def test_the_wait_distribution_reports_the_share_within_the_target(run, tmp_path):
    figure = wait_distribution(
        run.events, run.warm_up_hours, {"triage": "hours"}, {"triage": 0.5}, tmp_path
    )
    row = figure.data.set_index("step").loc["triage"]
    waits = event_waits(run.events, run.warm_up_hours)
    expected = (waits[waits["step"] == "triage"]["wait_hours"] <= 0.5).mean()
    assert row["within_target"] == pytest.approx(expected) and 0 < expected < 1
    assert row["patients"] == (waits["step"] == "triage").sum()
    assert figure.png.stat().st_size > 0 and figure.svg.stat().st_size > 0


def test_the_time_series_band_is_the_t_interval_across_replications(run, tmp_path):
    series = run.timeseries[run.timeseries["group"] == "nurses"]
    busy = series[series["measure"] == "busy"]
    band = band_by_bin(busy)
    at = band.iloc[5]
    values = busy[busy["time"] == at["time"]]["value"].to_numpy()
    mean, low, high, n = t_interval(values)
    assert (at["mean"], at["low"], at["high"], at["n"]) == pytest.approx((mean, low, high, n))
    figure = timeseries_figure(
        run.timeseries, ("busy", "occupancy"), "t", "in_use", 336, 48, {"nurses": 2}, tmp_path
    )
    assert set(figure.data["group"]) == {"nurses", "observation"}
    assert "warm-up" in figure.caption


def test_the_trade_off_curve_is_erlangs_at_the_runs_own_demand(run, tmp_path):
    pools = config_pools(run.config())
    units = service_units(run.config())
    means = run.summary.set_index(["group", "measure"])["mean"]
    figure = capacity_tradeoff(run.summary, pools["observation"], run.window_hours, units, tmp_path)
    theory = figure.data[figure.data["source"] == "theory"].set_index("servers")
    load = (
        means[("observe", "arrivals")] / run.window_hours * means[("observe", "service_time_mean")]
    )
    assert theory.loc[3, "probability"] == pytest.approx(erlang_b(3, load))
    simulated = figure.data[figure.data["source"] == "simulated"]
    assert list(simulated["servers"]) == [3] and list(simulated["group"]) == ["observe"]
    assert "Erlang B" in figure.caption

    nurses = capacity_tradeoff(run.summary, pools["nurses"], run.window_hours, units, tmp_path)
    theory = nurses.data[nurses.data["source"] == "theory"].set_index("servers")
    load = means[("triage", "arrivals")] / run.window_hours * means[("triage", "service_time_mean")]
    assert theory.loc[3, "probability"] == pytest.approx(erlang_c(3, load))
    assert "Erlang C" in nurses.caption
    assert "gave up waiting" in nurses.caption  # patience makes theory pessimistic


def test_an_experiment_that_sweeps_a_headcount_draws_the_simulated_curve(experiment_figures):
    curve = experiment_figures["capacity_nurses"].data
    simulated = curve[(curve["source"] == "simulated") & (curve["measure"] == "waited_share")]
    assert sorted(simulated["servers"]) == [2, 3, 4]
    theory = curve[curve["source"] == "theory"].set_index("servers")
    for row in simulated.itertuples():  # the synthetic results are Erlang C itself
        assert row.mean == pytest.approx(theory.loc[row.servers, "probability"])


def test_the_forest_plot_has_one_row_per_scenario_and_measure(experiment, tmp_path):
    comparison = experiment.comparison
    subset = comparison[comparison["measure"].isin(["wait_mean", "utilisation"])]
    subset = subset[subset["mean_difference"].abs() > 0]
    figure = forest_plot(subset, tmp_path)
    assert len(figure.data) == len(subset) == 18  # 6 scenarios change each of the three
    assert set(zip(figure.data["scenario"], figure.data["measure"], strict=True)) == set(
        zip(subset["scenario"], subset["measure"], strict=True)
    )


def test_the_tornado_ranks_the_parameter_that_moves_the_outcome_most_first(experiment, tmp_path):
    design = sweep_design(experiment.scenario_settings, experiment.baseline)
    assert set(design.one_way) == {"staff.nurses.headcount", "beds.observation.capacity"}
    assert len(design.two_way[("beds.observation.capacity", "staff.nurses.headcount")]) == 4
    figure = tornado(experiment.comparison, design, tmp_path)
    widest = figure.data.iloc[-1]  # drawn at the top
    assert widest["parameter"] == "staff.nurses.headcount"
    assert widest["low_value"] == "4" and widest["high_value"] == "2"  # 2 is the baseline


def test_the_heatmap_has_a_cell_per_scenario_of_the_grid(experiment_figures):
    heatmap = experiment_figures["heatmap_beds_observation_capacity_staff_nurses_headcount"]
    system = heatmap.data[heatmap.data["measure"] == "time_in_system_mean"]
    assert len(system) == 9 == len(SCENARIOS)
    response = experiment_figures["response_staff_nurses_headcount"].data
    assert set(response["scenario"]) == {"base", "nurses_3", "nurses_4"}


def test_the_named_measures_are_a_panel_each_with_every_scenario_in_the_same_order(
    experiment, tmp_path
):
    keys = [("general_practice", "triage", "wait_mean"), ("hospital", "observe", "wait_mean")]
    figure = named_forest_plot(experiment.comparison, keys, tmp_path)
    assert figure.drawn and figure.name == "comparison"
    others = [s for s in SCENARIOS if s != "base"]
    for setting, group, measure in keys:
        panel = figure.data[(figure.data["group"] == group) & (figure.data["setting"] == setting)]
        assert panel["scenario"].tolist() == others  # the observation wait is 0: shown all the same
        assert (panel["measure"] == measure).all()
    every = forest_plot(experiment.comparison, tmp_path, EVERY_MEASURE)
    assert every.title == "Every measure against the baseline"
    assert set(every.data["measure"]) > {"wait_mean"}
    missing = named_forest_plot(experiment.comparison, [("system", "all", "no_such")], tmp_path)
    assert not missing.drawn and "names" in missing.skipped


def test_two_parameters_that_always_change_together_get_no_heatmap(experiment, tmp_path):
    # Nurses and beds rise in step (3 and 4, then 4 and 5): a diagonal, not a grid to read.
    together = {"base": (2, 3), "nurses_3_beds_4": (3, 4), "nurses_4_beds_5": (4, 5)}
    rows = [
        (scenario, parameter, str(value))
        for scenario, values in together.items()
        for parameter, value in zip(
            ("staff.nurses.headcount", "beds.observation.capacity"), values, strict=True
        )
    ]
    scenarios = pd.DataFrame(rows, columns=["scenario", "parameter", "value"])
    design = sweep_design(scenarios, "base")
    assert len(design.two_way[("beds.observation.capacity", "staff.nurses.headcount")]) == 2
    (figure,) = heatmaps(experiment.summary, design, tmp_path)
    assert not figure.drawn and "change together" in figure.skipped
    assert list(tmp_path.iterdir()) == []


def test_a_figure_whose_measure_is_absent_is_skipped_with_the_reason(run, tmp_path):
    without_staff = run.summary[run.summary["measure"] != "busy_mean"]
    figure = staff_workload(without_staff, {}, tmp_path)
    assert not figure.drawn and "busy_mean" in figure.skipped
    assert list(tmp_path.iterdir()) == []
    empty = timeseries_figure(
        run.timeseries.iloc[0:0], ("busy",), "t", "in_use", 336, 48, {}, tmp_path
    )
    assert not empty.drawn and "timeseries.parquet" in empty.skipped


def test_targets_come_from_the_config_or_are_given(run):
    config = {
        **run.config(),
        "services": {
            **run.config()["services"],
            "observe": {**run.config()["services"]["observe"], "target": "1 hour"},
            "triage": {**run.config()["services"]["triage"], "target": {"wait": "2 hours"}},
        },
    }
    assert wait_targets(config) == {"observe": 1.0, "triage": 2.0}
    assert wait_targets(config, {"triage": "30 min"}) == {"observe": 1.0, "triage": 0.5}
    assert wait_targets(run.config()) == {}


def test_figures_are_the_same_files_for_the_same_results(run, tmp_path):
    pools = config_pools(run.config())
    units = service_units(run.config())
    for folder in ("a", "b"):
        staff_workload(run.summary, pools, tmp_path / folder)
        capacity_tradeoff(run.summary, pools["nurses"], run.window_hours, units, tmp_path / folder)
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(written) == 4
    for name in written:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
