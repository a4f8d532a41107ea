"""Results of queueing theory that the engine is checked against and planners draw curves from.

Offered load ``a = λ / μ`` (in Erlangs) with ``c`` servers, staff or beds.
"""

from __future__ import annotations

import math

__all__ = [
    "erlang_b",
    "erlang_c",
    "mmc_queue_length_mean",
    "mmc_wait_mean",
    "mmc_wait_probability_over",
    "poisson_pmf",
    "poisson_quantile",
]


def erlang_b(servers: int, load: float) -> float:
    """Probability that an arrival finds all servers busy in an M/M/c/c (or M/G/c/c) loss system."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must not be negative")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival has to wait in an M/M/c queue (needs load < servers)."""
    if load >= servers:
        return 1.0
    rho = load / servers
    blocking = erlang_b(servers, load)
    return blocking / (1.0 - rho * (1.0 - blocking))


def mmc_wait_mean(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in the queue of an M/M/c queue, Wq = C(c, a) / (cμ − λ)."""
    load = arrival_rate / service_rate
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


def mmc_queue_length_mean(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean number waiting in an M/M/c queue, Lq = λ Wq (Little's law)."""
    return arrival_rate * mmc_wait_mean(arrival_rate, service_rate, servers)


def mmc_wait_probability_over(
    arrival_rate: float, service_rate: float, servers: int, t: float
) -> float:
    """Probability that the wait in an M/M/c queue exceeds ``t``: C · exp(−(cμ − λ) t)."""
    load = arrival_rate / service_rate
    if load >= servers:
        return 1.0
    return erlang_c(servers, load) * math.exp(-(servers * service_rate - arrival_rate) * t)


def poisson_pmf(k: int, mean: float) -> float:
    """P(N = k) for a Poisson count: the occupancy of an M/G/∞ system has mean λ·E[S]."""
    if k < 0:
        return 0.0
    return math.exp(k * math.log(mean) - mean - math.lgamma(k + 1)) if mean > 0 else float(k == 0)


def poisson_quantile(q: float, mean: float) -> int:
    """The smallest k with P(N ≤ k) ≥ q."""
    k, total = 0, poisson_pmf(0, mean)
    while total < q - 1e-12:
        k += 1
        total += poisson_pmf(k, mean)
    return k
