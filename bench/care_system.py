"""Benchmark: one replication of one year of the PCN baseline — wall time and peak memory.

Run as a script it simulates one replication and prints its timings as JSON; the benchmark
runs it in a fresh process each round so that each round's peak memory is its own.
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs/pcn_baseline.yaml"


def one_replication(
    config_path: Path = CONFIG, overrides: list[str] | None = None, reference: bool = False
) -> dict:
    """Build, run and measure replication 0 of a scenario (the baseline) in this process.

    With ``reference``, the plain-SimPy M/M/3 reference also runs in this process, once before
    the replication and once after it (its objects freed first), and ``reference_seconds`` is
    the mean of the two: a ratio to it compares the two at the same moment of a machine whose
    speed drifts.
    """
    sys.path.insert(0, str(ROOT))
    from bench import plain_simpy
    from caresim.config.files import load_config
    from caresim.models.measures import measure
    from caresim.models.model import CareSystemModel

    config = load_config(config_path, overrides or []).config
    references = [_reference_seconds(plain_simpy)] if reference else []
    start = time.perf_counter()
    model = CareSystemModel(config, 0)
    result = model.run()
    simulated = time.perf_counter()
    measure(result)
    measured = time.perf_counter()
    figures = {
        "simulate_seconds": simulated - start,
        "measure_seconds": measured - simulated,
        "patients": model.patients.count,
        "registered": sum(p.registered for p in config.population.practices.values()),
        "events": len(result.log),
        "peak_mb": peak_mb(),
    }
    if reference:
        del model, result
        gc.collect()
        references.append(_reference_seconds(plain_simpy))
        figures["reference_seconds"] = statistics.mean(references)
        figures["reference_total_seconds"] = sum(references)
    return figures


def peak_mb() -> float:
    """This process's peak resident memory in MB since it started its program.

    On Linux the peak of the process's own memory (VmHWM): ``ru_maxrss`` also counts what the
    process held before it started this program, and a child forked from a large parent starts
    out holding all of the parent's pages.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reference_seconds(plain_simpy) -> float:
    start = time.perf_counter()
    plain_simpy.run(100_000.0, seed=1)
    return time.perf_counter() - start


def replication_in_fresh_processes(
    config: Path = CONFIG, overrides: list[str] | None = None, rounds: int = 3
) -> dict:
    """Medians over ``rounds`` fresh processes, each running replication 0 of ``config`` and
    the plain-SimPy reference beside it; ``ratio`` is the median of the rounds' ratios of
    simulation and measures to their own reference."""
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--reference", str(config), *(overrides or [])],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        figures = json.loads(out.stdout)
        # The whole process but for the reference's own runs in it.
        figures["process_seconds"] = time.perf_counter() - start
        figures["process_seconds"] -= figures.get("reference_total_seconds", 0.0)
        if "reference_seconds" in figures:
            seconds = figures["simulate_seconds"] + figures["measure_seconds"]
            figures["ratio"] = seconds / figures["reference_seconds"]
        runs.append(figures)
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def benchmark(rounds: int = 3) -> dict:
    """Run the baseline's replication in fresh processes, print medians and hand them back."""
    median = replication_in_fresh_processes(CONFIG, [], rounds)
    years = (421 - 56) / 365
    print(
        f"PCN baseline (50,000 patients, 421 days of which 56 warm-up), one replication, median of {rounds}"
    )
    print(f"  patients {median['patients']:,.0f}, events recorded {median['events']:,.0f}")
    print(
        f"  simulation {median['simulate_seconds']:.1f} s, measures {median['measure_seconds']:.1f} s, whole process {median['process_seconds']:.1f} s (target <= 10 s)"
    )
    print(
        f"  peak memory {median['peak_mb']:.0f} MB (target <= 1,024 MB); {years:.2f} years measured"
    )
    _print_ratio(median)
    return median


def _print_ratio(median: dict) -> None:
    print(
        f"  simulation and measures {median['ratio']:.2f} x the plain-SimPy M/M/3 reference timed "
        f"in the same process ({median['reference_seconds']:.2f} s); whole process above without it"
    )


def ics_year(rounds: int = 1) -> dict:
    """One replication of the ICS example as it stands (421 days, 56 of them warm-up)."""
    median = replication_in_fresh_processes(ROOT / "configs/ics_example.yaml", [], rounds)
    print(
        f"ICS example ({median['registered']:,.0f} patients, 421 days of which 56 warm-up), "
        f"one replication, median of {rounds}"
    )
    print(f"  patients {median['patients']:,.0f}, events recorded {median['events']:,.0f}")
    print(
        f"  simulation {median['simulate_seconds']:.1f} s, measures {median['measure_seconds']:.1f} s, "
        f"whole process {median['process_seconds']:.1f} s; peak memory {median['peak_mb']:,.0f} MB"
    )
    _print_ratio(median)
    return median


if __name__ == "__main__":
    # care_system.py [--reference] [SCENARIO [KEY.PATH=VALUE ...]]: the baseline when no
    # scenario is named; --reference also times the plain-SimPy reference in this process.
    arguments = sys.argv[1:]
    with_reference = arguments[:1] == ["--reference"]
    arguments = arguments[1:] if with_reference else arguments
    path = Path(arguments[0]) if arguments else CONFIG
    print(json.dumps(one_replication(path, arguments[1:], with_reference)))
