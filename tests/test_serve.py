"""`mkdocs serve`: edits, new notes and deleted notes show on the next reload; caching works."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factories import make_note, mkdocs_yml
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.corpus.loader import NoteLoader
from treeutil import REPO_ROOT, write_tree

sys.path.insert(0, str(REPO_ROOT / "hack"))
from serving import fetch, mkdocs_serve, wait_for


def note(day: int, topic: str, status: str = "complete", body: str = "Text.", **extra: str) -> str:
    return make_note(
        date=f"2025-12-0{day}T10:00:00+00:00",
        repository="r",
        topic=topic,
        tags=["t"],
        status=status,
        **extra,
        body=f"# {topic}\n\n{body}\n",
    )


R1 = "thoughts/shared/research/2025-12-01_10-00-00_first.md"
R2 = "thoughts/shared/research/2025-12-02_10-00-00_second.md"
P1 = "thoughts/shared/plans/2025-12-03_10-00-00_plan.md"
HOME = "thoughts/index.md"


def home_counts(html: str) -> list[str]:
    """The first row (Research) of Home's counts table: type and number of notes."""
    row = BeautifulSoup(html, "html.parser").select_one(".th-counts tbody tr")
    return [cell.get_text(strip=True) for cell in row.find_all("td")[:2]] if row else []


def edit(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text)
    # A later mtime even on file systems with coarse timestamps, so the watcher and cache see it.
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.mark.slow
@pytest.mark.parametrize("mode", [(), ("--dirty",)], ids=["full", "dirty"])
def test_serve_updates_pages_indexes_and_report(tmp_path: Path, mode: tuple[str, ...]) -> None:
    write_tree(
        tmp_path,
        {"mkdocs.yml": mkdocs_yml(), HOME: "# Team notes\n\n<!-- thoughts:summary -->\n"},
    )
    write_tree(tmp_path, {R1: note(1, "First note")})
    with mkdocs_serve(tmp_path, *mode) as base:
        index = base + "shared/research/"
        first_page = base + "shared/research/2025-12-01_10-00-00_first/"
        assert "First note" in (fetch(index) or "")
        assert "First note" in (fetch(base) or "")

        edit(tmp_path / R1, note(1, "First note", body="Freshly edited paragraph."))
        wait_for(lambda: "Freshly edited" in (fetch(first_page) or ""), 20)

        write_tree(tmp_path, {R2: note(2, "Second note", status="complet")})
        wait_for(lambda: "Second note" in (fetch(index) or ""), 20)
        assert "TH103" in (fetch(base + "report/") or "")
        # Home is a page the team wrote: its file did not change, what it shows did.
        wait_for(lambda: "Second note" in (fetch(base) or ""), 20)
        assert home_counts(fetch(base) or "") == ["Research", "2"]

        # An edited topic reaches Home (its newest list) and the status board.
        edit(tmp_path / R1, note(1, "First note, renamed", body="Freshly edited paragraph."))
        wait_for(lambda: "First note, renamed" in (fetch(base) or ""), 20)
        assert "First note, renamed" in (fetch(base + "status/") or "")

        # Settings change: the notes are checked again under the new configuration.
        edit(tmp_path / "mkdocs.yml", mkdocs_yml("      extra_statuses: [complet]\n"))
        wait_for(lambda: "TH103" not in (fetch(base + "report/") or "TH103"), 30)

        write_tree(tmp_path, {P1: note(3, "A plan", related_research=R1)})
        wait_for(lambda: "Plans built on this" in (fetch(first_page) or ""), 20)

        (tmp_path / R2).unlink()
        wait_for(lambda: "Second note" not in (fetch(index) or ""), 20)
        wait_for(lambda: "Second note" not in (fetch(base) or "Second note"), 20)


def test_loader_reads_only_changed_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {R1: note(1, "First"), R2: note(2, "Second")})
    loader = NoteLoader(ThoughtsSettings(check_commits=False), tmp_path / "thoughts", tmp_path)
    assert len(loader.load().notes) == 2 and loader.reads == 2
    assert len(loader.load().notes) == 2 and loader.reads == 2
    edit(tmp_path / R1, note(1, "First, edited"))
    corpus = loader.load()
    assert loader.reads == 3
    assert {n.title for n in corpus.notes} == {"First, edited", "Second"}
    (tmp_path / R2).unlink()
    assert [n.title for n in loader.load().notes] == ["First, edited"]
    assert loader.reads == 3


def test_loader_checks_cached_notes_again_when_the_settings_change(tmp_path: Path) -> None:
    write_tree(tmp_path, {R1: note(1, "First", status="abandoned")})
    loader = NoteLoader(ThoughtsSettings(check_commits=False), tmp_path / "thoughts", tmp_path)
    assert [d.code for d in loader.load().diagnostics] == ["TH103"]
    loader.settings = ThoughtsSettings(check_commits=False)  # equal settings: the cache holds
    assert loader.load().diagnostics and loader.reads == 1
    loader.settings = ThoughtsSettings(check_commits=False, extra_statuses=["abandoned"])
    assert loader.load().diagnostics == [] and loader.reads == 2
