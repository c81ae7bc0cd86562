#!/usr/bin/env python
"""Benchmark the data pipeline on the real 10-K filings in tests/data/sec10k.

1. Latency: all stages over the four filings (best of --repeat fresh runs; budget 10 s), and
   a re-run on unchanged inputs (every stage skipped after its hash check).
2. Throughput: the filings repeated (4 x --copies renamed links) through every stage at
   --jobs 1, 2, 4 and all cores; files per second, speedup over --jobs 1 and the scaling
   efficiency (speedup / min(jobs, cores)). Target: >= 0.7 x linear up to the cores.
   Also the occupancy (the share of the run during which each worker had a file in hand:
   1.0 means the parent never left a worker idle), the CPU seconds of the parent (reading
   inputs, writing outputs) and of the tasks, and the 1-minute load average before each
   measurement: on a machine other work keeps busy, wall-clock speedup says little, while
   occupancy and CPU seconds still show what parallelism itself costs.

Outputs go to a temporary directory that is deleted afterwards; the repository is not
touched.

    .venv/bin/python hack/bench_pipeline.py [--input tests/data/sec10k] [--repeat 3]
        [--copies 25] [--jobs 1,2,4,all] [--no-scaling]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sec_finetune import Settings, read_run
from sec_finetune.pipeline.executors import Executor, available_cores, make_executor
from sec_finetune.pipeline.runner import StageReport, run_pipeline
from sec_finetune.pipeline.stages import STAGE_ORDER

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO_ROOT / "tests" / "data" / "sec10k"
BUDGET_SECONDS = 10.0
SCALING_TARGET = 0.7


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


def latency(raw: Path, repeat: int) -> bool:
    rounds = [_one_round(raw) for _ in range(max(1, repeat))]
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
    return total < BUDGET_SECONDS


def _repeated(filings: list[Path], copies: int, into: Path) -> int:
    """``copies`` renamed links to every filing: TICKER07_10K_YEAR.html -> the original."""
    for path in filings:
        ticker, rest = path.name.split("_", 1)
        for n in range(copies):
            (into / f"{ticker}{n:02d}_{rest}").symlink_to(path)
    return len(filings) * copies


def _timed(raw: Path, out: Path, executor: Executor) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds of this process, CPU seconds of the tasks (any process),
    and the tasks' summed wall seconds (how long workers were busy)."""
    with executor:
        executor.start()  # a pool's start-up is part of every real run; count it
        cpu = time.process_time()
        started = time.perf_counter()
        reports = run_pipeline(STAGE_ORDER, _settings(raw, out), force=True, executor=executor)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    assert all(r.failed == 0 for r in reports), "a file failed"
    task_cpu = sum(
        read_run(r.run_dir)["summary"]["executor"]["task_cpu_seconds"]
        for r in reports
        if r.run_dir is not None
    )
    busy = sum(f.seconds for r in reports for f in r.files)
    return seconds, cpu, task_cpu, busy


def scaling(filings: list[Path], copies: int, jobs_list: list[int]) -> bool:
    cores = available_cores()
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_scaling_") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        n = _repeated(filings, copies, raw)
        print(f"\nthroughput: {n} filings ({len(filings)} x {copies} renamed copies), all stages")
        print(
            f"{'jobs':>6}{'seconds':>10}{'files/s':>10}{'speedup':>10}{'efficiency':>12}"
            f"{'occupancy':>11}{'parent cpu':>12}{'task cpu':>10}{'load':>7}"
        )
        base_rate = 0.0
        efficiency_at_cores = None
        for jobs in jobs_list:
            load = os.getloadavg()[0]
            executor = make_executor("local", jobs=jobs)
            seconds, cpu, task_cpu, busy = _timed(raw, Path(tmp) / f"out{jobs}", executor)
            rate = n / seconds
            base_rate = base_rate or rate
            speedup = rate / base_rate
            efficiency = speedup / min(jobs, cores)
            if jobs == cores:
                efficiency_at_cores = efficiency
            # With --jobs 1 the tasks run in this process: its CPU includes theirs.
            parent = cpu - task_cpu if jobs == 1 else cpu
            print(
                f"{jobs:>6}{seconds:>10.2f}{rate:>10.2f}{speedup:>10.2f}{efficiency:>12.2f}"
                f"{busy / seconds / min(jobs, n):>11.2f}{parent:>12.2f}{task_cpu:>10.2f}"
                f"{load:>7.2f}"
            )
    print(
        f"\n{cores} usable cores; scaling efficiency at {cores} jobs: "
        f"{efficiency_at_cores:.2f} (target >= {SCALING_TARGET}); machine load "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return efficiency_at_cores is None or efficiency_at_cores >= SCALING_TARGET


def _jobs(text: str) -> list[int]:
    cores = available_cores()
    jobs = [cores if part == "all" else int(part) for part in text.split(",")]
    ordered = sorted(set(jobs))
    if ordered[0] != 1:
        ordered.insert(0, 1)  # the speedup is relative to --jobs 1
    return ordered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs; the best is shown")
    parser.add_argument("--copies", type=int, default=25, help="renamed copies per filing")
    parser.add_argument("--jobs", type=_jobs, default=_jobs("1,2,4,all"), help="e.g. 1,2,4,all")
    parser.add_argument("--no-scaling", action="store_true", help="latency part only")
    args = parser.parse_args()
    raw = args.input.resolve()
    filings = sorted(p for p in raw.glob("*.htm*") if p.is_file())
    if not filings:
        print(f"no filings in {raw}", file=sys.stderr)
        return 2
    size_mb = sum(p.stat().st_size for p in filings) / 1e6
    print(f"{len(filings)} filings, {size_mb:.2f} MB of HTML in {raw}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {args.repeat}\n")
    ok = latency(raw, args.repeat)
    if not args.no_scaling:
        ok = scaling(filings, args.copies, args.jobs) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
