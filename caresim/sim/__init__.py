"""The simulation engine: clock and calendars, random streams, distributions, arrivals, pools,
the event log and its statistics. It knows nothing of care settings, files or plots."""

from caresim.sim.arrivals import PoissonArrivals
from caresim.sim.calendar import Rota, WeeklyProfile, day_of_week, hour_of_day
from caresim.sim.distributions import (
    DiscreteChoice,
    Distribution,
    Empirical,
    EmpiricalTable,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Sampler,
    Triangular,
    Uniform,
    sampler,
)
from caresim.sim.measures import LogView, PoolUse, StepOutcome, SystemOutcome, Window
from caresim.sim.monitors import Level
from caresim.sim.pools import BedPool, Request, ServerPool, StaffPool, Step
from caresim.sim.recorder import EventLog, Kind
from caresim.sim.streams import RandomStreams
from caresim.sim.units import parse_duration, parse_rate

__all__ = [
    "BedPool",
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
    "Sampler",
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
