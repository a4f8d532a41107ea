"""The output folder of a run: written atomically, one part per finished replication, resumable.

Layout::

    DIR/manifest.json          what was run (resolved config, seeds, versions, times, status)
    DIR/parts/*.parquet        per finished (scenario, replication): its measures, time series,
                               occupancy distribution and (if asked) events, written atomically
    DIR/parts/*.check.json     per part: its scenario, replication, config hash and checksums
    DIR/replications.csv       every replication × measure, long format
    DIR/summary.csv            mean and 95% t-interval per measure
    DIR/timeseries.parquet     queue length and occupancy over time, per replication
    DIR/events.parquet         the event log, when asked for

Running the same command into the same folder skips the parts already there, once each has been
checked against its record (its files' SHA-256 and the config hash it was written for); a part
that fails the check (truncated, altered, or from another config) is redone, and said so, never
mixed in. A folder holding a different config is refused, never overwritten.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from caresim.errors import CaresimError

try:
    import fcntl
except ImportError:  # not on this system: runs into one folder are not guarded
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "REPLICATION_COLUMNS",
    "TIMESERIES_COLUMNS",
    "ResultStore",
    "StoreError",
    "atomic_write_text",
    "default_folder",
]

REPLICATION_COLUMNS = [
    "scenario",
    "replication",
    "setting",
    "group",
    "kind",
    "measure",
    "unit",
    "value",
]
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


log = logging.getLogger(__name__)
PART_KINDS = ("events", "timeseries", "occupancy", "measures")


def _file_mode() -> int:
    """The permissions a new file gets under the current umask (mkstemp's own are owner-only)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents), or raise :class:`StoreError` naming it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"{folder}: exists and is not a folder; choose another --out") from None
    except OSError as error:
        raise StoreError(
            f"{folder}: cannot create the output folder ({error.strerror}); choose another --out"
        ) from None


def _atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    make_folder(path.parent)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise StoreError(f"{path}: cannot be written ({error.strerror})") from None
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, _file_mode())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot be written ({error.strerror})") from None
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
    """``results/<name>-<time>``, or ``-2``, ``-3``, ... after it if that is taken: a new folder
    for each run unless one is given, made here (empty) so that two runs started in the same
    second never share one."""
    make_folder(root)
    for number in itertools.count(1):
        folder = root / (f"{slug(name)}-{now}" + (f"-{number}" if number > 1 else ""))
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(
                f"{folder}: cannot create the output folder ({error.strerror}); choose --out"
            ) from None
        return folder
    raise AssertionError("unreachable")


def file_checksum(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise StoreError(
            f"{path}: cannot be read as a caresim manifest; choose another --out"
        ) from None
    if not isinstance(manifest, dict) or "config_hash" not in manifest:
        raise StoreError(f"{path}: not the manifest of a caresim run; choose another --out")
    return manifest


class ResultStore:
    """An output folder for one config (by its hash), holding finished replications as parts.

    ``redone`` lists the parts found but not trusted (with the reason), which are run again.
    """

    def __init__(self, folder: Path, config_hash: str) -> None:
        self.folder = Path(folder)
        self.config_hash = config_hash
        self.parts = self.folder / "parts"
        self.redone: dict[tuple[str, int], str] = {}
        self._verified: set[tuple[str, int]] = set()
        self._lock_handle: int | None = None

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
            existing = _read_manifest(manifest_path)
            if existing.get("config_hash") != config_hash:
                raise StoreError(
                    f"{folder}: holds results of a different config; choose another --out "
                    "(results are never overwritten)"
                )
            if "made_by" in manifest:
                _check_made_by(folder, existing.get("made_by"), manifest["made_by"])
        elif folder.exists() and _has_contents(folder):
            raise StoreError(f"{folder}: exists and is not empty; choose another --out")
        store = cls(folder, config_hash)
        make_folder(store.parts)
        store._lock()
        if not manifest_path.exists():
            store.write_manifest({**manifest, "config_hash": config_hash, "status": "running"})
        return store

    def _lock(self) -> None:
        """Hold the folder for this run alone until :meth:`close` (or the process ends): a second
        run into it at the same time is refused, never interleaved with this one."""
        if fcntl is None:  # no advisory locks on this system
            return
        handle = os.open(self.parts, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            raise StoreError(
                f"{self.folder}: another caresim run is writing into it now; wait for it to "
                "finish or choose another --out"
            ) from None
        self._lock_handle = handle

    def close(self) -> None:
        """Let other runs resume the folder."""
        if self._lock_handle is not None:
            os.close(self._lock_handle)
            self._lock_handle = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subfolder(self, name: str) -> ResultStore:
        """A store of parts in a folder inside this one, under the same config (e.g. pilot runs)."""
        store = ResultStore(self.folder / name, self.config_hash)
        make_folder(store.parts)
        return store

    # -- manifest ------------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any]:
        """The folder's manifest."""
        return _read_manifest(self.folder / "manifest.json")

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest, atomically."""
        atomic_write_text(
            self.folder / "manifest.json",
            json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n",
        )

    def update_manifest(self, **fields: Any) -> None:
        """Change some fields of the manifest."""
        self.write_manifest({**self.read_manifest(), **fields})

    # -- parts ---------------------------------------------------------------------------------
    def _part(self, scenario: str, replication: int, kind: str = "measures") -> Path:
        return self.parts / f"{slug(scenario)}__r{replication:05d}.{kind}.parquet"

    def _check_path(self, scenario: str, replication: int) -> Path:
        return self.parts / f"{slug(scenario)}__r{replication:05d}.check.json"

    def _problem(self, scenario: str, replication: int) -> str | None:
        """Why a part may not be trusted, or None if its record and its files agree."""
        check_path = self._check_path(scenario, replication)
        if not check_path.exists():
            return (
                "no record of it being finished"
                if self._part(scenario, replication).exists()
                else ""
            )
        try:
            record = json.loads(check_path.read_text(encoding="utf-8"))
            files = record["files"]
            if not isinstance(files, dict) or "measures" not in files:
                raise TypeError
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
            return "its record cannot be read"
        if record.get("config_hash") != self.config_hash:
            return "it was written for another config"
        if record.get("scenario") != scenario or record.get("replication") != replication:
            return "it belongs to another scenario or replication"
        for kind, checksum in files.items():
            path = self._part(scenario, replication, str(kind))
            try:
                if kind not in PART_KINDS or file_checksum(path) != checksum:
                    return f"its {kind} file has changed since it was written"
            except OSError:
                return f"its {kind} file is missing"
        for kind in PART_KINDS:
            if kind not in files and self._part(scenario, replication, kind).exists():
                return f"its {kind} file is not in its record"
        return None

    def is_done(self, scenario: str, replication: int) -> bool:
        """Whether the replication is finished and its part passes its check.

        A part that fails is noted in ``redone`` (and logged once) so that it is run again.
        """
        key = (scenario, replication)
        if key in self._verified:
            return True
        problem = self._problem(scenario, replication)
        if problem is None:
            self._verified.add(key)
            return True
        if problem and key not in self.redone:
            self.redone[key] = problem
            log.warning(
                "%s: redoing scenario '%s', replication %d: %s",
                self.parts,
                scenario,
                replication,
                problem,
            )
        return False

    def write_replication(self, scenario: str, replication: int, frames) -> None:
        """Keep one finished replication (a ``ReplicationFrames``).

        Its record (checksums and config hash) is written last: its presence is what marks the
        replication done, so a run killed mid-write leaves that replication to be redone.
        """
        self._check_path(scenario, replication).unlink(missing_ok=True)
        written = {
            "events": frames.events,
            "timeseries": frames.timeseries,
            "occupancy": getattr(frames, "occupancy", None),
            "measures": frames.measures,
        }
        checksums = {}
        for kind, frame in written.items():
            path = self._part(scenario, replication, kind)
            if frame is None:  # not kept (no event log asked for, or no bed pools)
                path.unlink(missing_ok=True)
                continue
            atomic_write_parquet(path, frame)
            checksums[kind] = file_checksum(path)
        record = {
            "scenario": scenario,
            "replication": replication,
            "config_hash": self.config_hash,
            "files": checksums,
        }
        atomic_write_text(self._check_path(scenario, replication), json.dumps(record) + "\n")
        self._verified.add((scenario, replication))

    def _read_part(self, path: Path) -> pd.DataFrame:
        try:
            return pd.read_parquet(path)
        except Exception as error:  # checked when resumed; damaged since: say which, in a line
            raise StoreError(
                f"{path}: cannot be read ({type(error).__name__}); run the same command again "
                "to redo it"
            ) from None

    def replications(self, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
        """The measures of the given (scenario, replication) parts, in that order."""
        frames = [self._read_part(self._part(s, r)) for s, r in keys]
        if not frames:
            return pd.DataFrame(columns=REPLICATION_COLUMNS)
        return pd.concat(frames, ignore_index=True)[REPLICATION_COLUMNS]

    def timeseries(self, keys: Iterable[tuple[str, int]]) -> pd.DataFrame:
        """The time series of the given parts, in that order."""
        frames = [self._read_part(self._part(s, r, "timeseries")) for s, r in keys]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=TIMESERIES_COLUMNS)
        return pd.concat(frames, ignore_index=True)[TIMESERIES_COLUMNS]

    def occupancy(self, keys: Iterable[tuple[str, int]]) -> list[pd.DataFrame]:
        """The occupancy distributions of the given parts that kept one, in that order."""
        paths = [self._part(s, r, "occupancy") for s, r in keys]
        return [self._read_part(p) for p in paths if p.exists()]

    def events(self, keys: Iterable[tuple[str, int]]) -> pd.DataFrame | None:
        """The event logs of the given parts, where they were kept."""
        paths = [self._part(s, r, "events") for s, r in keys]
        frames = [self._read_part(p) for p in paths if p.exists()]
        return pd.concat(frames, ignore_index=True) if frames else None

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        """Write a table into the folder as CSV, atomically."""
        path = self.folder / name
        atomic_write_csv(path, frame)
        return path

    def write_parquet(self, name: str, frame: pd.DataFrame) -> Path:
        """Write a table into the folder as Parquet, atomically."""
        path = self.folder / name
        atomic_write_parquet(path, frame)
        return path


def _check_made_by(folder: Path, existing: object, current: dict[str, str]) -> None:
    """Refuse to resume replications made by other code or package versions than these: the
    folder's summary would mix numbers of two models."""
    if not isinstance(existing, dict):
        raise StoreError(
            f"{folder}: its manifest does not say which caresim code made its results, so they "
            "cannot be resumed by this one; choose another --out (results are never mixed)"
        )
    for name, value in current.items():
        if existing.get(name) != value:
            was = existing.get(name)
            if name == "code":
                made, now = f"caresim code {str(was)[:12]}", f"this is {value[:12]}"
            else:
                made, now = f"{name} {was}", f"this is {name} {value}"
            raise StoreError(
                f"{folder}: its results were made by {made}, {now}; choose another --out "
                "(results of two versions are never mixed)"
            )


def _has_contents(folder: Path) -> bool:
    try:
        return any(folder.iterdir())
    except OSError as error:
        raise StoreError(
            f"{folder}: cannot be read ({error.strerror}); choose another --out"
        ) from None
