"""A progress bar with an estimate of the time left, written to standard error."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts finished work out of a total; redraws in place on a terminal, else a few lines."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, done: int = 0):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.done = done
        self._start_done = done
        self._started = time.perf_counter()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_tenth = -1

    def extend(self, more: int, already_done: int = 0) -> None:
        """Add ``more`` to the total, of which ``already_done`` are finished (not timed for ETA)."""
        self.total += more
        self.done += already_done
        self._start_done += already_done

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw()

    def _draw(self) -> None:
        if self.total <= 0:
            return
        fraction = self.done / self.total
        elapsed = time.perf_counter() - self._started
        fresh = self.done - self._start_done
        left = elapsed / fresh * (self.total - self.done) if fresh else float("nan")
        eta = "" if left != left else f" ETA {_clock(left)}"
        width = 24
        bar = "#" * int(fraction * width) + "." * (width - int(fraction * width))
        text = f"{self.label} [{bar}] {self.done}/{self.total}{eta}"
        if self._tty:
            end = "\n" if self.done >= self.total else ""
            self.stream.write(f"\r{text}   {end}")
            self.stream.flush()
        else:
            tenth = int(fraction * 10)
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(text + "\n")
                self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
