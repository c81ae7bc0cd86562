"""``--executor dask``: the same per-file tasks on a Dask cluster (``dask.distributed``).

Without a scheduler address a ``LocalCluster`` of worker processes starts on this machine
(and stops with the run); with ``--scheduler tcp://host:8786`` the tasks go to an existing
cluster. Tasks carry the input bytes and return the output bytes, so workers need the
``sec-finetune`` package (same version) but neither the repository nor a shared file
system; only this process writes the run directory. Dask is an optional extra:
``pip install 'sec-finetune[distributed]'``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from sec_finetune.pipeline.executors import _IN_FLIGHT_PER_WORKER, ExecutorError, _Closing
from sec_finetune.pipeline.tasks import FileTask, TaskResult, error_text, failed_result, run_task

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

INSTALL_HINT = "pip install 'sec-finetune[distributed]'"


class DaskExecutor(_Closing):
    def __init__(
        self,
        *,
        scheduler: str | None = None,
        n_workers: int = 1,
        processes: bool = True,
        connect_timeout: float = 10.0,
    ) -> None:
        try:
            import distributed  # noqa: F401  (fail here, with the install hint)
        except ImportError as exc:
            raise ExecutorError(
                f"--executor dask needs dask.distributed, which is not installed: {INSTALL_HINT}"
            ) from exc
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.processes = processes
        self.connect_timeout = connect_timeout
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None

    def start(self) -> None:
        self._start()

    def _start(self) -> Client:
        if self._client is not None:
            return self._client
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            # One thread per worker: the stages are pure Python and hold the GIL. The
            # scheduler's HTTP server (health, metrics, the dashboard if bokeh is installed)
            # takes any free port: the default 8787 warns, and moves, when another cluster
            # or a second pipeline already holds it.
            self._cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=1,
                processes=self.processes,
                dashboard_address=":0",
            )
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(self.scheduler, timeout=self.connect_timeout)
            except OSError as exc:
                raise ExecutorError(
                    f"cannot reach the Dask scheduler {self.scheduler}: {exc}"
                ) from exc
            try:
                # A scheduler without workers would queue the tasks forever.
                self._client.wait_for_workers(1, timeout=self.connect_timeout)
            except TimeoutError as exc:
                self.close()
                raise ExecutorError(
                    f"the Dask scheduler {self.scheduler} has no workers "
                    f"(waited {self.connect_timeout:g} s); start some with "
                    f"`dask worker {self.scheduler}`"
                ) from exc
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(
        self, tasks: Iterable[FileTask], config: dict[str, Any], state: Any
    ) -> Iterator[TaskResult]:
        from distributed import as_completed

        client = self._start()
        # Config and state (the sentiment lexicon) go to every worker once, not per task.
        config_ref, state_ref = client.scatter([config, state], broadcast=True, hash=False)
        workers = max(1, _worker_count(client.scheduler_info()))
        window = workers * _IN_FLIGHT_PER_WORKER
        source = iter(tasks)
        index_of: dict[Any, int] = {}
        completed = as_completed()

        def submit_next() -> bool:
            task = next(source, None)
            if task is None:
                return False
            future = client.submit(run_task, task, config_ref, state_ref, pure=False)
            index_of[future] = task.index
            completed.add(future)
            return True

        for _ in range(window):
            if not submit_next():
                break
        for future in completed:
            index = index_of.pop(future)
            try:
                result: TaskResult = future.result()
            except Exception as exc:  # a worker died (KilledWorker) or the task was lost
                result = failed_result(index, error_text(exc))
            finally:
                future.release()
            yield result
            submit_next()

    def describe(self) -> dict[str, Any]:
        client = self._start()
        info = client.scheduler_info()
        dashboard = self._cluster.dashboard_link if self._cluster is not None else None
        return {
            "kind": "dask",
            "scheduler": info.get("address") or self.scheduler,
            "cluster": "LocalCluster" if self._cluster is not None else "external",
            "workers": _worker_count(info),
            "dashboard": dashboard,
            "client_host": socket.gethostname(),
            "dask": version("dask"),
            "distributed": version("distributed"),
        }


def _worker_count(info: dict[str, Any]) -> int:
    # Newer schedulers report the total; older ones list every worker.
    total = info.get("n_workers")
    return int(total) if isinstance(total, int) else len(info.get("workers", {}))
