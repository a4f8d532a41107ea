"""The simulation engine: clock and calendars, random streams, distributions, arrivals, pools,
the event log and its statistics. It knows nothing of care settings, files or plots."""

from __future__ import annotations

import importlib
from typing import Any

# Each public name and the module it lives in, imported on first use (PEP 562), so that importing
# one module of the package does not import them all.
_HOME = {
    "BedPool": "caresim.sim.pools",
    "DailyWindows": "caresim.sim.windows",
    "DiscreteChoice": "caresim.sim.distributions",
    "Distribution": "caresim.sim.distributions",
    "Empirical": "caresim.sim.distributions",
    "EmpiricalTable": "caresim.sim.distributions",
    "EventLog": "caresim.sim.recorder",
    "Exponential": "caresim.sim.distributions",
    "Fixed": "caresim.sim.distributions",
    "Gamma": "caresim.sim.distributions",
    "Kind": "caresim.sim.recorder",
    "Level": "caresim.sim.monitors",
    "LogView": "caresim.sim.measures",
    "Lognormal": "caresim.sim.distributions",
    "PoissonArrivals": "caresim.sim.arrivals",
    "PoolUse": "caresim.sim.measures",
    "RandomStreams": "caresim.sim.streams",
    "Request": "caresim.sim.pools",
    "Rota": "caresim.sim.calendar",
    "draws": "caresim.sim.distributions",
    "ServerPool": "caresim.sim.pools",
    "StaffPool": "caresim.sim.pools",
    "Step": "caresim.sim.pools",
    "StepOutcome": "caresim.sim.measures",
    "SystemOutcome": "caresim.sim.measures",
    "Triangular": "caresim.sim.distributions",
    "Uniform": "caresim.sim.distributions",
    "WeeklyProfile": "caresim.sim.calendar",
    "Window": "caresim.sim.measures",
    "day_of_week": "caresim.sim.calendar",
    "hour_of_day": "caresim.sim.calendar",
    "parse_duration": "caresim.sim.units",
    "parse_rate": "caresim.sim.units",
    "sampler": "caresim.sim.distributions",
}

__all__ = [
    "BedPool",
    "DailyWindows",
    "DiscreteChoice",
    "Distribution",
    "Empirical",
    "EmpiricalTable",
    "EventLog",
    "Exponential",
    "Fixed",
    "Gamma",
    "Kind",
    "Level",
    "LogView",
    "Lognormal",
    "PoissonArrivals",
    "PoolUse",
    "RandomStreams",
    "Request",
    "Rota",
    "draws",
    "ServerPool",
    "StaffPool",
    "Step",
    "StepOutcome",
    "SystemOutcome",
    "Triangular",
    "Uniform",
    "WeeklyProfile",
    "Window",
    "day_of_week",
    "hour_of_day",
    "parse_duration",
    "parse_rate",
    "sampler",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
