"""A shallow clone (CI without ``fetch-depth: 0``): one notice, not one TH302 per note.

The notes pin commits older than the clone's cut; in a real ``git clone --depth 1`` those commits
cannot be told from commits that never existed, so both front ends report the clone once, with
how many notes it leaves unchecked, and the full clone still reports the truly unknown commit.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factories import make_note, mkdocs_yml
from gitfixtures import GitRepo, Scenario, isolate_git
from mkdocs_thoughts.cli.main import main
from sitebuild import Captured, build_site


def front(sha: str, topic: str) -> str:
    return make_note(date="2025-01-06T12:00:00+00:00", git_commit=sha, topic=topic, tags=["git"])


OLD = "thoughts/shared/research/2025-01-06_12-00-00_old.md"
OLDER = "thoughts/shared/research/2025-01-06_12-10-00_older.md"
BOGUS = "thoughts/shared/research/2025-01-06_12-20-00_bogus.md"


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git(monkeypatch)
        scenario = Scenario(tmp_path_factory.mktemp("origin"))
        repo = scenario.repo
        repo.write("mkdocs.yml", mkdocs_yml())
        (repo.root / Scenario.NOTE).unlink()  # the scenario's note has no frontmatter
        repo.write(OLD, front(scenario.c1[:7], "Old"))
        repo.write(OLDER, front(scenario.c2, "Older"))
        repo.write(BOGUS, front("abcdef1", "Bogus"))
        repo.commit("Add notes")
        return repo.root


def check_json(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]], str]:
    isolate_git(monkeypatch)
    monkeypatch.chdir(root)
    code = main(["check", "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_full_clone_reports_only_the_unknown_commit(
    origin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, items, err = check_json(origin, monkeypatch, capsys)
    assert code == 1
    assert [(i["path"], i["code"]) for i in items] == [(BOGUS, "TH302")]
    assert "shallow" not in err


def test_shallow_clone_is_one_notice_not_an_error_per_note(
    origin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    GitRepo(origin, init=False).clone_shallow(tmp_path / "clone")
    code, items, err = check_json(tmp_path / "clone", monkeypatch, capsys)
    assert (code, items) == (0, [])
    [notice] = [line for line in err.splitlines() if line.startswith("thoughts: warning:")]
    assert "shallow clone (1 commit of history)" in notice
    assert "3 notes name a commit outside it and TH302 is not checked for them" in notice
    assert "git fetch --unshallow" in notice and "fetch-depth: 0" in notice


def test_shallow_clone_builds_strictly_with_the_same_notice(
    origin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    clone = tmp_path / "clone"
    GitRepo(origin, init=False).clone_shallow(clone)
    captured = Captured()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(captured)
    level = logger.level
    logger.setLevel(logging.INFO)  # the plugin logs notices as info
    try:
        site = build_site(clone, strict=True)
    finally:
        logger.setLevel(level)
        logger.removeHandler(captured)
    messages = captured.messages(logging.INFO)
    assert not [m for m in messages if ": TH302 " in m]  # no diagnostic, only the notice
    [notice] = [m for m in messages if "shallow clone" in m]
    assert "3 notes name a commit outside it" in notice
    url = OLD.removeprefix("thoughts/").removesuffix(".md")
    page = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    placement = page.select_one(".th-note-header .th-placement")
    assert placement is not None and placement.get_text() == "not in this shallow clone"
