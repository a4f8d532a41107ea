"""Reading a finished run or experiment folder: the tables figures and reports are drawn from.

A run folder holds ``manifest.json`` (``"kind": "run"``), ``summary.csv``, ``replications.csv``,
``timeseries.parquet``, ``occupancy.csv`` and, when asked, ``events.parquet``. An experiment folder
(``"kind": "experiment"``) holds the same for several scenarios, plus ``comparison.csv`` (paired
differences from a baseline), ``scenarios.csv`` (which config paths each scenario sets) and perhaps
``warmup.csv``. Files other than the manifest and the summary are optional: what is absent is
``None``, and what is drawn from it is left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from caresim.errors import CaresimError
from caresim.sim.units import UnitError, parse_duration

__all__ = ["ResultFolder", "ResultFolderError", "open_result"]


class ResultFolderError(CaresimError):
    """A folder that is not a finished caresim result; ``str()`` is one line for the user."""


_KEY = ["scenario", "setting", "group", "measure", "unit"]
#: The columns each table must have, and those of them that hold numbers.
SHAPES: dict[str, tuple[list[str], list[str]]] = {
    "summary.csv": ([*_KEY, "mean", "ci_low", "ci_high"], ["mean", "ci_low", "ci_high"]),
    "replications.csv": ([*_KEY, "replication", "value"], ["replication", "value"]),
    "replications.parquet": ([*_KEY, "replication", "value"], ["replication", "value"]),
    "timeseries.parquet": (
        [*_KEY, "replication", "time", "value"],
        ["replication", "time", "value"],
    ),
    "comparison.csv": (
        [*_KEY, "baseline", "mean_difference", "ci_low", "ci_high"],
        ["mean_difference", "ci_low", "ci_high"],
    ),
    "scenarios.csv": (["scenario", "parameter", "value"], []),
    "events.parquet": (["entity_id", "event_type", "event", "time"], ["time"]),
}


def _check_shape(path: Path, table: pd.DataFrame) -> pd.DataFrame:
    """Refuse a table without the columns (and numbers) caresim writes in it."""
    columns, numeric = SHAPES.get(path.name, ([], []))
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ResultFolderError(
            f"{path}: not a caresim table: no column {', '.join(missing)}; expected the columns "
            f"{', '.join(columns)}"
        )
    for column in numeric:
        if not pd.api.types.is_numeric_dtype(table[column]) or pd.api.types.is_bool_dtype(
            table[column]
        ):
            raise ResultFolderError(
                f"{path}: column {column}: expected numbers, found other values"
            )
    return table


def _read_optional(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    if not path.is_file():
        raise ResultFolderError(f"{path}: not a file; expected a table written by caresim")
    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except Exception as error:  # a damaged optional file is reported, not fatal to a report
        raise ResultFolderError(
            f"{path}: cannot be read as a table ({type(error).__name__})"
        ) from None
    return _check_shape(path, table)


@dataclass
class ResultFolder:
    """A finished run or experiment, read lazily from its folder."""

    path: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame

    @property
    def kind(self) -> str:
        """``"run"`` or ``"experiment"``."""
        return str(self.manifest.get("kind", "run"))

    @property
    def is_experiment(self) -> bool:
        """Whether the folder holds several scenarios compared with a baseline."""
        return self.kind == "experiment"

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in the order the summary lists them."""
        return list(dict.fromkeys(self.summary["scenario"].astype(str)))

    @cached_property
    def comparison(self) -> pd.DataFrame | None:
        """Paired differences scenario − baseline (experiments only)."""
        return _read_optional(self.path / "comparison.csv")

    @property
    def named_measures(self) -> list[tuple[str, str, str]]:
        """The (setting, group, measure) an experiment names under ``measures:``, in its order."""
        found = []
        for text in self.manifest.get("measures") or []:
            parts = str(text).split(".")
            if len(parts) == 3:
                found.append((parts[0], parts[1], parts[2]))
        return found

    @cached_property
    def scenario_settings(self) -> pd.DataFrame | None:
        """``scenario, parameter, value``: the config paths each scenario sets (experiments)."""
        table = _read_optional(self.path / "scenarios.csv")
        if table is not None:
            table = table.astype({"scenario": str, "parameter": str, "value": str})
        return table

    @cached_property
    def baseline(self) -> str:
        """The scenario the others are compared with (the only one, in a run)."""
        comparison = self.comparison
        if comparison is not None and "baseline" in comparison and len(comparison):
            return str(comparison["baseline"].iloc[0])
        named = self.manifest.get("baseline")
        if isinstance(named, str) and named in self.scenarios:
            return named
        return self.scenarios[0] if self.scenarios else str(self.manifest.get("scenario", ""))

    @cached_property
    def replications(self) -> pd.DataFrame | None:
        """Every replication × measure, long format."""
        table = _read_optional(self.path / "replications.csv")
        return table if table is not None else _read_optional(self.path / "replications.parquet")

    @cached_property
    def timeseries(self) -> pd.DataFrame | None:
        """Queue length and use of every pool over time, per replication."""
        return _read_optional(self.path / "timeseries.parquet")

    @cached_property
    def occupancy(self) -> pd.DataFrame | None:
        """The occupancy distribution of every bed pool, by scenario (``occupancy.csv``)."""
        table = _read_optional(self.path / "occupancy.csv")
        if table is not None:
            table = table.astype({"scenario": str, "pool": str})
        return table

    @cached_property
    def events(self) -> pd.DataFrame | None:
        """The event log, where the run kept one."""
        return _read_optional(self.path / "events.parquet")

    @cached_property
    def sensitivity(self) -> pd.DataFrame | None:
        """Inputs ranked by influence, which a Latin hypercube experiment writes."""
        return _read_optional(self.path / "sensitivity.csv")

    @cached_property
    def warmup(self) -> pd.DataFrame | None:
        """The warm-up analysis an experiment may have written."""
        return _read_optional(self.path / "warmup.csv")

    def config(self, scenario: str | None = None) -> dict[str, Any]:
        """The resolved config document of a scenario (the run's own config if there is one)."""
        configs = self.manifest.get("configs")
        if scenario is not None and isinstance(configs, dict):
            document = configs.get(scenario)
            if isinstance(document, dict):
                return document
        # A run's manifest holds its "config"; an experiment's, the "base_config" of its scenarios.
        document = self.manifest.get("config", self.manifest.get("base_config"))
        return document if isinstance(document, dict) else {}

    def _hours(self, key: str, run_key: str, default: float) -> float:
        value = self.manifest.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        text = self.config().get("run", {}).get(run_key)
        if isinstance(text, str):
            try:
                return parse_duration(text)
            except UnitError:
                pass
        return default

    @property
    def horizon_hours(self) -> float:
        """Simulated time of each replication, in hours (NaN if not recorded)."""
        return self._hours("horizon_hours", "horizon", float("nan"))

    @property
    def warm_up_hours(self) -> float:
        """Time at the start excluded from the measures, in hours."""
        return self._hours("warm_up_hours", "warm_up", 0.0)

    @property
    def window_hours(self) -> float:
        """The measured part of each replication: horizon less warm-up, in hours."""
        return self.horizon_hours - self.warm_up_hours


def open_result(folder: str | Path) -> ResultFolder:
    """Open a finished run or experiment folder, or say in one line why it cannot be used."""
    path = Path(folder)
    if not path.exists():
        raise ResultFolderError(f"{path}: no such folder")
    if not path.is_dir():
        raise ResultFolderError(f"{path}: is a file, expected a result folder")
    manifest_path = path / "manifest.json"
    if not manifest_path.exists():
        raise ResultFolderError(
            f"{path}: not a caresim result folder (expected a manifest.json written by "
            "'caresim run' or 'caresim experiment')"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ResultFolderError(
            f"{manifest_path}: cannot be read; expected the JSON manifest of a caresim result"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("kind", "run") not in ("run", "experiment"):
        raise ResultFolderError(
            f"{manifest_path}: not the manifest of a caresim run or experiment "
            '(expected "kind": "run" or "experiment")'
        )
    status = manifest.get("status", "complete")
    summary_path = path / "summary.csv"
    if status != "complete" or not summary_path.exists():
        kind = manifest.get("kind", "run")
        raise ResultFolderError(
            f"{path}: the {kind} has not finished (status {status!r}); "
            "run the same command again to finish it, then report"
        )
    summary = _read_optional(summary_path)
    if summary is None:
        raise ResultFolderError(f"{summary_path}: missing; expected the run's summary")
    summary = summary.astype({"scenario": str, "setting": str, "group": str, "measure": str})
    return ResultFolder(path, manifest, summary)
