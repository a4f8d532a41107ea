"""Your place from data: ``caresim place`` turns the tables of a place into a scenario that
validates and runs, whose demand follows the lists in the tables."""

from __future__ import annotations

import csv
import shutil

import pytest

from caresim.config.files import load_config
from caresim.place import build_place, read_tables, write_place
from caresim.place.cohorts import cohort_shares, cohorts_of_age
from caresim.place.roles import care_role
from caresim.runs.scenario import replication_frames
from caresim.runs.stats import t_interval
from tests.conftest import ROOT, replicate

EXAMPLE = ROOT / "configs/places/example"
SHORT = ["run.warm_up=7 days", "run.horizon=35 days"]
REPLICATIONS = 3


def _tables(tmp_path, name="place"):
    folder = tmp_path / name
    shutil.copytree(EXAMPLE, folder)
    return folder


def _rewrite(path, change):
    """Rewrite a CSV table row by row: ``change(row)`` edits a row (a dict) in place."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        change(row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_the_example_tables_make_a_scenario_that_validates(cli, tmp_path):
    out = tmp_path / "scenario.yaml"
    code, stdout, err = cli("place", EXAMPLE, "--out", out)
    assert code == 0, err
    assert "3 practices in 1 network(s), 39,500 patients" in stdout
    code, stdout, err = cli("validate", out)
    assert code == 0 and "valid" in stdout, err
    config = load_config(out).config
    lists = {name: p.registered for name, p in config.population.practices.items()}
    assert lists == {"z00001": 12_000, "z00002": 9_500, "z00003": 18_000}
    assert config.beds["acute"].capacity == 66  # beds.csv
    assert config.staff["z00003_gp"].headcount == 8  # 8.24 FTE in workforce.csv, rounded
    assert config.staff["z00003_gp"].scope == "z00003"
    assert config.staff["zn001_clinical_pharmacist"].scope == "network"  # the PCN's own staff
    # Each role works as the national defaults' pools of that role do: sessions, leave, sickness.
    defaults_config = load_config(ROOT / "configs/pcn_baseline.yaml").config
    defaults = defaults_config.staff
    for pool, default in (("z00003_gp", "riverside_gp"), ("z00001_hca", "riverside_hca")):
        built, national = config.staff[pool], defaults[default]
        assert (built.rota, built.patient_facing, built.sessions, built.absence) == (
            national.rota,
            national.patient_facing,
            national.sessions,
            national.absence,
        )
    assert config.staff["z00003_gp"].sessions == 2
    assert config.staff["z00003_gp"].absence.annual_leave == pytest.approx(0.146)
    # Not in the tables: community nursing scaled from the national defaults, and said so.
    text = out.read_text(encoding="utf-8")
    assert "community_district_nurse: {role: district_nurse" in text
    assert "national default" in text and "Receptionist" in text
    # The calibration targets are the defaults', and the header says how many and how to replace them.
    assert len(config.calibration) == len(defaults_config.calibration) > 0
    assert f"against the {len(config.calibration)} national targets" in text
    # demand.csv sets emergency attendances; the other rates stay the defaults'.
    rate = config.hospital.presentations.rate["frail_older"] * 8760
    assert rate == pytest.approx(0.95)


def test_the_scenario_runs(tmp_path):
    out = tmp_path / "scenario.yaml"
    write_place(build_place(read_tables(EXAMPLE)), out)
    table = replicate(load_config(out, SHORT).document, 1)
    requests = table[(table["group"] == "z00003") & (table["measure"] == "requests")]["value"]
    assert float(requests.iloc[0]) > 1_000, float(requests.iloc[0])


def _requests(tables, tmp_path, name):
    out = write_place(build_place(read_tables(tables)), tmp_path / f"{name}.yaml")
    loaded = load_config(out, SHORT)
    table = replicate(loaded.document, REPLICATIONS, seed=loaded.config.run.seed)
    rows = table[table["measure"] == "requests"].sort_values("replication")
    return {g: rows[rows["group"] == g]["value"].to_numpy() for g in set(rows["group"])}


@pytest.mark.functional
def test_a_longer_list_in_the_table_means_more_demand_from_that_practice(tmp_path):
    base = _requests(EXAMPLE, tmp_path, "base")
    tables = _tables(tmp_path)

    def double_hillside(row):
        if row["ORG_CODE"] == "Z00002":
            row["NUMBER_OF_PATIENTS"] = str(2 * int(row["NUMBER_OF_PATIENTS"]))

    _rewrite(tables / "registered_by_age.csv", double_hillside)
    longer = _requests(tables, tmp_path, "longer")
    mean, low, high, _n = t_interval(longer["z00002"] / base["z00002"], 0.95)
    assert low > 1.8 and high < 2.2, (mean, low, high)  # twice the patients, twice the requests
    for practice in ("z00001", "z00003"):  # the others' demand hardly moves
        mean, low, high, _n = t_interval(longer[practice] / base[practice], 0.95)
        assert low > 0.95 and high < 1.1, (practice, mean, low, high)


def test_cohorts_come_from_the_age_bands():
    assert cohorts_of_age(30) == {"frail_older": 0.0, "long_term_condition": 0.14, "general": 0.86}
    assert cohorts_of_age(85)["frail_older"] == 0.15
    shares = cohort_shares({0: 500, 70: 500})
    assert shares == {"frail_older": 0.075, "long_term_condition": 0.285, "general": 0.64}
    assert sum(shares.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("group", "role", "expected"),
    [
        ("GP", "GP Partner", "gp"),
        ("GP", "Salaried GPs", "gp"),
        ("Nurses", "Advanced Nurse Practitioner", "advanced_practitioner"),
        ("Nurses", "Practice Nurse", "practice_nurse"),
        ("Direct Patient Care", "Health Care Assistant", "hca"),
        ("Direct Patient Care", "Clinical Pharmacist", "clinical_pharmacist"),
        ("Direct Patient Care", "Advanced Paramedic Practitioner", "advanced_practitioner"),
        ("Direct Patient Care", "Social Prescribing Link Worker", None),
        ("Admin/Non-Clinical", "Receptionist", None),
        ("Community Nursing", "Community HCA", "community_hca"),
        ("Community Nursing", "District Nurse", "district_nurse"),
    ],
)
def test_workforce_roles_become_the_care_models_roles(group, role, expected):
    assert care_role(group, role) == expected


def test_a_table_without_workforce_or_beds_takes_the_national_defaults(tmp_path):
    tables = _tables(tmp_path)
    for name in ("workforce.csv", "beds.csv", "demand.csv"):
        (tables / name).unlink()
    out = write_place(build_place(read_tables(tables)), tmp_path / "defaults.yaml")
    config = load_config(out).config
    # 22 GPs for 50,000 patients in the defaults: 5.3 for Riverside's 12,000
    assert config.staff["z00001_gp"].headcount == 5
    national = load_config(ROOT / "configs/pcn_baseline.yaml").config.beds["acute"].capacity
    assert config.beds["acute"].capacity == round(national * 39_500 / 50_000)
    assert "Not given (workforce.csv, beds.csv, demand.csv)" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "change", "needles"),
    [
        (
            "registered_by_age.csv",
            lambda row: row.update(NUMBER_OF_PATIENTS="many"),
            ["registered_by_age.csv: row 2: NUMBER_OF_PATIENTS: expected a number", "'many'"],
        ),
        (
            "registered_by_age.csv",
            lambda row: row.update(ORG_CODE="Q99999"),
            ["registered_by_age.csv: row 2: ORG_CODE: 'Q99999' is not a practice"],
        ),
        (
            "beds.csv",
            lambda row: row.update(KIND="ward"),
            ["beds.csv: row 2: KIND: unknown kind 'ward'; expected one of acute"],
        ),
        (
            "workforce.csv",
            lambda row: row.update(ORG_CODE="Q99999"),
            ["workforce.csv: row 2: ORG_CODE: 'Q99999' is not a practice or network"],
        ),
    ],
)
def test_a_bad_table_is_one_line_naming_file_row_and_column(cli, tmp_path, table, change, needles):
    tables = _tables(tmp_path)
    _rewrite(tables / table, change)
    code, _out, err = cli("place", tables, "--out", tmp_path / "x.yaml")
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err


def test_a_missing_column_is_named(cli, tmp_path):
    tables = _tables(tmp_path)
    text = (tables / "practices.csv").read_text(encoding="utf-8")
    (tables / "practices.csv").write_text(text.replace("PCN_CODE", "NETWORK"), encoding="utf-8")
    code, _out, err = cli("place", tables, "--out", tmp_path / "x.yaml")
    assert code == 2 and "practices.csv: no column PCN_CODE" in err


def test_an_existing_scenario_is_not_overwritten_without_force(cli, tmp_path):
    out = tmp_path / "scenario.yaml"
    out.write_text("mine", encoding="utf-8")
    code, _out, err = cli("place", EXAMPLE, "--out", out)
    assert code == 2 and "--force" in err and out.read_text(encoding="utf-8") == "mine"
    assert cli("place", EXAMPLE, "--out", out, "--force")[0] == 0


ICS = ROOT / "configs/ics_example.yaml"


def test_the_ics_example_is_what_caresim_place_makes_of_its_tables(tmp_path):
    config = load_config(ICS).config
    assert len(config.population.practices) == 120
    assert 1_150_000 < config.population.registered < 1_300_000
    place = build_place(read_tables(ROOT / "configs/places/ics_example"), name="ics_example")
    assert len(place.networks) == 24
    written = write_place(place, tmp_path / "ics_example.yaml").read_text(encoding="utf-8")
    shipped = ICS.read_text(encoding="utf-8")

    def without_extends(text):
        return [line for line in text.splitlines() if not line.startswith("extends:")]

    assert without_extends(written) == without_extends(shipped)
    assert "extends: pcn_baseline.yaml" in shipped


def _two_trusts(tmp_path, serves=("ZN001", "Second Town PCN")):
    """The example's tables with its third practice in a second network, and an acute site for
    each network (the second named by its PCN_NAME)."""
    tables = _tables(tmp_path, "two_trusts")

    def second_network(row):
        if row["PRACTICE_CODE"] == "Z00003":
            row["PCN_CODE"], row["PCN_NAME"] = "ZN002", "Second Town PCN"

    _rewrite(tables / "practices.csv", second_network)
    rows = (tables / "beds.csv").read_text(encoding="utf-8").splitlines()
    acute = [
        f"First Hospital,acute,40,{serves[0]}",
        f"Second Hospital,acute,26,{serves[1]}",
    ]
    others = [f"{row}," for row in rows[2:]]
    text = "\n".join(["SITE,KIND,NUMBER,SERVES", *acute, *others]) + "\n"
    (tables / "beds.csv").write_text(text, encoding="utf-8")
    return tables


def test_acute_sites_serving_networks_become_trusts_admitting_their_patients(tmp_path):
    out = write_place(build_place(read_tables(_two_trusts(tmp_path))), tmp_path / "two.yaml")
    config = load_config(out, SHORT).config
    trusts = config.hospital.trusts
    assert {t.beds: t.serves for t in trusts.values()} == {
        "first_hospital_beds": ["z00001", "z00002"],
        "second_hospital_beds": ["z00003"],
    }
    assert config.beds["first_hospital_beds"].capacity == 40
    assert "acute" not in config.beds and config.hospital.beds is None
    # The defaults' acute price is each trust's; the run measures every trust's beds, and all
    # acute beds together under the one-site name.
    assert config.costs.bed_day["second_hospital_beds"] == config.costs.delayed_bed_day
    frame = replication_frames(config, "two", 0, config.run.seed)[0]
    groups = set(frame[frame["setting"] == "hospital"]["group"])
    assert {"first_hospital_beds", "second_hospital_beds", "acute"} <= groups


@pytest.mark.parametrize(
    ("serves", "needle"),
    [
        (("ZN001", "ZN009"), "SERVES: unknown network 'ZN009'"),
        (("ZN001", "ZN001"), "network 'ZN001' is already served by 'First Hospital'"),
        (("ZN001", ""), "acute site 'Second Hospital' serves no network"),
    ],
)
def test_a_network_served_twice_unknown_or_not_at_all_is_one_line(cli, tmp_path, serves, needle):
    tables = _two_trusts(tmp_path, serves)
    code, _out, err = cli("place", tables, "--out", tmp_path / "x.yaml")
    assert code == 2 and needle in err and err.count("\n") == 1, err


def test_community_providers_serving_networks_take_their_patients(tmp_path):
    tables = _two_trusts(tmp_path)
    rows = (tables / "beds.csv").read_text(encoding="utf-8").splitlines()
    rows = [r for r in rows if ",ic_bed," not in r] + [
        "North Community,ic_bed,5,ZN001",
        "South Community,ic_bed,3,ZN002",
    ]
    (tables / "beds.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = write_place(build_place(read_tables(tables)), tmp_path / "providers.yaml")
    config = load_config(out, SHORT).config
    providers = config.intermediate_care.bed_based.providers
    assert {p.uses: (p.serves, config.beds[p.uses].capacity) for p in providers.values()} == {
        "north_community_ic_beds": (["z00001", "z00002"], 5),
        "south_community_ic_beds": (["z00003"], 3),
    }
    assert all(p.step_up_uses in config.beds for p in providers.values())  # ring-fenced, shared
    assert config.costs.bed_day["south_community_ic_beds"] == 150  # the defaults' IC bed price
    frame = replication_frames(config, "providers", 0, config.run.seed)[0]
    assert {"north_community_ic_beds", "south_community_ic_beds"} <= set(frame["group"])


def test_community_nursing_providers_serving_networks_become_teams(cli, tmp_path):
    """The example's tables with its third practice in a second network and two community
    nursing providers, each serving one network: two teams, each of its own staff."""
    tables = _two_trusts(tmp_path)
    with (tables / "workforce.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = [[*row, "SERVES" if k == 0 else ""] for k, row in enumerate(rows)]
    for provider, network in (("ZC001", "ZN001"), ("ZC002", "Second Town PCN")):
        for role in ("District Nurse", "Community Staff Nurse", "Community HCA"):
            rows.append([provider, "Community Nursing", role, "2", network])
    with (tables / "workforce.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    out = write_place(build_place(read_tables(tables)), tmp_path / "teams.yaml")
    teams = load_config(out, SHORT).config.district_nursing.teams
    assert {name: team.serves for name, team in teams.items()} == {
        "zc001": ["z00001", "z00002"],
        "zc002": ["z00003"],
    }
    assert teams["zc002"].staff == [
        "zc002_district_nurse",
        "zc002_community_staff_nurse",
        "zc002_community_hca",
    ]
    # Without the second provider, the second network is visited by no one.
    rows = [row for row in rows if row[0] != "ZC002"]
    with (tables / "workforce.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    code, _out, err = cli("place", tables, "--out", tmp_path / "x.yaml")
    assert code == 2 and "no community provider with SERVES visits network(s) ZN002" in err
