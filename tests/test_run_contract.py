"""The run directory format, tested from the plugin's side.

Runs are made here by the real ``sec_finetune.RunContext`` and the real pipeline, in a git
repository in tmp_path; the plugin then discovers them and every field it shows is compared with
what the files say, read back independently. The two packages never import each other: if either
side changes the format, this test is where it shows.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitfixtures import GitRepo, isolate_git
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.notes import Note
from mkdocs_thoughts.corpus.loader import NoteLoader
from mkdocs_thoughts.runs import model as plugin_runs
from mkdocs_thoughts.runs.citations import link_runs
from mkdocs_thoughts.runs.discovery import discover_runs
from mkdocs_thoughts.runs.model import Run
from mkdocs_thoughts.runs.run_set import RunSet
from treeutil import REPO_ROOT, write_tree

from sec_finetune import RunContext, Settings, read_run, run_context
from sec_finetune import atomic as run_atomic
from sec_finetune.pipeline import lineage as pipeline_lineage
from sec_finetune.pipeline import run_pipeline

SAMPLE_FILING = REPO_ROOT / "data" / "raw" / "SAMP_10K_2023.html"
NOTE = "thoughts/shared/research/2026-01-07_10-00_results.md"
LABELED = "data/processed/labeled"


def test_the_format_constants_agree() -> None:
    assert plugin_runs.RUN_FORMAT == run_context.RUN_FORMAT
    assert plugin_runs.RUN_FILE == run_context.RUN_FILE
    assert plugin_runs.CONFIG_FILE == run_context.CONFIG_FILE
    assert plugin_runs.METRICS_FILE == run_context.METRICS_FILE
    assert plugin_runs.METRICS_LOG_FILE == run_context.METRICS_LOG_FILE
    assert plugin_runs.LINEAGE_FILE == run_context.LINEAGE_FILE
    assert plugin_runs.LINEAGE_FORMAT == pipeline_lineage.LINEAGE_FORMAT
    assert run_atomic.TEMP_SUFFIX == ".tmp"


# --- independent readers of the files -----------------------------------------------------------


def flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping) and value:
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def jsonl_curves(path: Path) -> dict[str, list[tuple[float, float]]]:
    curves: dict[str, list[tuple[float, float]]] = {}
    if not path.exists():
        return curves
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        try:
            record = json.loads(line)
        except ValueError:
            continue  # the torn last line
        for key, value in flat(
            {k: v for k, v in record.items() if k not in ("step", "time")}
        ).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                step = record["step"] if record["step"] is not None else number
                curves.setdefault(key, []).append((float(step), float(value)))
    return curves


def files_on_disk(directory: Path) -> Iterator[tuple[str, int]]:
    for path in sorted(directory.rglob("*")):
        hidden_temp = path.name.startswith(".") and path.name.endswith(run_atomic.TEMP_SUFFIX)
        if path.is_file() and not hidden_temp:
            yield path.relative_to(directory).as_posix(), path.stat().st_size


def assert_matches_disk(run: Run, directory: Path) -> None:
    meta = read_run(directory)
    git = meta["git"]
    ended = meta["ended_at"]
    assert (run.run_id, run.name, run.status) == (meta["run_id"], meta["name"], meta["status"])
    assert directory.name.startswith(f"{meta['run_id']}_{meta['name']}")
    assert run.started == datetime.fromisoformat(meta["started_at"])
    assert run.ended == (datetime.fromisoformat(ended) if ended else None)
    assert run.duration_seconds == meta["duration_seconds"]
    assert (run.commit, run.branch, run.dirty) == (git["commit"], git["branch"], git["dirty"])
    assert (run.python, run.platform, run.command) == (
        meta["python"],
        meta["platform"],
        meta["command"],
    )
    assert run.notes == meta["notes"]
    assert run.summary == flat(meta["summary"])
    assert run.error == meta["error"]
    config = directory / "run_config.yaml"
    expected = yaml.safe_load(config.read_text(encoding="utf-8")) if config.exists() else {}
    assert run.config == flat(expected)
    metrics = directory / "metrics.json"
    expected = json.loads(metrics.read_text(encoding="utf-8")) if metrics.exists() else {}
    assert run.metrics == flat(expected)
    assert run.curves == jsonl_curves(directory / "metrics.jsonl")
    assert [(f.path, f.size) for f in run.files] == list(files_on_disk(directory))
    assert run.problems == []


# --- the runs -----------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A committed repository that is also a pipeline project (pyproject.toml, configs/, the
    sample filing), as the working directory so both git and Settings find it."""
    isolate_git(monkeypatch)
    for name in list(os.environ):
        if name.upper().startswith("SEC_FINETUNE_"):
            monkeypatch.delenv(name)
    repo = GitRepo(tmp_path / "repo")
    write_tree(repo.root, {"pyproject.toml": "", "configs/.keep": "", "README.md": "x\n"})
    (repo.root / "data" / "raw").mkdir(parents=True)
    shutil.copy2(SAMPLE_FILING, repo.root / "data" / "raw" / SAMPLE_FILING.name)
    repo.commit("project")
    monkeypatch.chdir(repo.root)
    return repo


def make_runs(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    base = repo.root / LABELED
    made: dict[str, Path] = {}
    # Two runs of one name in one second: the second directory gets `_2`.
    with monkeypatch.context() as clock:
        moment = datetime.fromisoformat("2026-01-06T09:00:00.125+01:00")
        clock.setattr(run_context, "_now", lambda: moment)
        with RunContext("train", base_dir=base, git_sha="auto", notes=[NOTE]) as run:
            run.save_config({"model": {"name": "bert", "layers": 12}, "lr": 1e-3, "seeds": [1]})
            for step in range(3):
                run.log_metrics({"loss": 1 / (step + 1), "eval": {"f1": step / 10}}, step=step)
            run.save_metrics({"f1": 0.91, "eval": {"loss": 0.2}, "note": "best"})
            run.write_text("artifacts/predictions.csv", "id,label\n1,0\n")
            run.complete({"best_epoch": 2, "by_split": {"dev": 0.9}})
        made["train"] = run.output_dir
        with RunContext("train", base_dir=base, git_sha="auto") as run:
            run.log_metrics({"loss": 3.0})  # no step: placed at its record number
        made["train_2"] = run.output_dir

    (repo.root / "README.md").write_text("changed\n", encoding="utf-8")  # a dirty checkout
    with pytest.raises(ValueError, match="boom"), RunContext("eval", base_dir=base) as run:
        made["eval"] = run.output_dir
        raise ValueError("boom")
    repo.git("checkout", "--", "README.md")

    sweep = RunContext("sweep", base_dir=base, notes=["thoughts/shared/plans/gone.md"])
    made["sweep"] = sweep.create()
    sweep.log_metrics({"loss": 0.5}, step=0)
    with (sweep.output_dir / "metrics.jsonl").open("a", encoding="utf-8") as log:
        log.write('{"step": 1, "time": "2026-01-')  # killed mid-append
    # A writer killed before its rename leaves its temporary file, named by the real helper.
    leftover = run_atomic._temp_path(sweep.output_dir / "metrics.json")
    leftover.write_text("{", encoding="utf-8")
    return made


def test_runs_made_by_run_context(project: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    made = make_runs(project, monkeypatch)
    runs = discover_runs(project.root)
    by_dir = {run.rel_dir: run for run in runs}
    rel = {key: path.relative_to(project.root).as_posix() for key, path in made.items()}
    assert sorted(by_dir) == sorted(rel.values())
    for key, path in made.items():
        assert_matches_disk(by_dir[rel[key]], path)

    head = project.head()
    train, train_2 = by_dir[rel["train"]], by_dir[rel["train_2"]]
    assert train.dir_name == f"20260106_090000_train_{head[:7]}"
    assert train_2.dir_name == f"20260106_090000_train_{head[:7]}_2"
    assert (train.slug, train_2.slug) == (train.dir_name, train_2.dir_name)
    assert (train.commit, train.branch, train.dirty, train.status) == (
        head,
        "main",
        False,
        "completed",
    )
    assert train.config == {"model.name": "bert", "model.layers": 12, "lr": 0.001, "seeds": [1]}
    assert train.metrics == {"f1": 0.91, "eval.loss": 0.2, "note": "best"}
    assert train.curves == {
        "loss": [(0.0, 1.0), (1.0, 0.5), (2.0, 1 / 3)],
        "eval.f1": [(0.0, 0.0), (1.0, 0.1), (2.0, 0.2)],
    }
    assert train.summary == {"best_epoch": 2, "by_split.dev": 0.9}
    assert "artifacts/predictions.csv" in [f.path for f in train.files]
    assert train_2.curves == {"loss": [(0.0, 3.0)]}

    eval_run = by_dir[rel["eval"]]
    assert (eval_run.status, eval_run.error, eval_run.dirty) == ("failed", "ValueError: boom", True)
    assert "traceback.txt" in [f.path for f in eval_run.files]
    assert eval_run.ended is not None and eval_run.duration_seconds is not None

    sweep = by_dir[rel["sweep"]]
    assert (sweep.status, sweep.ended, sweep.duration_seconds) == ("running", None, None)
    assert sweep.curves == {"loss": [(0.0, 0.5)]}  # the torn line is left out, silently
    assert [p.name for p in made["sweep"].iterdir() if p.name.endswith(".tmp")]  # on disk...
    assert not [f for f in sweep.files if f.path.endswith(".tmp")]  # ...but not listed

    # Notes name runs the ways the format allows; `{run_id}_{name}` is ambiguous here.
    write_tree(
        project.root,
        {
            NOTE: "---\nruns: [" + train.dir_name + ", " + f"{LABELED}/{train_2.dir_name}" + "]\n"
            "---\n# Results\n",
            "thoughts/shared/plans/2026-01-08_10-00_next.md": "---\n"
            "runs: 20260106_090000_train\n---\n# Next\n",
        },
    )
    notes = _notes(project.root)
    links = link_runs(notes, runs, project.root)
    results = next(note for note in notes if note.rel_path == NOTE)
    assert links.runs_of(results) == [train, train_2]
    assert links.notes_of(train) == [results]  # cited, and named by run.json
    (problem,) = links.problems
    assert "matches 2 runs" in problem.message and problem.code == "TH402"
    assert links.missing_notes(sweep) == ["thoughts/shared/plans/gone.md"]


def test_pipeline_runs_and_their_lineage(project: GitRepo) -> None:
    settings = Settings.load(project.root / "configs")
    reports = run_pipeline(["parse", "extract", "segment", "features"], settings, notes=[NOTE])
    assert [report.run_status for report in reports] == ["completed"] * 4
    runs = discover_runs(project.root)  # the default globs reach every stage's folder
    chain = [_by_path(runs, report.run_dir) for report in reports]
    assert [run.name for run in chain] == ["parse", "extract", "segment", "features"]
    for report, run in zip(reports, chain, strict=True):
        assert report.run_dir is not None
        assert_matches_disk(run, report.run_dir)
        lineage = json.loads((report.run_dir / "lineage.json").read_text(encoding="utf-8"))
        assert run.lineage is not None
        assert run.lineage.stage == lineage["stage"]
        assert run.lineage.config_sha256 == lineage["config_sha256"]
        assert run.lineage.inputs_sha256 == lineage["inputs_sha256"]
        pairs = ((run.lineage.inputs, lineage["inputs"]), (run.lineage.outputs, lineage["outputs"]))
        for mine, theirs in pairs:
            assert [(f.name, f.path, f.sha256, f.size, f.source) for f in mine] == [
                (f["name"], f["path"], f["sha256"], f["bytes"], f.get("input")) for f in theirs
            ]
        assert [(o.name, o.key, o.outcome, o.status, o.error) for o in run.lineage.outcomes] == [
            (f["name"], f["key"], f["outcome"], f["status"], f["error"]) for f in lineage["files"]
        ]
        assert run.lineage.counts == lineage["counts"]
        assert [(ref.run_dir, ref.run_id, ref.stage) for ref in run.upstream] == [
            (u["run_dir"], u["run_id"], u["stage"]) for u in lineage["upstream"]
        ]
    for upstream, downstream in itertools.pairwise(chain):
        assert [ref.run for ref in downstream.upstream] == [upstream]
        assert upstream.downstream == [downstream]
    assert chain[0].upstream == [] and chain[-1].downstream == []
    assert {run.rel_dir.rsplit("/", 1)[0] for run in chain} == {
        "data/interim/parsed",
        "data/interim/extracted",
        "data/interim/segmented",
        "data/processed",
    }


def _by_path(runs: RunSet, run_dir: Path | None) -> Run:
    assert run_dir is not None
    return runs.by_dir[run_dir.relative_to(Path.cwd()).as_posix()]


def _notes(root: Path) -> list[Note]:
    settings = ThoughtsSettings(check_commits=False, extra_fields=["runs"])
    return NoteLoader(settings, root / "thoughts", root).load().notes
