"""The event log: one flat record per event, collected into typed columns, and a table of entities.

A record is ``(entity, label, time, unit, ref)``. The *label* is registered once before the run and
carries what the record means (its kind, step name, the group it belongs to and the setting);
``unit`` is the staff member or bed used (or -1); ``ref`` is the row of the record this one closes
(the queue record a start closes, the start an end closes), so that every duration is a
vectorised subtraction after the run rather than bookkeeping during it.

An entity arrives once and departs at most once, so its arrival and departure (label and time)
are columns of the entity table, not records: they were a third of a general practice's records,
and an entity's two moments take 20 bytes in the table against 40 as two records.
"""

from __future__ import annotations

from array import array
from collections import deque
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = ["NO_LABEL", "EventLog", "Kind", "Label", "VIDIGI_EVENT_TYPE"]

MAX_LABELS = 65_535  # label codes are 16-bit, the last kept for "none"
NO_LABEL = 65_535  # the departure label of an entity that has not departed
NAN = float("nan")
MAX_CODES = 32_767  # pathways and attribute values are 16-bit, with -1 for unknown
_append = array.append
_consume = deque[None](maxlen=0).extend  # runs an iterator to its end, keeping nothing


class Kind(IntEnum):
    """What a record marks."""

    ARRIVAL = 0  # an entity enters the system (in the entity table)
    DEPART = 1  # an entity leaves the system (in the entity table)
    QUEUE = 2  # starts waiting for a pool
    START = 3  # is granted a unit of a pool (closes its queue record)
    END = 4  # releases the unit (closes its start)
    ABANDON = 5  # gives up waiting after its patience (closes its queue record)
    TURNED_AWAY = 6  # finds a pool full and is turned away (closes its queue record)
    MILESTONE = 7  # any other named moment (e.g. medically fit, referred)


#: The vidigi ``event_type`` of each kind. Leaving a queue early is a ``queue`` event at a named
#: place (e.g. ``clinic_abandoned``), which is where an animation shows the entity until it departs.
VIDIGI_EVENT_TYPE = {
    Kind.ARRIVAL: "arrival_departure",
    Kind.DEPART: "arrival_departure",
    Kind.QUEUE: "queue",
    Kind.START: "resource_use",
    Kind.END: "resource_use_end",
    Kind.ABANDON: "queue",
    Kind.TURNED_AWAY: "queue",
    Kind.MILESTONE: "queue",
}


@dataclass(frozen=True)
class Label:
    """What records with one label code mean."""

    code: int
    kind: Kind
    event: str  # the name written to the log, e.g. "clinic_wait", "arrival"
    group: str  # the step, pool or stream the record belongs to
    setting: str  # where it happens, e.g. "general_practice" or "system"
    pool: str = ""  # the pool whose units a queue/start/end record concerns


class EventLog:
    """Flat records of one replication, in columns, with a registry of labels and entities."""

    def __init__(self) -> None:
        # 20 bytes a record. Rows and entities are counted in 32 bits (2,147,483,647 of each:
        # some thirty replication-years of a whole integrated care system), labels in 16, and
        # units in 16 until a pool of more than 32,767 units has one used (then in 32).
        self.entity = array("i")
        self.label = array("H")
        self.time = array("d")
        self.unit = array("h")
        self.ref = array("i")
        self._last_row = -1
        self.labels: list[Label] = []
        self._by_key: dict[tuple[Kind, str, str, str], Label] = {}
        self.entity_pathway = array("h")  # pathway code of each entity, by entity id
        self.arrival = array("H")  # arrival label of each entity
        self.arrived = array("d")  # and its time
        self.departure = array("H")  # departure label of each entity, NO_LABEL till it departs
        self.departed = array("d")  # and its time, NaN till then
        self.pathways: list[str] = []
        self._pathway_codes: dict[str, int] = {}
        # Further attributes of entities (e.g. the practice they belong to), by entity id.
        self.entity_attributes: dict[str, array] = {}
        self.attribute_values: dict[str, list[str]] = {}
        self._attribute_columns: list[array] = []  # the same columns, in order of declaration

    # -- set-up, before the clock starts ---------------------------------------------------------
    def register(
        self, kind: Kind, event: str, group: str, setting: str = "system", pool: str = ""
    ) -> int:
        """The code of a label; registering the same (kind, event, group, pool) again returns it."""
        key = (kind, event, group, pool)
        if key in self._by_key:
            return self._by_key[key].code
        if len(self.labels) == MAX_LABELS:
            raise ValueError(f"a run's event log holds at most {MAX_LABELS:,} labels")
        label = Label(len(self.labels), Kind(kind), event, group, setting, pool)
        self.labels.append(label)
        self._by_key[key] = label
        return label.code

    def pathway_code(self, name: str) -> int:
        """The code of a pathway name (the route an entity follows, e.g. its arrival stream)."""
        code = self._pathway_codes.get(name)
        if code is None:
            if len(self.pathways) == MAX_CODES:
                raise ValueError(f"a run's event log holds at most {MAX_CODES:,} pathways")
            code = self._pathway_codes[name] = len(self.pathways)
            self.pathways.append(name)
        return code

    def add_attribute(self, name: str, values: list[str]) -> None:
        """Declare an entity attribute with its possible values; entities then give its code."""
        if name in self.entity_attributes or name == "pathway":
            raise ValueError(f"entity attribute {name!r} is already declared")
        if len(self.entity_pathway):
            raise ValueError("entity attributes are declared before the first entity")
        if len(values) > MAX_CODES:
            raise ValueError(f"entity attribute {name!r} has more than {MAX_CODES:,} values")
        self.entity_attributes[name] = array("h")
        self.attribute_values[name] = list(values)
        self._attribute_columns.append(self.entity_attributes[name])

    # -- during the run --------------------------------------------------------------------------
    def arrive(self, label: int, pathway: int, time: float, *attributes: int) -> int:
        """A new entity id (0, 1, 2, ...), arriving at ``time`` by the ARRIVAL ``label`` on a
        pathway, with codes of the declared attributes (-1, unknown, for those not given)."""
        self.entity_pathway.append(pathway)
        columns = self._attribute_columns
        if len(attributes) == len(columns):
            _consume(map(_append, columns, attributes))  # each column.append(value), in C
        else:
            for index, column in enumerate(columns):
                column.append(attributes[index] if index < len(attributes) else -1)
        self.arrival.append(label)
        self.arrived.append(time)
        self.departure.append(NO_LABEL)
        self.departed.append(NAN)
        return len(self.entity_pathway) - 1

    def depart(self, entity: int, label: int, time: float) -> None:
        """The entity leaves the system at ``time`` by the DEPART ``label``; once only."""
        if self.departure[entity] != NO_LABEL:
            raise ValueError(f"entity {entity} has already departed")
        self.departure[entity] = label
        self.departed[entity] = time

    def record(self, entity: int, label: int, time: float, unit: int = -1, ref: int = -1) -> int:
        """Append one record and return its row number."""
        self.entity.append(entity)
        self.label.append(label)
        self.time.append(time)
        try:
            self.unit.append(unit)
        except OverflowError:  # a unit beyond 16 bits: the column is widened, once
            self.unit = array("i", self.unit)
            self.unit.append(unit)
        self.ref.append(ref)
        self._last_row += 1
        return self._last_row

    # -- after the run ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._last_row + 1

    def columns(self) -> dict[str, np.ndarray]:
        """The records as read-only numpy arrays over the log's own memory (no copy).

        A finished log is read this way; while an array of it is alive the log cannot grow.
        """
        return {
            name: _view(getattr(self, name), dtype)
            for name, dtype in (
                ("entity", np.int32),
                ("label", np.uint16),
                ("time", np.float64),
                ("unit", np.int16 if self.unit.typecode == "h" else np.int32),
                ("ref", np.int32),
            )
        }

    def entities(self, *attributes: str) -> dict[str, np.ndarray]:
        """The entity table, with the declared ``attributes`` named, as read-only numpy arrays
        over the log's own memory (no copy)."""
        table = {
            name: _view(getattr(self, name), dtype)
            for name, dtype in (
                ("entity_pathway", np.int16),
                ("arrival", np.uint16),
                ("arrived", np.float64),
                ("departure", np.uint16),
                ("departed", np.float64),
            )
        }
        for name in attributes:
            table[name] = _view(self.entity_attributes[name], np.int16)
        return table

    def label_array(self, attribute: str) -> np.ndarray:
        """One attribute of every label (``kind``, ``event``, ``group``, ...), indexable by code."""
        values = [getattr(label, attribute) for label in self.labels]
        if attribute == "kind":
            return np.array([int(v) for v in values], dtype=np.int8)
        return np.array(values, dtype=object)


def _view(column: array, dtype) -> np.ndarray:
    """A read-only numpy array over an array's memory."""
    if not len(column):
        return np.empty(0, dtype=dtype)
    values = np.frombuffer(column, dtype=dtype)
    values.flags.writeable = False
    return values
