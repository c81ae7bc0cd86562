"""One experiment run = one directory with a ``run.json`` describing it.

The directory layout and the keys of ``run.json`` are a contract with the MkDocs
plugin, which reads them without importing this package; bump ``RUN_FORMAT`` when
changing either incompatibly.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Literal, Self

import yaml

from .atomic import atomic_write_bytes, atomic_write_json, atomic_write_text, dump_json, to_plain
from .gitmeta import GitInfo, read_git_info
from .settings import Settings

__all__ = [
    "CONFIG_FILE",
    "LINEAGE_FILE",
    "METRICS_FILE",
    "METRICS_LOG_FILE",
    "RUN_FILE",
    "RUN_FORMAT",
    "TRACEBACK_FILE",
    "RunContext",
    "read_run",
]

RUN_FORMAT = "sec-finetune-run/1"
RUN_FILE = "run.json"
CONFIG_FILE = "run_config.yaml"
METRICS_FILE = "metrics.json"
METRICS_LOG_FILE = "metrics.jsonl"
LINEAGE_FILE = "lineage.json"
TRACEBACK_FILE = "traceback.txt"

RunStatus = Literal["running", "completed", "failed"]

# Names end up in directory names and URLs of the docs site: keep them boring.
_COMPONENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_MAX_COLLISION_SUFFIX = 10_000


def _now() -> datetime:
    return datetime.now().astimezone()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _check_component(kind: str, value: str) -> str:
    if not isinstance(value, str) or not _COMPONENT_RE.fullmatch(value):
        raise ValueError(
            f"run {kind} must be letters, digits, '.', '_' or '-' and start with a letter "
            f"or digit, got {value!r}"
        )
    return value


def read_run(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The parsed ``run.json`` of an existing run directory."""
    data: dict[str, Any] = json.loads((Path(run_dir) / RUN_FILE).read_text(encoding="utf-8"))
    return data


class RunContext:
    """Creates and documents one run directory.

    ``{base_dir}/{run_id}_{name}[_{sha}][_{n}]/`` where ``run_id`` is the local creation
    time ``YYYYMMDD_HHMMSS`` and ``_{n}`` (n >= 2) only appears when another run already
    took the same name in the same second.
    """

    def __init__(
        self,
        name: str,
        base_dir: str | os.PathLike[str] | None = None,
        git_sha: str | None = None,
        notes: Sequence[str] = (),
        settings: Settings | None = None,
    ) -> None:
        self.name = _check_component("name", name)
        if isinstance(notes, str):  # a bare string would be split into characters
            raise TypeError("notes must be a sequence of paths, not a single string")
        self.notes = [str(n) for n in notes]
        self.settings = settings
        if base_dir is None:
            if settings is None:
                settings = self.settings = Settings.load()
            base_dir = settings.paths.labeled_dir
        self.base_dir = Path(base_dir).absolute()

        self._created = _now()
        self.run_id = self._created.strftime("%Y%m%d_%H%M%S")

        # The directory name needs the sha now; the same answer is reused at create()
        # so git is asked only once per run.
        self._git: GitInfo | None = None
        if git_sha == "auto":
            self._git = read_git_info()
            git_sha = self._git.short_commit
        self.git_sha = _check_component("git_sha", git_sha) if git_sha else None

        stem = f"{self.run_id}_{self.name}"
        self._stem = f"{stem}_{self.git_sha}" if self.git_sha else stem
        # Provisional until create(), which may add a collision suffix.
        self.output_dir = self.base_dir / self._stem

        self._meta: dict[str, Any] | None = None
        self._clock_start = 0.0

    # ------------------------------------------------------------------ lifecycle

    @property
    def created(self) -> bool:
        return self._meta is not None

    @property
    def status(self) -> RunStatus | None:
        """None until :meth:`create`, then ``running``/``completed``/``failed``."""
        return self._meta["status"] if self._meta is not None else None

    @property
    def metadata(self) -> dict[str, Any]:
        """A copy of what ``run.json`` currently holds."""
        return dict(self._require_meta())

    def create(self) -> Path:
        """Atomically claim a fresh run directory and write ``run.json`` (running)."""
        if self._meta is not None:
            raise RuntimeError(f"run directory already created: {self.output_dir}")
        self.base_dir.mkdir(parents=True, exist_ok=True)
        git = self._git if self._git is not None else read_git_info()
        self._git = git

        # os.mkdir fails if the path exists, so exactly one process wins each name;
        # makedirs(exist_ok=True) would let two same-second runs share a directory.
        for n in range(1, _MAX_COLLISION_SUFFIX + 1):
            candidate = self.base_dir / (self._stem if n == 1 else f"{self._stem}_{n}")
            try:
                os.mkdir(candidate)
            except FileExistsError:
                continue
            break
        else:
            raise RuntimeError(f"could not find a free run directory for {self._stem}")
        self.output_dir = candidate

        started = _now()
        self._clock_start = time.monotonic()  # immune to wall-clock jumps (NTP, DST)
        self._meta = {
            "format": RUN_FORMAT,
            "run_id": self.run_id,
            "name": self.name,
            "status": "running",
            "started_at": _iso(started),
            "ended_at": None,
            "duration_seconds": None,
            "git": git.as_dict(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "command": list(sys.argv),
            "notes": list(self.notes),
            "summary": {},
            "error": None,
        }
        self._write_meta()
        return self.output_dir

    def complete(self, summary: Mapping[str, Any] | None = None) -> None:
        """Mark the run completed, merging ``summary`` into ``run.json``'s summary."""
        meta = self._require_meta()
        if meta["status"] != "running":
            raise RuntimeError(f"run {self.output_dir.name} is already {meta['status']}")
        self._finish("completed", summary, None)

    def fail(self, error: BaseException | str) -> None:
        """Mark the run failed; an exception also leaves its traceback in traceback.txt."""
        meta = self._require_meta()
        if meta["status"] == "failed":
            raise RuntimeError(f"run {self.output_dir.name} is already failed")
        if isinstance(error, BaseException):
            text = str(error)
            message = f"{type(error).__name__}: {text}" if text else type(error).__name__
            if error.__traceback__ is not None:
                self.write_text(TRACEBACK_FILE, "".join(traceback.format_exception(error)))
        else:
            message = str(error)
        self._finish("failed", None, message)

    def add_note(self, note_path: str) -> None:
        """Record that a research note documents this run (e.g. written after the fact)."""
        self.notes.append(str(note_path))
        if self._meta is not None:
            self._meta["notes"] = list(self.notes)
            self._write_meta()

    def __enter__(self) -> Self:
        if self._meta is None:
            self.create()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Returning None (falsy) lets the exception propagate.
        if exc is not None:
            if self.status != "failed":
                self.fail(exc)
        elif self.status == "running":
            self.complete()

    # ------------------------------------------------------------------ artifacts

    def save_config(self, config: Mapping[str, Any]) -> Path:
        text = yaml.safe_dump(to_plain(config), sort_keys=False, allow_unicode=True)
        return self.write_text(CONFIG_FILE, text)

    def save_metrics(self, metrics: Mapping[str, Any]) -> Path:
        return self.write_json(METRICS_FILE, metrics)

    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """Append one JSON line; a crash can at worst lose or truncate the last line."""
        self._require_meta()
        record = {"step": step, "time": _iso(_now()), **metrics}
        data = (dump_json(record, indent=None) + "\n").encode("utf-8")
        # One O_APPEND write per record, so concurrent writers never interleave lines.
        fd = os.open(
            self.output_dir / METRICS_LOG_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666
        )
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def record_lineage(self, lineage: Mapping[str, Any]) -> Path:
        return self.write_json(LINEAGE_FILE, lineage)

    def write_json(self, relative: str, data: Any) -> Path:
        return atomic_write_json(self._artifact_path(relative), data)

    def write_text(self, relative: str, text: str) -> Path:
        return atomic_write_text(self._artifact_path(relative), text)

    def write_bytes(self, relative: str, data: bytes) -> Path:
        return atomic_write_bytes(self._artifact_path(relative), data)

    # ------------------------------------------------------------------ internals

    def _require_meta(self) -> dict[str, Any]:
        if self._meta is None:
            raise RuntimeError("RunContext.create() has not been called (or use `with`)")
        return self._meta

    def _artifact_path(self, relative: str) -> Path:
        self._require_meta()
        rel = PurePosixPath(str(relative).replace("\\", "/"))
        if rel.is_absolute() or not rel.parts or ".." in rel.parts:
            raise ValueError(f"artifact path must be relative and inside the run: {relative!r}")
        if rel.parts == (RUN_FILE,):
            raise ValueError(f"{RUN_FILE} is maintained by RunContext; use complete(summary)")
        target = self.output_dir.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _finish(
        self, status: RunStatus, summary: Mapping[str, Any] | None, error: str | None
    ) -> None:
        meta = self._require_meta()
        meta["status"] = status
        meta["ended_at"] = _iso(_now())
        meta["duration_seconds"] = round(time.monotonic() - self._clock_start, 3)
        if summary:
            meta["summary"] = {**meta["summary"], **to_plain(summary)}
        meta["error"] = error
        self._write_meta()

    def _write_meta(self) -> None:
        atomic_write_json(self.output_dir / RUN_FILE, self._require_meta())
