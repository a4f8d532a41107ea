"""The one base of every error a user can cause: a message of one line, fit to show as it is.

Each room of caresim has its own kind (a config, an output folder, a finished result, a backend);
the command line catches :class:`CaresimError` and prints its message, never a traceback.
"""

from __future__ import annotations

__all__ = ["CaresimError"]


class CaresimError(Exception):
    """Something the user asked for that cannot be done. ``str()`` is a single line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))
