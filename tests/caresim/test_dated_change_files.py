"""Dated changes across files: ``extends`` adds to the base's timeline, an override that drops
some of it says so, and a change past the horizon names what made it so."""

from __future__ import annotations

import json

import yaml

from caresim.config.files import load_config, replaced_changes
from caresim.experiments.files import load_experiment
from caresim.experiments.summary import scenarios_text
from tests.conftest import queue_document

OPEN = {"at": "30 days", "beds": {"servers": 3}}
MORE = {"at": "60 days", "beds": {"servers": 4}}


def _base(tmp_path, changes=(OPEN,)):
    document = queue_document(
        rate="1 per hour",
        duration={"distribution": "exponential", "mean": "1 hour"},
        servers=2,
        horizon="90 days",
        kind="beds",
    )
    document["changes"] = list(changes)
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_a_file_that_extends_another_adds_its_dated_changes_to_the_base(tmp_path):
    _base(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nchanges:\n  - {at: 60 days, beds: {servers: 4}}\n")
    loaded = load_config(child)
    assert loaded.document["changes"] == [OPEN, MORE]
    assert [change.at for change in loaded.config.changes] == [30 * 24, 60 * 24]


def test_replace_before_a_list_of_changes_replaces_the_base_s(tmp_path):
    _base(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: base.yaml\nchanges: !replace\n  - {at: 60 days, beds: {servers: 4}}\n"
    )
    loaded = load_config(child)
    assert loaded.document["changes"] == [MORE]
    assert type(loaded.document["changes"]) is list  # the mark is not kept in the document


def test_setting_changes_on_the_command_line_warns_of_the_changes_it_drops(tmp_path, caplog):
    base = _base(tmp_path, [OPEN, MORE])
    load_config(base, ["changes=[{at: 45 days, beds: {servers: 5}}]"])
    assert "--set changes: replaces the 2 dated changes at 30 days, 60 days" in caplog.text
    caplog.clear()
    load_config(
        base,
        [
            "changes=[{at: 30 days, beds: {servers: 3}}, {at: 60 days, beds: {servers: 4}}, {at: 80 days, beds: {servers: 1}}]"
        ],
    )
    assert caplog.text == ""  # every change kept: nothing to say


def test_replaced_changes_names_only_those_dropped():
    assert replaced_changes([OPEN, MORE], [MORE]) == "the dated change at 30 days"
    assert replaced_changes([OPEN], [OPEN, MORE]) is None
    assert replaced_changes(None, [MORE]) is None


def _experiment(tmp_path, text: str):
    _base(tmp_path)
    path = tmp_path / "experiment.yaml"
    path.write_text(
        "base: base.yaml\nreplications: 2\nmeasures: [system.servers.utilisation]\n" + text
    )
    return path


def test_an_experiment_warns_once_of_a_scenario_that_drops_the_base_s_changes(tmp_path, caplog):
    path = _experiment(
        tmp_path,
        "scenarios:\n  later: {changes: [{at: 60 days, beds: {servers: 4}}]}\n"
        "  kept: {changes: [{at: 30 days, beds: {servers: 3}}, {at: 60 days, beds: {servers: 4}}]}\n",
    )
    load_experiment(path)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"{path}: scenario 'later': changes: replaces the dated change at 30 days of the "
        "baseline; list them too to keep them"
    ]


def test_the_experiment_s_set_is_shown_as_what_the_baseline_sets(tmp_path):
    path = _experiment(
        tmp_path, "set:\n  run.horizon: 80 days\nscenarios:\n  more: {beds.servers.capacity: 3}\n"
    )
    text = scenarios_text(load_experiment(path))
    assert "baseline  the experiment's set: run.horizon=80 days" in text
    assert "as it is" not in text
    assert "(every scenario also sets run.horizon=80 days)" in text
    plain = _experiment(tmp_path, "scenarios:\n  more: {beds.servers.capacity: 3}\n")
    assert "nothing: " in scenarios_text(load_experiment(plain))


def test_a_change_past_a_horizon_the_experiment_sets_is_blamed_on_its_set(tmp_path, cli):
    path = _experiment(
        tmp_path, "set:\n  run.horizon: 20 days\nscenarios:\n  more: {beds.servers.capacity: 3}\n"
    )
    code, _, err = cli("experiment", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.strip() == (
        f"caresim: error: {path}: set.run.horizon: changes[0].at: expected a time after the start "
        "and before the horizon (run.horizon: 20 days), got 30 days"
    )


def test_the_manifest_says_what_the_experiment_set(tmp_path, cli):
    path = _experiment(
        tmp_path, "set:\n  run.horizon: 40 days\nscenarios:\n  more: {beds.servers.capacity: 3}\n"
    )
    out = tmp_path / "out"
    assert cli("experiment", str(path), "--out", str(out), "--quiet")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["set"] == {"run.horizon": "40 days"}
    assert cli("report", str(out))[0] == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Every scenario, the baseline included, sets: run.horizon=40 days." in page


def test_an_extended_folder_s_manifest_names_the_experiment_file_that_extended_it(tmp_path, cli):
    path = _experiment(tmp_path, "scenarios:\n  more: {beds.servers.capacity: 3}\n")
    out = tmp_path / "out"
    assert cli("experiment", str(path), "--out", str(out), "--quiet")[0] == 0
    other = tmp_path / "more_replications.yaml"
    other.write_text(path.read_text().replace("replications: 2", "replications: 3"))
    assert cli("experiment", str(other), "--out", str(out), "--quiet")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment_file"] == str(other)
    assert manifest["experiment_document"]["replications"] == 3


def test_a_bad_dated_change_is_blamed_on_the_file_or_set_that_gave_it(tmp_path, cli):
    base = _base(tmp_path, [{"at": "30 days", "beds": {"wards": 3}}])
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nchanges:\n  - {at: 60 days, beds: {servers: 4}}\n")
    assert f"{base}: changes[0].beds.wards: unknown bed pool 'wards'" in cli("validate", child)[2]
    base.write_text(base.read_text().replace("wards", "servers"))
    child.write_text(child.read_text().replace("beds:", "bedz:"))
    assert (
        f"{child}: changes[1].bedz (its own changes[0], after the 1 it extends): unknown key"
        in (cli("validate", child)[2])
    )
    given = cli("validate", child, "--set", "changes=[{at: 10 days, beds: {wards: 1}}]")[2]
    assert f"{child}: --set changes[0].beds.wards: unknown bed pool 'wards'" in given


def test_a_change_listed_again_under_extends_is_refused_with_the_way_to_replace(tmp_path, cli):
    _base(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nchanges:\n  - {at: 30 days, beds: {servers: 3}}\n")
    code, _, err = cli("validate", child)
    assert code == 2
    assert "changes 0 and 1 both set 'beds.servers' at the same time" in err
    assert "the two are the same change" in err and "changes: !replace [...]" in err


def test_a_bad_change_is_also_numbered_as_its_own_file_numbers_it(tmp_path, cli):
    _base(tmp_path, [OPEN, MORE])
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nchanges:\n  - {at: 70 days, beds: {servers: -1}}\n")
    err = cli("validate", child)[2]
    assert f"{child}: changes[2].beds.servers (its own changes[0], after the 2 it extends): " in err


def test_changes_left_empty_under_extends_is_refused_with_the_way_to_clear_them(tmp_path, cli):
    _base(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nchanges:\n")
    code, _, err = cli("validate", child)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{child}: changes: expected a list, got an empty value" in err
    assert "changes: !replace [] clears the base file's" in err


def test_replace_before_an_empty_list_clears_the_base_s_changes(tmp_path):
    _base(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nchanges: !replace []\n")
    assert load_config(child).config.changes == []


def test_a_number_left_empty_says_it_was_empty(tmp_path, cli):
    _base(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nrun:\n  replications:\n")
    err = cli("validate", child)[2]
    assert f"{child}: run.replications: expected a whole number, got an empty value" in err
