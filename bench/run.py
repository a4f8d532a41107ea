"""Benchmarks: ``make bench``. Figures go in the README with the machine they came from.

1. M/M/3 (configs/validation/mm3.yaml, one replication of 100,000 hours, about 270,000
   customers): caresim with its event log on, against the same queue written in plain SimPy
   (bench/plain_simpy.py). The two alternate, several times each, in one process; the medians
   of customers per second are compared.
2. The PCN baseline: one replication of one year, wall time and peak memory, each round in a
   fresh process (bench/care_system.py).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import care_system, plain_simpy  # noqa: E402
from caresim.configfile import load_config  # noqa: E402
from models.measures import measure  # noqa: E402
from models.model import simulate  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def mm3() -> None:
    config = load_config(ROOT / "configs/validation/mm3.yaml").config
    plain_rates, caresim_rates, end_to_end = [], [], []
    for round_ in range(ROUNDS + 1):  # the first round warms up and is not counted
        start = time.perf_counter()
        waits = plain_simpy.run(config.run.horizon, seed=round_)
        plain = len(waits) / (time.perf_counter() - start)

        start = time.perf_counter()
        result = simulate(config, replication=round_, seed=1)
        simulated = time.perf_counter() - start
        rows = measure(result)
        measured = time.perf_counter() - start
        customers = next(r.value for r in rows if r.group == "clinic" and r.measure == "completed")
        if round_:
            plain_rates.append(plain)
            caresim_rates.append(customers / simulated)
            end_to_end.append(customers / measured)
    p, c, e = (statistics.median(x) for x in (plain_rates, caresim_rates, end_to_end))
    print(f"M/M/3, 100,000 hours (~270,000 customers), median of {ROUNDS} alternating rounds")
    print(
        f"  plain SimPy (process per customer, Resource, random.expovariate): {p:>9,.0f} customers/s"
    )
    print(
        f"  caresim, simulation with event log on:                          {c:>9,.0f} customers/s"
    )
    print(
        f"  caresim, simulation + every measure computed from the log:      {e:>9,.0f} customers/s"
    )
    print(
        f"  ratio caresim / plain SimPy: {c / p:.2f} (simulation), {e / p:.2f} (with measures); target >= 0.8"
    )


def main() -> None:
    print(f"machine: {machine()}")
    mm3()
    care_system.benchmark()


if __name__ == "__main__":
    main()
