"""The teaching app's logic: each control of each teaching scenario becomes the ``--set`` override
the command line would take, a run in the app is a command-line run, and the comparison and the
trade-off curve say what they should."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from caresim.app import (
    Control,
    Headline,
    admission_sources,
    care_pool,
    chart_images,
    comparison,
    comparison_rows,
    headlines,
    lesson,
    load_scenarios,
    run_scenario,
    scenario_from_file,
    tradeoff_figure,
    tradeoff_pools,
)
from caresim.config.files import ConfigError, load_config
from caresim.runs.stats import t_interval
from caresim.sim.theory import erlang_c
from caresim.sim.units import parse_rate
from tests.conftest import ROOT

TEACHING = ROOT / "configs" / "teaching"
SCENARIO_FILES = sorted(TEACHING.glob("*.yaml"))


def scenario(name: str):
    return scenario_from_file(TEACHING / f"{name}.yaml")


def quick(name: str, days: float, replications: int = 2, **changes: float) -> dict[str, float]:
    """Control values for a short run of a scenario, with some controls changed."""
    chosen = scenario(name)
    values = chosen.defaults()
    values["run.replications"] = replications
    values["run.horizon"] = days
    values.update(changes)
    return values


def moved(control: Control) -> float:
    """A value of the control other than its default, inside its bounds."""
    up = control.default + control.step
    return up if up <= control.maximum else control.default - control.step


def test_every_teaching_file_is_offered_with_its_description_and_lesson():
    scenarios, problems = load_scenarios(TEACHING)
    assert problems == []
    assert [s.stem for s in scenarios] == [path.stem for path in SCENARIO_FILES]
    assert len(scenarios) >= 7
    for found in scenarios:
        assert found.description
        assert found.lesson and found.lesson[0].kind == "text"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_control_of_every_scenario_becomes_an_override_the_config_accepts(path):
    chosen = scenario_from_file(path)
    assert {c.section for c in chosen.controls} >= {"Run"}
    assert any(c.kind in ("headcount", "capacity") for c in chosen.controls)
    assert any(c.kind in ("rate", "demand") for c in chosen.controls)
    for control in chosen.controls:
        values = chosen.defaults()
        values[control.key] = moved(control)
        overrides = control.overrides(values[control.key])
        assert overrides, control.key
        assert set(overrides) <= set(chosen.overrides(values))
        assert chosen.load(values).config.name == load_config(path).config.name


def test_at_their_defaults_only_the_run_length_and_replications_are_overridden():
    for path in SCENARIO_FILES:
        chosen = scenario_from_file(path)
        touched = {override.partition("=")[0] for override in chosen.overrides(chosen.defaults())}
        assert touched <= {"run.replications", "run.horizon"}, path.stem


def test_adding_a_clinician_runs_what_the_command_line_runs(cli, tmp_path):
    chosen = scenario("practice_queue")
    values = quick("practice_queue", 35, **{"staff.clinicians.headcount": 4})
    overrides = chosen.overrides(values)
    assert "staff.clinicians.headcount=4" in overrides
    assert "--set staff.clinicians.headcount=4" in chosen.command(values)

    run = run_scenario(chosen, values)
    command = ["run", chosen.path, "--quiet", "--out", tmp_path / "cli"]
    for override in overrides:
        command += ["--set", override]
    code, _, err = cli(*command)
    assert code == 0, err
    written = pd.read_csv(tmp_path / "cli" / "summary.csv")
    keys = ["setting", "group", "measure"]
    both = run.summary.merge(written, on=keys, suffixes=("_app", "_cli"))
    assert len(both) == len(run.summary) > 10
    assert both["mean_app"].fillna(-1).to_numpy() == pytest.approx(
        both["mean_cli"].fillna(-1).to_numpy(), rel=1e-9
    )


def test_the_calls_a_week_control_sets_the_rate_of_the_arrival_stream():
    chosen = scenario("practice_queue")
    calls = chosen.control("arrivals.calls.rate")
    assert (calls.default, calls.unit) == (750.0, "per week")
    assert calls.overrides(900) == ["arrivals.calls.rate=900 per week"]
    config = chosen.load({**chosen.defaults(), calls.key: 900}).config
    assert config.arrivals["calls"].rate == pytest.approx(900 / 168)


def test_the_task_sharing_share_moves_work_off_gps_and_keeps_the_others_in_proportion():
    chosen = scenario("whole_system")
    sharing = chosen.control("task_sharing.minor_illness")
    assert sharing.default == 65  # gp 0.35 in the baseline
    for shared, gp in ((100, 0.0), (0, 1.0), (40, 0.6)):
        config = chosen.load({**chosen.defaults(), sharing.key: shared}).config
        shares = config.general_practice.activities["minor_illness"].allocation.shares
        assert shares["gp"] == pytest.approx(gp)
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9)
        if shared:  # pharmacists take 0.45 / 0.65 of it, nurses 0.2 / 0.65 (to six decimals)
            assert shares["clinical_pharmacist"] / shares["practice_nurse"] == pytest.approx(
                2.25, rel=1e-4
            )
    keys = {c.key for c in chosen.controls if c.kind == "task_sharing"}
    assert keys == {
        "task_sharing.same_day",
        "task_sharing.minor_illness",
        "task_sharing.medication_review",
    }


def test_task_sharing_from_gps_alone_divides_the_work_evenly_between_the_other_roles():
    control = Control(
        key="task_sharing.x",
        kind="task_sharing",
        section="Task-sharing",
        label="x",
        help="",
        default=0,
        minimum=0,
        maximum=100,
        step=5,
        unchanged=0,
        path="general_practice.activities.x.allocation.shares",
        detail=(("lead", "gp"), ("gp", 1.0), ("practice_nurse", 0.0), ("hca", 0.0)),
    )
    assert control.overrides(50) == [
        "general_practice.activities.x.allocation.shares={gp: 0.5, practice_nurse: 0.25, hca: 0.25}"
    ]


def test_demand_scales_every_rate_through_demand_scale():
    chosen = scenario("whole_system")
    base = chosen.load(chosen.defaults()).config
    more = chosen.load({**chosen.defaults(), "demand": 150}).config
    assert chosen.control("demand").overrides(150) == ["demand.scale=1.5"]
    assert (base.demand.scale, more.demand.scale) == (1.0, 1.5)
    assert more.general_practice == base.general_practice  # the rates as written; the knob scales
    assert chosen.control("demand").overrides(100) == []


def test_admission_avoidance_and_intermediate_care_places_set_their_keys():
    whole = scenario("whole_system")
    avoidance = whole.control("hospital.admission_avoidance.share")
    assert avoidance.overrides(60) == ["hospital.admission_avoidance.share=0.6"]
    config = whole.load({**whole.defaults(), avoidance.key: 60}).config
    assert config.hospital.admission_avoidance.share == 0.6
    sections = {c.key: c.section for c in whole.controls}
    assert {k for k, s in sections.items() if s == "Intermediate care places"} == {
        "beds.ic_home_places.capacity",
        "beds.ic_beds.capacity",
        "beds.d2a_beds.capacity",
    }
    chain = scenario("hospital_ic_chain")
    # The lesson's own "Try:" line, as a control.
    assert chain.control("beds.rehab_beds.capacity").overrides(5) == ["beds.rehab_beds.capacity=5"]
    assert "--set beds.rehab_beds.capacity=5" in next(
        part.text for part in chain.lesson if part.kind == "commands"
    )


def test_scenarios_without_a_care_setting_get_no_care_controls():
    kinds = {c.kind for c in scenario("pooling_siloed").controls}
    assert kinds == {"headcount", "rate", "replications", "horizon"}


def test_a_run_shorter_than_its_warm_up_is_refused_in_one_line():
    chosen = scenario("practice_queue")
    with pytest.raises(ConfigError) as refused:
        chosen.load({**chosen.defaults(), "run.horizon": 3})
    message = str(refused.value)
    assert "run.warm_up" in message and "\n" not in message


def test_the_lesson_is_the_files_opening_comment_with_commands_kept_as_lines():
    parts = lesson(
        "# Pooling: one queue.\n#\n# Two nurses see\n# everyone.\n#\n"
        "# Try:  caresim run a.yaml\n#       caresim run b.yaml\n# Then compare.\nname: x\n# not this\n"
    )
    assert [(p.kind, p.text) for p in parts] == [
        ("text", "Pooling: one queue."),
        ("text", "Two nurses see everyone."),
        ("commands", "Try:  caresim run a.yaml\n      caresim run b.yaml"),
        ("text", "Then compare."),
    ]


def headline(mean: float, low: float, high: float, group: str = "triage") -> Headline:
    return Headline(
        "system", group, "wait_mean", f"wait {group}", "minutes", mean, low, high, "lower"
    )


def replications_of(values: dict[str, list[float]], seed: int = 1) -> pd.DataFrame:
    """replications.csv rows of one run: a wait per replication for each group."""
    rows = [
        ("t", r, "system", group, "step", "wait_mean", "minutes", v)
        for group, these in values.items()
        for r, v in enumerate(these)
    ]
    table = pd.DataFrame(
        rows,
        columns=["scenario", "replication", "setting", "group", "kind", "measure", "unit", "value"],
    )
    table.attrs["seed"] = seed
    return table


def test_the_comparison_judges_a_change_by_paired_differences_on_common_random_numbers():
    # Replication by replication the clinic's wait falls by 1 minute: the runs' own intervals
    # overlap widely, but the paired differences all agree, so the change is beyond chance.
    previous_waits = {"triage": [30, 40, 50, 40], "clinic": [5, 15, 10, 10]}
    current_waits = {"triage": [31, 38, 51, 41], "clinic": [4, 14, 9, 9]}
    previous = [headline(40, 30, 50), headline(10, 5, 15, "clinic"), headline(5, 4, 6, "gone")]
    current = [headline(40.25, 30, 51), headline(9, 4, 14, "clinic"), headline(3, 2, 4, "new")]
    table = comparison(
        current, previous, replications_of(current_waits), replications_of(previous_waits)
    )
    assert table["label"].tolist() == ["wait triage", "wait clinic"]
    assert table["change"].tolist() == [0.25, -1]
    assert table["paired"].all()
    assert table["beyond_chance"].tolist() == [False, True]
    clinic = table.iloc[1]
    assert clinic["change_low"] == pytest.approx(-1) and clinic["change_high"] == pytest.approx(-1)
    rows = comparison_rows(table)
    assert rows.iloc[1].tolist() == [
        "wait clinic",
        "10.0 minutes (5.00 to 15.0 minutes)",
        "9.00 minutes (4.00 to 14.0 minutes)",
        "-1.00 minutes (-1.00 minutes to -1.00 minutes)",
        "yes: a real change",
    ]
    assert rows.iloc[0]["beyond chance?"] == "no: could be chance"
    # Another seed: independent samples, judged by Welch's interval, which is wider.
    unpaired = comparison(
        current, previous, replications_of(current_waits, 2), replications_of(previous_waits)
    )
    assert not unpaired["paired"].any() and unpaired["beyond_chance"].tolist() == [False, False]
    unknown = comparison([headline(3, math.nan, math.nan)], [headline(4, 3, 5)])
    assert unknown["beyond_chance"].tolist() == [None]
    assert comparison_rows(unknown)["beyond chance?"].tolist() == ["–"]


def test_intervals_shown_stay_within_what_a_measure_can_be():
    from caresim.app.headlines import bounded

    assert bounded(-0.4, 3.0, "days") == (0.0, 3.0)
    assert bounded(0.91, 1.277, "proportion") == (0.91, 1.0)
    assert bounded(2.0, 5.0, "patients") == (2.0, 5.0)


def test_the_trade_off_curve_is_erlang_c_at_the_demand_while_the_line_is_open(tmp_path):
    chosen = scenario("practice_queue")
    run = run_scenario(chosen, quick("practice_queue", 35))
    assert tradeoff_pools(run) == ["clinicians"]
    figure = tradeoff_figure(run, "clinicians", tmp_path)
    assert figure.drawn
    theory = figure.data[figure.data["source"] == "theory"].set_index("servers")
    load = float(theory["load"].iloc[0])
    assert load == pytest.approx(2.5, abs=0.1)  # 15 calls an hour while open, 10 minutes each
    assert "rota 'phone_lines'" in figure.caption
    assert theory.loc[3, "probability"] == pytest.approx(erlang_c(3, load))
    marked = figure.data[figure.data["source"] == "simulated"]
    assert set(marked["servers"]) == {3}
    assert set(marked["measure"]) == {"waited_share", "wait_mean"}


def test_staff_on_duty_around_the_clock_carry_the_demand_of_the_whole_run(tmp_path):
    chosen = scenario("variability_random")
    run = run_scenario(chosen, quick("variability_random", 40))
    figure = tradeoff_figure(run, "nurses", tmp_path)
    load = float(figure.data["load"].iloc[0])
    assert load == pytest.approx(7 * 0.25, abs=0.1)  # 7 an hour, 15 minutes each
    assert "Erlang C" in figure.caption and "rota" not in figure.caption


def test_the_trade_off_curve_of_beds_a_care_setting_fills_uses_their_occupancy(tmp_path):
    chosen = scenario("hospital_ic_chain")
    run = run_scenario(chosen, quick("hospital_ic_chain", 180))
    assert tradeoff_pools(run)[0] == "rehab_beds"  # the busiest first
    pool, demand = care_pool(run, "rehab_beds")
    assert pool.capacity == 3 and pool.services == ("bed_based_step_down", "bed_based_step_up")
    occupancy = run.summary.set_index(["group", "measure"]).loc[("rehab_beds", "occupancy_mean")]
    # Little's law: beds busy on average = patients placed per hour x hours each holds a bed.
    assert demand.load == pytest.approx(float(occupancy["mean"]), rel=1e-9)
    assert demand.unit == "days"
    figure = tradeoff_figure(run, "rehab_beds", tmp_path)
    assert figure.drawn
    marked = figure.data[figure.data["source"] == "simulated"]
    assert marked["group"].tolist() == ["bed_based_step_down"]
    assert marked["servers"].tolist() == [3]
    acute, _ = care_pool(run, "acute")
    assert acute.services == ("admission",)


def test_a_whole_system_run_has_a_headline_for_each_setting_and_every_chart():
    chosen = scenario("whole_system")
    run = run_scenario(chosen, quick("whole_system", 42))
    found = {h.key: h for h in headlines(run)}
    for key in (
        ("general_practice", "all", "wait_mean"),
        ("district_nursing", "all", "late_share"),
        ("intermediate_care", "bed_based_step_down", "wait_mean"),
        ("hospital", "admission", "wait_mean"),
        ("hospital", "all", "delayed_discharge_bed_days"),
        ("hospital", "all", "admissions_avoided"),
        ("hospital", "acute", "utilisation"),
    ):
        assert key in found, key
    assert found[("general_practice", "all", "wait_mean")].unit == "days"
    images = chart_images(run)
    assert set(images) == {"waits", "staff", "beds", "queues"}
    assert all(image.png.startswith(b"\x89PNG") for image in images.values())


def test_charts_a_scenario_cannot_have_say_why():
    chosen = scenario("hospital_ic_chain")
    run = run_scenario(chosen, quick("hospital_ic_chain", 60))
    images = chart_images(run)
    assert images["staff"].png is None
    assert images["staff"].skipped == "the scenario has no staff"
    assert images["beds"].png.startswith(b"\x89PNG")


def test_rates_written_per_hour_keep_their_unit_when_scaled():
    chosen = scenario("variability_random")
    patients = chosen.control("arrivals.patients.rate")
    (override,) = patients.overrides(8.5)
    assert override == "arrivals.patients.rate=8.5 per hour"
    assert parse_rate(override.partition("=")[2]) == 8.5


def test_the_comparison_traces_admissions_to_their_source_with_paired_intervals():
    # Offering no one care at home: does the change reach the hospital from A&E, or from GPs?
    chosen = scenario("whole_system")
    before = run_scenario(chosen, quick("whole_system", 35, replications=3))
    after = run_scenario(
        chosen,
        quick("whole_system", 35, replications=3, **{"hospital.admission_avoidance.share": 0}),
    )
    table = comparison(
        [*headlines(after), *admission_sources(after, before)],
        [*headlines(before), *admission_sources(before, after)],
        after.replications,
        before.replications,
    )
    shown = table.set_index("label")
    assert {"Admitted via A&E", "Admitted on a GP's referral", "Readmitted"} <= set(shown.index)
    assert list(shown.index).index("Emergency admissions") < list(shown.index).index(
        "Admitted via A&E"
    )  # after the headlines
    sources = admission_sources(after, before)
    admitted = pd.concat([before.summary, after.summary])
    admitted = admitted[admitted["group"] == "admissions"].groupby("measure")["mean"].max()
    assert {h.measure for h in sources} == set(admitted[admitted > 0].index)  # not the empty ones
    for h in sources:
        row = shown.loc[h.label]
        then, now = (
            run.replications[
                (run.replications["group"] == "admissions")
                & (run.replications["measure"] == h.measure)
            ].set_index("replication")["value"]
            for run in (before, after)
        )
        pairs = (now - then).to_numpy()
        _, low, high, _ = t_interval(pairs)
        assert bool(row["paired"])
        assert row["change"] == pytest.approx(pairs.mean())
        assert (row["change_low"], row["change_high"]) == (pytest.approx(low), pytest.approx(high))
    rows = comparison_rows(table).set_index("measure")
    assert rows.loc["Admitted via A&E", "change (95% interval)"].endswith("patients)")
