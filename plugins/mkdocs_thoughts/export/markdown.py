"""`thoughts export --format markdown`: index files that read well where no generator runs.

GitHub's file view renders Markdown tables and follows relative links, but runs no plugin and
strips most HTML. So each type gets an ``INDEX.md`` table (date, linked title, status,
researcher, tags, commit) with links relative to where the file is written, and the top folder an
``INDEX.md`` with every type. They are written only into the folder named on the command line.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from ..core.config import ThoughtsSettings
from ..corpus.model import Corpus
from ..site.model import NoteRow, SiteModel
from ..site.pages import plan_pages

INDEX_NAME = "INDEX.md"
GENERATED = "<!-- Written by `thoughts export --format markdown`; edits are overwritten. -->\n"
_CELL_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!&])")


def markdown_indexes(
    corpus: Corpus,
    settings: ThoughtsSettings,
    out: Path,
    *,
    commit_url: Callable[[str], str | None] = lambda sha: None,
) -> dict[str, str]:
    """``INDEX.md`` files by path relative to ``out``: one for the top, one per type folder."""
    model = SiteModel(corpus, settings, {}, commit_url=commit_url, git_facts=corpus.git_facts)
    out = out.absolute()
    files: dict[str, str] = {}
    sections = []
    for spec in plan_pages(settings, corpus.notes):
        if spec.kind not in ("type", "other"):
            continue
        folder = posixpath.dirname(spec.src_uri)
        path = posixpath.join(folder, INDEX_NAME) if folder else INDEX_NAME
        # Notes outside every type folder are listed too (under "Other notes" on the top index).
        rows = model.of_type(spec.key) if spec.kind == "type" else model.untyped()
        here = out / folder
        lines = [GENERATED, f"# {cell(spec.title)}", "", f"{_count(len(rows))}.", ""]
        lines += table(rows, functools.partial(_link, here=here))
        if folder:  # the top index gets each type's table below
            files[path] = "\n".join(lines) + "\n"
        sections.append((spec.title, path, rows))
    top = [GENERATED, "# Notes", ""]
    for title, path, rows in sections:
        link = "" if path == INDEX_NAME else f" ([all]({_href(path)}))"
        top += [f"## {cell(title)}", "", f"{_count(len(rows))}{link}.", ""]
        top += table(rows, lambda row: _link(row, out))
        top.append("")
    files[INDEX_NAME] = "\n".join(top).rstrip("\n") + "\n"
    return dict(sorted(files.items()))


def table(rows: list[NoteRow], link: Callable[[NoteRow], str]) -> list[str]:
    if not rows:
        return ["No notes yet."]
    lines = [
        "| Date | Title | Status | Researcher | Tags | Commit |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        commit = ""
        if row.short_sha:
            commit = f"`{row.short_sha}`"
            if row.commit_url:
                commit = f"[{commit}]({_href(row.commit_url)})"
        title = f"[{cell(row.title)}]({link(row)})"
        lines.append(
            f"| {cell(row.day)} | {title} | {cell(row.status or '')} | "
            f"{cell(row.researcher or '')} | {cell(', '.join(row.tags))} | {commit} |"
        )
    return lines


def cell(text: str) -> str:
    """Note text for a table cell: one line, Markdown and HTML shown as written."""
    return _CELL_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _link(row: NoteRow, here: Path) -> str:
    return _href(Path(os.path.relpath(row.note.path, here)).as_posix())


def _href(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _count(count: int) -> str:
    return f"{count} note{'s' * (count != 1)}"
