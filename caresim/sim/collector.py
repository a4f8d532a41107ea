"""Python's cyclic garbage collector, paused while a simulation is built, run and measured.

A simulation allocates millions of small objects (events, heap entries, closures) that live a
short while, and holds millions more for the whole run (the event queue, the pools, the
patients' state). The collector's young collections walk the objects that have survived since
the last one: in a whole integrated care system a fifth of a million of them each time, and a
tenth of the run's time in all, even with collections 140 times rarer than CPython's default.
None of that finds anything to free: the engine and the care model make no reference cycles
(the one they made, a pool's request holding the event that waits for it, is broken as the
request is granted or leaves), so reference counting frees every object as soon as it is done
with. The collector is paused inside the block and put back as it was after it; results are
the same to the byte.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, then restore it as it was (nesting too)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
