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

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, TypeGuard

from ..core.diagnostics import Diagnostic
from ..core.rules import Rule

RUN_FORMAT = "sec-finetune-run/1"
LINEAGE_FORMAT = "sec-finetune-lineage/1"
RUN_FILE = "run.json"
CONFIG_FILE = "run_config.yaml"
METRICS_FILE = "metrics.json"
METRICS_LOG_FILE = "metrics.jsonl"
LINEAGE_FILE = "lineage.json"
MARKER_FILES = (RUN_FILE, CONFIG_FILE)
"""A directory holding one of these is a run."""

STATUSES = ("running", "completed", "failed")
UNKNOWN_STATUS = "unknown"

MALFORMED_RUN_FILE = Rule.MALFORMED_RUN_FILE.value
"""A run file that cannot be read (a warning by default: the run is still shown without it)."""


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
