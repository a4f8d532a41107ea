"""Your place from data: a scenario built from CSV tables of practices, lists, staff and beds.

``caresim place TABLES_DIR --out scenario.yaml`` reads the tables (:mod:`caresim.place.tables`),
derives cohorts from age bands (:mod:`caresim.place.cohorts`), fills in what the tables do not say
from the national defaults (:mod:`caresim.place.build`) and writes a scenario that extends them
(:mod:`caresim.place.writer`).
"""

from caresim.place.build import Place, build_place
from caresim.place.tables import PlaceError, read_tables
from caresim.place.writer import write_place

__all__ = ["Place", "PlaceError", "build_place", "read_tables", "write_place"]
