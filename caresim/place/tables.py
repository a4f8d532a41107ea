"""Reading the tables of a place: practices, registered patients by age, workforce, beds, demand.

Each table is a CSV file in one folder, in the layout of the national file it comes from (extra
columns are ignored, column names are matched without regard to case):

| file | columns | as in |
|---|---|---|
| ``practices.csv`` | ``PRACTICE_CODE, PRACTICE_NAME, PCN_CODE, PCN_NAME`` | NHS Digital, Patients Registered at a GP Practice: the practice-to-PCN mapping file |
| ``registered_by_age.csv`` | ``ORG_CODE`` (or ``CODE``), ``SEX``, ``AGE_GROUP_5`` (or ``AGE``), ``NUMBER_OF_PATIENTS`` | the same publication's file of patients by five-year age band |
| ``workforce.csv`` (optional) | ``ORG_CODE, STAFF_GROUP, STAFF_ROLE, FTE`` (and ``SERVES``) | NHS Digital, General Practice Workforce, in its long layout (one row per organisation and role); a community provider's ``SERVES`` lists the networks its nursing team visits |
| ``beds.csv`` (optional) | ``SITE, KIND, NUMBER`` (and ``SERVES``) | the place's own bed and caseload counts; an acute site's ``SERVES`` lists the networks (codes or names, ``;`` between) whose patients it admits |
| ``demand.csv`` (optional) | ``ACTIVITY, COHORT, RATE_PER_YEAR`` | the place's own rates per registered patient |

A problem is a :class:`PlaceError`: one line naming the file, the row, the column and what was
expected. Staff groups and roles are names of :mod:`caresim.place.roles`, matched whole; each
practice's age bands give every age once, for each sex they give; each network has one name;
an FTE is at most :data:`MAX_FTE` of one role at one organisation.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from caresim.config.files import ConfigError
from caresim.models.schema import MAX_BEDS
from caresim.place.cohorts import AGE_BOUNDARIES
from caresim.place.roles import RoleError, care_role

__all__ = [
    "BedRow",
    "DemandRow",
    "PlaceError",
    "PracticeRow",
    "Tables",
    "WorkforceRow",
    "read_tables",
]

PRACTICES = "practices.csv"
REGISTERED = "registered_by_age.csv"
WORKFORCE = "workforce.csv"
BEDS = "beds.csv"
DEMAND = "demand.csv"


class PlaceError(ConfigError):
    """A table of a place that cannot be read; ``str()`` is one line naming file, row and column."""


@dataclass(frozen=True)
class PracticeRow:
    """A practice, its network, and its registered patients by the lowest age of each band."""

    code: str
    name: str
    network_code: str
    network_name: str
    patients_by_age: dict[int, float] = field(default_factory=dict)

    @property
    def registered(self) -> int:
        """Patients on the list."""
        return int(round(sum(self.patients_by_age.values())))


@dataclass(frozen=True)
class WorkforceRow:
    """Full-time equivalent staff of one role at a practice, a network or a community provider."""

    org_code: str
    staff_group: str
    staff_role: str
    fte: float
    row: int
    serves: tuple[str, ...] = ()  # networks (codes or names) whose patients a provider visits


@dataclass(frozen=True)
class BedRow:
    """Beds or caseload places of one kind at one site."""

    site: str
    kind: str
    number: int
    row: int
    serves: tuple[str, ...] = ()  # networks (codes or names) whose patients an acute site admits


@dataclass(frozen=True)
class DemandRow:
    """A rate per registered patient per year, of one activity for one cohort."""

    activity: str
    cohort: str
    rate_per_year: float
    row: int


@dataclass(frozen=True)
class Tables:
    """Everything read from a folder of tables."""

    folder: Path
    practices: tuple[PracticeRow, ...]
    workforce: tuple[WorkforceRow, ...] | None
    beds: tuple[BedRow, ...] | None
    demand: tuple[DemandRow, ...] | None


class _Table:
    """Rows of one CSV file, with its columns found by name (case-insensitive)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            if not path.is_file():
                raise PlaceError(f"{path}: expected a CSV file, not a folder or special file")
            if path.stat().st_size > MAX_TABLE_BYTES:
                raise PlaceError(f"{path}: larger than {MAX_TABLE_BYTES >> 20} MiB")
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise PlaceError(f"{path}: cannot read the table ({error.strerror})") from None
        except UnicodeDecodeError:
            raise PlaceError(f"{path}: expected a CSV file in UTF-8 text") from None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader, None)
            if not header:
                raise PlaceError(f"{path}: the table is empty; expected a header row")
            self.rows = list(reader)
        except csv.Error as error:
            raise PlaceError(
                f"{path}: row {reader.line_num}: not CSV ({error}); a quote opened and not closed?"
            ) from None
        self.width = len(header)
        self.columns: dict[str, int] = {}
        for i, name in enumerate(header):
            key = name.strip().upper()
            if key in self.columns:
                raise PlaceError(f"{path}: the column {key} is given twice")
            self.columns[key] = i
        if not any(any(cell.strip() for cell in row) for row in self.rows):
            raise PlaceError(f"{path}: has a header and no rows; give its rows or leave it out")

    def column(self, *names: str) -> int:
        return self.columns[self.name(*names)]

    def name(self, *names: str) -> str:
        """The first of ``names`` the table has, as its header names it (in upper case)."""
        for name in names:
            if name in self.columns:
                return name
        wanted = " or ".join(names)
        raise PlaceError(
            f"{self.path}: no column {wanted}; the columns are {', '.join(self.columns)}"
        )

    def records(self, *columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
        """(row number, values of ``columns``) of each non-blank row; row 1 is the header."""
        indexes = [self.column(*names) for names in columns]
        for number, row in enumerate(self.rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != self.width:
                raise PlaceError(
                    f"{self.path}: row {number}: expected {self.width} cells as in the header, "
                    f"got {len(row)} (a number with a comma in it must be quoted)"
                )
            yield number, [row[i].strip() for i in indexes]

    def number(self, text: str, row: int, column: str) -> float:
        value = -1.0
        if _NUMBER.fullmatch(text.strip()):
            value = float(text.replace(",", ""))
        if not value >= 0 or value == float("inf"):
            raise PlaceError(
                f"{self.path}: row {row}: {column}: expected a number, zero or more, got {text!r}"
            )
        return value


#: A number as the tables write it: digits, thousands separated by commas in threes or not at
#: all, a decimal point, an exponent ("12,000", "3.69", "1e3"); never a decimal comma ("3,69").
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+")
MAX_TABLE_BYTES = 256 << 20
#: The most full-time equivalents of one role at one organisation a workforce table may give,
#: in one row or several: more than any practice, network or community provider has.
MAX_FTE = 10_000

_AGE = re.compile(r"^\s*(\d+)\s*(?:[_-]\s*(\d+)|(\+))?\s*$")

#: A row of the registrations table: row, practice, sex, age band, its ages (None for ALL
#: ages), patients.
_Registration = tuple[int, str, str, str, tuple[int, float] | None, float]


@dataclass
class _Band:
    """An age band of a practice's list: its ages, its first row and its patients by sex."""

    text: str
    low: int
    high: float  # math.inf for an open band such as '95+'
    row: int
    patients: dict[str, float] = field(default_factory=dict)


def _ages(table: _Table, text: str, row: int, column: str) -> tuple[int, float] | None:
    """The lowest and highest age of a band such as '0_4', '85-89', '95+' or '42'; None for
    'ALL'."""
    if text.strip().upper() == "ALL":
        return None
    match = _AGE.match(text)
    if match is not None:
        low, high, open_ended = match.groups()
        ages = (int(low), math.inf if open_ended else float(high or low))
        if ages[1] >= ages[0]:
            return ages
    raise PlaceError(
        f"{table.path}: row {row}: {column}: expected an age band such as '0_4', '85_89', "
        f"'95+' or ALL, got {text!r}"
    )


def _practices(folder: Path) -> list[PracticeRow]:
    table = _Table(folder / PRACTICES)
    rows: dict[str, tuple[int, str, str, str]] = {}
    columns = (("PRACTICE_CODE",), ("PRACTICE_NAME",), ("PCN_CODE",), ("PCN_NAME",))
    for row, (code, name, network_code, network_name) in table.records(*columns):
        if not code:
            raise PlaceError(f"{table.path}: row {row}: PRACTICE_CODE: expected a practice code")
        if code.upper() in rows:
            raise PlaceError(f"{table.path}: row {row}: PRACTICE_CODE: '{code}' is given twice")
        if not network_code:
            raise PlaceError(
                f"{table.path}: row {row}: PCN_CODE: expected the code of the practice's network"
            )
        rows[code.upper()] = (row, name or code, network_code.upper(), network_name)
    if not rows:
        raise PlaceError(f"{table.path}: expected at least one practice")
    names = _network_names(table.path, rows.values())
    practices = {
        code: PracticeRow(code, name, network, names[network])
        for code, (_row, name, network, _name) in rows.items()
    }
    _registered(folder, practices)
    return list(practices.values())


def _network_names(path: Path, rows: Iterable[tuple[int, str, str, str]]) -> dict[str, str]:
    """Each network's PCN_NAME, one for each PCN_CODE (case aside; its code where no row names
    it): a network of two names would be a different one wherever it is named."""
    names: dict[str, str] = {}
    named_at: dict[str, int] = {}
    for row, _practice, network, name in rows:
        if not name:
            names.setdefault(network, network)
            continue
        if network not in named_at:
            names[network], named_at[network] = name, row
        elif names[network].upper() != name.upper():
            raise PlaceError(
                f"{path}: row {row}: PCN_NAME: network '{network}' is named '{name}' here and "
                f"'{names[network]}' at row {named_at[network]}; expected one name for each "
                "PCN_CODE"
            )
    return names


def _registered(folder: Path, practices: dict[str, PracticeRow]) -> None:
    """Fill each practice's patients by age from the registrations table."""
    table = _Table(folder / REGISTERED)
    age_column = table.name("AGE_GROUP_5", "AGE")
    columns = (
        ("ORG_CODE", "CODE", "PRACTICE_CODE"),
        ("SEX",),
        (age_column,),
        ("NUMBER_OF_PATIENTS",),
    )
    records: list[_Registration] = []
    for row, (code, sex, age_text, count) in table.records(*columns):
        code, sex = code.upper(), sex.upper()
        if code not in practices:
            raise PlaceError(
                f"{table.path}: row {row}: ORG_CODE: '{code}' is not a practice of {PRACTICES}"
            )
        if sex not in ("MALE", "FEMALE", "ALL"):
            raise PlaceError(
                f"{table.path}: row {row}: SEX: expected MALE, FEMALE or ALL, got {sex!r}"
            )
        ages = _ages(table, age_text, row, age_column)
        patients = table.number(count, row, "NUMBER_OF_PATIENTS")
        records.append((row, code, sex, age_text.strip().upper(), ages, patients))
    keyed = [((code, sex, age), row) for row, code, sex, age, _ages, _n in records]
    _refuse_twice(table.path, keyed, "practice, sex and age band")
    bands = _bands(records)
    for code, practice in practices.items():
        for band in bands[code].values():
            by_age = practice.patients_by_age
            by_age[band.low] = by_age.get(band.low, 0.0) + sum(band.patients.values())
        if practice.registered <= 0:
            raise PlaceError(
                f"{table.path}: ORG_CODE: no registered patients by age band for practice '{code}'"
            )
        ordered = sorted(bands[code].values(), key=lambda band: (band.low, band.high))
        _refuse_bands_split_wrongly(table.path, age_column, code, ordered)
        _refuse_missing_bands(table.path, age_column, code, ordered, records)
    _refuse_wrong_totals(table.path, records, bands)


def _bands(records: Sequence[_Registration]) -> dict[str, dict[str, _Band]]:
    """The age bands of each practice, with the patients counted in each by sex: files give MALE
    and FEMALE rows, some an ALL row too, and ALL is counted where a band has one."""
    has_all = {(code, age) for _r, code, sex, age, _a, _n in records if sex == "ALL"}
    bands: dict[str, dict[str, _Band]] = defaultdict(dict)
    for row, code, sex, age, ages, patients in records:
        if ages is None or (sex == "ALL") != ((code, age) in has_all):
            continue
        band = bands[code].setdefault(age, _Band(age, *ages, row))
        band.patients[sex] = patients
    return bands


def _refuse_bands_split_wrongly(path: Path, column: str, code: str, bands: list[_Band]) -> None:
    """A band must not span an age at which the cohorts change, nor overlap another band."""
    for band in bands:
        spans = [age for age in AGE_BOUNDARIES if band.low < age <= band.high]
        if spans:
            at = ", ".join(map(str, AGE_BOUNDARIES))
            raise PlaceError(
                f"{path}: row {band.row}: {column}: age band '{band.text}' spans age {spans[0]}, "
                f"where the cohorts change (at {at}); expected bands that split there, such as "
                "five-year bands"
            )
    for before, after in zip(bands, bands[1:], strict=False):
        if after.low <= before.high:
            raise PlaceError(
                f"{path}: row {after.row}: {column}: age band '{after.text}' of practice "
                f"'{code}' overlaps '{before.text}' (row {before.row}); expected each age in "
                "one band"
            )


def _refuse_missing_bands(
    path: Path, column: str, code: str, bands: list[_Band], records: Sequence[_Registration]
) -> None:
    """A practice's bands (sorted) must give every age from 0 up, for each sex they give."""
    missing, start = [], 0.0
    for band in bands:
        if band.low > start:
            missing += _band_names(int(start), band.low - 1)
        start = max(start, band.high + 1)
    if start != math.inf:
        missing.append(f"{int(start)}+")
    sexes = sorted({sex for band in bands for sex in band.patients} - {"ALL"})
    for band in bands:
        if "ALL" not in band.patients:
            missing += [f"{sex} {band.text}" for sex in sexes if sex not in band.patients]
    if missing:
        rows = [row for row, of, *_rest in records if of == code]
        raise PlaceError(
            f"{path}: rows {min(rows)}-{max(rows)}: {column}: practice '{code}' has no rows of "
            f"age band(s) {', '.join(missing)}; expected every age from 0 to an open band such "
            "as 95+, for each SEX it gives (a row of 0 where a band has no patients)"
        )


def _band_names(low: int, high: int) -> list[str]:
    """The ages from ``low`` to ``high`` as bands: five-year bands where they fit."""
    if low % 5 == 0 and (high + 1) % 5 == 0:
        return [f"{age}_{age + 4}" for age in range(low, high + 1, 5)]
    return [f"{low}_{high}" if high > low else str(low)]


def _refuse_wrong_totals(
    path: Path, records: Sequence[_Registration], bands: dict[str, dict[str, _Band]]
) -> None:
    """A row of ALL ages is not counted: it is checked against the bands, which are. SEX ALL is
    the practice's list; MALE or FEMALE, that sex's rows, where every band is counted by sex."""
    for row, code, sex, _age, ages, patients in records:
        of = bands[code].values()
        if ages is not None or (sex != "ALL" and any("ALL" in b.patients for b in of)):
            continue
        counted = sum(n for b in of for s, n in b.patients.items() if sex in ("ALL", s))
        if abs(counted - patients) > 0.5:
            raise PlaceError(
                f"{path}: row {row}: NUMBER_OF_PATIENTS: practice '{code}' has {patients:,.0f} "
                f"patients of ALL ages (SEX {sex}) but {counted:,.0f} in its age bands; expected "
                "the bands to add up to the total (is a band's row wrong?)"
            )


def _workforce(folder: Path) -> list[WorkforceRow] | None:
    path = folder / WORKFORCE
    if not path.exists():
        return None
    table = _Table(path)
    columns = [("ORG_CODE", "PRAC_CODE", "PCN_CODE"), ("STAFF_GROUP",), ("STAFF_ROLE",), ("FTE",)]
    if "SERVES" in table.columns:
        columns.append(("SERVES",))
    rows = []
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for row, (code, group, role, fte, *serves) in table.records(*columns):
        try:
            care = care_role(group, role)
        except RoleError as error:
            raise PlaceError(f"{path}: row {row}: {error.column}: {error}") from None
        value = table.number(fte, row, "FTE")
        key = (code.upper(), care or role or group)
        totals[key] += value
        if totals[key] > MAX_FTE:
            _refuse_fte(path, row, fte, *key, value)
        rows.append(WorkforceRow(code.upper(), group, role, value, row, _serves(serves)))
    return rows


def _refuse_fte(path: Path, row: int, fte: str, code: str, role: str, value: float) -> None:
    """Refuse an FTE, or a sum of FTE of one role at one organisation, above :data:`MAX_FTE`."""
    if value > MAX_FTE:
        raise PlaceError(
            f"{path}: row {row}: FTE: expected at most {MAX_FTE:,} FTE of one role at one "
            f"organisation, got {fte!r}"
        )
    raise PlaceError(
        f"{path}: row {row}: FTE: the rows of {role} at '{code}' add up to more than "
        f"{MAX_FTE:,} FTE by this row; expected at most {MAX_FTE:,} of one role at one "
        "organisation"
    )


def _serves(cells: list[str]) -> tuple[str, ...]:
    """The networks of an optional SERVES cell, separated by ';'."""
    return tuple(s.strip() for s in (cells[0] if cells else "").split(";") if s.strip())


def _beds(folder: Path) -> list[BedRow] | None:
    path = folder / BEDS
    if not path.exists():
        return None
    table = _Table(path)
    rows = []
    columns = [("SITE",), ("KIND",), ("NUMBER",)]
    if "SERVES" in table.columns:
        columns.append(("SERVES",))
    for row, (site, kind, number, *serves) in table.records(*columns):
        value = table.number(number, row, "NUMBER")
        if value != int(value):
            raise PlaceError(f"{path}: row {row}: NUMBER: expected a whole number, got {number!r}")
        if value > MAX_BEDS:
            raise PlaceError(
                f"{path}: row {row}: NUMBER: expected at most {MAX_BEDS:,} beds or places, "
                f"got {number!r}"
            )
        rows.append(BedRow(site, kind.strip().lower(), int(value), row, _serves(serves)))
    _refuse_twice(path, [((r.site.upper(), r.kind), r.row) for r in rows], "site and kind")
    return rows


def _demand(folder: Path) -> list[DemandRow] | None:
    path = folder / DEMAND
    if not path.exists():
        return None
    table = _Table(path)
    columns = (("ACTIVITY",), ("COHORT",), ("RATE_PER_YEAR",))
    rows = [
        DemandRow(activity.lower(), cohort.lower(), table.number(rate, row, "RATE_PER_YEAR"), row)
        for row, (activity, cohort, rate) in table.records(*columns)
    ]
    _refuse_twice(path, [((r.activity, r.cohort), r.row) for r in rows], "activity and cohort")
    return rows


def _refuse_twice(path: Path, keyed: Sequence[tuple[tuple[str, ...], int]], what: str) -> None:
    """Refuse a table that gives the same thing twice: neither row would be the right one."""
    seen: dict[tuple[str, ...], int] = {}
    for key, row in keyed:
        if key in seen:
            raise PlaceError(
                f"{path}: row {row}: {what} {', '.join(key)} given twice (also row {seen[key]})"
            )
        seen[key] = row


def _refuse_practices_without_staff(
    path: Path, practices: list[PracticeRow], workforce: list[WorkforceRow]
) -> None:
    """A practice the workforce table leaves out would be run with no staff of its own."""
    staffed = {row.org_code for row in workforce}
    known = {p.code for p in practices} | {p.network_code for p in practices}
    if any(row.org_code not in known and not row.serves for row in workforce):
        return  # a code of no practice or network: named row by row when the place is built
    missing = [p.code for p in practices if p.code not in staffed]
    if missing:
        raise PlaceError(
            f"{path}: ORG_CODE: no staff for practice(s) {', '.join(missing)}; give their rows "
            "(FTE 0 for a role they do not have), or leave the table out for national figures"
        )


def read_tables(folder: str | Path) -> Tables:
    """Read every table of a place's folder; the practices and registrations are required."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PlaceError(
            f"{folder}: expected a folder of CSV tables ({PRACTICES}, {REGISTERED}, ...)"
        )
    practices = _practices(folder)
    workforce = _workforce(folder)
    if workforce is not None:
        _refuse_practices_without_staff(folder / WORKFORCE, practices, workforce)
    beds = _beds(folder)
    demand = _demand(folder)
    return Tables(
        folder,
        tuple(practices),
        None if workforce is None else tuple(workforce),
        None if beds is None else tuple(beds),
        None if demand is None else tuple(demand),
    )
