"""Where replications run: in this process, in local worker processes, or on a Dask cluster.

Every backend runs the same function, :func:`run_task`, on a :class:`Task` that carries the
scenario's config document (not a file path), so a worker needs nothing but the caresim package.
Results come back to the caller, which writes them; a worker never touches the output folder.
Since replication r's numbers depend only on (config, seed, r), every backend gives the same
results bit for bit.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
import threading
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from caresim.config.files import validate_document
from caresim.errors import CaresimError
from caresim.runs.replication import ReplicationFrames, simulate_replication

__all__ = [
    "Backend",
    "BackendError",
    "DaskBackend",
    "ProcessBackend",
    "SerialBackend",
    "Task",
    "TaskFailed",
    "caresim_version",
    "check_worker_versions",
    "run_task",
]


#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 10.0


class BackendError(CaresimError):
    """A backend that cannot be used as asked; ``str()`` is one line for the user."""


class TaskFailed(BackendError):
    """A replication that raised instead of finishing."""


@dataclass(frozen=True)
class Task:
    """One replication of one scenario: what a worker needs to run it."""

    scenario: str
    replication: int
    seed: int
    document: dict[str, Any]
    events: bool = False  # also keep the event log


def run_task(task: Task) -> ReplicationFrames:
    """Validate the scenario's config and simulate the replication (runs on a worker)."""
    config = validate_document(task.document, f"scenario '{task.scenario}'")
    return simulate_replication(
        config, task.scenario, task.replication, task.seed, events=task.events
    )


def _failed(task: Task, error: BaseException) -> TaskFailed:
    return TaskFailed(
        f"scenario '{task.scenario}', replication {task.replication} failed: "
        f"{type(error).__name__}: {error}"
    )


class Backend(ABC):
    """Runs tasks and hands back finished ones; used as a context manager."""

    #: Tasks worth having in flight at once (enough to keep every worker busy).
    slots: int = 1
    #: What the backend is, for messages and the manifest.
    description: str = ""

    @abstractmethod
    def submit(self, task: Task) -> None:
        """Start (or queue) a task."""

    @abstractmethod
    def wait(self) -> list[tuple[Task, ReplicationFrames]]:
        """Block until at least one submitted task has finished; return those that have.

        Raises :class:`TaskFailed` if one raised.
        """

    @abstractmethod
    def pending(self) -> int:
        """Tasks submitted and not yet handed back."""

    @abstractmethod
    def close(self) -> None:
        """Release workers; unfinished tasks are abandoned."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SerialBackend(Backend):
    """Runs each task in this process, in the order submitted, one per :meth:`wait`."""

    description = "serially in this process"

    def __init__(self) -> None:
        self._queue: collections.deque[Task] = collections.deque()

    def submit(self, task: Task) -> None:
        self._queue.append(task)

    def pending(self) -> int:
        return len(self._queue)

    def close(self) -> None:
        self._queue.clear()

    def wait(self) -> list[tuple[Task, ReplicationFrames]]:
        task = self._queue.popleft()
        try:
            return [(task, run_task(task))]
        except Exception as error:  # a replication's failure is reported, not a traceback
            raise _failed(task, error) from error


class ProcessBackend(Backend):
    """Runs tasks on ``workers`` local processes (``concurrent.futures``).

    ``start_method`` picks how workers start (``"spawn"``, ``"fork"``, ``"forkserver"``); by
    default the platform's. Nothing is set globally: the choice is this pool's alone.
    """

    def __init__(self, workers: int, start_method: str | None = None) -> None:
        self.workers = workers
        self.slots = 2 * workers
        self.description = f"on {workers} local worker processes"
        context = multiprocessing.get_context(start_method) if start_method else None
        self._pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_leave_with_parent
        )
        self._futures: dict[concurrent.futures.Future, Task] = {}

    def submit(self, task: Task) -> None:
        self._futures[self._pool.submit(run_task, task)] = task

    def pending(self) -> int:
        return len(self._futures)

    def wait(self) -> list[tuple[Task, ReplicationFrames]]:
        done, _ = concurrent.futures.wait(
            self._futures, return_when=concurrent.futures.FIRST_COMPLETED
        )
        finished = []
        # hand back in submission order, so that a serial and a parallel run write alike
        for future in [f for f in self._futures if f in done]:
            task = self._futures.pop(future)
            try:
                finished.append((task, future.result()))
            except concurrent.futures.process.BrokenProcessPool as error:
                raise TaskFailed(
                    f"a worker process died running scenario '{task.scenario}', replication "
                    f"{task.replication} (out of memory?): {error}"
                ) from error
            except Exception as error:
                raise _failed(task, error) from error
        return finished

    def close(self) -> None:
        # With nothing left to run the workers are joined, so that none is still shutting down
        # as Python exits (which made Python print an error about a closed pipe); with tasks
        # still pending (a failure or an interrupt) they are cancelled and not waited for.
        self._pool.shutdown(wait=not self._futures, cancel_futures=True)


def _leave_with_parent(interval: float = 0.5) -> None:
    """In a worker process: exit as soon as the process that started it has gone.

    A worker blocks reading its task queue, and (started by fork) holds that queue's write end
    itself, so it would wait for ever once the main process is killed (SIGKILL runs no
    clean-up). A watcher thread notices the worker being re-parented and ends it.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="caresim-parent-watch", daemon=True).start()


class DaskBackend(Backend):
    """Runs tasks on a Dask cluster: an existing scheduler, or a local cluster started here."""

    def __init__(self, client: Any, cluster: Any = None, description: str = "") -> None:
        self._client = client
        self._cluster = cluster
        self._futures: dict[Any, Task] = {}
        # Dask keys must be unique on the scheduler, which other clients may share.
        self._token = uuid.uuid4().hex[:12]
        self._count = 0
        workers = max(1, sum(client.nthreads().values()))
        self.slots = 2 * workers
        self.description = description or f"on Dask ({workers} worker threads)"

    @classmethod
    def connect(cls, address: str, timeout: float = CONNECT_TIMEOUT) -> DaskBackend:
        """Connect to a running scheduler, e.g. ``tcp://127.0.0.1:8786``.

        An address that does not answer as a Dask scheduler within ``timeout`` seconds, or a
        cluster whose workers run another version of caresim, is a :class:`BackendError`.
        """
        distributed = _import_distributed()
        if "://" not in address:  # Dask's own default protocol, checked at once like one given
            address = f"tcp://{address}"
        _check_is_scheduler(distributed, address, timeout)
        try:
            client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise BackendError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        workers = sum(client.nthreads().values())
        if workers == 0:
            client.close()
            raise BackendError(f"the Dask scheduler at {address} has no workers")
        try:
            check_worker_versions(client, address)
        except BackendError:
            client.close()
            raise
        return cls(client, None, f"on the Dask scheduler at {address} ({workers} worker threads)")

    @classmethod
    def local_cluster(cls, workers: int, processes: bool = True) -> DaskBackend:
        """Start a Dask cluster on this machine (loopback only) with one thread per worker."""
        import logging

        distributed = _import_distributed()
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            host="127.0.0.1" if processes else None,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = distributed.Client(cluster, set_as_default=False)
        return cls(client, cluster, f"on a local Dask cluster of {workers} workers")

    def submit(self, task: Task) -> None:
        self._count += 1
        future = self._client.submit(
            run_task,
            task,
            key=f"caresim-{task.scenario}-r{task.replication}-{self._token}-{self._count}",
            pure=False,
        )
        self._futures[future] = task

    def pending(self) -> int:
        return len(self._futures)

    def wait(self) -> list[tuple[Task, ReplicationFrames]]:
        distributed = _import_distributed()
        with self._client.as_current():  # this client, not a process-wide default
            done, _ = distributed.wait(list(self._futures), return_when="FIRST_COMPLETED")
        finished = []
        for future in [f for f in self._futures if f in done]:
            task = self._futures.pop(future)
            try:
                finished.append((task, future.result()))
            except Exception as error:
                raise _failed(task, error) from error
            finally:
                future.release()
        return finished

    def close(self) -> None:
        for future in self._futures:
            future.cancel()
        self._futures.clear()
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def caresim_version() -> str:
    """The version of caresim installed where this runs (asked of every Dask worker)."""
    from caresim import __version__

    return __version__


def check_worker_versions(client: Any, address: str, expected: str | None = None) -> None:
    """Refuse workers that run another version of caresim than ``expected`` (this command's)."""
    mine = expected or caresim_version()
    try:
        theirs = client.run(caresim_version)
    except Exception as error:  # a worker without caresim cannot even unpickle the question
        raise BackendError(
            f"the Dask workers at {address} cannot run caresim ({type(error).__name__}); "
            f"install caresim {mine} on every worker"
        ) from None
    other = sorted({version for version in theirs.values() if version != mine})
    if other:
        raise BackendError(
            f"the Dask workers at {address} run caresim {', '.join(other)}, this command "
            f"{mine}; install the same version on every worker"
        )


def _check_listening(address: str, timeout: float) -> None:
    """For a TCP address, fail at once if nothing listens there (Dask would retry until timeout)."""
    import socket
    from urllib.parse import urlsplit

    if not address.startswith("tcp://"):
        return
    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise BackendError(
            f"{address}: expected a scheduler address such as tcp://HOST:PORT"
        ) from None
    if not host or port is None:
        raise BackendError(f"{address}: expected a scheduler address such as tcp://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except TimeoutError:
        raise BackendError(
            f"cannot reach the Dask scheduler at {address}: no answer within {timeout:g} s"
        ) from None
    except OSError as error:
        raise BackendError(
            f"cannot reach the Dask scheduler at {address}: {error.strerror or error}"
        ) from None


def _check_is_scheduler(distributed: Any, address: str, timeout: float) -> None:
    """Ask ``address`` who it is, within ``timeout`` seconds; refuse anything but a scheduler."""
    import asyncio

    _check_listening(address, timeout)

    async def identity() -> Any:
        comm = await distributed.comm.connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(identity(), timeout)

    try:
        reply = asyncio.run(bounded())
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error) or "no answer"
        raise BackendError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {reason}"
        ) from None
    except Exception as error:  # something answered, but not in Dask's protocol
        raise BackendError(
            f"{address} does not answer as a Dask scheduler ({type(error).__name__})"
        ) from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise BackendError(f"{address} does not answer as a Dask scheduler")


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise BackendError(
            "Dask is not installed; install it with: pip install 'caresim[dask]'"
        ) from None
    return distributed
