"""Write the synthetic example tables of ``configs/places/``: made-up practices, lists, staff and
beds in the layouts of the national files, for trying ``caresim place``. Not real data.

    python configs/places/synthetic.py

writes ``example/`` (one network of three practices) and ``ics_example/`` (an integrated care
system of about 1.2 million people). The same command always writes the same tables.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Share of a list in each five-year age band, 0-4 to 95+: roughly England's registered
#: population (an assumption for made-up practices; a real place reads its own).
AGE_PROFILE = (
    5.4,
    5.9,
    6.1,
    5.7,
    5.9,
    6.5,
    6.9,
    6.8,
    6.5,
    6.2,
    6.6,
    6.8,
    6.2,
    5.4,
    5.1,
    4.6,
    3.1,
    2.0,
    1.0,
    0.4,
)
BANDS = [f"{5 * i}_{5 * i + 4}" for i in range(19)] + ["95+"]

#: Staff per 10,000 patients by (staff group, role, employed by the network?), before a
#: practice's own variation: GPs 2,291 patients per FTE (NHS Digital, Jun 2024); practice nurses
#: 2.7 and additional roles 3.8 per 10,000 (NHS Digital 2022; NHS England 2024); the rest assumption.
STAFF = (
    ("GP", "GP Partner", False, 2.6),
    ("GP", "Salaried GP", False, 1.8),
    ("Nurses", "Practice Nurse", False, 2.7),
    ("Direct Patient Care", "Health Care Assistant", False, 1.4),
    ("Admin/Non-Clinical", "Receptionist", False, 6.0),
    ("Direct Patient Care", "Clinical Pharmacist", True, 1.4),
    ("Direct Patient Care", "Advanced Paramedic Practitioner", True, 0.8),
    ("Direct Patient Care", "Social Prescribing Link Worker", True, 0.6),
    ("Direct Patient Care", "Care Coordinator", True, 0.9),
)


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _lists(practices, rng: random.Random, extract: str) -> list[list]:
    """Patients by practice, sex and age band, in the layout of the national file."""
    rows = []
    for code, _name, _pcn, _pcn_name, registered, older in practices:
        weights = [w * (older ** (i / 19)) for i, w in enumerate(AGE_PROFILE)]
        total = sum(weights)
        counts = [round(registered * w / total) for w in weights]
        counts[6] += registered - sum(counts)  # the whole list, exactly
        for band, count in zip(BANDS, counts, strict=True):
            female = round(count * rng.uniform(0.48, 0.53 + 0.002 * BANDS.index(band)))
            for sex, number in (("FEMALE", female), ("MALE", count - female)):
                rows.append(["GP_PRAC_PAT_LIST", extract, "GP", code, "ZZ1 1ZZ", sex, band, number])
    return rows


def _workforce(practices, rng: random.Random) -> list[list]:
    rows = []
    networks: dict[str, int] = {}
    for code, _name, pcn, _pcn_name, registered, _older in practices:
        networks[pcn] = networks.get(pcn, 0) + registered
        for group, role, by_network, per_10k in STAFF:
            if not by_network:
                fte = registered / 10_000 * per_10k * rng.uniform(0.8, 1.2)
                rows.append([code, group, role, f"{fte:.2f}"])
    for pcn, registered in networks.items():
        for group, role, by_network, per_10k in STAFF:
            if by_network:
                fte = registered / 10_000 * per_10k * rng.uniform(0.8, 1.2)
                rows.append([pcn, group, role, f"{fte:.2f}"])
    return rows


def example() -> None:
    """One network of three practices, the lists of a planner's first try."""
    folder = HERE / "example"
    practices = [
        ("Z00001", "Riverside Surgery", "ZN001", "Example Town PCN", 12_000, 1.0),
        ("Z00002", "Hillside Medical Centre", "ZN001", "Example Town PCN", 9_500, 1.4),
        ("Z00003", "Market Street Practice", "ZN001", "Example Town PCN", 18_000, 0.8),
    ]
    _tables(folder, practices, random.Random(13))
    _write(
        folder / "beds.csv",
        ["SITE", "KIND", "NUMBER"],
        [
            ["Example General Hospital", "acute", 66],
            ["Example Community Hospital", "ic_bed", 8],
            ["Example Reablement Service", "ic_home_place", 9],
            ["Example Care Home (discharge to assess)", "d2a_bed", 6],
            ["Example Virtual Ward", "virtual_ward", 6],
        ],
    )
    _write(
        folder / "demand.csv",
        ["ACTIVITY", "COHORT", "RATE_PER_YEAR"],
        [
            ["emergency_attendances", "frail_older", 0.95],
            ["emergency_attendances", "long_term_condition", 0.3],
            ["emergency_attendances", "general", 0.16],
        ],
    )


def ics_example() -> None:
    """About 1.2 million people in 24 networks of five practices, three acute trusts."""
    folder = HERE / "ics_example"
    rng = random.Random(2026)
    practices = []
    for network in range(24):
        pcn = f"ZN{network + 1:03d}"
        for member in range(5):
            number = network * 5 + member + 1
            registered = round(rng.uniform(5_500, 15_500) / 10) * 10
            older = rng.uniform(0.7, 1.5)
            practices.append(
                (
                    f"Z{number:05d}",
                    f"Practice {number}",
                    pcn,
                    f"Network {network + 1} PCN",
                    registered,
                    older,
                )
            )
    _tables(folder, practices, rng, serves=True)
    registered = sum(p[4] for p in practices)
    per_50k = registered / 50_000
    # Three acute trusts, each serving the networks of its area, with 82 acute beds per 50,000
    # of the patients it serves (the national default).
    areas = {
        "North Trust": range(1, 11),
        "Central Trust": range(11, 19),
        "South Trust": range(19, 25),
    }
    beds = []
    for trust, networks in areas.items():
        codes = [f"ZN{n:03d}" for n in networks]
        served = sum(p[4] for p in practices if p[2] in codes)
        beds.append([trust, "acute", round(82 * served / 50_000), ";".join(codes)])
    # Two community providers of intermediate care, each serving half the networks, with the
    # national default's 9.6 beds and 11.7 home places per 50,000 of the patients it serves.
    for provider, networks in (
        ("Community Provider North", range(1, 13)),
        ("Community Provider South", range(13, 25)),
    ):
        codes = [f"ZN{n:03d}" for n in networks]
        served = sum(p[4] for p in practices if p[2] in codes) / 50_000
        beds.append([provider, "ic_bed", round(9.6 * served), ";".join(codes)])
        beds.append([provider, "ic_home_place", round(11.7 * served), ";".join(codes)])
    beds += [
        ["Care homes (discharge to assess)", "d2a_bed", round(7.4 * per_50k), ""],
        ["Virtual wards", "virtual_ward", round(8 * per_50k), ""],
    ]
    _write(folder / "beds.csv", ["SITE", "KIND", "NUMBER", "SERVES"], beds)
    # Community nursing on duty each day, by provider, each visiting the patients of the same
    # twelve networks as its intermediate care: the national default's 3 district nurses, 4 staff
    # nurses and 2 HCAs per 50,000 (see pcn_baseline.yaml) of the patients it serves.
    with (folder / "workforce.csv").open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for provider, networks in (("ZC001", range(1, 13)), ("ZC002", range(13, 25))):
            codes = [f"ZN{n:03d}" for n in networks]
            served = sum(p[4] for p in practices if p[2] in codes) / 50_000
            for role, per in (
                ("District Nurse", 3),
                ("Community Staff Nurse", 4),
                ("Community HCA", 2),
            ):
                fte = f"{per * served:.1f}"
                writer.writerow([provider, "Community Nursing", role, fte, ";".join(codes)])


def _tables(folder: Path, practices, rng: random.Random, serves: bool = False) -> None:
    """The tables of a place; with ``serves``, the workforce table has a SERVES column."""
    _write(
        folder / "practices.csv",
        ["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PCN_CODE", "PCN_NAME"],
        [["GP_PRAC_PAT_LIST", "01-Oct-2026", c, n, p, pn] for c, n, p, pn, _r, _o in practices],
    )
    _write(
        folder / "registered_by_age.csv",
        [
            "PUBLICATION",
            "EXTRACT_DATE",
            "TYPE",
            "ORG_CODE",
            "POSTCODE",
            "SEX",
            "AGE_GROUP_5",
            "NUMBER_OF_PATIENTS",
        ],
        _lists(practices, rng, "01-Oct-2026"),
    )
    columns = ["ORG_CODE", "STAFF_GROUP", "STAFF_ROLE", "FTE"]
    rows = _workforce(practices, rng)
    if serves:
        columns, rows = [*columns, "SERVES"], [[*row, ""] for row in rows]
    _write(folder / "workforce.csv", columns, rows)


if __name__ == "__main__":
    example()
    ics_example()
