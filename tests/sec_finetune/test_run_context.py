"""RunContext: directory naming, run.json lifecycle, atomic artifacts."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sec_finetune import RunContext, read_run

RUN_KEYS = {
    "format",
    "run_id",
    "name",
    "status",
    "started_at",
    "ended_at",
    "duration_seconds",
    "git",
    "python",
    "platform",
    "command",
    "notes",
    "summary",
    "error",
}

# fork keeps child start-up in the milliseconds; spawn re-imports everything.
MP = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("SEC_FINETUNE_"):
            monkeypatch.delenv(name)
    # Keep git from discovering a repository above tmp_path.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)


def _same_second_pair(base: Path, name: str) -> tuple[RunContext, RunContext]:
    # Two constructions are microseconds apart; retry in the rare case they straddle
    # a second boundary.
    while True:
        first, second = RunContext(name, base_dir=base), RunContext(name, base_dir=base)
        if first.run_id == second.run_id:
            return first, second


# --------------------------------------------------------------------- naming


def test_run_id_is_local_creation_time_and_names_the_directory(tmp_path: Path) -> None:
    before = datetime.now().replace(microsecond=0)
    run = RunContext("baseline", base_dir=tmp_path / "runs")
    after = datetime.now()

    assert re.fullmatch(r"\d{8}_\d{6}", run.run_id)
    assert before <= datetime.strptime(run.run_id, "%Y%m%d_%H%M%S") <= after
    assert run.output_dir == tmp_path / "runs" / f"{run.run_id}_baseline"
    assert not run.output_dir.exists()  # nothing touches the disk before create()

    assert run.create() == run.output_dir
    assert run.output_dir.is_dir()


def test_explicit_git_sha_is_a_directory_suffix(tmp_path: Path) -> None:
    run = RunContext("baseline", base_dir=tmp_path, git_sha="abc1234")
    assert run.output_dir.name == f"{run.run_id}_baseline_abc1234"


@pytest.mark.parametrize("name", ["", "a/b", "../up", ".hidden", "with space"])
def test_names_that_would_escape_or_mangle_the_directory_are_rejected(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(ValueError, match="run name"):
        RunContext(name, base_dir=tmp_path)


def test_default_base_dir_is_the_labeled_dir_from_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    run = RunContext("x")
    assert run.output_dir.parent == tmp_path / "data" / "processed" / "labeled"


def test_same_name_in_the_same_second_gets_a_suffix(tmp_path: Path) -> None:
    first, second = _same_second_pair(tmp_path, "dup")
    first.create()
    second.create()
    assert second.output_dir.name == first.output_dir.name + "_2"
    assert second.run_id == first.run_id  # the suffix never changes the run id


def _create_after_barrier(base: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    run = RunContext("race", base_dir=base, git_sha="abc1234")
    run.create()
    results.put((run.run_id, run.output_dir.name))


def test_fifty_processes_started_at_once_get_fifty_directories(tmp_path: Path) -> None:
    n = 50
    barrier, results = MP.Barrier(n), MP.Queue()
    procs = [
        MP.Process(target=_create_after_barrier, args=(str(tmp_path), barrier, results))
        for _ in range(n)
    ]
    for p in procs:
        p.start()
    created = [results.get(timeout=60) for _ in range(n)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    names = [name for _, name in created]
    assert len(set(names)) == n
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)

    # Within one second the suffixes are exactly "", _2, _3, ... with no gaps.
    by_second: dict[str, list[str]] = defaultdict(list)
    for run_id, name in created:
        match = re.fullmatch(rf"{run_id}_race_abc1234(?:_(\d+))?", name)
        assert match, name
        by_second[run_id].append(match.group(1) or "1")
        assert read_run(tmp_path / name)["run_id"] == run_id
    for suffixes in by_second.values():
        assert sorted(map(int, suffixes)) == list(range(1, len(suffixes) + 1))
    assert max(len(s) for s in by_second.values()) > 1  # collisions really happened


# --------------------------------------------------------------------- run.json


def test_run_json_while_running(tmp_path: Path) -> None:
    notes = ["thoughts/shared/research/2026-01-05-baseline.md"]
    run = RunContext("baseline", base_dir=tmp_path, notes=notes)
    run.create()
    meta = read_run(run.output_dir)

    assert set(meta) == RUN_KEYS
    assert meta["format"] == "sec-finetune-run/1"
    assert (meta["run_id"], meta["name"], meta["status"]) == (run.run_id, "baseline", "running")
    assert datetime.fromisoformat(meta["started_at"]).tzinfo is not None
    assert meta["ended_at"] is None and meta["duration_seconds"] is None
    assert meta["git"] == {"commit": None, "branch": None, "dirty": None}  # not a repo
    assert meta["notes"] == notes
    assert meta["summary"] == {} and meta["error"] is None
    assert isinstance(meta["command"], list) and meta["python"] and meta["platform"]


def test_context_manager_marks_completed_with_times(tmp_path: Path) -> None:
    with RunContext("ok", base_dir=tmp_path) as run:
        assert read_run(run.output_dir)["status"] == "running"
        time.sleep(0.02)
    meta = read_run(run.output_dir)

    assert meta["status"] == "completed" and meta["error"] is None
    started = datetime.fromisoformat(meta["started_at"])
    ended = datetime.fromisoformat(meta["ended_at"])
    assert ended.tzinfo is not None and started <= ended
    assert meta["duration_seconds"] >= 0.02


def test_context_manager_marks_failed_and_reraises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="boom"), RunContext("bad", base_dir=tmp_path) as run:
        raise ValueError("boom")
    meta = read_run(run.output_dir)

    assert meta["status"] == "failed"
    assert meta["error"] == "ValueError: boom"
    assert datetime.fromisoformat(meta["started_at"]) <= datetime.fromisoformat(meta["ended_at"])
    assert meta["duration_seconds"] >= 0
    assert "ValueError: boom" in (run.output_dir / "traceback.txt").read_text(encoding="utf-8")


def test_keyboard_interrupt_also_marks_failed(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), RunContext("ctrl-c", base_dir=tmp_path) as run:
        raise KeyboardInterrupt
    assert read_run(run.output_dir)["error"] == "KeyboardInterrupt"


def test_complete_merges_summary_and_exit_keeps_it(tmp_path: Path) -> None:
    with RunContext("sum", base_dir=tmp_path) as run:
        run.complete({"filings": 12, "f1": 0.5})
    meta = read_run(run.output_dir)
    assert meta["status"] == "completed"
    assert meta["summary"] == {"filings": 12, "f1": 0.5}
    with pytest.raises(RuntimeError, match="already completed"):
        run.complete()


def test_fail_with_a_message(tmp_path: Path) -> None:
    run = RunContext("msg", base_dir=tmp_path)
    run.create()
    run.fail("no filings matched")
    assert read_run(run.output_dir)["error"] == "no filings matched"


def test_notes_can_be_added_later(tmp_path: Path) -> None:
    with RunContext("n", base_dir=tmp_path, notes=["a.md"]) as run:
        run.add_note("b.md")
    assert read_run(run.output_dir)["notes"] == ["a.md", "b.md"]


def test_git_metadata_and_auto_sha(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> str:
        cmd = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
        return subprocess.run(cmd, cwd=repo, check=True, capture_output=True, text=True).stdout

    git("init", "-q", "-b", "research")
    (repo / "code.py").write_text("x = 1\n", encoding="utf-8")
    git("add", "code.py")
    git("commit", "-q", "-m", "init")
    sha = git("rev-parse", "HEAD").strip()
    os.chdir(repo)  # the autouse fixture's monkeypatch.chdir restores the cwd

    run = RunContext("g", base_dir=tmp_path / "runs", git_sha="auto")
    assert run.output_dir.name == f"{run.run_id}_g_{sha[:7]}"
    run.create()
    assert read_run(run.output_dir)["git"] == {"commit": sha, "branch": "research", "dirty": False}

    (repo / "code.py").write_text("x = 2\n", encoding="utf-8")
    dirty = RunContext("g", base_dir=tmp_path / "runs")
    dirty.create()
    assert read_run(dirty.output_dir)["git"]["dirty"] is True


def test_auto_sha_outside_a_repository_means_no_suffix(tmp_path: Path) -> None:
    run = RunContext("nogit", base_dir=tmp_path, git_sha="auto")
    assert run.output_dir.name == f"{run.run_id}_nogit"


# --------------------------------------------------------------------- artifacts


def test_artifacts_need_create_first(tmp_path: Path) -> None:
    run = RunContext("early", base_dir=tmp_path)
    with pytest.raises(RuntimeError, match="create"):
        run.save_metrics({"a": 1})


def test_config_metrics_lineage_and_log(tmp_path: Path) -> None:
    with RunContext("files", base_dir=tmp_path) as run:
        run.save_config({"segmentation": {"max": 10, "min": 2}, "raw_dir": Path("data/raw")})
        run.save_metrics({"f1": 0.75, "loss": float("nan")})
        run.record_lineage({"inputs": ["data/raw/a.htm"], "upstream_runs": []})
        run.log_metrics({"loss": 1.5}, step=1)
        run.log_metrics({"loss": 1.25}, step=2)
        run.write_json("plots/curve.json", [1, 2])
        run.write_text("README.txt", "hello\n")
    out = run.output_dir

    config_text = (out / "run_config.yaml").read_text(encoding="utf-8")
    assert config_text.index("max") < config_text.index("min")  # insertion order kept
    assert yaml.safe_load(config_text)["raw_dir"] == "data/raw"
    assert json.loads((out / "metrics.json").read_text()) == {"f1": 0.75, "loss": None}
    assert json.loads((out / "lineage.json").read_text())["inputs"] == ["data/raw/a.htm"]
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert [(x["step"], x["loss"]) for x in lines] == [(1, 1.5), (2, 1.25)]
    assert all(datetime.fromisoformat(x["time"]).tzinfo is not None for x in lines)
    assert json.loads((out / "plots" / "curve.json").read_text()) == [1, 2]
    assert (out / "README.txt").read_text() == "hello\n"


@pytest.mark.parametrize("relative", ["../escape.json", "/abs.json", "a/../../b.json", ""])
def test_artifact_paths_stay_inside_the_run(tmp_path: Path, relative: str) -> None:
    run = RunContext("safe", base_dir=tmp_path / "runs")
    run.create()
    with pytest.raises(ValueError, match="inside the run"):
        run.write_json(relative, {})


def test_run_json_cannot_be_overwritten_as_an_artifact(tmp_path: Path) -> None:
    with (
        RunContext("guard", base_dir=tmp_path) as run,
        pytest.raises(ValueError, match=r"run\.json"),
    ):
        run.write_text("run.json", "{}")
    assert read_run(run.output_dir)["status"] == "completed"


# --------------------------------------------------------------------- crash safety

PAYLOADS = [
    {"which": "A", "blob": "a" * 3_000_000, "values": list(range(100_000))},
    {"which": "B", "blob": "b" * 2_000_000, "values": list(range(200_000, 260_000))},
]


def _hammer_metrics(run: RunContext, ready: Any) -> None:
    i = 0
    while True:
        run.save_metrics(PAYLOADS[i % 2])
        if i == 0:
            ready.set()
        i += 1


def test_sigkill_during_save_metrics_never_leaves_a_torn_file(tmp_path: Path) -> None:
    run = RunContext("killed", base_dir=tmp_path)
    run.create()
    metrics = run.output_dir / "metrics.json"
    rng = random.Random(20260105)  # random kill times, reproducible failures

    for _ in range(15):
        ready = MP.Event()
        child = MP.Process(target=_hammer_metrics, args=(run, ready))
        child.start()
        assert ready.wait(timeout=30)
        time.sleep(rng.uniform(0.0, 0.08))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
        assert child.exitcode == -signal.SIGKILL

        data = json.loads(metrics.read_text(encoding="utf-8"))
        assert data == PAYLOADS[0 if data["which"] == "A" else 1]

    # Killed writers may leave temp files behind, but only hidden *.tmp ones.
    for path in run.output_dir.iterdir():
        if path.name not in {"run.json", "metrics.json"}:
            assert re.fullmatch(r"\.metrics\.json\.[0-9a-f]+\.tmp", path.name), path.name
