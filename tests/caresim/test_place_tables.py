"""The tables of ``caresim place`` say exactly what they mean, or are refused in one line naming
the file, the row and the column: role names from a vocabulary, age bands covering every age, one
name for each network, networks named in SERVES case aside, FTE within reason."""

from __future__ import annotations

import csv
import re

import pytest

from caresim.config.files import load_config
from caresim.place import build_place, read_tables, roles, write_place
from tests.caresim.test_place import EXAMPLE, _rewrite, _tables, _two_trusts
from tests.conftest import ROOT


def _refused(cli, tables, tmp_path, *needles):
    """``caresim place`` refuses the tables in one line holding each of ``needles``."""
    code, _out, err = cli("place", tables, "--out", tmp_path / "x.yaml")
    assert code == 2 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


def _built(tables, tmp_path, name="built"):
    out = write_place(build_place(read_tables(tables)), tmp_path / f"{name}.yaml")
    return load_config(out).config, out.read_text(encoding="utf-8")


def _set_role(old, new, table="workforce.csv", column="STAFF_ROLE"):
    def change(row):
        if row[column] == old:
            row[column] = new

    return table, change


# Roles: exact names of a vocabulary, not words in them.


@pytest.mark.parametrize(
    ("group", "role", "expected"),
    [
        ("Direct Patient Care", "GP Assistant", None),  # not a GP
        ("Direct Patient Care", "General Practice Assistant", None),
        ("Direct Patient Care", "Nursing Associate", None),
        ("Admin/Non-Clinical", "Medical Secretaries", None),  # plural of 'ies'
        ("GP", "GPs", "gp"),  # a plural of a known name
        ("Nurses", "Practice Nurses", "practice_nurse"),
        ("Direct Patient Care", "HCAs", "hca"),
        ("Direct Patient Care", "Physician Associates", "advanced_practitioner"),
        ("nurses", "  practice  NURSE ", "practice_nurse"),  # case and spaces aside
        ("GP", "", "gp"),  # a GP row naming no role
        ("Nurses", "", "practice_nurse"),
        ("Admin/Non-Clinical", "", None),
        ("", "Salaried GP", "gp"),  # the role decides where the group is blank
    ],
)
def test_roles_are_matched_by_their_whole_names(group, role, expected):
    assert roles.care_role(group, role) == expected


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            _set_role("Receptionist", "Advanced Receptionist"),
            [
                "workforce.csv: row 6: STAFF_ROLE: unknown role 'Advanced Receptionist'; "
                "did you mean 'Receptionist'"
            ],
        ),
        (
            _set_role("GP Partner", "GP Partnr"),
            [
                "workforce.csv: row 2: STAFF_ROLE: unknown role 'GP Partnr'; "
                "did you mean 'GP Partner'"
            ],
        ),
        (
            _set_role("GP Partner", "Wizard"),
            [
                "workforce.csv: row 2: STAFF_ROLE: unknown role 'Wizard'; expected one of ",
                "GP Partner, ",
                "Receptionist, ",
            ],
        ),
        (
            _set_role("GP", "Doctors", column="STAFF_GROUP"),
            [
                "workforce.csv: row 2: STAFF_GROUP: unknown staff group 'Doctors'; expected one "
                "of Admin/Non-Clinical, Community Nursing, Direct Patient Care, GP, Nurses"
            ],
        ),
        (
            _set_role("Clinical Pharmacist", ""),
            [
                "workforce.csv: row 17: STAFF_ROLE: expected the role of a Direct Patient Care "
                "row (its staff have several roles)"
            ],
        ),
    ],
)
def test_an_unknown_role_or_group_is_refused_naming_it(cli, tmp_path, change, needles):
    tables = _tables(tmp_path)
    _rewrite(tables / change[0], change[1])
    _refused(cli, tables, tmp_path, *needles)


def test_a_role_the_model_leaves_out_is_named_not_counted_as_another(tmp_path):
    tables = _tables(tmp_path)
    table, change = _set_role("GP Partner", "GP Assistant")
    _rewrite(tables / table, change)
    place = build_place(read_tables(tables))
    # Z00001's GPs are its 2.06 FTE of salaried GPs alone; the GP assistants (3.69, 2.12 and
    # 4.52 FTE) are named among the staff left out.
    assert {pool.name: pool.headcount for pool in place.staff}["z00001_gp"] == 2
    assert "GP Assistant 10.33 FTE" in " ".join(place.notes)


def test_plurals_and_case_of_known_names_build_what_the_names_do(tmp_path):
    tables = _tables(tmp_path)

    def plural(row):
        row["STAFF_ROLE"] = f"{row['STAFF_ROLE'].upper()}S"  # 'HEALTH CARE ASSISTANTS', ...

    _rewrite(tables / "workforce.csv", plural)

    def pools(folder):
        return {p.name: (p.headcount, p.source) for p in build_place(read_tables(folder)).staff}

    # The same pools, of the same FTE from the same rows ('workforce.csv: 1.97 FTE', ...).
    assert pools(tables) == pools(EXAMPLE)


def _readme_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Make it your place", 1)[1].split("\n## ", 1)[0]


def test_the_readme_lists_every_role_and_group_of_the_vocabulary():
    section = re.sub(r"```.*?```", "", _readme_section(), flags=re.DOTALL)
    listed = set(re.findall(r"`([^`\n]+)`", section))
    names = (*roles.ROLES, *roles.NOT_MODELLED, *roles.STAFF_GROUPS)
    missing = [name for name in names if name not in listed]
    assert not missing, missing


# Age bands: every age from 0 up, for each sex a practice gives; none spanning a cohort's edge.


def _drop(code, *bands, sexes=("MALE", "FEMALE")):
    """A change dropping the rows of ``bands`` of ``sexes`` of practice ``code``."""

    def keep(row):
        return not (row["ORG_CODE"] == code and row["AGE_GROUP_5"] in bands and row["SEX"] in sexes)

    return keep


def _filter(path, keep, extra=()):
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, [row for row in reader if keep(row)]
    rows += [dict(zip(fields, values, strict=True)) for values in extra]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("keep", "needle"),
    [
        (_drop("Z00001", "40_44"), "rows 2-39: AGE_GROUP_5: practice 'Z00001' has no rows of "),
        (_drop("Z00001", "40_44", "45_49"), "age band(s) 40_44, 45_49; expected every age"),
        (_drop("Z00002", "0_4"), "practice 'Z00002' has no rows of age band(s) 0_4;"),
        (_drop("Z00002", "95+"), "practice 'Z00002' has no rows of age band(s) 95+;"),
        (_drop("Z00003", "60_64", sexes=("MALE",)), "age band(s) MALE 60_64;"),
    ],
)
def test_a_practice_missing_age_bands_is_refused_naming_them(cli, tmp_path, keep, needle):
    tables = _tables(tmp_path)
    _filter(tables / "registered_by_age.csv", keep)
    _refused(cli, tables, tmp_path, "registered_by_age.csv: ", needle)


def _rename_band(code, old, new):
    def change(row):
        if row["ORG_CODE"] == code and row["AGE_GROUP_5"] == old:
            row["AGE_GROUP_5"] = new

    return change


def test_a_band_spanning_an_age_where_the_cohorts_change_is_refused(cli, tmp_path):
    tables = _tables(tmp_path)
    _filter(tables / "registered_by_age.csv", _drop("Z00003", "65_69"))
    _rewrite(tables / "registered_by_age.csv", _rename_band("Z00003", "60_64", "60_69"))
    _refused(
        cli,
        tables,
        tmp_path,
        "registered_by_age.csv: row 106: AGE_GROUP_5: age band '60_69' spans age 65, where the "
        "cohorts change (at 40, 60, 65)",
    )


def test_bands_giving_an_age_twice_are_refused(cli, tmp_path):
    tables = _tables(tmp_path)

    def female_0_4(row):
        if (row["ORG_CODE"], row["SEX"], row["AGE_GROUP_5"]) == ("Z00003", "FEMALE", "0_4"):
            row["AGE_GROUP_5"] = "0-4"

    _rewrite(tables / "registered_by_age.csv", female_0_4)
    _refused(
        cli,
        tables,
        tmp_path,
        "registered_by_age.csv: row 83: AGE_GROUP_5: age band '0_4' of practice 'Z00003' "
        "overlaps '0-4' (row 82); expected each age in one band",
    )


def _total(code, sex, patients):
    return ("GP_PRAC_PAT_LIST", "01-Oct-2026", "GP", code, "ZZ1 1ZZ", sex, "ALL", str(patients))


def test_a_row_of_all_ages_is_a_check_on_the_bands_not_counted(cli, tmp_path):
    tables = _tables(tmp_path)
    rows = [_total("Z00001", "ALL", 12_000), _total("Z00001", "FEMALE", 6_083)]
    _filter(tables / "registered_by_age.csv", lambda row: True, rows)
    config, _text = _built(tables, tmp_path)
    assert config.population.practices["z00001"].registered == 12_000
    _filter(tables / "registered_by_age.csv", lambda row: True, [_total("Z00002", "MALE", 1)])
    _refused(
        cli,
        tables,
        tmp_path,
        "registered_by_age.csv: row 124: NUMBER_OF_PATIENTS: practice 'Z00002' has 1 patients of "
        "ALL ages (SEX MALE) but 4,567 in its age bands; expected the bands to add up to the total",
    )


# Networks: one name for each PCN_CODE; SERVES matches codes and names case aside.


def _name_network(row_practice, name):
    def change(row):
        if row["PRACTICE_CODE"] == row_practice:
            row["PCN_NAME"] = name

    return change


def test_a_network_of_two_names_is_refused_naming_both(cli, tmp_path):
    tables = _tables(tmp_path)
    _rewrite(tables / "practices.csv", _name_network("Z00003", "Example Twon PCN"))
    _refused(
        cli,
        tables,
        tmp_path,
        "practices.csv: row 4: PCN_NAME: network 'ZN001' is named 'Example Twon PCN' here and "
        "'Example Town PCN' at row 2; expected one name for each PCN_CODE",
    )


@pytest.mark.parametrize(("practice", "name"), [("Z00003", "EXAMPLE TOWN PCN"), ("Z00001", "")])
def test_a_network_named_again_in_other_case_or_not_at_all_keeps_its_name(tmp_path, practice, name):
    tables = _tables(tmp_path)
    _rewrite(tables / "practices.csv", _name_network(practice, name))
    place = build_place(read_tables(tables))
    assert place.networks == {"ZN001": "Example Town PCN"}
    assert {p.network_name for p in place.practices} == {"Example Town PCN"}


def test_serves_names_networks_by_code_or_name_case_aside(tmp_path):
    tables = _two_trusts(tmp_path, serves=("zn001", "SECOND TOWN pcn"))
    config, _text = _built(tables, tmp_path)
    assert {t.beds: t.serves for t in config.hospital.trusts.values()} == {
        "first_hospital_beds": ["z00001", "z00002"],
        "second_hospital_beds": ["z00003"],
    }


def test_a_community_providers_serves_matches_case_aside(tmp_path):
    tables = _two_trusts(tmp_path)
    with (tables / "workforce.csv").open(encoding="utf-8") as handle:
        rows = [[*row, "SERVES" if k == 0 else ""] for k, row in enumerate(csv.reader(handle))]
    for provider, network in (("ZC001", "zn001"), ("ZC002", "second town PCN")):
        for role in ("District Nurse", "Community Staff Nurse", "Community HCA"):
            rows.append([provider, "Community Nursing", role, "2", network])
    with (tables / "workforce.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    config, _text = _built(tables, tmp_path)
    teams = config.district_nursing.teams
    assert {name: team.serves for name, team in teams.items()} == {
        "zc001": ["z00001", "z00002"],
        "zc002": ["z00003"],
    }


# FTE: a number from 0 to 10,000 of one role at one organisation, refused at its row.


def _fte(values):
    def change(row):
        key = (row["ORG_CODE"], row["STAFF_ROLE"])
        if key in values:
            row["FTE"] = values[key]

    return change


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        (
            {("Z00001", "GP Partner"): "1e9"},
            "workforce.csv: row 2: FTE: expected at most 10,000 FTE of one role at one "
            "organisation, got '1e9'",
        ),
        (
            {("Z00001", "GP Partner"): "6000", ("Z00001", "Salaried GP"): "5000"},
            "workforce.csv: row 3: FTE: the rows of gp at 'Z00001' add up to more than 10,000 FTE "
            "by this row",
        ),
        (
            {("ZN001", "Care Coordinator"): "20000"},
            "workforce.csv: row 20: FTE: expected at most 10,000 FTE",
        ),
        ({("Z00001", "GP Partner"): "-1"}, "workforce.csv: row 2: FTE: expected a number"),
        ({("Z00001", "GP Partner"): "lots"}, "workforce.csv: row 2: FTE: expected a number"),
    ],
)
def test_an_fte_out_of_range_is_refused_at_its_row(cli, tmp_path, values, needle):
    tables = _tables(tmp_path)
    _rewrite(tables / "workforce.csv", _fte(values))
    err = _refused(cli, tables, tmp_path, needle)
    assert ".yaml" not in err


def test_beds_past_the_bound_are_refused_at_their_row(cli, tmp_path):
    tables = _tables(tmp_path)

    def more(row):
        if row["KIND"] == "acute":
            row["NUMBER"] = "2,000,000"

    _rewrite(tables / "beds.csv", more)
    err = _refused(cli, tables, tmp_path, "beds.csv: row 2: NUMBER: expected at most 1,000,000")
    assert ".yaml" not in err


def test_beds_of_one_kind_past_the_bound_across_sites_are_refused_at_the_row_that_passes_it(
    cli, tmp_path
):
    tables = _tables(tmp_path)
    beds = tables / "beds.csv"
    with beds.open("a", encoding="utf-8") as rows:
        rows.write("Second Hospital,acute,600000\nThird Hospital,acute,600000\n")
    lines = beds.read_text(encoding="utf-8").splitlines()
    last = len(lines)  # the header is row 1
    needle = f"beds.csv: row {last}: NUMBER: the rows of kind 'acute' add up to 1,200,"
    err = _refused(cli, tables, tmp_path, needle)
    assert "at most 1,000,000 beds or places of one kind in all" in err and ".yaml" not in err
