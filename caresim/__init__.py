"""caresim: a discrete-event simulation of patient flow across NHS care settings.

``caresim.load(path, overrides)`` reads a scenario and ``caresim.run(scenario, replications=...,
seed=..., workers=...)`` runs it, returning the summary and the replications as DataFrames (see
:mod:`caresim.api`). Inside: the engine (``caresim.sim``), the care model (``caresim.models``) and
the outer layer (``config``, ``runs``, ``experiments``, ``outputs``, ``app`` and the command line).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Results", "__version__", "load", "run"]


def __getattr__(name: str) -> Any:
    # The Python API (caresim.api) is imported on first use, so that the command line's start-up
    # stays light.
    if name in ("Results", "load", "run"):
        from caresim import api

        return getattr(api, name)
    raise AttributeError(f"module 'caresim' has no attribute {name!r}")
