"""The cyclic collector is paused inside a simulation, and a simulation leaves nothing for it."""

import gc

import pytest

from caresim.config.files import load_config
from caresim.models.model import CareSystemModel
from caresim.sim.collector import collector_paused
from tests.conftest import ROOT

CONFIGS = ROOT / "configs"


def test_the_collector_is_off_inside_and_back_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failed run")
    assert gc.isenabled()


def test_nested_blocks_leave_it_as_each_found_it():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("name", ["teaching/whole_system.yaml", "validation/mm3.yaml"])
def test_a_run_makes_no_reference_cycles_for_the_paused_collector_to_miss(name):
    """Everything a run allocates is freed by reference counting: with the collector paused,
    memory does not fill with garbage it would have found."""
    overrides = ["run.horizon=60 days"] if "whole_system" in name else ["run.horizon=2000 hours"]
    config = load_config(CONFIGS / name, overrides).config
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        with collector_paused():
            model = CareSystemModel(config, 0)  # kept: at the end it is garbage as a whole
            result = model.run()
        assert len(result.log) > 1_000
        gc.collect()
        found = [type(o).__qualname__ for o in gc.garbage]
        del model
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert found == []
