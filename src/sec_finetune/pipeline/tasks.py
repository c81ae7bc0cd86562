"""The unit of parallel work: one input file of one stage, as bytes in and bytes out.

A task carries the file's content rather than its path and returns the output document
already serialised, so whoever runs it (this process, a process pool, a Dask worker on
another machine) needs neither the repository nor a shared file system, and the bytes
written to the run directory are the same whichever executor produced them. Only the
parent process writes into the run directory.
"""

from __future__ import annotations

import functools
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from sec_finetune.atomic import dump_json
from sec_finetune.pipeline.stages import STAGES, FileResult, Source, StageName, code_sha256


@dataclass(frozen=True, slots=True)
class FileTask:
    index: int  # position in the stage's sorted inputs: results are put back in this order
    stage: StageName
    key: str
    source: Source


@dataclass(slots=True)
class TaskResult:
    index: int
    outcome: str  # processed / skipped / failed
    status: str
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    output: bytes | None = None  # the output document, serialised exactly as written
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU time of the worker on this task (for benchmarks)
    worker: str = ""  # host:pid of the process that ran it


def error_text(exc: BaseException) -> str:
    """``Type: first line of the message`` — what a file's failure is reported as."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class WorkerCodeMismatch(RuntimeError):
    """The worker's stage code is not the code the run's config (and lineage) names."""


@functools.cache
def _local_code_sha256(stage: StageName) -> str:
    return code_sha256(stage)


def run_task(task: FileTask, config: dict[str, Any], state: Any) -> TaskResult:
    """Run the stage's per-file function; never raises for a bad file."""
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        process = STAGES[task.stage].process
        # A Dask worker may run another installed version than the command that wrote the
        # config: its outputs would not be what lineage.json says made them.
        expected = config.get("code_sha256")
        if expected is not None and expected != _local_code_sha256(task.stage):
            raise WorkerCodeMismatch(
                f"{worker_name()} runs other {task.stage} code than this command "
                "(install the same sec-finetune on every worker)"
            )
        result: FileResult = process(task.source, task.key, config, state)
        output = None
        if result.data is not None:
            # Serialised here, in the worker, with the same function atomic_write_json
            # uses: the bytes are identical to what a --jobs 1 run writes.
            output = (dump_json(result.data) + "\n").encode("utf-8")
    except Exception as exc:  # one bad filing must not stop the batch
        return TaskResult(
            task.index,
            "failed",
            "failed",
            error=error_text(exc),
            seconds=round(time.perf_counter() - started, 3),
            cpu_seconds=time.process_time() - cpu_started,
            worker=worker_name(),
        )
    return TaskResult(
        task.index,
        result.outcome,
        result.status,
        detail=result.detail,
        output=output,
        seconds=round(time.perf_counter() - started, 3),
        cpu_seconds=time.process_time() - cpu_started,
        worker=worker_name(),
    )


def failed_result(index: int, error: str) -> TaskResult:
    """A task the executor itself lost (worker process died, task never returned)."""
    return TaskResult(index, "failed", "failed", error=error, worker="")
