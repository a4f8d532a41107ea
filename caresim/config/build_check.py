"""Building a validated config's model without running it, so that validation misses nothing.

Every check the care model makes when it is built (pools, books of appointments, rotas, the
starting state) runs here too, and its failure is a :class:`ConfigError` of one line.
"""

from __future__ import annotations

from pathlib import Path

from caresim.config.files import ConfigError
from caresim.models.schema import Config

__all__ = ["check_buildable"]


def check_buildable(config: Config, path: Path | str) -> None:
    """Build replication 0 of ``config`` at time zero; raise :class:`ConfigError` if it cannot be."""
    from caresim.models.model import CareSystemModel  # the model only when asked to build one

    try:
        CareSystemModel(config)
    except (ValueError, RuntimeError, KeyError) as error:
        raise ConfigError(f"{path}: the care system cannot be built: {error}") from None
