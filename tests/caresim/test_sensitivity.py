"""Ranking uncertain inputs by influence, on designs where the answer is known."""

import numpy as np
import pandas as pd
import pytest

from caresim.experiments.sensitivity import input_values, sensitivity


def design(n=30, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.permutation(np.linspace(1, 10, n))
    b = rng.permutation(np.linspace(0, 1, n))
    c = rng.permutation(np.linspace(2, 6, n))
    names = [f"sweep_{i:03d}" for i in range(1, n + 1)]
    scenarios = pd.DataFrame(
        [(s, "staff.gp.headcount", f"{x:g}") for s, x in zip(names, a, strict=True)]
        + [(s, "hospital.readmission.share", f"{x:g}") for s, x in zip(names, b, strict=True)]
        + [(s, "services.x.duration.mean", f"{x:g} days") for s, x in zip(names, c, strict=True)],
        columns=["scenario", "parameter", "value"],
    )
    return names, a, b, c, scenarios, rng


def summary_of(names, y):
    return pd.DataFrame(
        {"scenario": names, "setting": "hospital", "group": "all", "measure": "outcome", "mean": y}
    )


def test_inputs_with_units_are_read_as_numbers():
    names, a, b, c, scenarios, _ = design(5)
    values = input_values(scenarios)
    assert values.loc["sweep_001", "services.x.duration.mean"] == pytest.approx(c[0] * 24, rel=1e-5)


def test_a_linear_outcome_ranks_its_inputs_by_effect_size():
    names, a, b, c, scenarios, rng = design()
    y = (
        -3.0 * (a - a.mean()) / a.std()
        + 1.0 * (b - b.mean()) / b.std()
        + rng.normal(0, 0.05, len(a))
    )
    table = sensitivity(summary_of(names, y), scenarios, ["hospital.all.outcome"]).set_index(
        "parameter"
    )
    assert table.loc["staff.gp.headcount", "rank"] == 1
    assert table.loc["hospital.readmission.share", "rank"] == 2
    assert table.loc["services.x.duration.mean", "rank"] == 3
    assert table.loc["staff.gp.headcount", "src"] == pytest.approx(-3 / np.sqrt(10), abs=0.05)
    assert table["r_squared"].iloc[0] > 0.99
    assert table.loc["staff.gp.headcount", "spearman"] < -0.9


def test_a_monotone_but_curved_outcome_is_ranked_by_rank_correlation():
    names, a, b, c, scenarios, rng = design()
    y = np.exp(2.5 * b) + rng.normal(0, 0.01, len(b)) + 0.02 * a
    table = sensitivity(summary_of(names, y), scenarios, ["hospital.all.outcome"]).set_index(
        "parameter"
    )
    assert table.loc["hospital.readmission.share", "rank"] == 1
    assert table.loc["hospital.readmission.share", "spearman"] > 0.95


def test_too_few_points_give_no_ranking():
    names, a, b, c, scenarios, _ = design(4)
    assert sensitivity(summary_of(names, a), scenarios, ["hospital.all.outcome"]).empty


def test_inputs_keep_distinct_names_in_the_figure():
    from caresim.outputs.plots.sweeps import unique_words

    names = unique_words(
        [
            "intermediate_care.home_based.length_of_stay.mean",
            "intermediate_care.bed_based.length_of_stay.mean",
            "hospital.readmission.share",
        ]
    )
    assert len(set(names.values())) == 3
    assert (
        names["intermediate_care.home_based.length_of_stay.mean"]
        == "home based length of stay mean"
    )


def test_each_coefficient_has_a_bootstrap_interval_around_it():
    names, a, b, c, scenarios, rng = design()
    y = -3.0 * (a - a.mean()) / a.std() + rng.normal(0, 0.5, len(a))
    table = sensitivity(summary_of(names, y), scenarios, ["hospital.all.outcome"]).set_index(
        "parameter"
    )
    gp = table.loc["staff.gp.headcount"]
    assert gp["src_ci_low"] < gp["src"] < gp["src_ci_high"] < 0  # clearly matters
    assert gp["spearman_ci_low"] <= gp["spearman"] <= gp["spearman_ci_high"]
    noise = table.loc["services.x.duration.mean"]
    assert noise["src_ci_low"] < 0 < noise["src_ci_high"]  # may not matter at all
    assert set(table["ranked_by"]) == {"src"}


def test_a_named_scenario_beside_the_latin_hypercube_keeps_the_ranking(cli, write_config, tmp_path):
    from tests.conftest import ROOT

    experiment = write_config(
        f"""\
        name: precision_small
        base: {ROOT / "configs/validation/mm3.yaml"}
        set:
          run.horizon: 1500 hours
        seed: 7
        replications: 2
        measures: [system.clinic.wait_mean]
        scenarios:
          staff_4: {{staff.clinicians.headcount: 4}}
        sweep:
          kind: latin_hypercube
          n: 5
          seed: 3
          parameters:
            services.clinic.duration.mean: ["40 min", "55 min"]
            arrivals.patients.rate: ["2.4 per hour", "3 per hour"]
        """,
        "precision.yaml",
    )
    out = tmp_path / "out"
    code, stdout, stderr = cli("experiment", experiment, "--out", out, "--workers", "1")
    assert code == 0, stderr
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["parameter"]) == {"services.clinic.duration.mean", "arrivals.patients.rate"}
    assert (table["points"] == 5).all()
    assert "what moves system.clinic.wait_mean most" in stdout
