"""A place's scenario from its tables and the national defaults.

What the tables give replaces the defaults: the practices and their lists, the cohorts (from
age bands), the staff of each practice and network, beds and places, and any demand rates.
Everything else (rotas, consultation times, task-sharing, pathways, costs, the run) comes from the
defaults file the scenario extends, ``configs/pcn_baseline.yaml``, each figure with its source
there. Where a table is missing, or says nothing of a role or kind of bed, the defaults are scaled
to the place's population and the scenario's comments say so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caresim.config.files import load_config
from caresim.models.schema import MAX_BEDS, Config
from caresim.models.vocabulary import IC_KINDS
from caresim.place.cohorts import COHORTS, cohort_shares
from caresim.place.roles import COMMUNITY_ROLES, care_role
from caresim.place.tables import BEDS, DEMAND, WORKFORCE, PlaceError, PracticeRow, Tables

__all__ = ["DEFAULTS", "Place", "StaffPool", "build_place"]

#: The national defaults a place extends.
DEFAULTS = Path(__file__).resolve().parents[2] / "configs" / "pcn_baseline.yaml"

#: Kinds of beds and places a beds table may name, and the care model's use of each.
BED_KINDS = {
    "acute": "acute",
    "acute_bed": "acute",
    "ic_bed": "bed_based",
    "intermediate_care_bed": "bed_based",
    "ic_home_place": "home_based",
    "home_based": "home_based",
    "d2a_bed": "assessment_beds",
    "discharge_to_assess": "assessment_beds",
    "virtual_ward": "virtual_ward",
    "urgent_community_response": "virtual_ward",
    "escalation": "escalation",
    "escalation_bed": "escalation",
}

#: Rows of a demand table that are not general practice activities.
OTHER_DEMAND = {
    "emergency_attendances": ("hospital", "presentations", "rate"),
    "district_nursing_referrals": ("district_nursing", "referrals"),
}


@dataclass(frozen=True)
class StaffPool:
    """A staff pool of the scenario and where its headcount came from."""

    name: str
    role: str
    headcount: int
    scope: str
    source: str


@dataclass
class Place:
    """The parts of a scenario a place's tables decide, with the origin of each."""

    name: str
    defaults: Path
    practices: list[PracticeRow]
    practice_names: dict[str, str]
    cohorts: dict[str, float]
    staff: list[StaffPool]
    staff_defaults: Config
    beds: dict[str, int]
    bed_sources: dict[str, str]
    demand: dict[tuple[str, ...], dict[str, float]]
    starting_state: dict[str, dict]
    notes: list[str] = field(default_factory=list)
    #: The acute trusts, where the beds table says which networks each serves: by trust name,
    #: its ``beds`` and ``escalation_beds`` pools and the practices it ``serves``.
    trusts: dict[str, dict] = field(default_factory=dict)
    #: Providers of intermediate care by kind, where the beds table says which networks each
    #: serves: by kind and provider, its ``uses`` and ``step_up_uses`` pools and ``serves``.
    providers: dict[str, dict[str, dict]] = field(default_factory=dict)
    #: Community nursing teams, where the workforce table says which networks each provider
    #: serves: by team, its ``staff`` pools and the practices it ``serves``.
    teams: dict[str, dict] = field(default_factory=dict)
    #: Prices by bed pool, for the pools split by area, in place of the defaults' prices.
    bed_prices: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def registered(self) -> int:
        """Patients registered at the place's practices."""
        return sum(p.registered for p in self.practices)

    @property
    def networks(self) -> dict[str, str]:
        """Network code to name, in the order the practices give them."""
        return {p.network_code: p.network_name for p in self.practices}


def slug(code: str) -> str:
    """A name the config language accepts, from an organisation's code."""
    text = re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_")
    return text if re.match(r"^[a-z]", text) else f"p_{text}"


def _headcount(fte: float) -> int:
    """People on the rota for an FTE figure: rounded, and at least one where there is any."""
    return max(1, round(fte)) if fte > 0 else 0


class _StaffBuilder:
    """Staff pools from the workforce table, the rest scaled from the defaults."""

    def __init__(self, tables: Tables, defaults: Config, names: dict[str, str]) -> None:
        self.tables = tables
        self.defaults = defaults
        self.names = names
        self.practices = {p.code: p for p in tables.practices}
        self.networks: dict[str, list[PracticeRow]] = defaultdict(list)
        for practice in tables.practices:
            self.networks[practice.network_code].append(practice)
        self.pools: dict[str, StaffPool] = {}
        self.skipped: dict[str, float] = defaultdict(float)
        #: The pools of each community provider, and the networks its rows say it serves.
        self.provider_pools: dict[str, list[str]] = defaultdict(list)
        self.provider_serves: dict[str, tuple[tuple[str, ...], int]] = {}

    def build(self) -> list[StaffPool]:
        rows = self.tables.workforce or ()
        fte: dict[tuple[str, str], float] = defaultdict(float)
        for row in rows:
            role = care_role(row.staff_group, row.staff_role)
            if role is None:
                self.skipped[row.staff_role or row.staff_group] += row.fte
                continue
            known = row.org_code in self.practices or row.org_code in self.networks
            if not known and role not in COMMUNITY_ROLES:
                raise PlaceError(
                    f"{self.tables.folder / WORKFORCE}: row {row.row}: ORG_CODE: '{row.org_code}' "
                    "is not a practice or network of practices.csv (only community nursing "
                    "staff may belong to another provider)"
                )
            fte[(row.org_code, role)] += row.fte
            if not known and row.serves:
                self.provider_serves.setdefault(row.org_code, (row.serves, row.row))
        for (org, role), total in fte.items():
            self._add(org, role, _headcount(total), f"{WORKFORCE}: {total:g} FTE")
        given = {role for _org, role in fte}
        for role in self._default_roles():
            if role not in given:
                self._default(role)
        return list(self.pools.values())

    def _default_roles(self) -> list[str]:
        roles: list[str] = []
        for name, spec in self.defaults.staff.items():
            role = spec.role or name
            if role not in roles:
                roles.append(role)
        return roles

    def _pool(self, name: str, role: str, headcount: int, scope: str, source: str) -> None:
        """Add a pool, or add to it where practice and network rows meet in one practice."""
        if name in self.pools:
            old = self.pools[name]
            headcount += old.headcount
            source = f"{old.source}; {source}"
        self.pools[name] = StaffPool(name, role, headcount, scope, source)

    def _add(self, org: str, role: str, headcount: int, source: str) -> None:
        if headcount <= 0:
            return
        if org in self.practices:
            name = self.names[org]
            self._pool(f"{name}_{role}", role, headcount, name, source)
        elif org in self.networks and len(self.networks) > 1:
            # A network's own staff, one pool seeing the patients of its practices alone.
            network = slug(org)
            self._pool(f"{network}_{role}", role, headcount, network, f"{source} of network {org}")
        else:
            prefix = slug(org)
            name = role if role.startswith(f"{prefix}_") else f"{prefix}_{role}"
            self._pool(name, role, headcount, "network", source)
            if org not in self.networks and name not in self.provider_pools[org]:
                self.provider_pools[org].append(name)

    def _default(self, role: str) -> None:
        """A role the tables do not give: the defaults' staff per patient, at this place."""
        base = self.defaults
        assert base.population is not None
        per_patient = sum(
            s.headcount for n, s in base.staff.items() if (s.role or n) == role
        ) / max(base.population.registered, 1)
        scoped = any(s.scope != "network" for n, s in base.staff.items() if (s.role or n) == role)
        source = f"national default: {per_patient * 10_000:.3g} per 10,000 patients"
        if scoped:  # the defaults give each practice its own
            for practice in self.tables.practices:
                count = max(1, round(per_patient * practice.registered))
                self._add(practice.code, role, count, source)
        elif role in COMMUNITY_ROLES:
            total = sum(p.registered for p in self.tables.practices)
            self._add("community", role, max(1, round(per_patient * total)), source)
        else:
            for network, members in self.networks.items():
                count = max(1, round(per_patient * sum(p.registered for p in members)))
                self._add(network, role, count, source)


def _beds(tables: Tables, defaults: Config, scale: float) -> tuple[dict[str, int], dict[str, str]]:
    """Beds and places by the defaults' pool names, from the beds table or scaled defaults."""
    pool_of_use = _bed_pools(defaults)
    counts: dict[str, int] = defaultdict(int)
    sites: dict[str, list[str]] = defaultdict(list)
    for row in tables.beds or ():
        use = BED_KINDS.get(_kind(row.kind))
        if use is None or use not in pool_of_use:
            kinds = ", ".join(k for k, u in BED_KINDS.items() if u in pool_of_use)
            raise PlaceError(
                f"{tables.folder / BEDS}: row {row.row}: KIND: unknown kind '{row.kind}'; "
                f"expected one of {kinds}"
            )
        pool = pool_of_use[use]
        counts[pool] += row.number
        sites[pool].append(f"{row.site} {row.number}")
        if counts[pool] > MAX_BEDS:
            raise PlaceError(
                f"{tables.folder / BEDS}: row {row.row}: NUMBER: the rows of kind "
                f"'{row.kind}' add up to {counts[pool]:,} by this one; expected at most "
                f"{MAX_BEDS:,} beds or places of one kind in all"
            )
    sources = {pool: f"{BEDS}: {', '.join(s)}" for pool, s in sites.items()}
    for pool in pool_of_use.values():
        if pool not in counts:
            base = defaults.beds[pool].capacity
            assert isinstance(base, int)
            counts[pool] = max(1, round(base * scale))
            sources[pool] = f"national default: {base} per 50,000 patients, scaled"
    return dict(counts), sources


#: How each use of beds that may be split by area names its sites' pools: the key of the site's
#: own pool and of its share of the pool beside it (escalation, ring-fenced step-up), and what a
#: site of it is called.
AREA_USES = {
    "acute": ("escalation", "beds", "escalation_beds", "acute site"),
    "bed_based": ("bed_based_step_up", "uses", "step_up_uses", "provider"),
    "home_based": ("home_based_step_up", "uses", "step_up_uses", "provider"),
    "assessment_beds": ("assessment_beds_step_up", "uses", "step_up_uses", "provider"),
}


class _Catchments:
    """The practices each site serves, from the networks its SERVES cell names (a PCN_CODE or a
    PCN_NAME each, case aside as codes are everywhere), each network served by one site of the
    table's kind at most."""

    def __init__(self, tables: Tables, path: Path, what: str) -> None:
        self.tables, self.path, self.what = tables, path, what
        self.of_network: dict[str, list[str]] = defaultdict(list)
        for practice in tables.practices:
            for key in {practice.network_code.upper(), practice.network_name.upper()}:
                self.of_network[key].append(slug(practice.code))
        self.served: dict[str, str] = {}

    def practices(self, site: str, networks: tuple[str, ...], row: int) -> list[str]:
        """The practices of ``networks``, now served by ``site`` (named at ``row``)."""
        serving: list[str] = []
        for network in networks:
            if network.upper() not in self.of_network:
                raise PlaceError(
                    f"{self.path}: row {row}: SERVES: unknown network '{network}'; expected a "
                    "PCN_CODE or PCN_NAME of practices.csv"
                )
            for member in self.of_network[network.upper()]:
                if self.served.setdefault(member, site) != site:
                    raise PlaceError(
                        f"{self.path}: row {row}: SERVES: network '{network}' is already served "
                        f"by '{self.served[member]}'; expected each network served by one "
                        f"{self.what}"
                    )
                if member not in serving:
                    serving.append(member)
        return serving

    def unserved(self) -> list[str]:
        """Networks whose practices no site serves."""
        practices = self.tables.practices
        return sorted({p.network_code for p in practices if slug(p.code) not in self.served})


def _trusts(
    tables: Tables, defaults: Config, beds: dict[str, int], sources: dict[str, str]
) -> dict[str, dict]:
    """Acute trusts from the beds table's acute rows with SERVES, each its own pool, in ``beds``."""
    return _areas(tables, defaults, beds, sources, "acute")


def _providers(
    tables: Tables, defaults: Config, beds: dict[str, int], sources: dict[str, str]
) -> dict[str, dict[str, dict]]:
    """Providers of each kind of intermediate care from the rows of that kind with SERVES."""
    found = {kind: _areas(tables, defaults, beds, sources, kind) for kind in IC_KINDS}
    return {kind: sites for kind, sites in found.items() if sites}


def _areas(
    tables: Tables, defaults: Config, beds: dict[str, int], sources: dict[str, str], use: str
) -> dict[str, dict]:
    """The sites of one use (acute, a kind of intermediate care) whose rows say which networks
    each serves, each with its own pool, in ``beds`` in place of the defaults' pool. The pool
    beside it in the defaults (escalation beds, places ring-fenced for step-up) is shared among
    the sites in proportion to their own."""
    pools = _bed_pools(defaults)
    rows = [r for r in tables.beds or () if BED_KINDS.get(_kind(r.kind)) == use]
    if use not in pools or not any(r.serves for r in rows):
        return {}
    shared_use, own_key, shared_key, what = AREA_USES[use]
    own_pool, shared_pool = pools[use], pools.get(shared_use)
    path = tables.folder / BEDS
    catchments = _Catchments(tables, path, what)
    shared = beds.pop(shared_pool, 0) if shared_pool is not None else 0
    sources.pop(shared_pool or "", None)
    beds.pop(own_pool, None)
    sources.pop(own_pool, None)
    total = sum(r.number for r in rows)
    sites: dict[str, dict] = {}
    for row in rows:
        if not row.serves:
            raise PlaceError(
                f"{path}: row {row.row}: SERVES: {what} '{row.site}' serves no network; "
                f"expected the networks of every {what} of its kind, or of none"
            )
        name = slug(row.site)
        serving = catchments.practices(row.site, row.serves, row.row)
        own = f"{name}_beds" if use == "acute" else f"{name}_{own_pool}"
        site: dict[str, Any] = {own_key: own, "serves": serving}
        beds[own] = row.number
        sources[own] = f"{BEDS}: {row.site} {row.number}"
        if shared and shared_pool is not None:
            extra = f"{name}_escalation" if use == "acute" else f"{name}_{shared_pool}"
            site[shared_key] = extra
            beds[extra] = max(1, round(shared * row.number / total))
            sources[extra] = f"national default scaled, shared by {row.site}'s share of places"
        sites[name] = site
    unserved = catchments.unserved()
    if unserved:
        raise PlaceError(
            f"{path}: SERVES: no {what} of {rows[0].kind} serves network(s) "
            f"{', '.join(unserved)}; expected each network in one {what}'s SERVES"
        )
    return sites


def _teams(tables: Tables, builder: _StaffBuilder, defaults: Config) -> dict[str, dict]:
    """Community nursing teams from the workforce rows of providers with SERVES: each provider's
    staff visit the patients of its networks. Every pool of a community nursing role must then
    be a provider's."""
    if not builder.provider_serves:
        return {}
    path = tables.folder / WORKFORCE
    catchments = _Catchments(tables, path, "provider")
    teams: dict[str, dict] = {}
    for org, (networks, row) in builder.provider_serves.items():
        serving = catchments.practices(org, networks, row)
        teams[slug(org)] = {"staff": list(builder.provider_pools[org]), "serves": serving}
    unserved = catchments.unserved()
    in_teams = {pool for team in teams.values() for pool in team["staff"]}
    dn = defaults.district_nursing
    visiting = {r for kind in dn.visit_kinds.values() for r in kind.roles} if dn else set()
    left = [p.name for p in builder.pools.values() if p.role in visiting and p.name not in in_teams]
    if unserved or left:
        what = f"network(s) {', '.join(unserved)}" if unserved else f"staff {', '.join(left)}"
        raise PlaceError(
            f"{path}: SERVES: no community provider with SERVES visits {what}; expected every "
            "network and all community nursing staff in a provider that says which it serves"
        )
    return teams


def _kind(kind: str) -> str:
    return kind.replace(" ", "_").replace("-", "_")


def _area_prices(
    defaults: Config, trusts: dict[str, dict], providers: dict[str, dict[str, dict]]
) -> dict[str, dict[str, float]]:
    """The defaults' prices of bed-days of each pool split by area, for each site's pools."""
    costs, pools = defaults.costs, _bed_pools(defaults)
    if costs is None or not (trusts or providers):
        return {}
    split = [("acute", trusts), *((kind, sites) for kind, sites in providers.items())]
    prices: dict[str, dict[str, float]] = {}
    for key in ("bed_day", "commissioned_bed_day"):
        table = dict(getattr(costs, key))
        if not table:
            continue
        for use, sites in split:
            shared_use, own_key, shared_key, _ = AREA_USES[use]
            for pool_use, site_key in ((use, own_key), (shared_use, shared_key)):
                price = table.pop(pools.get(pool_use, ""), None)
                for site in sites.values():
                    if price is not None and site_key in site:
                        table[site[site_key]] = price
        prices[key] = table
    return prices


def _bed_pools(defaults: Config) -> dict[str, str]:
    """The defaults' bed pool of each use (acute, each kind of intermediate care, virtual ward)."""
    pools = {}
    if defaults.hospital is not None:
        pools["acute"] = defaults.hospital.acute_beds[0]
        if defaults.hospital.escalation_pools:
            pools["escalation"] = defaults.hospital.escalation_pools[0]
        if defaults.hospital.admission_avoidance is not None:
            pools["virtual_ward"] = defaults.hospital.admission_avoidance.uses
    ic = defaults.intermediate_care
    for kind in IC_KINDS:
        service = getattr(ic, kind, None) if ic is not None else None
        if service is not None:
            pools[kind] = service.pools[0]
            if service.step_up_pools:
                pools[f"{kind}_step_up"] = service.step_up_pools[0]
    social = defaults.social_care
    for need in ("home_care", "care_home"):
        service = getattr(social, need, None) if social is not None else None
        if service is not None:
            pools[need] = service.uses
    return pools


def _demand(tables: Tables, defaults: Config) -> dict[tuple[str, ...], dict[str, float]]:
    """Rates per patient per year by key path of the rate table, from the demand table."""
    activities = set(defaults.general_practice.activities) if defaults.general_practice else set()
    rates: dict[tuple[str, ...], dict[str, float]] = defaultdict(dict)
    for row in tables.demand or ():
        if row.activity in activities:
            path: tuple[str, ...] = ("general_practice", "activities", row.activity, "rate")
        elif row.activity in OTHER_DEMAND:
            path = OTHER_DEMAND[row.activity]
        else:
            expected = ", ".join(sorted(activities | set(OTHER_DEMAND)))
            raise PlaceError(
                f"{tables.folder / DEMAND}: row {row.row}: ACTIVITY: unknown activity "
                f"'{row.activity}'; expected one of {expected}"
            )
        if row.cohort not in COHORTS:
            raise PlaceError(
                f"{tables.folder / DEMAND}: row {row.row}: COHORT: unknown cohort '{row.cohort}'; "
                f"expected one of {', '.join(COHORTS)}"
            )
        rates[path][row.cohort] = row.rate_per_year
    return dict(rates)


def _starting_state(
    defaults: Config,
    beds: dict[str, int],
    scale: float,
    trusts: dict[str, dict],
    providers: dict[str, dict[str, dict]],
) -> dict[str, dict]:
    """The defaults' starting state, scaled to the place's beds, places and population."""
    state = defaults.starting_state
    if state is None:
        return {}
    result: dict[str, dict] = {}
    if state.general_practice is not None:
        gp = state.general_practice
        result["general_practice"] = {
            "booked_ahead": gp.booked_ahead,
            "over": f"{gp.over / 24:g} days",
        }
    if state.district_nursing is not None:
        result["district_nursing"] = {
            "open_episodes": round(state.district_nursing.open_episodes * scale)
        }

    def share_of(pool: str, count: int) -> int:
        base = defaults.beds[pool].capacity
        assert isinstance(base, int)
        return min(beds[pool], int(count * beds[pool] / base)) if base else 0

    ic = defaults.intermediate_care
    if state.intermediate_care is not None and ic is not None:
        counts = {}
        for kind in ("home_based", "bed_based", "assessment_beds"):
            service = getattr(ic, kind)
            if service is None:
                continue
            count = getattr(state.intermediate_care, kind)
            if kind not in providers:
                counts[kind] = share_of(service.pools[0], count)
                continue
            base = defaults.beds[service.pools[0]].capacity
            assert isinstance(base, int)
            have = sum(beds[site["uses"]] for site in providers[kind].values())
            counts[kind] = min(have, int(count * have / base)) if base else 0
        result["intermediate_care"] = counts
    if state.hospital is not None and defaults.hospital is not None:
        acute = defaults.hospital.acute_beds[0]
        base = defaults.beds[acute].capacity
        assert isinstance(base, int)
        have = sum(beds[t["beds"]] for t in trusts.values()) if trusts else beds[acute]

        def acute_share(count: int) -> int:
            return min(have, int(count * have / base)) if base else 0

        fit = {k: acute_share(v) for k, v in state.hospital.medically_fit.items()}
        occupied = min(acute_share(state.hospital.occupied_beds), have - sum(fit.values()))
        result["hospital"] = {"occupied_beds": max(0, occupied), "medically_fit": fit}
    social = defaults.social_care
    if state.social_care is not None and social is not None:
        result["social_care"] = {
            need: share_of(getattr(social, need).uses, getattr(state.social_care, need))
            for need in ("home_care", "care_home")
            if getattr(social, need) is not None
        }
    return result


def build_place(
    tables: Tables, name: str | None = None, defaults: str | Path | None = None
) -> Place:
    """The scenario a place's tables make, over the defaults file (the national defaults)."""
    defaults_path = Path(defaults) if defaults is not None else DEFAULTS
    base = load_config(defaults_path).config
    if base.population is None:
        raise PlaceError(f"{defaults_path}: population: the defaults need a population to scale")
    names = {p.code: slug(p.code) for p in tables.practices}
    patients_by_age: dict[int, float] = defaultdict(float)
    for practice in tables.practices:
        for age, count in practice.patients_by_age.items():
            patients_by_age[age] += count
    registered = sum(p.registered for p in tables.practices)
    scale = registered / base.population.registered
    beds, bed_sources = _beds(tables, base, scale)
    trusts = _trusts(tables, base, beds, bed_sources)
    providers = _providers(tables, base, beds, bed_sources)
    builder = _StaffBuilder(tables, base, names)
    staff = builder.build()
    teams = _teams(tables, builder, base)
    place = Place(
        name=name or slug(tables.folder.resolve().name),
        defaults=defaults_path,
        practices=list(tables.practices),
        practice_names=names,
        cohorts=cohort_shares(patients_by_age),
        staff=staff,
        staff_defaults=base,
        beds=beds,
        bed_sources=bed_sources,
        demand=_demand(tables, base),
        starting_state=_starting_state(base, beds, scale, trusts, providers),
        trusts=trusts,
        providers=providers,
        teams=teams,
        bed_prices=_area_prices(base, trusts, providers),
    )
    if builder.skipped:
        left_out = ", ".join(f"{role} {fte:g} FTE" for role, fte in sorted(builder.skipped.items()))
        place.notes.append(f"Staff the care model has no role for, left out: {left_out}.")
    return place
