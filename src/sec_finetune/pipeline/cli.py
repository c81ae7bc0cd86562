"""``python -m sec_finetune pipeline run``: run pipeline stages from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sec_finetune.pipeline.executors import (
    EXECUTOR_KINDS,
    ExecutorError,
    available_cores,
    make_executor,
)
from sec_finetune.pipeline.lineage import rel_path
from sec_finetune.pipeline.runner import PipelineError, StageReport, Tally, run_pipeline
from sec_finetune.pipeline.stages import STAGE_ORDER, StageName
from sec_finetune.settings import Settings, SettingsError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sec_finetune pipeline",
        description="The staged 10-K data pipeline: raw HTML → parsed → Item 1A → risk "
        "segments → features. Every stage execution is a tracked run with lineage.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run one stage or all of them",
        description="Run pipeline stages. A stage whose inputs and config are unchanged since "
        "its last completed run is skipped (use --force). Exit code 1 if any file failed.",
    )
    run.add_argument(
        "--stage",
        choices=[*STAGE_ORDER, "all"],
        default="all",
        help="which stage to run (default: all, in order)",
    )
    run.add_argument(
        "--input",
        type=Path,
        default=None,
        help="parse/all: folder (or one file) of raw {TICKER}_10K_{YEAR}.html filings "
        "(default: paths.raw_dir); extract/segment/features: a run directory of the "
        "previous stage (default: its latest completed run)",
    )
    run.add_argument("--force", action="store_true", help="re-run even if nothing changed")
    run.add_argument(
        "--note",
        action="append",
        default=[],
        metavar="PATH",
        help="research note documenting this run (e.g. thoughts/shared/research/x.md); repeatable",
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=None,
        metavar="N",
        help="files processed in parallel: worker processes, or with --executor dask and no "
        f"--scheduler the LocalCluster's workers (default: the usable cores, {available_cores()} "
        "here); 1 runs everything in this process. Outputs are the same for every N",
    )
    run.add_argument(
        "--executor",
        choices=EXECUTOR_KINDS,
        default="local",
        help="local: a process pool on this machine (default); dask: a Dask cluster "
        "(needs pip install 'sec-finetune[distributed]')",
    )
    run.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --executor dask: the scheduler of an existing cluster, e.g. "
        "tcp://host:8786 (default: start a LocalCluster for this run)",
    )
    run.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="settings folder (default: $SEC_FINETUNE_CONFIG_DIR or configs/)",
    )
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


class Console:
    """One line per file (as logs want it) plus, on a terminal, a live count kept on the
    last line and rewritten in place after every file."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.live = self.stream.isatty()
        self._status = ""

    def line(self, text: str) -> None:
        if self._status:
            self.stream.write("\r\x1b[K")  # clear the live count, print, then redraw it
        self.stream.write(text + "\n")
        if self._status:
            self.stream.write(self._status)
        self.stream.flush()

    def tally(self, tally: Tally) -> None:
        if tally.done == tally.total:
            if self._status:
                self.stream.write("\r\x1b[K")
                self._status = ""
            self.line(tally.line())  # the final count stays in the log
        elif self.live:
            self._status = tally.line()
            self.stream.write("\r\x1b[K" + self._status)
            self.stream.flush()


def _print_summary(reports: list[StageReport], root: Path) -> None:
    print("\nSummary")
    for r in reports:
        where = rel_path(r.run_dir, root) if r.run_dir else "-"
        if r.reused:
            print(f"  {r.stage:<9} unchanged — reused run {r.run_id} ({where})")
            continue
        print(
            f"  {r.stage:<9} {len(r.files)} file(s): {r.count('processed')} processed, "
            f"{r.count('skipped')} skipped, {r.failed} failed — run {r.run_id} "
            f"[{r.run_status}] ({where}) {r.seconds:.2f}s"
        )
        for f in r.files:
            if f.outcome == "processed" and f.status != "ok":
                print(f"      note    {f.name}: {f.status} — {f.detail.get('reason', '')}")
            elif f.outcome == "skipped":
                print(f"      skipped {f.name}: {f.status} — {f.detail.get('reason', '')}")
            elif f.outcome == "failed":
                print(f"      FAILED  {f.name}: {f.error}")


def run_command(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load(args.config_dir)
    except SettingsError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    stages: list[StageName] = list(STAGE_ORDER) if args.stage == "all" else [args.stage]
    console = Console()
    try:
        with make_executor(args.executor, jobs=args.jobs, scheduler=args.scheduler) as executor:
            reports = run_pipeline(
                stages,
                settings,
                input_path=args.input.absolute() if args.input else None,
                force=args.force,
                notes=args.note,
                progress=console.line,
                executor=executor,
                tally=console.tally,
            )
    except ExecutorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineError as exc:
        if exc.reports:
            _print_summary(exc.reports, settings.paths.project_root)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _print_summary(reports, settings.paths.project_root)
    failed = any(r.failed or r.run_status != "completed" for r in reports)
    return EXIT_FAILED if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_command(args)
    return EXIT_USAGE  # pragma: no cover - argparse enforces the choices
