"""Named random streams: same seed and name, same numbers; one stream never shifts another."""

import numpy as np
import pytest

from caresim.sim.streams import RandomStreams


def test_the_same_seed_replication_and_name_give_the_same_numbers():
    a = RandomStreams(7, replication=3).generator("arrivals.walk_in").random(5)
    b = RandomStreams(7, replication=3).generator("arrivals.walk_in").random(5)
    assert np.array_equal(a, b)


def test_names_replications_and_seeds_each_give_different_numbers():
    base = RandomStreams(7, 0).generator("x").random(5)
    assert not np.array_equal(base, RandomStreams(7, 0).generator("y").random(5))
    assert not np.array_equal(base, RandomStreams(7, 1).generator("x").random(5))
    assert not np.array_equal(base, RandomStreams(8, 0).generator("x").random(5))


def test_a_stream_does_not_depend_on_which_other_streams_were_taken():
    alone = RandomStreams(1).generator("b").random(10)
    streams = RandomStreams(1)
    streams.generator("a").random(1000)
    assert np.array_equal(streams.generator("b").random(10), alone)


def test_a_name_can_be_taken_only_once():
    streams = RandomStreams(1)
    streams.generator("a")
    with pytest.raises(ValueError, match="already in use"):
        streams.generator("a")


def test_streams_are_statistically_independent():
    streams = RandomStreams(11)
    x = streams.generator("x").random(20000)
    y = streams.generator("y").random(20000)
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(20000)
