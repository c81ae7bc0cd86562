"""Turn the code references of a note body into pinned links with a drift mark.

The body is Markdown; each reference is replaced where it stands (by line and column), so the
rest of the note is left exactly as written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from ..core.escaping import esc
from ..git.code_refs import CodeRef, RefStatus, RefSyntax

_MARKS: dict[RefStatus, tuple[str, str]] = {
    # status: (short text, tooltip)
    RefStatus.UNCHANGED: ("unchanged", "the file is the same at HEAD"),
    RefStatus.LINES_UNCHANGED: ("lines unchanged", "the file changed, the cited lines did not"),
    RefStatus.CHANGED: ("changed", "changed since the note's commit"),
    RefStatus.RENAMED: ("renamed", "the file was renamed since the note's commit"),
    RefStatus.DELETED: ("deleted", "the file no longer exists at HEAD"),
    RefStatus.NOT_AT_COMMIT: ("not at commit", "the path did not exist at the note's commit"),
    RefStatus.UNPINNED: ("at HEAD", "the note names no known commit: linked at HEAD"),
}


def drift_mark(ref: CodeRef) -> str:
    """A small HTML badge saying how the cited code changed since the note was written."""
    return _drift_mark(ref.status, ref.commits_since, ref.current_path)


@functools.lru_cache(maxsize=4096)
def _drift_mark(status: RefStatus, commits_since: int | None, current_path: str | None) -> str:
    # Cached: a build marks tens of thousands of references with a few hundred distinct badges.
    text, title = _MARKS[status]
    if status is RefStatus.CHANGED and commits_since:
        text = f"changed in {commits_since} commit{'s' * (commits_since != 1)}"
    if status is RefStatus.RENAMED and current_path:
        text = f"renamed to {current_path}"
    return (
        f'<span class="th-drift th-drift--{status.value}" title="{esc(title)}">{esc(text)}</span>'
    )


def link_code_refs(
    body: str, refs: Sequence[CodeRef], permalink: Callable[[CodeRef], str | None]
) -> str:
    """``body`` with every reference linked to ``permalink(ref)`` (when there is one) and marked."""
    if not refs:
        return body
    lines = body.splitlines(keepends=True)
    # From the last reference backwards, so earlier columns stay valid.
    for ref in sorted(refs, key=lambda ref: (ref.line, ref.column), reverse=True):
        index, start = ref.line - 1, ref.column - 1
        if index >= len(lines) or lines[index][start : start + len(ref.text)] != ref.text:
            continue  # the text moved (should not happen): leave the line alone
        line = lines[index]
        replacement = _linked(ref, permalink(ref)) + " " + drift_mark(ref)
        lines[index] = line[:start] + replacement + line[start + len(ref.text) :]
    return "".join(lines)


def _linked(ref: CodeRef, url: str | None) -> str:
    if url is None:
        return ref.text
    target = url.replace(")", "%29").replace(" ", "%20")
    if ref.syntax is RefSyntax.LINK:
        label_end = ref.text.rfind("](")
        return f"{ref.text[: label_end + 2]}{target})"
    return f"[{ref.text}]({target})"
