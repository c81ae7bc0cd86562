"""Runs read from disk (every file, every way it can be damaged), lineage across runs, and the
links between notes and runs."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from factories import make_note
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.notes import Note
from mkdocs_thoughts.corpus.loader import NoteLoader
from mkdocs_thoughts.runs.citations import (
    RUN_NOT_FOUND,
    commit_mismatch,
    field_values,
    link_runs,
)
from mkdocs_thoughts.runs.discovery import DEFAULT_GLOBS, check_globs, discover_runs
from mkdocs_thoughts.runs.model import MALFORMED_RUN_FILE, flatten
from mkdocs_thoughts.runs.reading import read_run_dir
from mkdocs_thoughts.runs.run_set import RunSet
from treeutil import write_tree

SHA = "0123456789abcdef0123456789abcdef01234567"
PARSE = "data/interim/parsed/20260105_140307_parse_0123456"
EXTRACT = "data/interim/extracted/20260105_140310_extract_0123456"
TRAIN = "data/processed/labeled/20260106_090000_train"
NOTE = "thoughts/shared/research/2026-01-07_10-00_results.md"


def run_json(name: str, run_id: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "sec-finetune-run/1",
        "run_id": run_id,
        "name": name,
        "status": "completed",
        "started_at": f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}T{run_id[9:11]}:"
        f"{run_id[11:13]}:{run_id[13:15]}.250+01:00",
        "ended_at": None,
        "duration_seconds": 12.5,
        "git": {"commit": SHA, "branch": "main", "dirty": False},
        "python": "3.11.7",
        "platform": "Linux",
        "command": ["train.py", "--fast"],
        "notes": [],
        "summary": {},
        "error": None,
    }
    data.update(overrides)
    return data


def make_run(
    root: Path,
    rel_dir: str,
    *,
    run: Mapping[str, Any] | str | None = None,
    config: Mapping[str, Any] | str | None = None,
    metrics: Mapping[str, Any] | str | None = None,
    log: list[Mapping[str, Any]] | str | None = None,
    lineage: Mapping[str, Any] | str | None = None,
    files: Mapping[str, str] | None = None,
) -> Path:
    """A run directory; each file given as data (serialised here) or as raw text."""
    directory = root / rel_dir
    directory.mkdir(parents=True, exist_ok=True)

    def put(name: str, value: object, dump: Any) -> None:
        if value is not None:
            text = value if isinstance(value, str) else dump(value)
            (directory / name).write_text(text, encoding="utf-8")

    put("run.json", run, lambda v: json.dumps(v, indent=2))
    put("run_config.yaml", config, lambda v: yaml.safe_dump(v, sort_keys=False))
    put("metrics.json", metrics, json.dumps)
    put("metrics.jsonl", log, lambda v: "".join(json.dumps(r) + "\n" for r in v))
    put("lineage.json", lineage, json.dumps)
    for name, text in (files or {}).items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return directory


def lineage_of(stage: str, run_dir: str, upstream: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "format": "sec-finetune-lineage/1",
        "stage": stage,
        "run_dir": run_dir,
        "config_sha256": "c" * 64,
        "upstream": upstream,
        "inputs": [{"name": "a.html", "path": "data/raw/a.html", "sha256": "a" * 64, "bytes": 5}],
        "inputs_sha256": "i" * 64,
        "outputs": [
            {
                "name": "a.json",
                "path": f"{run_dir}/a.json",
                "sha256": "b" * 64,
                "bytes": 7,
                "input": "a.html",
            }
        ],
        "files": [
            {"name": "a.html", "key": "a", "outcome": "processed", "status": "ok", "error": None},
            {
                "name": "b.html",
                "key": "b",
                "outcome": "failed",
                "status": "failed",
                "error": "ValueError: bad",
            },
        ],
        "counts": {"files": 2, "processed": 1, "skipped": 0, "failed": 1},
    }


def only(runs: RunSet) -> Any:
    assert len(runs) == 1, [run.rel_dir for run in runs]
    return runs.runs[0]


def codes(runs: RunSet) -> list[tuple[str, str, int | None]]:
    return [(item.code, item.path, item.line) for item in runs.problems]


# --- reading one run ----------------------------------------------------------------------------


def test_a_complete_run_is_read_in_full(tmp_path: Path) -> None:
    make_run(
        tmp_path,
        TRAIN,
        run=run_json(
            "train",
            "20260106_090000",
            ended_at="2026-01-06T09:00:12.750+01:00",
            notes=[NOTE],
            summary={"best": {"epoch": 3}, "tags": ["a"]},
        ),
        config={"model": {"name": "bert", "layers": 12}, "lr": 0.001, "seeds": [1, 2]},
        metrics={"f1": 0.91, "eval": {"loss": 0.2}, "label": "ok"},
        log=[{"step": 0, "time": "t", "loss": 1.0}, {"step": 1, "time": "t", "loss": 0.5}],
        files={
            "artifacts/model.bin": "x" * 10,
            ".metrics.json.0a1b2c3d4e5f.tmp": "half",
            ".gitkeep": "",
        },
    )
    run = only(discover_runs(tmp_path))
    assert (run.rel_dir, run.slug, run.dir_name) == (
        TRAIN,
        "20260106_090000_train",
        "20260106_090000_train",
    )
    assert (run.run_id, run.name, run.status, run.label) == (
        "20260106_090000",
        "train",
        "completed",
        "20260106_090000_train",
    )
    assert run.started.isoformat() == "2026-01-06T09:00:00.250000+01:00"
    assert run.ended.isoformat() == "2026-01-06T09:00:12.750000+01:00"
    assert run.duration_seconds == 12.5
    assert (run.commit, run.short_commit, run.branch, run.dirty) == (SHA, SHA[:7], "main", False)
    assert (run.python, run.platform, run.command) == ("3.11.7", "Linux", ["train.py", "--fast"])
    assert run.notes == [NOTE]
    assert run.summary == {"best.epoch": 3, "tags": ["a"]}
    assert run.config == {"model.name": "bert", "model.layers": 12, "lr": 0.001, "seeds": [1, 2]}
    assert run.metrics == {"f1": 0.91, "eval.loss": 0.2, "label": "ok"}
    assert run.numeric_metrics == {"f1": 0.91, "eval.loss": 0.2}
    assert run.curves == {"loss": [(0.0, 1.0), (1.0, 0.5)]}
    assert [(f.path, f.size) for f in run.files] == [
        (".gitkeep", 0),
        ("artifacts/model.bin", 10),
        ("metrics.json", (tmp_path / TRAIN / "metrics.json").stat().st_size),
        ("metrics.jsonl", (tmp_path / TRAIN / "metrics.jsonl").stat().st_size),
        ("run.json", (tmp_path / TRAIN / "run.json").stat().st_size),
        ("run_config.yaml", (tmp_path / TRAIN / "run_config.yaml").stat().st_size),
    ]
    assert run.total_size == sum(f.size for f in run.files)
    assert run.error is None and run.lineage is None and run.upstream == []
    assert run.problems == []


def test_what_makes_a_directory_a_run(tmp_path: Path) -> None:
    make_run(tmp_path, "data/processed/labeled/20260101_000000_only-config", config={"a": 1})
    make_run(tmp_path, "data/processed/labeled/not_a_run", files={"x.txt": "x"})
    make_run(tmp_path, "data/processed/.hidden_run", run=run_json("h", "20260101_000000"))
    make_run(tmp_path, "data/elsewhere/20260101_000000_x", run=run_json("x", "20260101_000000"))
    write_tree(tmp_path, {"data/processed/a_file.json": "{}"})
    runs = discover_runs(tmp_path)
    run = only(runs)
    # No run.json: the directory name stands in for the id and name.
    assert (run.run_id, run.name, run.status) == ("20260101_000000", "only-config", "unknown")
    assert run.started is not None and run.started.tzinfo is None
    assert run.config == {"a": 1}
    assert runs.problems == []


def test_the_directory_name_drops_sha_and_collision_suffix(tmp_path: Path) -> None:
    make_run(tmp_path, "data/interim/x/20260101_000000_parse_abc1234_2", config={})
    assert only(discover_runs(tmp_path)).name == "parse"


def test_malformed_files_become_warnings_and_the_run_stays(tmp_path: Path) -> None:
    make_run(
        tmp_path,
        TRAIN,
        run='{\n  "run_id": "20260106_090000",\n  "name": "train"\n  "status": "completed"\n}',
        config="model:\n  name: [unclosed\n",
        metrics="[1, 2]",
        lineage="not json",
    )
    runs = discover_runs(tmp_path)
    run = only(runs)
    assert codes(runs) == [
        (MALFORMED_RUN_FILE, f"{TRAIN}/run.json", 4),
        (MALFORMED_RUN_FILE, f"{TRAIN}/run_config.yaml", 3),
        (MALFORMED_RUN_FILE, f"{TRAIN}/metrics.json", None),
        (MALFORMED_RUN_FILE, f"{TRAIN}/lineage.json", 1),
    ]
    assert all(item.severity == "warning" for item in runs.problems)
    assert "not valid JSON" in runs.problems[0].message
    assert "not valid YAML" in runs.problems[1].message
    assert "holds a list" in runs.problems[2].message
    assert (run.run_id, run.name, run.status, run.config, run.metrics) == (
        "20260106_090000",
        "train",
        "unknown",
        {},
        {},
    )


def test_odd_values_are_tolerated(tmp_path: Path) -> None:
    make_run(
        tmp_path,
        TRAIN,
        run=run_json(
            "train",
            "20260106_090000",
            format="sec-finetune-run/9",
            status="exploded",
            started_at="yesterday",
            duration_seconds="long",
            git="abc",
            command="python train.py",
            notes=["", 3, NOTE],
        ),
        config="- just\n- a list\n",
    )
    runs = discover_runs(tmp_path)
    run = only(runs)
    assert [item.message for item in runs.problems] == [
        "run.json has format 'sec-finetune-run/9'; this site reads sec-finetune-run/1",
        "run.json has status 'exploded'",
        "run_config.yaml holds a list",
    ]
    assert run.status == "unknown"
    assert run.started is not None and run.started.hour == 9  # from the directory name
    assert (run.duration_seconds, run.commit, run.command) == (None, None, ["python train.py"])
    assert run.notes == [NOTE]


def test_metrics_log_with_torn_last_line_and_bad_lines(tmp_path: Path) -> None:
    log = (
        '{"step": 0, "time": "t", "loss": 2.0, "acc": 0.1, "ok": true, "tag": "x"}\n'
        "\n"
        '{"step": 10, "loss": 1.0, "acc": NaN, "eval": {"f1": 0.5}}\n'
        "[1, 2]\n"
        "garbage\n"
        '{"loss": 0.5}\n'
        '{"step": 30, "loss": 0.2'
    )
    make_run(tmp_path, TRAIN, run=run_json("train", "20260106_090000"), log=log)
    runs = discover_runs(tmp_path)
    run = only(runs)
    # No numeric step: the record's number (0-based) stands in. NaN and bools are not points.
    assert run.curves == {
        "loss": [(0.0, 2.0), (10.0, 1.0), (2.0, 0.5)],
        "acc": [(0.0, 0.1)],
        "eval.f1": [(10.0, 0.5)],
    }
    # The torn last line is expected (a crash while appending); the others are reported once.
    assert codes(runs) == [(MALFORMED_RUN_FILE, f"{TRAIN}/metrics.jsonl", 4)]
    assert runs.problems[0].message == "metrics.jsonl line 4 is not a JSON object (and 1 more)"


def test_a_torn_line_followed_by_a_newline_is_reported(tmp_path: Path) -> None:
    make_run(tmp_path, TRAIN, run=run_json("t", "20260106_090000"), log='{"loss": 1}\n{"lo\n')
    runs = discover_runs(tmp_path)
    assert codes(runs) == [(MALFORMED_RUN_FILE, f"{TRAIN}/metrics.jsonl", 2)]
    assert only(runs).curves == {"loss": [(0.0, 1.0)]}


def test_flatten() -> None:
    nested = {"a": {"b": {"c": 1}, "d": [1, {"e": 2}]}, "f": {}, 3: None}
    assert flatten(nested) == {"a.b.c": 1, "a.d": [1, {"e": 2}], "f": {}, "3": None}


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_run(tmp_path, TRAIN, run=run_json("t", "20260106_090000"), metrics={"a": 1})
    real_read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "metrics.json":
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    runs = discover_runs(tmp_path)
    assert codes(runs) == [(MALFORMED_RUN_FILE, f"{TRAIN}/metrics.json", None)]
    assert runs.problems[0].message == "metrics.json cannot be read: Permission denied"
    assert only(runs).status == "completed"


# --- discovery ----------------------------------------------------------------------------------


@pytest.mark.parametrize("glob", ["/data/*", "../other/*", "data/../../x/*", "", "C:/runs/*"])
def test_globs_cannot_leave_the_repository(glob: str) -> None:
    with pytest.raises(ValueError, match="run glob"):
        check_globs([glob])


def test_default_globs_are_accepted() -> None:
    check_globs(DEFAULT_GLOBS)


def test_symlinks_out_of_the_repository_are_not_followed(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    make_run(outside, "20260101_000000_secret", run=run_json("secret", "20260101_000000"))
    (outside / "passwords.txt").write_text("hunter2", encoding="utf-8")
    (repo / "data/processed").mkdir(parents=True)
    (repo / "data/processed/20260101_000000_secret").symlink_to(outside / "20260101_000000_secret")
    inside = make_run(repo, TRAIN, run=run_json("train", "20260106_090000"))
    (inside / "leak.txt").symlink_to(outside / "passwords.txt")
    (inside / "metrics.json").symlink_to(outside / "passwords.txt")
    runs = discover_runs(repo)
    run = only(runs)
    assert run.rel_dir == TRAIN
    assert [f.path for f in run.files] == ["run.json"]
    assert run.metrics == {}
    assert [item.message for item in runs.problems] == ["metrics.json links outside the repository"]


def test_same_directory_name_in_two_places_gets_two_slugs(tmp_path: Path) -> None:
    make_run(tmp_path, "data/interim/a/20260101_000000_x", config={})
    make_run(tmp_path, "data/interim/b/20260101_000000_x", config={})
    make_run(tmp_path, "data/processed/20260101_000000_X", config={})
    make_run(tmp_path, "data/processed/20260101_000000_y", config={})
    runs = discover_runs(tmp_path)
    slugs = {run.rel_dir: run.slug for run in runs}
    # Case-insensitive file systems would serve one page for `x` and `X`: the three whose
    # names meet each get a hash of their own path, the others keep their name.
    assert slugs["data/processed/20260101_000000_y"] == "20260101_000000_y"
    meeting = [slug for rel_dir, slug in slugs.items() if not rel_dir.endswith("_y")]
    assert len({slug.lower() for slug in meeting}) == 3
    assert all(re.fullmatch(r"20260101_000000_x-[0-9a-f]{8}", slug) for slug in meeting)
    # Stable: a run's slug does not depend on which other runs exist.
    make_run(tmp_path, "data/interim/c/20260101_000000_x", config={})
    again = {run.rel_dir: run.slug for run in discover_runs(tmp_path)}
    assert all(again[rel_dir] == slug for rel_dir, slug in slugs.items())
    assert len(runs.find_name("20260101_000000_x")) == 2


def test_runs_are_newest_first_and_found_by_every_name(tmp_path: Path) -> None:
    make_run(tmp_path, PARSE, run=run_json("parse", "20260105_140307"))
    make_run(tmp_path, EXTRACT, run=run_json("extract", "20260105_140310"))
    make_run(tmp_path, TRAIN, run=run_json("train", "20260106_090000"))
    make_run(
        tmp_path,
        "data/processed/labeled/20260106_090000_eval",
        run=run_json("eval", "20260106_090000"),
    )
    runs = discover_runs(tmp_path)
    # Same start: the directory path breaks the tie, so the order never depends on the disk.
    assert [run.name for run in runs] == ["train", "eval", "extract", "parse"]
    assert [r.rel_dir for r in runs.find_name("20260105_140307_parse_0123456")] == [PARSE]
    assert [r.rel_dir for r in runs.find_name("20260105_140307_parse")] == [PARSE]
    assert [r.rel_dir for r in runs.find_name("20260105_140307")] == [PARSE]
    assert len(runs.find_name("20260106_090000")) == 2  # two runs started that second
    assert runs.find_path(f"{PARSE}/metrics.json") is runs.by_dir[PARSE]
    assert runs.find_path("data/interim/parsed") is None


# --- lineage ------------------------------------------------------------------------------------


def test_downstream_is_upstream_inverted(tmp_path: Path) -> None:
    features = "data/processed/20260105_140320_features_0123456"
    make_run(tmp_path, PARSE, run=run_json("parse", "20260105_140307"))
    make_run(
        tmp_path,
        EXTRACT,
        run=run_json("extract", "20260105_140310"),
        lineage=lineage_of(
            "extract",
            EXTRACT,
            [{"stage": "parse", "run_id": "20260105_140307", "run_dir": PARSE}],
        ),
    )
    # Written from a project root below the repository: only the directory name matches.
    make_run(
        tmp_path,
        "data/interim/extracted/20260105_140315_extract_0123456",
        run=run_json("extract", "20260105_140315"),
        lineage=lineage_of(
            "extract",
            "x",
            [{"stage": "parse", "run_id": "20260105_140307", "run_dir": f"sub/{PARSE}"}],
        ),
    )
    # No lineage.json: run.json's summary names the upstream run.
    make_run(
        tmp_path,
        features,
        run=run_json("features", "20260105_140320", summary={"upstream": [EXTRACT]}),
    )
    make_run(
        tmp_path,
        TRAIN,
        run=run_json("train", "20260106_090000"),
        lineage=lineage_of("train", TRAIN, [{"run_id": "19990101_000000", "run_dir": "gone"}]),
    )
    runs = discover_runs(tmp_path)
    parse, extract = runs.by_dir[PARSE], runs.by_dir[EXTRACT]
    assert [r.slug for r in parse.downstream] == [
        "20260105_140315_extract_0123456",
        "20260105_140310_extract_0123456",
    ]
    assert [ref.run for ref in extract.upstream] == [parse]
    assert [r.rel_dir for r in extract.downstream] == [features]
    assert [ref.run for ref in runs.by_dir[features].upstream] == [extract]
    gone = runs.by_dir[TRAIN].upstream
    assert [(ref.label, ref.run) for ref in gone] == [("gone", None)]
    lineage = extract.lineage
    assert lineage is not None
    assert (lineage.stage, lineage.config_sha256, lineage.inputs_sha256) == (
        "extract",
        "c" * 64,
        "i" * 64,
    )
    assert [(f.name, f.size, f.source) for f in lineage.outputs] == [("a.json", 7, "a.html")]
    assert [(o.name, o.outcome, o.error) for o in lineage.outcomes] == [
        ("a.html", "processed", None),
        ("b.html", "failed", "ValueError: bad"),
    ]
    assert lineage.counts == {"files": 2, "processed": 1, "skipped": 0, "failed": 1}


def test_upstream_by_run_id_and_stage(tmp_path: Path) -> None:
    make_run(tmp_path, PARSE, run=run_json("parse", "20260105_140307"))
    make_run(tmp_path, "data/interim/other/20260105_140307_clean", config={})
    make_run(
        tmp_path,
        EXTRACT,
        run=run_json("extract", "20260105_140310"),
        lineage={"upstream": [{"stage": "parse", "run_id": "20260105_140307"}]},
    )
    runs = discover_runs(tmp_path)
    assert [ref.run for ref in runs.by_dir[EXTRACT].upstream] == [runs.by_dir[PARSE]]


def test_read_run_dir_alone(tmp_path: Path) -> None:
    make_run(tmp_path, TRAIN, run=run_json("train", "20260106_090000"))
    run = read_run_dir(tmp_path.resolve(), TRAIN)
    assert (run.slug, run.status) == ("20260106_090000_train", "completed")


# --- notes and runs -----------------------------------------------------------------------------


def note(runs: str | None = None, body: str = "", commit: str = "0123456") -> str:
    return make_note(
        date="2026-01-07T10:00:00+01:00",
        git_commit=commit,
        topic="Results",
        tags=["x"],
        runs=runs,
        body=f"# Results\n\n{body}",
    )


def load_notes(root: Path, files: Mapping[str, str]) -> list[Note]:
    write_tree(root, files)
    settings = ThoughtsSettings(check_commits=False, extra_fields=["runs"])
    return NoteLoader(settings, root / "thoughts", root).load().notes


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_run(tmp_path, PARSE, run=run_json("parse", "20260105_140307"))
    make_run(tmp_path, EXTRACT, run=run_json("extract", "20260105_140310"))
    make_run(tmp_path, TRAIN, run=run_json("train", "20260106_090000", notes=[NOTE]))
    make_run(tmp_path, "data/processed/labeled/20260106_090000_eval", config={})
    make_run(tmp_path, "data/processed/labeled/20260106_100000_lonely", config={})
    return tmp_path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20260105_140307_parse", [PARSE]),
        ("20260105_140307_parse_0123456", [PARSE]),
        ("20260105_140307", [PARSE]),
        (PARSE, [PARSE]),
        (f"{PARSE}/", [PARSE]),
        (f"./{PARSE}/metrics.json", [PARSE]),
        ("runs/20260105_140310_extract_0123456/", [EXTRACT]),
        ("20260105_140307_parse, 20260105_140310_extract", [PARSE, EXTRACT]),
        ("[20260105_140307_parse, '20260105_140310_extract_0123456']", [PARSE, EXTRACT]),
        ("\n  - 20260105_140307_parse\n  - 20260105_140307_parse", [PARSE]),
        ("20260105_140310", [EXTRACT]),  # YAML reads this as the integer 20260105140310
    ],
)
def test_a_runs_field_resolves(site: Path, value: str, expected: list[str]) -> None:
    notes = load_notes(site, {NOTE: note(value)})
    links = link_runs(notes, discover_runs(site), site)
    assert [run.rel_dir for run in links.runs_of(notes[0])] == expected
    assert links.problems == []


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("20260105_140307_pars", "which is not a run here", "did you mean 20260105_140307_parse?"),
        (
            "20260106_090000",
            "which matches 2 runs (20260106_090000_eval, 20260106_090000_train)",
            "write the run's directory name",
        ),
        ("data/interim/parsed/nothing", "which is not a run directory", "write the run's"),
        ("../../../../etc/passwd", "which is outside the repository", "write the run's"),
        ("https://example.org/run", "which is a URL, not a run", "write the run's"),
    ],
)
def test_a_runs_field_that_names_no_run(site: Path, value: str, message: str, hint: str) -> None:
    notes = load_notes(site, {NOTE: note(value)})
    links = link_runs(notes, discover_runs(site), site)
    (problem,) = links.problems
    assert (problem.path, problem.line, problem.column, problem.code, problem.severity) == (
        NOTE,
        10,
        7,
        RUN_NOT_FOUND,
        "error",
    )
    assert problem.field == "runs"
    assert f", {message}" in problem.message
    assert problem.hint.startswith(hint)
    assert [c.run for c in links.citations_of(notes[0])] == [None]


def test_runs_cited_in_the_body(site: Path) -> None:
    body = "\n".join(
        [
            "The parse run is [here](../../../data/interim/parsed/20260105_140307_parse_0123456).",
            f"Its output: `{EXTRACT}/a.json`, and again `{PARSE}`.",
            "```",
            f"[ignored](../../../{TRAIN})",
            "```",
            "Other paths: `src/sec_finetune/run_context.py`, [a note](../plans/x.md),",
            "[web](https://example.org/data/20260101_000000_web), `a b/c`.",
            "An example in prose, no such run: `data/processed/20250101_000000_gone`.",
            "A broken link: [run](../../../data/processed/20250102_000000_gone/).",
        ]
    )
    notes = load_notes(site, {NOTE: note(body=body)})
    links = link_runs(notes, discover_runs(site), site)
    cited = [
        (c.text, c.origin.value, c.line, c.run.rel_dir if c.run else None)
        for c in links.citations_of(notes[0])
    ]
    assert cited == [
        ("../../../data/interim/parsed/20260105_140307_parse_0123456", "link", 13, PARSE),
        (f"{EXTRACT}/a.json", "mention", 14, EXTRACT),
        ("../../../data/processed/20250102_000000_gone/", "link", 21, None),
    ]
    # Only the link must resolve: a run-like name in prose that names no run is no citation.
    (problem,) = links.problems
    assert (problem.line, problem.column, problem.field) == (21, 22, "body")
    assert problem.message.startswith(
        "the body links to '../../../data/processed/20250102_000000_gone/'"
    )


def test_notes_of_a_run_come_from_both_sides(site: Path) -> None:
    other = "thoughts/shared/plans/2026-01-08_10-00_next.md"
    notes = load_notes(site, {NOTE: note(), other: note("20260105_140307_parse")})
    runs = discover_runs(site)
    runs.by_dir[PARSE].notes.append("thoughts/shared/research/gone.md")
    links = link_runs(notes, runs, site)
    by_path = {n.rel_path: n for n in notes}
    train, parse = runs.by_dir[TRAIN], runs.by_dir[PARSE]
    assert links.notes_of(train) == [by_path[NOTE]]  # from run.json only
    assert links.notes_citing(train) == []
    assert links.runs_naming(by_path[NOTE]) == [train] and links.runs_of(by_path[NOTE]) == []
    assert links.notes_of(parse) == [by_path[other]]
    assert links.missing_notes(parse) == ["thoughts/shared/research/gone.md"]
    assert [run.slug for run in links.uncited(runs)] == [
        "20260106_100000_lonely",
        "20260106_090000_eval",
        "20260105_140310_extract_0123456",
    ]


def test_run_json_notes_match_by_doc_uri_or_unique_file_name(site: Path) -> None:
    notes = load_notes(site, {NOTE: note()})
    runs = discover_runs(site)
    runs.by_dir[PARSE].notes[:] = ["shared/research/2026-01-07_10-00_results.md"]
    runs.by_dir[EXTRACT].notes[:] = ["old/place/2026-01-07_10-00_results.md"]
    links = link_runs(notes, runs, site)
    assert links.notes_of(runs.by_dir[PARSE]) == notes
    assert links.notes_of(runs.by_dir[EXTRACT]) == notes


@pytest.mark.parametrize(
    ("note_commit", "run_commit", "differs"),
    [
        ("0123456", SHA, False),
        (SHA, "0123456", False),
        ("0123456 (uncommitted changes)", SHA, False),
        ("ABCDEF0", "abcdef0123", False),
        ("fedcba9", SHA, True),
        (None, SHA, False),
        ("current", SHA, False),
        ("0123456", None, False),
        (1234567, "1234567abc", False),
    ],
)
def test_commit_mismatch(note_commit: object, run_commit: object, differs: bool) -> None:
    assert commit_mismatch(note_commit, run_commit) is differs


def test_field_values() -> None:
    assert field_values(None) == []
    assert field_values("a, b ,,c") == ["a", "b", "c"]
    assert field_values(["a", "b, c", None, {"x": 1}, 20260105140307]) == [
        "a",
        "b",
        "c",
        "20260105_140307",
    ]
