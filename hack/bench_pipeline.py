#!/usr/bin/env python
"""Benchmark the data pipeline: all stages over the four real 10-K filings in tests/data/sec10k.

Outputs go to a temporary directory that is deleted afterwards; the repository is not
touched. Prints per-stage wall times (best of --repeat fresh runs) and the total, then the
time of a re-run on unchanged inputs (every stage skipped after its hash check).

    .venv/bin/python hack/bench_pipeline.py [--input tests/data/sec10k] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sec_finetune import Settings
from sec_finetune.pipeline.runner import StageReport, run_pipeline
from sec_finetune.pipeline.stages import STAGE_ORDER

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO_ROOT / "tests" / "data" / "sec10k"
BUDGET_SECONDS = 10.0


def _settings(raw: Path, out: Path) -> Settings:
    # Explicit paths win over any SEC_FINETUNE_PATHS__* in the caller's environment.
    return Settings.load(
        REPO_ROOT / "configs",
        paths={
            "project_root": REPO_ROOT,
            "raw_dir": raw,
            "interim_dir": out / "interim",
            "processed_dir": out / "processed",
        },
    )


def _one_round(raw: Path) -> tuple[dict[str, float], float, float, list[StageReport]]:
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as tmp:
        settings = _settings(raw, Path(tmp))
        started = time.perf_counter()
        reports = run_pipeline(STAGE_ORDER, settings, force=True)
        total = time.perf_counter() - started
        started = time.perf_counter()
        rerun = run_pipeline(STAGE_ORDER, settings)
        skipped = time.perf_counter() - started
        assert all(r.reused for r in rerun), "unchanged re-run was not skipped"
    return {r.stage: r.seconds for r in reports}, total, skipped, reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs; the best is shown")
    args = parser.parse_args()
    raw = args.input.resolve()
    filings = sorted(p for p in raw.glob("*.htm*") if p.is_file())
    if not filings:
        print(f"no filings in {raw}", file=sys.stderr)
        return 2
    size_mb = sum(p.stat().st_size for p in filings) / 1e6
    print(f"{len(filings)} filings, {size_mb:.2f} MB of HTML in {raw}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {args.repeat}\n")

    rounds = [_one_round(raw) for _ in range(max(1, args.repeat))]
    best = min(rounds, key=lambda r: r[1])
    stage_times, total, skipped, reports = best
    print(f"{'stage':<10}{'files':>6}{'processed':>11}{'skipped':>9}{'failed':>8}{'seconds':>10}")
    for r in reports:
        print(
            f"{r.stage:<10}{len(r.files):>6}{r.count('processed'):>11}{r.count('skipped'):>9}"
            f"{r.failed:>8}{stage_times[r.stage]:>10.3f}"
        )
    print(f"{'total':<44}{total:>10.3f}")
    print(f"{'re-run, all stages skipped (unchanged)':<44}{skipped:>10.3f}")
    all_totals = ", ".join(f"{r[1]:.3f}" for r in rounds)
    print(f"\nall totals: {all_totals} s; budget {BUDGET_SECONDS:.0f} s")
    return 0 if total < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
