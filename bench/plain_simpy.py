"""The M/M/3 queue written by hand in plain SimPy, as a SimPy user would: the benchmark's baseline.

A process per customer, a ``simpy.Resource`` for the three servers, Python's own ``random`` for
exponential times, and each customer's wait appended to a list.
"""

from __future__ import annotations

import random

import simpy


def run(
    horizon: float = 100_000.0,
    seed: int = 1,
    arrival_rate: float = 2.7,
    service_rate: float = 1.0,
    servers: int = 3,
):
    """Simulate to ``horizon`` hours; return the waits of the customers who started service."""
    rng = random.Random(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=servers)
    waits: list[float] = []

    def customer():
        arrived = env.now
        with staff.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(service_rate))

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(arrival_rate))
            env.process(customer())

    env.process(arrivals())
    env.run(until=horizon)
    return waits
