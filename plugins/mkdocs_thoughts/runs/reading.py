"""Reading one run directory into a :class:`Run`: whatever a file holds, it costs that file (a
TH401 warning on the run), never the build."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..core.diagnostics import Diagnostic, severity_of
from ..core.yamlsafe import load_bounded
from .model import (
    CONFIG_FILE,
    LINEAGE_FILE,
    LINEAGE_FORMAT,
    MALFORMED_RUN_FILE,
    METRICS_FILE,
    METRICS_LOG_FILE,
    RUN_FILE,
    RUN_FORMAT,
    STATUSES,
    UNKNOWN_STATUS,
    FileOutcome,
    Lineage,
    LineageFile,
    Run,
    RunFile,
    RunRef,
    flatten,
    is_number,
)

MAX_FILES = 1000
"""Files listed per run; a run with a million shards must not make a million table rows."""
MAX_READ_BYTES = 32 * 1024 * 1024
"""Larger JSON/YAML files are not parsed (a run page is not the place for them)."""

_TEMP_FILE = re.compile(r"^\..+\.[0-9a-f]+\.tmp$")
_RUN_ID = re.compile(r"^(\d{8}_\d{6})_(.+)$")
_SHA_OR_COUNTER = re.compile(r"_(?:[0-9a-f]{7,40}|\d+)$")


def inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def read_run_dir(root: Path, rel_dir: str, slug: str | None = None) -> Run:
    """Read the run at ``root/rel_dir`` (``root`` resolved); problems go to ``run.problems``."""
    run = Run(rel_dir=rel_dir, slug=slug or PurePosixPath(rel_dir).name)
    reader = _RunReader(root, run)
    for read, file in (
        (reader.read_meta, RUN_FILE),
        (reader.read_config, CONFIG_FILE),
        (reader.read_metrics, METRICS_FILE),
        (reader.read_curves, METRICS_LOG_FILE),
        (reader.read_lineage, LINEAGE_FILE),
        (reader.list_files, "."),
    ):
        try:
            read()
        except Exception as error:
            # Whatever a JSON or YAML parser accepts (a 5,000-digit number, 2025-02-30, a
            # nesting deeper than Python's stack) must cost this file, never the build.
            reader.problem(
                file,
                f"{file} cannot be read: {type(error).__name__}: {_first_line(error)}",
                "the run is shown without it",
            )
    return run


class _RunReader:
    def __init__(self, root: Path, run: Run) -> None:
        self.root = root
        self.run = run
        self.directory = root / run.rel_dir

    def problem(self, file: str, message: str, hint: str, line: int | None = None) -> None:
        self.run.problems.append(
            Diagnostic(
                f"{self.run.rel_dir}/{file}",
                line,
                None,
                MALFORMED_RUN_FILE,
                # The registry's default; the corpus applies the site's `rules:` to it.
                severity_of(MALFORMED_RUN_FILE, None).value,
                None,
                message,
                hint,
            )
        )

    def text(self, file: str) -> str | None:
        """The file's text, or None when it is absent or unreadable (the latter reported)."""
        path = self.directory / file
        if not path.is_file():
            return None
        try:
            if not inside(path.resolve(), self.root):
                self.problem(file, f"{file} links outside the repository", "not read")
                return None
            if path.stat().st_size > MAX_READ_BYTES:
                self.problem(file, f"{file} is larger than {MAX_READ_BYTES} bytes", "not read")
                return None
            return path.read_bytes().decode("utf-8", errors="replace")
        except OSError as error:
            self.problem(file, f"{file} cannot be read: {error.strerror}", "check permissions")
            return None

    def json_object(self, file: str) -> dict[str, Any] | None:
        text = self.text(file)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.problem(
                file,
                f"{file} is not valid JSON: {error.msg}",
                "the writer may have been killed, or the file was edited by hand",
                error.lineno,
            )
            return None
        except RecursionError:
            self.problem(file, f"{file} is nested too deeply to read", "not read")
            return None
        except ValueError as error:  # e.g. an integer longer than Python converts
            self.problem(file, f"{file} has a value that cannot be read: {error}", "not read")
            return None
        if not isinstance(data, dict):
            self.problem(file, f"{file} holds a {type(data).__name__}, not an object", "")
            return None
        return data

    def read_meta(self) -> None:
        run = self.run
        match = _RUN_ID.match(run.dir_name)
        if match:  # the directory name stands in for a missing or damaged run.json
            run.run_id = match[1]
            run.name = _SHA_OR_COUNTER.sub("", _SHA_OR_COUNTER.sub("", match[2])) or match[2]
            run.started = _parse_time(match[1])
        meta = self.json_object(RUN_FILE)
        if meta is None:
            return
        written = meta.get("format")
        if written is not None and written != RUN_FORMAT:
            self.problem(
                RUN_FILE,
                f"run.json has format {_short(written)}; this site reads {RUN_FORMAT}",
                "fields may be missing or misread",
            )
        run.run_id = _str(meta.get("run_id")) or run.run_id
        run.name = _str(meta.get("name")) or run.name
        status = _str(meta.get("status"))
        run.status = status if status in STATUSES else UNKNOWN_STATUS
        if status is not None and status not in STATUSES:
            self.problem(RUN_FILE, f"run.json has status {_short(status)}", f"one of {STATUSES}")
        run.started = _parse_time(meta.get("started_at")) or run.started
        run.ended = _parse_time(meta.get("ended_at"))
        run.duration_seconds = _number(meta.get("duration_seconds"))
        git = meta.get("git")
        if isinstance(git, dict):
            run.commit = _str(git.get("commit"))
            run.branch = _str(git.get("branch"))
            dirty = git.get("dirty")
            run.dirty = dirty if isinstance(dirty, bool) else None
        run.python = _str(meta.get("python"))
        run.platform = _str(meta.get("platform"))
        command = meta.get("command")
        if isinstance(command, list):
            run.command = [str(part) for part in command]
        elif isinstance(command, str):
            run.command = [command]
        notes = meta.get("notes")
        if isinstance(notes, list):
            run.notes = [str(note) for note in notes if isinstance(note, str) and note.strip()]
        summary = meta.get("summary")
        if isinstance(summary, dict):
            run.summary = flatten(summary)
        run.error = _str(meta.get("error"))

    def read_config(self) -> None:
        text = self.text(CONFIG_FILE)
        if text is None:
            return
        try:
            data = load_bounded(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            reason = getattr(error, "problem", None) or "syntax error"
            self.problem(
                CONFIG_FILE,
                f"{CONFIG_FILE} is not valid YAML: {reason}",
                "the writer may have been killed, or the file was edited by hand",
                mark.line + 1 if mark is not None else None,
            )
            return
        except RecursionError:
            self.problem(CONFIG_FILE, f"{CONFIG_FILE} is nested too deeply to read", "not read")
            return
        except (ValueError, OverflowError, TypeError) as error:
            # `cutoff: 2025-02-30`, a 5,000-digit integer, an alias bomb (TooLarge).
            self.problem(
                CONFIG_FILE,
                f"{CONFIG_FILE} has a value that cannot be read: {_first_line(error)}",
                "fix or quote the value; the run is shown without its configuration",
            )
            return
        if data is None:
            return
        if not isinstance(data, dict):
            self.problem(CONFIG_FILE, f"{CONFIG_FILE} holds a {type(data).__name__}", "")
            return
        self.run.config = flatten(data)

    def read_metrics(self) -> None:
        data = self.json_object(METRICS_FILE)
        if data is not None:
            self.run.metrics = flatten(data)

    def read_curves(self) -> None:
        text = self.text(METRICS_LOG_FILE)
        if not text:
            return
        lines = text.split("\n")
        # A crash while appending leaves a torn last line: the format allows it, so no warning.
        torn_tail = not text.endswith("\n")
        curves: dict[str, list[tuple[float, float]]] = {}
        bad: list[int] = []
        record_number = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                record = None
            if not isinstance(record, dict):
                if not (torn_tail and number == len(lines)):
                    bad.append(number)
                continue
            step = record.get("step")
            x = float(step) if is_number(step) else float(record_number)
            record_number += 1
            values = flatten({k: v for k, v in record.items() if k not in ("step", "time")})
            for key, value in values.items():
                if is_number(value):
                    curves.setdefault(key, []).append((x, float(value)))
        if bad:
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            self.problem(
                METRICS_LOG_FILE,
                f"{METRICS_LOG_FILE} line {bad[0]} is not a JSON object{more}",
                "such lines are left out of the curves",
                bad[0],
            )
        self.run.curves = curves

    def read_lineage(self) -> None:
        data = self.json_object(LINEAGE_FILE)
        if data is None:
            # A run without lineage.json (made by hand) may still name its upstream runs in
            # run.json's summary, as the pipeline also writes them there.
            self.run.upstream = [
                RunRef(item, None, None)
                for item in _list(self.run.summary.get("upstream"))
                if isinstance(item, str) and item.strip()
            ]
            return
        written = data.get("format")
        if written is not None and written != LINEAGE_FORMAT:
            self.problem(
                LINEAGE_FILE,
                f"lineage.json has format {_short(written)}; this site reads {LINEAGE_FORMAT}",
                "fields may be missing or misread",
            )
        self.run.upstream = [
            RunRef(_str(item.get("run_dir")), _str(item.get("run_id")), _str(item.get("stage")))
            for item in _list(data.get("upstream"))
            if isinstance(item, dict) and (item.get("run_dir") or item.get("run_id"))
        ]
        counts = data.get("counts")
        self.run.lineage = Lineage(
            stage=_str(data.get("stage")),
            config_sha256=_str(data.get("config_sha256")),
            inputs_sha256=_str(data.get("inputs_sha256")),
            inputs=_lineage_files(data.get("inputs")),
            outputs=_lineage_files(data.get("outputs")),
            outcomes=[
                FileOutcome(
                    name=str(item.get("name", "?")),
                    key=_str(item.get("key")),
                    outcome=str(item.get("outcome", "?")),
                    status=_str(item.get("status")),
                    error=_str(item.get("error")),
                )
                for item in _list(data.get("files"))
                if isinstance(item, dict)
            ],
            counts={
                str(key): int(value)
                for key, value in (counts.items() if isinstance(counts, dict) else [])
                if isinstance(value, int) and not isinstance(value, bool)
            },
        )

    def list_files(self) -> None:
        files: list[RunFile] = []
        for dirpath, dirnames, filenames in os.walk(self.directory):
            dirnames.sort()
            for name in sorted(filenames):
                if _TEMP_FILE.match(name):
                    continue
                path = Path(dirpath, name)
                try:
                    if path.is_symlink() and not inside(path.resolve(), self.root):
                        continue  # never report on (or stat) a file outside the repository
                    size = path.stat().st_size
                except OSError:
                    continue  # removed while we looked, or a dangling link
                files.append(RunFile(path.relative_to(self.directory).as_posix(), size))
                if len(files) >= MAX_FILES:
                    self.run.files_truncated = True
                    break
            if self.run.files_truncated:
                break
        self.run.files = sorted(files, key=lambda item: item.path)


def _number(value: object) -> float | None:
    return float(value) if is_number(value) else None


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _lineage_files(value: object) -> list[LineageFile]:
    files = []
    for item in _list(value):
        if not isinstance(item, dict):
            continue
        size = item.get("bytes")
        files.append(
            LineageFile(
                name=str(item.get("name", "?")),
                path=_str(item.get("path")),
                sha256=_str(item.get("sha256")),
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                source=_str(item.get("input")),
            )
        )
    return files


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{8}_\d{6}", text):
            moment = datetime.strptime(text, "%Y%m%d_%H%M%S")
        else:
            moment = datetime.fromisoformat(text)
        moment.timestamp()  # runs sort by it: year 1 at +14:00 has none
    except (ValueError, OverflowError, OSError):
        return None
    return moment


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "no details"
