"""Pages that disappeared or should not appear (issue 16 items 8-9, issue 23 item 2): a team's
README.md in a notes folder, note templates, notes outside every type folder."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factories import make_note, mkdocs_yml
from gitfixtures import GitRepo, isolate_git
from mkdocs_thoughts.cli.main import main
from sitebuild import Captured, build_site


def note(sha: str, topic: str, **extra: str) -> str:
    return make_note(
        date="2026-04-03T10:00:00+00:00",
        git_commit=sha,
        repository="demo",
        topic=topic,
        tags=["demo"],
        status="in_progress",
        **extra,
    )


RESEARCH = "thoughts/shared/research/2026-04-03_10-00_r.md"
TEMPLATE = "thoughts/shared/templates/research.md"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.write("mkdocs.yml", mkdocs_yml())
    repo.write("thoughts/index.md", "# Home\n")
    sha = repo.commit("start")[:7]
    repo.write(RESEARCH, note(sha, "Research"))
    # The team's own intro to its research folder, written as README.md.
    repo.write(
        "thoughts/shared/research/README.md",
        "# Research index\n\nHow we write research notes: one question per note.\n",
    )
    # A template: its {{RUN_ID}} links 404 and its placeholders fail every check.
    repo.write(
        TEMPLATE,
        "---\ndate: {{DATE_ISO}}\n---\n# {{TOPIC}}\n\n![loss](../../data/{{RUN_ID}}/loss.png)\n",
    )
    # One folder per task: a plan, a research note, and a note of no type.
    plan = note(sha, "Task plan", related_research=RESEARCH)
    repo.write("thoughts/26-04-03-task/plan.md", plan)
    repo.write("thoughts/26-04-03-task/research.md", note(sha, "Task"))
    repo.write("thoughts/26-04-03-task/notes.md", note(sha, "Scratch"))
    repo.commit("notes")
    monkeypatch.chdir(repo.root)
    return repo


def test_team_readme_templates_and_task_folders_on_the_site(repo: GitRepo) -> None:
    captured = Captured()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(captured)
    logger.setLevel(logging.INFO)
    try:
        site = build_site(repo.root, strict=True)
    finally:
        logger.removeHandler(captured)
        logger.setLevel(level)
    # The README's text stays, above the generated listing.
    page = BeautifulSoup((site / "shared/research/index.html").read_text(), "html.parser")
    article = page.select_one("article")
    assert article is not None
    text = article.get_text(" ", strip=True)
    assert "How we write research notes" in text
    listing = [a.get_text(strip=True) for a in article.select("table a")]
    assert text.index("How we write research notes") < text.index("2026-04-03")
    assert [name for name in listing if name != "demo"] == ["Research", "Task"]  # and tags
    # No page for the template.
    assert not (site / "shared/templates/research/index.html").exists()
    # plan.md and research.md in a task folder are typed by their names; notes.md is listed
    # under Other notes, and Home counts it.
    plans = BeautifulSoup((site / "plans/index.html").read_text(), "html.parser")
    assert next(a.get_text(strip=True) for a in plans.select("article table a")) == "Task plan"
    other = BeautifulSoup((site / "other-notes/index.html").read_text(), "html.parser")
    assert "Scratch" in other.get_text()
    home = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    counts = {
        tr.td.get_text(strip=True): tr.find_all("td")[1].get_text(strip=True)
        for tr in home.select(".th-counts tbody tr")
    }
    assert counts["Other notes"] == "1"
    assert counts["Research"] == "2"
    assert counts["Plans"] == "1"
    notices = [m for m in captured.messages(logging.INFO) if "outside every type folder" in m]
    assert len(notices) == 1, notices


def test_two_pages_at_one_url_are_a_warning(repo: GitRepo) -> None:
    repo.write("thoughts/shared/research/2026-04-03_10-00_r/index.md", "# A folder page\n")
    captured = Captured()
    logging.getLogger("mkdocs").addHandler(captured)
    try:
        build_site(repo.root)
    finally:
        logging.getLogger("mkdocs").removeHandler(captured)
    clashes = [m for m in captured.messages() if "are both published at" in m]
    assert clashes == [
        "mkdocs_thoughts: shared/research/2026-04-03_10-00_r.md and "
        "shared/research/2026-04-03_10-00_r/index.md are both published at "
        "shared/research/2026-04-03_10-00_r/index.html: one hides the other"
    ]


def test_check_and_fix_skip_templates_even_when_named(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--format", "json", TEMPLATE]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == []
    assert f"{TEMPLATE}: in the 'templates' folder, so a template or a copy, not a note" in err
    before = (repo.root / TEMPLATE).read_text()
    assert main(["fix", "--write", TEMPLATE]) == 0
    assert "not a note: skipped" in capsys.readouterr().err
    assert (repo.root / TEMPLATE).read_text() == before


def test_a_readme_at_the_notes_root_is_the_home_page(repo: GitRepo) -> None:
    (repo.root / "thoughts/index.md").unlink()
    repo.write("thoughts/README.md", "# Our notes\n\nStart with the open plans.\n")
    site = build_site(repo.root, strict=True)
    home = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    text = home.select_one("article").get_text(" ", strip=True)
    assert text.startswith("Our notes Start with the open plans.")
    assert home.select(".th-counts")  # the summary below the team's text
