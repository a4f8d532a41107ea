"""The care system: its config schema, the settings patients move through, and their measures.
It knows nothing of files, replications or plots."""

from caresim.models.measures import Measure, measure
from caresim.models.model import CareSystemModel, Replication, simulate
from caresim.models.schema import Config

__all__ = ["CareSystemModel", "Config", "Measure", "Replication", "measure", "simulate"]
