"""Patients of a run, and the router that moves them between care settings.

A patient is an entity of the event log with a practice and a cohort. They arrive once (a request
to their practice, an attendance at the emergency department, a patient already in a bed at the
start), may pass through several settings, and depart once, to a named exit.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from caresim.sim.recorder import EventLog, Kind

__all__ = ["EXITS", "LEFT_EXITS", "Patients", "Router"]

#: Exits of the modelled system, by the group of their departure record.
EXITS = (
    "home",
    "long_term_care",
    "community_pharmacy",
    "self_care",
    "nhs_111",
    "urgent_treatment_centre",
)
#: Exits that mean the patient left without the care they came for (here).
LEFT_EXITS = (
    "self_care",
    "community_pharmacy",
    "nhs_111",
    "urgent_treatment_centre",
    "abandoned",
    "turned_away",
)

NO_PRACTICE = "none"


class Patients:
    """Creates patients (with practice and cohort) and records their arrival and departure."""

    def __init__(
        self, env: simpy.Environment, log: EventLog, practices: list[str], cohorts: list[str]
    ) -> None:
        self.env = env
        self.log = log
        self.practices = list(practices) + [NO_PRACTICE]
        self.cohorts = list(cohorts)
        log.add_attribute("practice", self.practices)
        log.add_attribute("cohort", self.cohorts)
        self._practice = log.entity_attributes["practice"]
        self._cohort = log.entity_attributes["cohort"]
        self._arrival_labels: dict[tuple[str, str], tuple[int, int]] = {}
        self._departure_labels: dict[tuple[str, str], int] = {}

    def areas(self, serves: list[list[str]]) -> list[int]:
        """By practice code, which of several sites (trusts, providers, teams) serves its
        patients, given each site's practices: the first site where none is named, and for
        patients of no practice."""
        site_of = [0] * len(self.practices)
        for k, practices in enumerate(serves):
            for practice in practices:
                site_of[self.practices.index(practice)] = k
        return site_of

    def arrival_label(self, pathway: str, setting: str) -> tuple[int, int]:
        """(label code, pathway code) for patients arriving by ``pathway`` into ``setting``."""
        key = (pathway, setting)
        found = self._arrival_labels.get(key)
        if found is None:
            code = self.log.register(Kind.ARRIVAL, "arrival", pathway, setting)
            found = self._arrival_labels[key] = (code, self.log.pathway_code(pathway))
        return found

    def arrive(self, label: tuple[int, int], practice: int, cohort: int) -> int:
        """A new patient, arriving now; returns their id."""
        return self.log.arrive(label[0], label[1], self.env._now, practice, cohort)

    def depart(self, entity: int, exit_name: str, setting: str) -> None:
        """The patient leaves the system by ``exit_name`` from ``setting``."""
        key = (exit_name, setting)
        code = self._departure_labels.get(key)
        if code is None:
            code = self._departure_labels[key] = self.log.register(
                Kind.DEPART, "depart", exit_name, setting
            )
        self.log.depart(entity, code, self.env._now)

    def practice_of(self, entity: int) -> int:
        return self._practice[entity]

    def cohort_of(self, entity: int) -> int:
        return self._cohort[entity]

    @property
    def count(self) -> int:
        """Patients who have arrived so far."""
        return len(self.log.arrived)


class Router:
    """Sends a patient on to a destination: a setting's way in, or an exit."""

    def __init__(self, patients: Patients) -> None:
        self.patients = patients
        self._entries: dict[str, Callable[[int, str], None]] = {}

    def register(self, destination: str, entry: Callable[[int, str], None]) -> None:
        """``entry(patient, source_setting)`` receives patients sent to ``destination``."""
        self._entries[destination] = entry

    def send(self, entity: int, destination: str, source: str) -> None:
        """Move a patient from setting ``source`` to ``destination``."""
        entry = self._entries.get(destination)
        if entry is not None:
            entry(entity, source)
        elif destination in EXITS:
            self.patients.depart(entity, destination, source)
        else:  # the config checks make this unreachable; a clear failure beats a lost patient
            raise RuntimeError(f"no setting receives patients sent to {destination!r}")
