"""Experiment runs on disk, read into plain objects for the site: config, metrics, lineage.

A run is a directory written by ``sec_finetune.RunContext`` (this package never imports it; the
directory format is the contract, pinned from this side by tests/test_run_contract.py)::

    {base_dir}/{run_id}_{name}[_{sha}][_{n}]/
        run.json          format "sec-finetune-run/1": id, name, status, times, git, notes, ...
        run_config.yaml   the run's configuration
        metrics.json      final metrics (any JSON object)
        metrics.jsonl     one {"step", "time", ...metrics} object per line; the last may be torn
        lineage.json      pipeline stages: inputs, outputs, upstream runs, config hash, outcomes
        .<file>.<hex>.tmp a writer's temporary file (killed writers leave them behind): ignored

Any directory matched by a discovery glob that holds ``run.json`` or ``run_config.yaml`` is a run.
A file that cannot be read becomes a TH401 warning on the run and the rest of the run is still
shown: a build must never fail because an experiment crashed halfway through writing.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

import yaml

from .config import check_run_globs
from .diagnostics import Diagnostic, severity_of
from .escaping import unique_slugs_of
from .rules import Rule
from .yamlsafe import load_bounded

RUN_FORMAT = "sec-finetune-run/1"
LINEAGE_FORMAT = "sec-finetune-lineage/1"
RUN_FILE = "run.json"
CONFIG_FILE = "run_config.yaml"
METRICS_FILE = "metrics.json"
METRICS_LOG_FILE = "metrics.jsonl"
LINEAGE_FILE = "lineage.json"
MARKER_FILES = (RUN_FILE, CONFIG_FILE)
"""A directory holding one of these is a run."""

DEFAULT_GLOBS = ("data/processed/labeled/*", "data/interim/*/*", "data/processed/*")
STATUSES = ("running", "completed", "failed")
UNKNOWN_STATUS = "unknown"

MALFORMED_RUN_FILE = Rule.MALFORMED_RUN_FILE.value
"""A run file that cannot be read (a warning by default: the run is still shown without it)."""

MAX_FILES = 1000
"""Files listed per run; a run with a million shards must not make a million table rows."""
MAX_READ_BYTES = 32 * 1024 * 1024
"""Larger JSON/YAML files are not parsed (a run page is not the place for them)."""

_TEMP_FILE = re.compile(r"^\..+\.[0-9a-f]+\.tmp$")
_RUN_ID = re.compile(r"^(\d{8}_\d{6})_(.+)$")
_SHA_OR_COUNTER = re.compile(r"_(?:[0-9a-f]{7,40}|\d+)$")


@dataclass(frozen=True, slots=True)
class RunFile:
    path: str
    """Relative to the run directory, with forward slashes."""
    size: int


@dataclass(frozen=True, slots=True)
class LineageFile:
    """An input or output file of a pipeline stage, as lineage.json recorded it."""

    name: str
    path: str | None
    sha256: str | None
    size: int | None
    source: str | None = None
    """For an output: the name of the input it was made from."""


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What a pipeline stage did with one input file."""

    name: str
    key: str | None
    outcome: str
    status: str | None
    error: str | None


@dataclass(slots=True)
class Lineage:
    stage: str | None
    config_sha256: str | None
    inputs_sha256: str | None
    inputs: list[LineageFile]
    outputs: list[LineageFile]
    outcomes: list[FileOutcome]
    counts: dict[str, int]


@dataclass(slots=True)
class RunRef:
    """An upstream run as lineage.json names it, and the run it turned out to be (if found)."""

    run_dir: str | None
    run_id: str | None
    stage: str | None
    run: Run | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return self.run_dir or self.run_id or "?"


@dataclass(slots=True, eq=False)
class Run:
    rel_dir: str
    """The run directory relative to the repository root, with forward slashes."""
    slug: str
    """Unique among the runs of a site; the run's page is ``runs/<slug>.md``."""
    run_id: str | None = None
    name: str | None = None
    status: str = UNKNOWN_STATUS
    """``running``, ``completed``, ``failed``, or ``unknown`` (no readable run.json)."""
    started: datetime | None = None
    ended: datetime | None = None
    duration_seconds: float | None = None
    commit: str | None = None
    branch: str | None = None
    dirty: bool | None = None
    python: str | None = None
    platform: str | None = None
    command: list[str] = field(default_factory=list)
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    """Flattened like ``config``."""
    config: dict[str, Any] = field(default_factory=dict)
    """run_config.yaml with nested keys joined by ``.`` (``optimizer.lr``); lists stay lists."""
    metrics: dict[str, Any] = field(default_factory=dict)
    """metrics.json, flattened like ``config``."""
    curves: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """metrics.jsonl: per metric, (step, value) points in file order. A record without a numeric
    ``step`` is placed at its record number."""
    files: list[RunFile] = field(default_factory=list)
    files_truncated: bool = False
    notes: list[str] = field(default_factory=list)
    """Note paths run.json says document this run, as written."""
    lineage: Lineage | None = None
    upstream: list[RunRef] = field(default_factory=list)
    downstream: list[Run] = field(default_factory=list, repr=False)
    """Runs that name this one upstream, computed across all runs of the site."""
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def dir_name(self) -> str:
        return PurePosixPath(self.rel_dir).name

    @property
    def label(self) -> str:
        """``{run_id}_{name}``: how notes usually cite a run."""
        if self.run_id and self.name:
            return f"{self.run_id}_{self.name}"
        return self.dir_name

    @property
    def short_commit(self) -> str | None:
        return self.commit[:7] if self.commit else None

    @property
    def total_size(self) -> int:
        return sum(item.size for item in self.files)

    @property
    def numeric_metrics(self) -> dict[str, float]:
        return {key: value for key, value in self.metrics.items() if is_number(value)}

    def sort_key(self) -> tuple[float, str]:
        """Oldest first; a run without any time sorts before every dated one."""
        moment = self.started
        return (moment.timestamp() if moment else -math.inf, self.rel_dir)


class RunSet:
    """Every run of a site, newest first, with lookups by the ways notes cite runs; building
    one resolves the runs' upstream references and fills their ``downstream``."""

    def __init__(self, runs: Iterable[Run]) -> None:
        self.runs = sorted(runs, key=Run.sort_key, reverse=True)
        self.problems = [item for run in self.runs for item in run.problems]
        """TH401 warnings: run files that could not be read."""
        self.by_slug = {run.slug: run for run in self.runs}
        self.by_dir = {run.rel_dir: run for run in self.runs}
        self._by_key: dict[str, dict[str, list[Run]]] = {
            "dir": {},
            "label": {},
            "run_id": {},
        }
        for run in self.runs:
            self._by_key["dir"].setdefault(run.dir_name, []).append(run)
            self._by_key["label"].setdefault(run.label, []).append(run)
            if run.run_id:
                self._by_key["run_id"].setdefault(run.run_id, []).append(run)
        link_lineage(self)

    def __iter__(self) -> Iterator[Run]:
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def find_name(self, text: str) -> list[Run]:
        """The runs a name written in a note means, most specific reading first: a directory
        name, ``{run_id}_{name}``, a bare run id. Several runs: the name is ambiguous."""
        for kind in ("dir", "label", "run_id"):
            found = self._by_key[kind].get(text)
            if found:
                return list(found)
        run = self.by_slug.get(text)
        return [run] if run else []

    def find_path(self, rel_path: str) -> Run | None:
        """The run whose directory is ``rel_path`` or holds it (a path to one of its files)."""
        path = PurePosixPath(rel_path)
        for candidate in (path, *path.parents):
            run = self.by_dir.get(candidate.as_posix())
            if run is not None:
                return run
        return None


# --- discovery --------------------------------------------------------------------------------


def check_globs(globs: Sequence[str]) -> None:
    """Raise ValueError for a glob that could reach outside the repository."""
    check_run_globs(globs)


def discover_runs(repo_root: Path, globs: Sequence[str] = DEFAULT_GLOBS) -> RunSet:
    """Find and read every run under ``repo_root`` matched by ``globs``. Never raises for what
    is on disk; raises ValueError for a glob reaching outside the repository."""
    check_globs(globs)
    root = repo_root.resolve()
    found: dict[Path, str] = {}
    for pattern in globs:
        for candidate in sorted(root.glob(pattern)):
            if any(part.startswith(".") for part in candidate.relative_to(root).parts):
                continue
            if not candidate.is_dir() or not any(
                (candidate / name).is_file() for name in MARKER_FILES
            ):
                continue
            real = candidate.resolve()
            if not _inside(real, root) or real == root:
                continue  # a symlink out of the repository
            found.setdefault(real, candidate.relative_to(root).as_posix())
    rel_dirs = sorted(found.values())
    slugs = _unique_slugs(rel_dirs)
    return RunSet(read_run_dir(root, rel_dir, slugs[rel_dir]) for rel_dir in rel_dirs)


def _unique_slugs(rel_dirs: Sequence[str]) -> dict[str, str]:
    # The slug every generated URL uses, from the directory's name; runs whose names meet
    # (the same name in two stages, `x` and `X` on a case-insensitive disk) get a hash of
    # their path, so a run's page never moves because another run appeared.
    return unique_slugs_of((rel_dir, PurePosixPath(rel_dir).name) for rel_dir in rel_dirs)


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


# --- reading one run --------------------------------------------------------------------------


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
            if not _inside(path.resolve(), self.root):
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
                    if path.is_symlink() and not _inside(path.resolve(), self.root):
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


# --- lineage across runs ----------------------------------------------------------------------


def link_lineage(runs: RunSet) -> None:
    """Resolve each run's upstream references and fill ``downstream`` by inverting them."""
    for run in runs:
        run.downstream = []
    for run in runs:
        for ref in run.upstream:
            ref.run = _resolve_ref(runs, ref)
            if ref.run is not None and run not in ref.run.downstream:
                ref.run.downstream.append(run)
    for run in runs:
        run.downstream.sort(key=Run.sort_key, reverse=True)


def _resolve_ref(runs: RunSet, ref: RunRef) -> Run | None:
    # lineage.json paths are relative to the pipeline's project root, which need not be the
    # repository root: fall back to the directory name, then the run id within the stage.
    if ref.run_dir:
        exact = runs.by_dir.get(ref.run_dir.strip("/"))
        if exact is not None:
            return exact
        by_name = runs.find_name(PurePosixPath(ref.run_dir).name)
        if len(by_name) == 1:
            return by_name[0]
    if ref.run_id:
        same = [
            run for run in runs.find_name(ref.run_id) if ref.stage is None or run.name == ref.stage
        ]
        if len(same) == 1:
            return same[0]
    return None


# --- values -----------------------------------------------------------------------------------


def flatten(data: Mapping[Any, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level, keys joined with ``.``; lists and scalars stay values.
    An empty mapping stays a value too, so a key written in the file never disappears."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def is_number(value: object) -> TypeGuard[int | float]:
    """A finite int or float (bools are not numbers here, though Python says they are)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):  # an int beyond a float's range would overflow in float()
        return -sys.float_info.max <= value <= sys.float_info.max
    return math.isfinite(value)


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
