"""Where a stage's per-file tasks run: in this process, in a local process pool, or (see
``dask_executor``) on a Dask cluster.

Every executor takes the same ``FileTask`` objects and yields ``TaskResult`` objects in
completion order; the runner puts them back in input order, so outputs and lineage do not
depend on the executor. An executor starts its workers on first use, so a pipeline whose
stages are all skipped (unchanged inputs) never pays for a pool or a cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from sec_finetune.pipeline.tasks import FileTask, TaskResult, error_text, failed_result, run_task

TaskFn = Callable[[FileTask, dict[str, Any], Any], TaskResult]
ExecutorKind = Literal["local", "dask"]
EXECUTOR_KINDS: tuple[ExecutorKind, ...] = ("local", "dask")

# Tasks in flight per worker: enough to keep every worker busy while the parent writes
# results, few enough that only a handful of filings sit in memory at once.
_IN_FLIGHT_PER_WORKER = 2


class ExecutorError(RuntimeError):
    """The executor cannot start (missing extra, unreachable scheduler)."""


class Executor(Protocol):
    def start(self) -> None:
        """Start the workers now (the runner calls it before creating a run directory,
        so an unreachable cluster leaves no failed run behind)."""
        ...

    def run(
        self, tasks: Iterable[FileTask], config: dict[str, Any], state: Any
    ) -> Iterator[TaskResult]:
        """Run every task; yield one result per task, in completion order."""
        ...

    def describe(self) -> dict[str, Any]:
        """Where the tasks ran, for the run directory (``run.json`` summary ``executor``)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def available_cores() -> int:
    """CPUs this process may run on (respects taskset/cgroup affinity where the OS says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class _Closing:
    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SerialExecutor(_Closing):
    """``--jobs 1``: every task in this process, one after the other (no pool to start,
    and a debugger or profiler sees the stage code directly)."""

    def run(
        self, tasks: Iterable[FileTask], config: dict[str, Any], state: Any
    ) -> Iterator[TaskResult]:
        for task in tasks:
            yield run_task(task, config, state)

    def describe(self) -> dict[str, Any]:
        return {"kind": "local", "jobs": 1, "host": socket.gethostname()}


class ProcessExecutor(_Closing):
    """``--jobs N``: a pool of N worker processes on this machine.

    Workers come from a *forkserver*: forking the pytest or CLI process itself is unsafe
    once it runs threads (Dask, a web server), and spawning re-imports everything per
    worker. A worker that dies (segfault in a parser, out of memory) breaks the pool; the
    tasks it took down are re-run one at a time in a fresh pool, so only the file that
    kills a worker again is reported failed and the batch goes on.
    """

    def __init__(self, jobs: int, task_fn: TaskFn = run_task) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self.task_fn = task_fn  # a module-level function (pickled by name)
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        self._start()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context(self.start_method)
            if self.start_method == "forkserver":
                # Workers fork from a server that has already imported the stage code.
                context.set_forkserver_preload(["sec_finetune.pipeline.tasks"])
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        return self._pool

    @property
    def start_method(self) -> str:
        # forkserver is POSIX-only; Windows spawns.
        methods = multiprocessing.get_all_start_methods()
        return "forkserver" if "forkserver" in methods else "spawn"

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(
        self, tasks: Iterable[FileTask], config: dict[str, Any], state: Any
    ) -> Iterator[TaskResult]:
        pending: dict[Future[TaskResult], FileTask] = {}
        lost: list[FileTask] = []
        source = iter(tasks)
        window = self.jobs * _IN_FLIGHT_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and not lost and len(pending) < window:
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                try:
                    pending[self._start().submit(self.task_fn, task, config, state)] = task
                except BrokenProcessPool:  # a worker died since the last wait()
                    lost.append(task)
            if not lost:
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        lost.append(task)
                        continue
                    except Exception as exc:  # e.g. a result that cannot be pickled back
                        result = failed_result(task.index, error_text(exc))
                    yield result
            if lost:
                # Every task still pending went down with the pool: take them back and
                # retry each alone in a fresh pool, so the culprit is identified.
                lost.extend(pending.values())
                pending.clear()
                self.close()
                yield from self._isolate(lost, config, state)
                lost = []

    def _isolate(
        self, tasks: list[FileTask], config: dict[str, Any], state: Any
    ) -> Iterator[TaskResult]:
        for task in sorted(tasks, key=lambda t: t.index):
            try:
                result = self._start().submit(self.task_fn, task, config, state).result()
            except BrokenProcessPool:
                self.close()
                result = failed_result(
                    task.index, "WorkerDied: the worker process died while processing this file"
                )
            except Exception as exc:
                result = failed_result(task.index, error_text(exc))
            yield result

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "local",
            "jobs": self.jobs,
            "host": socket.gethostname(),
            "start_method": self.start_method,
        }


def make_executor(
    kind: ExecutorKind = "local", *, jobs: int | None = None, scheduler: str | None = None
) -> Executor:
    """The executor the command line asks for. ``jobs`` defaults to the usable cores; with
    Dask and no ``scheduler`` it is the number of LocalCluster worker processes."""
    jobs = available_cores() if jobs is None else jobs
    if jobs < 1:
        raise ExecutorError(f"--jobs must be at least 1, got {jobs}")
    if kind == "dask":
        from sec_finetune.pipeline.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, n_workers=jobs)
    if scheduler is not None:
        raise ExecutorError("--scheduler needs --executor dask")
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
