"""Body links the plugin resolved to a note (or a folder page), rewritten so they work on the page.

Notes write links from the repository root (``[plan](thoughts/shared/plans/x.md)``), from the
notes folder, or to a note that has moved; the graph resolves all of them, but MkDocs reads a link
relative to the page, so the ``href`` would 404 (and ``--strict`` fail on MkDocs' warning). Each
such link gets the page-relative path of what it resolved to, which MkDocs then turns into the
target's URL like any other link. Links that already work are left exactly as written.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .links import Origin, Relation, TargetKind
from .mdscan import INLINE_LINK, prose_lines, without_code_spans
from .notes import Note

_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)")


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


def rewrite_links(body: str, edits: Iterable[LinkEdit]) -> str:
    """``body`` with the target of every link written as an edit's ``written`` replaced, in
    prose only (a link in a code span or fenced code is an example). The same text in the same
    note always resolves alike, so every occurrence is rewritten, not only the first."""
    targets = {edit.written: edit.replacement for edit in edits}
    if not targets:
        return body
    lines = body.split("\n")
    for number, line in prose_lines(body):
        if "](" not in line and "]:" not in line:
            continue
        plain = without_code_spans(line)
        spans = [match.span(1) for match in INLINE_LINK.finditer(plain)]
        definition = _DEFINITION.match(plain)
        if definition:
            spans.append(definition.span(1))
        for start, end in sorted(spans, reverse=True):
            written = line[start:end]
            inner = written[1:-1] if written.startswith("<") else written
            if inner in targets:
                replacement = targets[inner]
                if written.startswith("<"):
                    replacement = f"<{replacement}>"
                line = line[:start] + replacement + line[end:]
        lines[number - 1] = line
    return "\n".join(lines)


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
