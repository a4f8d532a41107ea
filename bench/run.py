"""Benchmarks: ``make bench``. Figures go in the README with the machine they came from.

1. M/M/3 (configs/validation/mm3.yaml, one replication of 100,000 hours, about 270,000
   customers): caresim with its event log on, against the same queue written in plain SimPy
   (bench/plain_simpy.py). The two alternate, several times each, in one process; the medians
   of customers per second are compared.
2. The PCN baseline: one replication of one year, wall time and peak memory, each round in a
   fresh process (bench/care_system.py); then one replication of the ICS example (421 days, as
   the baseline it extends), once, in a fresh process. Both are then set against the M/M/3
   reference's plain-SimPy time measured in 1. (targets: at most 3 and 60 times it, and the ICS
   at most 2 GB at its peak), and against the same reference timed in each one's own process,
   before and after it, which the verdict is on.
3. A sweep (4 scenarios of the M/M/3 x 2 replications: 8 tasks of about 1.5 s each) run by
   ``caresim experiment``'s machinery serially and on N = 2 local worker processes, alternating,
   each into a fresh folder; wall times include starting the workers and writing every output.
   The target is a speed-up of at least 0.8 N. For reference, the same tasks also run on a bare
   pool of N processes with nothing written: on a machine shared with other work, that shows
   how much parallelism there was to be had.
4. ``caresim run`` of the PCN baseline (its six replications of a year) with ``--workers 1`` and
   ``--workers 2``, as whole processes, each into a fresh folder: wall times, and whether the two
   ``summary.csv`` files are the same to the byte. The target is a speed-up of at least 1.6.
5. Time and memory against population (bench/scaling.py): the PCN baseline, five networks of the
   ICS example and the whole ICS example, four weeks each, in fresh processes.
6. Start-up: ``caresim --help``, ``caresim validate`` and ``caresim schema`` as whole processes,
   against ``python -c "import pandas"``, alternating; the target is a ``--help`` that starts
   faster than pandas alone imports.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import care_system, plain_simpy, scaling  # noqa: E402
from caresim.config.files import load_config  # noqa: E402
from caresim.experiments.experiment import run_experiment  # noqa: E402
from caresim.experiments.files import load_experiment  # noqa: E402
from caresim.models.measures import measure  # noqa: E402
from caresim.models.model import simulate  # noqa: E402
from caresim.runs.backends import ProcessBackend, SerialBackend, Task, run_task  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SWEEP_ROUNDS = int(os.environ.get("BENCH_SWEEP_ROUNDS", "3"))
WORKERS = 2

SWEEP = """\
name: bench_sweep
base: {base}
set: {{run.horizon: 80000 hours}}
seed: 1
replications: 2
measures: [system.clinic.wait_mean]
sweep:
  kind: grid
  parameters:
    staff.clinicians.headcount: [4, 5, 6]
"""


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


def mm3() -> float:
    """Print the M/M/3 comparison; hand back the plain-SimPy reference's median seconds."""
    config = load_config(ROOT / "configs/validation/mm3.yaml").config
    plain_rates, caresim_rates, end_to_end, plain_seconds = [], [], [], []
    for round_ in range(ROUNDS + 1):  # the first round warms up and is not counted
        start = time.perf_counter()
        waits = plain_simpy.run(config.run.horizon, seed=round_)
        plain_time = time.perf_counter() - start
        plain = len(waits) / plain_time

        start = time.perf_counter()
        result = simulate(config, replication=round_, seed=1)
        simulated = time.perf_counter() - start
        rows = measure(result)
        measured = time.perf_counter() - start
        customers = next(r.value for r in rows if r.group == "clinic" and r.measure == "completed")
        if round_:
            plain_seconds.append(plain_time)
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
    return statistics.median(plain_seconds)


def against_the_reference(pcn: dict, ics: dict, reference: float) -> None:
    """The replication-years against the plain-SimPy M/M/3 reference.

    The verdict is on the reference timed in each replication's own process, before and after
    it (the median of the rounds' ratios): a shared machine's speed drifts between the parts of
    a benchmark, and a ratio to a reference timed minutes apart moves with it. The ratio to the
    reference measured in 1. is printed beside it.
    """
    print(
        "Replication-years against the plain-SimPy M/M/3 reference, timed in the same process "
        f"(and, in brackets, against the {reference:.2f} s measured above)"
    )
    for name, figures, ratio_target, memory_target in (
        ("PCN baseline", pcn, 3.0, None),
        ("ICS example", ics, 60.0, 2048.0),
    ):
        seconds = figures["simulate_seconds"] + figures["measure_seconds"]
        ratio = figures["ratio"]
        line = (
            f"  {name:<13} {seconds:7.1f} s = {ratio:6.1f} x its reference of "
            f"{figures['reference_seconds']:.2f} s ({seconds / reference:.1f} x) (target <= "
            f"{ratio_target:.0f}): {'met' if ratio <= ratio_target else 'NOT met'}"
        )
        if memory_target is not None:
            peak = figures["peak_mb"]
            line += (
                f"; peak {peak:,.0f} MB (target <= {memory_target:,.0f}): "
                f"{'met' if peak <= memory_target else 'NOT met'}"
            )
        print(line)


def _bare_pool(tasks: list[Task]) -> float:
    """Wall time of the tasks on a bare pool of worker processes: no store, nothing written."""
    start = time.perf_counter()
    with ProcessPoolExecutor(WORKERS) as pool:
        for _ in pool.map(run_task, tasks):
            pass
    return time.perf_counter() - start


def sweep() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench_sweep.yaml"
        path.write_text(SWEEP.format(base=ROOT / "configs/validation/mm3.yaml"), encoding="utf-8")
        experiment = load_experiment(path)
        tasks = [
            Task(s.name, r, experiment.seed, s.document)
            for r in range(experiment.replications)
            for s in experiment.scenarios
        ]
        times: dict[str, list[float]] = {"serial": [], "parallel": [], "bare": []}
        summaries = set()
        for round_ in range(SWEEP_ROUNDS):
            for label in ("serial", "parallel"):
                backend = SerialBackend() if label == "serial" else ProcessBackend(WORKERS)
                start = time.perf_counter()
                with backend:
                    run_experiment(
                        experiment, Path(folder) / f"{label}-{round_}", backend, show_progress=False
                    )
                times[label].append(time.perf_counter() - start)
                summaries.add((Path(folder) / f"{label}-{round_}" / "summary.csv").read_bytes())
            times["bare"].append(_bare_pool(tasks))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    serial, parallel, bare = (statistics.median(times[k]) for k in ("serial", "parallel", "bare"))
    speed_up = serial / parallel
    target = 0.8 * WORKERS
    print(
        f"Sweep, {len(tasks)} tasks (4 scenarios x 2 replications of 80,000 hours), "
        f"median of {SWEEP_ROUNDS} alternating rounds; load average {load:.1f} on "
        f"{os.cpu_count()} cores (this benchmark itself adds up to {WORKERS}; more is other work "
        "competing for the cores)"
    )
    print(f"  caresim experiment, serially in one process: {serial:6.1f} s")
    print(f"  caresim experiment, {WORKERS} local worker processes:  {parallel:6.1f} s")
    print(
        f"  for reference, the same tasks on a bare pool of {WORKERS} processes, nothing written: "
        f"{bare:.1f} s (speed-up {serial / bare:.2f}: what the machine allowed)"
    )
    print(
        f"  speed-up {speed_up:.2f} (target >= 0.8 x {WORKERS} = {target:.1f}): "
        f"{'met' if speed_up >= target else 'NOT met'}; identical summary.csv in every run: "
        f"{'yes' if len(summaries) == 1 else 'NO'}"
    )


def run_workers() -> None:
    """The baseline's replications on one worker process and on two, whole ``caresim run``s."""
    caresim = [sys.executable, "-m", "caresim.cli", "run", "configs/pcn_baseline.yaml", "--quiet"]
    times: dict[int, float] = {}
    summaries: dict[int, bytes] = {}
    with tempfile.TemporaryDirectory() as folder:
        for workers in (1, WORKERS):
            out = Path(folder) / f"workers-{workers}"
            times[workers] = _process_seconds(
                [*caresim, "--workers", str(workers), "--out", str(out)]
            )
            summaries[workers] = (out / "summary.csv").read_bytes()
    speed_up = times[1] / times[WORKERS]
    print("caresim run configs/pcn_baseline.yaml (6 replications of a year), whole processes")
    print(f"  --workers 1: {times[1]:6.1f} s")
    print(f"  --workers {WORKERS}: {times[WORKERS]:6.1f} s")
    print(
        f"  speed-up {speed_up:.2f} (target >= 1.6): {'met' if speed_up >= 1.6 else 'NOT met'}; "
        f"summary.csv the same to the byte: {'yes' if summaries[1] == summaries[WORKERS] else 'NO'}"
    )


def _process_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def start_up() -> None:
    caresim = [sys.executable, "-m", "caresim.cli"]
    commands = {
        "caresim --help": [*caresim, "--help"],
        "caresim validate (the baseline)": [*caresim, "validate", "configs/pcn_baseline.yaml"],
        "caresim schema": [*caresim, "schema"],
        'python -c "import pandas"': [sys.executable, "-c", "import pandas"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(ROUNDS + 1):  # the first round fills the file cache and is not counted
        for name, command in commands.items():
            seconds = _process_seconds(command)
            if round_:
                times[name].append(seconds)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"Start-up, whole processes, median of {ROUNDS} alternating rounds")
    for name, seconds in medians.items():
        print(f"  {name:<34} {seconds:6.2f} s")
    help_, pandas = medians["caresim --help"], medians['python -c "import pandas"']
    print(
        f"  caresim --help / import pandas: {help_ / pandas:.2f} (target < 1): "
        f"{'met' if help_ < pandas else 'NOT met'}"
    )


def main() -> None:
    print(f"machine: {machine()}")
    # First, while this process is small: on Linux a child's peak memory counts the parent's
    # pages from before the child started, so a child started later would report too much.
    pcn = care_system.benchmark(min(ROUNDS, 3))
    ics = care_system.ics_year()
    scaling.benchmark()
    reference = mm3()
    against_the_reference(pcn, ics, reference)
    sweep()
    run_workers()
    start_up()


if __name__ == "__main__":
    main()
