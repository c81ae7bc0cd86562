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

from ..core.links import Origin, Relation, TargetKind
from ..core.markdown_scan import inline_links, scan_of
from ..core.markdown_scan_model import BodyScan, LinkKind, MarkdownLink, line_starts
from ..core.notes import Note

_WRITTEN_HERE = (LinkKind.INLINE, LinkKind.DEFINITION)
"""The links whose target can be rewritten where it stands (a ``<x.md>`` is no link to
Python-Markdown, and a reference's target is in its definition)."""


@dataclass(frozen=True, slots=True)
class LinkEdit:
    written: str
    """The link target as the note wrote it (without ``<>``)."""
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
                edits.setdefault(source.rel_path, []).append(LinkEdit(written, url))
            continue
        here = posixpath.dirname(source.doc_uri)
        if posixpath.normpath(posixpath.join(here, path)) == target_uri:
            continue  # already works as written
        replacement = posixpath.relpath(target_uri, here or ".") + suffix
        edits.setdefault(source.rel_path, []).append(LinkEdit(written, replacement))
    return edits


def rewrite_links(body: str, edits: Iterable[LinkEdit], scan: BodyScan | None = None) -> str:
    """``body`` with the target of every link written as an edit's ``written`` replaced, in
    prose only (a link in a code span or code block is an example). The same text in the same
    note always resolves alike, so every occurrence is rewritten, not only the first.

    ``scan`` is the scan of the note's body, which ``body`` may have become by in-line edits
    (code links, which never add or remove a line): a line that changed is read again, alone."""
    targets = {edit.written: edit.replacement for edit in edits}
    if not targets:
        return body
    if scan is None:
        scan = scan_of(body)
    if scan.body is body:
        return _rewritten(body, scan.links, targets)
    lines = body.split("\n")
    before = scan.body.split("\n")
    if len(lines) != len(before):
        return _rewritten(body, scan_of(body).links, targets)
    by_line: dict[int, list[MarkdownLink]] = {}
    for link in scan.links:
        if link.kind in _WRITTEN_HERE and link.target in targets:
            by_line.setdefault(link.target_line, []).append(link)
    starts = line_starts(scan.body, "\n")
    for number, found in by_line.items():
        index = number - 1
        if lines[index] == before[index]:
            shift = starts[index]
            lines[index] = _rewritten(lines[index], found, targets, shift)
        else:
            lines[index] = _rewritten(lines[index], inline_links(lines[index]), targets)
    return "\n".join(lines)


def _rewritten(
    text: str, links: Iterable[MarkdownLink], targets: dict[str, str], shift: int = 0
) -> str:
    """``text`` with the targets of ``links`` (at their offsets less ``shift``) replaced."""
    pieces: list[str] = []
    done = 0
    for link in sorted(links, key=lambda link: link.target_start):
        if link.kind not in _WRITTEN_HERE or link.target not in targets:
            continue
        start, end = link.target_start - shift, link.target_end - shift
        replacement = targets[link.target]
        if text.startswith("<", start):
            replacement = f"<{replacement}>"
        pieces += [text[done:start], replacement]
        done = end
    return "".join(pieces) + text[done:] if pieces else text


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
