"""The care system: its config schema, the settings patients move through, and their measures.
It knows nothing of files, replications or plots."""

from __future__ import annotations

import importlib
from typing import Any

# Each public name and the module it lives in, imported on first use (PEP 562), so that importing
# one module of the package does not import them all.
_HOME = {
    "CareSystemModel": "caresim.models.model",
    "Config": "caresim.models.schema",
    "Measure": "caresim.models.measures",
    "Replication": "caresim.models.model",
    "measure": "caresim.models.measures",
    "simulate": "caresim.models.model",
}

__all__ = ["CareSystemModel", "Config", "Measure", "Replication", "measure", "simulate"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
