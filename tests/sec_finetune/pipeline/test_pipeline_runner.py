"""Runs, lineage, skip-if-unchanged, batch error handling and the CLI, on the sample filing
in an isolated project under tmp_path."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sec_finetune import Settings, read_run
from sec_finetune.__main__ import main
from sec_finetune.pipeline.lineage import config_sha256
from sec_finetune.pipeline.runner import PipelineError, run_pipeline, run_stage
from sec_finetune.pipeline.stages import STAGE_ORDER

SAMPLE_FILING = Path(__file__).resolve().parents[3] / "data" / "raw" / "SAMP_10K_2023.html"

MakeSettings = Callable[..., Settings]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lineage(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "lineage.json").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (sha256(p), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_all_stages_write_runs_with_lineage(project: Path, make_settings: MakeSettings) -> None:
    settings = make_settings()
    reports = run_pipeline(STAGE_ORDER, settings)
    assert [r.stage for r in reports] == list(STAGE_ORDER)
    assert all(r.run_status == "completed" and not r.reused for r in reports)
    parse, extract, segment, features = reports
    assert parse.run_dir is not None and parse.run_dir.parent == project / "data/interim/parsed"
    assert (parse.run_dir / "SAMP_10K_2023_parsed.json").is_file()
    assert extract.run_dir is not None and (extract.run_dir / "SAMP_10K_2023_item1a.json").is_file()
    assert (
        segment.run_dir is not None and (segment.run_dir / "SAMP_10K_2023_segments.json").is_file()
    )
    assert features.run_dir is not None and features.run_dir.parent == project / "data/processed"
    final = json.loads((features.run_dir / "SAMP_10K_2023_segmented_risks.json").read_text())
    assert final["filing"] == {
        "key": "SAMP_10K_2023",
        "ticker": "SAMP",
        "form": "10K",
        "year": 2023,
    }
    risks = [s for s in final["segments"] if s["kind"] == "risk"]
    assert [s["heading"] for s in risks] == [
        "The Company depends on a small number of suppliers for key components.",
        "Demand for widgets is cyclical and may decline in an economic downturn.",
        "The Company may be subject to product liability claims and litigation.",
        "Failures of information systems could disrupt operations.",
        "Changes in trade policy could increase costs.",
    ]
    litigation = risks[2]
    assert litigation["sentiment"]["counts"]["litigious"] >= 4  # lawsuits, damages, legal...
    assert set(litigation["readability"]) >= {"flesch_reading_ease", "gunning_fog"}

    # lineage.json of the parse run: inputs and outputs with paths relative to the project
    # root and their sha256, the config and its hash, upstream runs, per-file outcomes.
    lin = lineage(parse.run_dir)
    assert lin["stage"] == "parse" and lin["upstream"] == []
    assert lin["inputs"] == [
        {
            "name": "SAMP_10K_2023.html",
            "path": "data/raw/SAMP_10K_2023.html",
            "sha256": sha256(SAMPLE_FILING),
            "bytes": SAMPLE_FILING.stat().st_size,
        }
    ]
    (out,) = lin["outputs"]
    assert out["path"] == f"data/interim/parsed/{parse.run_dir.name}/SAMP_10K_2023_parsed.json"
    assert out["sha256"] == sha256(project / out["path"])
    assert lin["config_sha256"] == config_sha256(lin["config"])
    assert lin["config"]["encoding_fallback"] == "cp1252" and "code_sha256" in lin["config"]
    assert set(lin["git"]) == {"commit", "branch", "dirty"}
    assert lin["files"][0]["status"] == "ok" and lin["counts"]["failed"] == 0

    # Later stages name the run they read.
    ext = lineage(extract.run_dir)
    assert ext["upstream"] == [
        {
            "stage": "parse",
            "run_id": parse.run_id,
            "run_dir": f"data/interim/parsed/{parse.run_dir.name}",
        }
    ]
    assert ext["inputs"][0]["sha256"] == out["sha256"]
    run = read_run(extract.run_dir)
    assert run["status"] == "completed"
    assert run["summary"]["outcomes"] == {"ok": 1} and run["summary"]["processed"] == 1


def test_git_commit_is_recorded(project: Path, make_settings: MakeSettings) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "pyproject.toml"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], cwd=project, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, check=True, capture_output=True, text=True
    ).stdout.strip()
    report = run_stage("parse", make_settings())
    assert report.run_dir is not None and report.run_dir.name.endswith(head[:7])
    assert lineage(report.run_dir)["git"]["commit"] == head


def test_unchanged_inputs_and_config_skip_and_force_reruns(
    project: Path, make_settings: MakeSettings
) -> None:
    settings = make_settings()
    first = run_pipeline(STAGE_ORDER, settings)
    lines: list[str] = []
    second = run_pipeline(STAGE_ORDER, settings, progress=lines.append)
    assert all(r.reused for r in second)
    assert [r.run_dir for r in second] == [r.run_dir for r in first]
    assert any("skipped" in line and "unchanged" in line for line in lines)

    forced = run_stage("parse", settings, force=True)
    assert not forced.reused and forced.run_dir != first[0].run_dir
    # The forced parse produced identical bytes, so extract still finds nothing new.
    assert run_stage("extract", settings).reused


def test_changed_config_or_input_reruns(project: Path, make_settings: MakeSettings) -> None:
    run_pipeline(STAGE_ORDER, make_settings())
    # A different segmentation config re-runs segment (and features sees new inputs).
    smaller = make_settings(segmentation={"min_segment_chars": 50, "max_segment_chars": 300})
    reports = run_pipeline(STAGE_ORDER, smaller)
    assert [r.reused for r in reports] == [True, True, False, False]
    # Editing the raw filing re-runs everything.
    raw = project / "data/raw/SAMP_10K_2023.html"
    raw.write_text(raw.read_text().replace("212 employees", "213 employees"))
    assert [r.reused for r in run_pipeline(STAGE_ORDER, smaller)] == [False, False, False, False]


def test_tampered_outputs_are_not_reused(project: Path, make_settings: MakeSettings) -> None:
    first = run_stage("parse", make_settings())
    assert first.run_dir is not None
    (first.run_dir / "SAMP_10K_2023_parsed.json").write_text("{}")
    assert not run_stage("parse", make_settings()).reused


def test_later_stage_reads_the_latest_completed_upstream_run(
    project: Path, make_settings: MakeSettings, tmp_path: Path
) -> None:
    settings = make_settings()
    run_stage("parse", settings)
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy2(SAMPLE_FILING, other / "SAMP_10K_2023.html")
    shutil.copy2(SAMPLE_FILING, other / "COPY_10K_2022.html")
    newest = run_stage("parse", settings, input_path=other)
    extract = run_stage("extract", settings)
    assert extract.run_dir is not None
    assert lineage(extract.run_dir)["upstream"][0]["run_id"] == newest.run_id
    assert sorted(f.key for f in extract.files) == ["COPY_10K_2022", "SAMP_10K_2023"]
    assert lineage(extract.run_dir)["inputs"][0]["path"].startswith("data/interim/parsed/")


def test_later_stage_without_upstream_run_is_an_error(
    project: Path, make_settings: MakeSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(PipelineError, match="no completed 'parse' run"):
        run_stage("extract", make_settings())
    assert main(["pipeline", "run", "--stage", "segment"]) == 2
    assert "no completed 'extract' run" in capsys.readouterr().err


def test_one_bad_filing_does_not_stop_the_batch(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = project / "data" / "raw"
    (raw / "BAD_10K_2020.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (raw / "EMPTY_10K_2021.html").write_bytes(b"")
    (raw / "ZZZ_10K_2022.html").write_bytes(SAMPLE_FILING.read_bytes())
    # --jobs 1: lines in input order (in parallel they come in completion order).
    assert main(["pipeline", "run", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "[parse] 1/4 BAD_10K_2020.html: failed — ParseError: binary content" in out
    assert "[parse] 2/4 EMPTY_10K_2021.html: failed — ParseError: empty file" in out
    assert "[parse] 4/4 ZZZ_10K_2022.html: processed" in out
    assert "parse     4 file(s): 2 processed, 0 skipped, 2 failed" in out
    assert "FAILED  BAD_10K_2020.html: ParseError" in out
    # The good filings went through every stage.
    assert "features  2 file(s): 2 processed, 0 skipped, 0 failed" in out
    (parse_dir,) = (project / "data/interim/parsed").iterdir()
    run = read_run(parse_dir)
    assert run["status"] == "completed"
    assert run["summary"]["failed"] == 2
    assert run["summary"]["by_file"]["BAD_10K_2020"] == "failed"
    lin = lineage(parse_dir)
    assert [f["outcome"] for f in lin["files"]] == ["failed", "failed", "processed", "processed"]
    assert len(lin["outputs"]) == 2 and lin["counts"]["failed"] == 2
    # A run with failures is never reused: the same invocation reports them again.
    assert main(["pipeline", "run", "--stage", "parse"]) == 1


def test_a_batch_where_everything_fails_is_a_failed_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = project / "data" / "raw"
    (raw / "SAMP_10K_2023.html").unlink()
    (raw / "BAD_10K_2020.html").write_bytes(b"\x00\x01\x02")
    assert main(["pipeline", "run"]) == 1
    (parse_dir,) = (project / "data/interim/parsed").iterdir()
    assert read_run(parse_dir)["status"] == "failed"
    out = capsys.readouterr().out
    assert "later stages not started" in out


def test_no_item_1a_is_a_recorded_outcome(project: Path, make_settings: MakeSettings) -> None:
    raw = project / "data" / "raw"
    (raw / "OLD_10K_1999.html").write_text(
        "<p><b>Item 1: Business</b></p><p>We sell things.</p>"
        "<p><b>Item 2: Properties</b></p><p>An office.</p>"
    )
    _, extract, segment, _ = run_pipeline(STAGE_ORDER, make_settings())
    assert extract.run_dir is not None
    summary = read_run(extract.run_dir)["summary"]
    assert summary["by_file"] == {"OLD_10K_1999": "no_item_1a", "SAMP_10K_2023": "ok"}
    assert summary["outcomes"] == {"no_item_1a": 1, "ok": 1}
    assert summary["skipped"] == 1 and summary["failed"] == 0
    files = {f["key"]: f for f in lineage(extract.run_dir)["files"]}
    assert files["OLD_10K_1999"]["status"] == "no_item_1a"
    assert files["OLD_10K_1999"]["output"] is None
    assert "Items found: 1, 2" in files["OLD_10K_1999"]["detail"]["reason"]
    assert [f.key for f in segment.files] == ["SAMP_10K_2023"]


def test_raw_data_is_never_written(project: Path, make_settings: MakeSettings) -> None:
    raw = project / "data" / "raw"
    before = snapshot(raw)
    run_pipeline(STAGE_ORDER, make_settings())
    run_pipeline(STAGE_ORDER, make_settings(), force=True)
    assert snapshot(raw) == before
    # Pointing a stage's output into data/raw is refused outright.
    inside = make_settings(paths={"interim_dir": "data/raw/interim"})
    with pytest.raises(PipelineError, match="raw data folder"):
        run_stage("parse", inside, force=True)
    assert snapshot(raw) == before


def test_notes_are_recorded_on_the_run(project: Path) -> None:
    assert main(["pipeline", "run", "--stage", "parse", "--note", "thoughts/x.md"]) == 0
    (parse_dir,) = (project / "data/interim/parsed").iterdir()
    assert read_run(parse_dir)["notes"] == ["thoughts/x.md"]


def test_settings_from_environment_relocate_outputs(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "elsewhere"
    monkeypatch.setenv("SEC_FINETUNE_PATHS__INTERIM_DIR", str(out / "interim"))
    monkeypatch.setenv("SEC_FINETUNE_PATHS__PROCESSED_DIR", str(out / "processed"))
    result = subprocess.run(
        [sys.executable, "-m", "sec_finetune", "pipeline", "run"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "[features] 1/1 SAMP_10K_2023_segments.json: processed" in result.stdout
    assert (
        len(list((out / "processed").glob("*_features*/SAMP_10K_2023_segmented_risks.json"))) == 1
    )
    assert not (project / "data" / "interim").exists()


def test_user_lexicon_csv_is_used_and_tracked(project: Path, make_settings: MakeSettings) -> None:
    lexicon = project / "lm.csv"
    lexicon.write_text(
        "Word,Negative,Positive,Uncertainty,Litigious,Syllables\n"
        "LAWSUITS,2009,0,0,2009,2\nDEFECTIVE,2009,0,0,0,3\nMAY,0,0,2009,0,1\n",
        encoding="utf-8",
    )
    settings = make_settings(sentiment={"lexicon_path": "lm.csv"})
    reports = run_pipeline(STAGE_ORDER, settings)
    features = reports[-1]
    assert features.run_dir is not None
    lin = lineage(features.run_dir)
    assert lin["config"]["sentiment"]["lexicon"] == {"source": "lm.csv", "sha256": sha256(lexicon)}
    doc = json.loads((features.run_dir / "SAMP_10K_2023_segmented_risks.json").read_text())
    litigation = doc["segments"][3]
    assert litigation["heading"].endswith("product liability claims and litigation.")
    # Exact matches only: "lawsuits" (negative, litigious), "defective" (negative) and the
    # three "may" (heading + body); no inflections for a user dictionary.
    assert litigation["sentiment"]["counts"] == {
        "negative": 2, "positive": 0, "uncertainty": 3, "litigious": 1,
    }  # fmt: skip
    # Editing the dictionary re-runs features only.
    lexicon.write_text(lexicon.read_text() + "COSTLY,2009,0,0,0,2\n", encoding="utf-8")
    assert [r.reused for r in run_pipeline(STAGE_ORDER, settings)] == [True, True, True, False]
    # A category the dictionary does not have is a configuration error, before any run.
    bad = make_settings(sentiment={"lexicon_path": "lm.csv", "categories": ["modal"]})
    with pytest.raises(PipelineError, match="no category"):
        run_stage("features", bad)


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["pipeline", "run", "--help"])
    assert exit_info.value.code == 0
    assert "--stage {parse,extract,segment,features,all}" in capsys.readouterr().out
    assert main([]) == 2 and main(["nonsense"]) == 2
