"""Experiment files: scenarios and sweeps resolve into configs; bad input is one clear line."""

from textwrap import dedent

import numpy as np
import pytest

from caresim.experiments.files import load_experiment
from caresim.experiments.sweeps import read_quantity
from caresim.sim.units import parse_duration, parse_rate

HEAD = """\
name: staffing
base: ../configs/base.yaml
seed: 3
replications: 2
measures: [system.service.wait_mean]
"""


def test_scenarios_start_from_the_base_and_set_what_they_name(experiment_file):
    path = experiment_file(
        HEAD
        + dedent(
            """\
        set: {run.horizon: 500 hours}
        warm_up: 20 hours
        scenarios:
          four: {staff.servers.headcount: 4}
          slower: {services.service.duration.mean: 70 min}
        """
        )
    )
    experiment = load_experiment(path)
    names = [s.name for s in experiment.scenarios]
    assert names == ["baseline", "four", "slower"]
    baseline, four, slower = experiment.scenarios
    assert (
        four.config.staff["servers"].headcount == 4
        and baseline.config.staff["servers"].headcount == 3
    )
    assert slower.config.services["service"].duration.mean == pytest.approx(70 / 60)
    for scenario in experiment.scenarios:
        run = scenario.config.run
        assert (run.horizon, run.warm_up, run.seed) == (500, 20, 3)
    assert four.overrides == (("staff.servers.headcount", 4),)
    assert experiment.replications == 2 and experiment.seed == 3


def test_a_grid_sweeps_every_combination_with_stable_names(experiment_file):
    path = experiment_file(
        HEAD
        + dedent(
            """\
        sweep:
          kind: grid
          parameters:
            staff.servers.headcount: [3, 4, 5]
            services.service.duration.mean: ["50 min", "1 hour"]
        """
        )
    )
    sweep = load_experiment(path).scenarios[1:]
    assert [s.name for s in sweep] == [f"sweep_00{i}" for i in range(1, 7)]
    points = [(s.config.staff["servers"].headcount, s.overrides[1][1]) for s in sweep]
    assert points == [
        (3, "50 min"),
        (3, "1 hour"),
        (4, "50 min"),
        (4, "1 hour"),
        (5, "50 min"),
        (5, "1 hour"),
    ]


def test_one_at_a_time_moves_one_parameter_and_leaves_the_rest_at_base(experiment_file):
    path = experiment_file(
        HEAD
        + dedent(
            """\
        sweep:
          kind: one_at_a_time
          prefix: oat
          parameters:
            staff.servers.headcount: [4, 5]
            arrivals.patients.rate: ["2 per hour", "3 per hour", "3.3 per hour"]
        """
        )
    )
    sweep = load_experiment(path).scenarios[1:]
    assert [s.name for s in sweep] == ["oat_001", "oat_002", "oat_003", "oat_004", "oat_005"]
    assert all(len(s.overrides) == 1 for s in sweep)
    assert [s.config.staff["servers"].headcount for s in sweep] == [4, 5, 3, 3, 3]
    assert [s.config.arrivals["patients"].rate for s in sweep] == pytest.approx(
        [2.7, 2.7, 2, 3, 3.3]
    )


def lhs_experiment(experiment_file, seed=11, n=8):
    return experiment_file(
        HEAD
        + dedent(
            f"""\
        sweep:
          kind: latin_hypercube
          n: {n}
          seed: {seed}
          parameters:
            staff.servers.headcount: [3, 6]
            services.service.duration.mean: ["40 min", "2 hours"]
            arrivals.patients.rate: ["1 per hour", "72 per day"]
            staff.servers.patient_facing: [0.5, 1]
        """
        )
    )


def test_a_latin_hypercube_uses_every_stratum_of_every_range_once(experiment_file):
    experiment = load_experiment(lhs_experiment(experiment_file, n=8))
    sweep = experiment.scenarios[1:]
    assert len(sweep) == 8 and sweep[0].name == "sweep_001"
    heads, means, rates = [], [], []
    for scenario in sweep:
        values = dict(scenario.overrides)
        heads.append(values["staff.servers.headcount"])
        means.append(parse_duration(values["services.service.duration.mean"]))
        rates.append(parse_rate(values["arrivals.patients.rate"]))
        assert values["services.service.duration.mean"].endswith(" minutes")  # the low end's unit
        assert values["arrivals.patients.rate"].endswith(" per hour")
        assert scenario.config.services["service"].duration.mean == pytest.approx(means[-1])
    assert all(isinstance(h, int) and 3 <= h <= 6 for h in heads)
    shares = [dict(s.overrides)["staff.servers.patient_facing"] for s in sweep]
    assert all(isinstance(x, float) and 0.5 <= x <= 1 for x in shares)
    assert sorted(heads) == [3, 3, 4, 4, 5, 5, 6, 6]  # 8 strata over 4 whole numbers
    for values, low, high in ((means, 40 / 60, 2.0), (rates, 1.0, 3.0)):
        strata = np.floor((np.array(values) - low) / (high - low) * 8).astype(int)
        assert sorted(strata) == list(range(8))


def test_a_latin_hypercube_is_the_same_for_the_same_seed_only(experiment_file):
    first = [s.overrides for s in load_experiment(lhs_experiment(experiment_file)).scenarios]
    again = [s.overrides for s in load_experiment(lhs_experiment(experiment_file)).scenarios]
    other = [s.overrides for s in load_experiment(lhs_experiment(experiment_file, 12)).scenarios]
    assert first == again and first != other


def test_ranges_read_numbers_durations_and_rates():
    assert read_quantity(3).kind == "integer" and read_quantity(0.5).kind == "number"
    duration = read_quantity("2 days")
    assert (duration.kind, duration.base, duration.write(60.0)) == ("duration", 48.0, "2.5 days")
    rate = read_quantity("12 per day")
    assert (rate.kind, rate.base, rate.write(1.0)) == ("rate", 0.5, "24 per day")


def check_one_line(code, out, err, *needles):
    assert code == 2, (code, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            "measure: [system.service.wait_mean]\n",
            ["measure", "unknown key", "did you mean 'measures'"],
        ),
        ("sweep: {kind: griddy, parameters: {a.b: [1]}}\n", ["sweep", "griddy", "grid"]),
        (
            "replications: {initial: 5, max: 3}\n",
            ["replications", "max (3) must be at least initial (5)"],
        ),
        ("replications: {precision: 2}\n", ["replications.precision", "less than 1"]),
        ("replications: many\n", ["replications", "whole number", "mapping"]),
        ("warm_up: soon\n", ["warm_up", "'fixed', 'auto' or a duration"]),
        ("warm_up_estimate: {replications: 3}\n", ["warm_up_estimate", "warm_up: auto"]),
        ("scenarios: {Big: {staff.servers.headcount: 4}}\n", ["scenarios.Big", "lower-case"]),
        ("scenarios: {more: {run.seed: 4}}\n", ["scenarios.more.run.seed", "experiment's 'seed'"]),
        (
            "scenarios: {more: {staff.servers.headcont: 4}}\n",
            ["scenario 'more'", "staff.servers.headcont", "did you mean 'headcount'"],
        ),
        (
            "scenarios: {slow: {services.service.duration.mean: 70}}\n",
            ["scenario 'slow'", "services.service.duration.mean", "with a unit"],
        ),
        (
            "set: {run.horizon: 10 parsecs}\n",
            ["set.run.horizon", "unknown time unit"],
        ),
        (
            "sweep: {kind: grid, parameters: {staff.servers.headcount: [3, -1]}}\n",
            ["sweep.parameters.staff.servers.headcount", "sweep_002", "at least 0"],
        ),
        (
            "sweep: {kind: latin_hypercube, n: 4, parameters: {services.service.duration.mean: [1 hour, 3]}}\n",
            ["sweep.parameters.services.service.duration.mean", "one kind"],
        ),
        (
            "sweep: {kind: latin_hypercube, n: 4, parameters: {staff.servers.headcount: [5, 2]}}\n",
            ["sweep.parameters.staff.servers.headcount", "low < high"],
        ),
        (
            "scenarios: {sweep_001: {}}\nsweep: {kind: grid, parameters: {staff.servers.headcount: [4]}}\n",
            ["sweep.prefix", "sweep_001"],
        ),
    ],
)
def test_a_bad_experiment_is_refused_with_one_line(cli, experiment_file, text, needles):
    head = (
        HEAD
        if not text.startswith(("measure:", "replications:"))
        else HEAD.replace("replications: 2\n", "")
    )
    if text.startswith("measure:"):
        head = head.replace("measures: [system.service.wait_mean]\n", "")
    path = experiment_file(head + text)
    out = path.parent / "out"
    code, stdout, err = cli("experiment", path, "--out", out, "--workers", "1")
    check_one_line(code, stdout, err, str(path), *needles)
    assert not out.exists()


def test_a_missing_base_or_measure_is_named(cli, experiment_file, tmp_path):
    path = experiment_file(HEAD.replace("../configs/base.yaml", "../configs/nowhere.yaml"))
    code, out, err = cli("experiment", path, "--out", tmp_path / "a", "--workers", "1")
    check_one_line(code, out, err, str(path), "base", "nowhere.yaml")
    path = experiment_file(HEAD.replace("system.service.wait_mean", "system.service.wait_maen"))
    code, out, err = cli("experiment", path, "--out", tmp_path / "b", "--workers", "1", "--quiet")
    check_one_line(
        code, out, err, str(path), "measures[0]", "did you mean 'system.service.wait_mean'"
    )
    path = experiment_file(HEAD.replace("system.service.wait_mean", "clinic.service.wait_mean"))
    code, out, err = cli("experiment", path, "--out", tmp_path / "c", "--workers", "1")
    check_one_line(code, out, err, str(path), "measures[0]", "unknown setting 'clinic'")


def test_the_backend_flags_exclude_each_other(cli, experiment_file, tmp_path):
    path = experiment_file(HEAD)
    code, out, err = cli(
        "experiment", path, "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"
    )
    check_one_line(code, out, err, "not allowed with")
