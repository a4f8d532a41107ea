"""Keeping a backend fed with replications and writing each as it comes back.

Tasks already in the result store are not run again (a resumed run); every finished one is
written to the store at once, so a run that is killed loses only the replications in flight.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable

from caresim.runs.backends import Backend, Task
from caresim.runs.progress import Progress
from caresim.runs.replication import ReplicationFrames
from caresim.runs.store import ResultStore

__all__ = ["Scheduler"]


class Scheduler:
    """Keeps the backend fed with tasks and writes each result as it comes back."""

    def __init__(self, backend: Backend, store: ResultStore, progress: Progress | None) -> None:
        self.backend = backend
        self.store = store
        self.progress = progress
        self.queue: collections.deque[Task] = collections.deque()
        self.resumed = 0

    def want(self, tasks: Iterable[Task]) -> list[Task]:
        """Plan tasks; return those already in the store (done, not run again)."""
        tasks = list(tasks)
        done = [t for t in tasks if self.store.is_done(t.scenario, t.replication)]
        self.queue.extend(t for t in tasks if not self.store.is_done(t.scenario, t.replication))
        self.resumed += len(done)
        if self.progress is not None:
            self.progress.extend(len(tasks), already_done=len(done))
        return done

    def run(self, finished: Callable[[Task, ReplicationFrames], None]) -> None:
        """Run until nothing is queued or in flight; ``finished`` may plan more work."""
        while self.queue or self.backend.pending():
            while self.queue and self.backend.pending() < self.backend.slots:
                self.backend.submit(self.queue.popleft())
            for task, frames in self.backend.wait():
                self.store.write_replication(task.scenario, task.replication, frames)
                if self.progress is not None:
                    self.progress.advance()
                finished(task, frames)
