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
from caresim.sim.recorder import VIDIGI_EVENT_TYPE, Kind

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
    """The replication's records, one row each, in the order they happened."""
    log = result.log
    columns = log.columns()
    labels = columns["label"]
    kinds = [label.kind for label in log.labels]
    event_type = np.array([VIDIGI_EVENT_TYPE[Kind(k)] for k in kinds], dtype=object)
    event = np.array([label.event for label in log.labels], dtype=object)
    setting = np.array([label.setting for label in log.labels], dtype=object)
    pathways = np.array(log.pathways, dtype=object)
    entity_pathway = np.array(log.entity_pathway, dtype=np.int32)
    unit = columns["unit"]
    frame = pd.DataFrame(
        {
            "entity_id": columns["entity"],
            "event_type": pd.Categorical(event_type[labels]),
            "event": pd.Categorical(event[labels]),
            "time": columns["time"],
            "run_number": np.full(len(labels), result.replication, dtype=np.int64),
            "resource_id": pd.array(np.where(unit >= 0, unit + 1, 0), dtype="Int64"),
            "pathway": pd.Categorical(
                pathways[entity_pathway[columns["entity"]]] if len(labels) else []
            ),
            "setting": pd.Categorical(setting[labels]),
        }
    )
    frame.loc[unit < 0, "resource_id"] = pd.NA
    return frame
