"""One truth: on every fixture site, `thoughts check` and `mkdocs build --strict` report the same
problems (path, line, code, severity), fail together, and the Report page counts what the CLI
counts."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixture_sites import CORPUS_SITES, SITES, SiteWriter
from gitfixtures import isolate_git
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs_thoughts.cli.main import main
from sitebuild import Captured

Finding = tuple[str, int | None, str, str]

LOGGED = re.compile(
    r"^mkdocs_thoughts: (?P<path>[^:]+)(?::(?P<line>\d+))?(?::\d+)?: "
    r"(?P<severity>error|warning) (?P<code>TH\d{3}) "
)


def cli_findings(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[Finding], str]:
    code = main(["check", "--format", "json", "--config", str(root / "mkdocs.yml")])
    captured = capsys.readouterr()
    found = [
        (item["path"], item["line"], item["code"], item["severity"])
        for item in json.loads(captured.out or "[]")
    ]
    return code, found, captured.err.strip().splitlines()[-1]


def strict_build(root: Path) -> tuple[bool, list[Finding], Path]:
    """Build like `mkdocs build --strict`; the problems as its log shows them."""
    handler = Captured()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # `mkdocs build` shows INFO: the warnings-level problems
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    failed = False
    try:
        build(config)
    except Abort:
        failed = True
    finally:
        config.plugins.on_shutdown()
        logger.removeHandler(handler)
        logger.setLevel(level)
    found: list[Finding] = []
    for message in handler.messages(logging.INFO):
        match = LOGGED.match(message)
        if match:
            line = int(match["line"]) if match["line"] else None
            found.append((match["path"], line, match["code"], match["severity"]))
    return failed, found, Path(config.site_dir)


def report_summary(site: Path) -> str:
    page = BeautifulSoup((site / "report/index.html").read_text(), "html.parser")
    return page.select_one(".th-summary").get_text(" ", strip=True)


def check_site(
    writer: SiteWriter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> list[Finding]:
    isolate_git(monkeypatch)
    root = writer(tmp_path / "site")
    monkeypatch.chdir(root)
    code, cli, cli_summary = cli_findings(root, capsys)
    failed, logged, site = strict_build(root)
    assert sorted(cli, key=str) == sorted(logged, key=str)
    has_errors = any(severity == "error" for *_, severity in cli)
    assert code == int(has_errors) and failed == has_errors
    assert report_summary(site) == cli_summary
    return cli


@pytest.mark.parametrize("name", sorted(SITES))
def test_check_and_strict_build_agree(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = check_site(SITES[name], tmp_path, monkeypatch, capsys)
    if name in ("site", "runs", "rules", "inherit", "serve"):
        assert found, "this site is meant to have problems"


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS_SITES, reason="../shared/corpora is absent (the shared corpora)")
@pytest.mark.parametrize("name", sorted(CORPUS_SITES))
def test_check_and_strict_build_agree_on_real_corpora(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check_site(CORPUS_SITES[name], tmp_path, monkeypatch, capsys)


def test_runs_site_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """TH401 and TH402 come from the core: the CLI reports them, prose examples are no
    citations, and `rules:` (written with YAML booleans) changes their severities."""
    found = Counter(check_site(SITES["runs"], tmp_path / "runs", monkeypatch, capsys))
    results = "thoughts/shared/research/2026-01-07_10-00-00_results.md"
    assert found == Counter(
        {
            (results, 10, "TH402", "error"): 1,  # runs: 20990101_000000_nope
            (results, 15, "TH402", "error"): 1,  # the link to a run that is not here
            (
                "data/interim/parsed/20260105_140307_parse_0123456/metrics.jsonl",
                2,
                "TH401",
                "warning",
            ): 1,
            (
                "data/processed/labeled/20260106_090000_train/run_config.yaml",
                2,
                "TH401",
                "warning",
            ): 1,
        }
    )
    ruled = Counter(check_site(SITES["rules"], tmp_path / "rules", monkeypatch, capsys))
    assert (results, 10, "TH402", "warning") in ruled
    assert (
        "data/processed/labeled/20260106_090000_train/run_config.yaml",
        2,
        "TH401",
        "error",
    ) in ruled
    codes = {code for _, _, code, _ in ruled}
    assert "TH201" not in codes  # off
    assert ("thoughts/shared/research/notes about parsing.md", 10, "TH104", "error") in ruled
