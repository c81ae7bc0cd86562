"""`mkdocs serve`: edits, new notes and deleted notes show on the next reload; caching works."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from mkdocs_thoughts.corpus import NoteLoader
from mkdocs_thoughts.schema import ThoughtsSettings
from sitebuild import mkdocs_yml
from treeutil import REPO_ROOT, write_tree

sys.path.insert(0, str(REPO_ROOT / "hack"))
from serving import fetch, mkdocs_serve, wait_for

NOTE = """\
---
date: 2025-12-0{day}T10:00:00+00:00
researcher: Ada
git_commit: 3d801c3
branch: main
repository: r
topic: {topic}
tags: [t]
status: {status}
{extra}---
# {topic}

{body}
"""


def note(
    day: int, topic: str, status: str = "complete", body: str = "Text.", extra: str = ""
) -> str:
    return NOTE.format(day=day, topic=topic, status=status, body=body, extra=extra)


R1 = "thoughts/shared/research/2025-12-01_10-00-00_first.md"
R2 = "thoughts/shared/research/2025-12-02_10-00-00_second.md"
P1 = "thoughts/shared/plans/2025-12-03_10-00-00_plan.md"


def edit(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text)
    # A later mtime even on file systems with coarse timestamps, so the watcher and cache see it.
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.mark.slow
@pytest.mark.parametrize("mode", [(), ("--dirty",)], ids=["full", "dirty"])
def test_serve_updates_pages_indexes_and_report(tmp_path: Path, mode: tuple[str, ...]) -> None:
    write_tree(tmp_path, {"mkdocs.yml": mkdocs_yml(), R1: note(1, "First note")})
    with mkdocs_serve(tmp_path, *mode) as base:
        index = base + "shared/research/"
        first_page = base + "shared/research/2025-12-01_10-00-00_first/"
        assert "First note" in (fetch(index) or "")

        edit(tmp_path / R1, note(1, "First note", body="Freshly edited paragraph."))
        wait_for(lambda: "Freshly edited" in (fetch(first_page) or ""), 20)

        write_tree(tmp_path, {R2: note(2, "Second note", status="complet")})
        wait_for(lambda: "Second note" in (fetch(index) or ""), 20)
        assert "TH103" in (fetch(base + "report/") or "")

        write_tree(tmp_path, {P1: note(3, "A plan", extra=f"related_research: {R1}\n")})
        wait_for(lambda: "Plans built on this" in (fetch(first_page) or ""), 20)

        (tmp_path / R2).unlink()
        wait_for(lambda: "Second note" not in (fetch(index) or ""), 20)
        assert "TH103" not in (fetch(base + "report/") or "")


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
