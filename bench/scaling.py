"""Benchmark: time and memory against population, for the README's table.

Three places built the same way, each run for one replication of the same four weeks (no
warm-up) in a fresh process, so that each figure is the cost of that place alone:

- the PCN baseline, 50,000 patients (configs/pcn_baseline.yaml);
- five networks of the ICS example, about 260,000 patients: the example's tables cut to its first
  five networks (practices, lists and staff; beds and places then come from the national defaults,
  scaled), built by ``caresim place`` into a temporary folder;
- the whole ICS example, about 1.27 million patients (configs/ics_example.yaml).

For each: patients registered, events recorded, the simulation's and the measures' wall times,
peak memory, and what a replication-year would take at the same cost per simulated day: its
time, and the size of its event log (which a year's peak memory is at least).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "configs/places/ics_example"
DAYS = 28
OVERRIDES = [f"run.horizon={DAYS} days", "run.warm_up=0 days", "run.replications=1"]
NETWORKS = 5
BYTES_PER_EVENT = 20  # the event log's columns: entity and ref 4 bytes, label and unit 2, time 8


def _copy_rows(source: Path, target: Path, keep) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(row for row in rows if keep(row))


def first_networks(folder: Path, networks: int = NETWORKS) -> Path:
    """The ICS example's tables cut to its first ``networks`` networks, as a scenario file."""
    sys.path.insert(0, str(ROOT))
    from caresim.place import build_place, read_tables, write_place

    tables = folder / "tables"
    tables.mkdir()
    with (TABLES / "practices.csv").open(encoding="utf-8", newline="") as handle:
        practices = list(csv.DictReader(handle))
    kept_networks = sorted({row["PCN_CODE"] for row in practices})[:networks]
    kept = {row["PRACTICE_CODE"] for row in practices if row["PCN_CODE"] in kept_networks}
    kept |= set(kept_networks)
    _copy_rows(TABLES / "practices.csv", tables / "practices.csv", lambda r: r["PCN_CODE"] in kept)
    for name in ("registered_by_age.csv", "workforce.csv"):
        _copy_rows(TABLES / name, tables / name, lambda r: r["ORG_CODE"] in kept)
    return write_place(build_place(read_tables(tables)), folder / "five_networks.yaml")


def _one(config: Path) -> dict:
    command = [sys.executable, str(ROOT / "bench/care_system.py"), str(config), *OVERRIDES]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def benchmark() -> None:
    with tempfile.TemporaryDirectory() as folder:
        places = {
            "PCN baseline": ROOT / "configs/pcn_baseline.yaml",
            f"{NETWORKS} networks of the ICS": first_networks(Path(folder)),
            "ICS example": ROOT / "configs/ics_example.yaml",
        }
        figures = {name: _one(path) for name, path in places.items()}
    print(f"Time and memory against population: one replication of {DAYS} days, fresh processes")
    print(
        f"  {'place':<24} {'patients':>10} {'events':>11} {'simulate s':>10} {'measure s':>9} "
        f"{'peak MB':>8} {'year s':>7} {'year log MB':>11}"
    )
    for name, f in figures.items():
        year = (f["simulate_seconds"] + f["measure_seconds"]) * 365 / DAYS
        log_mb = f["events"] * BYTES_PER_EVENT * 365 / DAYS / 1e6
        print(
            f"  {name:<24} {f['registered']:>10,} {f['events']:>11,} "
            f"{f['simulate_seconds']:>10.1f} {f['measure_seconds']:>9.1f} {f['peak_mb']:>8.0f} "
            f"{year:>7.0f} {log_mb:>11,.0f}"
        )
    small, large = figures["PCN baseline"], figures["ICS example"]
    per_patient = (large["simulate_seconds"] / large["registered"]) / (
        small["simulate_seconds"] / small["registered"]
    )
    print(
        f"  simulation time per registered patient, ICS / PCN: {per_patient:.2f} "
        "(1 is cost in proportion to the population)"
    )


if __name__ == "__main__":
    benchmark()
