"""The event log's entity table: one arrival and at most one departure for each entity."""

import math

import numpy as np
import pytest

from caresim.sim.recorder import NO_LABEL, EventLog, Kind


def _log_with_two_entities() -> tuple[EventLog, int, int]:
    log = EventLog()
    log.add_attribute("practice", ["north", "south"])
    came = log.register(Kind.ARRIVAL, "arrival", "walk_in")
    went = log.register(Kind.DEPART, "depart", "home")
    first = log.arrive(came, log.pathway_code("walk_in"), 1.5, 1)
    log.arrive(came, log.pathway_code("walk_in"), 2.0)
    log.record(first, log.register(Kind.QUEUE, "clinic_wait", "clinic"), 1.5)
    log.depart(first, went, 4.25)
    return log, came, went


def test_arrivals_and_departures_are_kept_by_entity_not_as_records():
    log, came, went = _log_with_two_entities()
    table = log.entities()
    assert len(log) == 1  # only the queue record
    assert table["arrival"].tolist() == [came, came]
    assert table["arrived"].tolist() == [1.5, 2.0]
    assert table["departure"].tolist() == [went, NO_LABEL]
    assert table["departed"][0] == 4.25 and math.isnan(table["departed"][1])
    assert log.entity_attributes["practice"].tolist() == [1, -1]
    assert not table["departed"].flags.writeable


def test_an_entity_departs_once_only():
    log, _, went = _log_with_two_entities()
    with pytest.raises(ValueError, match="already departed"):
        log.depart(0, went, 5.0)
    assert np.isnan(log.entities()["departed"][1])


def test_units_are_kept_in_16_bits_until_one_needs_more():
    log, _, _ = _log_with_two_entities()
    code = log.register(Kind.START, "clinic_start", "clinic")
    log.record(0, code, 2.0, 32_767)
    assert log.columns()["unit"].dtype == np.int16
    log.record(1, code, 3.0, 40_000)
    units = log.columns()["unit"]
    assert units.dtype == np.int32 and units.tolist() == [-1, 32_767, 40_000]
    assert len(log) == 3 and log.columns()["time"].tolist() == [1.5, 2.0, 3.0]
