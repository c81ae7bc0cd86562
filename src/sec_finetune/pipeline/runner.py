"""Batch execution of a stage: inputs → one tracked run with lineage, or a recorded skip.

* One input file never stops the batch: its exception becomes a ``failed`` outcome with
  the error text, and the remaining files go on.
* A run whose every file failed is marked ``failed`` (so no later stage picks it up as
  "the latest completed run"); otherwise it completes and its summary says what failed.
* Before running, the stage looks for an earlier completed run with the same input bytes,
  the same config (code fingerprint included) and intact outputs, and reuses it instead.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sec_finetune.pipeline.executors import Executor, SerialExecutor
from sec_finetune.pipeline.lineage import (
    LINEAGE_FORMAT,
    RunRecord,
    config_sha256,
    find_reusable_run,
    inputs_sha256,
    latest_completed,
    rel_path,
    sha256_file,
    stage_runs,
)
from sec_finetune.pipeline.stages import STAGE_ORDER, Source, Stage, StageName, stage_for
from sec_finetune.pipeline.tasks import FileTask, TaskResult, error_text, failed_result
from sec_finetune.run_context import RunContext, read_run
from sec_finetune.settings import Settings

Progress = Callable[[str], None]
RAW_SUFFIXES = (".html", ".htm")


class PipelineError(RuntimeError):
    """The invocation as a whole cannot run (no inputs, no upstream run, bad config).

    ``reports`` holds the stages that did run before the error (``run_pipeline``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.reports: list[StageReport] = []


@dataclass(slots=True)
class FileReport:
    name: str
    key: str
    outcome: str  # processed / skipped / failed
    status: str
    input: str  # relative to the project root
    output: str | None = None
    seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "outcome": self.outcome,
            "status": self.status,
            "input": self.input,
            "output": self.output,
            "seconds": self.seconds,
            "detail": self.detail,
            "error": self.error,
        }


@dataclass(slots=True)
class StageReport:
    stage: StageName
    run_dir: Path | None
    run_id: str | None
    run_status: str
    reused: bool = False  # skipped because inputs + config are unchanged
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def failed(self) -> int:
        return self.count("failed")


@dataclass(frozen=True, slots=True)
class Tally:
    """The live count of a running stage, updated after every file."""

    stage: str
    done: int
    total: int
    failed: int
    seconds: float

    def line(self) -> str:
        rate = self.done / self.seconds if self.seconds > 0 else 0.0
        return (
            f"[{self.stage}] {self.done}/{self.total} files, {self.failed} failed, "
            f"{rate:.1f} files/s"
        )


def _noop(_: object) -> None:
    pass


# ------------------------------------------------------------------------ inputs


def _raw_inputs(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise PipelineError(f"input not found: {path}")
    return sorted(
        p
        for p in path.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in RAW_SUFFIXES
    )


def _upstream_run(stage: Stage, settings: Settings, input_path: Path | None) -> RunRecord:
    assert stage.upstream is not None
    upstream = stage_for(stage.upstream, settings)
    if input_path is None:
        base = upstream.base_dir(settings)
        record = latest_completed(base, upstream.name)
        if record is None:
            where = rel_path(base, settings.paths.project_root)
            raise PipelineError(
                f"no completed '{upstream.name}' run under {where}; "
                f"run `--stage {upstream.name}` first (or pass --input RUN_DIR)"
            )
        return record
    run_dir = input_path
    try:
        run = read_run(run_dir)
    except (OSError, ValueError) as exc:
        raise PipelineError(
            f"--input for stage {stage.name} must be a run directory: {exc}"
        ) from exc
    if run.get("name") != upstream.name:
        raise PipelineError(
            f"{run_dir} is a '{run.get('name')}' run; "
            f"stage {stage.name} reads '{upstream.name}' runs"
        )
    for record in stage_runs(run_dir.parent, upstream.name):
        if record.run_dir.resolve() == run_dir.resolve():
            return record
    raise PipelineError(f"cannot read run {run_dir}")


def _upstream_files(record: RunRecord, stage: Stage) -> list[Path]:
    if record.lineage is not None:
        names = [str(o["name"]) for o in record.lineage.get("outputs", [])]
        return sorted(record.run_dir / n for n in names)
    # A run without lineage (e.g. made by hand): fall back to the file naming scheme.
    return sorted(
        p for p in record.run_dir.iterdir() if p.name.lower().endswith(stage.input_suffixes)
    )


# ------------------------------------------------------------------------ lineage


def build_lineage(
    *,
    stage: Stage,
    run: RunContext,
    root: Path,
    config: dict[str, Any],
    config_hash: str,
    upstream: list[dict[str, Any]],
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    files: list[FileReport],
) -> dict[str, Any]:
    meta = run.metadata
    counts = Counter(f.outcome for f in files)
    return {
        "format": LINEAGE_FORMAT,
        "stage": stage.name,
        "run_id": run.run_id,
        "run_dir": rel_path(run.output_dir, root),
        "started_at": meta["started_at"],
        "git": meta["git"],
        "config": config,
        "config_sha256": config_hash,
        "upstream": upstream,
        "inputs": inputs,
        "inputs_sha256": inputs_sha256(inputs),
        "outputs": outputs,
        "files": [f.as_dict() for f in files],
        "counts": {
            "files": len(files),
            "processed": counts["processed"],
            "skipped": counts["skipped"],
            "failed": counts["failed"],
        },
    }


def _summary(
    stage: Stage, files: list[FileReport], upstream: list[dict[str, Any]]
) -> dict[str, Any]:
    counts = Counter(f.outcome for f in files)
    return {
        "stage": stage.name,
        "files": len(files),
        "processed": counts["processed"],
        "skipped": counts["skipped"],
        "failed": counts["failed"],
        "outcomes": dict(Counter(f.status for f in files)),
        "by_file": {f.key: f.status for f in files},
        "not_processed": [
            {"file": f.name, "status": f.status, "why": f.error or f.detail.get("reason", "")}
            for f in files
            if f.outcome != "processed"
        ],
        "upstream": [u["run_dir"] for u in upstream],
    }


# ------------------------------------------------------------------------ running


def _check_writable_target(base: Path, settings: Settings) -> None:
    raw = settings.paths.raw_dir.resolve()
    target = base.resolve()
    if target == raw or target.is_relative_to(raw):
        raise PipelineError(f"refusing to write stage output under the raw data folder {raw}")


def _resolve_inputs(
    stage: Stage, settings: Settings, input_path: Path | None
) -> tuple[list[Path], list[dict[str, Any]]]:
    """The stage's input files and the upstream run (if any) they come from."""
    root = settings.paths.project_root
    if stage.upstream is None:
        source = input_path or settings.paths.raw_dir
        files, upstream = _raw_inputs(source), []
        where = rel_path(source, root)
    else:
        record = _upstream_run(stage, settings, input_path)
        where = rel_path(record.run_dir, root)
        upstream = [{"stage": stage.upstream, "run_id": record.run_id, "run_dir": where}]
        files = _upstream_files(record, stage)
    if not files:
        raise PipelineError(f"stage {stage.name}: no input files in {where}")
    return files, upstream


def _describe_inputs(files: list[Path], root: Path) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "path": rel_path(p, root),
            "sha256": sha256_file(p),
            "bytes": p.stat().st_size,
        }
        for p in files
    ]


def _tasks(stage: Stage, files: list[Path], lost: list[TaskResult]) -> Iterator[FileTask]:
    """One task per input, read lazily so only the files in flight sit in memory; a file
    that cannot be read becomes a failed result instead of a task."""
    for index, path in enumerate(files):
        try:
            source = Source.read(path)
        except OSError as exc:
            lost.append(failed_result(index, error_text(exc)))
            continue
        yield FileTask(index, stage.name, stage.key_of(path), source)


def _record(
    stage: Stage, run: RunContext, path: Path, result: TaskResult, root: Path
) -> tuple[FileReport, dict[str, Any] | None]:
    """Write one task's output into the run directory and describe it for lineage."""
    key = stage.key_of(path)
    report = FileReport(
        path.name,
        key,
        result.outcome,
        result.status,
        rel_path(path, root),
        seconds=result.seconds,
        detail=result.detail,
        error=result.error,
    )
    if result.output is None:
        return report, None
    out_name = stage.output_name(key)
    try:
        out_path = run.write_bytes(out_name, result.output)
    except OSError as exc:  # e.g. a name too long for the file system: this file only
        report.outcome = report.status = "failed"
        report.error = f"{type(exc).__name__}: {exc.strerror or exc}"
        return report, None
    report.output = rel_path(out_path, root)
    return report, {
        "name": out_name,
        "path": report.output,
        "sha256": hashlib.sha256(result.output).hexdigest(),
        "bytes": len(result.output),
        "input": path.name,
    }


def run_stage(
    name: StageName,
    settings: Settings,
    *,
    input_path: Path | None = None,
    force: bool = False,
    notes: Sequence[str] = (),
    progress: Progress = _noop,
    executor: Executor | None = None,
    tally: Callable[[Tally], None] = _noop,
) -> StageReport:
    """Run one stage over its inputs (see module doc). ``input_path``: for ``parse`` a raw
    folder or file (default ``settings.paths.raw_dir``); for later stages a run directory
    of the previous stage (default: its latest completed run). ``executor`` runs the
    per-file work (default: in this process); the outputs do not depend on it."""
    started = time.perf_counter()
    stage = stage_for(name, settings)
    root = settings.paths.project_root
    files, upstream = _resolve_inputs(stage, settings, input_path)
    try:
        config = {"stage": name, **stage.config(settings)}
        state = stage.prepare(settings)
    except (OSError, ValueError) as exc:
        raise PipelineError(f"stage {name}: bad configuration: {exc}") from exc
    config_hash = config_sha256(config)
    inputs = _describe_inputs(files, root)
    base = stage.base_dir(settings)
    _check_writable_target(base, settings)

    if not force:
        reusable = find_reusable_run(base, name, inputs_sha256(inputs), config_hash)
        if reusable is not None:
            progress(
                f"[{name}] skipped: {len(files)} input file(s) and config unchanged since run "
                f"{reusable.run_id} ({rel_path(reusable.run_dir, root)}); use --force to re-run"
            )
            seconds = round(time.perf_counter() - started, 3)
            return StageReport(
                name, reusable.run_dir, reusable.run_id, "completed", reused=True, seconds=seconds
            )

    executor = executor if executor is not None else SerialExecutor()
    executor.start()
    slots: list[tuple[FileReport, dict[str, Any] | None] | None] = [None] * len(files)
    with RunContext(
        name, base_dir=base, git_sha="auto", notes=list(notes), settings=settings
    ) as run:
        run.save_config(config)
        lost: list[TaskResult] = []
        failed, cpu_seconds = 0, 0.0
        workers: Counter[str] = Counter()
        results = _chain(executor.run(_tasks(stage, files, lost), config, state), lost)
        for done, result in enumerate(results, start=1):
            path = files[result.index]
            report, output = _record(stage, run, path, result, root)
            slots[result.index] = (report, output)
            failed += report.outcome == "failed"
            workers[result.worker or "?"] += 1
            cpu_seconds += result.cpu_seconds
            progress(_progress_line(name, done, len(files), report))
            tally(Tally(name, done, len(files), failed, time.perf_counter() - started))
        # Input order, whatever order the executor finished in: lineage stays identical.
        reports = [slot[0] for slot in slots if slot is not None]
        outputs = [slot[1] for slot in slots if slot is not None and slot[1] is not None]
        run.record_lineage(
            build_lineage(
                stage=stage,
                run=run,
                root=root,
                config=config,
                config_hash=config_hash,
                upstream=upstream,
                inputs=inputs,
                outputs=outputs,
                files=reports,
            )
        )
        seconds = round(time.perf_counter() - started, 3)
        summary = _summary(stage, reports, upstream)
        summary["executor"] = {
            **executor.describe(),
            "ran_on": dict(sorted(workers.items())),
            "task_cpu_seconds": round(cpu_seconds, 3),
        }
        counts = {k: summary[k] for k in ("files", "processed", "skipped", "failed")}
        run.save_metrics({**counts, "seconds": seconds})
        if all(r.outcome == "failed" for r in reports):
            run.fail(f"all {len(reports)} input file(s) failed")
        else:
            run.complete(summary)
        status = run.status or "failed"
    return StageReport(name, run.output_dir, run.run_id, status, files=reports, seconds=seconds)


def _chain(results: Iterator[TaskResult], lost: list[TaskResult]) -> Iterator[TaskResult]:
    # ``lost`` fills while ``results`` runs (unreadable files): report them after it.
    yield from results
    yield from lost


def _progress_line(stage: str, n: int, total: int, r: FileReport) -> str:
    if r.outcome == "failed":
        why = r.error
    elif r.outcome == "skipped":
        why = f"{r.status}: {r.detail.get('reason', '')}"
    else:
        facts = ", ".join(
            f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in r.detail.items()
            if not isinstance(v, dict | list)
        )
        why = f"{r.status}" + (f" ({facts})" if facts else "")
    return f"[{stage}] {n}/{total} {r.name}: {r.outcome} — {why} [{r.seconds:.2f}s]"


def run_pipeline(
    stages: Sequence[StageName],
    settings: Settings,
    *,
    input_path: Path | None = None,
    force: bool = False,
    notes: Sequence[str] = (),
    progress: Progress = _noop,
    executor: Executor | None = None,
    tally: Callable[[Tally], None] = _noop,
) -> list[StageReport]:
    """Run consecutive stages; each one reads the run the previous one produced (or reused).
    ``input_path`` applies to the first stage only; ``executor`` is shared by all stages
    (one pool or cluster for the whole pipeline)."""
    order = [s for s in STAGE_ORDER if s in stages]
    reports: list[StageReport] = []
    upstream_dir = input_path
    for name in order:
        try:
            report = run_stage(
                name,
                settings,
                input_path=upstream_dir,
                force=force,
                notes=notes,
                progress=progress,
                executor=executor,
                tally=tally,
            )
        except PipelineError as exc:
            exc.reports = reports
            raise
        reports.append(report)
        if report.run_status != "completed":
            progress(f"[{name}] run failed; later stages not started")
            break
        upstream_dir = report.run_dir
    return reports
