"""The output folder of a run: written atomically, one part per finished replication, resumable.

Layout::

    DIR/manifest.json          what was run (resolved config, seeds, versions, times, status)
    DIR/parts/*.parquet        one file per finished (scenario, replication), written atomically
    DIR/replications.csv       every replication × measure, long format
    DIR/summary.csv            mean and 95% t-interval per measure
    DIR/timeseries.parquet     queue length and occupancy over time, per replication
    DIR/events.parquet         the event log, when asked for

Running the same command into the same folder skips the parts already there; a folder holding a
different config is refused, never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from caresim.errors import CaresimError

__all__ = [
    "REPLICATION_COLUMNS",
    "TIMESERIES_COLUMNS",
    "ResultStore",
    "StoreError",
    "atomic_write_text",
    "default_folder",
]

REPLICATION_COLUMNS = ["scenario", "replication", "setting", "group", "measure", "unit", "value"]
TIMESERIES_COLUMNS = [
    "scenario",
    "replication",
    "setting",
    "group",
    "measure",
    "unit",
    "time",
    "value",
]


class StoreError(CaresimError):
    """An output folder that cannot be used as asked; ``str()`` is one line for the user."""


def _file_mode() -> int:
    """The permissions a new file gets under the current umask (mkstemp's own are owner-only)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, _file_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a reader never sees half a file."""

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    _atomic(path, write)


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Replace ``path`` with ``frame`` as Parquet, atomically."""
    _atomic(path, lambda temporary: frame.to_parquet(temporary, index=False))


def atomic_write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Replace ``path`` with ``frame`` as CSV (floats written exactly), atomically."""
    atomic_write_text(path, frame.to_csv(index=False, float_format="%.17g", lineterminator="\n"))


def slug(text: str) -> str:
    """A folder-safe form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "run"


def default_folder(name: str, now: str, root: Path = Path("results")) -> Path:
    """``results/<name>-<time>``: a new folder for each run unless one is given."""
    return root / f"{slug(name)}-{now}"


class ResultStore:
    """An output folder for one config (by its hash), holding finished replications as parts."""

    def __init__(self, folder: Path, config_hash: str) -> None:
        self.folder = Path(folder)
        self.config_hash = config_hash
        self.parts = self.folder / "parts"

    @classmethod
    def open(cls, folder: Path, config_hash: str, manifest: dict[str, Any]) -> ResultStore:
        """Open ``folder`` for this config: create it, or resume it if it holds the same config.

        Refuses (:class:`StoreError`) a folder with other contents or another config.
        """
        folder = Path(folder)
        manifest_path = folder / "manifest.json"
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{folder}: exists and is not a folder; choose another --out")
        if manifest_path.exists():
            try:
                existing = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                raise StoreError(
                    f"{folder}: its manifest.json cannot be read; choose another --out"
                ) from None
            if existing.get("config_hash") != config_hash:
                raise StoreError(
                    f"{folder}: holds results of a different config; choose another --out "
                    "(results are never overwritten)"
                )
        elif folder.exists() and any(folder.iterdir()):
            raise StoreError(f"{folder}: exists and is not empty; choose another --out")
        store = cls(folder, config_hash)
        store.parts.mkdir(parents=True, exist_ok=True)
        if not manifest_path.exists():
            store.write_manifest({**manifest, "config_hash": config_hash, "status": "running"})
        return store

    def subfolder(self, name: str) -> ResultStore:
        """A store of parts in a folder inside this one, under the same config (e.g. pilot runs)."""
        store = ResultStore(self.folder / name, self.config_hash)
        store.parts.mkdir(parents=True, exist_ok=True)
        return store

    # -- manifest ------------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any]:
        return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_text(
            self.folder / "manifest.json",
            json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n",
        )

    def update_manifest(self, **fields: Any) -> None:
        self.write_manifest({**self.read_manifest(), **fields})

    # -- parts ---------------------------------------------------------------------------------
    def _part(self, scenario: str, replication: int, kind: str = "measures") -> Path:
        return self.parts / f"{slug(scenario)}__r{replication:05d}.{kind}.parquet"

    def is_done(self, scenario: str, replication: int) -> bool:
        return self._part(scenario, replication).exists()

    def write_replication(self, scenario: str, replication: int, frames) -> None:
        """Keep one finished replication (a ``ReplicationFrames``).

        The measures part is written last: its presence is what marks the replication done, so a
        run killed mid-write leaves that replication to be redone, never half-kept.
        """
        if frames.events is not None:
            atomic_write_parquet(self._part(scenario, replication, "events"), frames.events)
        atomic_write_parquet(self._part(scenario, replication, "timeseries"), frames.timeseries)
        atomic_write_parquet(self._part(scenario, replication), frames.measures)

    def replications(self, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
        """The measures of the given (scenario, replication) parts, in that order."""
        frames = [pd.read_parquet(self._part(s, r)) for s, r in keys]
        if not frames:
            return pd.DataFrame(columns=REPLICATION_COLUMNS)
        return pd.concat(frames, ignore_index=True)[REPLICATION_COLUMNS]

    def timeseries(self, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
        """The time series of the given parts, in that order."""
        frames = [pd.read_parquet(self._part(s, r, "timeseries")) for s, r in keys]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=TIMESERIES_COLUMNS)
        return pd.concat(frames, ignore_index=True)[TIMESERIES_COLUMNS]

    def events(self, keys: Iterable[tuple[str, int]]) -> pd.DataFrame | None:
        """The event logs of the given parts, where they were kept."""
        paths = [self._part(s, r, "events") for s, r in keys]
        frames = [pd.read_parquet(p) for p in paths if p.exists()]
        return pd.concat(frames, ignore_index=True) if frames else None

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        path = self.folder / name
        atomic_write_csv(path, frame)
        return path

    def write_parquet(self, name: str, frame: pd.DataFrame) -> Path:
        path = self.folder / name
        atomic_write_parquet(path, frame)
        return path
