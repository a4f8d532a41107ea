"""Named random streams: one master seed, an independent generator per source of randomness.

A stream's numbers depend only on the master seed, the replication number and the stream's name,
so adding, removing or changing one source of randomness never shifts the draws of another
(common random numbers), and a replication gives the same numbers in any process on any machine.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["RandomStreams", "stream_key"]


def stream_key(name: str) -> tuple[int, ...]:
    """Four 32-bit words that identify a stream name, stable across runs and platforms."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class RandomStreams:
    """The random generators of one replication, each derived by name from the master seed."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must not be negative")
        self.seed = int(seed)
        self.replication = int(replication)
        self._names: set[str] = set()

    def generator(self, name: str) -> np.random.Generator:
        """The generator of stream ``name``; each name may be taken once per replication.

        Taking a name twice would give two sources the same numbers, so it is an error.
        """
        if name in self._names:
            raise ValueError(f"random stream {name!r} is already in use")
        self._names.add(name)
        sequence = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication, *stream_key(name))
        )
        return np.random.Generator(np.random.PCG64(sequence))

    @property
    def names(self) -> frozenset[str]:
        """The names of the streams handed out so far."""
        return frozenset(self._names)
