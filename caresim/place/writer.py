"""Writing a place as a scenario file: YAML that extends the national defaults, with comments
saying where each figure came from."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from caresim.models.schema import StaffSpec
from caresim.place.build import Place, slug
from caresim.place.tables import BEDS, DEMAND, PRACTICES, REGISTERED, WORKFORCE

__all__ = ["place_text", "write_place"]


def _counted(place: Place) -> str:
    """'3 practices in 1 network'."""
    practices, networks = len(place.practices), len(place.networks)
    return (
        f"{practices} practice{'s' * (practices != 1)} in {networks} network{'s' * (networks != 1)}"
    )


def _flow(mapping: dict) -> str:
    """A one-line YAML mapping: ``{role: gp, headcount: 5}``."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in mapping.items()) + "}"


def _header(place: Place, extends: str) -> list[str]:
    given = {
        WORKFORCE: "staff of each practice, network and community provider"
        if any(WORKFORCE in s.source for s in place.staff)
        else None,
        BEDS: "beds and places" if any(BEDS in s for s in place.bed_sources.values()) else None,
        DEMAND: "demand rates" if place.demand else None,
    }
    lines = [
        f"# {place.name}: a place built by 'caresim place' from its tables.",
        f"# {_counted(place)}, {place.registered:,} registered patients.",
        "#",
        "# From the tables:",
        f"#   {PRACTICES}, {REGISTERED}: the practices, their networks and lists; the cohorts,",
        "#     from the lists' age bands (mapping and sources in caresim.place.cohorts).",
    ]
    for table, what in given.items():
        if what is not None:
            lines.append(f"#   {table}: {what}.")
    missing = [t for t, what in given.items() if what is None]
    if missing:
        lines.append(
            f"# Not given ({', '.join(missing)}): scaled from the national defaults to this "
            "population, as each line says."
        )
    lines += [
        "# Everything else (rotas, consultation times, task-sharing, slot lengths, pathways,",
        f"# lengths of stay, costs, the run) comes from the national defaults, {Path(extends).name},",
        "# each figure with its source there. Figures are national averages: replace them with",
        "# the place's own where it has them.",
        f"# Calibration: each run is checked against the {len(place.staff_defaults.calibration)} "
        "national targets of the defaults",
        "# (rates per 1,000 patients and shares, so they hold for any size of place); a",
        "# 'calibration:' list of the place's own figures, given here, replaces them all.",
    ]
    for note in place.notes:
        lines += ["#", *(f"# {line}" for line in textwrap.wrap(note, 96))]
    return lines


def _staff(place: Place) -> list[str]:
    base = place.staff_defaults
    first_of_role: dict[str, StaffSpec] = {}
    for name, spec in base.staff.items():
        first_of_role.setdefault(spec.role or name, spec)
    lines = ["staff: !replace"]
    for pool in place.staff:
        spec = first_of_role[pool.role]
        entry = {
            "role": pool.role,
            "headcount": pool.headcount,
            "rota": spec.rota,
            "patient_facing": f"{spec.patient_facing:g}",
            **({"sessions": spec.sessions} if spec.sessions != 1 else {}),
            "scope": pool.scope,
            **_absence(spec),
        }
        lines.append(f"  {pool.name}: {_flow(entry)}  # {pool.source}")
    lines += [
        "  # Rotas, patient-facing shares, sessions, and leave and sickness: the national defaults'",
        "  # for each role. Headcounts are FTE in post rounded, at least one where there is any",
        "  # (people working the whole rota); vacancies are already out of them.",
    ]
    return lines


def _absence(spec: StaffSpec) -> dict[str, str]:
    """The defaults' leave and sickness of a role, without their vacancies: FTE are in post."""
    if spec.absence is None:
        return {}
    shares = spec.absence.model_dump(exclude={"vacancy"})
    kept = {key: f"{value:g}" for key, value in shares.items() if value > 0}
    return {"absence": _flow(kept)} if kept else {}


def _practices(place: Place) -> list[str]:
    lines = ["population:", "  practices: !replace"]
    for practice in place.practices:
        name = place.practice_names[practice.code]
        lines.append(
            f"    {name}: {{registered: {practice.registered}}}  # {practice.name}, "
            f"network {practice.network_code} {practice.network_name}"
        )
    if len(place.networks) > 1:  # staff of each network see its practices' patients
        lines.append("  networks:")
        for code in place.networks:
            members = [
                place.practice_names[p.code] for p in place.practices if p.network_code == code
            ]
            lines.append(f"    {slug(code)}: [{', '.join(members)}]  # {place.networks[code]}")
    lines.append(
        "  cohorts: !replace  # derived from the age bands of the lists (caresim.place.cohorts: "
        "DH LTC Compendium 2012; Clegg et al. 2016)"
    )
    lines += [f"    {cohort}: {share:g}" for cohort, share in place.cohorts.items()]
    return lines


def _beds(place: Place) -> list[str]:
    base = place.staff_defaults.beds
    lines = ["beds: !replace"]
    for pool, capacity in place.beds.items():
        entry: dict = {"capacity": capacity}
        if pool in base and base[pool].when_full != "queue":  # a trust's beds queue
            entry["when_full"] = base[pool].when_full
        lines.append(f"  {pool}: {_flow(entry)}  # {place.bed_sources[pool]}")
    return lines


def _trusts(place: Place) -> list[str]:
    """The acute trusts and the practices each serves."""
    if not place.trusts:
        return []
    lines = [
        "  # patients go to the acute trust serving their practice (beds.csv: SERVES)",
        "  beds: null",
        "  escalation_beds: null",
        "  trusts:",
    ]
    return lines + _site_lines(place, place.trusts, "    ")


def _site_lines(place: Place, sites: dict[str, dict], indent: str) -> list[str]:
    """A line per site (trust, provider): its pools, the practices it serves, their networks."""
    networks = {place.practice_names[p.code]: p.network_code for p in place.practices}
    lines = []
    for name, site in sites.items():
        served = sorted({networks[p] for p in site["serves"]})
        entry = {k: v for k, v in site.items() if k != "serves"}
        entry["serves"] = "[" + ", ".join(site["serves"]) + "]"
        lines.append(f"{indent}{name}: {_flow(entry)}  # networks {', '.join(served)}")
    return lines


def _providers(place: Place) -> list[str]:
    """The providers of each kind of intermediate care and the practices each serves."""
    if not place.providers:
        return []
    lines = [
        "intermediate_care:  # patients go to the provider serving their practice (beds.csv: SERVES)"
    ]
    for kind, sites in place.providers.items():
        lines += [f"  {kind}:", "    uses: null", "    step_up_uses: null", "    providers:"]
        lines += _site_lines(place, sites, "      ")
    return lines


def _teams(place: Place) -> list[str]:
    """The community nursing teams and the practices each visits."""
    if not place.teams:
        return []
    lines = [
        "  # patients are visited by the team serving their practice (workforce.csv: SERVES)",
        "  teams:",
    ]
    teams = {
        name: {"staff": "[" + ", ".join(team["staff"]) + "]", "serves": team["serves"]}
        for name, team in place.teams.items()
    }
    return lines + _site_lines(place, teams, "    ")


def _prices(place: Place) -> list[str]:
    lines = []
    if place.bed_prices:
        lines.append("costs:  # the defaults' prices, each split pool's for its sites' pools")
        for key, prices in place.bed_prices.items():
            lines.append(f"  {key}: !replace {_flow({k: f'{v:g}' for k, v in prices.items()})}")
    return lines


def _sections(place: Place) -> list[str]:
    """The demand table's rates, and the sites by area, each top-level section once."""
    extra = {"hospital": _trusts(place), "district_nursing": _teams(place)}
    extra = {section: lines for section, lines in extra.items() if lines}
    lines = _demand(place, extra)
    for section, body in extra.items():
        lines += [f"{section}:", *body]
    return lines


def _demand(place: Place, extra: dict[str, list[str]]) -> list[str]:
    """The demand table's rates, merged into the defaults' rate tables; the ``extra`` lines of a
    top-level section follow its rates (and are taken out of ``extra``)."""
    if not place.demand:
        return []
    tree: dict = {}
    for path, rates in place.demand.items():
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = rates
    lines: list[str] = []

    def emit(node: dict, depth: int) -> None:
        for key, value in node.items():
            if all(isinstance(v, float) for v in value.values()):
                rates = {c: f"{r:g} per year" for c, r in value.items()}
                lines.append(f"{'  ' * depth}{key}: {_flow(rates)}  # {DEMAND}")
            else:
                lines.append(f"{'  ' * depth}{key}:")
                emit(value, depth + 1)
            if depth == 0:
                lines.extend(extra.pop(key, []))

    emit(tree, 0)
    return lines


def _starting_state(place: Place) -> list[str]:
    if not place.starting_state:
        return []
    lines = [
        "starting_state: !replace  # assumption: the national defaults' starting state, scaled to "
        "this place's beds, places and population"
    ]
    for section, values in place.starting_state.items():
        inner = {k: _flow(v) if isinstance(v, dict) else v for k, v in values.items()}
        lines.append(f"  {section}: {_flow(inner)}")
    return lines


def place_text(place: Place, out: Path) -> str:
    """The scenario file of ``place``, to be written at ``out``."""
    extends = os.path.relpath(place.defaults.resolve(), out.resolve().parent)
    description = (
        f"{place.name}: {_counted(place)}, {place.registered:,} registered patients, "
        "built from tables over the national defaults."
    )
    sections = [
        _header(place, extends),
        [
            f"extends: {Path(extends).as_posix()}",
            f"name: {place.name}",
            f"description: {json.dumps(description)}",
        ],
        _practices(place),
        _staff(place),
        _beds(place),
        _sections(place),
        _providers(place),
        _prices(place),
        _starting_state(place),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def write_place(place: Place, out: str | Path) -> Path:
    """Write the scenario of ``place`` to ``out`` and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(place_text(place, out), encoding="utf-8")
    return out
