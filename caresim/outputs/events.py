"""The event log of a replication as a table an animation library (vidigi) can read.

Columns: ``entity_id, event_type, event, time, run_number, resource_id, pathway, setting``.
``event_type`` is ``arrival_departure`` (events ``arrival``/``depart``), ``queue``, ``resource_use``
or ``resource_use_end``; ``time`` is in hours from the start of the run (a Monday, 00:00);
``resource_id`` counts the units of a pool from 1 and is empty where no unit is involved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from caresim.models.model import Replication
from caresim.sim.recorder import NO_LABEL, VIDIGI_EVENT_TYPE, Kind

__all__ = ["EVENT_COLUMNS", "event_frame"]

EVENT_COLUMNS = [
    "entity_id",
    "event_type",
    "event",
    "time",
    "run_number",
    "resource_id",
    "pathway",
    "setting",
]


def event_frame(result: Replication) -> pd.DataFrame:
    """The replication's records, and its entities' arrivals and departures, one row each, in the
    order of their times (at equal times: arrivals, then the records as made, then departures)."""
    log = result.log
    columns = log.columns()
    table = log.entities()
    everyone = np.arange(len(table["arrived"]), dtype=np.int32)
    gone = everyone[table["departure"] != NO_LABEL]
    entity = np.concatenate((everyone, columns["entity"], gone))
    labels = np.concatenate((table["arrival"], columns["label"], table["departure"][gone]))
    time = np.concatenate((table["arrived"], columns["time"], table["departed"][gone]))
    unit = np.concatenate(
        (np.full(len(everyone), -1, np.int32), columns["unit"], np.full(len(gone), -1, np.int32))
    )
    order = np.argsort(time, kind="stable")
    entity, labels, time, unit = entity[order], labels[order], time[order], unit[order]
    kinds = [label.kind for label in log.labels]
    event_type = np.array([VIDIGI_EVENT_TYPE[Kind(k)] for k in kinds], dtype=object)
    event = np.array([label.event for label in log.labels], dtype=object)
    setting = np.array([label.setting for label in log.labels], dtype=object)
    pathways = np.array(log.pathways, dtype=object)
    entity_pathway = table["entity_pathway"].astype(np.int32)
    frame = pd.DataFrame(
        {
            "entity_id": entity,
            "event_type": pd.Categorical(event_type[labels]),
            "event": pd.Categorical(event[labels]),
            "time": time,
            "run_number": np.full(len(labels), result.replication, dtype=np.int64),
            "resource_id": pd.array(np.where(unit >= 0, unit + 1, 0), dtype="Int64"),
            "pathway": pd.Categorical(pathways[entity_pathway[entity]] if len(labels) else []),
            "setting": pd.Categorical(setting[labels]),
        }
    )
    frame.loc[unit < 0, "resource_id"] = pd.NA
    return frame
