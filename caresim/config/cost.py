"""What a run will cost before it starts: patients per replication and a rough run time.

The estimate counts the patients the config's demand brings over the horizon (arrival streams,
and the registered population's requests, attendances and referrals, with demand growth); the
patients that follow from them (follow-ups, admissions) are left out. The run time is a rough
guide from :data:`SECONDS_PER_PATIENT`, measured on the shipped scenarios.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from caresim.models.schema import Config

__all__ = ["MAX_PATIENTS", "SECONDS_PER_PATIENT", "WARN_SECONDS", "RunCost", "run_cost"]

#: Seconds of one core per patient the demand brings, simulated and measured: a replication-year
#: of the PCN baseline (336,000 patients estimated) took 10.2 s on an AMD EPYC machine and 24.6 s
#: on an Intel Xeon one (30 and 73 µs), one of the ICS example (8.5 million) 409 s and 885 s (48
#: and 104 µs); measured by ``make bench`` on 2-core machines in December 2026.
SECONDS_PER_PATIENT = 6e-5
#: Above this estimate the command says what the run will cost before it starts.
WARN_SECONDS = 60.0
#: Above this many patients in all (about 3 hours' work) a run needs ``--yes``.
MAX_PATIENTS = 200_000_000


@dataclass(frozen=True)
class RunCost:
    """The estimated size of a run."""

    patients_per_replication: float
    replications: int

    @property
    def patients(self) -> float:
        """Patients over every replication."""
        return self.patients_per_replication * self.replications

    @property
    def seconds(self) -> float:
        """A rough run time on one core."""
        return self.patients * SECONDS_PER_PATIENT

    def describe(self) -> str:
        """e.g. 'about 55,000 patients per replication × 5 replications, roughly 30 s'."""
        return (
            f"about {self.patients_per_replication:,.0f} patients per replication × "
            f"{self.replications} replications, roughly {_duration_text(self.seconds)} on one core"
        )


def _duration_text(seconds: float) -> str:
    for unit, size in (("days", 86400.0), ("hours", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:.0f} s"


def _population_rates(config: Config) -> dict[str, float]:
    """Requests, attendances and referrals per hour from the registered population, by cohort."""
    population = config.population
    if population is None:
        return {}
    tables = []
    if config.general_practice:
        tables += [a.rate for a in config.general_practice.activities.values()]
    if config.hospital and config.hospital.presentations:
        tables.append(config.hospital.presentations.rate)
    if config.district_nursing and config.district_nursing.referrals:
        tables.append(config.district_nursing.referrals)
    rates: dict[str, float] = {}
    for table in tables:
        for cohort, rate in table.items():
            share = population.cohorts.get(cohort, 0.0)
            rates[cohort] = rates.get(cohort, 0.0) + rate * share * population.registered
    return rates


def _grown(hours: float, growth: float) -> float:
    """Hours of demand at the starting rate that demand growing by ``growth`` a year brings
    over ``hours``: the integral of (1 + growth) ** (t / year)."""
    if growth == 0 or growth <= -1:
        return hours
    years = hours / 8760.0
    log_growth = math.log1p(growth)
    return 8760.0 * math.expm1(years * log_growth) / log_growth


def run_cost(config: Config, replications: int | None = None) -> RunCost:
    """The estimated size of a run of ``config`` (by default its own replications), with
    ``demand.scale`` and the population's demand growth, cohort by cohort."""
    horizon = config.run.horizon
    growth = config.population.demand_growth if config.population else 0.0
    patients = sum(arrival.rate for arrival in config.arrivals.values()) * horizon
    for cohort, rate in _population_rates(config).items():
        cohort_growth = growth.get(cohort, 0.0) if isinstance(growth, dict) else growth
        patients += rate * _grown(horizon, cohort_growth)
    return RunCost(patients * config.demand.scale, replications or config.run.replications)
