"""Body links the plugin resolved to a note (or a folder page), rewritten so they work on the page.

Notes write links from the repository root (``[plan](thoughts/shared/plans/x.md)``), from the
notes folder, or to a note that has moved; the graph resolves all of them, but MkDocs reads a link
relative to the page, so the ``href`` would 404 (and ``--strict`` fail on MkDocs' warning). Each
such link gets the page-relative path of what it resolved to, which MkDocs then turns into the
target's URL like any other link. Links that already work are left exactly as written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .links import Origin, Relation, TargetKind
from .notes import Note


@dataclass(frozen=True, slots=True)
class LinkEdit:
    line: int
    """1-based line in the note body."""
    written: str
    replacement: str


def link_edits(
    relations: Iterable[Relation],
    notes_prefix: str,
    file_url: Callable[[str, Note], str | None] = lambda path, note: None,
) -> dict[str, list[LinkEdit]]:
    """For each note (by repository path), the links to rewrite. ``notes_prefix`` is the notes
    folder's path from the repository root with a trailing slash (``thoughts/``); ``file_url``
    gives a repository file's URL on the forge as the note saw it (``None`` without one)."""
    edits: dict[str, list[LinkEdit]] = {}
    for relation in relations:
        if relation.origin is not Origin.LINK:
            continue
        source = relation.source
        written = relation.value.text
        path, suffix = _split_suffix(written)
        target_uri = _target_uri(relation, notes_prefix)
        if target_uri is None:
            # A file outside the notes (a PRD named by its bare name): on the forge, if any.
            # Links whose path resolves were made permalinks with the code references already.
            url = file_url(relation.file, source) if relation.file else None
            if relation.kind is TargetKind.FILE and url:
                line = relation.value.at.line - source.body_line + 1
                edits.setdefault(source.rel_path, []).append(LinkEdit(line, written, url))
            continue
        here = posixpath.dirname(source.doc_uri)
        if posixpath.normpath(posixpath.join(here, path)) == target_uri:
            continue  # already works as written
        replacement = posixpath.relpath(target_uri, here or ".") + suffix
        line = relation.value.at.line - source.body_line + 1
        edits.setdefault(source.rel_path, []).append(LinkEdit(line, written, replacement))
    return edits


def rewrite_links(body: str, edits: Iterable[LinkEdit]) -> str:
    """``body`` with each edited link's target replaced on its line (inline or definition)."""
    by_line: dict[int, list[LinkEdit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    if not by_line:
        return body
    lines = body.splitlines(keepends=True)
    for number, line_edits in by_line.items():
        index = number - 1
        if not 0 <= index < len(lines):
            continue
        line = lines[index]
        for edit in line_edits:
            for before, after in (("](", ")"), ("](<", ">)"), ("]: ", "")):
                old = before + edit.written + after
                if old in line:
                    line = line.replace(old, before + edit.replacement + after)
                    break
        lines[index] = line
    return "".join(lines)


def _target_uri(relation: Relation, notes_prefix: str) -> str | None:
    """The target's path inside the notes folder (its MkDocs ``src_uri``), or ``None``."""
    if relation.kind is TargetKind.NOTE and relation.target is not None:
        return relation.target.doc_uri
    if (
        relation.kind is TargetKind.FILE
        and relation.file
        and relation.file.startswith(notes_prefix)
    ):
        return relation.file[len(notes_prefix) :]
    return None


def _split_suffix(written: str) -> tuple[str, str]:
    """``x.md#part`` -> (``x.md``, ``#part``); a ``:12`` line suffix is dropped (no page has
    line anchors)."""
    path, hash_mark, anchor = written.partition("#")
    suffix = hash_mark + anchor
    base, colon, rest = path.rpartition(":")
    if colon and base.lower().endswith(".md") and rest.replace("-", "").isdigit():
        path = base
    return path, suffix
