"""Bad input gets one clear line naming the file, the key path and what was expected."""

import pytest

from tests.conftest import ROOT

MM3 = ROOT / "configs/validation/mm3.yaml"

GOOD = """\
name: clinic
run:
  horizon: 100 hours
  replications: 2
staff:
  gp:
    headcount: 2
services:
  clinic:
    uses: gp
    duration: {distribution: exponential, mean: 10 min}
    next: {exit: 1.0}
arrivals:
  patients:
    rate: 5 per hour
    to: clinic
"""


def check_one_line_error(code, out, err, *needles):
    assert code != 0
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        # a mistyped key, with a suggestion
        ("    headcount: 2", "    headcont: 2", ["staff.gp.headcont", "unknown key", "headcount"]),
        # a negative duration
        ("mean: 10 min", "mean: -10 min", ["services.clinic.duration.mean", "negative"]),
        # a duration without a unit
        ("mean: 10 min", "mean: 10", ["services.clinic.duration.mean", "with a unit", "got 10"]),
        # a probability outside [0, 1]
        ("next: {exit: 1.0}", "next: {exit: 1.5}", ["services.clinic.next.exit", "at most 1"]),
        # routing shares that do not sum to 1
        (
            "next: {exit: 1.0}",
            "next: {exit: 0.5, clinic: 0.3}",
            ["services.clinic.next", "sum to 1", "0.8"],
        ),
        # a reference to a pool that does not exist
        ("    uses: gp", "    uses: gps", ["services.clinic.uses", "unknown pool 'gps'", "'gp'"]),
        # an unknown distribution
        ("distribution: exponential", "distribution: expo", ["services.clinic.duration", "expo"]),
        # a missing required key
        ("    rate: 5 per hour\n", "", ["arrivals.patients.rate", "missing"]),
        # a count that is not a whole number
        ("headcount: 2", "headcount: two", ["staff.gp.headcount", "whole number", "'two'"]),
        # a rate without a unit
        ("rate: 5 per hour", "rate: 5", ["arrivals.patients.rate", "rate with a unit"]),
        # warm-up longer than the run
        ("  horizon: 100 hours", "  horizon: 100 hours\n  warm_up: 200 hours", ["run", "warm_up"]),
    ],
)
def test_a_bad_config_is_refused_with_one_line(cli, write_config, old, new, needles):
    assert old in GOOD
    path = write_config(GOOD.replace(old, new))
    code, out, err = cli("validate", path)
    check_one_line_error(code, out, err, str(path), *needles)
    code, out, err = cli("run", path, "--out", path.parent / "out")
    check_one_line_error(code, out, err, str(path), *needles)
    assert not (path.parent / "out").exists()


def test_the_good_config_validates(cli, write_config):
    code, out, err = cli("validate", write_config(GOOD))
    assert code == 0 and err == ""
    assert out.count("\n") == 1 and "valid" in out


def test_a_missing_file_is_named(cli, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    check_one_line_error(*cli("validate", missing), str(missing), "no such file")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("name: [unclosed\n", "malformed YAML"),
        ("name: a\nname: b\n", "given twice"),
        ("- just\n- a list\n", "mapping"),
        ("", "empty"),
        ("name: x\n\trun: {}\n", "malformed YAML"),
    ],
)
def test_malformed_yaml_is_named_with_its_place(cli, write_config, text, needle):
    path = write_config(text)
    check_one_line_error(*cli("validate", path), str(path), needle)


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ("staff.gp.headcont=3", ["--set staff.gp.headcont", "unknown key", "headcount"]),
        ("stuff.gp.headcount=3", ["--set stuff.gp.headcount", "unknown key 'stuff'"]),
        ("staff.gp.headcount=-1", ["--set", "staff.gp.headcount", "at least 0"]),
        ("run.horizon=100", ["--set", "run.horizon", "with a unit"]),
        ("staff.gp.headcount", ["--set", "KEY.PATH=VALUE"]),
        ("services.clinic.duration.mean.x=1", ["--set", "not a mapping"]),
    ],
)
def test_a_bad_override_is_refused_with_one_line(cli, write_config, override, needles):
    path = write_config(GOOD)
    check_one_line_error(*cli("run", path, "--set", override, "--out", path.parent / "o"), *needles)


def test_a_good_override_applies(cli, write_config):
    path = write_config(GOOD)
    code, out, _ = cli(
        "validate", path, "--set", "run.replications=7", "--set", "staff.gp.rota=24/7"
    )
    assert code == 0 and "7 replications" in out


def test_an_extending_config_names_the_file_that_holds_the_error(cli, write_config):
    base = write_config(GOOD, "base.yaml")
    child = write_config("extends: base.yaml\nstaff:\n  gp:\n    headcount: -3\n", "child.yaml")
    line = check_one_line_error(*cli("validate", child), "staff.gp.headcount")
    assert line.startswith(f"caresim: error: {child}:")
    code, out, _ = cli("validate", write_config("extends: base.yaml\nname: child\n", "ok.yaml"))
    assert code == 0 and "'child'" in out
    loop = write_config("extends: loop.yaml\nname: x\n", "loop.yaml")
    check_one_line_error(*cli("validate", loop), "loop")
    assert base.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", MM3, "--replications", "0"],
        ["run", MM3, "--replications", "many"],
        ["run", MM3, "--seed", "-4"],
        ["launch", MM3],
        ["run"],
    ],
)
def test_bad_command_lines_are_one_line_errors(cli, args):
    code, out, err = cli(*args)
    check_one_line_error(code, out, err)
