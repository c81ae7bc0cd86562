"""Parallel and distributed execution: the real filings (plus renamed copies) through every
stage with ``--jobs 1``, a process pool of 4 and a Dask LocalCluster give the same output
bytes, the same lineage (timings and run names aside) and the same skip decisions."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from sec_finetune import Settings, read_run
from sec_finetune.__main__ import main
from sec_finetune.pipeline.cli import Console
from sec_finetune.pipeline.dask_executor import DaskExecutor
from sec_finetune.pipeline.executors import (
    Executor,
    ExecutorError,
    ProcessExecutor,
    SerialExecutor,
)
from sec_finetune.pipeline.runner import StageReport, Tally, run_pipeline
from sec_finetune.pipeline.stages import STAGE_ORDER, Source, code_sha256
from sec_finetune.pipeline.tasks import FileTask, TaskResult, run_task

REPO_ROOT = Path(__file__).resolve().parents[3]
# Renamed copies: same bytes under another filing key, so keys (and output names) differ.
COPIES = {"AAPL_10K_2024": "AAPLX_10K_2024", "GAN_10K_2009": "GANX_10K_2009"}


@pytest.fixture(scope="module")
def raw_dir(real_filings_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for path in sorted(real_filings_dir.glob("*_10K_*.html")):
        shutil.copyfile(path, raw / path.name)
    for original, copy in COPIES.items():
        shutil.copyfile(real_filings_dir / f"{original}.html", raw / f"{copy}.html")
    return raw


@dataclass
class Outcome:
    reports: list[StageReport]
    rerun: list[StageReport]
    out: Path

    def run_dir(self, stage: str) -> Path:
        (report,) = [r for r in self.reports if r.stage == stage]
        assert report.run_dir is not None
        return report.run_dir


def _settings(raw: Path, out: Path) -> Settings:
    return Settings.load(
        REPO_ROOT / "configs",
        paths={
            "project_root": REPO_ROOT,
            "raw_dir": raw,
            "interim_dir": out / "interim",
            "processed_dir": out / "processed",
        },
    )


def _run(raw: Path, out: Path, executor: Executor) -> Outcome:
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.upper().startswith("SEC_FINETUNE_")]:
            mp.delenv(name)
        settings = _settings(raw, out)
        with executor:
            reports = run_pipeline(STAGE_ORDER, settings, force=True, executor=executor)
            rerun = run_pipeline(STAGE_ORDER, settings, executor=executor)
    return Outcome(reports, rerun, out)


@pytest.fixture(scope="module")
def serial(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return _run(raw_dir, tmp_path_factory.mktemp("jobs1"), SerialExecutor())


@pytest.fixture(scope="module")
def pool(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return _run(raw_dir, tmp_path_factory.mktemp("jobs4"), ProcessExecutor(4))


@pytest.fixture(scope="module")
def dask(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    # Threads in this process keep the cluster's start-up well under a second; the CLI's
    # default (worker processes) runs the very same task function.
    executor = DaskExecutor(n_workers=2, processes=False)
    return _run(raw_dir, tmp_path_factory.mktemp("dask"), executor)


def _outputs(run_dir: Path) -> dict[str, bytes]:
    names = [o["name"] for o in _lineage(run_dir)["outputs"]]
    return {name: (run_dir / name).read_bytes() for name in names}


def _lineage(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "lineage.json").read_text(encoding="utf-8"))


def _comparable(lineage: dict[str, Any]) -> dict[str, Any]:
    """Lineage without what legitimately differs between two executions: run names and
    times, per-file seconds, and the run directories inside paths (names stay)."""
    data = json.loads(json.dumps(lineage))
    for key in ("run_id", "run_dir", "started_at"):
        data.pop(key)
    for item in data["upstream"]:
        item.pop("run_id"), item.pop("run_dir")
    for group in ("inputs", "outputs"):
        for item in data[group]:
            item["path"] = PurePosixPath(item["path"]).name
    for item in data["files"]:
        item.pop("seconds")
        item["input"] = PurePosixPath(item["input"]).name
        if item["output"] is not None:
            item["output"] = PurePosixPath(item["output"]).name
    return data


def _assert_same(a: Outcome, b: Outcome) -> None:
    assert [r.stage for r in a.reports] == [r.stage for r in b.reports] == list(STAGE_ORDER)
    for stage in STAGE_ORDER:
        left, right = a.run_dir(stage), b.run_dir(stage)
        assert _outputs(left) == _outputs(right), stage
        assert _comparable(_lineage(left)) == _comparable(_lineage(right)), stage
        summary_a, summary_b = read_run(left)["summary"], read_run(right)["summary"]
        summary_a.pop("upstream"), summary_b.pop("upstream")
        assert summary_a.pop("executor") != summary_b.pop("executor")  # where it ran differs
        assert summary_a == summary_b, stage
        assert (left / "run_config.yaml").read_bytes() == (right / "run_config.yaml").read_bytes()
    # Skip decisions: an unchanged re-run reuses every stage, under either executor.
    assert [(r.stage, r.reused, r.run_dir) for r in a.rerun] == [
        (r.stage, True, a.run_dir(r.stage)) for r in a.reports
    ]
    assert [(r.stage, r.reused) for r in b.rerun] == [(r.stage, r.reused) for r in a.rerun]


def test_serial_run_covers_every_filing_and_copy(serial: Outcome) -> None:
    parse, *_, features = serial.reports
    assert len(parse.files) == 6 and parse.failed == 0
    assert {f.key for f in features.files} == {
        "AAPL_10K_2024",
        "AAPLX_10K_2024",
        "GAN_10K_2009",
        "GANX_10K_2009",
    }
    # A renamed copy is the same filing under another key: same segments, other header.
    original = json.loads(
        (serial.run_dir("features") / "AAPL_10K_2024_segmented_risks.json").read_text()
    )
    copy = json.loads(
        (serial.run_dir("features") / "AAPLX_10K_2024_segmented_risks.json").read_text()
    )
    assert copy["segments"] == original["segments"] and copy["filing"]["ticker"] == "AAPLX"


def test_jobs_4_equals_jobs_1(serial: Outcome, pool: Outcome) -> None:
    _assert_same(serial, pool)
    executor = read_run(pool.run_dir("parse"))["summary"]["executor"]
    assert (executor["kind"], executor["jobs"], executor["start_method"]) == (
        "local",
        4,
        "forkserver",
    )
    assert sum(executor["ran_on"].values()) == 6
    # Worker processes did the work (how it spreads over them is up to the scheduler).
    assert all(int(w.rsplit(":", 1)[1]) != os.getpid() for w in executor["ran_on"])
    assert read_run(serial.run_dir("parse"))["summary"]["executor"]["jobs"] == 1


def test_dask_local_cluster_equals_jobs_1(serial: Outcome, dask: Outcome) -> None:
    _assert_same(serial, dask)
    executor = read_run(dask.run_dir("features"))["summary"]["executor"]
    assert executor["kind"] == "dask" and executor["cluster"] == "LocalCluster"
    assert executor["scheduler"].startswith(("tcp://", "inproc://")) and executor["workers"] == 2
    assert sum(executor["ran_on"].values()) == 4


def test_a_bad_filing_among_many_leaves_every_good_one_processed(
    raw_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    raw = tmp_path_factory.mktemp("raw_with_bad")
    for path in raw_dir.iterdir():
        shutil.copyfile(path, raw / path.name)
    (raw / "BAD_10K_2020.html").write_bytes(b"\x00\x01 not html")
    (raw / "EMPTY_10K_2021.html").write_bytes(b"")
    out = tmp_path_factory.mktemp("bad_out")
    tallies: list[Tally] = []
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.upper().startswith("SEC_FINETUNE_")]:
            mp.delenv(name)
        with ProcessExecutor(4) as executor:
            reports = run_pipeline(
                ["parse"], _settings(raw, out), executor=executor, tally=tallies.append
            )
    (parse,) = reports
    assert parse.run_status == "completed"
    outcomes = {f.key: f.outcome for f in parse.files}
    assert outcomes.pop("BAD_10K_2020") == outcomes.pop("EMPTY_10K_2021") == "failed"
    assert outcomes == {key: "processed" for key in outcomes} and len(outcomes) == 6
    assert parse.run_dir is not None
    assert sorted(p.name for p in parse.run_dir.glob("*_parsed.json")) == sorted(
        f"{key}_parsed.json" for key in outcomes
    )
    # The live count reached every file, counting the two failures.
    assert [(t.done, t.failed) for t in tallies][-1] == (8, 2)
    assert [t.done for t in tallies] == list(range(1, 9))


def die_on_killme(task: FileTask, config: dict[str, Any], state: Any) -> TaskResult:
    """A task function whose worker process dies on one file, as a parser crash would."""
    if task.key.startswith("KILLME"):
        os._exit(3)
    if task.key.startswith("RAISE"):
        raise ValueError("raised outside the stage code")
    return run_task(task, config, state)


def test_a_filing_that_kills_its_worker_or_its_task_fails_alone(
    project: Path, make_settings: Any
) -> None:
    raw = project / "data" / "raw"
    names = ("A_10K_2020", "KILLME_10K_2020", "B_10K_2020", "RAISE_10K_2020", "C_10K_2020")
    for name in names:
        shutil.copyfile(raw / "SAMP_10K_2023.html", raw / f"{name}.html")
    with ProcessExecutor(2, task_fn=die_on_killme) as executor:
        (parse,) = run_pipeline(["parse"], make_settings(), executor=executor)
    outcomes = {f.key: (f.outcome, f.error) for f in parse.files}
    assert outcomes.pop("KILLME_10K_2020") == (
        "failed",
        "WorkerDied: the worker process died while processing this file",
    )
    assert outcomes.pop("RAISE_10K_2020") == (
        "failed",
        "ValueError: raised outside the stage code",
    )
    assert outcomes == {key: ("processed", None) for key in outcomes} and len(outcomes) == 4
    assert parse.run_status == "completed"


def test_cli_jobs_prints_one_line_per_file_and_the_count(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = project / "data" / "raw"
    shutil.copyfile(raw / "SAMP_10K_2023.html", raw / "SAMPX_10K_2023.html")
    assert main(["pipeline", "run", "--stage", "parse", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("[parse] ")]
    assert len([line for line in lines if ": processed — ok" in line]) == 2
    assert {line.split()[1] for line in lines[:2]} == {"1/2", "2/2"}
    assert lines[2].startswith("[parse] 2/2 files, 0 failed, ")
    (run_dir,) = (project / "data" / "interim" / "parsed").iterdir()
    assert read_run(run_dir)["summary"]["executor"]["jobs"] == 2


def test_cli_rejects_jobs_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["pipeline", "run", "--stage", "parse", "--jobs", "0"])
    assert exc.value.code == 2
    assert "argument --jobs/-j: must be at least 1, got 0" in capsys.readouterr().err


def test_cli_scheduler_needs_dask(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", "run", "--stage", "parse", "--scheduler", "tcp://h:8786"]) == 2
    assert "error: --scheduler needs --executor dask" in capsys.readouterr().err
    assert not (project / "data" / "interim").exists()


def test_unreachable_scheduler_fails_before_any_run_directory(
    project: Path, make_settings: Any
) -> None:
    executor = DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout=0.5)
    with pytest.raises(
        ExecutorError, match=r"cannot reach the Dask scheduler tcp://127\.0\.0\.1:9"
    ):
        run_pipeline(["parse"], make_settings(), executor=executor)
    assert not (project / "data" / "interim" / "parsed").exists()


def test_cli_dask_local_cluster_of_worker_processes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What a user runs: the LocalCluster's workers are separate processes.
    code = main(["pipeline", "run", "--stage", "parse", "--executor", "dask", "--jobs", "1"])
    assert code == 0, capsys.readouterr().err
    assert "[parse] 1/1 SAMP_10K_2023.html: processed — ok" in capsys.readouterr().out
    (run_dir,) = (project / "data" / "interim" / "parsed").iterdir()
    executor = read_run(run_dir)["summary"]["executor"]
    assert (executor["kind"], executor["cluster"], executor["workers"]) == (
        "dask",
        "LocalCluster",
        1,
    )
    (worker,) = executor["ran_on"]
    assert int(worker.rsplit(":", 1)[1]) != os.getpid()  # ran in a worker process


def test_an_existing_cluster_is_recorded_as_external(project: Path, make_settings: Any) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        executor = DaskExecutor(scheduler=cluster.scheduler_address)
        with executor:
            (parse,) = run_pipeline(["parse"], make_settings(), executor=executor)
        assert parse.run_dir is not None
        recorded = read_run(parse.run_dir)["summary"]["executor"]
        assert (recorded["cluster"], recorded["scheduler"], recorded["workers"]) == (
            "external",
            cluster.scheduler_address,
            1,
        )

        empty = LocalCluster(n_workers=0, processes=False, dashboard_address=":0")
        with empty, pytest.raises(ExecutorError, match="has no workers"):
            DaskExecutor(scheduler=empty.scheduler_address, connect_timeout=0.5).start()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_console_keeps_the_live_count_on_the_last_line_of_a_terminal() -> None:
    term = _Terminal()
    console = Console(term)
    console.line("[parse] 1/2 A.html: processed")
    console.tally(Tally("parse", 1, 2, 0, 1.0))
    console.line("[parse] 2/2 B.html: failed")
    console.tally(Tally("parse", 2, 2, 1, 2.0))
    clear = "\r\x1b[K"
    assert term.getvalue() == (
        "[parse] 1/2 A.html: processed\n"
        f"{clear}[parse] 1/2 files, 0 failed, 1.0 files/s"
        f"{clear}[parse] 2/2 B.html: failed\n[parse] 1/2 files, 0 failed, 1.0 files/s"
        f"{clear}[parse] 2/2 files, 1 failed, 1.0 files/s\n"
    )
    # In a log (not a terminal) only the per-file lines and the final count appear.
    log = io.StringIO()
    console = Console(log)
    console.line("[parse] 1/2 A.html: processed")
    console.tally(Tally("parse", 1, 2, 0, 1.0))
    console.tally(Tally("parse", 2, 2, 0, 2.0))
    assert log.getvalue() == (
        "[parse] 1/2 A.html: processed\n[parse] 2/2 files, 0 failed, 1.0 files/s\n"
    )


def test_a_worker_running_other_stage_code_fails_the_file() -> None:
    source = Source.read(REPO_ROOT / "data" / "raw" / "SAMP_10K_2023.html")
    task = FileTask(0, "parse", "SAMP_10K_2023", source)
    config = {"encoding_fallback": "cp1252", "drop_tables": False}
    assert run_task(task, {**config, "code_sha256": code_sha256("parse")}, None).status == "ok"
    result = run_task(task, {**config, "code_sha256": "0" * 64}, None)
    assert (result.outcome, result.output) == ("failed", None)
    assert result.error is not None and result.error.startswith(
        "WorkerCodeMismatch: " + f"{socket.gethostname()}:{os.getpid()} runs other parse code"
    )
