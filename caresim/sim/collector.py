"""Python's cyclic garbage collector, run less often while a simulation runs.

A simulation allocates millions of small objects (events, heap entries, closures) that live a
short while, and holds millions more for the whole run (the event queue, the pools, the
patients' state). CPython's default starts a young-generation collection every 700 net
allocations, and each collection, with its promotions to older generations, walks objects that
nearly all survive: for a network of practices that is about a fifth of the run's time. Few of
the objects form reference cycles (reference counting frees the rest at once), so collecting
after every 100,000 allocations instead changes nothing but the time: the garbage in cycles is
still collected, later, and results are the same to the byte.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["YOUNG_THRESHOLD", "collecting_less"]

#: Net allocations between young-generation collections while a simulation runs (CPython's
#: default is 700).
YOUNG_THRESHOLD = 100_000


@contextmanager
def collecting_less(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Raise the collector's young-generation threshold inside the block, then restore it."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
