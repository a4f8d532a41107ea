"""What a manifest records of the software and machine that produced a result."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

__all__ = ["git_commit", "machine", "made_by", "now_iso", "package_versions", "timestamp"]

PACKAGES = (
    "caresim",
    "simpy",
    "numpy",
    "pandas",
    "scipy",
    "pydantic",
    "pyyaml",
    "pyarrow",
    "matplotlib",
)


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages a result depends on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# Besides caresim's own code, the packages whose versions can change a replication's numbers:
# numpy's distributions may change between its versions (its policy on stream compatibility),
# and SimPy orders the model's events.
RESULT_PACKAGES = ("numpy", "simpy")


def _code_hash() -> str:
    """The SHA-256 of caresim's Python source, file by file in a fixed order."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def made_by() -> dict[str, str]:
    """What a replication's numbers depend on besides its config: caresim's code (by the hash
    of its source, which changes with any commit or local edit) and the versions of the
    packages in ``RESULT_PACKAGES``. A folder's replications are only ever resumed by the same."""
    versions = package_versions()
    return {"code": _code_hash(), **{name: versions[name] for name in RESULT_PACKAGES}}


def git_commit() -> str | None:
    """The commit of the caresim source in use (with ``+dirty`` if it has local changes), if known."""
    source = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+dirty" if dirty else commit


def machine() -> dict[str, object]:
    """The machine a run happened on."""
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
    }


def now_iso() -> str:
    """The current time, ISO 8601 with time zone."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def timestamp() -> str:
    """The current local time for folder names, e.g. ``20261123-101500``."""
    return datetime.now().strftime("%Y%m%d-%H%M%S")
