"""Integration: the four real 10-K filings (1999, 2009, 2015, 2024) through every stage.

The filings are public EDGAR records shipped in tests/data/sec10k (provenance in its README),
so these tests run on every clone. Outputs go to a temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sec_finetune import Settings, read_run
from sec_finetune.pipeline.lineage import rel_path
from sec_finetune.pipeline.runner import StageReport, run_pipeline
from sec_finetune.pipeline.stages import STAGE_ORDER

REPO_ROOT = Path(__file__).resolve().parents[3]

# The opening words of each filing's Item 1A, read off the documents themselves.
ITEM_1A_STARTS = {
    "AAPL_10K_2024": "The Company’s business, reputation, results of operations, financial "
    "condition and stock price can be affected by a number of factors",
    "GAN_10K_2009": "Readers of this Annual Report on Form 10-K should consider the risk factors "
    "described in the following paragraphs",
    # A smaller reporting company: the Item is present, and says it does not apply.
    "CIGFV_10K_2015": "NOT APPLICABLE",
}


@dataclass
class PipelineResult:
    reports: dict[str, StageReport]
    seconds: float
    settings: Settings

    def run_dir(self, stage: str) -> Path:
        run_dir = self.reports[stage].run_dir
        assert run_dir is not None
        return run_dir

    def output(self, stage: str, name: str) -> dict[str, Any]:
        return json.loads((self.run_dir(stage) / name).read_text(encoding="utf-8"))

    def lineage(self, stage: str) -> dict[str, Any]:
        return json.loads((self.run_dir(stage) / "lineage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(
    real_filings_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PipelineResult]:
    out = tmp_path_factory.mktemp("real_filings")
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.upper().startswith("SEC_FINETUNE_")]:
            mp.delenv(name)
        settings = Settings.load(
            REPO_ROOT / "configs",
            paths={
                "project_root": REPO_ROOT,
                "raw_dir": real_filings_dir,
                "interim_dir": out / "interim",
                "processed_dir": out / "processed",
            },
        )
        started = time.perf_counter()
        reports = run_pipeline(STAGE_ORDER, settings, force=True)
        seconds = time.perf_counter() - started
    yield PipelineResult({r.stage: r for r in reports}, seconds, settings)


def test_every_stage_completes_without_failures(result: PipelineResult) -> None:
    assert list(result.reports) == list(STAGE_ORDER)
    for report in result.reports.values():
        assert report.run_status == "completed" and report.failed == 0


@pytest.mark.parametrize("key", sorted(ITEM_1A_STARTS))
def test_item_1a_first_words(result: PipelineResult, key: str) -> None:
    extracted = result.output("extract", f"{key}_item1a.json")
    assert extracted["text"].startswith(ITEM_1A_STARTS[key])
    assert extracted["title_matched"] is True
    assert re.match(r"(?i)item\s+1a[.:]?\s+risk factors", extracted["heading"])


def test_item_1a_ends_at_the_next_item(result: PipelineResult) -> None:
    ends = {
        key: result.output("extract", f"{key}_item1a.json")["end_heading"] for key in ITEM_1A_STARTS
    }
    assert ends == {
        "AAPL_10K_2024": "Item 1B. Unresolved Staff Comments",
        "GAN_10K_2009": "ITEM 1B. UNRESOLVED STAFF COMMENTS",
        "CIGFV_10K_2015": "ITEM 1B: UNRESOLVED STAFF COMMENTS",
    }
    aapl = result.output("extract", "AAPL_10K_2024_item1a.json")["text"]
    assert "Unresolved Staff Comments" not in aapl and "Cybersecurity" not in aapl.split("\n")


def test_1999_filing_reports_no_item_1a(result: PipelineResult) -> None:
    run = read_run(result.run_dir("extract"))
    assert run["status"] == "completed"
    assert run["summary"]["by_file"]["MRX_10K_1999"] == "no_item_1a"
    assert run["summary"]["outcomes"]["no_item_1a"] == 1
    (mrx,) = [f for f in result.lineage("extract")["files"] if f["key"] == "MRX_10K_1999"]
    assert (mrx["outcome"], mrx["status"], mrx["output"]) == ("skipped", "no_item_1a", None)
    assert not (result.run_dir("extract") / "MRX_10K_1999_item1a.json").exists()


def test_not_applicable_item_1a_yields_no_risk_segments(result: PipelineResult) -> None:
    extract = read_run(result.run_dir("extract"))["summary"]["by_file"]
    assert extract["CIGFV_10K_2015"] == "not_applicable"
    segment = read_run(result.run_dir("segment"))["summary"]["by_file"]
    assert segment == {
        "AAPL_10K_2024": "ok",
        "CIGFV_10K_2015": "upstream_not_applicable",
        "GAN_10K_2009": "ok",
    }


def test_risk_segments_follow_the_subheadings(result: PipelineResult) -> None:
    aapl = result.output("features", "AAPL_10K_2024_segmented_risks.json")["segments"]
    risks = [s for s in aapl if s["kind"] == "risk"]
    assert len(risks) >= 25
    assert risks[0]["category"] == "Macroeconomic and Industry Risks"
    assert risks[0]["heading"].startswith("The Company’s operations and performance depend")
    assert {"Business Risks", "Financial Risks", "General Risks"} <= {r["category"] for r in risks}
    gan = result.output("features", "GAN_10K_2009_segmented_risks.json")["segments"]
    assert gan[1]["heading"].startswith("Current economic conditions and disruptions")
    assert sum(s["kind"] == "risk" for s in gan) >= 25
    for seg in aapl + gan:
        assert 200 <= seg["chars"] <= 8000
        fre = seg["readability"]["flesch_reading_ease"]
        assert fre is not None and -50 < fre < 80  # dense legal prose, but plausible
        assert seg["sentiment"]["total_words"] > 0


def test_text_is_clean_of_hidden_xbrl_and_control_characters(result: PipelineResult) -> None:
    aapl = result.output("parse", "AAPL_10K_2024_parsed.json")
    text = "\n".join(b["text"] for b in aapl["blocks"])
    for hidden in ("http://fasb.org", "iso4217:", "xbrli:", "P1Y", "0000320193"):
        assert hidden not in text
    for key in ("AAPL_10K_2024", "GAN_10K_2009", "CIGFV_10K_2015", "MRX_10K_1999"):
        blocks = result.output("parse", f"{key}_parsed.json")["blocks"]
        assert not any(re.search("[\x80-\x9f]", b["text"]) for b in blocks), key
    mrx = result.output("parse", "MRX_10K_1999_parsed.json")["blocks"]
    assert any("Registrant’s" in b["text"] for b in mrx)  # from &#146;


def test_lineage_points_at_the_filings(result: PipelineResult, real_filings_dir: Path) -> None:
    inputs = {i["name"]: i for i in result.lineage("parse")["inputs"]}
    # Relative to the project root, so the lineage reads the same on every clone.
    written = inputs["MRX_10K_1999.html"]["path"]
    assert written == "tests/data/sec10k/MRX_10K_1999.html"
    assert (REPO_ROOT / written).resolve() == (real_filings_dir / "MRX_10K_1999.html").resolve()
    # sha256 published in the folder's PROVENANCE.md
    assert inputs["MRX_10K_1999.html"]["sha256"] == (
        "59008270917ad83a4ce7dd4d6da51434277c30998163c839a843dc1351324f66"
    )


def test_lineage_path_of_an_input_outside_the_project(real_filings_dir: Path) -> None:
    # Raw filings may live in a sibling folder (../shared/sec10k): the path climbs out.
    project = real_filings_dir / "project"
    assert rel_path(real_filings_dir / "MRX_10K_1999.html", project) == "../MRX_10K_1999.html"


def test_all_stages_on_the_real_filings_are_fast(result: PipelineResult) -> None:
    assert result.seconds < 10, f"pipeline took {result.seconds:.1f}s on the four filings"
