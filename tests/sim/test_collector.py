"""The garbage collector runs less often inside a simulation, and as before outside it."""

import gc

import pytest

from caresim.sim.collector import YOUNG_THRESHOLD, collecting_less


def test_the_threshold_is_raised_inside_and_restored_after_even_on_an_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collecting_less():
        assert gc.get_threshold() == (max(YOUNG_THRESHOLD, before[0]), *before[1:])
        raise RuntimeError("a failed run")
    assert gc.get_threshold() == before


def test_nested_blocks_restore_the_threshold_each_found():
    before = gc.get_threshold()
    with collecting_less(), collecting_less(5_000):
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
    assert gc.get_threshold() == before


def test_garbage_in_cycles_is_still_collected():
    class Node:
        pass

    with collecting_less():
        for _ in range(1_000):
            a, b = Node(), Node()
            a.other, b.other = b, a  # a cycle reference counting alone cannot free
        del a, b
        assert gc.collect() > 0
